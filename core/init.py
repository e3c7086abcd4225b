"""Weight initialization, the course's way: ``randn(n_l, n_prev)`` for W1, W2, ... in order, biases zero."""

from __future__ import annotations

import math

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.rng import Rng, randn
from dltutor.core.types import Params

#: name -> what it does, in the course's words.
INITS: dict[str, str] = {
    "zeros": "all weights and biases zero (every unit in a layer stays identical: symmetry is never broken)",
    "random": "randn * scale (the course uses scale 10: large weights saturate the sigmoid)",
    "xavier": "randn * sqrt(1 / n_prev) (Xavier/Glorot; keeps tanh activations stable)",
    "he": "randn * sqrt(2 / n_prev) (He; keeps ReLU activations stable)",
    "inv-sqrt": "randn / sqrt(n_prev) (the course's regularization exercise)",
}


def weight_scale(method: str, n_prev: int, scale: float = 10.0) -> float:
    """The standard deviation that ``method`` gives weights fed by ``n_prev`` units."""
    return {
        "zeros": 0.0,
        "random": scale,
        "xavier": math.sqrt(1.0 / n_prev),
        "he": math.sqrt(2.0 / n_prev),
        "inv-sqrt": 1.0 / math.sqrt(n_prev),
    }[method]


def initialize(layers: list[int] | tuple[int, ...], method: str, rng: Rng, scale: float = 10.0) -> Params:
    """Initial parameters ``{"W1": (n1, n0), "b1": (n1, 1), ...}``.

    Args:
        layers: layer sizes ``[n_x, n_1, ..., n_L]``.
        method: one of :data:`INITS`.
        rng: where the draws come from; a legacy ``RandomState`` reproduces the course exactly.
        scale: the multiplier of the ``random`` method.

    Returns:
        An ordered dict of float64 arrays, ``W`` drawn for each layer in order, ``b`` zeros.
    """
    if method not in INITS:
        raise TutorError("init", f"unknown initialization {method!r}", ", ".join(INITS))
    params: Params = {}
    for l in range(1, len(layers)):  # noqa: E741
        n, n_prev = layers[l], layers[l - 1]
        if method == "zeros":
            W = np.zeros((n, n_prev))
        elif method == "random":
            W = randn(rng, n, n_prev) * scale
        elif method == "xavier":
            W = randn(rng, n, n_prev) * np.sqrt(1.0 / n_prev)
        elif method == "he":
            W = randn(rng, n, n_prev) * np.sqrt(2.0 / n_prev)
        else:  # inv-sqrt, exactly as the regularization exercise writes it
            W = randn(rng, n, n_prev) / np.sqrt(n_prev)
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros((n, 1))
    return params
