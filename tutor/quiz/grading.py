"""Answering the quiz: reading the learner's letters, grading them, and the text of a question and its feedback
(UI-free).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dltutor.core.errors import TutorError
from dltutor.tutor.quiz.questions import QuizQuestion


@dataclass(frozen=True)
class Grade:
    """The result of grading one answer.

    Args:
        correct: the chosen set is exactly the set of correct options.
        chosen: the keys the learner chose.
        right: the keys of the correct options.
        feedback: plain text: the verdict, then every option with its explanation.
    """

    correct: bool
    chosen: set[str]
    right: set[str]
    feedback: str
    question_id: int = 0

    def to_dict(self) -> dict:
        return {
            "id": self.question_id,
            "correct": self.correct,
            "chosen": sorted(self.chosen),
            "right": sorted(self.right),
            "feedback": self.feedback,
        }


@dataclass
class Score:
    """A running score over a quiz session."""

    grades: list[Grade] = field(default_factory=list)

    def add(self, grade: Grade) -> None:
        self.grades.append(grade)

    @property
    def correct(self) -> int:
        return sum(g.correct for g in self.grades)

    @property
    def total(self) -> int:
        return len(self.grades)

    def text(self) -> str:
        if not self.total:
            return "Score: 0/0 (no questions answered)"
        return f"Score: {self.correct}/{self.total} ({100 * self.correct / self.total:.0f}%)"

    def to_dict(self) -> dict:
        return {"correct": self.correct, "total": self.total, "results": [g.to_dict() for g in self.grades]}


_SEPARATORS = re.compile(r"[\s+,;/&]+|\band\b")


def parse_choice(text: str, question: QuizQuestion) -> set[str]:
    """Read the learner's choice for one question.

    Accepts ``"b"``, ``"B"``, ``"b)"``, and for select-all questions ``"a+c"``, ``"a,c"``, ``"a c"`` or
    ``"ac"``.

    Args:
        text: what the learner typed.
        question: the question being answered.

    Returns:
        The chosen keys.

    Raises:
        TutorError: empty input, a letter that is not an option, or several letters for a single-answer
            question. The message names the allowed letters.
    """
    allowed = ", ".join(question.keys)
    how = "one letter" if question.kind == "single" else "one or more letters joined by +, e.g. a+c"
    raw = (text or "").strip().lower()
    if not raw:
        raise TutorError("answer", "no answer given", f"{how} from {allowed}")
    parts = [p.strip("().") for p in _SEPARATORS.split(raw) if p and p.strip("().")]
    letters: list[str] = []
    for part in parts:
        if not part.isalpha():
            raise TutorError("answer", f"{part!r} is not an option of question {question.id}",
                             f"{how} from {allowed}")
        letters.extend(part)
    if not letters:
        raise TutorError("answer", "no answer given", f"{how} from {allowed}")
    unknown = [c for c in letters if c not in question.keys]
    if unknown:
        raise TutorError(
            "answer", f"{unknown[0]!r} is not an option of question {question.id}", f"{how} from {allowed}"
        )
    chosen = set(letters)
    if question.kind == "single" and len(chosen) > 1:
        raise TutorError("answer", f"question {question.id} takes a single answer",
                         f"one letter from {allowed}")
    return chosen


_ITEM = re.compile(r"^\s*(\d+)\s*[:=]\s*(.*?)\s*$")


def parse_answers(text: str, questions: list[QuizQuestion] | None = None) -> dict[int, set[str]]:
    """Read scripted answers like ``"1:b,2:a+c"``.

    Items are separated by commas, semicolons or spaces; several letters in one item are joined by ``+``.

    Args:
        text: the answers.
        questions: when given, question ids and letters are checked against them.

    Returns:
        Question id -> chosen keys, in the order given.

    Raises:
        TutorError: on a malformed item (``"1:"``, ``"x"``), a repeated id, an unknown question or letter.
    """
    field_name = "--answers"
    allowed = 'items like "1:b,2:a+c" (question:letters, several letters joined by +)'
    if not text or not text.strip():
        raise TutorError(field_name, "no answers given", allowed)
    by_id = {q.id: q for q in questions} if questions is not None else None
    result: dict[int, set[str]] = {}
    for item in re.split(r"[,;\s]+(?=\d+\s*[:=])|;", text.strip()):
        item = item.strip().strip(",")
        if not item:
            continue
        m = _ITEM.match(item)
        if not m:
            raise TutorError(field_name, f"cannot read {item!r}", allowed)
        qid, choice = int(m.group(1)), m.group(2)
        if not choice:
            raise TutorError(field_name, f"question {qid} has no letters in {item!r}", allowed)
        if qid in result:
            raise TutorError(field_name, f"question {qid} is answered twice", "each question once")
        if by_id is not None:
            if qid not in by_id:
                raise TutorError(field_name, f"no question {qid}", f"question ids 1..{len(by_id)}")
            try:
                result[qid] = parse_choice(choice.replace(",", "+"), by_id[qid])
            except TutorError as exc:
                problem = exc.problem
                if f"question {qid}" not in problem:
                    problem = f"question {qid}: {problem}"
                raise TutorError(field_name, problem, exc.allowed) from None
        else:
            letters = [p for p in re.split(r"[+\s]+", choice.lower()) if p]
            if not letters or not all(p.isalpha() for p in letters):
                raise TutorError(field_name, f"cannot read the letters {choice!r} of question {qid}", allowed)
            result[qid] = set("".join(letters))
    if not result:
        raise TutorError(field_name, "no answers given", allowed)
    return result


#: The verdict an explanation may open with ("True: ..."); the feedback says right or wrong itself.
VERDICT_WORD = re.compile(r"(Right|Correct|Wrong|Incorrect|True|False|Yes|No)[:.,!]\s+")


def without_verdict(explanation: str) -> str:
    """``"True: the dev set..."`` -> ``"The dev set..."``, so the feedback never says right or wrong twice."""
    why = explanation.strip()
    match = VERDICT_WORD.match(why)
    if match and match.end() < len(why):
        why = why[match.end()].upper() + why[match.end() + 1:]
    return why


def grade(question: QuizQuestion, chosen: set[str]) -> Grade:
    """Grade one answer: right only if the chosen set equals the set of correct options.

    Args:
        question: the question.
        chosen: the keys chosen (as from :func:`parse_choice`).

    Returns:
        A :class:`Grade` whose feedback gives the verdict and every option's explanation.
    """
    chosen = {c.lower() for c in chosen}
    unknown = chosen - set(question.keys)
    if unknown:
        raise TutorError("answer", f"{sorted(unknown)[0]!r} is not an option of question {question.id}",
                         ", ".join(question.keys))
    right = question.right
    correct = chosen == right
    answer_text = "+".join(sorted(right))
    if correct:
        verdict = "Correct."
    elif question.kind == "multi" and chosen & right:
        missed, extra = sorted(right - chosen), sorted(chosen - right)
        bits = []
        if missed:
            bits.append("missed " + ", ".join(missed))
        if extra:
            bits.append("wrongly chose " + ", ".join(extra))
        verdict = f"Not quite ({'; '.join(bits)}): the answer is {answer_text}."
    else:
        verdict = f"Not quite: the answer is {answer_text}."
    lines = [verdict]
    for o in question.options:
        why = without_verdict(o.explanation)
        picked = "your choice: " if o.key in chosen else ""
        lines.append(f"  {o.key}) {picked}{'correct' if o.correct else 'wrong'}. {why}")
    return Grade(correct, chosen, right, "\n".join(lines), question.id)


def format_question(question: QuizQuestion, number: int | None = None, total: int | None = None) -> str:
    """The question as plain text: header, prompt, lettered options and how to answer."""
    head = f"Question {number}/{total}" if number and total else f"Question {question.id}"
    lines = [f"{head}  [#{question.id}, {question.lesson}]", question.prompt]
    lines += [f"  {o.key}) {o.text}" for o in question.options]
    if question.kind == "multi":
        lines.append("(select all that apply: letters joined by +, e.g. a+c)")
    return "\n".join(lines)
