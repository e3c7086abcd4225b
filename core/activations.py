"""Activation functions and their derivatives.

Each activation has ``forward(Z) -> A`` and ``backward(dA, Z, A) -> dZ`` where every array is
``(n_l, m)``. The derivative may use ``Z`` or ``A``, whichever is cheaper and exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-Z))``, written as the course writes it."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z))


def relu(Z: np.ndarray) -> np.ndarray:
    """``max(0, Z)``."""
    return np.maximum(0, Z)


def leaky_relu(Z: np.ndarray) -> np.ndarray:
    """``Z`` where positive, ``0.01 Z`` elsewhere."""
    return np.where(Z > 0, Z, LEAKY_SLOPE * Z)


def softmax(Z: np.ndarray) -> np.ndarray:
    """Column-wise softmax of ``Z`` ``(K, m)``, shifted by the column maximum for stability."""
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """An activation: its forward map and the map from ``dA`` to ``dZ``."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    description: str


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", relu, lambda dA, Z, A: dA * (Z > 0), "max(0, z); derivative 1 for z > 0"),
    "leaky_relu": Activation(
        "leaky_relu",
        leaky_relu,
        lambda dA, Z, A: dA * np.where(Z > 0, 1.0, LEAKY_SLOPE),
        "z for z > 0, 0.01 z otherwise",
    ),
    "tanh": Activation("tanh", np.tanh, lambda dA, Z, A: dA * (1 - A * A), "tanh(z); derivative 1 - a^2"),
    "sigmoid": Activation("sigmoid", sigmoid, lambda dA, Z, A: dA * A * (1 - A), "1/(1+e^-z); derivative a(1-a)"),
    "linear": Activation("linear", lambda Z: Z, lambda dA, Z, A: dA, "identity; derivative 1"),
}

HIDDEN_ACTIVATIONS = tuple(ACTIVATIONS)
