"""The quiz's questions: the model, loading ``lessons/quiz.toml``, a lesson's checks as questions, and choosing a
session's questions (UI-free).
"""

from __future__ import annotations

import random
import string
import tomllib
from dataclasses import dataclass
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
