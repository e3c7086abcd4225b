"""The course's verdict bands as a picture: a log scale from 1e-12 to 1 with a marker at the difference.

Zones, words and colours come from :mod:`core.bands` (the one definition, NumPy-free): right below the
assignment's pass threshold 2e-7 (2e-7 itself passes), look carefully around 1e-5, very likely a bug from
about 1e-3 (1e-4 on: 1e-4 is the log midpoint between "look carefully" ~1e-5 and "very likely a bug" ~1e-3).
"""

from __future__ import annotations

import math

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from dltutor.core.bands import BAND_COLOUR, COURSE_THRESHOLD, GREAT_BELOW, LIKELY_BUG, band_name
from dltutor.core.bands import ZONES as BAND_ZONES

LOW, HIGH = -12, 0  # decades shown: 1e-12 .. 1
RIGHT_BELOW = GREAT_BELOW
PASS_THRESHOLD = COURSE_THRESHOLD
BUG_ABOVE = LIKELY_BUG

#: (label, upper edge, theme colour) of each zone of the picture.
ZONES = tuple((label, limit, BAND_COLOUR[name]) for name, limit, label in BAND_ZONES)


def format_difference(value: float | None) -> str:
    """``2.85e-01``, ``1.19e-07``; ``not a number`` for nan (a malformed gradient)."""
    if value is None:
        return "-"
    if math.isnan(value):
        return "not a number"
    if math.isinf(value):
        return "inf"
    return f"{value:.2e}"


def band_of(value: float) -> str:
    """``right``, ``look`` or ``bug``: :func:`core.bands.band_name`."""
    return band_name(value)


class VerdictBands(Widget):
    """Three lines: the coloured zones, a decade axis, and a marker at :attr:`difference`.

    ``difference`` None shows the scale without a marker.
    """

    DEFAULT_CSS = """
    VerdictBands { height: 3; width: 1fr; }
    """

    difference: reactive[float | None] = reactive(None)

    def __init__(self, difference: float | None = None, *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(VerdictBands.difference, difference)

    def _column(self, value: float, width: int) -> int:
        if value <= 0:
            return 0
        x = (math.log10(value) - LOW) / (HIGH - LOW)
        return min(width - 1, max(0, int(round(x * (width - 1)))))

    def render(self) -> RenderResult:
        width = max(20, self.size.width)
        colors = self.app.theme_variables
        bar = Text()
        edges = [0] + [self._column(limit, width) if math.isfinite(limit) else width for _, limit, _ in ZONES]
        for (label, _limit, color), start, end in zip(ZONES, edges, edges[1:], strict=False):
            span = max(0, end - start)
            if span <= len(label) + 1:
                label = label.split()[0]
            text = f" {label}"[:span].ljust(span)
            bar.append(text, Style(color=colors.get("background", "black"),
                                   bgcolor=colors.get(color, color), bold=True))
        axis = [" "] * width
        for exponent in range(LOW, HIGH + 1, 2):
            label = "1" if exponent == 0 else f"1e{exponent}"
            col = self._column(10.0 ** exponent, width)
            col = min(col, width - len(label))
            if all(c == " " for c in axis[max(0, col - 1):col + len(label) + 1]):
                axis[col:col + len(label)] = list(label)
        marker = Text()
        d = self.difference
        if d is not None:
            col = width - 1 if not math.isfinite(d) else self._column(d, width)
            label = format_difference(d)
            zone = BAND_COLOUR[band_of(d)]
            style = Style(color=colors.get(zone), bold=True)
            if col + 2 + len(label) <= width:
                marker.append(" " * col)
                marker.append("▲ " + label, style)
            else:
                start = max(0, col - len(label) - 1)
                marker.append(" " * start)
                marker.append(label + " ▲", style)
        return Text("\n").join([bar, Text("".join(axis), style="dim"), marker])
