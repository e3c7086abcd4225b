"""A gradient block element by element: each cell coloured by its relative difference, the number inside.

The colours are the course's bands (right, look carefully, bug), so a wrong row or a single wrong element
shows at a glance; elements that were not checked (sampled and fast modes) are dim dots and elements on a
ReLU kink say ``kink``. Hovering over a cell shows its analytic and numerical gradient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.widget import Widget

from dltutor.core.bands import BAND_COLOUR
from dltutor.tutor.widgets.gc_bands import band_of

CELL = 7  # "3.3e-1" and a space
MAX_ROWS = 100
MAX_COLS = 60
BAND_COLOR = BAND_COLOUR  # core.bands: the same colours in every screen


@dataclass(frozen=True)
class BlockCells:
    """What the heat map shows of one block: per-element numbers as nested lists (row-major, 2-D).

    Args:
        name: the gradient key, ``dW2``.
        difference: per-element relative difference (nan where not checked).
        analytic: backprop's gradient.
        numeric: the two-sided numerical gradient (nan where not checked).
        kinks: True where the element sits on a ReLU kink.
    """

    name: str
    difference: list[list[float]]
    analytic: list[list[float]]
    numeric: list[list[float]]
    kinks: list[list[bool]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.difference), len(self.difference[0]) if self.difference else 0

    @classmethod
    def from_block(cls, block: Any) -> BlockCells:
        """From a :class:`core.gradcheck.BlockReport` (its element arrays, reshaped to 2-D)."""

        def grid(values: Any, fill: Any) -> list[list[Any]]:
            rows = list(getattr(values, "tolist", lambda: values)())
            if not rows or not isinstance(rows[0], list):  # 1-D (a bias written as a vector)
                rows = [[v] for v in rows]
            return [[fill if v is None else v for v in row] for row in rows]

        difference = grid(block.element_difference, math.nan)
        shape = (len(difference), len(difference[0]) if difference else 0)

        def fitted(values: Any, fill: Any) -> list[list[Any]]:
            try:
                rows = grid(values, fill)
            except (TypeError, ValueError):
                rows = []
            if (len(rows), len(rows[0]) if rows else 0) != shape:  # a malformed analytic gradient
                return [[fill] * shape[1] for _ in range(shape[0])]
            return rows

        return cls(block.name, difference, fitted(block.analytic, math.nan), fitted(block.numeric, math.nan),
                   fitted(block.kinks, False))


def cell_text(value: float, kink: bool) -> str:
    """What a cell says: ``3.3e-01``, ``0``, ``kink`` or a dot when unchecked."""
    if kink:
        return "kink"
    if value is None or math.isnan(value):
        return "·"
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"  # 3.3e-1: a leading zero in the exponent costs a column per cell


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not checked"
    return f"{value:.6g}"


class BlockHeatmap(Widget):
    """The elements of one gradient block as a coloured grid (rows are units, columns inputs)."""

    DEFAULT_CSS = """
    BlockHeatmap { width: auto; height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.cells: BlockCells | None = None

    def show(self, cells: BlockCells | None) -> None:
        """Show a block (None: nothing)."""
        self.cells = cells
        rows, cols = self.visible_shape
        self.styles.width = self.label_width + CELL * cols if cells else 1
        self.styles.height = 1 + rows + (1 if self.cropped else 0) if cells else 1
        self.tooltip = None
        self.refresh(layout=True)

    @property
    def visible_shape(self) -> tuple[int, int]:
        if self.cells is None:
            return 0, 0
        rows, cols = self.cells.shape
        return min(rows, MAX_ROWS), min(cols, MAX_COLS)

    @property
    def label_width(self) -> int:
        """Columns of the row labels (``r12`` and a space)."""
        return len(f"r{self.visible_shape[0]}") + 1

    @property
    def cropped(self) -> bool:
        return self.cells is not None and self.visible_shape != self.cells.shape

    def text_at(self, row: int, col: int) -> str:
        """The text of cell ``(row, col)`` (0-based), as drawn."""
        assert self.cells is not None
        return cell_text(self.cells.difference[row][col], self.cells.kinks[row][col])

    def render(self) -> RenderResult:
        cells = self.cells
        if cells is None:
            return Text("")
        colors = self.app.theme_variables
        rows, cols = self.visible_shape
        label = self.label_width
        out = Text(" " * label, style="dim")
        for j in range(cols):
            out.append(f"c{j + 1}".center(CELL - 1) + " ", style="dim")
        for i in range(rows):
            out.append("\n")
            out.append(f"r{i + 1}".ljust(label), style="dim")
            for j in range(cols):
                value = cells.difference[i][j]
                kink = cells.kinks[i][j]
                text = cell_text(value, kink).center(CELL - 1)
                if kink:
                    style = Style(color=colors.get("accent"), bold=True)
                elif value is None or math.isnan(value):
                    style = Style(dim=True)
                else:
                    bg = colors.get(BAND_COLOR[band_of(value)])
                    style = Style(color=colors.get("background", "black"), bgcolor=bg, bold=True)
                out.append(text, style)
                out.append(" ")
        if self.cropped:
            total_rows, total_cols = cells.shape
            out.append(f"\nshowing {rows} of {total_rows} rows, {cols} of {total_cols} columns", style="dim")
        return out

    def on_mouse_move(self, event: events.MouseMove) -> None:
        cell = self.cell_at(event.x, event.y)
        if cell is None:
            self.tooltip = None
            return
        i, j = cell
        c = self.cells
        assert c is not None
        where = f"{c.name}[{i + 1}, {j + 1}]" if c.shape[1] > 1 else f"{c.name}[{i + 1}]"
        self.tooltip = (f"{where}\nbackprop   {_num(c.analytic[i][j])}\nnumerical  {_num(c.numeric[i][j])}\n"
                        f"relative difference {cell_text(c.difference[i][j], False)}"
                        + ("\non a ReLU kink: not a derivative there" if c.kinks[i][j] else ""))

    def cell_at(self, x: int, y: int) -> tuple[int, int] | None:
        """The element under widget coordinates ``(x, y)``, or None."""
        rows, cols = self.visible_shape
        i, j = y - 1, (x - self.label_width) // CELL
        if self.cells is None or x < self.label_width or not (0 <= i < rows and 0 <= j < cols):
            return None
        return i, j
