"""The progress record and its file format: what a learner has read, practised, scored and chosen (UI-free).

Reading the format is strict (:meth:`Progress.from_dict` raises ValueError on anything that is not a progress
record), so the store can move a damaged file aside instead of trusting it; merging is a union, so two
tutors' records combine without losing either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = 1
MAX_ATTEMPTS = 50
MIXED = "mixed"
"""Quiz scope of a quiz drawn from every lesson (other scopes are lesson ids)."""

#: The largest quiz a score may belong to, and the latest plausible time stamp (the year 5138, in seconds).
MAX_QUESTIONS = 100_000
MAX_TIME = 1e11


def check_count(value: Any, name: str, high: int = MAX_QUESTIONS) -> int:
    """A whole number ``0..high`` read from the file (not a bool, a float, or a number of 300 digits).

    Raises:
        ValueError: naming the entry and what is allowed.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise ValueError(f"{name} is {_shown(value)}, not a whole number from 0 to {high:,}")
    return value


def check_stamp(value: Any, name: str) -> float:
    """A time stamp read from the file: finite epoch seconds from 0 to :data:`MAX_TIME` (not NaN, Infinity).

    Raises:
        ValueError: naming the entry and what is allowed.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_TIME:
        raise ValueError(f"{name} is {_shown(value)}, not a time (seconds from 0 to {MAX_TIME:g})")
    return float(value)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


@dataclass(frozen=True)
class QuizAttempt:
    """One finished quiz: ``score`` right out of ``total``, finished at ``when`` (epoch seconds)."""

    score: int
    total: int
    when: float

    @property
    def fraction(self) -> float:
        return self.score / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "total": self.total, "when": self.when}


@dataclass(frozen=True)
class Position:
    """Where the learner last was: a screen name (``lesson``, ``quiz``...) and the lesson if any."""

    screen: str
    lesson: str | None
    when: float

    def to_dict(self) -> dict[str, Any]:
        return {"screen": self.screen, "lesson": self.lesson, "when": self.when}


@dataclass(frozen=True)
class ExerciseRecord:
    """An exercise's checks so far: passed once (it stays passed), how many checks, the last one's time, and
    the file that passed (what ``train --with-exercises`` runs)."""

    passed: bool
    attempts: int
    when: float
    file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "attempts": self.attempts, "when": self.when, "file": self.file}

    def merge(self, other: ExerciseRecord) -> ExerciseRecord:
        later = max(self, other, key=lambda r: r.when)
        passed_files = [r for r in (self, other) if r.passed and r.file]
        file = max(passed_files, key=lambda r: r.when).file if passed_files else later.file
        return ExerciseRecord(self.passed or other.passed, max(self.attempts, other.attempts), later.when, file)


@dataclass
class Progress:
    """The learner's progress. ``quiz`` maps a scope (a lesson id or ``"mixed"``) to its attempts."""

    read: set[str] = field(default_factory=set)
    practised: set[str] = field(default_factory=set)
    quiz: dict[str, list[QuizAttempt]] = field(default_factory=dict)
    position: Position | None = None
    reset_at: float = 0.0
    theme: str | None = None
    """The colour theme the learner chose last (a Textual theme name), None for the default."""
    theme_at: float = 0.0
    """When the theme was chosen: of two records, the later choice wins."""
    exercises: dict[str, ExerciseRecord] = field(default_factory=dict)
    """Exercise id -> its record (see :class:`ExerciseRecord`)."""

    def exercise_status(self, exercise_id: str) -> str:
        """``"not started"``, ``"attempted"`` or ``"passed"`` for one exercise."""
        record = self.exercises.get(exercise_id)
        if record is None:
            return "not started"
        return "passed" if record.passed else "attempted"

    def best(self, scope: str) -> QuizAttempt | None:
        """The best attempt of a quiz scope (highest fraction, then the latest), or None."""
        attempts = self.quiz.get(scope) or []
        return max(attempts, key=lambda a: (a.fraction, a.when), default=None)

    def latest(self, scope: str) -> QuizAttempt | None:
        """The most recent attempt of a quiz scope, or None."""
        attempts = self.quiz.get(scope) or []
        return max(attempts, key=lambda a: a.when, default=None)

    def status(self, lesson_id: str) -> str:
        """``"not started"``, ``"read"`` or ``"practised"`` for one lesson."""
        if lesson_id in self.practised:
            return "practised"
        if lesson_id in self.read:
            return "read"
        return "not started"

    def merge(self, other: Progress) -> Progress:
        """The union of two progress records (sets joined, attempts joined, newest position and theme kept)."""
        quiz: dict[str, list[QuizAttempt]] = {}
        for scope in sorted(set(self.quiz) | set(other.quiz)):
            joined = set(self.quiz.get(scope, [])) | set(other.quiz.get(scope, []))
            quiz[scope] = sorted(joined, key=lambda a: (a.when, a.score, a.total))[-MAX_ATTEMPTS:]
        positions = [p for p in (self.position, other.position) if p is not None]
        theme_from = max((self, other), key=lambda p: p.theme_at)
        exercises = dict(self.exercises)
        for key, record in other.exercises.items():
            exercises[key] = exercises[key].merge(record) if key in exercises else record
        return Progress(
            read=self.read | other.read,
            practised=self.practised | other.practised,
            quiz=quiz,
            position=max(positions, key=lambda p: p.when, default=None),
            reset_at=max(self.reset_at, other.reset_at),
            theme=theme_from.theme,
            theme_at=theme_from.theme_at,
            exercises=exercises,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (also the file format)."""
        return {
            "version": VERSION,
            "read": sorted(self.read),
            "practised": sorted(self.practised),
            "quiz": {scope: [a.to_dict() for a in attempts] for scope, attempts in sorted(self.quiz.items())},
            "position": self.position.to_dict() if self.position else None,
            "reset_at": self.reset_at,
            "theme": self.theme,
            "theme_at": self.theme_at,
            "exercises": {k: r.to_dict() for k, r in sorted(self.exercises.items())},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Progress:
        """Parse the file format; raises ValueError when the data is not a progress record."""
        if not isinstance(data, dict):
            raise ValueError("progress file is not a JSON object")

        def names(key: str) -> set[str]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{key!r} is not a list of lesson ids")
            return set(value)

        quiz_raw = data.get("quiz", {})
        if not isinstance(quiz_raw, dict):
            raise ValueError("'quiz' is not an object")
        quiz: dict[str, list[QuizAttempt]] = {}
        try:
            for scope, attempts in quiz_raw.items():
                if not isinstance(attempts, list):
                    raise ValueError(f"quiz {scope!r} is not a list of attempts")
                quiz[str(scope)] = [_attempt(a, f"quiz {str(scope)[:40]!r}") for a in attempts]
            pos = data.get("position")
            position = None
            if pos is not None:
                lesson = pos.get("lesson")
                if lesson is not None and not isinstance(lesson, str):
                    raise ValueError("position's lesson is not a lesson id")
                if not isinstance(pos["screen"], str):
                    raise ValueError("position's screen is not a screen name")
                position = Position(pos["screen"], lesson, check_stamp(pos["when"], "position's time"))
            reset_at = check_stamp(data.get("reset_at", 0.0), "'reset_at'")
            theme = data.get("theme")
            if theme is not None and not isinstance(theme, str):
                raise ValueError("'theme' is not a theme name")
            theme_at = check_stamp(data.get("theme_at", 0.0), "'theme_at'")
            exercises = {}
            for key, rec in (data.get("exercises") or {}).items():
                file = rec.get("file")
                attempts = check_count(rec["attempts"], "'attempts'", 10**9)
                exercises[str(key)] = ExerciseRecord(bool(rec["passed"]), attempts, check_stamp(rec["when"], "'when'"),
                                                     None if file is None else str(file))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise ValueError(f"malformed progress entry: {exc}") from exc
        return cls(names("read"), names("practised"), quiz, position, reset_at, theme, theme_at, exercises)


def _attempt(a: Any, where: str) -> QuizAttempt:
    if not isinstance(a, dict):
        raise ValueError(f"{where} holds an attempt that is not an object")
    total = check_count(a["total"], f"{where} total")
    score = check_count(a["score"], f"{where} score", total)
    return QuizAttempt(score, total, check_stamp(a["when"], f"{where} time"))
