"""The course the app shows: its lessons and quiz questions, loaded once per app on first use.

UI-free: the app holds one :class:`Course`, the screens read it, and a worker may load it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dltutor.tutor.lessons import Lesson


class Course:
    """The lessons and quiz questions, loaded once per app on first use (thread-safe, so a worker can).

    Args:
        source: a directory of fixture lessons (tests), or None for the installed ``lessons`` package.
    """

    def __init__(self, source: Any = None) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._lessons: list[Lesson] | None = None
        self._quiz: list[Any] | None = None

    @property
    def loaded(self) -> bool:
        return self._lessons is not None

    def lessons(self) -> list[Lesson]:
        """All lessons in order, the summary last."""
        with self._lock:
            if self._lessons is None:
                from dltutor.tutor.lessons import load_lessons

                self._lessons = load_lessons(self.source)
            return self._lessons

    def topics(self) -> list[Lesson]:
        """The topic lessons (without the summary)."""
        from dltutor.tutor.lessons import SUMMARY_ID

        return [lesson for lesson in self.lessons() if lesson.id != SUMMARY_ID]

    def summary(self) -> Lesson | None:
        from dltutor.tutor.lessons import SUMMARY_ID

        return next((lesson for lesson in self.lessons() if lesson.id == SUMMARY_ID), None)

    def get(self, lesson_id: str) -> Lesson:
        """The lesson with this id; TutorError naming the known ids otherwise."""
        for lesson in self.lessons():
            if lesson.id == lesson_id:
                return lesson
        from dltutor.core.errors import TutorError

        raise TutorError("lesson", f"unknown lesson {lesson_id!r}", ", ".join(x.id for x in self.lessons()))

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        """The lessons before and after this one."""
        lessons = self.lessons()
        ids = [lesson.id for lesson in lessons]
        i = ids.index(lesson_id)
        return (lessons[i - 1] if i > 0 else None, lessons[i + 1] if i + 1 < len(lessons) else None)

    def lesson_trying(self, try_id: str) -> Lesson | None:
        """The lesson of this preset or variant (its own ``lesson`` in the engine's catalogue), else the first
        lesson whose Try it names it; None when no lesson does."""
        lessons = {lesson.id: lesson for lesson in self.lessons()}
        own = home_lesson(try_id)
        if own in lessons:
            return lessons[own]
        return next((lesson for lesson in self.lessons() if try_id in lesson.try_ids), None)

    def quiz(self) -> list[Any]:
        """All quiz questions (tutor.quiz), loaded on first use."""
        with self._lock:
            if self._quiz is None:
                from dltutor.tutor.quiz import load_quiz

                self._quiz = list(load_quiz(self.source))
            return self._quiz


def home_lesson(try_id: str) -> str | None:
    """The lesson the engine's catalogue gives a preset or gradcheck variant, or None."""
    try:
        from dltutor.core.presets import PRESETS

        if try_id in PRESETS:
            return PRESETS[try_id].lesson
        from dltutor.core.variants import VARIANTS

        if try_id in VARIANTS:
            return VARIANTS[try_id].lesson
    except ImportError:  # pragma: no cover - the engine ships with the package
        return None
    return None
