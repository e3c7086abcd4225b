"""The training loop's network: the reference maths on preallocated buffers and two flat vectors.

A course-sized step is a few tens of microseconds, so Python overhead is the cost. :class:`LeanNet` keeps
the parameters and gradients in two flat vectors with the per-layer arrays as views, allocates every
buffer once per batch size, applies the ``1/m`` of every gradient as one multiplication of the flat
gradient and updates with one subtraction. Its maths is not its own: every step comes from
:mod:`core.layers` and :mod:`core.activations` with ``out`` buffers, the same operations in the same order
as :mod:`core.network`'s readable passes (tests hold the two together, and both to central differences).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dltutor.core.activations import Activation, get_activation
from dltutor.core.layers import (
    apply_mask,
    cross_entropy_delta,
    l1_gradient,
    l2_gradient,
    linear_backward_into,
    linear_forward,
)
from dltutor.core.network import Architecture
from dltutor.core.types import Array, Params

#: Per-layer dropout masks ``(n_l, m)`` for the hidden layers 1..L-1 (``None`` where a layer keeps all units).
Masks = Sequence[Array | None]


class Buffers:
    """Preallocated activations and deltas for one batch size ``m``, indexed by layer ``1..L``.

    ``Z[l]``, ``A[l]``, ``dZ[l]``, ``dA[l]`` are ``(n_l, m)``; ``out[l]`` is what layer ``l`` passes up
    (``A[l]`` itself, or its own buffer for the dropped-out activations of a dropout layer).
    """

    def __init__(self, layers: Sequence[int], m: int, dropout_layers: Sequence[int]) -> None:
        L = len(layers) - 1
        empty = np.empty((0, m))  # index 0 is never read: layer 0 is X
        self.Z: list[Array] = [empty] + [np.empty((layers[l], m)) for l in range(1, L + 1)]  # noqa: E741
        self.A: list[Array] = [empty] + [np.empty((layers[l], m)) for l in range(1, L + 1)]  # noqa: E741
        self.out: list[Array] = list(self.A)
        for l in dropout_layers:  # noqa: E741
            self.out[l] = np.empty((layers[l], m))
        self.dZ: list[Array] = [empty] + [np.empty((layers[l], m)) for l in range(1, L + 1)]  # noqa: E741
        self.dA: list[Array] = [empty] + [np.empty((layers[l], m)) for l in range(1, L + 1)]  # noqa: E741


class LeanNet:
    """A network whose parameters and gradients are views into two flat vectors.

    The flat layout is ``W1, ..., WL, b1, ..., bL`` so the L2/L1 terms touch one contiguous slice. This is
    an implementation detail: gradient checking flattens in the course's order with
    ``core.gradcheck.dictionary_to_vector``.

    Args:
        arch: the architecture.
        params: the initial ``W1, b1, ...`` (copied in).
        dropout_layers: the hidden layers that may drop units (they get a buffer of their own).
    """

    def __init__(self, arch: Architecture, params: Params, dropout_layers: Sequence[int] = ()) -> None:
        self.arch = arch
        self.dropout_layers = tuple(dropout_layers)
        L = arch.L
        layers = arch.layers
        shapes_W = [(layers[l], layers[l - 1]) for l in range(1, L + 1)]  # noqa: E741
        n_W = sum(a * b for a, b in shapes_W)
        n_b = sum(layers[1:])
        self.theta = np.empty(n_W + n_b)
        self.grad = np.empty(n_W + n_b)
        self.tmp = np.empty(n_W + n_b)
        self.n_W = n_W
        none = np.empty((0, 0))  # index 0 is never read: layers count from 1
        self.W: list[Array] = [none]
        self.b: list[Array] = [none]
        self.dW: list[Array] = [none]
        self.db: list[Array] = [none]
        pos = 0
        for (r, c) in shapes_W:
            self.W.append(self.theta[pos:pos + r * c].reshape(r, c))
            self.dW.append(self.grad[pos:pos + r * c].reshape(r, c))
            pos += r * c
        for l in range(1, L + 1):  # noqa: E741
            r = layers[l]
            self.b.append(self.theta[pos:pos + r].reshape(r, 1))
            self.db.append(self.grad[pos:pos + r].reshape(r, 1))
            pos += r
        for l in range(1, L + 1):  # noqa: E741
            self.W[l][...] = params[f"W{l}"]
            self.b[l][...] = params[f"b{l}"]
        self.acts: list[Activation] = [get_activation(arch.activation)] + [
            get_activation(arch.activation_of(l)) for l in range(1, L + 1)]  # noqa: E741
        # what the loops read per layer, bound once
        self._layers = [(l, self.W[l], self.b[l], self.acts[l].forward_into) for l in range(1, L + 1)]  # noqa: E741
        self._steps = [act.step for act in self.acts]
        self._buffers: dict[int, Buffers] = {}

    @property
    def params(self) -> Params:
        """A copy of the parameters as the course's ordered dict."""
        out = {}
        for l in range(1, self.arch.L + 1):  # noqa: E741
            out[f"W{l}"] = self.W[l].copy()
            out[f"b{l}"] = self.b[l].copy()
        return out

    @property
    def grads(self) -> Params:
        """A copy of the last gradients as ``dW1, db1, ...``."""
        out = {}
        for l in range(1, self.arch.L + 1):  # noqa: E741
            out[f"dW{l}"] = self.dW[l].copy()
            out[f"db{l}"] = self.db[l].copy()
        return out

    def buffers(self, m: int) -> Buffers:
        """The buffers for batches of ``m`` examples, made on first use."""
        buf = self._buffers.get(m)
        if buf is None:
            buf = self._buffers[m] = Buffers(self.arch.layers, m, self.dropout_layers)
        return buf

    def forward(self, X: Array, buf: Buffers, masks: Masks | None = None,
                keep_probs: Sequence[float] | None = None) -> Array:
        """Forward pass of ``X`` ``(n_x, m)`` into ``buf``; returns ``A[L]`` ``(n_L, m)``.

        With ``masks`` (training) the hidden layers drop units, inverted by ``keep_probs``.
        """
        A = X
        last = self.arch.L
        for l, W, b, forward_into in self._layers:  # noqa: E741
            out = forward_into(linear_forward(A, W, b, buf.Z[l]), buf.A[l])
            if masks is not None and l < last:
                D = masks[l - 1]
                if D is not None:
                    assert keep_probs is not None  # masks come with their keep probabilities
                    out = apply_mask(out, D, keep_probs[l - 1], buf.out[l])
            A = out
        return A

    def backward(self, X: Array, Y: Array, buf: Buffers, masks: Masks | None,
                 keep_probs: Sequence[float] | None, l2: float, l1: float, onehot: Array | None,
                 scale_delta_first: bool = False) -> None:
        """Gradients of the last :meth:`forward` into :attr:`grad` (mean over m, plus L2/L1 on weights).

        Args:
            X: the inputs of that forward pass ``(n_x, m)``.
            Y: labels ``(1, m)``.
            buf: the buffers it filled.
            masks, keep_probs: its dropout masks, if any.
            l2, l1: the penalties' strengths.
            onehot: ``(K, m)`` labels for a softmax output, else ``None``.
            scale_delta_first: apply ``1/m`` to ``dZ[L]`` rather than to the gradients (see
                :class:`core.parity.CourseParity`).
        """
        L = self.arch.L
        m = X.shape[1]
        dZ = cross_entropy_delta(buf.A[L], onehot if onehot is not None else Y, buf.dZ[L])
        if scale_delta_first:
            np.multiply(1.0 / m, dZ, out=dZ)
        dW, db, W, steps = self.dW, self.db, self.W, self._steps
        for l in range(L, 1, -1):  # noqa: E741
            dA = buf.dA[l - 1]
            linear_backward_into(dZ, buf.out[l - 1], W[l], dW[l], db[l], dA)
            if masks is not None:
                D = masks[l - 2]
                if D is not None:
                    assert keep_probs is not None  # masks come with their keep probabilities
                    apply_mask(dA, D, keep_probs[l - 2], dA)
            dZ = steps[l - 1](dA, buf.Z[l - 1], buf.A[l - 1], buf.dZ[l - 1])
        linear_backward_into(dZ, X, None, dW[1], db[1], None)
        n_W = self.n_W
        if not scale_delta_first:
            self.grad *= 1.0 / m
        if l2:
            self.grad[:n_W] += l2_gradient(self.theta[:n_W], l2, m, self.tmp[:n_W])
        if l1:
            self.grad[:n_W] += l1_gradient(self.theta[:n_W], l1, m, self.tmp[:n_W])

    def update(self, learning_rate: float) -> None:
        """``theta -= learning_rate * grad`` for every parameter at once."""
        np.multiply(self.grad, learning_rate, out=self.tmp)
        self.theta -= self.tmp

    def grad_norms(self) -> list[float]:
        """Frobenius norm of each layer's ``dW``."""
        return [float(np.linalg.norm(self.dW[l])) for l in range(1, self.arch.L + 1)]  # noqa: E741
