"""Plain-text charts with plotext, shared by the CLI commands.

plotext keeps one global figure: every function here clears it first and builds without colour, so a
chart is the same text wherever it is printed. Log scales are applied to fresh data on every build
(plotext 5 takes the log of the stored series in place), and log axes get ticks at powers of ten.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

MARKERS = ("braille", "dot", "x", "+", "*")
_LOWEST_POWER, _HIGHEST_POWER = -307, 308


def power_ticks(values: Sequence[float], most: int = 7) -> tuple[list[float], list[str]]:
    """Powers of ten spanning the positive ``values`` (at most ``most`` of them), labelled ``1e-3``."""
    # 10.0**e must stay a positive normal float: subnormal data (5e-324) would give a tick of 0.0, whose
    # log the chart library cannot take.
    lo = max(math.floor(math.log10(min(values))), _LOWEST_POWER)
    hi = min(max(math.ceil(math.log10(max(values))), lo), _HIGHEST_POWER)
    step = max(1, math.ceil((hi - lo) / (most - 1)))
    exps = list(range(lo, hi + 1, step))
    return [10.0**e for e in exps], [f"1e{e}" for e in exps]


def plottable(xs: Sequence[float], ys: Sequence[float | None], logx: bool = False,
              logy: bool = False) -> list[tuple[float, float]]:
    """The ``(x, y)`` points a chart can show: finite, and positive on a log axis."""
    pts = []
    for x, y in zip(xs, ys, strict=False):
        if y is None:
            continue
        x, y = float(x), float(y)
        if math.isfinite(x) and math.isfinite(y) and (not logx or x > 0) and (not logy or y > 0):
            pts.append((x, y))
    return pts


def line_chart(
    series: Mapping[str, tuple[Sequence[float], Sequence[float | None]]],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    logy: bool = False,
    logx: bool = False,
    width: int = 80,
    height: int = 18,
    xticks: Sequence[int] | None = None,
    markers: Sequence[str] = MARKERS,
) -> str:
    """A line chart of named ``(xs, ys)`` series as plain text.

    Points a log axis cannot show (zero, negative, inf, nan) are left out; a chart with nothing left says so.
    """
    import plotext as plt

    cleaned = {name: plottable(xs, ys, logx, logy) for name, (xs, ys) in series.items()}
    cleaned = {name: pts for name, pts in cleaned.items() if pts}
    if not cleaned:
        return "(nothing to chart)"
    plt.clf()
    plt.plotsize(width, height)
    plt.theme("clear")
    for n, (name, pts) in enumerate(cleaned.items()):
        plt.plot([p[0] for p in pts], [p[1] for p in pts], label=name, marker=markers[n % len(markers)])
    all_x = [x for pts in cleaned.values() for x, _ in pts]
    all_y = [y for pts in cleaned.values() for _, y in pts]
    if logx:
        plt.xscale("log")
        plt.xticks(*power_ticks(all_x))
    elif xticks is not None:
        plt.xticks(list(xticks), [str(x) for x in xticks])
    if logy:
        plt.yscale("log")
        plt.yticks(*power_ticks(all_y))
    if title:
        plt.title(title)
    if xlabel:
        plt.xlabel(xlabel)
    if ylabel:
        plt.ylabel(ylabel)
    text = plt.uncolorize(plt.build())
    plt.clf()
    return "\n".join(line.rstrip() for line in text.splitlines())


def loglog_chart(series: dict[str, tuple[Sequence[float], Sequence[float | None]]], *, title: str, xlabel: str,
                 ylabel: str, width: int = 72, height: int = 18) -> str:
    """A plain-text log-log chart of named ``(xs, ys)`` series, titled (non-positive points are left out)."""
    chart = line_chart(series, xlabel=xlabel, ylabel=ylabel, logx=True, logy=True, width=width, height=height,
                       markers=("dot", "x", "+", "*"))
    return f"{title}\n{chart}"
