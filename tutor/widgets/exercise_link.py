"""A small link under a lesson's Try it to the exercise(s) that practise the lesson; hidden when none do."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from dltutor.tutor.messages import Navigate


class ExerciseLink(Horizontal):
    """``▶ Exercise: <title>`` for the lesson's first exercise (its status from progress beside it)."""

    DEFAULT_CSS = """
    ExerciseLink { height: auto; padding: 0 1; margin-top: 1; }
    ExerciseLink Button { margin-right: 2; }
    ExerciseLink Static { width: auto; color: $text-muted; }
    """

    def __init__(self, lesson_id: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        from dltutor.core.exercises.catalogue import exercises_for_lesson

        self.lesson_id = lesson_id
        self.exercises = exercises_for_lesson(lesson_id)

    def compose(self) -> ComposeResult:
        if self.exercises:
            more = f" (+{len(self.exercises) - 1})" if len(self.exercises) > 1 else ""
            yield Button(f"▶ Exercise: {self.exercises[0].title}{more}", compact=True)
            yield Static("write the course's function yourself, checked offline")

    def on_mount(self) -> None:
        self.display = bool(self.exercises)

    @on(Button.Pressed)
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(Navigate("exercises", lesson=self.lesson_id))
