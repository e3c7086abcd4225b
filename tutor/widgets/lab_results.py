"""The lab's results panel: live accuracies, how a run ended, its diagnosis and the recipe step to try,
and, in compare mode, one table row per configuration."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

#: The comparison table's columns; the third is named after the held-out split (dev or test).
COLUMNS = ("run", "train", "held out", "cost", "end")


class LabResults(VerticalScroll):
    """Text about the current run, and the comparison table when comparing."""

    DEFAULT_CSS = """
    LabResults { height: 1fr; padding: 0 1; }
    LabResults #lab-summary { height: auto; }
    LabResults #lab-table { height: auto; max-height: 8; margin-top: 1; }
    """

    class RunChosen(Message):
        """A row of the comparison table was highlighted: show that run's boundary and gradients."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def compose(self) -> ComposeResult:
        yield Static("", id="lab-summary")
        yield DataTable(id="lab-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.display = False

    @property
    def summary(self) -> Static:
        return self.query_one("#lab-summary", Static)

    @property
    def table(self) -> DataTable:
        return self.query_one("#lab-table", DataTable)

    def show(self, text: str | Content) -> None:
        """Replace the text (plain strings are not markup)."""
        self.summary.update(text if isinstance(text, Content) else Content(text))

    def text(self) -> str:
        """The text shown now, plain."""
        return str(self.summary.render())

    def show_table(self, rows: Sequence[Sequence[str]], heldout: str = COLUMNS[2], cursor: int = 0) -> None:
        """Show the comparison table with these rows (an empty list hides it).

        Args:
            rows: one row of cells per run.
            heldout: the name of the held-out split, the third column's title.
            cursor: the row to highlight (the run whose boundary is shown); no message is posted for it.
        """
        table = self.table
        with self.prevent(DataTable.RowHighlighted):
            # Columns are rebuilt each time: their widths follow the cells now shown, not the widest cell
            # ever shown (a live "at 12,345" would otherwise leave the table wider than its panel).
            table.clear(columns=True)
            table.add_columns(COLUMNS[0], COLUMNS[1], heldout, *COLUMNS[3:])
            for n, row in enumerate(rows):
                table.add_row(*row, key=str(n))
            table.display = bool(rows)
            if rows:
                table.move_cursor(row=max(0, min(cursor, len(rows) - 1)), animate=False)

    def rows(self) -> list[list[str]]:
        """The comparison table's rows as text."""
        table = self.table
        return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]

    @on(DataTable.RowHighlighted, "#lab-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key is not None and event.row_key.value is not None:
            self.post_message(self.RunChosen(int(event.row_key.value)))
