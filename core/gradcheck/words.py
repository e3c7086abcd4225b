"""Small wording helpers for the sentences of a gradient-check report: plurals, short numbers, ratios."""

from __future__ import annotations

from dltutor.core.types import Array


def plural(n: int, one: str, many: str | None = None) -> str:
    """``one`` for n == 1, else ``many`` (``one + "s"`` by default)."""
    return one if n == 1 else (many if many is not None else one + "s")


def fmt(x: float | None, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, ``-`` for None."""
    if x is None:
        return "-"
    return f"{x:.{digits}g}"


def ratio_text(r: float) -> str:
    """``2.00`` for the usual ratios, ``1e+300`` for extreme ones (a table column stays narrow)."""
    return f"{r:.2f}" if 1e-2 <= abs(r) < 1e5 or r == 0 else f"{r:.3g}"


def index_list(items: Array, limit: int = 8) -> str:
    """``0, 3, 5`` for indices, cut after ``limit`` with ``, ...``."""
    text = ", ".join(str(int(i)) for i in items[:limit])
    return text + (", ..." if len(items) > limit else "")
