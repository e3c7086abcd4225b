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


def decade_ticks(values: Sequence[float], most: int = 6) -> tuple[list[float], list[str]]:
    """Powers of ten spanning ``values`` (positive), at most ``most`` of them, labelled ``1e-7``.

    plotext's own log ticks are long decimals (0.0000001419); decades read at a glance.
    """
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    if not positive:
        return [], []
    low = math.floor(math.log10(min(positive)))
    high = math.ceil(math.log10(max(positive)))
    if high == low:
        high += 1
    step = max(1, math.ceil((high - low + 1) / max(2, most)))
    exponents = list(range(high, low - 1, -step))[::-1]
    return [10.0 ** e for e in exponents], [decade_label(e) for e in exponents]


class SeriesPlot(PlotextPlot):
    """A line chart of named series, redrawn from stored data on every render.

    Args:
        empty: text shown while there is nothing to draw.
    """

    DEFAULT_CSS = """
    SeriesPlot { width: 1fr; height: 1fr; min-height: 6; }
    """

    def __init__(self, empty: str = "", *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
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
        """
        self.series = list(series)
        self.title_text, self.xlabel_text, self.ylabel_text = title, xlabel, ylabel
        self.logx, self.logy = logx, logy
        self.hlines, self.vlines = list(hlines), list(vlines)
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
        if self.logx:
            plt.xscale("log")
            plt.xticks(*decade_ticks([x for _, xs, _ in drawn for x in xs], self.size.width // 9))
        if self.logy:
            plt.yscale("log")
            plt.yticks(*decade_ticks([y for _, _, ys in drawn for y in ys], self.size.height // 3))
        if self.title_text:
            plt.title(self.title_text)
        if self.xlabel_text:
            plt.xlabel(self.xlabel_text)
        if self.ylabel_text:
            plt.ylabel(self.ylabel_text)
        return super().render()
