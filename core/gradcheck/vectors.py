"""The course's vector view of the parameters, and the relative difference that compares two vectors.

``dictionary_to_vector``, ``vector_to_dictionary`` and ``gradients_to_vector`` are the course's helpers:
every parameter (``W1, b1, W2, b2, ...``) reshaped to ``(-1, 1)``, row-major, and stacked. Huge or tiny
values are scaled by a power of two before they are squared, so the norms never overflow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dltutor.core.errors import TutorError
from dltutor.core.gradcheck.words import plural
from dltutor.core.types import Array, FloatArray, Params

_NAME = re.compile(r"^([Wb])(\d+)$")


def _order(name: str) -> tuple[int, int]:
    match = _NAME.match(name)
    if not match:
        raise TutorError("parameters", f"unexpected parameter name {name!r}", "W1, b1, W2, b2, ...")
    return int(match.group(2)), 0 if match.group(1) == "W" else 1


def parameter_names(parameters: Iterable[str] | int) -> list[str]:
    """``["W1", "b1", "W2", ...]`` for a parameter dict or names (sorted by layer) or a number of layers."""
    if isinstance(parameters, int):
        return [f"{p}{l}" for l in range(1, parameters + 1) for p in ("W", "b")]  # noqa: E741
    return sorted(parameters, key=_order)


#: The course's shapes, used when :func:`vector_to_dictionary` is given no shapes (as the course's is).
COURSE_SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}


def dictionary_to_vector(parameters: Params, keys: Sequence[str] | None = None) -> tuple[FloatArray, list[str]]:
    """The course's ``dictionary_to_vector``: every parameter reshaped to ``(-1, 1)`` and stacked.

    Args:
        parameters: ``W1, b1, ...``.
        keys: the order; ``W1, b1, W2, b2, ...`` by default.

    Returns:
        ``theta`` ``(n, 1)`` and, per element, the name of the parameter it came from.
    """
    keys = list(keys) if keys is not None else parameter_names(parameters)
    vectors = [np.reshape(parameters[k], (-1, 1)) for k in keys]
    theta = np.concatenate(vectors, axis=0).astype(np.float64, copy=False)
    names = [k for k, v in zip(keys, vectors, strict=True) for _ in range(v.shape[0])]
    return theta, names


def vector_to_dictionary(theta: Array, shapes: Mapping[str, tuple[int, ...] | Array] | None = None) -> Params:
    """The course's ``vector_to_dictionary``: cut ``theta`` back into parameters.

    Args:
        theta: ``(n, 1)`` or ``(n,)``.
        shapes: name -> shape (or -> an array of that shape), in vector order; the course's 47-number
            network when omitted, as in the exercise.

    Returns:
        ``{"W1": ..., "b1": ..., ...}`` (views into ``theta``).
    """
    shapes = COURSE_SHAPES if shapes is None else shapes
    flat = np.asarray(theta).reshape(-1)
    out: Params = {}
    offset = 0
    for name, given in shapes.items():
        shape = given.shape if isinstance(given, np.ndarray) else given
        size = math.prod(shape)
        if offset + size > flat.size:
            offset = flat.size + 1
            break
        out[name] = flat[offset:offset + size].reshape(shape)
        offset += size
    if offset != flat.size:
        offset = sum(math.prod(s.shape if isinstance(s, np.ndarray) else s) for s in shapes.values())
        raise TutorError("theta", f"{flat.size} {plural(flat.size, 'number')}, the shapes take {offset}",
                         f"exactly {offset} numbers")
    return out


def gradients_to_vector(gradients: Mapping[str, Any], keys: Sequence[str] | None = None) -> Array:
    """The course's ``gradients_to_vector``: ``dW1, db1, ...`` reshaped to ``(-1, 1)`` and stacked.

    Extra entries (the course's backward also returns ``dZ3``, ``dA2``, ...) are ignored.
    """
    if keys is None:
        keys = ["d" + k for k in parameter_names([k[1:] for k in gradients if _NAME.match(k[1:])])]
    return np.concatenate([np.reshape(gradients[k], (-1, 1)) for k in keys], axis=0)


#: Values whose squares stay far from overflow and underflow are squared as they are (bit for bit the
#: course's numbers); beyond, they are first scaled by a power of two.
_SAFE_LOW, _SAFE_HIGH = 1e-140, 1e140


def _power_of_two_scale(*arrays: Array) -> float:
    """1.0 when the largest finite magnitude of ``arrays`` squares safely, else a power of two near it.

    Dividing by a power of two is exact, so a scaled sum of squares is the unscaled one, without the
    overflow (``1e300 ** 2``) or the underflow.
    """
    peak = 0.0
    for a in arrays:
        if a.size:
            with np.errstate(invalid="ignore"):
                finite = np.abs(a[np.isfinite(a)])
            if finite.size:
                peak = max(peak, float(finite.max()))
    if peak == 0.0 or _SAFE_LOW <= peak <= _SAFE_HIGH:
        return 1.0
    return _two_to_the_exponent_of(peak)


def _two_to_the_exponent_of(peak: float) -> float:
    """The power of two at or just below ``peak`` (dividing by it leaves values in [1, 2): never overflows)."""
    return math.ldexp(1.0, math.frexp(peak)[1] - 1)


def block_scales(x: Array, starts: Sequence[int] | Array) -> list[float]:
    """Per block (starting at ``starts``), a power of two to divide ``x`` by before squaring, 1.0 when none
    is needed. ``x`` is finite (zeros where not compared)."""
    with np.errstate(invalid="ignore"):
        peaks = np.maximum.reduceat(np.abs(x), starts).tolist()
    return [1.0 if p == 0.0 or not math.isfinite(p) or _SAFE_LOW <= p <= _SAFE_HIGH
            else _two_to_the_exponent_of(p) for p in peaks]


def relative_difference(grad: npt.ArrayLike, gradapprox: npt.ArrayLike) -> float:
    """``||grad - gradapprox|| / (||grad|| + ||gradapprox||)``, 0 when both are zero.

    Huge (1e300) or tiny values are scaled by a power of two before squaring, so the norms never overflow;
    nan when either holds nan or inf.
    """
    g = np.asarray(grad, dtype=np.float64).reshape(-1)
    a = np.asarray(gradapprox, dtype=np.float64).reshape(-1)
    scale = _power_of_two_scale(g, a)
    if scale != 1.0:
        g, a = g / scale, a / scale
    with np.errstate(invalid="ignore", over="ignore"):
        diff = g - a
        # np.linalg.norm of a vector is sqrt(x.dot(x)): the same numbers without its overhead
        numerator = math.sqrt(diff.dot(diff))
        denominator = math.sqrt(g.dot(g)) + math.sqrt(a.dot(a))
    if math.isnan(numerator) or math.isnan(denominator):
        return float("nan")
    return numerator / denominator if denominator > 0 else 0.0
