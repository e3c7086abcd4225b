"""The course's utility maths (``reg_utils``, ``init_utils``, ``gc_utils``), written the course's way.

The 3-layer network's forward and backward passes, its cost, update and prediction, the gradient-checking
notebook's ``forward_propagation_n``/``backward_propagation_n`` (the backward one with the notebook's two
planted bugs) and its vector helpers. :mod:`core.exercises.helpers` hands them to a learner's file; the
reference solutions build on them.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from dltutor.core.types import Array, Params

#: The 3-layer network's forward cache as the course returns it, ``(Z1, A1, W1, b1, ..., Z3, A3, W3, b3)``.
Cache: TypeAlias = tuple[Array, ...]


def sigmoid(x: Array) -> Array:
    """sigmoid(x) = 1 / (1 + exp(-x))."""
    return 1 / (1 + np.exp(-x))


def relu(x: Array) -> Array:
    """relu(x) = max(0, x)."""
    return np.maximum(0, x)


def compute_cost(a3: Array, Y: Array) -> float:
    """Cross-entropy cost averaged over the m examples (``reg_utils.compute_cost``)."""
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    cost: float = 1. / m * np.nansum(logprobs)  # NumPy's float64, a float: returned as the notebook's is
    return cost


compute_loss = compute_cost  # init_utils' name


def initialize_parameters(layer_dims: list[int]) -> Params:
    """``reg_utils.initialize_parameters``: seed 3, ``randn / sqrt(n_prev)``, zero biases."""
    np.random.seed(3)
    parameters: Params = {}
    for l in range(1, len(layer_dims)):  # noqa: E741
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def forward_propagation(X: Array, parameters: Params) -> tuple[Array, Cache]:
    """LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID; returns ``A3`` and the course's cache
    ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``."""
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation(X: Array, Y: Array, cache: Cache) -> Params:
    """The plain backward pass of the 3-layer network (``reg_utils.backward_propagation``)."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1,
            "dZ1": dZ1, "dW1": dW1, "db1": db1}


def update_parameters(parameters: Params, grads: Params, learning_rate: float) -> Params:
    """One step of gradient descent: ``W[l] -= learning_rate * dW[l]`` (and b)."""
    L = len(parameters) // 2
    for k in range(L):
        parameters["W" + str(k + 1)] = parameters["W" + str(k + 1)] - learning_rate * grads["dW" + str(k + 1)]
        parameters["b" + str(k + 1)] = parameters["b" + str(k + 1)] - learning_rate * grads["db" + str(k + 1)]
    return parameters


def predict(X: Array, y: Array, parameters: Params) -> Array:
    """Predictions (1 where A3 > 0.5) of the 3-layer network, shape ``(1, m)``."""
    a3, _ = forward_propagation(X, parameters)
    return (a3 > 0.5).astype(int)


# core.gradcheck is imported when these are first called: most exercises never need it, and it is the
# slowest import of a check's child process.

#: The shapes of the parameters last given to :func:`dictionary_to_vector` (name -> shape, in vector order):
#: :func:`vector_to_dictionary` cuts a vector of that size back into them, so the helpers work for any layer
#: sizes (the notebook's own are written for its 47-number network only).
_LAYOUT: dict[str, tuple[int, ...]] = {}


def dictionary_to_vector(parameters: Params) -> tuple[Array, list[str]]:
    """``gc_utils.dictionary_to_vector``: W1, b1, W2, b2, W3, b3 reshaped to (-1, 1) and stacked."""
    from dltutor.core.gradcheck import dictionary_to_vector as course_version
    from dltutor.core.gradcheck import parameter_names

    theta, names = course_version(parameters)
    _LAYOUT.clear()
    _LAYOUT.update({k: tuple(np.shape(parameters[k])) for k in parameter_names(parameters)})
    return theta, names


def vector_to_dictionary(theta: Array) -> Params:
    """``gc_utils.vector_to_dictionary``: theta back into W1 ... b3, of the shapes last given to
    :func:`dictionary_to_vector` (the course's 47 numbers, W1 (5, 4) ... b3 (1, 1), before any)."""
    import math

    from dltutor.core.gradcheck import vector_to_dictionary as course_version

    size = int(np.size(theta))
    if _LAYOUT and sum(math.prod(s) for s in _LAYOUT.values()) == size:
        return course_version(theta, dict(_LAYOUT))
    return course_version(theta)


def gradients_to_vector(gradients: Params) -> Array:
    """``gc_utils.gradients_to_vector``: dW1, db1, ... reshaped to (-1, 1) and stacked."""
    from dltutor.core.gradcheck import gradients_to_vector as course_version

    return course_version(gradients)


def forward_propagation_n(X: Array, Y: Array, parameters: Params) -> tuple[float, Cache]:
    """The Gradient Checking notebook's forward pass: returns ``cost`` and its cache."""
    m = X.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    log_probs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    cost: float = 1. / m * np.sum(log_probs)
    return cost, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_n(X: Array, Y: Array, cache: Cache) -> Params:
    """The notebook's backward pass AS HANDED OUT, with its two planted bugs (dW2 times 2, db1 with 4/m):
    the one gradient checking is meant to catch."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T) * 2
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 4. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1,
            "dZ1": dZ1, "dW1": dW1, "db1": db1}
