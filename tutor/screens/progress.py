"""Progress: every topic with its mark and quiz scores, the mixed quiz, and the counts (as ``dltutor
progress`` prints them, from the same rows)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from dltutor.tutor.messages import Navigate, ProgressChanged
from dltutor.tutor.progress import MIXED, count_line, lesson_rows
from dltutor.tutor.screens.base import TutorScreen


def _score(attempt: dict | None) -> str:
    return f"{attempt['score']}/{attempt['total']}" if attempt else "-"


class ProgressScreen(TutorScreen):
    """Saved progress: enter on a row opens that lesson."""

    NAME = "progress"
    CSS_PATH = "progress.tcss"
    AUTO_FOCUS = "#progress-table"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="progress-body"):
            yield Static("", id="progress-counts", markup=False)
            yield DataTable(id="progress-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="progress-mixed", markup=False)
            yield Static("", id="progress-where", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Your progress"
        self.query_one("#progress-body").border_title = "Progress"
        table = self.query_one(DataTable)
        table.add_column("#", key="order", width=2)
        table.add_column("Topic", key="title")
        table.add_column("Progress", key="status", width=11)
        table.add_column("Quiz best", key="best", width=9)
        table.add_column("Quiz last", key="last", width=9)
        self._show()

    def _show(self) -> None:
        from dltutor.tutor.lessons import SUMMARY_ID

        progress = self.tutor.store.progress
        rows = lesson_rows(self.course.lessons(), progress)
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row("" if r["id"] == SUMMARY_ID else str(r["order"]), r["title"], r["status"],
                          _score(r["quiz_best"]), _score(r["quiz_last"]), key=r["id"])
        table.move_cursor(row=min(cursor, len(rows) - 1))
        self.query_one("#progress-counts", Static).update(count_line(rows, SUMMARY_ID) + ".")
        best, last = progress.best(MIXED), progress.latest(MIXED)
        self.query_one("#progress-mixed", Static).update(
            f"Mixed quiz: best {best.score}/{best.total}, last {last.score}/{last.total}." if best and last
            else "Mixed quiz: not taken yet (q, then enter).")
        self.query_one("#progress-where", Static).update(
            f"Saved in {self.tutor.store.path}; dltutor progress --reset forgets it.")

    @on(ProgressChanged)
    def _changed(self) -> None:
        self._show()

    def on_screen_resume(self) -> None:
        # back from a lesson opened here: it was marked read meanwhile (the notice went to that screen)
        self._show()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(Navigate("lesson", event.row_key.value, placement="over"))
