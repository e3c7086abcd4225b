"""What a loaded lesson is: its sections, its check questions, and the names every reader shares (UI-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dltutor.core.errors import TutorError

SUMMARY_ID = "summary"
CHECK_HEADING = "Check yourself"
TRY_HEADING = "Try it"

#: Course questions that ``related_questions`` may point at (lessons/questions.toml holds their text).
COURSE_QUESTION_IDS = range(1, 10)


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a lesson: the unit the question answering indexes.

    ``text`` is the section's Markdown without its heading line. The text before the first ``##``
    heading, if any, is a section whose heading is the lesson title.
    """

    lesson_id: str
    heading: str
    anchor: str
    text: str


@dataclass(frozen=True)
class CheckQuestion:
    """A multiple-choice question from a lesson's ``[[check]]`` table; ``answer`` is 0-based.

    ``why`` holds one note per option (why it is right or wrong), or is empty when the file gives none.
    """

    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    why: tuple[str, ...] = ()

    @property
    def answer_key(self) -> str:
        """The letter of the right option (``"a"`` for index 0)."""
        return chr(97 + self.answer)

    def to_dict(self) -> dict[str, Any]:
        """The question and its options, with everything that gives the answer away under ``solution``."""
        return {"question": self.question, "options": list(self.options),
                "solution": {"answer": self.answer, "key": self.answer_key, "explanation": self.explanation,
                             "why": list(self.why)}}


@dataclass(frozen=True)
class Lesson:
    """A loaded lesson.

    ``body`` is Markdown with the directives expanded and the checks rendered into the Check yourself
    section; it has no ``#`` title line (:func:`render_text` adds one). ``problems`` lists directives
    whose computation failed at load time (shown in the body as a short note instead of crashing the
    tutor); :func:`validate_lessons` turns any problem into an error, so tests catch them.
    """

    id: str
    title: str
    order: int
    objectives: tuple[str, ...]
    try_ids: tuple[str, ...]
    related_questions: tuple[int, ...]
    body: str
    sections: tuple[Section, ...]
    checks: tuple[CheckQuestion, ...]
    path: str
    problems: tuple[str, ...] = field(default=())

    def section(self, heading: str) -> Section:
        """The section with this heading or anchor (case-insensitive); TutorError naming the headings."""
        wanted = heading.strip().lower()
        for s in self.sections:
            if s.heading.lower() == wanted or s.anchor == wanted:
                return s
        raise TutorError("section", f"lesson {self.id!r} has no section {heading!r}",
                         "; ".join(s.heading for s in self.sections))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "order": self.order,
            "objectives": list(self.objectives),
            "try": list(self.try_ids),
            "related_questions": list(self.related_questions),
            "sections": [{"heading": s.heading, "anchor": s.anchor, "text": s.text} for s in self.sections],
            "checks": [c.to_dict() for c in self.checks],
            "body": self.body,
            "path": self.path,
        }
