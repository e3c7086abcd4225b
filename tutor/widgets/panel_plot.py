"""A plotext chart that keeps its series and re-adds them on every build.

plotext 5 takes the log of the stored data in place when it builds a log-scaled plot, and
:class:`textual_plotext.PlotextPlot` builds on every render (each resize, each theme change). So this widget
never leaves data in the figure between renders: it stores the series and draws them afresh each time,
dropping the points a log axis cannot show (zero, negative, infinite, nan).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

#: Colours that read on dark and light themes, in series order.
COLORS = ("cyan", "orange", "green", "magenta", "blue", "red")


@dataclass(frozen=True)
class Series:
    """One line: its label, points, and optional colour and marker."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    color: str | None = None
    marker: str = "braille"


def decade_label(exponent: int) -> str:
    """``1e-7`` for -7, ``1`` for 0, ``1e3`` for 3."""
    return "1" if exponent == 0 else f"1e{exponent}"


def log_limits(values: Sequence[float], min_decades: float = 1.0) -> tuple[int, int]:
    """Whole decades ``(low, high)`` (as exponents) spanning the positive ``values``, at least
    ``min_decades`` wide (widened around the middle), so a flat series looks flat."""
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return 0, 1
    lo, hi = math.log10(min(positive)), math.log10(max(positive))
    low, high = math.floor(lo + 1e-12), math.ceil(hi - 1e-12)
    wanted = max(1, math.ceil(min_decades))
    if high - low < wanted:
        start = round((lo + hi) / 2 - wanted / 2)  # centre the data in the wider range
        low, high = min(low, start), max(high, start + wanted)
    return low, high


def decade_ticks(low: int, high: int, most: int = 6) -> tuple[list[float], list[str]]:
    """Powers of ten from ``1e{low}`` to ``1e{high}``, at most ``most`` of them, labelled ``1e-7``.

    plotext's own log ticks are long decimals (0.0000001419); decades read at a glance.
    """
    step = max(1, math.ceil((high - low + 1) / max(2, most)))
    exponents = list(range(high, low - 1, -step))[::-1]
    return [10.0 ** e for e in exponents], [decade_label(e) for e in exponents]


def integer_ticks(values: Sequence[float], most: int = 8) -> tuple[list[float], list[str]]:
    """Whole-number ticks (layers, iterations) spanning ``values``, at a round step."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return [], []
    low, high = math.floor(min(finite)), math.ceil(max(finite))
    span = max(1, high - low)
    raw = span / max(1, most - 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next((k * magnitude for k in (1, 2, 5, 10) if k * magnitude >= raw), 10 * magnitude)
    step = max(1, int(step))
    start = low if low % step == 0 else low + (step - low % step)
    ticks = list(range(start, high + 1, step))
    if low not in ticks and (not ticks or ticks[0] - low > step / 2):
        ticks.insert(0, low)
    return [float(t) for t in ticks], [f"{t:,}" for t in ticks]


class SeriesPlot(PlotextPlot):
    """A line chart of named series, redrawn from stored data on every render.

    Args:
        empty: text shown while there is nothing to draw.
    """

    DEFAULT_CSS = """
    SeriesPlot { width: 1fr; height: 1fr; min-height: 6; }
    """

    def __init__(self, empty: str = "", *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.empty = empty
        self.series: list[Series] = []
        self.logx = False
        self.logy = False
        self.title_text = ""
        self.xlabel_text = ""
        self.ylabel_text = ""
        self.hlines: list[tuple[float, str]] = []
        self.vlines: list[tuple[float, str]] = []
        self.min_decades = 1.0
        self.integer_x = False

    def show(
        self,
        series: Sequence[Series],
        *,
        title: str = "",
        xlabel: str = "",
        ylabel: str = "",
        logx: bool = False,
        logy: bool = False,
        hlines: Sequence[tuple[float, str]] = (),
        vlines: Sequence[tuple[float, str]] = (),
        min_decades: float = 1.0,
        integer_x: bool = False,
    ) -> None:
        """Replace the chart's content and redraw.

        Args:
            series: the lines, in legend order.
            title: the chart's title.
            xlabel: the x axis label.
            ylabel: the y axis label.
            logx: log-scaled x axis.
            logy: log-scaled y axis.
            hlines: ``(y, colour)`` reference lines (a threshold, a target).
            vlines: ``(x, colour)`` reference lines.
            min_decades: on a log y axis, show at least this many decades (a flat series looks flat).
            integer_x: whole-number x ticks (layers, iterations).
        """
        self.series = list(series)
        self.title_text, self.xlabel_text, self.ylabel_text = title, xlabel, ylabel
        self.logx, self.logy = logx, logy
        self.hlines, self.vlines = list(hlines), list(vlines)
        self.min_decades, self.integer_x = min_decades, integer_x
        self.refresh()

    def clear(self) -> None:
        """Forget every series (the empty text shows again)."""
        self.series = []
        self.refresh()

    def points(self, series: Series) -> tuple[list[float], list[float]]:
        """The points of ``series`` the axes can show."""
        xs, ys = [], []
        for x, y in zip(series.xs, series.ys, strict=False):
            if x is None or y is None:
                continue
            x, y = float(x), float(y)
            if not (math.isfinite(x) and math.isfinite(y)):
                continue
            if (self.logx and x <= 0) or (self.logy and y <= 0):
                continue
            xs.append(x)
            ys.append(y)
        return xs, ys

    def render(self) -> RenderResult:
        drawn = [(s, *self.points(s)) for s in self.series]
        drawn = [(s, xs, ys) for s, xs, ys in drawn if xs]
        if not drawn:
            return Text(self.empty, style="dim")
        plt = self.plt
        plt.clear_figure()  # fresh data every build: plotext logs stored data in place
        for n, (s, xs, ys) in enumerate(drawn):
            plt.plot(xs, ys, label=s.label, marker=s.marker, color=s.color or COLORS[n % len(COLORS)])
        for y, color in self.hlines:
            if math.isfinite(y) and (not self.logy or y > 0):
                plt.hline(y, color)
        for x, color in self.vlines:
            if math.isfinite(x) and (not self.logx or x > 0):
                plt.vline(x, color)
        all_x = [x for _, xs, _ in drawn for x in xs]
        all_y = [y for _, _, ys in drawn for y in ys]
        # On log axes plotext wants limits as exponents but ticks as values.
        if self.logx:
            plt.xscale("log")
            low, high = log_limits(all_x)
            plt.xlim(low, high)
            plt.xticks(*decade_ticks(low, high, max(2, self.size.width // 10)))
        elif self.integer_x:
            plt.xticks(*integer_ticks(all_x, max(2, self.size.width // 10)))
        if self.logy:
            plt.yscale("log")
            low, high = log_limits(all_y + [y for y, _ in self.hlines if y > 0], self.min_decades)
            plt.ylim(low, high)
            plt.yticks(*decade_ticks(low, high, max(2, self.size.height // 3)))
        if self.title_text:
            plt.title(self.title_text)
        if self.xlabel_text:
            plt.xlabel(self.xlabel_text)
        if self.ylabel_text:
            plt.ylabel(self.ylabel_text)
        return super().render()
