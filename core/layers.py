"""The steps of a fully connected layer's forward and backward pass, each written once.

Every pass in the core is bookkeeping around these functions (and the activations of
:mod:`core.activations`): the readable reference (:mod:`core.network`), the lean training loop
(:mod:`core.lean`, which passes preallocated ``out`` buffers), the backprop variants (which swap one step
for a learner's buggy line) and the deep-network demo. Examples are columns: ``A_prev`` is
``(n_prev, m)``, ``W`` ``(n_l, n_prev)``, ``b`` ``(n_l, 1)``, ``Z``/``A``/``dZ`` ``(n_l, m)``.

Each step with an ``out`` argument writes its result there (shape and dtype as returned) and returns it;
the values are the same, bit for bit, as without it. :func:`linear_backward_into` leaves the ``1/m`` of
the mean to the caller, so the lean loop can apply it once to all gradients; :func:`linear_backward`
applies it.
"""

from __future__ import annotations

import numpy as np

from dltutor.core.types import Array


def linear_forward(A_prev: Array, W: Array, b: Array, out: Array | None = None) -> Array:
    """``Z = W A_prev + b``: ``(n_l, n_prev) @ (n_prev, m) + (n_l, 1) -> (n_l, m)``."""
    Z: Array = np.dot(W, A_prev, out=out)
    Z += b
    return Z


def linear_backward_into(dZ: Array, A_prev: Array, W: Array | None, dW: Array, db: Array,
                         dA_prev: Array | None) -> None:
    """The linear step's gradients before the mean, written into preallocated arrays.

    Args:
        dZ: the layer's delta ``(n_l, m)`` (the course's ``dZ3 = A3 - Y`` on the output layer).
        A_prev: the layer's input ``(n_prev, m)``.
        W: the layer's weights ``(n_l, n_prev)``; only read for ``dA_prev`` (may be ``None`` without it).
        dW: receives ``dZ A_prev^T`` ``(n_l, n_prev)``, ``m`` times the weights' gradient.
        db: receives ``dZ`` summed over the examples ``(n_l, 1)``, ``m`` times the biases' gradient.
        dA_prev: receives ``W^T dZ`` ``(n_prev, m)``; ``None`` skips it (layer 1 has no layer below).
    """
    np.dot(dZ, A_prev.T, out=dW)
    # np.add.reduce is np.sum(dZ, axis=1, keepdims=True) without the wrapper's overhead
    np.add.reduce(dZ, 1, None, db, keepdims=True)
    if dA_prev is not None and W is not None:
        np.dot(W.T, dZ, out=dA_prev)


def linear_backward(dZ: Array, A_prev: Array, W: Array | None, m: int) -> tuple[Array | None, Array, Array]:
    """Gradients of the linear step from ``dZ`` ``(n_l, m)``, with the mean over the ``m`` examples.

    Args:
        dZ: the layer's delta before the mean ``(n_l, m)`` (the course's ``dZ3 = A3 - Y``).
        A_prev: the layer's input ``(n_prev, m)``.
        W: the layer's weights ``(n_l, n_prev)``, or ``None`` when ``dA_prev`` is not wanted.
        m: the number of examples the cost averages over.

    Returns:
        ``dA_prev = W^T dZ`` ``(n_prev, m)`` (``None`` without ``W``), ``dW = 1/m dZ A_prev^T``
        ``(n_l, n_prev)`` and ``db = 1/m sum of dZ over the examples`` ``(n_l, 1)``.
    """
    dtype = np.result_type(dZ, A_prev, 0.0)
    dW = np.empty((dZ.shape[0], A_prev.shape[0]), dtype)
    db = np.empty((dZ.shape[0], 1), dtype)
    dA_prev = None if W is None else np.empty((W.shape[1], dZ.shape[1]), np.result_type(W, dZ, 0.0))
    linear_backward_into(dZ, A_prev, W, dW, db, dA_prev)
    dW *= 1.0 / m
    db *= 1.0 / m
    return dA_prev, dW, db


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
