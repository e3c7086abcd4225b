"""Vanishing and exploding activations and gradients in deep networks (course Week 1).

Two experiments on a stack of ``depth`` fully connected layers of ``width`` units, biases zero, inputs
``X`` ``(width, m)`` drawn from N(0, 1):

* a deep *linear* network with ``W[l] = a I``: every layer multiplies by ``a``, so activations grow or
  shrink like ``a**l`` (``a = 1.5`` explodes, ``a = 0.5`` vanishes), the course's picture;
* a deep *random* network with one of the initializations (zeros, N(0, 1), N(0, 1) scaled down, Xavier,
  He, ...) and an activation, where the per-layer spread of the activations and the size of the gradients
  show which initialization keeps the signal alive (He for ReLU, Xavier for tanh).

Gradients come from back-propagating a simple cost, the mean of the last layer's activations
``J = mean(A[L])``, through the whole stack. Overflow to ``inf`` is detected and reported, never warned about.

Weights are drawn per layer from generators seeded from ``rng`` (in layer order), so a 200 x 2000 stack
never needs all its weights in memory at once: they are kept when small and re-drawn for the backward pass
when not.

A report carries its summary and notes in words (:func:`run_deep` writes them, its JSON publishes them); the
per-layer table as plain text is :func:`tutor.text.deep.render_deep`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from dltutor.core.activations import ACTIVATIONS
from dltutor.core.catalogue import DEEP_MAX_DEPTH, DEEP_MAX_WIDTH, INIT_NAMES
from dltutor.core.errors import TutorError
from dltutor.core.init import initialize, weight_scale
from dltutor.core.layers import linear_backward, linear_forward
from dltutor.core.rng import Rng, randn
from dltutor.core.types import Array

#: The most layers and units per layer (the catalogue's limits, which the CLI's help shows without NumPy).
MAX_DEPTH = DEEP_MAX_DEPTH
MAX_WIDTH = DEEP_MAX_WIDTH
MAX_IDENTITY_SCALE = 100.0
#: Stored activations are depth * width * m floats (twice, Z and A); m adapts to stay near this.
ACTIVATION_BUDGET = 1_000_000
#: Weights are kept for the backward pass when depth * width**2 stays under this; re-drawn otherwise.
WEIGHT_BUDGET = 8_000_000
#: Every layer's Z and A are held for the backward pass: depth * width * m floats each, at most this many
#: (the two take 160 MB).
MAX_ACTIVATION_FLOATS = 10_000_000
#: Weights drawn (twice when not kept): depth * width**2 at most this many, a few seconds of drawing.
MAX_WEIGHTS = 50_000_000
#: Multiply-adds of one product per layer, depth * width**2 * m; the forward and backward passes take
#: three of them.
MAX_WORK = 2_000_000_000
#: The most examples one may ask for.
MAX_EXAMPLES = 10_000
#: A unit whose local derivative g'(z) is below this passes almost no gradient ("flat": saturated or dead).
FLAT_DERIVATIVE = 0.02
#: A change by more than this factor from the first to the last layer is "exploding" or "vanishing".
TREND_FACTOR = 10.0

#: init name -> (core.init method, scale for "random", description).
_INIT_TABLE: dict[str, tuple[str, float, str]] = {
    "zeros": ("zeros", 0.0, "all weights zero: every activation is zero, symmetry is never broken"),
    "normal": ("random", 1.0, "N(0, 1) weights: too large for wide layers (tanh saturates, ReLU explodes)"),
    "small": ("random", 0.01, "N(0, 1) * 0.01: far too small for deep stacks (activations vanish)"),
    "random": ("random", 10.0, "N(0, 1) * 10, the course's 'large random' initialization"),
    "xavier": ("xavier", 0.0, "N(0, 1) * sqrt(1 / n_prev): keeps tanh activations stable"),
    "he": ("he", 0.0, "N(0, 1) * sqrt(2 / n_prev): keeps ReLU activations stable"),
    "inv-sqrt": ("inv-sqrt", 0.0, "N(0, 1) / sqrt(n_prev), as the regularization exercise initializes"),
    "identity": ("identity", 0.0, "W = a * I: the course's deep linear example, activations scale like a^L"),
}
#: The initializations in the catalogue's order (:data:`core.catalogue.INIT_NAMES`); one missing from the
#: table above fails at import.
INIT_CHOICES: dict[str, tuple[str, float, str]] = {name: _INIT_TABLE[name] for name in INIT_NAMES}


@dataclass(frozen=True)
class LayerStats:
    """What one layer looked like.

    Attributes:
        layer: 1-based layer index.
        act_std: standard deviation of ``A[l]`` over all ``width * m`` entries (``inf`` after overflow).
        act_mean_abs: mean of ``|A[l]|``.
        flat: fraction of units whose derivative ``g'(Z[l])`` is below :data:`FLAT_DERIVATIVE` (saturated
            tanh/sigmoid, or ReLU units at zero).
        grad_norm: Frobenius norm of ``dW[l]`` (``inf`` after overflow).
        delta_rms: root mean square of ``dZ[l]`` relative to that of the cost's own gradient at the top:
            how much the back-propagated signal grew (> 1) or shrank (< 1) on its way down to layer l.
        act_overflow: ``A[l]`` holds ``inf``/``nan`` (the forward pass overflowed at or before layer l).
        grad_overflow: ``dW[l]`` or ``dZ[l]`` holds ``inf``/``nan``.
    """

    layer: int
    act_std: float
    act_mean_abs: float
    flat: float
    grad_norm: float
    delta_rms: float
    act_overflow: bool = False
    grad_overflow: bool = False


@dataclass(frozen=True)
class DeepReport:
    """The result of :func:`run_deep`.

    Attributes:
        depth, width, activation, init: the experiment.
        weight_std: the standard deviation of the weights (``a`` for identity, 0 for zeros).
        identity_scale: ``a`` for the identity experiment, else ``None``.
        m: number of input examples (columns of X).
        input_std: standard deviation of X.
        layers: one :class:`LayerStats` per layer.
        expected_std: for identity networks with a linear activation, ``a**l * input_std`` per layer.
        activations_trend, gradients_trend: ``"stable"``, ``"exploding"``, ``"vanishing"``, ``"zero"`` or
            ``"overflow"``.
        saturated: most units are flat on average over the layers (tanh/sigmoid saturation).
        summary: one or two sentences that say what happened, with the numbers.
        cost: how the gradients were made.
    """

    depth: int
    width: int
    activation: str
    init: str
    weight_std: float
    identity_scale: float | None
    m: int
    input_std: float
    layers: list[LayerStats]
    expected_std: list[float] | None
    activations_trend: str
    gradients_trend: str
    saturated: bool
    summary: str
    cost: str = "J = mean(A[L]) (the mean of the last layer's activations)"
    notes: list[str] = field(default_factory=list)

    @property
    def act_std(self) -> list[float]:
        return [s.act_std for s in self.layers]

    @property
    def grad_norm(self) -> list[float]:
        return [s.grad_norm for s in self.layers]

    @property
    def overflow_layer(self) -> int | None:
        """The first layer whose activations overflowed to ``inf``, or ``None``."""
        return next((s.layer for s in self.layers if s.act_overflow), None)

    @property
    def grad_overflow(self) -> bool:
        """Some weight gradient overflowed."""
        return any(s.grad_overflow for s in self.layers)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (infinities stay floats; :func:`tutor.output.dumps` writes them as strings)."""
        d = asdict(self)
        d["overflow_layer"] = self.overflow_layer
        d["grad_overflow"] = self.grad_overflow
        return d


def _check_int(value: int, field: str, low: int, high: int) -> int:
    allowed = f"a whole number from {low} to {high}"
    if isinstance(value, bool):
        raise TutorError(field, f"got {value!r}", allowed)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)  # exactly: 99999999999999999999999 must not come back as 99999999999999991611392
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise TutorError(field, f"not a number: {value!r}", allowed) from None
    if not isinstance(value, (int, float, np.integer, np.floating)) or not math.isfinite(value) \
            or value != int(value):
        raise TutorError(field, f"not a whole number: {value!r}", allowed)
    if not low <= int(value) <= high:
        raise TutorError(field, f"{int(value)} is out of range", allowed)
    return int(value)


def check_size(depth: int, width: int, m: int | None = None) -> int:
    """Refuse a stack that would hold too much memory or take too long; return the number of examples.

    Args:
        depth: number of layers (already within 1..200).
        width: units per layer (already within 1..2000).
        m: examples asked for, or None for the default (up to 128, fewer for big stacks).

    Returns:
        ``m``, or the default.

    Raises:
        TutorError: ``width`` when ``depth * width**2`` exceeds :data:`MAX_WEIGHTS`; ``examples`` when
            ``depth * width * m`` exceeds :data:`MAX_ACTIVATION_FLOATS` or ``depth * width**2 * m``
            exceeds :data:`MAX_WORK`.
    """
    weights = depth * width * width
    if weights > MAX_WEIGHTS:
        most_width = math.isqrt(MAX_WEIGHTS // depth)
        most_depth = MAX_WEIGHTS // (width * width)
        options = f"width <= {min(most_width, MAX_WIDTH):,} at depth {depth}"
        if most_depth >= 1:
            options += f", or depth <= {most_depth:,} at width {width:,}"
        raise TutorError("width", f"{depth:,} {_plural(depth, 'layer')} of {width:,} x {width:,} weights is "
                         f"{weights:,} weights: too many to draw in reasonable time",
                         f"depth x width^2 at most {MAX_WEIGHTS:,} ({options})")
    most = min(MAX_EXAMPLES, MAX_ACTIVATION_FLOATS // (depth * width), MAX_WORK // weights)
    if m is None:
        return max(1, min(max(8, min(128, ACTIVATION_BUDGET // (depth * width))), most))
    m = _check_int(m, "examples", 1, MAX_EXAMPLES)
    if m > most:
        raise TutorError("examples", f"{m:,} examples through {depth:,} {_plural(depth, 'layer')} of {width:,} "
                         f"{_plural(width, 'unit')} is too much memory or work",
                         f"at most {most:,} {_plural(most, 'example')} for this stack (depth x width x "
                         f"examples <= {MAX_ACTIVATION_FLOATS:,} and depth x width^2 x examples <= "
                         f"{MAX_WORK:,})")
    return m


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _layer_rngs(rng: Rng, depth: int) -> list[Rng]:
    """One generator per layer, seeded from ``rng`` in layer order (same kind as ``rng``)."""
    if isinstance(rng, np.random.RandomState):
        return [np.random.RandomState(int(s)) for s in rng.randint(0, 2**31 - 1, size=depth)]
    return [np.random.default_rng(int(s)) for s in rng.integers(0, 2**63 - 1, size=depth)]


def _scaled(x: Array) -> tuple[Array, float]:
    """``x / peak`` and ``peak = max |x|``: statistics of huge (1e200) values without squaring to inf."""
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    return (x / peak if peak > 0 else x), peak


def _std(x: Array) -> float:
    """The std of ``x``, or ``inf`` when any entry overflowed."""
    if not np.all(np.isfinite(x)):
        return math.inf
    y, peak = _scaled(x)
    return float(np.std(y)) * peak if peak > 0 else 0.0


def _mean_abs(x: Array) -> float:
    if not np.all(np.isfinite(x)):
        return math.inf
    y, peak = _scaled(x)
    return float(np.mean(np.abs(y))) * peak if peak > 0 else 0.0


def _norm(x: Array) -> float:
    """Frobenius norm of ``x``, ``inf`` when any entry overflowed."""
    if not np.all(np.isfinite(x)):
        return math.inf
    y, peak = _scaled(x)
    return float(np.sqrt(np.sum(y * y))) * peak if peak > 0 else 0.0


def _trend(first: float, last: float) -> str:
    if not math.isfinite(first) or not math.isfinite(last):
        return "overflow"
    if first == 0 and last == 0:
        return "zero"
    if first == 0 or last / first > TREND_FACTOR:
        return "exploding"
    if last / first < 1 / TREND_FACTOR:
        return "vanishing"
    return "stable"


def run_deep(
    depth: int,
    width: int,
    activation: str,
    init: str,
    rng: Rng,
    *,
    identity_scale: float | None = None,
    m: int | None = None,
) -> DeepReport:
    """Push N(0, 1) inputs through a deep stack and back-propagate ``J = mean(A[L])``.

    Args:
        depth: number of layers L, 1..200.
        width: units per layer (and input features), 1..2000.
        activation: a key of :data:`core.activations.ACTIVATIONS` (relu, leaky_relu, tanh, sigmoid, linear),
            used on every layer.
        init: a key of :data:`INIT_CHOICES`.
        rng: draws X ``(width, m)`` first, then one seed per layer for the weights.
        identity_scale: ``a`` in ``W = a I``; only with ``init="identity"`` (default 1.5 there).
        m: number of examples, 1..10000 within the budgets of :func:`check_size`; by default as many as
            fit :data:`ACTIVATION_BUDGET` (8 to 128).

    Returns:
        A :class:`DeepReport` with per-layer activation spread and gradient norms.

    Raises:
        TutorError: for depth, width, activation, init or scale out of range, or a stack beyond the budgets
            (``width`` for too many weights, ``examples`` for too many examples).
    """
    depth = _check_int(depth, "depth", 1, MAX_DEPTH)
    width = _check_int(width, "width", 1, MAX_WIDTH)
    if activation not in ACTIVATIONS:
        raise TutorError("activation", f"unknown activation {activation!r}", ", ".join(ACTIVATIONS))
    if init not in INIT_CHOICES:
        raise TutorError("init", f"unknown initialization {init!r}", ", ".join(INIT_CHOICES))
    if identity_scale is not None and init != "identity":
        raise TutorError("identity_scale", f"only applies to the identity initialization, not {init!r}",
                         "use it with init identity")
    a = 1.5 if identity_scale is None else identity_scale
    if init == "identity":
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not math.isfinite(a) \
                or not 0 <= a <= MAX_IDENTITY_SCALE:
            problem = "not a number" if isinstance(a, bool) or not isinstance(a, (int, float)) \
                else "not a finite number" if not math.isfinite(a) else f"{a:g} is out of range"
            raise TutorError("identity_scale", f"{problem}: {a!r}" if problem.startswith("not") else problem,
                             f"a number from 0 to {MAX_IDENTITY_SCALE:g}")
        a = float(a)
    m = check_size(depth, width, m)

    method, scale, _ = INIT_CHOICES[init]
    act = ACTIVATIONS[activation]
    X = randn(rng, width, m)
    layer_rngs = None if init in ("identity", "zeros") else _layer_rngs(rng, depth)
    keep_weights = depth * width * width <= WEIGHT_BUDGET
    kept: dict[int, Array] = {}

    def weight(l: int) -> Array:  # noqa: E741
        if l in kept:
            return kept[l]
        if init == "identity":
            W = a * np.eye(width)
        elif init == "zeros":
            W = np.zeros((width, width))
        else:
            # Re-seeding makes a re-draw for the backward pass identical to the forward draw.
            assert layer_rngs is not None  # drawn for every init but identity and zeros
            seed_rng = layer_rngs[l - 1]
            if isinstance(seed_rng, np.random.Generator):
                state = seed_rng.bit_generator.state
                W = initialize([width, width], method, seed_rng, scale=scale)["W1"]
                seed_rng.bit_generator.state = state
            else:
                legacy_state = seed_rng.get_state()
                W = initialize([width, width], method, seed_rng, scale=scale)["W1"]
                seed_rng.set_state(legacy_state)
        if keep_weights:
            kept[l] = W
        return W

    Zs: list[Array] = []
    As: list[Array] = [X]
    # Overflow to inf (and inf - inf = nan) is an expected outcome here: it is detected and reported.
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        A = X
        zero_bias = np.zeros((width, 1))  # the stack's biases are zero
        for l in range(1, depth + 1):  # noqa: E741
            Z = linear_forward(A, weight(l), zero_bias)
            A = act.forward(Z)
            Zs.append(Z)
            As.append(A)
        # J = mean(A[L]) over its width * m entries; dA[L] = 1 / (width m) everywhere.
        top = 1.0 / (width * m)
        dA = np.full((width, m), top)
        grad_norms = [0.0] * depth
        delta_rms = [0.0] * depth
        grad_ok = [True] * depth
        for l in range(depth, 0, -1):  # noqa: E741
            Z, A_l, A_prev = Zs[l - 1], As[l], As[l - 1]
            dZ = act.backward(dA, Z, A_l)
            below, dW, _ = linear_backward(dZ, A_prev, weight(l) if l > 1 else None, m)
            grad_norms[l - 1] = _norm(dW)
            delta_rms[l - 1] = _norm(dZ) / math.sqrt(dZ.size) / top
            grad_ok[l - 1] = math.isfinite(grad_norms[l - 1]) and math.isfinite(delta_rms[l - 1])
            if below is not None:
                dA = below
        stats: list[LayerStats] = []
        input_std = float(np.std(X))
        for l in range(1, depth + 1):  # noqa: E741
            Z, A_l = Zs[l - 1], As[l]
            std = _std(A_l)
            finite = math.isfinite(std)
            if finite:
                derivative = act.derivative(Z, A_l)
                flat = float(np.mean(np.abs(derivative) < FLAT_DERIVATIVE))
            else:
                flat = math.nan
            stats.append(LayerStats(l, std, _mean_abs(A_l), flat, grad_norms[l - 1], delta_rms[l - 1],
                                    act_overflow=not finite, grad_overflow=not grad_ok[l - 1]))

    expected = None
    if init == "identity" and activation == "linear":
        expected = [_power(a, l) * input_std for l in range(1, depth + 1)]  # noqa: E741
    act_trend = _trend(stats[0].act_std, stats[-1].act_std)
    # Gradients travel down: compare the last layer's (first to receive them) with the first layer's.
    grad_trend = _trend(stats[-1].grad_norm, stats[0].grad_norm)
    if init == "identity" and activation == "linear":
        # Every dW[l] of a linear identity stack is a**(L-1) times the same matrix, so the norms are equal
        # across layers; what grows or shrinks is that common factor, measured against a = 1.
        grad_trend = _trend(1.0, _power(a, depth - 1)) if a > 0 else "zero"
    flats = [s.flat for s in stats if not math.isnan(s.flat)]
    saturated = activation in ("tanh", "sigmoid") and bool(flats) and float(np.mean(flats)) > 0.5
    std_w = a if init == "identity" else (0.0 if init == "zeros" else weight_scale(method, width, scale))
    report_args: dict[str, Any] = dict(depth=depth, width=width, activation=activation, init=init, weight_std=std_w,
                       identity_scale=a if init == "identity" else None, m=m, input_std=input_std,
                       layers=stats, expected_std=expected, activations_trend=act_trend,
                       gradients_trend=grad_trend, saturated=saturated)
    summary, notes = _explain(**report_args)
    return DeepReport(**report_args, summary=summary, notes=notes)


def identity_experiment(depth: int, a: float, rng: Rng, width: int = 2, m: int | None = None) -> DeepReport:
    """The course's deep linear network: ``W[l] = a I``, linear activations, so ``A[l] = a**l X``.

    Args:
        depth: number of layers.
        a: the identity scale (1.5 explodes, 0.5 vanishes).
        rng: draws X.
        width: units per layer (the course draws 2).
        m: number of examples.

    Returns:
        A :class:`DeepReport` whose ``expected_std`` holds ``a**l`` times the input's std.
    """
    return run_deep(depth, width, "linear", "identity", rng, identity_scale=a, m=m)


def _power(a: float, k: int) -> float:
    """``a**k`` with overflow to ``inf`` instead of an OverflowError."""
    try:
        return a**k
    except OverflowError:
        return math.inf


def fmt(x: float) -> str:
    """A number as the report's sentences and table write it: 3 significant digits, ``0``, ``inf``, ``nan``."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf"
    if x == 0:
        return "0"
    return f"{x:.3g}"


def _explain(*, depth: int, width: int, activation: str, init: str, weight_std: float,
             identity_scale: float | None, m: int, input_std: float, layers: list[LayerStats],
             expected_std: list[float] | None, activations_trend: str, gradients_trend: str,
             saturated: bool) -> tuple[str, list[str]]:
    scale = identity_scale if identity_scale is not None else 0.0  # given whenever expected_std is
    first, last = layers[0], layers[-1]
    what = (f"W = {identity_scale:g} I" if init == "identity" else f"{init} init") + f" with {activation}"
    parts = []
    if activations_trend == "overflow":
        k = next(s.layer for s in layers if not math.isfinite(s.act_std))
        parts.append(f"activations overflow to inf at layer {k} of {depth}")
    elif activations_trend == "zero":
        parts.append("every activation is zero: all units compute the same thing and learn nothing")
    else:
        ratio = last.act_std / first.act_std if first.act_std else math.inf
        verb = {"stable": "stay stable", "exploding": "explode", "vanishing": "vanish"}[activations_trend]
        parts.append(f"activations {verb}: std {fmt(first.act_std)} at layer 1, {fmt(last.act_std)} at "
                     f"layer {depth} ({fmt(ratio)}x)")
    if gradients_trend == "overflow":
        parts.append("gradients overflow to inf")
    elif gradients_trend == "zero":
        parts.append("weight gradients are all zero")
    elif expected_std is not None:
        verb = {"stable": "stay stable", "exploding": "explode", "vanishing": "vanish"}[gradients_trend]
        parts.append(f"gradients {verb}: every dW[l] carries the factor a^(L-1) = "
                     f"{fmt(_power(scale, depth - 1))} (||dW|| = {fmt(last.grad_norm)} at every "
                     "layer)")
    else:
        head = {"stable": "gradient norms are similar across layers",
                "exploding": "gradients explode on the way down",
                "vanishing": "gradients vanish on the way down"}[gradients_trend]
        ratio = first.grad_norm / last.grad_norm if last.grad_norm else math.inf
        parts.append(f"{head}: ||dW|| {fmt(last.grad_norm)} at layer {depth}, {fmt(first.grad_norm)} at "
                     f"layer 1 ({fmt(ratio)}x)")
    layers_txt = f"{depth} layer{'s' if depth != 1 else ''} of {width} unit{'s' if width != 1 else ''}"
    summary = f"{what}, {layers_txt}: " + "; ".join(parts) + "."
    notes: list[str] = []
    if saturated:
        mean_flat = float(np.mean([s.flat for s in layers if not math.isnan(s.flat)]))
        notes.append(f"{mean_flat:.0%} of the {activation} units are saturated (derivative below "
                     f"{FLAT_DERIVATIVE}): gradients barely pass through them")
    if expected_std is not None:
        notes.append(f"a deep linear network with W = a I computes a^L X: {scale:g}^{depth} = "
                     f"{fmt(_power(scale, depth))}; the back-propagated dZ[l] scales like a^(L-l)")
    elif activations_trend == "stable" and first.act_std > 0:
        ratio = last.act_std / first.act_std
        if depth > 1 and not 0.5 <= ratio <= 2:
            notes.append(f"the spread still wanders ({fmt(ratio)}x over {depth} layers): each layer's gain "
                         "is random around its expected value, more so in narrow layers; wider layers wander "
                         "less")
    advice = {"relu": "he", "leaky_relu": "he", "tanh": "xavier"}.get(activation)
    if advice and init != advice and (activations_trend != "stable" or gradients_trend != "stable"
                                      or saturated):
        notes.append(f"for {activation}, {advice} initialization keeps the activations' spread stable "
                     f"(Var(W) = {'2' if advice == 'he' else '1'}/n_prev)")
    return summary, notes
