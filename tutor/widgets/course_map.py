"""The course map: the topics in order with the learner's progress marks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

if TYPE_CHECKING:
    from dltutor.tutor.lessons import Lesson
    from dltutor.tutor.progress import Progress

MARKS = {"not started": "○ not started", "read": "◐ read", "practised": "● practised"}
LEGEND = "○ not started   ◐ read   ● practised   quiz: your best score"


def quiz_mark(progress: Progress, lesson_id: str) -> str:
    best = progress.best(lesson_id)
    return f"{best.score}/{best.total}" if best else "–"


class CourseMap(DataTable):
    """One row per lesson: number and title, read/practised mark, best quiz score."""

    DEFAULT_CSS = """
    CourseMap { height: auto; max-height: 100%; }
    """

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", show=False, tooltip="Open the topic under the cursor"),
        Binding("home", "scroll_top", "First topic", show=False),
        Binding("end", "scroll_bottom", "Last topic", show=False),
    ]

    class Chosen(Message):
        """The learner chose a lesson (enter or click)."""

        def __init__(self, lesson_id: str) -> None:
            super().__init__()
            self.lesson_id = lesson_id

    class Highlighted(Message):
        """The cursor moved to a lesson."""

        def __init__(self, lesson_id: str) -> None:
            super().__init__()
            self.lesson_id = lesson_id

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._ids: list[str] = []

    def on_mount(self) -> None:
        self.add_column("Topic", key="title")
        self.add_column("Progress", key="status", width=13)
        self.add_column("Quiz", key="quiz", width=5)

    def show(self, lessons: Sequence[Lesson], progress: Progress, cursor: str | None = None) -> None:
        """Fill the map (once) and update the marks; put the cursor on ``cursor`` if given."""
        if [lesson.id for lesson in lessons] != self._ids:
            from dltutor.tutor.lessons import SUMMARY_ID

            self.clear()
            self._ids = [lesson.id for lesson in lessons]
            for lesson in lessons:
                # the topics are numbered 1-13 as the lessons' "Lesson n of 13"; the summary is not a topic
                number = "  " if lesson.id == SUMMARY_ID else f"{lesson.order:>2}"
                self.add_row(f"{number} {lesson.title}", "", "", key=lesson.id)
        for lesson_id in self._ids:
            status = progress.status(lesson_id)
            mark = Text(MARKS[status], style="dim" if status == "not started" else "")
            self.update_cell(lesson_id, "status", mark)
            self.update_cell(lesson_id, "quiz", Text(quiz_mark(progress, lesson_id), justify="right"))
        if cursor in self._ids:
            self.move_cursor(row=self._ids.index(cursor), animate=False)

    @property
    def current(self) -> str | None:
        """The lesson under the cursor."""
        if not self._ids:
            return None
        return self._ids[min(self.cursor_row, len(self._ids) - 1)]

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(event.row_key.value))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Highlighted(event.row_key.value))
