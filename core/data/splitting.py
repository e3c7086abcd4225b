"""Shuffling examples and cutting them into train/dev(/test) sets.

(How large each set should be, for a given number of examples, is :mod:`dltutor.core.split`'s advice.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from dltutor.core.data.dataset import SPLIT_NAMES
from dltutor.core.data.validate import as_rng, validate_xy
from dltutor.core.errors import TutorError
from dltutor.core.rng import Rng, permutation
from dltutor.core.types import Array


def check_ratios(ratios: Sequence[float]) -> tuple[float, ...]:
    allowed = "(train, dev) or (train, dev, test) fractions in [0, 1] summing to 1, train > 0"
    try:
        values = tuple(float(r) for r in ratios)
    except (TypeError, ValueError):
        raise TutorError("ratios", f"{ratios!r} is not a list of numbers", allowed) from None
    if len(values) not in (2, 3):
        raise TutorError("ratios", f"need 2 or 3 fractions, got {len(values)}", allowed)
    if any(not math.isfinite(r) or not 0 <= r <= 1 for r in values):
        raise TutorError("ratios", f"{list(values)} has a fraction outside [0, 1]", allowed)
    if abs(sum(values) - 1.0) > 1e-9:
        raise TutorError("ratios", f"{list(values)} sums to {sum(values):g}", allowed)
    if values[0] <= 0:
        raise TutorError("ratios", "the training fraction must be positive", allowed)
    return values


def split_sizes(m: int, ratios: Sequence[float]) -> dict[str, int]:
    """Sizes of the nonzero splits: dev/test rounded (at least 1 each), the remainder to train.

    Raises:
        TutorError: when ``m`` is too small to give every nonzero split an example.
    """
    ratios = check_ratios(ratios)
    sizes = {}
    for name, r in zip(SPLIT_NAMES[1:], ratios[1:], strict=False):
        if r > 0:
            sizes[name] = max(1, int(math.floor(r * m + 0.5)))
    train = m - sum(sizes.values())
    if train < 1:
        raise TutorError("ratios", f"{m} examples cannot give every nonzero split an example",
                         f"at least {len(sizes) + 1} examples")
    return {"train": train, **sizes}


def split(
    X: Array, Y: Array, ratios: Sequence[float], rng: Rng | int | None = None
) -> dict[str, tuple[Array, Array]]:
    """Shuffle the examples and cut them into train/dev(/test).

    Args:
        X: ``(n_x, m)``.
        Y: ``(1, m)``.
        ratios: ``(train, dev)`` or ``(train, dev, test)``, each in [0, 1], summing to 1, train > 0. Sizes
            are rounded, the remainder goes to train, and every nonzero split gets at least one example.
        rng: draws one permutation of ``range(m)``.

    Returns:
        ``{"train": (X, Y), "dev": ..., "test": ...}`` with only the nonzero splits, in that order.
    """
    X, Y = validate_xy(X, Y)
    m = X.shape[1]
    sizes = split_sizes(m, ratios)
    idx = permutation(as_rng(rng), m)
    out = {}
    start = 0
    for name, n in sizes.items():
        cols = idx[start:start + n]
        out[name] = (X[:, cols], Y[:, cols])
        start += n
    return out
