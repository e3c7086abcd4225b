"""The decision boundary: the predicted class over a grid of the input plane, with the data points on top.

The grid comes from :func:`core.train.decision_grid` (computed in the lab's worker, at this widget's
size); this widget only paints it as coloured cells, one per character, with ``●`` for training points
and ``○`` for held-out points in their true class's colour.
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

#: Background of the cells predicted as each class, and the colour of that class's points.
CLASS_BG = ("#4b2233", "#1d3552", "#1f4a2b", "#4d4520", "#3e2650", "#1f4647")
CLASS_FG = ("#ff8080", "#80c8ff", "#80ff9c", "#ffe080", "#d29bff", "#80fff0")


class LabBoundary(Widget):
    """Predicted classes as coloured cells; the data as dots; a legend on the last line."""

    DEFAULT_CSS = """
    LabBoundary { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        self._version = 0
        self._strips_key: tuple | None = None
        self._strips: list[Strip] = []
        super().__init__(id=id, classes=classes)
        self.grid = None
        self.points: list[tuple[np.ndarray, np.ndarray, str]] = []
        self.heldout = "held out"
        self.message = "no run yet: the boundary appears once training starts"
        self.renders = 0

    @property
    def grid_size(self) -> tuple[int, int]:
        """``(nx, ny)``: the grid the worker should compute to fill this widget (one cell per character)."""
        width, height = self.size
        return max(8, width), max(4, height - 1)

    def set_points(self, splits: dict[str, tuple[np.ndarray, np.ndarray]] | None, heldout: str | None,
                   label: str | None = None) -> None:
        """The raw data to draw: training points as ``●``, the held-out split's as ``○`` (named ``label`` in
        the legend, the split's own name by default)."""
        self.points = []
        self.heldout = label or heldout or "held out"
        if splits:
            if heldout and heldout in splits:
                self.points.append((*splits[heldout], "○"))
            self.points.append((*splits["train"], "●"))
        self.refresh()

    def set_grid(self, grid) -> None:
        """A :class:`core.train.PredictGrid` (or None to clear)."""
        self.grid = grid
        self.refresh()

    def show_message(self, message: str) -> None:
        """Clear the picture and show a line of text instead."""
        self.grid = None
        self.points = []
        self.message = message
        self.refresh()

    def clear(self, message: str | None = None) -> None:
        self.show_message(message or "no run yet: the boundary appears once training starts")

    def refresh(self, *regions, **kwargs):
        self._version += 1
        return super().refresh(*regions, **kwargs)

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        key = (width, height, self._version)
        if key != self._strips_key:
            self._strips_key = key
            self._strips = self._build(width, height)
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width)

    def text(self) -> str:
        """The picture as plain text (glyphs only; the classes are colours)."""
        self.render_line(0)
        return "\n".join(strip.text for strip in self._strips)

    def _build(self, width: int, height: int) -> list[Strip]:
        self.renders += 1
        rows = height - 1
        if self.grid is None or width < 4 or rows < 2:
            return [Strip([Segment(self.message[:width], Style(dim=True))]).adjust_cell_length(width)]
        grid = self.grid
        labels = np.asarray(grid.labels, dtype=int)
        ny, nx = labels.shape
        # Row 0 of the text is the top of the plane (the largest y).
        gy = np.rint(np.linspace(ny - 1, 0, rows)).astype(int)
        gx = np.rint(np.linspace(0, nx - 1, width)).astype(int)
        cells = labels[gy[:, None], gx[None, :]]
        glyphs = np.full((rows, width), " ", dtype="<U1")
        owner = np.full((rows, width), -1, dtype=int)
        x0, x1 = float(grid.xs[0]), float(grid.xs[-1])
        y0, y1 = float(grid.ys[0]), float(grid.ys[-1])
        for X, Y, glyph in self.points:
            if X.shape[0] < 2 or X.shape[1] == 0:
                continue
            col = np.rint((X[0] - x0) / ((x1 - x0) or 1) * (width - 1)).astype(int)
            row = (rows - 1) - np.rint((X[1] - y0) / ((y1 - y0) or 1) * (rows - 1)).astype(int)
            ok = (col >= 0) & (col < width) & (row >= 0) & (row < rows)
            glyphs[row[ok], col[ok]] = glyph
            owner[row[ok], col[ok]] = Y[0][ok].astype(int)
        # One styled run per stretch of equal (predicted class, point class) cells.
        key = cells * 64 + (owner + 1)
        styles: dict[int, Style] = {}
        strips = []
        for r in range(rows):
            row_key = key[r]
            line = "".join(glyphs[r].tolist())
            cuts = np.flatnonzero(row_key[1:] != row_key[:-1]) + 1
            starts = [0, *cuts.tolist()]
            ends = [*cuts.tolist(), width]
            segments = []
            for a, b in zip(starts, ends, strict=True):
                k = int(row_key[a])
                style = styles.get(k)
                if style is None:
                    predicted, point = divmod(k, 64)
                    bg = CLASS_BG[predicted % len(CLASS_BG)]
                    fg = CLASS_FG[(point - 1) % len(CLASS_FG)] if point else bg
                    style = styles[k] = Style(color=fg, bgcolor=bg, bold=bool(point))
                segments.append(Segment(line[a:b], style))
            strips.append(Strip(segments, width))
        n_classes = max(2, int(labels.max()) + 1)
        dim = Style(dim=True)
        legend = [Segment("class", dim)]
        for k in range(min(n_classes, len(CLASS_BG))):
            legend += [Segment(" ■", Style(color=CLASS_FG[k])), Segment(f"{k}")]
        legend.append(Segment(f"  ● train ○ {self.heldout}", dim))
        strips.append(Strip(legend).adjust_cell_length(width))
        return strips
