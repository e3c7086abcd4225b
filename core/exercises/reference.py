"""Reference solutions of the exercises, with the course's arithmetic and draws (never shown to the learner).

The checks compare a learner's function with these on seeded cases; the known-bug variants the checks use to
name a mistake are built from the same code with one knob turned (a factor, a missing term, a sign).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from dltutor.core.exercises.course_utils import Cache, compute_cost, forward_propagation_n, relu, sigmoid
from dltutor.core.types import Array, Params

#: A forward pass as gradient checking calls it: ``forward(X, Y, parameters) -> (cost, cache)``.
Forward = Callable[[Array, Array, Params], tuple[float, Cache]]


def initialize(layers_dims: Sequence[int], method: str, seed: int | None = 3, scale: float = 10.0) -> Params:
    """The course's three initializations: ``zeros``, ``random`` (times ``scale``) or ``he``.

    Args:
        layers_dims: ``[n_x, n_1, ..., n_L]``.
        method: ``zeros``, ``random``, ``he`` or ``xavier`` (for naming a mistake).
        seed: ``np.random.seed`` before the draws (the course's 3); None leaves the global RNG as it is.
        scale: the multiplier of ``random``.
    """
    if seed is not None and method != "zeros":
        np.random.seed(seed)
    parameters: Params = {}
    for l in range(1, len(layers_dims)):  # noqa: E741
        n, n_prev = layers_dims[l], layers_dims[l - 1]
        if method == "zeros":
            W = np.zeros((n, n_prev))
        elif method == "random":
            W = np.random.randn(n, n_prev) * scale
        elif method == "he":
            W = np.random.randn(n, n_prev) * np.sqrt(2. / n_prev)
        else:
            W = np.random.randn(n, n_prev) * np.sqrt(1. / n_prev)
        parameters["W" + str(l)] = W
        parameters["b" + str(l)] = np.zeros((n, 1))
    return parameters


def l2_penalty(parameters: Params, m: int, lambd: float) -> float:
    """``(1/m) (lambd/2) (||W1||^2 + ||W2||^2 + ||W3||^2)``, the course's order of operations."""
    W1, W2, W3 = parameters["W1"], parameters["W2"], parameters["W3"]
    penalty: float = 1. / m * lambd / 2 * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))
    return penalty


def compute_cost_with_regularization(A3: Array, Y: Array, parameters: Params, lambd: float) -> float:
    """Cross-entropy plus the L2 term."""
    return compute_cost(A3, Y) + l2_penalty(parameters, Y.shape[1], lambd)


def compute_cost_with_l1(A3: Array, Y: Array, parameters: Params, lambd: float) -> float:
    """Cross-entropy plus ``(lambd/m) sum |W|`` over W1, W2, W3."""
    m: int = Y.shape[1]
    total: float = sum(np.sum(np.abs(parameters[k])) for k in ("W1", "W2", "W3"))
    return compute_cost(A3, Y) + lambd / m * total


def backward_l2(X: Array, Y: Array, cache: Cache, lambd: float, *, l2_factor: dict[int, float] | None = None,
                reg_bias: bool = False) -> Params:
    """``backward_propagation_with_regularization``; ``l2_factor[l]`` multiplies layer l's ``lambd/m W``
    (1 by default) and ``reg_bias`` adds ``lambd/m b`` to ``db`` (knobs for naming mistakes)."""
    l2_factor = l2_factor or {}
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T) + l2_factor.get(3, 1) * lambd / m * W3
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True) + (lambd / m * b3 if reg_bias else 0)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T) + l2_factor.get(2, 1) * lambd / m * W2
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True) + (lambd / m * b2 if reg_bias else 0)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T) + l2_factor.get(1, 1) * lambd / m * W1
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True) + (lambd / m * b1 if reg_bias else 0)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1,
            "dZ1": dZ1, "dW1": dW1, "db1": db1}


def dropout_masks(shapes: Sequence[tuple[int, ...]], keep_prob: float, seed: int | None = 1,
                  flipped: bool = False) -> list[Array]:
    """The course's masks: ``np.random.seed(seed)``, then ``rand(shape) < keep_prob`` per hidden layer."""
    if seed is not None:
        np.random.seed(seed)
    masks = []
    for shape in shapes:
        D = np.random.rand(*shape)
        masks.append(((D >= keep_prob) if flipped else (D < keep_prob)).astype(int))
    return masks


def forward_dropout(X: Array, parameters: Params, keep_prob: float = 0.5, *, masks: Sequence[Array] | None = None,
                    scale: str = "divide", seed: int | None = 1) -> tuple[Array, Cache]:
    """``forward_propagation_with_dropout``; ``masks`` replaces the draws and ``scale`` is ``divide`` (the
    course), ``none`` or ``multiply`` (knobs for naming mistakes)."""
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    if masks is None:
        masks = dropout_masks([Z1.shape, (W2.shape[0], X.shape[1])], keep_prob, seed)
    D1, D2 = masks
    A1 = relu(Z1) * D1
    A1 = _scaled(A1, keep_prob, scale)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2) * D2
    A2 = _scaled(A2, keep_prob, scale)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def _scaled(A: Array, keep_prob: float, scale: str) -> Array:
    if scale == "divide":
        return A / keep_prob
    if scale == "multiply":
        return A * keep_prob
    return A


def backward_dropout(X: Array, Y: Array, cache: Cache, keep_prob: float, *, mask: tuple[bool, bool] = (True, True),
                     scale: tuple[str, str] = ("divide", "divide")) -> Params:
    """``backward_propagation_with_dropout``; ``mask[i]``/``scale[i]`` for layer i+1's dA (knobs for naming
    mistakes: a mask left out, the 1/keep_prob left out or multiplied)."""
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dA2 = _scaled(dA2 * D2 if mask[1] else dA2, keep_prob, scale[1])
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dA1 = _scaled(dA1 * D1 if mask[0] else dA1, keep_prob, scale[0])
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1,
            "dZ1": dZ1, "dW1": dW1, "db1": db1}


def dropout_cost(X: Array, Y: Array, parameters: Params, masks: Sequence[Array], keep_prob: float) -> float:
    """J with the dropout masks held fixed: the function whose gradient the dropout backward pass computes."""
    A3, _ = forward_dropout(X, parameters, keep_prob, masks=masks)
    return float(compute_cost(A3, Y))


def gradient_check_n(parameters: Params, gradients: Params, X: Array, Y: Array, epsilon: float = 1e-7,
                     forward: Forward = forward_propagation_n, *, two_sided: bool = True) -> float:
    """The notebook's ``gradient_check_n`` (``two_sided=False``: the one-sided variant, for naming it)."""
    from dltutor.core.exercises.course_utils import dictionary_to_vector, gradients_to_vector, vector_to_dictionary

    values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    n = values.shape[0]
    gradapprox = np.zeros((n, 1))
    J0 = 0.0 if two_sided else forward(X, Y, vector_to_dictionary(values))[0]  # the one-sided difference's base
    for i in range(n):
        theta_plus = np.copy(values)
        theta_plus[i][0] = theta_plus[i][0] + epsilon
        J_plus, _ = forward(X, Y, vector_to_dictionary(theta_plus))
        if two_sided:
            theta_minus = np.copy(values)
            theta_minus[i][0] = theta_minus[i][0] - epsilon
            J_minus, _ = forward(X, Y, vector_to_dictionary(theta_minus))
            gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
        else:
            gradapprox[i] = (J_plus - J0) / epsilon
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return float(numerator / denominator)


def normalize_inputs(X_train: Array, X_test: Array) -> tuple[Array, Array]:
    """``(X - mu) / sigma`` for both sets with the training set's ``mu`` and ``sigma``."""
    mu = np.mean(X_train, axis=1, keepdims=True)
    sigma = np.sqrt(np.mean((X_train - mu) ** 2, axis=1, keepdims=True))
    return (X_train - mu) / sigma, (X_test - mu) / sigma


def weight_decay_step(parameters: Params, grads: Params, learning_rate: float, lambd: float, m: int, *,
                      decay_bias: bool = False) -> Params:
    """``W := (1 - learning_rate lambd / m) W - learning_rate dW``; ``b := b - learning_rate db``."""
    out: Params = {}
    for l in range(1, len(parameters) // 2 + 1):  # noqa: E741
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        out[f"W{l}"] = (1 - learning_rate * lambd / m) * W - learning_rate * grads[f"dW{l}"]
        shrink = (1 - learning_rate * lambd / m) if decay_bias else 1
        out[f"b{l}"] = shrink * b - learning_rate * grads[f"db{l}"]
    return out
