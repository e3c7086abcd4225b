"""The quiz: questions from ``lessons/quiz.toml``, answer parsing and grading (UI-free).

The CLI (``dltutor quiz``) and the app's quiz screen both use these functions, so they grade alike.
Options are keyed ``a``, ``b``, ``c``... in file order and never shuffled, so a key in
``--answers "1:b,2:a+c"`` always means the same option; instead the file spreads the right answers over the
positions and keeps option lengths from pointing at them (``tests/test_quiz_balance.py`` measures both).
"""

from __future__ import annotations

import random
import re
import string
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dltutor.core.errors import TutorError

KINDS = ("single", "multi")
QUIZ_FILE = "quiz.toml"


@dataclass(frozen=True)
class QuizOption:
    """One option of a quiz question.

    Args:
        key: the letter the learner types (``"a"``, ``"b"``...).
        text: the option as shown.
        correct: whether choosing it is right.
        explanation: why it is right or wrong.
    """

    key: str
    text: str
    correct: bool
    explanation: str

    def to_dict(self) -> dict:
        return {"key": self.key, "text": self.text, "correct": self.correct, "explanation": self.explanation}


@dataclass(frozen=True)
class QuizQuestion:
    """One quiz question.

    Args:
        id: its number, 1..N in file order.
        lesson: the lesson id it belongs to.
        prompt: the question text.
        kind: ``"single"`` (exactly one correct option) or ``"multi"`` (select all that apply).
        options: the options in key order.
    """

    id: int
    lesson: str
    prompt: str
    kind: str
    options: tuple[QuizOption, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The option letters, in order."""
        return tuple(o.key for o in self.options)

    @property
    def right(self) -> set[str]:
        """The keys of the correct options."""
        return {o.key for o in self.options if o.correct}

    def option(self, key: str) -> QuizOption:
        for o in self.options:
            if o.key == key:
                return o
        raise TutorError("answer", f"question {self.id} has no option {key!r}", ", ".join(self.keys))

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "lesson": self.lesson,
            "kind": self.kind,
            "prompt": self.prompt,
            "options": [o.to_dict() for o in self.options],
            "answer": sorted(self.right),
        }


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


# ------------------------------------------------------------------------------------------------ loading

def _read_quiz_text(source: Path | str | None) -> tuple[str, str]:
    if source is None:
        ref = resources.files("dltutor.lessons").joinpath(QUIZ_FILE)
        return ref.read_text(encoding="utf-8"), str(ref)
    path = Path(source)
    if path.is_dir():
        path = path / QUIZ_FILE
    if not path.is_file():
        raise TutorError("quiz", f"no quiz file at {path}", "a quiz.toml file or a directory holding one")
    return path.read_text(encoding="utf-8"), str(path)


def _parse_question(raw: dict, position: int, where: str) -> QuizQuestion:
    def bad(problem: str, allowed: str | None = None) -> TutorError:
        return TutorError(f"quiz question {raw.get('id', position)} ({where})", problem, allowed)

    qid = raw.get("id")
    if not isinstance(qid, int) or isinstance(qid, bool):
        raise bad("missing or non-integer id", "ids 1..N in file order")
    if qid != position:
        raise bad(f"id {qid} out of order: expected {position}", "ids 1..N in file order, each once")
    lesson = raw.get("lesson")
    prompt = raw.get("prompt")
    kind = raw.get("kind", "single")
    if not isinstance(lesson, str) or not lesson:
        raise bad("missing lesson id")
    if not isinstance(prompt, str) or not prompt.strip():
        raise bad("missing prompt")
    if kind not in KINDS:
        raise bad(f"unknown kind {kind!r}", ", ".join(KINDS))
    raw_options = raw.get("option") or []
    if not 2 <= len(raw_options) <= 26:
        raise bad(f"{len(raw_options)} options", "2 to 26 options")
    options = []
    for key, opt in zip(string.ascii_lowercase, raw_options):
        text, correct, explanation = opt.get("text"), opt.get("correct"), opt.get("explanation")
        if not isinstance(text, str) or not text.strip():
            raise bad(f"option {key} has no text")
        if not isinstance(correct, bool):
            raise bad(f"option {key} has no boolean 'correct'")
        if not isinstance(explanation, str) or not explanation.strip():
            raise bad(f"option {key} has no explanation", "every option explains why it is right or wrong")
        options.append(QuizOption(key, text.strip(), correct, explanation.strip()))
    n_right = sum(o.correct for o in options)
    if n_right == 0:
        raise bad("no correct option", "at least one")
    if kind == "single" and n_right != 1:
        raise bad(f"{n_right} correct options in a single-answer question", "exactly one")
    return QuizQuestion(qid, lesson, prompt.strip(), kind, tuple(options))


def load_quiz(source: Path | str | None = None) -> list[QuizQuestion]:
    """Load and validate the quiz.

    Args:
        source: a ``quiz.toml`` file or a directory holding one; default the installed ``lessons`` package.

    Returns:
        The questions in id order (ids are 1..N).

    Raises:
        TutorError: the file is missing, is not valid TOML, or a question breaks a rule (ids 1..N in order,
            a lesson id, kind single|multi, 2+ options each with text and explanation, at least one correct
            option and exactly one for single-answer questions).
    """
    text, where = _read_quiz_text(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TutorError("quiz", f"{where} is not valid TOML: {exc}") from None
    raw_questions = data.get("question") or []
    if not raw_questions:
        raise TutorError("quiz", f"{where} has no [[question]] tables")
    return [_parse_question(raw, n, where) for n, raw in enumerate(raw_questions, start=1)]


def check_questions(lesson) -> list[QuizQuestion]:
    """A lesson's Check yourself questions as single-answer quiz questions, so that they are asked and graded
    like the quiz (``dltutor lesson ID --check``), each option explained by the check's ``why`` note (or,
    without one, the right option by the check's explanation).

    Args:
        lesson: a :class:`tutor.lessons.Lesson`.

    Returns:
        One question per check, numbered 1..N.
    """
    questions = []
    for n, check in enumerate(lesson.checks, start=1):
        options = []
        for i, (key, text) in enumerate(zip(string.ascii_lowercase, check.options)):
            why = check.why[i] if check.why else ""
            if i == check.answer:
                why = f"{why} {check.explanation}".strip() if why != check.explanation else why
            options.append(QuizOption(key, text, i == check.answer, why or "not the right option."))
        questions.append(QuizQuestion(n, lesson.id, check.question, "single", tuple(options)))
    return questions


def get_question(questions: list[QuizQuestion], qid: int) -> QuizQuestion:
    """The question with id ``qid`` (TutorError naming the valid range otherwise)."""
    for q in questions:
        if q.id == qid:
            return q
    raise TutorError("question", f"no question {qid}", f"1..{len(questions)}")


def select_questions(
    questions: list[QuizQuestion],
    lesson: str | None = None,
    count: int | None = None,
    seed: int | None = None,
) -> list[QuizQuestion]:
    """Choose the questions of a quiz session.

    Args:
        questions: all questions (from :func:`load_quiz`).
        lesson: only this lesson's questions, in id order (``None``: all lessons, shuffled).
        count: at most this many questions (``None``: all of them).
        seed: seed of the shuffle for a mixed quiz, for a reproducible session.

    Returns:
        The chosen questions.
    """
    if count is not None and count < 1:
        raise TutorError("--count", f"{count} questions", "an integer >= 1")
    if lesson is not None:
        chosen = [q for q in questions if q.lesson == lesson]
        if not chosen:
            known = list(dict.fromkeys(q.lesson for q in questions))
            raise TutorError("--lesson", f"no quiz questions for lesson {lesson!r}", ", ".join(known))
    else:
        chosen = list(questions)
        random.Random(seed).shuffle(chosen)
    return chosen[:count] if count is not None else chosen


# ------------------------------------------------------------------------------------------------ answers

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
