"""The steps of a fully connected layer's forward and backward pass, each written once.

Every pass in the core is bookkeeping around these functions (and the activations of
:mod:`core.activations`): the readable reference (:mod:`core.network`), the lean training loop
(:mod:`core.train`, which passes preallocated ``out`` buffers), the backprop variants (which swap one step
for a learner's buggy line) and the deep-network demo. Examples are columns: ``A_prev`` is
``(n_prev, m)``, ``W`` ``(n_l, n_prev)``, ``b`` ``(n_l, 1)``, ``Z``/``A``/``dZ`` ``(n_l, m)``.

Each step with an ``out`` argument writes its result there (shape and dtype as returned) and returns it;
the values are the same, bit for bit, as without it. The ``*_sum`` steps leave the ``1/m`` of the mean to
the caller, so the lean loop can apply it once to all gradients; the ``*_gradient`` steps apply it.
"""

from __future__ import annotations

import numpy as np

from dltutor.core.types import Array


def linear_forward(A_prev: Array, W: Array, b: Array, out: Array | None = None) -> Array:
    """``Z = W A_prev + b``: ``(n_l, n_prev) @ (n_prev, m) + (n_l, 1) -> (n_l, m)``."""
    Z: Array = np.dot(W, A_prev, out=out)
    Z += b
    return Z


def weight_sum(dZ: Array, A_prev: Array, out: Array | None = None) -> Array:
    """``dZ A_prev^T``: ``(n_l, m) @ (m, n_prev) -> (n_l, n_prev)``, ``m`` times ``dW``."""
    result: Array = np.dot(dZ, A_prev.T, out=out)
    return result


def bias_sum(dZ: Array, out: Array | None = None) -> Array:
    """``dZ`` summed over the examples: ``(n_l, m) -> (n_l, 1)``, ``m`` times ``db``."""
    # np.add.reduce is np.sum(dZ, axis=1, keepdims=True) without the wrapper's overhead
    result: Array = np.add.reduce(dZ, 1, None, out, True)
    return result


def input_gradient(dZ: Array, W: Array, out: Array | None = None) -> Array:
    """``dA_prev = W^T dZ``: ``(n_prev, n_l) @ (n_l, m) -> (n_prev, m)``."""
    result: Array = np.dot(W.T, dZ, out=out)
    return result


def weight_gradient(dZ: Array, A_prev: Array, m: int) -> Array:
    """``dW = 1/m dZ A_prev^T`` ``(n_l, n_prev)``."""
    return 1.0 / m * weight_sum(dZ, A_prev)


def bias_gradient(dZ: Array, m: int) -> Array:
    """``db = 1/m sum over examples of dZ`` ``(n_l, 1)``."""
    return 1.0 / m * bias_sum(dZ)


def linear_backward(dZ: Array, A_prev: Array, W: Array, m: int) -> tuple[Array, Array, Array]:
    """Gradients of the linear step from ``dZ`` ``(n_l, m)``.

    Args:
        dZ: the layer's delta before the mean over examples ``(n_l, m)`` (the course's ``dZ3 = A3 - Y``).
        A_prev: the layer's input ``(n_prev, m)``.
        W: the layer's weights ``(n_l, n_prev)``.
        m: the number of examples the cost averages over.

    Returns:
        ``dA_prev`` ``(n_prev, m)``, ``dW`` ``(n_l, n_prev)`` and ``db`` ``(n_l, 1)``.
    """
    return input_gradient(dZ, W), weight_gradient(dZ, A_prev, m), bias_gradient(dZ, m)


def cross_entropy_delta(AL: Array, target: Array, out: Array | None = None) -> Array:
    """``dZ[L] = A[L] - Y``, ``(n_L, m)``: sigmoid or softmax fused with the cross-entropy, times ``m``.

    Args:
        AL: the output ``(n_L, m)``.
        target: the labels ``(1, m)`` for one sigmoid unit, their one-hot ``(K, m)`` for softmax.
        out: where to write it.
    """
    result: Array = np.subtract(AL, target, out=out)
    return result


def apply_mask(A: Array, D: Array, keep_prob: float, out: Array | None = None) -> Array:
    """Inverted dropout, ``A * D / keep_prob`` ``(n_l, m)``: the forward step on ``A`` and, the same
    formula, the backward step on ``dA``."""
    result: Array = np.multiply(A, D, out=out)
    np.divide(result, keep_prob, out=result)
    return result


def l2_gradient(W: Array, l2: float, m: int, out: Array | None = None) -> Array:
    """The L2 penalty's gradient ``lambda/m W``, the shape of ``W``."""
    result: Array = np.multiply(W, l2 / m, out=out)
    return result


def l1_gradient(W: Array, l1: float, m: int, out: Array | None = None) -> Array:
    """The L1 penalty's (sub)gradient ``lambda/m sign(W)``, the shape of ``W``."""
    result: Array = np.sign(W, out=out)
    result *= l1 / m
    return result
