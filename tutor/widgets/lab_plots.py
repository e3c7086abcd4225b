"""The lab's live plots: cost against iterations and per-layer gradient norms (textual-plotext).

plotext 5 takes the log of the stored data in place every time it builds a log-scaled plot, so a plot
built twice (a resize, a refresh) would take the log of the log and fail. These widgets therefore keep
their own data and re-add every series to a cleared figure on each render: the figure holds nothing
between two renders. Stored series are thinned when long (memory stays flat on long runs) and sampled to
the plot's width when drawn (plotext's time grows with the number of points).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TypeVar

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual_plotext import PlotextPlot

T = TypeVar("T")

#: Points kept per series; past this every other point is dropped (the first and last stay).
MAX_POINTS = 4000

EMPTY = "no data yet: press space to start"

#: Line colours of the series, in order (plotext colour names).
COLORS = ("cyan+", "orange+", "magenta+", "green+", "yellow+", "blue+", "red+", "white")
#: The colour of the run before an applied recipe step.
FADED = "gray"


def _thin(xs: list, ys: list) -> tuple[list, list]:
    if len(xs) <= MAX_POINTS:
        return xs, ys
    return xs[:-1:2] + [xs[-1]], ys[:-1:2] + [ys[-1]]


def sample(xs: Sequence[float], ys: Sequence[T], limit: int) -> tuple[list[float], list[T]]:
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
    for x, y in zip(xs, ys, strict=False):
        if y is None or not math.isfinite(y) or (logy and y <= 0):
            continue
        px.append(x)
        py.append(y)
    return px, py


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_STYLES: dict[tuple, Style] = {}


def _color(params: list[str], i: int) -> tuple[Color | None, int]:
    """The colour an SGR ``38``/``48`` sequence starting at ``params[i]`` names, and the next index."""
    mode = params[i + 1] if i + 1 < len(params) else ""
    if mode == "5" and i + 2 < len(params):
        return Color.from_ansi(int(params[i + 2])), i + 3
    if mode == "2" and i + 4 < len(params):
        return Color.from_rgb(int(params[i + 2]), int(params[i + 3]), int(params[i + 4])), i + 5
    return None, len(params)


def ansi_strips(text: str, width: int) -> list[Strip]:
    """plotext's ANSI output as Textual strips of ``width`` cells.

    plotext only emits 256-colour and true-colour foregrounds and backgrounds, bold and resets; decoding
    them directly is several times faster than a general ANSI parser, and the cost plot is drawn more than
    ten times a second while training.
    """
    strips = []
    for line in text.split("\n"):
        parts = _SGR.split(line)
        fg = bg = None
        bold = False
        segments = []
        for n, part in enumerate(parts):
            if n % 2 == 0:
                if part:
                    key = (fg, bg, bold)
                    style = _STYLES.get(key)
                    if style is None:
                        style = _STYLES[key] = Style(color=fg, bgcolor=bg, bold=bold or None)
                    segments.append(Segment(part, style))
                continue
            params = part.split(";") if part else ["0"]
            i = 0
            while i < len(params):
                code = params[i]
                if code in ("0", ""):
                    fg = bg = None
                    bold = False
                    i += 1
                elif code == "1":
                    bold = True
                    i += 1
                elif code in ("38", "48"):
                    color, i = _color(params, i)
                    if code == "38":
                        fg = color
                    else:
                        bg = color
                elif code == "39":
                    fg = None
                    i += 1
                elif code == "49":
                    bg = None
                    i += 1
                else:
                    i += 1
        strips.append(Strip(segments).adjust_cell_length(width))
    return strips


def _message(text: str, width: int) -> list[Strip]:
    """A dim message wrapped to ``width`` as strips."""
    import textwrap

    style = Style(dim=True)
    return [Strip([Segment(line, style)]).adjust_cell_length(width)
            for line in textwrap.wrap(text, max(8, width)) or [""]]


class LabPlot(PlotextPlot):
    """A plotext plot that rebuilds its figure from its own data whenever it is drawn.

    Subclasses implement :meth:`rebuild`. The widget draws through the line API (:meth:`render_line`) from
    strips made once per refresh or resize. :attr:`renders` counts the builds (the responsiveness bench
    reads it).
    """

    DEFAULT_CSS = """
    LabPlot { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        self._version = 0
        self._strips_key: tuple | None = None
        self._strips: list[Strip] = []
        super().__init__(id=id, classes=classes)
        self.renders = 0
        self.empty_text = EMPTY

    def rebuild(self, plt) -> bool:
        """Add the series and labels to the figure ``plt`` (its data cleared); False when there is nothing
        to draw."""
        raise NotImplementedError

    def refresh(self, *regions, **kwargs):
        self._version += 1
        return super().refresh(*regions, **kwargs)

    def text(self) -> str:
        """The plot as plain text (what the terminal shows, without colours)."""
        self._ensure_strips()
        return "\n".join(strip.text for strip in self._strips)

    def _ensure_strips(self) -> None:
        width, height = self.size
        key = (width, height, self._version, self.app.theme)
        if key == self._strips_key:
            return
        self._strips_key = key
        self._strips = self._build(width, height)

    def _build(self, width: int, height: int) -> list[Strip]:
        if width < 4 or height < 2:
            return []
        self.renders += 1
        plt = self.plt
        plt.clear_data()
        try:
            if not self.rebuild(plt):
                return _message(self.empty_text, width)
            plt.plotsize(width, height)
            plt._set_size(width, height)  # textual-plotext does the same (its issue 5)
            plt.theme(self._get_plotext_theme_name(self.app.theme))
            return ansi_strips(plt.build(), width)[:height]
        except Exception as exc:  # a plot that cannot be drawn must never take the lab down
            return _message(f"(plot unavailable: {exc})", width)

    def render_line(self, y: int) -> Strip:
        self._ensure_strips()
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)


class LabCostPlot(LabPlot):
    """Cost against iterations: named series (train and dev, or one per compared run); log-y optional.

    After a recipe step is applied, the run before it stays on the plot, faded (:meth:`keep_previous`), so
    the step's effect shows.
    """

    TITLE = "cost"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.curves: dict[str, tuple[list, list]] = {}
        self.previous: dict[str, tuple[list, list]] = {}
        self.logy = False

    def clear(self, keep_previous: bool = False) -> None:
        """Forget the series; with ``keep_previous`` the current ones stay, faded, as "before"."""
        self.previous = {f"before: {name}": xy for name, xy in self.curves.items()} if keep_previous else {}
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
        for name, (xs, ys) in self.previous.items():  # first: the new run draws over the old one
            px, py = drawable(*sample(xs, ys, limit), self.logy)
            if px:
                plt.plot(px, py, label=name, marker="braille", color=FADED)
        for n, (name, (xs, ys)) in enumerate(self.curves.items()):
            px, py = drawable(*sample(xs, ys, limit), self.logy)
            if not px:
                continue
            plt.plot(px, py, label=name, marker="braille", color=COLORS[n % len(COLORS)])
            drawn += 1
        if not drawn:
            return False
        plt.yscale("log" if self.logy else "linear")
        plt.title(f"{self.TITLE} (log y)" if self.logy else self.TITLE)
        plt.xlabel("iteration")
        xmax = max(max(xs) for xs, _ in [*self.curves.values(), *self.previous.values()] if xs)
        plt.xticks(*iteration_ticks(xmax, self.size.width))
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
        self.empty_text = EMPTY
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
        zero = []
        labelled = {0, layers - 1} if layers > 4 else set(range(layers))
        series = []
        for layer in range(layers):
            ys = [row[layer] if layer < len(row) else float("nan") for row in rows]
            px, py = drawable(its, ys, True)
            if not px:
                if any(y == 0 for y in ys):
                    zero.append(f"dW{layer + 1}")
                continue
            series.append((layer, px, [math.log10(y) for y in py]))
        if not series:
            if zero:
                self.empty_text = ("every gradient is exactly 0, so nothing shows on a log axis: with zero "
                                   "weights every unit gets the same update and symmetry is never broken")
            return False
        # The norms span many decades: plot log10 of them with decade ticks (plotext's own log axis
        # labels them with up to twenty decimals).
        lo = math.floor(min(min(ys) for _, _, ys in series))
        hi = math.ceil(max(max(ys) for _, _, ys in series))
        if hi <= lo:
            hi = lo + 1
        rows_available = max(2, (self.size.height - 4) // 2)
        step = max(1, math.ceil((hi - lo) / rows_available))
        ticks = list(range(lo, hi + 1, step))
        for layer, px, ly in series:
            color = COLORS[layer % len(COLORS)] if layers <= len(COLORS) else _ramp(layer, layers)
            plt.plot(px, ly, label=f"dW{layer + 1}" if layer in labelled else None, marker="braille",
                     color=color)
        plt.yscale("linear")
        plt.ylim(lo, hi)
        plt.yticks(ticks, [decade(k) for k in ticks])
        plt.title("||dW|| per layer (log y)" + (f"; zero: {', '.join(zero[:3])}" if zero else ""))
        plt.xlabel("iteration")
        plt.xticks(*iteration_ticks(max(its), self.size.width))
        return True


def iteration_ticks(xmax: float, width: int) -> tuple[list[float], list[str]]:
    """Round iteration ticks from 0 to past ``xmax`` (1, 2 or 5 times a power of ten apart), about one
    per 9 columns, labelled ``750``, ``1.5k``, ``30k``, ``2M``."""
    wanted = max(2, min(6, width // 9))
    raw = max(1.0, xmax / wanted)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [i * step for i in range(int(xmax // step) + 1)]
    return ticks, [_short(t) for t in ticks]


def _short(x: float) -> str:
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if x >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def decade(k: int) -> str:
    """The label of ``10**k``: ``0.01``, ``1``, ``100`` near 1, ``1e-7`` and ``1e5`` further out."""
    return f"{10.0 ** k:g}" if -2 <= k <= 2 else f"1e{k}"


def _ramp(layer: int, layers: int) -> tuple[int, int, int]:
    """A colour from blue (first layer) to orange (last) for deep networks."""
    t = layer / max(1, layers - 1)
    return (int(60 + 195 * t), int(140 + 40 * t), int(255 - 215 * t))
