"""Gradient checking, the course's way, and the localization of what is wrong.

The course's check: flatten the parameters to one vector ``theta`` (W1, b1, W2, b2, ... each reshaped to
``(-1, 1)``, row-major), estimate every component of the gradient by the two-sided difference
``(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)`` and compare with backpropagation's gradient through

    difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||)

Below 1e-7 the gradient is right (great), around 1e-5 it needs a careful look at each component, above about
1e-3 there is very likely a bug (the exercise's threshold is 2e-7 at ``eps = 1e-7``); the bands are defined
once, in :mod:`core.bands`.

Beyond the course, this module says *where* the mistake is: per parameter block (``dW1``, ``db1``, ...) and
per element, with the ratio analytic/numeric when it is a constant ("dW2 is 2.00 times the true gradient")
and the pattern otherwise, while ReLU kinks (where the two-sided difference straddles a unit's zero) are
reported instead of flagged. Round-off of the perturbed costs is estimated from a first-order error bound
of the forward pass so that a block is flagged only when it is really off.

The perturbed costs are evaluated in vectorized batches, never one Python-level forward pass per element:
small networks stack a copy of theta per perturbation and run the whole network on the stack with
``np.matmul`` (bit for bit the course loop's numbers); larger ones recompute only from the perturbed layer
up, with stacked copies of that layer or, for wide layers, only the perturbed unit's row and a rank-one
update of the layer above. Chunks bound the memory. The costs are J exactly as
:func:`core.network.compute_cost` computes it: cross-entropy with ``nansum`` plus the regularization term.

Shapes: ``X`` ``(n_x, m)``, ``Y`` ``(1, m)``, parameters ``W{l} (n_l, n_{l-1})``, ``b{l} (n_l, 1)``.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dltutor.core.activations import ACTIVATIONS, sigmoid
from dltutor.core.bands import (  # noqa: F401  (the bands' one definition, re-exported for the engine's users)
    BUG_THRESHOLD,
    COURSE_THRESHOLD,
    LIKELY_BUG,
    Band,
    band_name,
    verdict_band,
)
from dltutor.core.errors import TutorError
from dltutor.core.network import Architecture, backward, compute_cost, forward, one_hot
from dltutor.core.rng import Rng, make_rng, permutation, randn
from dltutor.core.variants import DEFAULT_L2, Cache, Variant, course_case, forward_cache, get_variant

#: Machine epsilon of float64 and the unit round-off (half of it).
EPS_MACHINE = float(np.finfo(np.float64).eps)
UNIT_ROUNDOFF = EPS_MACHINE / 2
#: The course's epsilon.
COURSE_EPSILON = 1e-7
#: A block is flagged when its relative difference exceeds this and its error exceeds the round-off scale.
FLAG_RELATIVE = 1e-4
#: How many times the estimated round-off error a block's error must exceed to be flagged.
ROUNDOFF_SAFETY = 10.0
#: A ratio analytic/numeric counts as a constant when the residual is below this fraction.
NEAR_CONSTANT = 1e-3
MODES = ("full", "sampled", "fast")
METHODS = ("batched", "loop")
FALLBACKS = ("auto", "full", "sampled", "none")
DEFAULT_SAMPLES = 10
#: ``fast`` falls back to ``full`` below this many parameters (``auto``), to ``sampled`` above.
FULL_FALLBACK_LIMIT = 20_000
#: Bytes the batched evaluation may hold at once for one chunk of perturbations.
MEMORY_BUDGET = 48 * 2**20
#: The smallest step: below it ``theta + eps`` rounds back to ``theta`` for parameters of size 1e-4 and up,
#: and the difference is round-off alone (at 1e-320 every perturbed cost equals J).
MIN_EPSILON = 1e-12
MAX_EPSILON = 1.0
#: At most this many iterations of gradient descent before the second check (``after_iterations``).
MAX_ITERATIONS = 100_000
#: Activations held at once: ``sum(layers) * m`` floats (X and each layer's Z and A, for every check).
MAX_ACTIVATION_FLOATS = 5_000_000
#: The numerical gradient's work, in multiply-adds (see :func:`numeric_work`): about 5 to 10 seconds.
MAX_CHECK_WORK = 20_000_000_000
#: Gradient descent before the second check, in multiply-adds (see :func:`training_work`).
MAX_TRAIN_WORK = 20_000_000_000
#: What one perturbed cost or one training step costs beyond its arithmetic (Python and NumPy calls),
#: in multiply-adds, so that many tiny evaluations count too.
_OVERHEAD_PER_COST = 50
_OVERHEAD_PER_FORWARD = 20_000
_OVERHEAD_PER_STEP = 100_000
#: The verdict when J, the parameters or the numerical gradient are not finite.
CANNOT_TELL = "cannot tell"
_KINK_ACTIVATIONS = ("relu", "leaky_relu")
_NAME = re.compile(r"^([Wb])(\d+)$")


def relative_tolerance(epsilon: float) -> float:
    """The relative difference a block must exceed to be flagged: :data:`FLAG_RELATIVE`, or more for a large
    epsilon, whose truncation error grows like eps^2."""
    return max(FLAG_RELATIVE, 10 * epsilon * epsilon)


# --- bands ---------------------------------------------------------------------------------------------
# One definition in core.bands (NumPy-free, so the widgets share it); imported here for the engine's users.

def cannot_tell_band(advice: str | None = None) -> Band:
    """The verdict when J, the parameters or the numerical gradient are not finite: no difference means
    anything there, right or wrong.

    Args:
        advice: what to do instead (the default names the usual causes).
    """
    return Band(CANNOT_TELL, "J or the gradients are not finite",
                advice or "the check cannot tell right from wrong at these parameters: check where J is "
                "finite (a smaller learning rate or fewer --after-iterations, a smaller lambda, smaller "
                "weights)")


# --- vector views ----------------------------------------------------------------------------------------

def _order(name: str) -> tuple[int, int]:
    match = _NAME.match(name)
    if not match:
        raise TutorError("parameters", f"unexpected parameter name {name!r}", "W1, b1, W2, b2, ...")
    return int(match.group(2)), 0 if match.group(1) == "W" else 1


def parameter_names(parameters: dict | int) -> list[str]:
    """``["W1", "b1", "W2", ...]`` for a parameter dict (sorted by layer) or a number of layers."""
    if isinstance(parameters, int):
        return [f"{p}{l}" for l in range(1, parameters + 1) for p in ("W", "b")]  # noqa: E741
    return sorted(parameters, key=_order)


#: The course's shapes, used when :func:`vector_to_dictionary` is given no shapes (as the course's is).
COURSE_SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}


def dictionary_to_vector(parameters: dict[str, np.ndarray],
                         keys: Sequence[str] | None = None) -> tuple[np.ndarray, list[str]]:
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


def vector_to_dictionary(theta: np.ndarray, shapes: dict | None = None) -> dict[str, np.ndarray]:
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
    out: dict[str, np.ndarray] = {}
    offset = 0
    for name, shape in shapes.items():
        shape = shape.shape if isinstance(shape, np.ndarray) else shape
        size = math.prod(shape)
        if offset + size > flat.size:
            offset = flat.size + 1
            break
        out[name] = flat[offset:offset + size].reshape(shape)
        offset += size
    if offset != flat.size:
        offset = sum(math.prod(s.shape if isinstance(s, np.ndarray) else s) for s in shapes.values())
        raise TutorError("theta", f"{flat.size} {_plural(flat.size, 'number')}, the shapes take {offset}",
                         f"exactly {offset} numbers")
    return out


def gradients_to_vector(gradients: dict[str, np.ndarray], keys: Sequence[str] | None = None) -> np.ndarray:
    """The course's ``gradients_to_vector``: ``dW1, db1, ...`` reshaped to ``(-1, 1)`` and stacked.

    Extra entries (the course's backward also returns ``dZ3``, ``dA2``, ...) are ignored.
    """
    if keys is None:
        keys = ["d" + k for k in parameter_names([k[1:] for k in gradients if _NAME.match(k[1:])])]
    return np.concatenate([np.reshape(gradients[k], (-1, 1)) for k in keys], axis=0)


#: Values whose squares stay far from overflow and underflow are squared as they are (bit for bit the
#: course's numbers); beyond, they are first scaled by a power of two.
_SAFE_LOW, _SAFE_HIGH = 1e-140, 1e140


def _power_of_two_scale(*arrays: np.ndarray) -> float:
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


def _block_scales(x: np.ndarray, starts: Sequence[int]) -> list[float]:
    """Per block (starting at ``starts``), a power of two to divide ``x`` by before squaring, 1.0 when none
    is needed. ``x`` is finite (zeros where not compared)."""
    with np.errstate(invalid="ignore"):
        peaks = np.maximum.reduceat(np.abs(x), starts).tolist()
    return [1.0 if p == 0.0 or not math.isfinite(p) or _SAFE_LOW <= p <= _SAFE_HIGH
            else _two_to_the_exponent_of(p) for p in peaks]


def relative_difference(grad: np.ndarray, gradapprox: np.ndarray) -> float:
    """``||grad - gradapprox|| / (||grad|| + ||gradapprox||)``, 0 when both are zero.

    Huge (1e300) or tiny values are scaled by a power of two before squaring, so the norms never overflow;
    nan when either holds nan or inf.
    """
    grad = np.asarray(grad, dtype=np.float64).reshape(-1)
    gradapprox = np.asarray(gradapprox, dtype=np.float64).reshape(-1)
    scale = _power_of_two_scale(grad, gradapprox)
    if scale != 1.0:
        grad, gradapprox = grad / scale, gradapprox / scale
    with np.errstate(invalid="ignore", over="ignore"):
        diff = grad - gradapprox
        # np.linalg.norm of a vector is sqrt(x.dot(x)): the same numbers without its overhead
        numerator = math.sqrt(diff.dot(diff))
        denominator = math.sqrt(grad.dot(grad)) + math.sqrt(gradapprox.dot(gradapprox))
    if math.isnan(numerator) or math.isnan(denominator):
        return float("nan")
    return numerator / denominator if denominator > 0 else 0.0


# --- the report ------------------------------------------------------------------------------------------

@dataclass
class BlockReport:
    """How one gradient block (``dW2``) compares with the numerical gradient.

    Element arrays have the parameter's shape; ``numeric`` and ``element_difference`` are nan where the
    element was not checked (sampled and fast modes).

    Args:
        name: the gradient key, ``dW2``.
        shape: the parameter's shape.
        relative_difference: the course's metric over this block's checked elements (kinks left out).
        ratio: analytic/numeric by least squares, when it is a near-constant; else None.
        flagged: really off (beyond round-off).
        hint: what the pattern says, in words.
        pattern: a short code: ``ok``, ``scaled``, ``sign``, ``missing-1/m``, ``zero``, ``rows``, ``layer``,
            ``l2``, ``l1``, ``shape``, ``missing``, ``nan``, ``other``, ``unchecked``, ``not-finite`` (the
            numerical gradient overflowed: the block cannot be judged), ``roundoff`` (off, but only within
            the round-off of J: too small to judge; not flagged).
    """

    name: str
    shape: tuple[int, ...]
    relative_difference: float | None
    ratio: float | None
    flagged: bool
    hint: str
    pattern: str
    analytic: np.ndarray = field(repr=False)
    n_checked: int = 0
    abs_error: float = 0.0
    tolerance: float = 0.0
    n_kinks: int = 0
    #: flat views into the report's vectors (numeric with nan where unchecked, checked, kinks)
    vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    @property
    def numeric(self) -> np.ndarray:
        """The numerical gradient of this block, nan where not checked."""
        return self.vectors[0].reshape(self.shape)

    @property
    def checked(self) -> np.ndarray:
        """Which elements were checked (bool, the parameter's shape)."""
        return self.vectors[1].reshape(self.shape)

    @property
    def kinks(self) -> np.ndarray:
        """Which checked elements sit on a kink (bool, the parameter's shape)."""
        return self.vectors[2].reshape(self.shape)

    @property
    def element_difference(self) -> np.ndarray:
        """``|analytic - numeric| / (|analytic| + |numeric|)`` per element (0 if both 0, nan unchecked)."""
        g = self.analytic if np.shape(self.analytic) == tuple(self.shape) else np.full(self.shape, np.nan)
        n = self.numeric
        with np.errstate(invalid="ignore", divide="ignore"):
            denom = np.abs(g) + np.abs(n)
            out = np.where(denom > 0, np.abs(g - n) / np.where(denom > 0, denom, 1.0), 0.0)
        return np.where(np.isnan(g) | np.isnan(n), np.nan, out)

    def to_dict(self, elements: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "shape": list(self.shape),
            "relative_difference": self.relative_difference,
            "ratio": self.ratio,
            "flagged": self.flagged,
            "hint": self.hint,
            "pattern": self.pattern,
            "checked": self.n_checked,
            "kinks": self.n_kinks,
            "abs_error": self.abs_error,
        }
        if elements:
            out["analytic"] = np.asarray(self.analytic).tolist()
            out["numeric"] = self.numeric.tolist()
            out["element_difference"] = self.element_difference.tolist()
        return out


@dataclass
class GradCheckReport:
    """The result of a gradient check.

    Args:
        difference: the course's relative difference over every checked element (nan when a gradient
            is malformed; the directional difference when a ``fast`` check passed).
        verdict: the band's name, ``right``, ``look`` or ``bug`` (of the difference without kink elements),
            or ``cannot tell`` when J, the parameters or the numerical gradient are not finite.
        band: the :class:`Band`.
        blocks: one :class:`BlockReport` per gradient key, in parameter order.
        kinks: elements whose two-sided difference straddles a ReLU (or L1) kink.
        roundoff: the round-off scale of one numerical derivative (sigma_J / epsilon); a cheap lower bound
            unless some block needed the full estimate to decide whether it is off.
        initial: with ``after_iterations``, the report at the starting parameters.
    """

    variant: str | None
    epsilon: float
    mode: str
    difference: float
    verdict: str
    band: Band
    blocks: list[BlockReport]
    kinks: list[dict[str, Any]]
    seconds: float = 0.0
    difference_excluding_kinks: float | None = None
    cost: float = float("nan")
    n_parameters: int = 0
    n_checked: int = 0
    roundoff: float = 0.0
    warnings: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    shape_errors: list[str] = field(default_factory=list)
    fast: dict[str, Any] | None = None
    fallback: str | None = None
    method: str = "batched"
    case: str = "custom"
    lesson: str | None = None
    description: str | None = None
    expected_flags: tuple[str, ...] | None = None
    file: str | None = None
    l2: float = 0.0
    l1: float = 0.0
    iterations: int = 0
    initial: GradCheckReport | None = None
    learner_output: str = ""

    @property
    def flagged(self) -> list[str]:
        """Names of the flagged blocks."""
        return [b.name for b in self.blocks if b.flagged]

    @property
    def passed(self) -> bool:
        """Right band and nothing flagged."""
        return self.verdict == "right" and not self.flagged

    def block(self, name: str) -> BlockReport:
        """The block called ``name`` (``dW2``)."""
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)

    def to_dict(self, elements: bool = False) -> dict[str, Any]:
        """The ``--json`` document: ``{variant, epsilon, mode, difference, verdict, blocks, kinks, seconds}``
        and more (band, advice, warnings, flagged, file, ...)."""
        out: dict[str, Any] = {
            "variant": self.variant,
            "file": self.file,
            "epsilon": self.epsilon,
            "mode": self.mode,
            "difference": self.difference,
            "verdict": self.verdict,
            "band": self.band.to_dict(),
            "passed": self.passed,
            "flagged": self.flagged,
            "blocks": [b.to_dict(elements) for b in self.blocks],
            "kinks": self.kinks,
            "seconds": self.seconds,
            "difference_excluding_kinks": self.difference_excluding_kinks,
            "course_threshold": COURSE_THRESHOLD,
            "cost": self.cost,
            "n_parameters": self.n_parameters,
            "n_checked": self.n_checked,
            "roundoff": self.roundoff,
            "warnings": self.warnings,
            "advice": self.advice,
            "shape_errors": self.shape_errors,
            "fast": self.fast,
            "fallback": self.fallback,
            "method": self.method,
            "case": self.case,
            "lesson": self.lesson,
            "description": self.description,
            "expected_flags": list(self.expected_flags) if self.expected_flags is not None else None,
            "l2": self.l2,
            "l1": self.l1,
            "iterations": self.iterations,
        }
        if self.learner_output:
            out["learner_output"] = self.learner_output
        if self.initial is not None:
            out["initial"] = self.initial.to_dict(elements)
        return out


# --- the network seen by the checker ---------------------------------------------------------------------

def _act(name: str, Z: np.ndarray, inplace: bool = False) -> np.ndarray:
    """Activation ``name`` on ``(..., n, m)`` stacks (softmax over the unit axis).

    With ``inplace`` the result may overwrite ``Z`` (the values are the same as out of place, bit for bit).
    """
    if name == "sigmoid":
        if not inplace:
            return sigmoid(Z)
        with np.errstate(over="ignore"):
            np.negative(Z, out=Z)
            np.exp(Z, out=Z)
            Z += 1
            return np.divide(1, Z, out=Z)
    if name == "softmax":
        e = np.exp(Z - Z.max(axis=-2, keepdims=True))
        return e / e.sum(axis=-2, keepdims=True)
    if inplace and name == "relu":
        return np.maximum(Z, 0, out=Z)
    if inplace and name == "tanh":
        return np.tanh(Z, out=Z)
    return ACTIVATIONS[name].forward(Z)


#: The whole-network stacked path is used while it holds at most this many numbers (it is bit-exact).
WHOLE_LIMIT = 400_000
#: Per layer, the stacked recompute is used below this many numbers; above, the row update.
LAYER_EXACT_LIMIT = 40_000
STRATEGIES = ("auto", "whole", "layer", "row")


#: OpenBLAS runs a product with M*N*K above this on several threads; on a busy machine waking them costs
#: far more than the product, so the row update multiplies in slices below it.
_SINGLE_THREAD_GEMM = 262_144


def _rows_times(rows: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``rows @ A`` for ``rows (B, p)`` and ``A (p, m)``, in slices small enough for one BLAS thread."""
    B, p = rows.shape
    step = max(1, _SINGLE_THREAD_GEMM // max(1, p * A.shape[1]))
    if B <= step:
        return np.matmul(rows, A)
    out = np.empty((B, A.shape[1]))
    for start in range(0, B, step):
        np.matmul(rows[start:start + step], A, out=out[start:start + step])
    return out


class _Net:
    """A network at one parameter point, with what the perturbation engine reuses.

    Costs are computed exactly as :func:`core.network.compute_cost` computes J (same operations, same
    order, so the stacked paths give the course loop's numbers bit for bit).
    """

    def __init__(self, arch: Architecture, params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray,
                 l2: float = 0.0, l1: float = 0.0, caches: list | None = None) -> None:
        self.arch, self.params, self.X, self.Y = arch, params, X, Y
        self.l2, self.l1 = float(l2), float(l1)
        self.m = X.shape[1]
        self.L = L = arch.L
        self.names = parameter_names(L)
        self.shapes = [params[k].shape for k in self.names]
        sizes = [math.prod(s) for s in self.shapes]
        self.starts = np.array([0, *itertools.accumulate(sizes[:-1])], dtype=np.intp)
        self.size = int(sum(sizes))
        if caches is None:
            AL, caches = forward(X, params, arch, training=False)
        AL = caches[-1].A
        self.caches = caches
        self.Z = [None] + [c.Z for c in caches]
        self.A = [X] + [c.A for c in caches]
        self.cost = compute_cost(AL, Y, params, self.l2, self.l1)
        weights = [params[f"W{q}"] for q in range(1, L + 1)]
        self.sumsq = [0.0] + [np.sum(np.square(W)) for W in weights] if l2 else []
        self.sumabs = [0.0] + [np.sum(np.abs(W)) for W in weights] if l1 else []
        self.Yi = Y[0].astype(np.intp) if arch.layers[-1] > 1 else None
        self.Ymask = (Y == 1) if arch.layers[-1] == 1 and np.all((Y == 0) | (Y == 1)) else None
        self.flat = np.concatenate([params[k].reshape(-1) for k in self.names]).astype(np.float64, copy=False)
        self.kinky = arch.activation in _KINK_ACTIVATIONS
        self.kink_layers: set[int] = set()
        self._kink_bounds: list[tuple[int, float, float]] = []
        if self.kinky and L > 1:
            # A perturbation of size eps in layer l moves Z_l by at most eps * max(1, |A_{l-1}|) and, the
            # activations being 1-Lipschitz, Z_q above by at most that times the rows' abs sums of W.
            # A unit can only change sides where |Z_q| is below that bound: elsewhere no kink is possible.
            reach = 0.0
            for q in range(1, L):
                row_sum = float(np.abs(params[f"W{q}"]).sum(axis=1).max())
                reach = max(reach * row_sum, max(1.0, float(np.abs(self.A[q - 1]).max())))
                self._kink_bounds.append((q, float(np.abs(self.Z[q]).min()), reach))

    def set_epsilon(self, eps: float) -> None:
        """Which hidden layers can hold a kink for steps of ``eps`` (the others skip the sign comparison)."""
        self.kink_layers = {q for q, zmin, reach in self._kink_bounds if zmin <= 2 * eps * reach * (1 + 1e-6)}

    def vector(self) -> np.ndarray:
        """theta ``(n, 1)``, the course's column."""
        return self.flat.reshape(-1, 1)

    @property
    def is_weight(self) -> np.ndarray:
        """Which components of theta are weights (the L1 term's kinks live there)."""
        mask = np.zeros(self.size, dtype=bool)
        for b in range(0, len(self.names), 2):
            mask[self.starts[b]:self.starts[b + 1]] = True
        return mask

    def shape_dict(self) -> dict[str, tuple[int, ...]]:
        return dict(zip(self.names, self.shapes, strict=True))

    # the cost of a batch ------------------------------------------------------------------------------
    def _penalty(self, sq: dict[int, np.ndarray], ab: dict[int, np.ndarray]) -> Any:
        """The regularization part of J with some layers' sums replaced, as core.network.penalty sums it."""
        total: Any = 0.0
        if self.l2:
            s: Any = 0
            for q in range(1, self.L + 1):
                s = s + sq.get(q, self.sumsq[q])
            total += (1.0 / self.m * self.l2 / 2) * s
        if self.l1:
            s = 0
            for q in range(1, self.L + 1):
                s = s + ab.get(q, self.sumabs[q])
            total += (self.l1 / self.m) * s
        return total

    def _costs(self, AL: np.ndarray, pen: Any) -> np.ndarray:
        """J for each item of a stack ``AL (B, n_L, m)``, the values of :func:`core.network.compute_cost`.

        For 0/1 labels ``-log(A) Y - log(1 - A) (1 - Y)`` is ``-log`` of A or 1 - A picked by the label:
        the same numbers (the other product is a signed zero, or a nan that nansum drops) in fewer passes.
        """
        m = self.m
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if AL.shape[1] == 1:
                if self.Ymask is not None:
                    t = np.where(self.Ymask, AL, 1 - AL)
                    np.log(t, out=t)
                    np.negative(t, out=t)
                    ce = np.sum(t, axis=(1, 2))
                    if np.isnan(ce).any():
                        ce = np.nansum(t, axis=(1, 2))
                else:
                    logprobs = np.multiply(-np.log(AL), self.Y) + np.multiply(-np.log(1 - AL), 1 - self.Y)
                    ce = np.nansum(logprobs, axis=(1, 2))
                ce = 1.0 / m * ce
            else:
                picked = AL[:, self.Yi, np.arange(m)]
                ce = 1.0 / m * np.nansum(-np.log(picked), axis=1)
        if self.l2 or self.l1:
            return ce + pen
        return ce

    def _upward(self, q: int, Z: np.ndarray, kinks: np.ndarray, C: int,
                stacks: dict[int, tuple[np.ndarray, np.ndarray]] | None = None) -> np.ndarray:
        """From the stack ``Z`` of layer ``q`` up to the output; marks kinks between the plus/minus halves.

        ``Z`` is consumed (overwritten). ``stacks`` gives per-item weights of the layers above (whole path).
        """
        L = self.L
        while True:
            if q in self.kink_layers:
                kinks |= np.any((Z[:C] > 0) != (Z[C:] > 0), axis=(1, 2))
            A = _act(self.arch.activation_of(q), Z, inplace=True)
            if q == L:
                return A
            q += 1
            W, b = stacks[q] if stacks else (self.params[f"W{q}"], self.params[f"b{q}"])
            Z = np.matmul(W, A)
            Z += b

    def _scatter(self, layer: int, rows: np.ndarray, cols: np.ndarray, eps: float, C: int,
                 items: np.ndarray | None = None, kinks: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Per-item copies of layer ``layer``'s W and b ``(2C, n, p)``, ``(2C, n, 1)`` with the perturbations.

        ``items`` are the positions (in ``0..C-1``) of these perturbations; plus at ``k``, minus at ``C + k``.
        """
        W, b = self.params[f"W{layer}"], self.params[f"b{layer}"]
        items = np.arange(len(rows)) if items is None else items
        Ws = np.empty((2 * C,) + W.shape)
        Ws[:] = W
        bs = np.empty((2 * C,) + b.shape)
        bs[:] = b
        isW = cols >= 0
        kW, r, c = items[isW], rows[isW], cols[isW]
        w = W[r, c]
        Ws[kW, r, c] = w + eps
        Ws[C + kW, r, c] = w - eps
        kb, rb = items[~isW], rows[~isW]
        bs[kb, rb, 0] = b[rb, 0] + eps
        bs[C + kb, rb, 0] = b[rb, 0] - eps
        if self.l1 and kinks is not None and len(kW):
            kinks[kW] |= np.sign(w + eps) != np.sign(w - eps)
        return Ws, bs

    def _decode(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Global indices -> (layer, unit row i, input column j or -1 for a bias)."""
        blocks = np.searchsorted(self.starts, index, side="right") - 1
        layers = blocks // 2 + 1
        is_bias = (blocks % 2) == 1
        local = index - self.starts[blocks]
        p = np.array([s[1] for s in self.shapes[0::2]])[layers - 1]
        rows = np.where(is_bias, local, local // p)
        cols = np.where(is_bias, -1, local % p)
        return layers, rows, cols

    def whole(self, index: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each perturbation recomputes the whole network from stacked parameters (the course loop, batched).

        Row ``k`` of a ``(2C, n)`` stack of theta gets ``+eps`` at ``index[k]`` (``-eps`` in row ``C + k``);
        each layer's weights are a view of it, ``(2C, n_l, n_prev)``. ``np.matmul`` on stacks runs the same
        BLAS product per item as ``np.dot``, so each cost is the course loop's to the last bit.
        """
        C = len(index)
        theta = self.flat
        T = np.empty((2 * C, self.size))
        T[:] = theta
        if C == self.size:  # every element: the perturbations sit on the diagonals
            T[:C].reshape(-1)[::C + 1] += eps
            T[C:].reshape(-1)[::C + 1] -= eps
        else:
            items = np.arange(C)
            T[items, index] += eps
            T[C + items, index] -= eps
        kinks = np.zeros(C, dtype=bool)
        if self.l1:
            w = theta[index]
            kinks |= self.is_weight[index] & (np.sign(w + eps) != np.sign(w - eps))
        stacks = {}
        for l in range(1, self.L + 1):  # noqa: E741
            sW, sb = self.starts[2 * l - 2], self.starts[2 * l - 1]
            n, p = self.shapes[2 * l - 2]
            stacks[l] = (T[:, sW:sb].reshape(2 * C, n, p), T[:, sb:sb + n].reshape(2 * C, n, 1))
        sq = {q: np.sum(np.square(stacks[q][0]), axis=(1, 2)) for q in stacks} if self.l2 else {}
        ab = {q: np.sum(np.abs(stacks[q][0]), axis=(1, 2)) for q in stacks} if self.l1 else {}
        W1, b1 = stacks[1]
        Z = np.matmul(W1, self.X)
        Z += b1
        AL = self._upward(1, Z, kinks, C, stacks)
        J = self._costs(AL, self._penalty(sq, ab))
        return J[:C], J[C:], kinks

    def layer(self, layer: int, rows: np.ndarray, cols: np.ndarray, eps: float,
              exact: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``J(theta + eps e_i)``, ``J(theta - eps e_i)`` and kink flags for perturbations of one layer.

        Args:
            layer: the layer ``l`` all perturbations touch; layers below it are reused.
            rows: the unit ``i`` of each perturbation ``(C,)``.
            cols: the input ``j`` for a weight ``W[i, j]``, or -1 for the bias ``b[i]`` ``(C,)``.
            eps: the step.
            exact: recompute the layer from stacked weights (bit-identical to the course's loop);
                otherwise only the perturbed unit's row and a rank-one update of the layer above.
        """
        C = len(rows)
        l = layer  # noqa: E741
        W, b = self.params[f"W{l}"], self.params[f"b{l}"]
        n = W.shape[0]
        A_prev = self.A[l - 1]
        kinks = np.zeros(C, dtype=bool)
        sq: dict[int, np.ndarray] = {}
        ab: dict[int, np.ndarray] = {}
        if exact:
            Ws, bs = self._scatter(l, rows, cols, eps, C, kinks=kinks)
            if self.l2:
                sq[l] = np.sum(np.square(Ws), axis=(1, 2))
            if self.l1:
                ab[l] = np.sum(np.abs(Ws), axis=(1, 2))
            Z = np.matmul(Ws, A_prev)
            Z += bs
            AL = self._upward(l, Z, kinks, C)
        else:
            isW = cols >= 0
            kW = np.nonzero(isW)[0]
            kb = np.nonzero(~isW)[0]
            r, c, rb = rows[kW], cols[kW], rows[kb]
            w = W[r, c]
            w_plus, w_minus = w + eps, w - eps
            if self.l1 and len(kW):
                kinks[kW] |= np.sign(w_plus) != np.sign(w_minus)
            rows2 = np.concatenate([rows, rows])
            Wr = W[rows2]
            Wr[kW, c] = w_plus
            Wr[C + kW, c] = w_minus
            br = b[rows2, 0]
            br[kb] = b[rb, 0] + eps
            br[C + kb] = b[rb, 0] - eps
            z = _rows_times(Wr, A_prev)  # (2C, m): only the perturbed unit's row changes
            z += br[:, None]
            if self.l2:
                s = self.sumsq[l]
                sq[l] = np.full(2 * C, s)
                sq[l][kW] = s - w * w + w_plus * w_plus
                sq[l][C + kW] = s - w * w + w_minus * w_minus
            if self.l1:
                s = self.sumabs[l]
                ab[l] = np.full(2 * C, s)
                ab[l][kW] = s - np.abs(w) + np.abs(w_plus)
                ab[l][C + kW] = s - np.abs(w) + np.abs(w_minus)
            if l == self.L:
                if n == 1:
                    ZL = z[:, None, :]
                else:
                    ZL = np.repeat(self.Z[l][None], 2 * C, axis=0)
                    ZL[np.arange(2 * C), rows2] = z
                AL = _act(self.arch.activation_of(l), ZL, inplace=True)
            else:
                if l in self.kink_layers:
                    kinks |= np.any((z[:C] > 0) != (z[C:] > 0), axis=1)
                delta = _act(self.arch.activation, z, inplace=True)
                delta -= self.A[l][rows2]
                Z_up = self.params[f"W{l + 1}"].T[rows2][:, :, None] * delta[:, None, :]
                Z_up += self.Z[l + 1]
                AL = self._upward(l + 1, Z_up, kinks, C)
        J = self._costs(AL, self._penalty(sq, ab))
        return J[:C], J[C:], kinks

    def chunk_size(self, layer: int, exact: bool) -> int:
        widest = max(self.arch.layers[q] for q in range(layer, self.L + 1))
        n, p = self.shapes[2 * layer - 2]
        per = 8 * 2 * (4 * widest * self.m + (n * p if exact else p))
        return max(1, MEMORY_BUDGET // per)

    # one cost at a time (loop method, fast mode) -----------------------------------------------------
    def cost_at(self, theta: np.ndarray, keep_probs: Sequence[float] | None = None,
                rng: Rng | None = None) -> tuple[float, list[np.ndarray]]:
        """J at a parameter vector and the hidden pre-activations (for kinks), the course's way."""
        params = vector_to_dictionary(theta, self.shape_dict())
        AL, caches = forward(self.X, params, self.arch, training=keep_probs is not None,
                             keep_probs=keep_probs, rng=rng)
        return compute_cost(AL, self.Y, params, self.l2, self.l1), [c.Z for c in caches[:-1]]


def _kink_between(net: _Net, Zp: list[np.ndarray], Zm: list[np.ndarray]) -> bool:
    return net.kinky and any(np.any((a > 0) != (b > 0)) for a, b in zip(Zp, Zm, strict=True))


def _numeric(net: _Net, eps: float, index: np.ndarray, method: str = "batched", strategy: str = "auto",
             keep_probs: Sequence[float] | None = None,
             rng: Rng | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided differences at the global indices ``index`` (sorted), and which of them sit on a kink.

    Args:
        net: the network at theta.
        eps: the step.
        index: which components of theta.
        method: ``loop`` (one forward pass per perturbation, the course's way) or ``batched``.
        strategy: for ``batched``: ``whole`` (stacked copies of every layer), ``layer`` (stacked copies of
            the perturbed layer, the ones below reused), ``row`` (the perturbed row and a rank-one update)
            or ``auto`` (whole for small networks, else per layer whichever is cheaper).
        keep_probs: dropout on: every evaluation of J draws new masks (loop only; a demonstration).
        rng: draws those masks.
    """
    numeric = np.empty(len(index))
    kinks = np.zeros(len(index), dtype=bool)
    net.set_epsilon(eps)
    if method == "loop" or keep_probs is not None:
        theta = net.vector()
        for n_i, i in enumerate(index):
            theta_plus = np.copy(theta)
            theta_plus[i][0] = theta_plus[i][0] + eps
            J_plus, Zp = net.cost_at(theta_plus, keep_probs, rng)
            theta_minus = np.copy(theta)
            theta_minus[i][0] = theta_minus[i][0] - eps
            J_minus, Zm = net.cost_at(theta_minus, keep_probs, rng)
            numeric[n_i] = (J_plus - J_minus) / (2 * eps)
            kinks[n_i] = _kink_between(net, Zp, Zm)
            if net.l1 and net.names[_block_of(net, i)].startswith("W"):
                w = theta[i][0]
                kinks[n_i] |= np.sign(w + eps) != np.sign(w - eps)
        return numeric, kinks
    layers = net.arch.layers
    per_item = sum(layers[l] * (layers[l - 1] + net.m + 1) for l in range(1, net.L + 1))  # noqa: E741
    if strategy == "whole" or (strategy == "auto" and 2 * len(index) * per_item <= WHOLE_LIMIT):
        step = max(1, MEMORY_BUDGET // (8 * 2 * 2 * per_item))
        for s in range(0, len(index), step):
            part = slice(s, s + step)
            J_plus, J_minus, kink = net.whole(index[part], eps)
            numeric[part] = (J_plus - J_minus) / (2 * eps)
            kinks[part] = kink
        return numeric, kinks
    all_layers, all_rows, all_cols = net._decode(index)
    for l in range(1, net.L + 1):  # noqa: E741
        sel = np.nonzero(all_layers == l)[0]
        if not len(sel):
            continue
        rows, cols = all_rows[sel], all_cols[sel]
        n_l, p = net.shapes[2 * l - 2]
        if strategy == "auto":
            use_exact = 2 * len(sel) * n_l * (net.m + p) <= LAYER_EXACT_LIMIT or n_l == 1
        else:
            use_exact = strategy in ("layer", "whole")
        step = net.chunk_size(l, use_exact)
        for s in range(0, len(sel), step):
            part = slice(s, s + step)
            J_plus, J_minus, kink = net.layer(l, rows[part], cols[part], eps, use_exact)
            numeric[sel[part]] = (J_plus - J_minus) / (2 * eps)
            kinks[sel[part]] = kink
    return numeric, kinks


def _block_of(net: _Net, i: int) -> int:
    return int(np.searchsorted(net.starts, i, side="right") - 1)


class _LazyRoundoff:
    """:func:`_roundoff` of a network, computed on first call; ``lower`` is a cheap lower bound."""

    def __init__(self, net: _Net) -> None:
        self.net = net
        self.lower = 3 * UNIT_ROUNDOFF * abs(net.cost) if math.isfinite(net.cost) else float("inf")
        self.value: float | None = None

    def __call__(self) -> float:
        if self.value is None:
            self.value = _roundoff(self.net)
        return self.value


def _roundoff(net: _Net) -> float:
    """A first-order bound on the round-off error of one evaluation of J.

    Every rounded quantity ``q`` (each ``Z``, ``A``, the output and the loss terms) carries a relative error
    of about the unit round-off; its effect on J is ``|dJ/dq| |q|``. Summing these over the forward pass
    gives the scale of the noise in ``J(theta +- eps e_i)``, hence in the numerical gradient (divided by
    eps). A saturated output (sigmoid at exactly 0 or 1 against the wrong label) makes it infinite.
    """
    arch, params, m, L = net.arch, net.params, net.m, net.L
    AL, Y = net.A[L], net.Y
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if AL.shape[0] == 1:
            GA = (-(Y / AL) + (1 - Y) / (1 - AL)) / m
            GZ = (AL - Y) / m
        else:
            onehot = one_hot(Y, AL.shape[0])
            GA = np.where(onehot > 0, -onehot / AL, 0.0) / m
            GZ = (AL - onehot) / m
        total = float(np.nansum(np.abs(GA) * np.abs(AL)))
        for l in range(L, 0, -1):  # noqa: E741
            W, b = params[f"W{l}"], params[f"b{l}"]
            total += float((np.abs(GZ) * (np.abs(W) @ np.abs(net.A[l - 1]) + np.abs(b))).sum())
            if l > 1:
                GA = W.T @ GZ
                total += float((np.abs(GA) * np.abs(net.A[l - 1])).sum())
                GZ = ACTIVATIONS[arch.activation].backward(GA, net.Z[l - 1], net.A[l - 1])
    total += 3 * abs(net.cost)
    return UNIT_ROUNDOFF * total if math.isfinite(total) else float("inf")


# --- reading the differences ------------------------------------------------------------------------------

def _plural(n: int, one: str, many: str | None = None) -> str:
    """``one`` for n == 1, else ``many`` (``one + "s"`` by default)."""
    return one if n == 1 else (many if many is not None else one + "s")


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    return f"{x:.{digits}g}"


def ratio_text(r: float) -> str:
    """``2.00`` for the usual ratios, ``1e+300`` for extreme ones (a table column stays narrow)."""
    return f"{r:.2f}" if 1e-2 <= abs(r) < 1e5 or r == 0 else f"{r:.3g}"


def _ratio_hint(name: str, r: float, m: int) -> tuple[str, str]:
    close = lambda a, b: abs(a - b) <= 1e-3 * max(abs(b), 1e-12)  # noqa: E731
    if abs(r) < 1e-3:
        return "zero", (f"{name} is zero where the true gradient is not (a line that never ran, or a wrong "
                        f"variable)")
    if close(r, -1.0):
        return "sign", f"{name} has the wrong sign (ratio -1.00): a minus sign slipped in"
    if m > 1 and close(r, float(m)):
        return "missing-1/m", (f"{name} is m = {m} times too large ({r:.2f}x): a missing 1/m, or a stray factor "
                               f"of {m} (with another number of examples, only a missing 1/m still gives m)")
    if m > 1 and close(r, 1.0 / m):
        return "scaled", (f"{name} is m = {m} times too small ({r:.4g}x): divided by m twice, or by a stray "
                          f"{m} (with another number of examples, only dividing by m twice still gives 1/m)")
    if r < 0:
        return "sign", f"{name} is {ratio_text(r)} times the true gradient: wrong sign and a stray factor"
    return "scaled", (f"{name} is {ratio_text(r)} times the true gradient: look for a stray factor in the line for "
                      f"{name}")


def _penalty_hint(name: str, g: np.ndarray, n: np.ndarray, W: np.ndarray, strength: float, m: int,
                  kind: str, tol: float) -> tuple[str, str] | None:
    """Does ``numeric - analytic`` look like (a multiple of) the L2 or L1 term's gradient?"""
    target = (strength / m) * (W if kind == "l2" else np.sign(W))
    e = n - g
    tt = float(np.dot(target, target))
    if tt == 0:
        return None
    c = float(np.dot(e, target)) / tt
    residual = float(np.linalg.norm(e - c * target))
    if residual > NEAR_CONSTANT * float(np.linalg.norm(e)) + tol:
        return None
    term = "lambda/m * W" if kind == "l2" else "lambda/m * sign(W)"
    label = "L2" if kind == "l2" else "L1"
    if abs(c - 1) < 1e-2:
        return kind, (f"{name} lacks the {label} term's gradient ({term}): the cost has it, the gradient "
                      f"does not")
    if abs(c + 1) < 1e-2:
        return kind, f"{name} has the {label} term's gradient ({term}) twice"
    if kind == "l2" and abs(c - 0.5) < 1e-2:
        return kind, f"{name} has half the {label} gradient: d/dW of lambda/(2m) ||W||^2 is lambda/m * W"
    return kind, f"{name} has {ratio_text(1 - c)} times the {label} gradient ({term}) where 1 is right"


def _analyze(
    names: list[str],
    shapes: list[tuple[int, ...]],
    grads: dict[str, Any],
    numeric: np.ndarray,
    checked: np.ndarray,
    kinks: np.ndarray,
    *,
    epsilon: float,
    sigma: float | Callable[[], float],
    m: int,
    params: dict[str, np.ndarray],
    l2: float = 0.0,
    l1: float = 0.0,
) -> tuple[list[BlockReport], float, float | None, list[str], list[str], float]:
    """Compare analytic and numeric gradients block by block and element by element.

    Args:
        names: parameter names ``W1, b1, ...``.
        shapes: their shapes.
        grads: the analytic gradients as returned (maybe malformed).
        numeric: the numerical gradient ``(n,)`` (anything where not checked).
        checked: which elements were checked ``(n,)``.
        kinks: which checked elements sit on a kink ``(n,)``.
        epsilon: the step.
        sigma: the round-off scale of one evaluation of J, or a :class:`_LazyRoundoff` computed only when
            some block is off beyond the relative tolerance.
        m: number of examples (for the "missing 1/m" pattern).
        params: the parameters (for the L2/L1 patterns).

    Returns:
        blocks, the overall difference, the difference without kinks (None when there are none), shape
        errors, report-level advice and the round-off scale used.
    """
    sizes = [math.prod(s) for s in shapes]
    starts = [0]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)
    total = starts[-1] + sizes[-1]
    g = np.empty(total)
    problems: dict[str, tuple[str, str]] = {}
    arrays: dict[str, np.ndarray] = {}
    for name, shape, start, size in zip(names, shapes, starts, sizes, strict=True):
        key = "d" + name
        value = grads.get(key) if isinstance(grads, dict) else None
        if value is None:
            problems[key] = ("missing", f"{key} is missing from the gradients")
            g[start:start + size] = np.nan
            continue
        try:
            arr = value if type(value) is np.ndarray and value.dtype == np.float64 else \
                np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            problems[key] = ("shape", f"{key} is not an array of numbers")
            g[start:start + size] = np.nan
            continue
        if arr.shape != tuple(shape):
            axis_hint = ""
            if name.startswith("b") and arr.ndim == 2 and arr.shape[0] == 1 and arr.shape[1] == m:
                axis_hint = (": summed over axis=0 (the units) instead of axis=1 (the examples); "
                             f"use np.sum(dZ{name[1:]}, axis=1, keepdims=True)")
            elif arr.size == size:
                axis_hint = ": the right number of values, but a reshape or keepdims=True is missing"
            problems[key] = ("shape", f"{key} has shape {arr.shape} but {name} is {tuple(shape)}{axis_hint}")
            g[start:start + size] = np.nan
            continue
        arrays[key] = arr
        g[start:start + size] = arr.reshape(-1)
    finite = np.isfinite(g)
    finite_all = bool(finite.all())
    if not finite_all:
        for name, start, size in zip(names, starts, sizes, strict=True):
            key = "d" + name
            if key not in problems and not finite[start:start + size].all():
                problems[key] = ("nan", f"{key} holds nan or inf")
    all_checked = bool(checked.all())
    numeric = numeric if all_checked else np.where(checked, numeric, np.nan)
    numeric_finite = np.isfinite(numeric)
    simple = all_checked and finite_all and not kinks.any() and bool(numeric_finite.all())
    valid = checked if simple else checked & ~kinks & finite & numeric_finite
    gz = g if simple else np.where(valid, g, 0.0)
    nz = numeric if simple else np.where(valid, numeric, 0.0)
    kinks_checked = kinks if simple else kinks & checked
    rel_tol = relative_tolerance(epsilon)
    # squares of 1e300 overflow: each block is divided by a power of two first (exact; 1.0 for ordinary
    # values), the analytic and the numeric gradient apart so that a block 1e300 times too large keeps both
    g_scales, n_scales = _block_scales(gz, starts), _block_scales(nz, starts)
    d_scales = [max(a, b) for a, b in zip(g_scales, n_scales, strict=True)]

    def scaled(x: np.ndarray, by: list[float]) -> np.ndarray:
        return x if all(sc == 1.0 for sc in by) else x / np.repeat(by, sizes)

    with np.errstate(invalid="ignore", over="ignore"):
        gs, ns = scaled(gz, g_scales), scaled(nz, n_scales)
        dz = gz - nz if all(sc == 1.0 for sc in d_scales) else scaled(gz, d_scales) - scaled(nz, d_scales)
        # one product at a time: a 2,000,000-parameter check holds one temporary, not a stack of eight
        sums = [np.add.reduceat(dz * dz, starts), np.add.reduceat(gs * gs, starts),
                np.add.reduceat(ns * ns, starts), np.add.reduceat(gs * ns, starts)]
        del dz
        if not simple:
            sums += [np.add.reduceat(row.astype(np.float64), starts)
                     for row in (valid, checked, kinks_checked, checked & ~numeric_finite)]
        per_block = list(zip(*[x.tolist() for x in sums], strict=True))
    # per block: ||d||, and ||g||, ||n|| in units of the scale of d
    norms = [(math.sqrt(b[0]), math.sqrt(b[1]) * (sg / sd), math.sqrt(b[2]) * (sn / sd))
             for b, sg, sn, sd in zip(per_block, g_scales, n_scales, d_scales, strict=True)]
    # blocks off by more than the relative tolerance: only they need the round-off bound and the counts
    suspect = any(d > rel_tol * (g + n) for d, g, n in norms)
    if callable(sigma):
        # the bound takes a pass over the network: only worth it when some block might be flagged
        sigma = sigma() if suspect else float(sigma.lower)
    per_element = ROUNDOFF_SAFETY * sigma / epsilon if math.isfinite(sigma) else float("inf")
    if suspect:
        with np.errstate(invalid="ignore"):
            significant_counts = np.add.reduceat(np.abs(nz) > per_element, starts).tolist()
    else:
        significant_counts = [2] * len(starts)
    blocks: list[BlockReport] = []
    shape_errors: list[str] = []
    for b, (name, shape, start, size) in enumerate(zip(names, shapes, starts, sizes, strict=True)):
        key = "d" + name
        sl = slice(start, start + size)
        sums = per_block[b]
        d2, g2, n2, gn = sums[:4]
        sg, sn, sd = g_scales[b], n_scales[b], d_scales[b]
        significant = significant_counts[b]
        count, n_checked, n_k, n_bad = (sums[4], int(sums[5]), int(sums[6]), int(sums[7])) if not simple \
            else (size, size, 0, 0)
        vectors = (numeric[sl], checked[sl], kinks_checked[sl])
        if key in problems:
            pattern, hint = problems[key]
            if pattern == "shape":
                shape_errors.append(hint)
            analytic = np.asarray(grads[key], dtype=np.float64) if pattern == "nan" \
                else np.full(shape, np.nan)
            blocks.append(BlockReport(key, tuple(shape), None, None, True, hint, pattern, analytic, n_checked,
                                      n_kinks=n_k, vectors=vectors))
            continue
        analytic = arrays[key]
        if not n_checked:
            blocks.append(BlockReport(key, tuple(shape), None, None, False, "not checked element by element",
                                      "unchecked", analytic, 0, vectors=vectors))
            continue
        d_s, g_s, n_s = norms[b]
        d_norm, g_norm, n_norm = d_s * sd, math.sqrt(g2) * sg, math.sqrt(n2) * sn
        rel: float | None = d_s / (g_s + n_s) if g_s + n_s > 0 else 0.0
        tol = per_element * math.sqrt(max(count, 1.0))
        flagged = rel > rel_tol and d_norm > tol and count > 0
        if n_bad and not count:
            rel = None  # nothing finite to compare
        ratio = None
        if n2 > 0 and n_norm > tol and (significant >= 2 or size == 1 or not flagged):
            t = gn / n2  # the ratio analytic/numeric of the scaled blocks
            resid = math.sqrt(max(g2 - 2 * t * gn + t * t * n2, 0.0)) * sg
            if resid <= NEAR_CONSTANT * max(abs(t) * math.sqrt(n2) * sg, g_norm) + tol:
                ratio = t * (sg / sn)
        pattern, hint = "ok", ""
        if flagged:
            v = valid[sl]
            with np.errstate(all="ignore"):
                pattern, hint = _block_pattern(name, tuple(shape), g[sl], numeric[sl], v, ratio, tol, m,
                                               params, l2, l1)
        elif rel is not None and rel > rel_tol and count > 0 and d_norm > 0:
            pattern = "roundoff"
            hint = (f"off by {rel:.3g} (relative), within J's round-off ({per_element:.2g} per element): "
                    "too small to judge here")
        if n_bad:
            note = (f"the numerical gradient is not finite at {n_bad} of {n_checked} checked "
                    f"{_plural(n_checked, 'element')} (J(theta +- eps) overflowed or is nan): "
                    f"{'those elements' if flagged else 'this block'} cannot be judged")
            if flagged:
                hint = f"{hint}; {note}"
            else:
                pattern, hint = "not-finite", note
        if n_k:
            note = (f"{n_k} {_plural(n_k, 'element sits', 'elements sit')} on a ReLU kink (a unit crosses zero "
                    f"between theta-eps and theta+eps): reported, not flagged")
            hint = f"{hint}; {note}" if hint else note
        blocks.append(BlockReport(key, tuple(shape), rel, ratio, flagged, hint, pattern, analytic, n_checked,
                                  abs_error=d_norm, tolerance=tol, n_kinks=n_k, vectors=vectors))
    advice = _layer_pattern(blocks)
    without = None
    if problems:
        difference = float("nan")
    elif all_checked:
        difference = relative_difference(g, numeric)
        if not simple and kinks.any():
            without = relative_difference(g[~kinks], numeric[~kinks])
    else:
        difference = relative_difference(g[checked], numeric[checked])
        if kinks_checked.any():
            keep = checked & ~kinks
            without = relative_difference(g[keep], numeric[keep])
    return blocks, difference, without, shape_errors, advice, sigma


def _block_pattern(name: str, shape: tuple[int, ...], g: np.ndarray, n: np.ndarray, valid: np.ndarray,
                   ratio: float | None, tol: float, m: int, params: dict[str, np.ndarray], l2: float,
                   l1: float) -> tuple[str, str]:
    """Say what is wrong with a flagged block: a penalty term, a constant factor, zeros, some rows."""
    key = "d" + name
    gv, nv = g[valid], n[valid]
    W = params.get(name)
    if name.startswith("W") and W is not None:
        for kind, strength in (("l2", l2), ("l1", l1)):
            if strength:
                found = _penalty_hint(key, gv, nv, W.reshape(-1)[valid], strength, m, kind, tol)
                if found:
                    return found
    if ratio is not None:
        return _ratio_hint(key, ratio, m)
    per = tol / math.sqrt(max(len(gv), 1))
    zero_bad = (gv == 0) & (np.abs(nv) > per)
    if np.any(zero_bad):
        return "zero", (f"{key} is zero at {int(zero_bad.sum())} of {len(gv)} {_plural(len(gv), 'element')} "
                        "where the true gradient is not")
    if len(shape) == 2 and shape[0] > 1:
        gm = np.where(valid, g, 0.0).reshape(shape)
        nm = np.where(valid, n, 0.0).reshape(shape)
        row_err = np.linalg.norm(gm - nm, axis=1)
        row_n = np.linalg.norm(nm, axis=1)
        row_floor = per * math.sqrt(shape[1])
        bad = (row_err > FLAG_RELATIVE * (np.linalg.norm(gm, axis=1) + row_n)) & (row_err > row_floor)
        good = ~bad & (row_n > row_floor)
        if bad.any() and good.any():
            return "rows", (f"only rows {_list(np.nonzero(bad)[0])} of {key} are wrong (those units of layer "
                            f"{name[1:]}); rows {_list(np.nonzero(good)[0])} agree")
    rel = relative_difference(gv, nv)
    return "other", (f"{key} differs from the numerical gradient without a constant factor (relative "
                     f"{rel:.3g})")


def _list(items: np.ndarray, limit: int = 8) -> str:
    text = ", ".join(str(int(i)) for i in items[:limit])
    return text + (", ..." if len(items) > limit else "")


def _layer_pattern(blocks: list[BlockReport]) -> list[str]:
    """Wrong in a whole layer and every layer below it: the error enters at that layer's dZ."""
    by_layer: dict[int, list[bool]] = {}
    for b in blocks:
        by_layer.setdefault(int(b.name[2:]), []).append(b.flagged)
    if not by_layer:
        return []
    L = max(by_layer)
    whole = [layer for layer in range(1, L + 1) if len(by_layer.get(layer, [])) == 2 and all(by_layer[layer])]
    if not whole:
        return []
    top = max(whole)
    if whole != list(range(1, top + 1)) or any(any(by_layer.get(q, [])) for q in range(top + 1, L + 1)):
        return []
    if top == L:
        text = (f"every block is wrong: the error enters at the output (dZ{L} = A{L} - Y) or is common to "
                f"all layers (the cost, a shared factor)")
        short = f"every block is wrong: the error enters at dZ{L}"
    else:
        below = " and every layer below it" if top > 1 else ""
        text = (f"wrong in layer {top}{below}: the error enters at dZ{top}. Check layer {top}'s activation "
                f"derivative in dZ{top} = dA{top} * g'(Z{top}), or dA{top} = W{top + 1}.T dZ{top + 1} itself "
                f"(a dropout mask left on in backprop lands here too)")
        short = f"part of layers 1-{top} being wrong: the error enters at dZ{top}" if top > 1 else \
            "layer 1 is wrong as a whole: the error enters at dZ1"
    for b in blocks:
        if b.flagged and int(b.name[2:]) <= top and b.pattern not in ("shape", "missing", "nan"):
            b.hint = f"{b.hint}; {short}" if b.hint else short
            if b.pattern == "other":
                b.pattern = "layer"
    return [text]

# --- the check ------------------------------------------------------------------------------------------

BackwardFn = Callable[[np.ndarray, np.ndarray, Cache], dict[str, np.ndarray]]


def _validate(arch: Architecture, params: dict, X: np.ndarray, Y: np.ndarray, epsilon: float, mode: str,
              k: int, method: str, fallback: str, after_iterations: int, learning_rate: float, l2: float,
              l1: float) -> None:
    check_epsilon(epsilon)
    if mode not in MODES:
        raise TutorError("mode", f"unknown mode {mode!r}", ", ".join(MODES))
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise TutorError("samples", f"{k!r} samples per block", "an integer >= 1")
    if method not in METHODS:
        raise TutorError("method", f"unknown method {method!r}", ", ".join(METHODS))
    if fallback not in FALLBACKS:
        raise TutorError("fallback", f"unknown fallback {fallback!r}", ", ".join(FALLBACKS))
    if not isinstance(after_iterations, (int, np.integer)) or isinstance(after_iterations, bool) \
            or not 0 <= after_iterations <= MAX_ITERATIONS:
        problem = "too many iterations" if isinstance(after_iterations, (int, np.integer)) \
            and after_iterations > MAX_ITERATIONS else "not a number of iterations"
        raise TutorError("after-iterations", f"{after_iterations!r}: {problem}",
                         f"a whole number from 0 to {MAX_ITERATIONS:,}")
    if not (isinstance(learning_rate, (int, float, np.integer, np.floating)) and math.isfinite(learning_rate)
            and learning_rate > 0):
        raise TutorError("learning-rate", f"{learning_rate!r} is not a usable step", "a finite number > 0")
    if not (math.isfinite(l2) and math.isfinite(l1)) or l2 < 0 or l1 < 0:
        raise TutorError("lambda", f"l2={l2}, l1={l1}", "finite numbers with l2 >= 0 and l1 >= 0")
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != arch.layers[0]:
        raise TutorError("X", f"shape {X.shape} does not fit layers {list(arch.layers)}",
                         f"(n_x, m) with n_x = {arch.layers[0]}")
    if np.shape(Y) != (1, X.shape[1]):
        raise TutorError("Y", f"shape {np.shape(Y)}", f"(1, m) = (1, {X.shape[1]})")
    for l in range(1, arch.L + 1):  # noqa: E741
        for name, shape in ((f"W{l}", (arch.layers[l], arch.layers[l - 1])), (f"b{l}", (arch.layers[l], 1))):
            if name not in params or np.shape(params[name]) != shape:
                raise TutorError("parameters", f"{name} is {np.shape(params.get(name))} but layers "
                                 f"{list(arch.layers)} need {shape}", "parameters matching the architecture")


def check_epsilon(epsilon: Any, field: str = "epsilon") -> float:
    """``epsilon`` as a float, or :class:`TutorError` unless ``MIN_EPSILON <= epsilon <= MAX_EPSILON``.

    Below 1e-12 ``theta + eps`` is ``theta`` to round-off (at 1e-320 exactly), so the numerical gradient is
    zero or noise and the difference says nothing about backpropagation.
    """
    allowed = f"{MIN_EPSILON:g} <= epsilon <= {MAX_EPSILON:g} (the course uses 1e-7)"
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.integer, np.floating)) \
            or not math.isfinite(epsilon):
        raise TutorError(field, f"{epsilon!r} is not a usable step", allowed)
    if epsilon > MAX_EPSILON:
        raise TutorError(field, f"{epsilon:g} is too large: the difference would measure the curvature, not "
                         "the gradient", allowed)
    if epsilon < MIN_EPSILON:
        problem = "must be positive" if epsilon <= 0 else \
            "is too small: theta + eps rounds back to theta, so the numerical gradient is round-off alone"
        raise TutorError(field, f"{epsilon:g} {problem}", allowed)
    return float(epsilon)


def _layer_counts(shapes: Sequence[tuple[int, ...]], k: int | None) -> list[int]:
    """Elements checked per layer: all of them (``k`` None) or ``k`` per block."""
    sizes = [math.prod(s) for s in shapes]
    if k is not None:
        sizes = [min(k, size) for size in sizes]
    return [sizes[i] + sizes[i + 1] for i in range(0, len(sizes), 2)]


def numeric_work(layers: Sequence[int], m: int, counts: Sequence[int] | None = None,
                 method: str = "batched") -> float:
    """About how many multiply-adds the two-sided differences take (each costs two evaluations of J).

    A perturbation of layer ``l`` recomputes from that layer up: the perturbed unit's row, the rank-one
    update of layer ``l + 1`` and full products above; ``loop`` recomputes the whole network each time.

    Args:
        layers: ``(n_x, n_1, ..., n_L)``.
        m: number of examples.
        counts: elements checked per layer (weights and biases together); all of them by default.
        method: ``batched`` or ``loop``.
    """
    L = len(layers) - 1
    weights = [layers[q] * layers[q - 1] for q in range(1, L + 1)]
    total = 0.0
    for l in range(1, L + 1):  # noqa: E741
        n, p = layers[l], layers[l - 1]
        count = n * p + n if counts is None else counts[l - 1]
        if method == "loop":
            per = m * sum(weights) + _OVERHEAD_PER_FORWARD
        else:
            above = layers[l + 1] if l < L else 0
            per = m * (p + n + above + sum(weights[l + 1:])) + _OVERHEAD_PER_COST
        total += 2.0 * count * per
    return total


def training_work(layers: Sequence[int], m: int, iterations: int) -> float:
    """About how many multiply-adds ``iterations`` steps of gradient descent take (forward and backward)."""
    weights = sum(layers[q] * layers[q - 1] for q in range(1, len(layers)))
    return float(iterations) * (3.0 * m * weights + _OVERHEAD_PER_STEP)


def check_budget(layers: Sequence[int], m: int, *, mode: str = "full", k: int = DEFAULT_SAMPLES,
                 fallback: str = "auto", after_iterations: int = 0, method: str = "batched",
                 sweep: int = 0) -> None:
    """Refuse a check that would hold too much memory or run too long, saying what fits.

    Args:
        layers: ``(n_x, n_1, ..., n_L)``.
        m: number of examples.
        mode: ``full``, ``sampled`` or ``fast`` (its fallback is checked here too); ``""`` for none (only
            the memory, the training and the sweep).
        k: elements per block in sampled mode.
        fallback: after a failed fast check.
        after_iterations: gradient-descent steps before the second check.
        method: ``batched`` or ``loop``.
        sweep: epsilons of an epsilon sweep (each a full check; none by default).

    Raises:
        TutorError: ``layers`` beyond :data:`core.network.MAX_PARAMETERS`, ``examples`` beyond
            :data:`MAX_ACTIVATION_FLOATS` floats held at once, ``mode``/``samples`` beyond
            :data:`MAX_CHECK_WORK`, ``after-iterations`` beyond :data:`MAX_TRAIN_WORK`.
    """
    from dltutor.core.network import validate_layers

    layers = [int(n) for n in layers]
    validate_layers(layers)
    units = sum(layers)
    if units * m > MAX_ACTIVATION_FLOATS:
        most = MAX_ACTIVATION_FLOATS // units
        raise TutorError("examples", f"{m:,} examples through {units:,} units hold {units * m:,} activations "
                         f"at once: too much memory", f"at most {most:,} {_plural(most, 'example')} for layers "
                         f"{','.join(map(str, layers))} ({MAX_ACTIVATION_FLOATS:,} activations)")
    n = sum(layers[q] * layers[q - 1] + layers[q] for q in range(1, len(layers)))
    full = numeric_work(layers, m, None, method)
    if mode == "full" or (mode == "fast" and fallback == "full"):
        if full > MAX_CHECK_WORK:
            raise TutorError("mode", f"full mode checks each of the {n:,} parameters on {m:,} "
                             f"{_plural(m, 'example')} (about {full:.1e} multiply-adds): too much work",
                             "--mode sampled (K elements per block) or --mode fast for a network this size, "
                             f"or fewer examples (full mode up to about {MAX_CHECK_WORK:.0e} multiply-adds)")
    if mode == "sampled" or (mode == "fast" and fallback in ("sampled", "auto")):
        shapes = [s for q in range(1, len(layers)) for s in ((layers[q], layers[q - 1]), (layers[q], 1))]
        work = numeric_work(layers, m, _layer_counts(shapes, k), method)
        if work > MAX_CHECK_WORK:
            raise TutorError("samples" if mode == "sampled" else "examples",
                             f"{k:,} {_plural(k, 'sample')} per block on {m:,} {_plural(m, 'example')} take "
                             f"about {work:.1e} "
                             "multiply-adds: too much work",
                             f"fewer samples or examples (up to about {MAX_CHECK_WORK:.0e} multiply-adds)")
    if after_iterations:
        per_step = training_work(layers, m, 1)
        work = per_step * after_iterations
        if work > MAX_TRAIN_WORK:
            most = min(MAX_ITERATIONS, int(MAX_TRAIN_WORK // per_step))
            raise TutorError("after-iterations", f"{after_iterations:,} iterations of gradient descent on this "
                             f"network and {m:,} {_plural(m, 'example')} take about {work:.1e} multiply-adds: "
                             "too much work", f"at most {most:,} {_plural(most, 'iteration')} here")
    if sweep and full * sweep > MAX_CHECK_WORK:
        shapes = [s for q in range(1, len(layers)) for s in ((layers[q], layers[q - 1]), (layers[q], 1))]
        if numeric_work(layers, m, _layer_counts(shapes, k), method) * sweep > MAX_CHECK_WORK:
            raise TutorError("sweep", f"{sweep} epsilons on this network and {m:,} "
                             f"{_plural(m, 'example')} are too much work, even {k} elements per block",
                             "a smaller network or fewer examples for --sweep")


def _resolve(backward_fn: BackwardFn | Variant | str | None) -> tuple[BackwardFn | None, Variant | None]:
    if backward_fn is None:
        return None, None
    if isinstance(backward_fn, str):
        variant = get_variant(backward_fn)
        return variant.backward, variant
    if isinstance(backward_fn, Variant):
        return backward_fn.backward, backward_fn
    return backward_fn, None


DROPOUT_WHY = ("gradient checking needs keep_prob = 1: with dropout on, every evaluation of J draws new "
               "masks, so J is not one function of theta and its numerical gradient is noise; backprop's "
               "gradient belongs to one mask's network only. Check with dropout off, then turn dropout on.")


@np.errstate(all="ignore")  # overflow is detected and reported (a "cannot tell" verdict), never warned about
def gradient_check(
    arch: Architecture,
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    backward_fn: BackwardFn | Variant | str | None = None,
    *,
    l2: float = 0.0,
    l1: float = 0.0,
    keep_probs: Sequence[float] | None = None,
    epsilon: float = COURSE_EPSILON,
    mode: str = "full",
    k: int = DEFAULT_SAMPLES,
    rng: Rng | None = None,
    method: str = "batched",
    dropout: str = "refuse",
    fallback: str = "auto",
    after_iterations: int = 0,
    learning_rate: float = 0.3,
    case: str | None = None,
    strategy: str = "auto",
) -> GradCheckReport:
    """Check backpropagation's gradient against two-sided differences and say where it is wrong.

    Args:
        arch: the network.
        params: ``W1 (n_1, n_x), b1 (n_1, 1), ...``.
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        backward_fn: ``backward(X, Y, cache) -> gradients`` (cache: :class:`core.variants.Cache`), a
            variant id from :data:`core.variants.VARIANTS` or a :class:`Variant`; None checks
            :func:`core.network.backward`.
        l2: L2 strength; its term is part of J (and of the correct gradient).
        l1: L1 strength, likewise.
        keep_probs: one keep probability per hidden layer; any below 1 is refused (``dropout="refuse"``)
            or checked with a loud warning (``dropout="warn"``), because J is then random.
        epsilon: the step, ``1e-12 <= epsilon <= 1``.
        mode: ``full`` (every element), ``sampled`` (``k`` random elements per block) or ``fast`` (one random
            direction; falls back to ``fallback`` when it fails).
        k: elements per block in sampled mode.
        rng: draws the samples, the fast direction and any dropout masks (``default_rng(1)`` when None).
        method: ``batched`` (vectorized) or ``loop`` (the course's per-element loop).
        dropout: ``refuse`` or ``warn``, see ``keep_probs``.
        fallback: after a failed fast check: ``auto`` (full up to 20,000 parameters and
            :data:`MAX_CHECK_WORK`, else sampled), ``full``, ``sampled`` or ``none``.
        after_iterations: also train this many steps (at most 100,000) of plain gradient descent (with the
            correct gradients of :mod:`core.network`) and check again there; the returned report is the one
            after training, with the first in ``.initial``.
        learning_rate: for those steps.
        case: a name for the data/network in the report.
        strategy: how the batched method recomputes perturbed costs: ``auto``, ``whole``, ``layer`` or
            ``row`` (see :func:`_numeric`; all agree to round-off, the stacked ones bit for bit with
            ``loop``).

    Returns:
        A :class:`GradCheckReport`; its verdict is ``cannot tell`` where J, the parameters or the numerical
        gradient are not finite (after a diverging training, say).

    Raises:
        TutorError: a bad option, or a check beyond the budgets of :func:`check_budget` (memory, work).
    """
    t0 = time.perf_counter()
    fn, variant = _resolve(backward_fn)
    l2, l1 = float(l2), float(l1)
    _validate(arch, params, X, Y, epsilon, mode, k, method, fallback, after_iterations, learning_rate, l2, l1)
    if dropout not in ("refuse", "warn"):
        raise TutorError("dropout", f"unknown choice {dropout!r}", "refuse, warn")
    if strategy not in STRATEGIES:
        raise TutorError("strategy", f"unknown strategy {strategy!r}", ", ".join(STRATEGIES))
    warnings: list[str] = []
    dropout_on = keep_probs is not None and any(float(p) < 1 for p in keep_probs)
    if keep_probs is not None:
        if len(keep_probs) != arch.L - 1 or any(not 0 < float(p) <= 1 for p in keep_probs):
            raise TutorError("keep_prob", f"{list(keep_probs)}",
                             f"{arch.L - 1} {_plural(arch.L - 1, 'value')} with 0 < keep_prob <= 1")
    # with dropout on, every perturbed cost is one forward pass of its own (the loop)
    check_budget(arch.layers, np.shape(X)[1], mode=mode, k=int(k), fallback=fallback,
                 after_iterations=int(after_iterations), method="loop" if dropout_on else method)
    if dropout_on and dropout == "refuse":
        raise TutorError("keep_prob", f"dropout is on ({list(keep_probs)}): " + DROPOUT_WHY, "keep_prob = 1")
    if dropout_on:
        warnings.append("DROPOUT IS ON: " + DROPOUT_WHY)
    if variant is not None:
        variant.check_applicable(arch, X.shape[1])
        if variant.needs_l2 and not l2:
            l2 = DEFAULT_L2
            warnings.append(f"{variant.id} needs an L2 term in J: checking with lambda = {DEFAULT_L2}")
        if variant.dropout:
            warnings.append("DROPOUT WAS LEFT ON in backprop: " + DROPOUT_WHY)
    if rng is None and (mode != "full" or dropout_on or (variant is not None and variant.dropout)):
        rng = make_rng(1)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y)
    if case is None:
        acts = " ".join([arch.activation] * (arch.L - 1) + [arch.output])
        case = f"a {'-'.join(map(str, arch.layers))} network ({acts}), m = {X.shape[1]}"
    if after_iterations:
        t_initial = time.perf_counter()
        initial = _check(arch, params, X, Y, fn, variant, l2, l1, keep_probs if dropout_on else None, epsilon,
                         mode, int(k), rng, method, fallback, case, strategy, list(warnings))
        t_trained = time.perf_counter()
        trained = train(arch, params, X, Y, int(after_iterations), learning_rate, l2=l2, l1=l1)
        report = _check(arch, trained, X, Y, fn, variant, l2, l1, keep_probs if dropout_on else None, epsilon,
                        mode, int(k), rng, method, fallback, case, strategy, list(warnings))
        initial.seconds = t_trained - t_initial
        report.initial = initial
        report.iterations = int(after_iterations)
        if report.verdict == CANNOT_TELL and initial.verdict != CANNOT_TELL:
            report.band = cannot_tell_band(
                f"gradient descent diverged (learning rate {learning_rate:g}, {after_iterations:,} "
                f"{_plural(int(after_iterations), 'iteration')}): J is {_fmt(report.cost)} there. Use a "
                "smaller learning rate (the course uses 0.3) or fewer iterations to check after training")
        report.advice.append(f"checked at initialization ({initial.verdict}, difference "
                             f"{_fmt(initial.difference)}) and after {after_iterations:,} "
                             f"{_plural(int(after_iterations), 'iteration')} of gradient descent "
                             f"({report.verdict}, difference {_fmt(report.difference)})")
    else:
        report = _check(arch, params, X, Y, fn, variant, l2, l1, keep_probs if dropout_on else None, epsilon,
                        mode, int(k), rng, method, fallback, case, strategy, warnings)
    report.seconds = time.perf_counter() - t0
    return report


def train(arch: Architecture, params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, iterations: int,
          learning_rate: float = 0.3, *, l2: float = 0.0, l1: float = 0.0) -> dict[str, np.ndarray]:
    """Plain gradient descent with :mod:`core.network`'s forward and backward (no dropout).

    Returns:
        New parameters; ``params`` is left as it was.
    """
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    # A learning rate far too large overflows: the check that follows says so ("cannot tell"), and once a
    # parameter is nan or inf every further step only keeps it there.
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            AL, caches = forward(X, params, arch)
            grads = backward(AL, Y, caches, params, arch, l2=l2, l1=l1)
            for name in params:
                params[name] = params[name] - learning_rate * grads["d" + name]
            if not all(np.isfinite(v).all() for v in params.values()):
                break
    return params


def _analytic(fn: BackwardFn | None, arch: Architecture, params: dict, X: np.ndarray, Y: np.ndarray,
              l2: float, l1: float, keep_probs: Sequence[float] | None, rng: Rng,
              caches: list | None = None) -> tuple[dict, list[str]]:
    """Backprop's gradients; a backward function that raises is reported, not propagated."""
    if keep_probs is not None:
        AL, caches = forward(X, params, arch, training=True, keep_probs=keep_probs, rng=rng)
        cache = Cache(arch, params, caches, AL, l2, l1, rng)
        if fn is None:
            return backward(AL, Y, caches, params, arch, l2=l2, l1=l1), []
    else:
        if caches is not None:
            cache = Cache(arch, params, caches, caches[-1].A, l2, l1, rng)
        else:
            cache = forward_cache(X, params, arch, l2=l2, l1=l1, rng=rng)
        if fn is None:
            return backward(cache.AL, Y, cache.layers, params, arch, l2=l2, l1=l1), []
    try:
        grads = fn(X, Y, cache)
    except (ValueError, IndexError, TypeError, ArithmeticError) as exc:
        return {}, [f"the backward function raised {type(exc).__name__}: {exc}"]
    if not isinstance(grads, dict):
        return {}, [f"the backward function returned {type(grads).__name__}, not a dict of gradients"]
    return grads, []


def sample_index(shapes: Sequence[tuple[int, ...]], k: int, rng: Rng) -> np.ndarray:
    """Global indices of ``k`` random elements per block (all of a block smaller than ``k``), sorted."""
    parts, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        parts.append(start + np.sort(permutation(rng, size)[:k]))
        start += size
    return np.concatenate(parts).astype(np.intp)


def fast_verdict(analytic: float, numeric: float, epsilon: float, sigma: float) -> dict[str, Any]:
    """Compare ``v.grad`` with the directional difference; passed unless off beyond round-off (never
    passed when either is not finite: nan - nan compares as no difference)."""
    if not (math.isfinite(analytic) and math.isfinite(numeric)):
        return {"passed": False, "kink": False, "difference": float("nan"), "analytic": float(analytic),
                "numeric": float(numeric), "reason": "v.grad or the directional difference is not finite"}
    diff = abs(analytic - numeric)
    total = abs(analytic) + abs(numeric)
    rel = diff / total if total > 0 else 0.0
    tol = ROUNDOFF_SAFETY * sigma / epsilon
    passed = not (rel > relative_tolerance(epsilon) and diff > tol)
    return {"passed": bool(passed), "kink": False, "difference": float(rel), "analytic": float(analytic),
            "numeric": float(numeric), "reason": ""}


def assemble_report(
    names: list[str],
    shapes: list[tuple[int, ...]],
    params: dict[str, np.ndarray],
    grads: dict[str, Any],
    numeric: np.ndarray,
    checked: np.ndarray,
    kinks: np.ndarray,
    *,
    epsilon: float,
    mode: str,
    sigma: float | Callable[[], float],
    cost: float,
    m: int,
    l2: float = 0.0,
    l1: float = 0.0,
    fast: dict[str, Any] | None = None,
    fallback: str | None = None,
    method: str = "batched",
    case: str = "",
    warnings: Sequence[str] = (),
    variant: Variant | None = None,
    expected_flags: tuple[str, ...] | None = None,
    file: str | None = None,
) -> GradCheckReport:
    """Build a :class:`GradCheckReport` from the gradients, the numerical gradient and where it was taken.

    Args:
        names: parameter names in vector order.
        shapes: their shapes.
        params: the parameters.
        grads: the analytic gradients as returned by backprop (may be malformed: reported, not raised).
        numeric: the numerical gradient ``(n,)``, anything where ``checked`` is False.
        checked: which elements were checked ``(n,)``.
        kinks: which elements sit on a kink ``(n,)``.
        epsilon: the step.
        mode: the mode asked for.
        sigma: round-off scale of one evaluation of J.
        cost: J at the parameters.
        m: number of examples.
        fast: the directional check (fast mode).
        fallback: the mode used after a failed fast check.
    """
    warnings = list(warnings)
    blocks, difference, without, shape_errors, advice, sigma = _analyze(
        names, shapes, grads, numeric, checked, kinks, epsilon=epsilon, sigma=sigma, m=m, params=params,
        l2=l2, l1=l1)
    kink_list = _kink_list(names, shapes, kinks & checked) if kinks.any() else []
    if fast is not None and fallback is None:
        difference = fast["difference"]
        if fast["passed"]:
            band = Band("right", "fast check passed: v.grad agrees with the directional difference",
                        "the gradient is right along a random direction (a bug would show in almost every "
                        "direction); run --mode full to see each block")
        else:
            band = verdict_band(difference if math.isfinite(difference) else float("nan"))
        for b in blocks:
            if b.pattern == "unchecked" and fast["passed"]:
                b.hint = "not checked element by element: the fast check passed"
    else:
        band = verdict_band(without if without is not None else difference)
        if without is not None:
            warnings.append(f"{len(kink_list)} {_plural(len(kink_list), 'element sits', 'elements sit')} on "
                            f"a ReLU kink, where the two-sided difference "
                            f"is not a derivative; over all elements the difference is {_fmt(difference)} "
                            f"({verdict_band(difference).name}), without them {_fmt(without)} ({band.name})")
    unusable = _not_finite(cost, params, numeric, checked, fast)
    if unusable:
        # nan - nan and inf - inf compare as "no difference": a verdict there would be a guess
        band = cannot_tell_band()
        warnings.append("cannot tell: " + "; ".join(unusable))
    elif not math.isfinite(sigma) and math.isfinite(cost):
        warnings.append("the output is saturated (a sigmoid at exactly 0 or 1): round-off swamps the "
                        "numerical gradient, nothing can be flagged")
    report = GradCheckReport(
        variant=variant.id if variant else None, epsilon=epsilon, mode=mode, difference=difference,
        verdict=band.name, band=band, blocks=blocks, kinks=kink_list, difference_excluding_kinks=without,
        cost=cost, n_parameters=int(len(checked)), n_checked=int(np.count_nonzero(checked)),
        roundoff=sigma / epsilon, warnings=warnings, advice=advice, shape_errors=shape_errors, fast=fast,
        fallback=fallback, method=method, case=case, lesson=variant.lesson if variant else None,
        description=variant.description if variant else None, expected_flags=expected_flags, l2=l2, l1=l1,
        file=file)
    _summarize(report)
    return report


def _not_finite(cost: float, params: dict[str, np.ndarray], numeric: np.ndarray, checked: np.ndarray,
                fast: dict[str, Any] | None) -> list[str]:
    """Why no verdict can be given: J, the parameters or the numerical gradient hold nan or inf."""
    reasons = []
    if not math.isfinite(cost):
        reasons.append(f"J = {cost} at these parameters (the output saturated against its label, or the "
                       "values overflowed)")
    bad_params = [k for k, v in params.items() if not np.all(np.isfinite(v))]
    if bad_params:
        reasons.append(f"{', '.join(bad_params)} {_plural(len(bad_params), 'holds', 'hold')} nan or inf")
    with np.errstate(invalid="ignore"):
        n_bad = int(np.count_nonzero(checked & ~np.isfinite(numeric)))
    if n_bad:
        reasons.append(f"the numerical gradient is not finite at {n_bad} {_plural(n_bad, 'element')} "
                       "(J(theta +- eps) overflowed or is nan)")
    if fast is not None and fast.get("numeric") is not None and not math.isfinite(fast["numeric"]):
        reasons.append("the directional difference (J(theta + eps v) - J(theta - eps v)) / 2eps is not finite")
    return reasons


def _check(arch: Architecture, params: dict, X: np.ndarray, Y: np.ndarray, fn: BackwardFn | None,
           variant: Variant | None, l2: float, l1: float, keep_probs: Sequence[float] | None, epsilon: float,
           mode: str, k: int, rng: Rng, method: str, fallback: str, case: str, strategy: str,
           warnings: list[str]) -> GradCheckReport:
    net = _Net(arch, params, X, Y, l2, l1)
    grads, problems = _analytic(fn, arch, params, X, Y, l2, l1, keep_probs, rng, net.caches)
    warnings = warnings + problems
    sigma = _LazyRoundoff(net)
    if l2 or l1:
        data_cost = float(compute_cost(net.A[-1], Y))
        penalty = float(net._penalty({}, {}))
        if math.isfinite(penalty) and penalty > 1e6 * max(abs(data_cost), 1e-300):
            warnings.append(f"the regularization term ({penalty:.3g}) is {penalty / max(abs(data_cost), 1e-300):.2g} "
                            f"times the cross-entropy ({data_cost:.3g}): J is almost all penalty, so a bug in "
                            "the data part of the gradient hides below J's round-off; check with a smaller "
                            "lambda")
    n = net.size
    fast_info = None
    used_fallback = None
    checked_mode = mode
    numeric = np.full(n, np.nan)
    checked = np.zeros(n, dtype=bool)
    kinks = np.zeros(n, dtype=bool)
    if mode == "fast":
        fast_info = _fast(net, grads, epsilon, rng, sigma(), keep_probs)
        if fast_info["kink"]:
            warnings.append("a ReLU unit crosses zero along the random direction: the fast check is "
                            "inconclusive")
        # a directional difference that is not finite says J overflowed: no element-wise check would tell
        finite = fast_info["numeric"] is None or math.isfinite(fast_info["numeric"])
        if (not fast_info["passed"] or fast_info["kink"]) and finite:
            small = n <= FULL_FALLBACK_LIMIT and \
                numeric_work(arch.layers, net.m, None, method) <= MAX_CHECK_WORK
            checked_mode = {"auto": "full" if small else "sampled"}.get(fallback, fallback)
            used_fallback = None if checked_mode == "none" else checked_mode
    if mode != "fast" or used_fallback is not None:
        index = sample_index(net.shapes, k, rng) if checked_mode == "sampled" else np.arange(n, dtype=np.intp)
        numeric_part, kink_part = _numeric(net, epsilon, index, method, strategy, keep_probs, rng)
        numeric[index] = numeric_part
        checked[index] = True
        kinks[index] = kink_part
    return assemble_report(
        net.names, net.shapes, params, grads, numeric, checked, kinks, epsilon=epsilon, mode=mode,
        sigma=sigma, cost=net.cost, m=net.m, l2=l2, l1=l1, fast=fast_info, fallback=used_fallback,
        method=method, case=case,
        warnings=warnings, variant=variant, expected_flags=variant.flags_for(arch) if variant else None)


def _kink_list(names: list[str], shapes: list[tuple[int, ...]], kinks: np.ndarray) -> list[dict[str, Any]]:
    """The kink elements as ``{"block": "dW1", "index": [i, j]}`` (at most 200)."""
    out = []
    starts = np.cumsum([0] + [math.prod(s) for s in shapes])
    for i in np.nonzero(kinks)[0][:200]:
        b = int(np.searchsorted(starts, i, side="right") - 1)
        local = int(i - starts[b])
        out.append({"block": "d" + names[b], "index": [int(v) for v in np.unravel_index(local, shapes[b])]})
    return out


def _fast(net: _Net, grads: dict, epsilon: float, rng: Rng, sigma: float,
          keep_probs: Sequence[float] | None) -> dict[str, Any]:
    """One random direction v: v.grad against (J(theta + eps v) - J(theta - eps v)) / (2 eps)."""
    v = randn(rng, net.size)
    v = (v / np.linalg.norm(v)).reshape(-1, 1)
    try:
        g = gradients_to_vector(grads, ["d" + k for k in net.names]).reshape(-1)
        if g.shape[0] != net.size or not np.all(np.isfinite(g)):
            raise ValueError
    except (KeyError, ValueError, TypeError):
        return {"passed": False, "kink": False, "difference": float("nan"), "analytic": None, "numeric": None,
                "reason": "a gradient block is missing, malformed or not finite"}
    theta = net.vector()
    J_plus, Zp = net.cost_at(theta + epsilon * v, keep_probs, rng)
    J_minus, Zm = net.cost_at(theta - epsilon * v, keep_probs, rng)
    out = fast_verdict(float(g @ v[:, 0]), (J_plus - J_minus) / (2 * epsilon), epsilon, sigma)
    out["kink"] = _kink_between(net, Zp, Zm)
    return out


def _summarize(report: GradCheckReport) -> None:
    """Report-level advice: what the flags mean, in a sentence or two."""
    flagged = report.flagged
    if report.shape_errors:
        report.advice.insert(0, f"fix the shape {_plural(len(report.shape_errors), 'error')} first: "
                             + "; ".join(report.shape_errors))
    not_finite = [b.name for b in report.blocks if b.pattern == "not-finite"]
    if report.verdict == CANNOT_TELL:
        report.advice.insert(0, "cannot tell whether backpropagation is right: J or the numerical gradient is "
                                "not finite here, and a difference between nan or inf values means nothing")
        if flagged:
            report.advice.append(f"{', '.join(flagged)} {_plural(len(flagged), 'is', 'are')} off where the "
                                 "numbers are finite")
    elif flagged:
        report.advice.insert(0, f"flagged: {', '.join(flagged)} (the other blocks agree with the numerical "
                                "gradient)")
        if report.verdict != "bug":
            report.advice.append("the overall difference looks small, yet a block is clearly off: a small "
                                 "block can hide in the total, which is why each block is checked on its own")
    elif report.verdict == "right":
        unresolved = [b.name for b in report.blocks if b.pattern == "roundoff"]
        if unresolved:
            report.advice.insert(0, "backpropagation agrees with the numerical gradient where round-off lets "
                                    f"it tell; {', '.join(unresolved)} {_plural(len(unresolved), 'is', 'are')} "
                                    "too small against J's round-off to judge")
        else:
            report.advice.insert(0, "backpropagation agrees with the numerical gradient")
    elif report.mode != "fast" and not not_finite and math.isfinite(report.difference):
        report.advice.append("no block is off beyond round-off: the difference comes from round-off or "
                             "truncation (try epsilon 1e-7, see --sweep)")
    if report.epsilon != COURSE_EPSILON:
        report.advice.append("the bands are the course's rule at epsilon 1e-7; at other epsilons truncation "
                             "and round-off errors move the difference (see the epsilon sweep)")


# --- lessons: epsilon sweep and the one-dimensional demo ---------------------------------------------------

DEFAULT_SWEEP = tuple(10.0 ** -e for e in range(1, 11))
#: The one-dimensional demo's largest |theta|.
MAX_THETA = 1e6


@np.errstate(all="ignore")
def epsilon_sweep(arch: Architecture | None = None, params: dict | None = None, X: np.ndarray | None = None,
                  Y: np.ndarray | None = None, backward_fn: BackwardFn | Variant | str | None = None, *,
                  l2: float = 0.0, l1: float = 0.0,
                  epsilons: Sequence[float] = DEFAULT_SWEEP, k: int = DEFAULT_SAMPLES,
                  rng: Rng | None = None) -> list[dict[str, Any]]:
    """The course's difference against epsilon: truncation error (~eps^2) above, round-off (~1/eps) below.

    Every element is perturbed at every epsilon while that stays within :data:`MAX_CHECK_WORK`; for a
    larger network the same ``k`` random elements per block at every epsilon (``n_checked`` says how many).

    Args:
        arch: the network; the course's case (and its correct backprop) when omitted.
        params: parameters.
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        backward_fn: as in :func:`gradient_check`.
        epsilons: the steps, largest first (1e-1 down to 1e-10 by default).
        k: elements per block when the network is too large to sweep every element.
        rng: draws those elements (``default_rng(1)`` when None).

    Returns:
        ``[{"epsilon", "difference", "band", "n_checked", "n_parameters"}, ...]``; the smallest difference
        sits in the middle (a U).

    Raises:
        TutorError: a bad epsilon, a malformed gradient (nothing to sweep), or too much work even sampled.
    """
    if arch is None:
        arch, params, X, Y = course_case()
    if params is None or X is None or Y is None:
        raise TutorError("epsilon_sweep", "give arch, params, X and Y together, or none of them")
    for e in epsilons:
        check_epsilon(e)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise TutorError("samples", f"{k!r} samples per block", "an integer >= 1")
    m = np.shape(X)[1]
    check_budget(arch.layers, m, mode="", k=int(k), sweep=len(epsilons))
    fn, _ = _resolve(backward_fn)
    net = _Net(arch, params, X, Y, l2, l1)
    grads, problems = _analytic(fn, arch, params, X, Y, l2, l1, None, make_rng(1), net.caches)
    wrong = [f"d{name}" for name in net.names if not isinstance(grads.get("d" + name), np.ndarray)
             or grads["d" + name].shape != params[name].shape or not np.all(np.isfinite(grads["d" + name]))]
    if problems or wrong:
        raise TutorError("backward_fn", "no difference to sweep: " + "; ".join(problems or
                         [f"{key} is missing, has the wrong shape or is not finite" for key in wrong]),
                         "a backward pass returning one finite gradient per parameter")
    g = gradients_to_vector(grads, ["d" + name for name in net.names]).reshape(-1)
    if numeric_work(arch.layers, m) * len(epsilons) <= MAX_CHECK_WORK:
        index = np.arange(net.size, dtype=np.intp)
    else:
        index = sample_index(net.shapes, int(k), rng if rng is not None else make_rng(1))
        g = g[index]
    out = []
    for e in epsilons:
        numeric, _ = _numeric(net, float(e), index)
        d = relative_difference(g, numeric)
        band = verdict_band(d).name if math.isfinite(d) and math.isfinite(net.cost) else CANNOT_TELL
        out.append({"epsilon": float(e), "difference": d, "band": band, "n_checked": int(len(index)),
                    "n_parameters": int(net.size)})
    return out


def one_dimensional_demo(theta: float = 1.0, eps: float = 0.01,
                         epsilons: Sequence[float] | None = None) -> dict[str, Any]:
    """One-sided against two-sided estimates of the derivative of ``f(theta) = theta^3``.

    At theta = 1 and eps = 0.01 the two-sided estimate is 3.0001 (error 1e-4, O(eps^2)) and the one-sided
    one 3.0301 (error 0.0301, O(eps)).

    Returns:
        ``{"function", "theta", "epsilon", "true", "one_sided", "two_sided", "errors": {"one_sided",
        "two_sided"}, "sweep": [{"epsilon", "one_sided_error", "two_sided_error"}, ...]}``.
    """
    theta, eps = float(theta), float(eps)
    allowed = "a finite number with |theta| <= 1e6"
    if not math.isfinite(theta):
        raise TutorError("theta", f"{theta!r} is not a finite number", allowed)
    if abs(theta) > MAX_THETA:
        raise TutorError("theta", f"{theta:g} is too large: |theta| must be at most 1e6", allowed)
    eps = check_epsilon(eps)

    def f(t: float) -> float:
        return t ** 3

    def estimates(e: float) -> tuple[float, float]:
        return (f(theta + e) - f(theta)) / e, (f(theta + e) - f(theta - e)) / (2 * e)

    true = 3 * theta ** 2
    one, two = estimates(eps)
    sweep = []
    for e in epsilons if epsilons is not None else 10.0 ** -np.arange(1, 12, 0.5):
        o, t = estimates(float(e))
        sweep.append({"epsilon": float(e), "one_sided_error": abs(o - true),
                      "two_sided_error": abs(t - true)})
    return {
        "function": "theta^3",
        "theta": theta,
        "epsilon": eps,
        "true": true,
        "one_sided": one,
        "two_sided": two,
        "errors": {"one_sided": abs(one - true), "two_sided": abs(two - true)},
        "order": {"one_sided": "O(eps)", "two_sided": "O(eps^2)"},
        "sweep": sweep,
    }


def course_one_dimensional_check(x: float = 2.0, theta: float = 4.0,
                                 epsilon: float = 1e-7) -> dict[str, float]:
    """The course's 1-D check of ``J(theta) = theta * x`` (published difference 2.919335883291695e-10)."""
    epsilon = check_epsilon(epsilon)
    thetaplus, thetaminus = theta + epsilon, theta - epsilon
    J_plus, J_minus = thetaplus * x, thetaminus * x
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = x
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return {"x": x, "theta": theta, "epsilon": epsilon, "grad": float(grad), "gradapprox": float(gradapprox),
            "difference": float(numerator / denominator)}


# --- text --------------------------------------------------------------------------------------------------

_SCALE_LOW, _SCALE_HIGH, _PER_DECADE = -11, 0, 5


def render_scale(difference: float) -> str:
    """Three lines: a log axis from 1e-11 to 1, the right/look/bug zones, and a caret at ``difference``."""
    width = (_SCALE_HIGH - _SCALE_LOW) * _PER_DECADE + 1

    def col(x: float) -> int:
        return int(round((math.log10(x) - _SCALE_LOW) * _PER_DECADE))

    axis = [" "] * (width + 6)
    for e in range(_SCALE_LOW, _SCALE_HIGH + 1, 2):
        label = f"1e{e}" if e else "1"
        start = col(10.0 ** e)
        for i, ch in enumerate(label):
            if start + i < len(axis):
                axis[start + i] = ch
    zones = []
    look, bug = col(COURSE_THRESHOLD), col(LIKELY_BUG)
    for i in range(width):
        zones.append("=" if i < look else "~" if i < bug else "#")
    bar = "".join(zones)
    bar = bar[:1] + "right" + bar[6:look + 1] + "look" + bar[look + 5:bug + 1] + "bug" + bar[bug + 4:]
    caret = ""
    d = float(difference)
    if math.isfinite(d):
        pos = 0 if d <= 0 else min(max(col(d), 0), width - 1)
        caret = " " * pos + f"^ {_fmt(d, 4)}"
    else:
        caret = " " * (width - 1) + "^ not a number"
    return "\n".join(["".join(axis).rstrip(), bar, caret])


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _render_one(report: GradCheckReport, title: str | None = None) -> list[str]:
    lines: list[str] = []
    if title:
        lines += [title, "-" * len(title)]
    what = report.file or (f"variant {report.variant}" if report.variant else "your backward pass")
    lines.append(f"Gradient check of {what} on {report.case}")
    if report.description:
        lines.append(f"  {report.description}")
    checked = f"{report.n_checked} of {report.n_parameters} elements"
    if report.mode == "fast":
        checked = "one random direction" + (f", then {report.fallback}: {checked}" if report.fallback else "")
    extra = f", lambda {report.l2:g}" if report.l2 else ""
    extra += f", L1 {report.l1:g}" if report.l1 else ""
    lines.append(f"epsilon {report.epsilon:g}, mode {report.mode} ({checked}){extra}, "
                 f"J = {_fmt(report.cost, 6)}, {report.seconds * 1000:.1f} ms")
    for w in report.warnings:
        lines.append(f"warning: {w}")
    lines.append("")
    if report.fast is not None:
        f = report.fast
        state = "passed" if f["passed"] and not f["kink"] else "inconclusive" if f["kink"] \
            or report.verdict == CANNOT_TELL else "FAILED"
        if f.get("analytic") is not None:
            lines.append(f"fast check {state}: v.grad = {f['analytic']:.10g}, "
                         f"(J(theta+eps v) - J(theta-eps v))/2eps = {f['numeric']:.10g}, "
                         f"difference {_fmt(f['difference'])}")
        else:
            lines.append(f"fast check {state}: {f['reason']}")
    diff = report.difference
    lines.append(f"difference = {diff!r}" if math.isfinite(diff) else "difference = not a number")
    if report.difference_excluding_kinks is not None:
        lines.append(f"difference without the {len(report.kinks)} kink "
                     f"{_plural(len(report.kinks), 'element')} = "
                     f"{report.difference_excluding_kinks!r} (the verdict uses this one)")
    lines.append(f"verdict: {report.verdict.upper()} ({report.band.label}): {report.band.advice}")
    lines.append("")
    if not (report.fast is not None and report.fallback is None):
        at = report.difference_excluding_kinks if report.difference_excluding_kinks is not None else diff
        lines += ["  " + s for s in render_scale(at).split("\n")]
        lines.append("")
    rows = []
    for b in report.blocks:
        rows.append([b.name, "x".join(str(s) for s in b.shape), _fmt(b.relative_difference),
                     "-" if b.ratio is None else ratio_text(b.ratio),
                     "FLAGGED" if b.flagged else "not checked" if b.pattern == "unchecked"
                     else "not finite" if b.pattern == "not-finite"
                     else "round-off" if b.pattern == "roundoff" else "ok",
                     str(b.n_kinks) if b.n_kinks else ""])
    lines.append(_table(rows, ["block", "shape", "relative diff", "ratio", "status", "kinks"]))
    hints = [f"  {b.name}: {b.hint}" for b in report.blocks if b.hint and b.pattern != "unchecked"]
    if hints:
        lines += ["", "hints:"] + hints
    if report.advice:
        lines += [""] + [f"- {a}" for a in report.advice]
    if report.expected_flags is not None:
        expected = set(report.expected_flags)
        got = set(report.flagged)
        status = "as expected" if expected == got else f"expected {sorted(expected) or 'none'}"
        lines.append(f"- this variant should flag {', '.join(report.expected_flags) or 'nothing'}: {status}")
    if report.lesson:
        lines.append(f"- more in the lesson: dltutor lesson {report.lesson}")
    return lines


def render_report(report: GradCheckReport) -> str:
    """The plain-text report: verdict band with its scale, the per-block table and the hints."""
    if report.initial is not None:
        lines = _render_one(report.initial, "At initialization")
        lines += [""] + _render_one(report, f"After {report.iterations:,} "
                                            f"{_plural(report.iterations, 'iteration')} of gradient descent")
    else:
        lines = _render_one(report)
    if report.learner_output:
        lines += ["", "your code printed:", report.learner_output.rstrip()]
    return "\n".join(lines)


COURSE_CASE_NAME = "the course's case (X 4x3, layers 4-5-3-1, relu relu sigmoid, Y = [1, 1, 0])"


def check_variant(variant: str | Variant = "course", arch: Architecture | None = None,
                  params: dict | None = None, X: np.ndarray | None = None, Y: np.ndarray | None = None,
                  **options: Any) -> GradCheckReport:
    """:func:`gradient_check` of a catalogue variant, on the course's case unless a network is given.

    Args:
        variant: an id of :data:`core.variants.VARIANTS` (``course``, ``fixed``, ``dW2-doubled``, ...).
        arch: the network (with ``params``, ``X``, ``Y``); the course's case when omitted.
        params: parameters.
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        **options: passed to :func:`gradient_check` (``epsilon``, ``mode``, ``k``, ``rng``, ...).
    """
    if arch is None:
        arch, params, X, Y = course_case()
        options.setdefault("case", COURSE_CASE_NAME)
    if params is None or X is None or Y is None:
        raise TutorError("network", "give arch, params, X and Y together, or none of them",
                         "all four, or none for the course's case")
    return gradient_check(arch, params, X, Y, variant, **options)
