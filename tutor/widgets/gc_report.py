"""One gradient-check report at a glance: the verdict bands, the verdict in words, and the per-block table.

The workbench shows one of these with the element heat map beside it, and two side by side (a buggy
variant next to ``fixed``) in its comparison view.
"""

from __future__ import annotations

import math
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from dltutor.core.bands import BAND_NAMES, BAND_RICH, HEADLINE
from dltutor.tutor.widgets.gc_bands import VerdictBands, band_of, format_difference

BAND_STYLE = {name: f"bold {BAND_RICH[name]}" for name in BAND_NAMES}  # core.bands' colours


def verdict_text(report: Any, compact: bool = False) -> Text:
    """``difference 2.85e-01 (0.2850931567761624)`` and the band's words, coloured by band."""
    d = report.difference
    band = report.band
    out = Text()
    out.append("difference ", style="bold")
    out.append(format_difference(d), style=BAND_STYLE.get(band.name, "bold"))
    if compact:
        out.append("\n")
        out.append(HEADLINE.get(band.name, band.name.upper()), style=BAND_STYLE.get(band.name, "bold"))
        out.append(f": {band.label}")
        return out
    if math.isfinite(d):
        # 15 significant digits: the 16th can move by one ulp with the arrays' memory alignment
        out.append(f"  ({d:.15g})", style="dim")
    if report.mode == "fast" and report.fallback is None:
        out.append("  one random direction", style="dim")
    out.append("\n")
    out.append(HEADLINE.get(band.name, band.name.upper()), style=BAND_STYLE.get(band.name, "bold"))
    out.append(f": {band.label} — {band.advice}")
    return out


def ratio_text(ratio: float | None) -> str:
    return "-" if ratio is None or not math.isfinite(ratio) else f"{ratio:.2f}"


def status_text(block: Any) -> Text:
    if block.flagged:
        return Text("FLAGGED", style="bold red")
    if block.pattern == "unchecked":
        return Text("unchecked", style="dim")
    if block.n_kinks:
        return Text(f"ok, {block.n_kinks} kink{'s' if block.n_kinks > 1 else ''}", style="yellow")
    return Text("ok", style="green")


def fill_table(table: DataTable, columns: list[tuple[str, str]],
               rows: list[tuple[str, list[str | Text]]]) -> None:
    """Replace ``table``'s columns and rows, each column exactly as wide as its widest cell.

    The widths are set here rather than measured by the table: Textual measures them later, when the app
    is idle, and a header drawn before that keeps the old widths (so a column could look cut, or a
    screenshot differ from one run to the next).

    Args:
        table: the table.
        columns: (label, key) per column.
        rows: (key, cells) per row, one cell per column.
    """
    table.clear(columns=True)
    for n, (label, key) in enumerate(columns):
        width = max([cell_len(label)] + [cell_len(getattr(cells[n], "plain", str(cells[n])))
                                         for _, cells in rows])
        table.add_column(label, key=key, width=width)
    for key, cells in rows:
        table.add_row(*cells, key=key)


def difference_cell(value: float | None) -> Text:
    if value is None:
        return Text("-", style="dim")
    return Text(format_difference(value), style=BAND_STYLE[band_of(value)].replace("bold ", ""))


class GcReportView(Vertical):
    """Bands, verdict and block table of one report, and the hints of the flagged blocks under the table.

    The table keeps to short columns (block, shape, rel. diff, ratio, status) so that the status, FLAGGED,
    stays visible at 80 columns; the hints, which are sentences, wrap under it.

    Args:
        hints: the full view (shape column, verdict advice, the highlighted block's hint too); False is
            the compact view of the side-by-side comparison.
        id: the widget's id; its table is ``#<id>-blocks``.
    """

    DEFAULT_CSS = """
    GcReportView { height: auto; }
    GcReportView .gc-title { height: auto; text-style: bold; }
    GcReportView .gc-verdict { height: auto; margin-bottom: 1; }
    GcReportView DataTable { height: auto; max-height: 12; scrollbar-size-horizontal: 0; }
    GcReportView .gc-flags { height: auto; }
    GcReportView.-compact .gc-flags { margin-top: 1; }
    GcReportView.-compact .gc-verdict { height: 3; margin-bottom: 0; }
    """

    class BlockHighlighted(Message):
        """The cursor moved to a block's row (``name`` is ``dW2``)."""

        def __init__(self, view: GcReportView, name: str) -> None:
            super().__init__()
            self.view = view
            self.name = name

        @property
        def control(self) -> GcReportView:
            return self.view

    def __init__(self, hints: bool = True, *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.hints = hints
        self.compact = not hints
        self.set_class(self.compact, "-compact")
        self.report: Any = None
        self.highlighted: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="gc-title", markup=False)
        yield VerdictBands()
        yield Static("", classes="gc-verdict", markup=False)
        yield DataTable(id=f"{self.id}-blocks" if self.id else None, cursor_type="row", zebra_stripes=True)
        yield Static("", classes="gc-flags", markup=False)

    def on_mount(self) -> None:
        fill_table(self.table, self.columns(), [])

    def columns(self) -> list[tuple[str, str]]:
        """(label, key) of the table's short columns; the hints go under the table."""
        shape = [] if self.compact else [("shape", "shape")]
        return [("block", "block"), *shape, ("rel. diff", "difference"), ("ratio", "ratio"),
                ("status", "status")]

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def show(self, report: Any, title: str | Text) -> None:
        """Show ``report`` (a :class:`core.gradcheck.GradCheckReport`) under ``title``."""
        self.report = report
        self.query_one(".gc-title", Static).update(title)
        self.query_one(VerdictBands).difference = report.difference
        self.query_one(".gc-verdict", Static).update(verdict_text(report, self.compact))
        table = self.table
        cursor = table.cursor_row
        rows: list[tuple[str, list[str | Text]]] = []
        for block in report.blocks:
            row: list[str | Text] = [Text(block.name, style="bold"), "×".join(str(s) for s in block.shape),
                   difference_cell(block.relative_difference), ratio_text(block.ratio), status_text(block)]
            if self.compact:
                del row[1]
            rows.append((block.name, row))
        fill_table(table, self.columns(), rows)  # the widths fit this report, not the widest one before
        kept = cursor if cursor < len(report.blocks) else 0
        first = next((n for n, b in enumerate(report.blocks) if b.flagged), kept)
        self.highlighted = report.blocks[first].name if report.blocks else None
        if report.blocks:
            table.move_cursor(row=first, animate=False)
        self._show_hints()

    def hints_text(self) -> Text:
        """The hints under the table: every flagged block's (or one with ReLU kinks), then the highlighted
        block's when it is neither (the full view only); "Nothing flagged." when nothing is."""
        report = self.report
        out = Text()
        if report is None:
            return out
        lines: list[tuple[str, str, str]] = []
        for block in report.blocks:
            if block.hint and (block.flagged or block.n_kinks):
                lines.append((block.name, block.hint, "bold red" if block.flagged else "bold yellow"))
        if not any(block.flagged for block in report.blocks):
            lines.insert(0, ("", "Nothing flagged.", "green"))
        listed = {name for name, _, _ in lines}
        if not self.compact and self.highlighted and self.highlighted not in listed:
            block = next((b for b in report.blocks if b.name == self.highlighted), None)
            if block is not None and block.hint:
                lines.append((block.name, block.hint, "bold"))
        for n, (name, hint, style) in enumerate(lines):
            if n:
                out.append("\n")
            if name:
                out.append(f"{name}: ", style=style)
                out.append(hint, style="" if style != "bold" else "dim")
            else:
                out.append(hint, style=style)
        return out

    def _show_hints(self) -> None:
        self.query_one(".gc-flags", Static).update(self.hints_text())

    def clear(self, title: str | Text, message: str | Text = "") -> None:
        """No report: a title and a line saying why."""
        self.report = None
        self.highlighted = None
        self.query_one(".gc-title", Static).update(title)
        self.query_one(VerdictBands).difference = None
        self.query_one(".gc-verdict", Static).update(message)
        self.table.clear()
        self.query_one(".gc-flags", Static).update("")

    def rows(self) -> list[list[str]]:
        """The table as plain strings (for tests and the tour)."""
        table = self.table
        return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(i)]
                for i in range(table.row_count)]

    @on(DataTable.RowHighlighted)
    def _row(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value:
            if event.row_key.value != self.highlighted:
                self.highlighted = event.row_key.value
                self._show_hints()
            self.post_message(self.BlockHighlighted(self, event.row_key.value))
