"""Fully connected networks, the course's way: examples are columns, parameters an ordered dict.

These are the reference (readable) forward and backward passes: bookkeeping around the steps of
:mod:`core.layers` and the activations of :mod:`core.activations`, where the maths is written once. The
training loop (:mod:`core.lean`) runs the same steps on preallocated buffers; tests hold the two to each
other and both to central differences.

Shapes: ``X`` is ``(n_x, m)``; ``Y`` is ``(1, m)`` holding 0/1 labels (or class ids ``0..K-1`` when the
output layer has ``K > 1`` units, which then is a softmax); ``W{l}`` is ``(n_l, n_{l-1})``, ``b{l}``
``(n_l, 1)``; gradients use the same keys with a ``d`` in front (``dW1``, ``db1``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dltutor.core.activations import ACTIVATIONS, get_activation
from dltutor.core.errors import TutorError
from dltutor.core.layers import (
    apply_mask,
    cross_entropy_delta,
    l1_gradient,
    l2_gradient,
    linear_backward,
    linear_forward,
)
from dltutor.core.rng import Rng, rand
from dltutor.core.types import Array, Params

#: Networks larger than this are refused: a tutor should never hang or swap on a typo like 2,200000,1.
MAX_PARAMETERS = 2_000_000


@dataclass(frozen=True)
class Architecture:
    """Layer sizes and the hidden activation; the output is sigmoid (1 unit) or softmax (K > 1 units).

    Args:
        layers: ``(n_x, n_1, ..., n_L)``.
        activation: the hidden layers' activation, a key of :data:`core.activations.ACTIVATIONS`.
    """

    layers: tuple[int, ...]
    activation: str = "relu"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(int(n) for n in self.layers))
        validate_layers(self.layers)
        if self.activation not in ACTIVATIONS:
            raise TutorError("activation", f"unknown activation {self.activation!r}", ", ".join(ACTIVATIONS))

    @property
    def L(self) -> int:
        """Number of layers with parameters."""
        return len(self.layers) - 1

    @property
    def output(self) -> str:
        """``"sigmoid"`` for one output unit, ``"softmax"`` for several."""
        return "sigmoid" if self.layers[-1] == 1 else "softmax"

    @property
    def n_classes(self) -> int:
        return 2 if self.layers[-1] == 1 else self.layers[-1]

    def activation_of(self, l: int) -> str:  # noqa: E741
        """The activation of layer ``l`` (1-based)."""
        return self.output if l == self.L else self.activation

    @property
    def n_parameters(self) -> int:
        return count_parameters(self.layers)


def count_parameters(layers: Sequence[int]) -> int:
    """Number of weights and biases of a network with these layer sizes."""
    return sum(layers[l] * layers[l - 1] + layers[l] for l in range(1, len(layers)))  # noqa: E741


def validate_layers(layers: Sequence[int]) -> None:
    """Refuse layer lists that are too short, hold non-positive sizes, or exceed the parameter budget."""
    if len(layers) < 2:
        raise TutorError("layers", f"need at least an input and an output size, got {list(layers)}",
                         "comma-separated positive sizes such as 2,20,3,1")
    if any(int(n) < 1 for n in layers):
        raise TutorError("layers", f"every size must be a positive integer, got {list(layers)}",
                         "comma-separated positive sizes such as 2,20,3,1")
    n = count_parameters(layers)
    if n > MAX_PARAMETERS:
        raise TutorError("layers", f"{n:,} parameters is beyond the budget",
                         f"at most {MAX_PARAMETERS:,} parameters")


@dataclass
class LayerCache:
    """What layer ``l`` keeps for its backward pass: input, pre-activation, activation, dropout mask."""

    A_prev: Array
    Z: Array
    A: Array
    D: Array | None = None
    keep_prob: float = 1.0
    out: Array = field(init=False)

    def __post_init__(self) -> None:
        self.out = self.A


def dropout_masks(arch: Architecture, m: int, keep_probs: Sequence[float], rng: Rng) -> list[Array | None]:
    """One mask per hidden layer, drawn in layer order as ``rand(n_l, m) < keep_prob``.

    Layers with ``keep_prob == 1`` get ``None`` and draw nothing (so the course's draw order holds).
    """
    masks: list[Array | None] = []
    for l in range(1, arch.L):  # noqa: E741
        kp = keep_probs[l - 1]
        masks.append((rand(rng, arch.layers[l], m) < kp).astype(np.float64) if kp < 1 else None)
    return masks


def forward(
    X: Array,
    params: Params,
    arch: Architecture,
    *,
    training: bool = False,
    keep_probs: Sequence[float] | None = None,
    rng: Rng | None = None,
    masks: Sequence[Array | None] | None = None,
) -> tuple[Array, list[LayerCache]]:
    """Forward pass.

    Args:
        X: inputs ``(n_x, m)``.
        params: ``W1, b1, ...``.
        arch: the architecture.
        training: dropout applies only when True; prediction never drops units.
        keep_probs: one keep probability per hidden layer (inverted dropout: kept units are divided by it).
        rng: draws the masks when ``masks`` is not given.
        masks: precomputed masks (the course's fixed-mask quirk), one per hidden layer or ``None``.

    Returns:
        ``AL`` ``(n_L, m)`` and a cache per layer for :func:`backward`.
    """
    caches: list[LayerCache] = []
    kps = keep_probs if training and keep_probs is not None and any(kp < 1 for kp in keep_probs) else None
    if kps is not None and masks is None:
        if rng is None:
            raise TutorError("rng", "dropout in training mode needs an rng to draw its masks")
        masks = dropout_masks(arch, X.shape[1], kps, rng)
    A = X
    for l in range(1, arch.L + 1):  # noqa: E741
        A_prev = A
        Z = linear_forward(A_prev, params[f"W{l}"], params[f"b{l}"])
        A = get_activation(arch.activation_of(l)).forward(Z)
        cache = LayerCache(A_prev, Z, A)
        D = masks[l - 1] if kps is not None and masks is not None and l < arch.L else None
        if D is not None and kps is not None:
            cache.D, cache.keep_prob = D, kps[l - 1]
            A = apply_mask(A, D, cache.keep_prob)
            cache.out = A
        caches.append(cache)
    return A, caches


def one_hot(Y: Array, K: int) -> Array:
    """Class ids ``(1, m)`` to a ``(K, m)`` indicator matrix."""
    m = Y.shape[1]
    out = np.zeros((K, m))
    out[Y[0].astype(np.intp), np.arange(m)] = 1.0
    return out


def output_delta(AL: Array, Y: Array) -> Array:
    """``dJ/dZ_L`` times m for sigmoid + cross-entropy (``AL - Y``) or softmax + cross-entropy."""
    return cross_entropy_delta(AL, Y if AL.shape[0] == 1 else one_hot(Y, AL.shape[0]))


def backward(
    AL: Array,
    Y: Array,
    caches: list[LayerCache],
    params: Params,
    arch: Architecture,
    *,
    l2: float = 0.0,
    l1: float = 0.0,
) -> Params:
    """Backward pass of :func:`forward`, with the L2 and L1 penalties' gradients on the weights.

    Returns:
        ``{"dW1": ..., "db1": ..., ...}`` in the parameters' order, each the shape of its parameter.
    """
    m = Y.shape[1]
    grads: Params = {}
    hidden = get_activation(arch.activation)
    dZ = output_delta(AL, Y)
    for l in range(arch.L, 0, -1):  # noqa: E741
        cache = caches[l - 1]
        W = params[f"W{l}"]
        dA_prev, dW, db = linear_backward(dZ, cache.A_prev, W if l > 1 else None, m)
        if l2:
            dW = dW + l2_gradient(W, l2, m)
        if l1:
            dW = dW + l1_gradient(W, l1, m)
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        if dA_prev is not None:
            below = caches[l - 2]
            if below.D is not None:
                dA_prev = apply_mask(dA_prev, below.D, below.keep_prob)
            dZ = hidden.backward(dA_prev, below.Z, below.A)
    return {k: grads[k] for k in gradient_keys(arch)}


def gradient_keys(arch: Architecture) -> list[str]:
    """``["dW1", "db1", "dW2", ...]``."""
    return [f"d{p}{l}" for l in range(1, arch.L + 1) for p in ("W", "b")]  # noqa: E741


def cross_entropy(AL: Array, Y: Array) -> float:
    """Mean cross-entropy over m, as the course computes it (``0*log(0)`` terms dropped by ``nansum``)."""
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if AL.shape[0] == 1:
            logprobs = np.multiply(-np.log(AL), Y) + np.multiply(-np.log(1 - AL), 1 - Y)
            return float(1.0 / m * np.nansum(logprobs))
        picked = AL[Y[0].astype(np.intp), np.arange(m)]
        return float(1.0 / m * np.nansum(-np.log(picked)))


def cross_entropy_from_logits(ZL: Array, Y: Array) -> float:
    """Mean cross-entropy computed from the output pre-activations ``ZL``: finite where the course's
    formula (on the saturated output) gives ``inf``.

    Sigmoid: ``log(1 + e^z) - y z``; softmax: ``logsumexp(z) - z_y``.
    """
    m = Y.shape[1]
    if ZL.shape[0] == 1:
        return float(np.sum(np.logaddexp(0.0, ZL) - Y * ZL) / m)
    top = ZL.max(axis=0)
    lse = top + np.log(np.sum(np.exp(ZL - top), axis=0))
    return float(np.sum(lse - ZL[Y[0].astype(np.intp), np.arange(m)]) / m)


def penalty(params: Params, m: int, l2: float = 0.0, l1: float = 0.0) -> float:
    """The regularization part of J: ``l2/(2m) sum W^2 + l1/m sum |W|`` over the weights only."""
    total = 0.0
    weights = [v for k, v in params.items() if k.startswith("W")]
    if l2:
        total += (1.0 / m * l2 / 2) * sum(np.sum(np.square(W)) for W in weights)
    if l1:
        total += (l1 / m) * sum(np.sum(np.abs(W)) for W in weights)
    return float(total)


def compute_cost(AL: Array, Y: Array, params: Params | None = None, l2: float = 0.0, l1: float = 0.0) -> float:
    """Cross-entropy plus the regularization terms: the J that gradient descent and gradient checking see."""
    cost = cross_entropy(AL, Y)
    if params is not None and (l2 or l1):
        cost += penalty(params, Y.shape[1], l2, l1)
    return cost


def predict(X: Array, params: Params, arch: Architecture) -> Array:
    """Predicted labels ``(1, m)``: output > 0.5 for sigmoid, the arg-max class for softmax."""
    AL, _ = forward(X, params, arch, training=False)
    labels: Array = (AL > 0.5).astype(np.int64) if AL.shape[0] == 1 else np.argmax(AL, axis=0)[None, :]
    return labels


def accuracy(X: Array, Y: Array, params: Params, arch: Architecture) -> float:
    """Fraction of examples predicted right."""
    return float(np.mean(predict(X, params, arch)[0, :] == Y[0, :]))
