"""Backward passes with and without the classic bugs, for the gradient checker to find.

Each variant is a backward function with the course's signature, ``backward(X, Y, cache) -> gradients``,
built from :func:`backprop`, which is the course's ``backward_propagation_n`` written for any depth: every
variant replaces one or two of its lines with the buggy line, spelled exactly as a learner would write it
in the exercise. By default they run on the course's case (:func:`course_case`): X ``(4, 3)``, layers
4-5-3-1 with relu, relu, sigmoid, drawn from ``RandomState(1)`` in the order X, W1, b1, W2, b2, W3, b3.

Shapes: ``X`` is ``(n_x, m)``, ``Y`` ``(1, m)``; ``cache`` holds one :class:`core.network.LayerCache` per
layer; gradients come back as ``{"dW1": (n_1, n_x), "db1": (n_1, 1), ...}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dltutor.core.activations import get_activation
from dltutor.core.catalogue import DROPOUT_KEEP_PROB, VARIANT_INFO
from dltutor.core.errors import TutorError
from dltutor.core.layers import apply_mask, linear_backward
from dltutor.core.layers import l1_gradient as penalty_l1
from dltutor.core.layers import l2_gradient as penalty_l2
from dltutor.core.network import Architecture, LayerCache, dropout_masks, forward, output_delta
from dltutor.core.rng import Rng, make_rng, randn
from dltutor.core.types import Array, Params

#: The course's gradient-checking case: layer sizes, hidden activation, labels.
COURSE_LAYERS = (4, 5, 3, 1)
COURSE_Y = (1, 1, 0)
COURSE_SEED = 1

#: The L2 strength a variant that needs one uses when the check was asked for none (the course's lambd).
DEFAULT_L2 = 0.7


def course_case() -> tuple[Architecture, Params, Array, Array]:
    """The exercise's case, drawn exactly as ``gradient_check_n_test_case`` draws it.

    Returns:
        ``(arch, params, X, Y)``: a 4-5-3-1 relu network, ``W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1),
        W3 (1, 3), b3 (1, 1)`` (47 numbers), ``X (4, 3)`` and ``Y = [[1, 1, 0]]``.
    """
    rng = make_rng(COURSE_SEED, legacy=True)
    X = randn(rng, 4, 3)
    params: Params = {}
    for l in range(1, len(COURSE_LAYERS)):  # noqa: E741
        n, n_prev = COURSE_LAYERS[l], COURSE_LAYERS[l - 1]
        params[f"W{l}"] = randn(rng, n, n_prev)
        params[f"b{l}"] = randn(rng, n, 1)
    Y = np.array([COURSE_Y])
    return Architecture(COURSE_LAYERS, "relu"), params, X, Y


@dataclass
class Cache:
    """What forward propagation keeps for the backward pass (the course's ``cache`` tuple, per layer).

    Args:
        arch: the architecture.
        params: ``W1, b1, ...``.
        layers: one :class:`core.network.LayerCache` per layer (``A_prev``, ``Z``, ``A``).
        AL: the output ``(n_L, m)``.
        l2: L2 strength that is part of the cost J.
        l1: L1 strength that is part of the cost J.
        rng: for variants that draw (dropout-left-on).
    """

    arch: Architecture
    params: Params
    layers: list[LayerCache]
    AL: Array
    l2: float = 0.0
    l1: float = 0.0
    rng: Rng | None = None

    def Z(self, l: int) -> Array:  # noqa: E741
        """Pre-activation of layer ``l`` ``(n_l, m)``."""
        return self.layers[l - 1].Z

    def A(self, l: int) -> Array:  # noqa: E741
        """Activation of layer ``l`` ``(n_l, m)``; ``A(0)`` is X."""
        return self.layers[0].A_prev if l == 0 else self.layers[l - 1].A


def forward_cache(X: Array, params: Params, arch: Architecture, *, l2: float = 0.0, l1: float = 0.0,
                  rng: Rng | None = None) -> Cache:
    """Forward pass without dropout (the J that gradient checking sees), kept for a backward variant."""
    AL, layers = forward(X, params, arch, training=False)
    return Cache(arch, params, layers, AL, l2, l1, rng)


DWLine = Callable[[Array, Array, int], Array]
DBLine = Callable[[Array, int], Array]
Derivative = Callable[[Array, Array, Array], Array]


def backprop(
    X: Array,
    Y: Array,
    cache: Cache,
    *,
    dW_line: dict[int, DWLine] | None = None,
    db_line: dict[int, DBLine] | None = None,
    derivative: dict[int, Derivative] | None = None,
    l2_gradient: bool = True,
    dropout_keep_prob: float | None = None,
) -> Params:
    """The course's backward pass for any depth, with hooks where the variants put their bug.

    Args:
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        cache: from :func:`forward_cache`.
        dW_line: layer -> the line computing ``dW{l}`` from ``(dZ, A_prev, m)``.
        db_line: layer -> the line computing ``db{l}`` from ``(dZ, m)``.
        derivative: hidden layer -> ``g'`` as ``(dA, Z, A) -> dZ``.
        l2_gradient: add ``lambda/m * W`` (and the L1 term) to ``dW`` when the cost has them.
        dropout_keep_prob: multiply ``dA`` of every hidden layer by a fresh dropout mask (a bug when the
            forward pass had none).

    Returns:
        ``{"dW1": ..., "db1": ..., ...}`` in parameter order.
    """
    arch, params = cache.arch, cache.params
    m = X.shape[1]
    dW_line, db_line, derivative = dW_line or {}, db_line or {}, derivative or {}
    hidden = get_activation(arch.activation)
    masks: list[Array | None] | None = None
    keep_prob = 1.0
    if dropout_keep_prob is not None:
        keep_prob = dropout_keep_prob
        rng = cache.rng if cache.rng is not None else make_rng(0)
        masks = dropout_masks(arch, m, [keep_prob] * (arch.L - 1), rng)
    grads: Params = {}
    dZ = output_delta(cache.AL, Y)  # dZ3 = A3 - Y
    for l in range(arch.L, 0, -1):  # noqa: E741
        A_prev = cache.A(l - 1)
        W = params[f"W{l}"]
        # dA2 = np.dot(W3.T, dZ3); dW3 = 1./m * np.dot(dZ3, A2.T); db3 = 1./m * np.sum(dZ3, axis=1, keepdims=True)
        dA_prev, dW, db = linear_backward(dZ, A_prev, W if l > 1 else None, m)
        if l in dW_line:
            dW = dW_line[l](dZ, A_prev, m)
        if l in db_line:
            db = db_line[l](dZ, m)
        if l2_gradient and cache.l2:
            dW = dW + penalty_l2(W, cache.l2, m)
        if l2_gradient and cache.l1:
            dW = dW + penalty_l1(W, cache.l1, m)
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        if dA_prev is not None:
            if masks is not None:
                D = masks[l - 2]
                if D is not None:
                    dA_prev = apply_mask(dA_prev, D, keep_prob)  # dA2 = dA2 * D2 / keep_prob
            g = derivative.get(l - 1, hidden.backward)
            dZ = g(dA_prev, cache.Z(l - 1), cache.A(l - 1))  # dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    return {f"d{p}{l}": grads[f"d{p}{l}"] for l in range(1, arch.L + 1) for p in ("W", "b")}  # noqa: E741


# --- the catalogue: each one reads like the exercise's backward_propagation_n with its bug ----------------

def fixed(X: Array, Y: Array, cache: Cache) -> Params:
    """The correct backward pass."""
    return backprop(X, Y, cache)


def course(X: Array, Y: Array, cache: Cache) -> Params:
    """The exercise's code as handed out: both of its bugs at once."""
    return backprop(
        X, Y, cache,
        # dW2 = 1. / m * np.dot(dZ2, A1.T) * 2
        dW_line={2: lambda dZ, A_prev, m: 1.0 / m * np.dot(dZ, A_prev.T) * 2},
        # db1 = 4. / m * np.sum(dZ1, axis=1, keepdims=True)
        db_line={1: lambda dZ, m: 4.0 / m * np.sum(dZ, axis=1, keepdims=True)},
    )


def dW2_doubled(X: Array, Y: Array, cache: Cache) -> Params:
    """``dW2 = 1./m * np.dot(dZ2, A1.T) * 2``: the exercise's first bug alone."""
    return backprop(X, Y, cache, dW_line={2: lambda dZ, A_prev, m: 1.0 / m * np.dot(dZ, A_prev.T) * 2})


def db1_times_4(X: Array, Y: Array, cache: Cache) -> Params:
    """``db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True)``: the exercise's second bug alone."""
    return backprop(X, Y, cache, db_line={1: lambda dZ, m: 4.0 / m * np.sum(dZ, axis=1, keepdims=True)})


def missing_1_over_m(X: Array, Y: Array, cache: Cache) -> Params:
    """``dbL = np.sum(dZL, axis=1, keepdims=True)``: the 1/m of the output bias forgotten."""
    L = cache.arch.L
    return backprop(X, Y, cache, db_line={L: lambda dZ, m: np.sum(dZ, axis=1, keepdims=True)})


def wrong_activation_derivative(X: Array, Y: Array, cache: Cache) -> Params:
    """``dZ{L-1} = dA * A * (1 - A)``: sigmoid's derivative used on the top hidden (ReLU) layer."""
    top = cache.arch.L - 1
    return backprop(X, Y, cache, derivative={top: lambda dA, Z, A: dA * A * (1 - A)})


def sign_flip(X: Array, Y: Array, cache: Cache) -> Params:
    """``dW1 = -1./m * np.dot(dZ1, X.T)``: a minus sign slipped into one line."""
    return backprop(X, Y, cache, dW_line={1: lambda dZ, A_prev, m: -1.0 / m * np.dot(dZ, A_prev.T)})


def forgot_l2_gradient(X: Array, Y: Array, cache: Cache) -> Params:
    """The cost has ``lambda/(2m) sum ||W||^2`` but ``dW`` lacks ``lambda/m * W``."""
    return backprop(X, Y, cache, l2_gradient=False)


def dropout_left_on(X: Array, Y: Array, cache: Cache) -> Params:
    """Backward still multiplies ``dA`` by dropout masks while the checked J has no dropout."""
    return backprop(X, Y, cache, dropout_keep_prob=DROPOUT_KEEP_PROB)


def bias_summed_over_wrong_axis(X: Array, Y: Array, cache: Cache) -> Params:
    """``db1 = 1./m * np.sum(dZ1, axis=0, keepdims=True)``: summed over units, not examples."""
    return backprop(X, Y, cache, db_line={1: lambda dZ, m: 1.0 / m * np.sum(dZ, axis=0, keepdims=True)})


@dataclass(frozen=True)
class Variant:
    """One entry of the catalogue.

    Args:
        id: the name used on the command line (``--variant dW2-doubled``).
        description: one line.
        lesson: the lesson id it teaches.
        expected_flags: the gradient blocks the checker must flag on the course's case.
        backward: ``backward(X, Y, cache) -> gradients``.
        needs_l2: the bug only shows when the cost has an L2 term (the check then uses :data:`DEFAULT_L2`).
        dropout: the variant leaves dropout on in backprop.
    """

    id: str
    description: str
    lesson: str
    expected_flags: tuple[str, ...]
    backward: Callable[[Array, Array, Cache], Params] = field(repr=False)
    needs_l2: bool = False
    dropout: bool = False

    def check_applicable(self, arch: Architecture, m: int) -> None:
        """Raise :class:`TutorError` when the bug cannot happen on this network (e.g. no layer 2)."""
        L = arch.L
        if self.id in ("course", "dW2-doubled") and L < 2:
            raise TutorError("variant", f"{self.id} needs a layer 2, the network has {L} "
                             f"layer{'' if L == 1 else 's'}",
                             "a network with at least 2 layers")
        if self.id in ("wrong-activation-derivative", "dropout-left-on") and L < 2:
            raise TutorError("variant", f"{self.id} needs a hidden layer", "a network with at least 2 layers")
        if self.id == "wrong-activation-derivative" and arch.activation == "sigmoid":
            raise TutorError("variant", "sigmoid's derivative is the right one on sigmoid hidden layers",
                             "a network whose hidden activation is not sigmoid")
        if self.id == "missing-1-over-m" and m == 1:
            raise TutorError("variant", "with m = 1 a missing 1/m changes nothing", "at least 2 examples")
        if self.id == "bias-summed-over-wrong-axis" and arch.layers[1] == 1 and m == 1:
            raise TutorError("variant", "with one unit and one example both axes give the same sum",
                             "a layer 1 with several units or several examples")

    def flags_for(self, arch: Architecture) -> tuple[str, ...]:
        """The blocks this bug puts wrong on a network ``arch`` (on the course's case: ``expected_flags``)."""
        L = arch.L
        below = tuple(f"d{p}{l}" for l in range(1, L) for p in ("W", "b"))  # noqa: E741
        return {
            "fixed": (),
            "course": ("dW2", "db1"),
            "dW2-doubled": ("dW2",),
            "db1-times-4": ("db1",),
            "missing-1-over-m": (f"db{L}",),
            "wrong-activation-derivative": below,
            "sign-flip": ("dW1",),
            "forgot-l2-gradient": tuple(f"dW{l}" for l in range(1, L + 1)),  # noqa: E741
            "dropout-left-on": below,
            "bias-summed-over-wrong-axis": ("db1",),
        }[self.id]


#: Each variant's backward function; a variant of the catalogue missing here fails at import.
_BACKWARD: dict[str, Callable[[Array, Array, Cache], Params]] = {
    "fixed": fixed,
    "course": course,
    "dW2-doubled": dW2_doubled,
    "db1-times-4": db1_times_4,
    "missing-1-over-m": missing_1_over_m,
    "wrong-activation-derivative": wrong_activation_derivative,
    "sign-flip": sign_flip,
    "forgot-l2-gradient": forgot_l2_gradient,
    "dropout-left-on": dropout_left_on,
    "bias-summed-over-wrong-axis": bias_summed_over_wrong_axis,
}

#: The variants, in the catalogue's order (:data:`core.catalogue.VARIANT_INFO` holds their words).
VARIANTS: dict[str, Variant] = {
    i: Variant(i, v.description, v.lesson, v.expected_flags, _BACKWARD[i], needs_l2=v.needs_l2, dropout=v.dropout)
    for i, v in VARIANT_INFO.items()
}


def get_variant(variant_id: str) -> Variant:
    """The catalogue entry ``variant_id``; :class:`TutorError` naming every id otherwise."""
    if not isinstance(variant_id, str) or not variant_id.strip():
        raise TutorError("variant", "empty name" if isinstance(variant_id, str) else f"not a name: {variant_id!r}",
                         ", ".join(VARIANTS))
    if variant_id not in VARIANTS:
        raise TutorError("variant", f"unknown variant {variant_id!r}", ", ".join(VARIANTS))
    return VARIANTS[variant_id]
