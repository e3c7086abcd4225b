"""One gradient-check report at a glance: the verdict bands, the verdict in words, and the per-block table.

The workbench shows one of these with the element heat map beside it, and two side by side (a buggy
variant next to ``fixed``) in its comparison view.
"""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from tutor.widgets.gc_bands import VerdictBands, band_of, format_difference

BAND_STYLE = {"right": "bold green", "look": "bold yellow", "bug": "bold red"}
HEADLINE = {"right": "RIGHT", "look": "LOOK CAREFULLY", "bug": "BUG"}


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
        out.append(f"  ({d!r})", style="dim")
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


def difference_cell(value: float | None) -> Text:
    if value is None:
        return Text("-", style="dim")
    return Text(format_difference(value), style=BAND_STYLE[band_of(value)].replace("bold ", ""))


class GcReportView(Vertical):
    """Bands, verdict and block table of one report.

    Args:
        hints: show the hint column (the side-by-side view leaves it out for width).
        id: the widget's id; its table is ``#<id>-blocks``.
    """

    DEFAULT_CSS = """
    GcReportView { height: auto; }
    GcReportView .gc-title { height: auto; text-style: bold; }
    GcReportView .gc-verdict { height: auto; margin-bottom: 1; }
    GcReportView DataTable { height: auto; max-height: 12; scrollbar-size-horizontal: 0; }
    GcReportView .gc-flags { height: auto; margin-top: 1; }
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

    def compose(self) -> ComposeResult:
        yield Static("", classes="gc-title", markup=False)
        yield VerdictBands()
        yield Static("", classes="gc-verdict", markup=False)
        yield DataTable(id=f"{self.id}-blocks" if self.id else None, cursor_type="row", zebra_stripes=True)
        if self.compact:
            yield Static("", classes="gc-flags", markup=False)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("block", key="block")
        if not self.compact:
            table.add_column("shape", key="shape")
        table.add_column("rel. diff" if self.compact else "rel. difference", key="difference")
        table.add_column("ratio" if self.compact else "ratio a/n", key="ratio")
        table.add_column("status", key="status")
        if self.hints:
            table.add_column("hint", key="hint")

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
        table.clear()
        for block in report.blocks:
            row = [Text(block.name, style="bold"), "×".join(str(s) for s in block.shape),
                   difference_cell(block.relative_difference), ratio_text(block.ratio), status_text(block)]
            if self.compact:
                del row[1]
            if self.hints:
                hint = Text(block.hint or "", style="red" if block.flagged else "dim")
                hint.truncate(self.hint_width(), overflow="ellipsis")
                row.append(hint)
            table.add_row(*row, key=block.name)
        if self.compact:
            flags = Text()
            for block in report.blocks:
                if block.flagged:
                    flags.append(f"{block.name}: ", style="bold red")
                    flags.append(f"{block.hint}\n")
            self.query_one(".gc-flags", Static).update(flags if flags.plain else Text("Nothing flagged.",
                                                                                        style="green"))
        kept = cursor if cursor < len(report.blocks) else 0
        first = next((n for n, b in enumerate(report.blocks) if b.flagged), kept)
        if report.blocks:
            table.move_cursor(row=first, animate=False)

    def hint_width(self) -> int:
        """Room left for the hint column (the full hint shows with the heat map)."""
        return max(12, self.size.width - 57)

    def on_resize(self) -> None:
        if self.report is not None and self.hints:
            self.show(self.report, self.query_one(".gc-title", Static).content)

    def clear(self, title: str, message: str = "") -> None:
        """No report: a title and a line saying why."""
        self.report = None
        self.query_one(".gc-title", Static).update(title)
        self.query_one(VerdictBands).difference = None
        self.query_one(".gc-verdict", Static).update(message)
        self.table.clear()
        if self.compact:
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
            self.post_message(self.BlockHighlighted(self, event.row_key.value))
