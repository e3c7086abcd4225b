"""One answer: what the engine and the numeric answers both return (:class:`Answer`), and where they point."""

from __future__ import annotations

from dataclasses import dataclass, field

from dltutor.tutor.ask.bank import load_course_questions

KINDS = ("bank", "course", "diagnosis", "split", "gradcheck", "unsure", "unknown")

#: Where the engine's own answers point: (lesson, section).
DIAGNOSIS_SOURCE = ("bias-variance", "Reading bias and variance from training and dev error")
SPLIT_SOURCE = ("train-dev-test", "Split ratios for small and big data")
GRADCHECK_SOURCE = ("gradient-checking", "The check itself")


@dataclass
class Answer:
    """An answer to one question.

    Args:
        question: the question as asked.
        answer: the answer text (plain text, may span several lines).
        kind: one of :data:`KINDS`: ``bank``/``course`` (an entry; ``course`` for the nine course questions),
            ``diagnosis``/``split``/``gradcheck`` (numbers read and computed), ``unsure`` (closest entries
            offered), ``unknown`` (not in this unit).
        source: ``{"lesson": id, "section": heading}`` to read on (both ``None`` when there is none).
        confidence: in [0, 1]: how sure the tutor is that this answers the question.
        related: ids of entries worth asking next (for ``unsure``: the closest entries).
        entry: the id of the bank entry answered, else ``None``.
        course_question: the course question number when the entry is one, else ``None``.
        details: what the engine computed or read (numbers, the diagnosis, the outside topic...).
        related_questions: the canonical question of each related entry, in order.
    """

    question: str
    answer: str
    kind: str
    source: dict
    confidence: float
    related: list[str] = field(default_factory=list)
    entry: str | None = None
    course_question: int | None = None
    details: dict = field(default_factory=dict)
    related_questions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "entry": self.entry,
            "source": dict(self.source),
            "confidence": round(float(self.confidence), 3),
            "related": list(self.related),
            "related_questions": list(self.related_questions),
            "course_question": self.course_question,
            "details": self.details,
        }


def source_of(lesson: str | None, section: str | None) -> dict[str, str | None]:
    """``{"lesson": ..., "section": ...}``: where an answer points (both ``None`` when nowhere)."""
    return {"lesson": lesson, "section": section}


#: The nine course questions (lessons/questions.toml); a small TOML file, cheap to read at import.
COURSE_QUESTIONS = load_course_questions()
