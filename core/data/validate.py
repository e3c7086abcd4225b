"""Checks on a dataset's arrays and on the arguments of the data functions.

Every problem raises :class:`~dltutor.core.errors.TutorError` with the field to blame, so the CLI prints it
and the screens show it beside the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from dltutor.core.errors import TutorError
from dltutor.core.rng import Rng, make_rng
from dltutor.core.types import Array

#: The seed used when no rng is given: the same call gives the same data every time.
DEFAULT_SEED = 1

#: Reflections a dataset may declare: ``"x"`` is ``x1 -> -x1``, ``"y"`` is ``x2 -> -x2``, ``"xy"`` both
#: (the point reflection through the origin).
REFLECTIONS = ("x", "y", "xy")

#: At most this many classes (ids 0..K-1): a larger id is a timestamp or row id in the label column.
MAX_CLASSES = 1000
#: Feature values beyond this size cannot be trained on in float64 (their squares and sums overflow).
MAX_ABS_VALUE = 1e100

_LABELS_ALLOWED = "0/1 labels, or class ids 0..K-1 with every id present"


def validate_xy(
    X: Array,
    Y: Array,
    field: str = "data",
    *,
    split: str = "",
    contiguous: bool = True,
) -> tuple[Array, Array]:
    """Check a pair of arrays and return them as ``float64``.

    Args:
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        field: the field named in errors.
        split: a split name used in messages (``"train"`` gives ``train_X``/``train_Y``).
        contiguous: require the labels present to be exactly ``0..K-1`` (0/1 data always passes);
            :class:`Dataset` checks this over all splits together instead, since a small split may miss a
            class.

    Returns:
        ``(X, Y)`` as ``float64`` arrays of shapes ``(n_x, m)`` and ``(1, m)``.

    Raises:
        TutorError: wrong dimensions, mismatched m, NaN or inf, or labels that are not class ids.
    """
    xname, yname = (f"{split}_X", f"{split}_Y") if split else ("X", "Y")
    X = as_float(X, field, xname)
    Y = as_float(Y, field, yname)
    if X.ndim != 2:
        raise TutorError(field, f"{xname} must be 2-D (n_x, m), got shape {X.shape}",
                         "an (n_features, m) array, examples as columns")
    if Y.ndim != 2 or Y.shape[0] != 1:
        raise TutorError(field, f"{yname} must have shape (1, m), got {Y.shape}", "a (1, m) row of labels")
    if X.shape[1] != Y.shape[1]:
        raise TutorError(field, f"{xname} has {X.shape[1]} examples but {yname} has {Y.shape[1]}",
                         "the same number of examples (columns) in X and Y")
    if X.shape[1] == 0 or X.shape[0] == 0:
        raise TutorError(field, f"{xname} is empty (shape {X.shape})", "at least one feature and one example")
    for name, arr in ((xname, X), (yname, Y)):
        n_nan = int(np.count_nonzero(np.isnan(arr)))
        if n_nan:
            raise TutorError(field, f"{name} contains NaN at {n_nan} entries", "finite numbers only")
        n_inf = int(np.count_nonzero(np.isinf(arr)))
        if n_inf:
            raise TutorError(field, f"{name} contains inf at {n_inf} entries", "finite numbers only")
    labels = np.unique(Y)
    bad = labels[(labels != np.round(labels)) | (labels < 0)]
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in bad[:5])
        raise TutorError(field, f"{yname} holds labels that are not class ids: {shown}", _LABELS_ALLOWED)
    _check_class_count(labels, field, yname)
    biggest = float(np.max(np.abs(X)))
    if biggest > MAX_ABS_VALUE:
        raise TutorError(field, f"{xname} holds values as large as {biggest:.3g}, too large to train on "
                         "(their squares overflow)", f"|values| <= {MAX_ABS_VALUE:.0e}; rescale the features")
    if contiguous:
        check_contiguous(labels, field, yname)
    return X, Y


def _check_class_count(labels: Array, field: str, name: str) -> None:
    """Refuse a class id of :data:`MAX_CLASSES` or more (``labels``: sorted unique non-negative integers)."""
    if labels.size and labels[-1] >= MAX_CLASSES:
        raise TutorError(field, f"{name} has class id {labels[-1]:.15g}, more classes than the tutor handles "
                         "(is the last column a timestamp or a row id?)",
                         f"class ids 0..K-1 with at most {MAX_CLASSES:,} classes, the label in the last column")


def check_contiguous(labels: Array, field: str, name: str) -> None:
    """Refuse class ids with gaps (``{0, 2}``); ``labels`` are the sorted unique non-negative integers.

    Never builds the range up to the largest id (a label may be a timestamp): the class count is capped first.
    """
    _check_class_count(labels, field, name)
    if labels.size and labels[-1] > 1 and not np.array_equal(labels, np.arange(labels.size)):
        missing = np.setdiff1d(np.arange(int(labels[-1]) + 1), labels.astype(np.int64))[:5]
        raise TutorError(field, f"{name} class ids are not contiguous (missing {[int(v) for v in missing]})",
                         _LABELS_ALLOWED)


def as_float(a: ArrayLike, field: str, name: str) -> Array:
    if np.iscomplexobj(a):
        raise TutorError(field, f"{name} holds complex numbers", "real numbers only")
    try:
        arr = np.array(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise TutorError(field, f"{name} is not numeric", "numbers only") from None
    return arr


def check_reflections(
    reflections: Iterable[str] | str | None, field: str = "reflections"
) -> tuple[str, ...]:
    if reflections is None:
        return ()
    if isinstance(reflections, str):
        reflections = [r.strip() for r in reflections.split(",") if r.strip()]
    out: list[str] = []
    for r in reflections:
        if r not in REFLECTIONS:
            raise TutorError(field, f"unknown reflection {r!r}",
                             '"x" (x1 -> -x1), "y" (x2 -> -x2), "xy" (through the origin)')
        if r not in out:
            out.append(r)
    return tuple(out)


def as_rng(rng: Rng | int | None) -> Rng:
    if rng is None:
        return make_rng(DEFAULT_SEED)
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return make_rng(int(rng))
    raise TutorError("seed", f"{rng!r} is not a seed or random generator",
                     "a non-negative integer seed, a numpy Generator or RandomState, or nothing")


def int_in(value: object, field: str, lo: int, hi: int) -> int:
    number: int | None = None
    if isinstance(value, float) and value.is_integer():
        value = number = int(value)  # 5.0 is 5, and named so in the message
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        number = int(value)
    if number is None or not lo <= number <= hi:
        raise TutorError(field, f"{value!r} is out of range", f"an integer from {lo:,} to {hi:,}")
    return number


def float_in(value: object, field: str, lo: float, hi: float) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TutorError(field, f"{value!r} is not a number", f"{lo:g} to {hi:g}") from None
    allowed = f"a finite number >= {lo:g}" if hi == math.inf else f"{lo:g} to {hi:g}"
    if isinstance(value, bool) or not math.isfinite(v):
        raise TutorError(field, f"{value!r} is not a finite number", allowed)
    if not lo <= v <= hi:
        raise TutorError(field, f"{value!r} is out of range", allowed)
    return v
