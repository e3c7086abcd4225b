"""Plain-text charts with plotext, shared by the CLI commands.

plotext keeps one global figure: every function here clears it first and builds without colour, so a
chart is the same text wherever it is printed. Log scales are applied to fresh data on every build
(plotext 5 takes the log of the stored series in place).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def line_chart(
    series: dict[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    logy: bool = False,
    logx: bool = False,
    width: int = 80,
    height: int = 18,
) -> str:
    """A line chart of named ``(xs, ys)`` series as plain text; non-finite and (on log axes) non-positive
    points are dropped."""
    import plotext as plt

    plt.clf()
    plt.plotsize(width, height)
    plt.theme("clear")
    markers = ["braille", "dot", "fhd", "hd", "sd"]
    for n, (name, (xs, ys)) in enumerate(series.items()):
        pts = [(float(x), float(y)) for x, y in zip(xs, ys)
               if y is not None and math.isfinite(float(y)) and math.isfinite(float(x))
               and (not logy or float(y) > 0) and (not logx or float(x) > 0)]
        if not pts:
            continue
        plt.plot([p[0] for p in pts], [p[1] for p in pts], label=name, marker=markers[n % len(markers)])
    if logy:
        plt.yscale("log")
    if logx:
        plt.xscale("log")
    if title:
        plt.title(title)
    if xlabel:
        plt.xlabel(xlabel)
    if ylabel:
        plt.ylabel(ylabel)
    text = plt.build()
    plt.clf()
    return plt.uncolorize(text) if hasattr(plt, "uncolorize") else text
