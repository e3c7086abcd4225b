"""The lab's live plots: cost against iterations and per-layer gradient norms (textual-plotext).

plotext 5 takes the log of the stored data in place every time it builds a log-scaled plot, so a plot
built twice (a resize, a refresh) would take the log of the log and fail. These widgets therefore keep
their own data and re-add every series to a cleared figure on each render: the figure holds nothing
between two renders. Stored series are thinned when long (memory stays flat on long runs) and sampled to
the plot's width when drawn (plotext's time grows with the number of points).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

#: Points kept per series; past this every other point is dropped (the first and last stay).
MAX_POINTS = 4000

#: Line colours of the series, in order (plotext colour names).
COLORS = ("cyan+", "orange+", "magenta+", "green+", "yellow+", "blue+", "red+", "white")


def _thin(xs: list, ys: list) -> tuple[list, list]:
    if len(xs) <= MAX_POINTS:
        return xs, ys
    return xs[:-1:2] + [xs[-1]], ys[:-1:2] + [ys[-1]]


def sample(xs: Sequence[float], ys: Sequence[float], limit: int) -> tuple[list, list]:
    """At most ``limit`` evenly spaced points of a series, the last one always included."""
    n = len(xs)
    if n <= limit or limit < 2:
        return list(xs), list(ys)
    step = n / (limit - 1)
    idx = sorted({min(n - 1, int(i * step)) for i in range(limit - 1)} | {n - 1})
    return [xs[i] for i in idx], [ys[i] for i in idx]


def drawable(xs: Sequence[float], ys: Sequence[float], logy: bool) -> tuple[list, list]:
    """The points that can be drawn: finite, and positive on a log axis."""
    px, py = [], []
    for x, y in zip(xs, ys):
        if y is None or not math.isfinite(y) or (logy and y <= 0):
            continue
        px.append(x)
        py.append(y)
    return px, py


class LabPlot(PlotextPlot):
    """A plotext plot that rebuilds its figure from its own data on every render.

    Subclasses implement :meth:`rebuild`. :attr:`renders` counts the renders (the responsiveness bench
    reads it).
    """

    DEFAULT_CSS = """
    LabPlot { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.renders = 0
        self.empty_text = "no data yet: press space to start"

    def rebuild(self, plt) -> bool:
        """Add the series and labels to the cleared figure ``plt``; False when there is nothing to draw."""
        raise NotImplementedError

    def render(self) -> RenderResult:
        self.renders += 1
        plt = self.plt
        plt.clear_figure()
        try:
            if not self.rebuild(plt):
                return Text(self.empty_text, style="dim")
            return super().render()
        except Exception as exc:  # a plot that cannot be drawn must never take the lab down
            return Text(f"(plot unavailable: {exc})", style="dim")


class LabCostPlot(LabPlot):
    """Cost against iterations: named series (train and dev, or one per compared run); log-y optional."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.curves: dict[str, tuple[list, list]] = {}
        self.logy = False

    def clear(self) -> None:
        self.curves = {}
        self.refresh()

    def add_points(self, name: str, xs: Sequence[float], ys: Sequence[float | None]) -> None:
        """Append points to a series (made on first use)."""
        cx, cy = self.curves.setdefault(name, ([], []))
        cx.extend(xs)
        cy.extend(float("nan") if y is None else float(y) for y in ys)
        self.curves[name] = _thin(cx, cy)

    def set_logy(self, logy: bool) -> None:
        self.logy = logy
        self.refresh()

    def point_count(self) -> int:
        """Points stored over all series."""
        return sum(len(xs) for xs, _ in self.curves.values())

    def rebuild(self, plt) -> bool:
        limit = max(8, 2 * max(10, self.size.width - 8))
        drawn = 0
        for n, (name, (xs, ys)) in enumerate(self.curves.items()):
            px, py = drawable(*sample(xs, ys, limit), self.logy)
            if not px:
                continue
            plt.plot(px, py, label=name, marker="braille", color=COLORS[n % len(COLORS)])
            drawn += 1
        if not drawn:
            return False
        if self.logy:
            plt.yscale("log")
        plt.title("cost (log y)" if self.logy else "cost")
        plt.xlabel("iteration")
        return True


class LabGradPlot(LabPlot):
    """The norm of each layer's dW against iterations, on a log axis: vanishing and exploding gradients."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.iterations: list[int] = []
        self.norms: list[list[float]] = []

    def clear(self) -> None:
        self.iterations = []
        self.norms = []
        self.refresh()

    def add_records(self, iterations: Sequence[int], norms: Sequence[Sequence[float]]) -> None:
        self.iterations.extend(iterations)
        self.norms.extend(list(n) for n in norms)
        self.iterations, self.norms = _thin(self.iterations, self.norms)

    def point_count(self) -> int:
        return len(self.iterations)

    def rebuild(self, plt) -> bool:
        if not self.norms:
            return False
        layers = len(self.norms[-1])
        limit = max(8, 2 * max(10, self.size.width - 8))
        its, rows = sample(self.iterations, self.norms, limit)
        drawn = 0
        zero = []
        labelled = {0, layers - 1} if layers > 4 else set(range(layers))
        for layer in range(layers):
            ys = [row[layer] if layer < len(row) else float("nan") for row in rows]
            px, py = drawable(its, ys, True)
            if not px:
                if any(y == 0 for y in ys):
                    zero.append(f"dW{layer + 1}")
                continue
            color = COLORS[layer % len(COLORS)] if layers <= len(COLORS) else _ramp(layer, layers)
            plt.plot(px, py, label=f"dW{layer + 1}" if layer in labelled else None, marker="braille",
                     color=color)
            drawn += 1
        if not drawn:
            self.empty_text = "every gradient is zero: nothing to draw on a log axis" if zero else self.empty_text
            return False
        plt.yscale("log")
        plt.title("||dW|| per layer (log y)" + (f"; zero: {', '.join(zero[:3])}" if zero else ""))
        plt.xlabel("iteration")
        return True


def _ramp(layer: int, layers: int) -> tuple[int, int, int]:
    """A colour from blue (first layer) to orange (last) for deep networks."""
    t = layer / max(1, layers - 1)
    return (int(60 + 195 * t), int(140 + 40 * t), int(255 - 215 * t))
