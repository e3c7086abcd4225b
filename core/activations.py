"""The activation table: each activation's forward map and derivative, written once.

Every forward and backward pass in the core takes its activations from here: the readable reference
(:mod:`core.network`), the lean training loop (:mod:`core.train`), the backprop variants, the deep-network
demo and the gradient checker. An entry holds two small in-place kernels:

* ``forward_into(Z, out) -> A``: ``g(Z)`` written into ``out`` (which may be ``Z`` itself, for the stacked
  gradient-check paths); the values are the same, bit for bit, as out of place;
* ``derivative_into(Z, A, out) -> g'(Z)``: the local derivative from whichever of ``Z`` and ``A = g(Z)`` is
  cheaper and exact (``1 - A^2`` for tanh, ``A (1 - A)`` for sigmoid, ``Z > 0`` for ReLU).

The backward step ``dZ = dA * g'(Z)`` is :meth:`Activation.backward`, built from the derivative, so no
backward formula is written per caller. Softmax couples the units of a column, so it has no elementwise
derivative: its entry carries a vector-Jacobian product instead (the training loop never uses it, as
softmax with cross-entropy fuses into ``dZ = A - Y``).

Arrays are ``(n_l, m)``, or stacks ``(..., n_l, m)``: softmax normalizes over the unit axis ``-2``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dltutor.core.catalogue import ACTIVATION_NAMES
from dltutor.core.types import Array

LEAKY_SLOPE = 0.01

#: ``(Z, out) -> A``: the forward map written into ``out`` (``out`` may be ``Z``).
ForwardInto = Callable[[Array, Array], Array]
#: ``(Z, A, out) -> g'(Z)``: the local derivative written into ``out``.
DerivativeInto = Callable[[Array, Array, Array], Array]
#: ``(dA, Z, A, out) -> dZ``: a backward step written into ``out`` (for activations without a derivative).
BackwardInto = Callable[[Array, Array, Array, Array], Array]


# --- the kernels, one per activation ------------------------------------------------------------------------

def _sigmoid_into(Z: Array, out: Array) -> Array:
    # 1 / (1 + exp(-z)), as the course writes it. exp overflows to inf for z < -709, which gives the right
    # 0; the kernel leaves silencing that to its caller (an errstate costs as much as a small layer)
    np.negative(Z, out=out)
    np.exp(out, out=out)
    out += 1
    return np.divide(1, out, out=out)


def _sigmoid_derivative_into(Z: Array, A: Array, out: Array) -> Array:
    np.subtract(1, A, out=out)
    out *= A
    return out


def _relu_into(Z: Array, out: Array) -> Array:
    return np.maximum(Z, 0, out=out)


def _relu_derivative_into(Z: Array, A: Array, out: Array) -> Array:
    return np.greater(Z, 0, out=out)


def _leaky_relu_into(Z: Array, out: Array) -> Array:
    # max(z, 0.01 z) is z where z > 0 and 0.01 z elsewhere
    if out is Z:
        return np.maximum(Z, LEAKY_SLOPE * Z, out=out)
    np.multiply(Z, LEAKY_SLOPE, out=out)
    return np.maximum(Z, out, out=out)


def _leaky_relu_derivative_into(Z: Array, A: Array, out: Array) -> Array:
    out[...] = LEAKY_SLOPE
    np.copyto(out, 1.0, where=Z > 0)
    return out


def _tanh_into(Z: Array, out: Array) -> Array:
    return np.tanh(Z, out=out)


def _tanh_derivative_into(Z: Array, A: Array, out: Array) -> Array:
    np.multiply(A, A, out=out)
    return np.subtract(1, out, out=out)


def _linear_into(Z: Array, out: Array) -> Array:
    if out is not Z:
        out[...] = Z
    return out


def _linear_derivative_into(Z: Array, A: Array, out: Array) -> Array:
    out[...] = 1.0
    return out


def _softmax_into(Z: Array, out: Array) -> Array:
    # shifted by the column maximum so exp never overflows
    np.subtract(Z, Z.max(axis=-2, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=-2, keepdims=True)
    return out


def _softmax_backward_into(dA: Array, Z: Array, A: Array, out: Array) -> Array:
    # dZ_i = A_i (dA_i - sum_j dA_j A_j): the Jacobian diag(A) - A A^T applied column by column
    weighted = np.sum(dA * A, axis=-2, keepdims=True)
    np.subtract(dA, weighted, out=out)
    out *= A
    return out


def _chain_rule(derivative_into: DerivativeInto) -> BackwardInto:
    """The backward step of an elementwise activation: ``dZ = dA * g'(Z)``, written into ``out``."""

    def backward_into(dA: Array, Z: Array, A: Array, out: Array) -> Array:
        derivative_into(Z, A, out)
        out *= dA
        return out

    return backward_into


# --- the table ----------------------------------------------------------------------------------------------

def _like(Z: Array) -> Array:
    """An empty float array shaped as ``Z`` (integer inputs are promoted, float32 stays float32)."""
    return np.empty_like(Z, dtype=np.result_type(Z, 0.0))


@dataclass(frozen=True)
class Activation:
    """One activation: its in-place kernels and what is built from them.

    Args:
        name: the key in :data:`ACTIVATIONS` (or ``"softmax"``, the multi-class output).
        forward_into: ``(Z, out) -> A``, ``out`` may be ``Z``.
        derivative_into: ``(Z, A, out) -> g'(Z)``, or ``None`` where the Jacobian is not diagonal (softmax).
        description: one line for the help text.
        backward_into: ``(dA, Z, A, out) -> dZ``, ``out`` not ``dA``; by default the chain rule on
            ``derivative_into`` (softmax gives its own).
        kink: the derivative jumps at ``Z = 0`` (ReLU, leaky ReLU), where central differences straddle it.
        overflows: ``forward_into`` may overflow on the way to a right answer (sigmoid's ``exp(-z)``);
            :meth:`forward` silences that, callers of ``forward_into`` do so themselves.
    """

    name: str
    forward_into: ForwardInto
    derivative_into: DerivativeInto | None
    description: str
    backward_into: BackwardInto | None = None
    kink: bool = False
    overflows: bool = False

    def forward(self, Z: Array) -> Array:
        """``A = g(Z)`` in a new array, ``(n_l, m) -> (n_l, m)``."""
        if self.overflows:
            with np.errstate(over="ignore"):
                return self.forward_into(Z, _like(Z))
        return self.forward_into(Z, _like(Z))

    def derivative(self, Z: Array, A: Array, out: Array | None = None) -> Array:
        """``g'(Z)`` ``(n_l, m)`` from ``Z`` and ``A = g(Z)``, into ``out`` when given."""
        if self.derivative_into is None:
            raise ValueError(f"{self.name} has no elementwise derivative; use backward")
        return self.derivative_into(Z, A, _like(Z) if out is None else out)

    def __post_init__(self) -> None:
        if self.backward_into is None:
            if self.derivative_into is None:
                raise ValueError(f"{self.name} needs a derivative or a backward step")
            object.__setattr__(self, "backward_into", _chain_rule(self.derivative_into))

    def backward(self, dA: Array, Z: Array, A: Array, out: Array | None = None) -> Array:
        """The backward step ``dZ = dA * g'(Z)``, ``(n_l, m)`` each, into ``out`` (not ``dA``) when given."""
        if out is None:
            out = np.empty_like(dA, dtype=np.result_type(dA, Z, 0.0))
        return self.step(dA, Z, A, out)

    @property
    def step(self) -> BackwardInto:
        """``backward_into``, always set (the chain rule on the derivative unless the entry gave its own)."""
        assert self.backward_into is not None  # set in __post_init__
        return self.backward_into


# the entries by name; ACTIVATIONS below puts them in the catalogue's order
_TABLE: dict[str, Activation] = {
    "relu": Activation("relu", _relu_into, _relu_derivative_into, "max(0, z); derivative 1 for z > 0",
                       kink=True),
    "leaky_relu": Activation("leaky_relu", _leaky_relu_into, _leaky_relu_derivative_into,
                             "z for z > 0, 0.01 z otherwise", kink=True),
    "tanh": Activation("tanh", _tanh_into, _tanh_derivative_into, "tanh(z); derivative 1 - a^2"),
    "sigmoid": Activation("sigmoid", _sigmoid_into, _sigmoid_derivative_into, "1/(1+e^-z); derivative a(1-a)",
                          overflows=True),
    "linear": Activation("linear", _linear_into, _linear_derivative_into, "identity; derivative 1"),
}
#: The hidden-layer activations, by name (what ``--activation`` accepts), in the catalogue's order
#: (:data:`core.catalogue.ACTIVATION_NAMES`); a name missing from the table above fails at import.
ACTIVATIONS: dict[str, Activation] = {name: _TABLE[name] for name in ACTIVATION_NAMES}

#: The multi-class output layer's activation (a single output unit is sigmoid).
SOFTMAX = Activation("softmax", _softmax_into, None, "e^z / sum(e^z) over the units of a column",
                     backward_into=_softmax_backward_into)

#: Every activation a layer can have: the hidden ones and softmax.
ALL_ACTIVATIONS: dict[str, Activation] = {**ACTIVATIONS, "softmax": SOFTMAX}

HIDDEN_ACTIVATIONS = tuple(ACTIVATIONS)


def get_activation(name: str) -> Activation:
    """The entry ``name`` of :data:`ALL_ACTIVATIONS` (``KeyError`` otherwise)."""
    return ALL_ACTIVATIONS[name]


def sigmoid(Z: Array) -> Array:
    """Logistic function ``1 / (1 + exp(-Z))``, written as the course writes it."""
    return ACTIVATIONS["sigmoid"].forward(Z)


def relu(Z: Array) -> Array:
    """``max(0, Z)``."""
    return ACTIVATIONS["relu"].forward(Z)


def leaky_relu(Z: Array) -> Array:
    """``Z`` where positive, ``0.01 Z`` elsewhere."""
    return ACTIVATIONS["leaky_relu"].forward(Z)


def softmax(Z: Array) -> Array:
    """Softmax of ``Z`` ``(K, m)`` over the units of each column, shifted by the column maximum."""
    return SOFTMAX.forward(Z)
