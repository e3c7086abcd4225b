"""The batched perturbation engine: the perturbed costs ``J(theta +- eps e_i)`` and their two-sided differences.

The perturbed costs are evaluated in vectorized batches, never one Python-level forward pass per element:
small networks stack a copy of theta per perturbation and run the whole network on the stack with
``np.matmul`` (bit for bit the course loop's numbers); larger ones recompute only from the perturbed layer
up, with stacked copies of that layer or, for wide layers, only the perturbed unit's row and a rank-one
update of the layer above. Chunks bound the memory. The costs are J exactly as
:func:`core.network.compute_cost` computes it: cross-entropy with ``nansum`` plus the regularization term.
ReLU kinks (where the two-sided difference straddles a unit's zero) are marked on the way.

Shapes: ``X`` ``(n_x, m)``, ``Y`` ``(1, m)``, parameters ``W{l} (n_l, n_{l-1})``, ``b{l} (n_l, 1)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dltutor.core.activations import get_activation
from dltutor.core.gradcheck.vectors import parameter_names, vector_to_dictionary
from dltutor.core.network import Architecture, LayerCache, compute_cost, forward
from dltutor.core.rng import Rng
from dltutor.core.types import Array, Params

#: Bytes the batched evaluation may hold at once for one chunk of perturbations.
MEMORY_BUDGET = 48 * 2**20


def _act(name: str, Z: Array, inplace: bool = False) -> Array:
    """Activation ``name`` of :mod:`core.activations` on ``(..., n, m)`` stacks (softmax over the unit axis).

    With ``inplace`` the result may overwrite ``Z`` (the values are the same as out of place, bit for bit).
    """
    act = get_activation(name)
    if not inplace:
        return act.forward(Z)
    if act.overflows:  # sigmoid's exp(-z) overflows to inf on its way to the right 0
        with np.errstate(over="ignore"):
            return act.forward_into(Z, Z)
    return act.forward_into(Z, Z)


#: The whole-network stacked path is used while it holds at most this many numbers (it is bit-exact).
WHOLE_LIMIT = 400_000
#: Per layer, the stacked recompute is used below this many numbers; above, the row update.
LAYER_EXACT_LIMIT = 40_000
STRATEGIES = ("auto", "whole", "layer", "row")


#: OpenBLAS runs a product with M*N*K above this on several threads; on a busy machine waking them costs
#: far more than the product, so the row update multiplies in slices below it.
_SINGLE_THREAD_GEMM = 262_144


def _rows_times(rows: Array, A: Array) -> Array:
    """``rows @ A`` for ``rows (B, p)`` and ``A (p, m)``, in slices small enough for one BLAS thread."""
    B, p = rows.shape
    step = max(1, _SINGLE_THREAD_GEMM // max(1, p * A.shape[1]))
    if B <= step:
        product: Array = np.matmul(rows, A)
        return product
    out = np.empty((B, A.shape[1]))
    for start in range(0, B, step):
        np.matmul(rows[start:start + step], A, out=out[start:start + step])
    return out


class Net:
    """A network at one parameter point, with what the perturbation engine reuses.

    Costs are computed exactly as :func:`core.network.compute_cost` computes J (same operations, same
    order, so the stacked paths give the course loop's numbers bit for bit).
    """

    def __init__(self, arch: Architecture, params: Params, X: Array, Y: Array,
                 l2: float = 0.0, l1: float = 0.0, caches: list[LayerCache] | None = None) -> None:
        self.arch, self.params, self.X, self.Y = arch, params, X, Y
        self.l2, self.l1 = float(l2), float(l1)
        self.m: int = X.shape[1]
        self.L = L = arch.L
        self.names = parameter_names(L)
        self.shapes = [params[k].shape for k in self.names]
        sizes = [math.prod(s) for s in self.shapes]
        self.starts = np.array([0, *itertools.accumulate(sizes[:-1])], dtype=np.intp)
        self.size = int(sum(sizes))
        if caches is None:
            AL, caches = forward(X, params, arch, training=False)
        AL = caches[-1].A
        self.caches = caches
        # Z[0] is a placeholder, never read: layers count from 1 as in A[l]
        self.Z: list[Array] = [np.empty((0, self.m)), *[c.Z for c in caches]]
        self.A = [X] + [c.A for c in caches]
        self.cost = compute_cost(AL, Y, params, self.l2, self.l1)
        weights = [params[f"W{q}"] for q in range(1, L + 1)]
        self.sumsq = [0.0] + [np.sum(np.square(W)) for W in weights] if l2 else []
        self.sumabs = [0.0] + [np.sum(np.abs(W)) for W in weights] if l1 else []
        self.Yi = Y[0].astype(np.intp) if arch.layers[-1] > 1 else None
        self.Ymask = (Y == 1) if arch.layers[-1] == 1 and np.all((Y == 0) | (Y == 1)) else None
        self.flat = np.concatenate([params[k].reshape(-1) for k in self.names]).astype(np.float64, copy=False)
        self.kinky = get_activation(arch.activation).kink
        self.kink_layers: set[int] = set()
        self._kink_bounds: list[tuple[int, float, float]] = []
        if self.kinky and L > 1:
            # A perturbation of size eps in layer l moves Z_l by at most eps * max(1, |A_{l-1}|) and, the
            # activations being 1-Lipschitz, Z_q above by at most that times the rows' abs sums of W.
            # A unit can only change sides where |Z_q| is below that bound: elsewhere no kink is possible.
            reach = 0.0
            for q in range(1, L):
                row_sum = float(np.abs(params[f"W{q}"]).sum(axis=1).max())
                reach = max(reach * row_sum, max(1.0, float(np.abs(self.A[q - 1]).max())))
                self._kink_bounds.append((q, float(np.abs(self.Z[q]).min()), reach))

    def set_epsilon(self, eps: float) -> None:
        """Which hidden layers can hold a kink for steps of ``eps`` (the others skip the sign comparison)."""
        self.kink_layers = {q for q, zmin, reach in self._kink_bounds if zmin <= 2 * eps * reach * (1 + 1e-6)}

    def vector(self) -> Array:
        """theta ``(n, 1)``, the course's column."""
        return self.flat.reshape(-1, 1)

    @property
    def is_weight(self) -> Array:
        """Which components of theta are weights (the L1 term's kinks live there)."""
        mask = np.zeros(self.size, dtype=bool)
        for b in range(0, len(self.names), 2):
            mask[self.starts[b]:self.starts[b + 1]] = True
        return mask

    def shape_dict(self) -> dict[str, tuple[int, ...]]:
        return dict(zip(self.names, self.shapes, strict=True))

    # the cost of a batch ------------------------------------------------------------------------------
    def _penalty(self, sq: dict[int, Array], ab: dict[int, Array]) -> Any:
        """The regularization part of J with some layers' sums replaced, as core.network.penalty sums it."""
        total: Any = 0.0
        if self.l2:
            s: Any = 0
            for q in range(1, self.L + 1):
                s = s + sq.get(q, self.sumsq[q])
            total += (1.0 / self.m * self.l2 / 2) * s
        if self.l1:
            s = 0
            for q in range(1, self.L + 1):
                s = s + ab.get(q, self.sumabs[q])
            total += (self.l1 / self.m) * s
        return total

    def _costs(self, AL: Array, pen: Any) -> Array:
        """J for each item of a stack ``AL (B, n_L, m)``, the values of :func:`core.network.compute_cost`.

        For 0/1 labels ``-log(A) Y - log(1 - A) (1 - Y)`` is ``-log`` of A or 1 - A picked by the label:
        the same numbers (the other product is a signed zero, or a nan that nansum drops) in fewer passes.
        """
        m = self.m
        ce: Array
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if AL.shape[1] == 1:
                if self.Ymask is not None:
                    t = np.where(self.Ymask, AL, 1 - AL)
                    np.log(t, out=t)
                    np.negative(t, out=t)
                    ce = np.sum(t, axis=(1, 2))
                    if np.isnan(ce).any():
                        ce = np.nansum(t, axis=(1, 2))
                else:
                    logprobs = np.multiply(-np.log(AL), self.Y) + np.multiply(-np.log(1 - AL), 1 - self.Y)
                    ce = np.nansum(logprobs, axis=(1, 2))
                ce = 1.0 / m * ce
            else:
                picked = AL[:, self.Yi, np.arange(m)]
                ce = 1.0 / m * np.nansum(-np.log(picked), axis=1)
        if self.l2 or self.l1:
            ce = ce + pen
        return ce

    def _upward(self, q: int, Z: Array, kinks: Array, C: int,
                stacks: dict[int, tuple[Array, Array]] | None = None) -> Array:
        """From the stack ``Z`` of layer ``q`` up to the output; marks kinks between the plus/minus halves.

        ``Z`` is consumed (overwritten). ``stacks`` gives per-item weights of the layers above (whole path).
        """
        L = self.L
        while True:
            if q in self.kink_layers:
                kinks |= np.any((Z[:C] > 0) != (Z[C:] > 0), axis=(1, 2))
            A = _act(self.arch.activation_of(q), Z, inplace=True)
            if q == L:
                return A
            q += 1
            W, b = stacks[q] if stacks else (self.params[f"W{q}"], self.params[f"b{q}"])
            Z = np.matmul(W, A)
            Z += b

    def _scatter(self, layer: int, rows: Array, cols: Array, eps: float, C: int,
                 items: Array | None = None, kinks: Array | None = None
                 ) -> tuple[Array, Array]:
        """Per-item copies of layer ``layer``'s W and b ``(2C, n, p)``, ``(2C, n, 1)`` with the perturbations.

        ``items`` are the positions (in ``0..C-1``) of these perturbations; plus at ``k``, minus at ``C + k``.
        """
        W, b = self.params[f"W{layer}"], self.params[f"b{layer}"]
        items = np.arange(len(rows)) if items is None else items
        Ws = np.empty((2 * C,) + W.shape)
        Ws[:] = W
        bs = np.empty((2 * C,) + b.shape)
        bs[:] = b
        isW = cols >= 0
        kW, r, c = items[isW], rows[isW], cols[isW]
        w = W[r, c]
        Ws[kW, r, c] = w + eps
        Ws[C + kW, r, c] = w - eps
        kb, rb = items[~isW], rows[~isW]
        bs[kb, rb, 0] = b[rb, 0] + eps
        bs[C + kb, rb, 0] = b[rb, 0] - eps
        if self.l1 and kinks is not None and len(kW):
            kinks[kW] |= np.sign(w + eps) != np.sign(w - eps)
        return Ws, bs

    def _decode(self, index: Array) -> tuple[Array, Array, Array]:
        """Global indices -> (layer, unit row i, input column j or -1 for a bias)."""
        blocks = np.searchsorted(self.starts, index, side="right") - 1
        layers = blocks // 2 + 1
        is_bias = (blocks % 2) == 1
        local = index - self.starts[blocks]
        p = np.array([s[1] for s in self.shapes[0::2]])[layers - 1]
        rows = np.where(is_bias, local, local // p)
        cols = np.where(is_bias, -1, local % p)
        return layers, rows, cols

    def whole(self, index: Array, eps: float) -> tuple[Array, Array, Array]:
        """Each perturbation recomputes the whole network from stacked parameters (the course loop, batched).

        Row ``k`` of a ``(2C, n)`` stack of theta gets ``+eps`` at ``index[k]`` (``-eps`` in row ``C + k``);
        each layer's weights are a view of it, ``(2C, n_l, n_prev)``. ``np.matmul`` on stacks runs the same
        BLAS product per item as ``np.dot``, so each cost is the course loop's to the last bit.
        """
        C = len(index)
        theta = self.flat
        T = np.empty((2 * C, self.size))
        T[:] = theta
        if C == self.size:  # every element: the perturbations sit on the diagonals
            T[:C].reshape(-1)[::C + 1] += eps
            T[C:].reshape(-1)[::C + 1] -= eps
        else:
            items = np.arange(C)
            T[items, index] += eps
            T[C + items, index] -= eps
        kinks = np.zeros(C, dtype=bool)
        if self.l1:
            w = theta[index]
            kinks |= self.is_weight[index] & (np.sign(w + eps) != np.sign(w - eps))
        stacks = {}
        for l in range(1, self.L + 1):  # noqa: E741
            sW, sb = self.starts[2 * l - 2], self.starts[2 * l - 1]
            n, p = self.shapes[2 * l - 2]
            stacks[l] = (T[:, sW:sb].reshape(2 * C, n, p), T[:, sb:sb + n].reshape(2 * C, n, 1))
        sq = {q: np.sum(np.square(stacks[q][0]), axis=(1, 2)) for q in stacks} if self.l2 else {}
        ab = {q: np.sum(np.abs(stacks[q][0]), axis=(1, 2)) for q in stacks} if self.l1 else {}
        W1, b1 = stacks[1]
        Z = np.matmul(W1, self.X)
        Z += b1
        AL = self._upward(1, Z, kinks, C, stacks)
        J = self._costs(AL, self._penalty(sq, ab))
        return J[:C], J[C:], kinks

    def layer(self, layer: int, rows: Array, cols: Array, eps: float,
              exact: bool) -> tuple[Array, Array, Array]:
        """``J(theta + eps e_i)``, ``J(theta - eps e_i)`` and kink flags for perturbations of one layer.

        Args:
            layer: the layer ``l`` all perturbations touch; layers below it are reused.
            rows: the unit ``i`` of each perturbation ``(C,)``.
            cols: the input ``j`` for a weight ``W[i, j]``, or -1 for the bias ``b[i]`` ``(C,)``.
            eps: the step.
            exact: recompute the layer from stacked weights (bit-identical to the course's loop);
                otherwise only the perturbed unit's row and a rank-one update of the layer above.
        """
        C = len(rows)
        l = layer  # noqa: E741
        W, b = self.params[f"W{l}"], self.params[f"b{l}"]
        n = W.shape[0]
        A_prev = self.A[l - 1]
        kinks = np.zeros(C, dtype=bool)
        sq: dict[int, Array] = {}
        ab: dict[int, Array] = {}
        if exact:
            Ws, bs = self._scatter(l, rows, cols, eps, C, kinks=kinks)
            if self.l2:
                sq[l] = np.sum(np.square(Ws), axis=(1, 2))
            if self.l1:
                ab[l] = np.sum(np.abs(Ws), axis=(1, 2))
            Z = np.matmul(Ws, A_prev)
            Z += bs
            AL = self._upward(l, Z, kinks, C)
        else:
            isW = cols >= 0
            kW = np.nonzero(isW)[0]
            kb = np.nonzero(~isW)[0]
            r, c, rb = rows[kW], cols[kW], rows[kb]
            w = W[r, c]
            w_plus, w_minus = w + eps, w - eps
            if self.l1 and len(kW):
                kinks[kW] |= np.sign(w_plus) != np.sign(w_minus)
            rows2 = np.concatenate([rows, rows])
            Wr = W[rows2]
            Wr[kW, c] = w_plus
            Wr[C + kW, c] = w_minus
            br = b[rows2, 0]
            br[kb] = b[rb, 0] + eps
            br[C + kb] = b[rb, 0] - eps
            z = _rows_times(Wr, A_prev)  # (2C, m): only the perturbed unit's row changes
            z += br[:, None]
            if self.l2:
                s = self.sumsq[l]
                sq[l] = np.full(2 * C, s)
                sq[l][kW] = s - w * w + w_plus * w_plus
                sq[l][C + kW] = s - w * w + w_minus * w_minus
            if self.l1:
                s = self.sumabs[l]
                ab[l] = np.full(2 * C, s)
                ab[l][kW] = s - np.abs(w) + np.abs(w_plus)
                ab[l][C + kW] = s - np.abs(w) + np.abs(w_minus)
            if l == self.L:
                if n == 1:
                    ZL = z[:, None, :]
                else:
                    ZL = np.repeat(self.Z[l][None], 2 * C, axis=0)
                    ZL[np.arange(2 * C), rows2] = z
                AL = _act(self.arch.activation_of(l), ZL, inplace=True)
            else:
                if l in self.kink_layers:
                    kinks |= np.any((z[:C] > 0) != (z[C:] > 0), axis=1)
                delta = _act(self.arch.activation, z, inplace=True)
                delta -= self.A[l][rows2]
                Z_up = self.params[f"W{l + 1}"].T[rows2][:, :, None] * delta[:, None, :]
                Z_up += self.Z[l + 1]
                AL = self._upward(l + 1, Z_up, kinks, C)
        J = self._costs(AL, self._penalty(sq, ab))
        return J[:C], J[C:], kinks

    def chunk_size(self, layer: int, exact: bool) -> int:
        widest = max(self.arch.layers[q] for q in range(layer, self.L + 1))
        n, p = self.shapes[2 * layer - 2]
        per: int = 8 * 2 * (4 * widest * self.m + (n * p if exact else p))
        return max(1, MEMORY_BUDGET // per)

    # one cost at a time (loop method, fast mode) -----------------------------------------------------
    def cost_at(self, theta: Array, keep_probs: Sequence[float] | None = None,
                rng: Rng | None = None) -> tuple[float, list[Array]]:
        """J at a parameter vector and the hidden pre-activations (for kinks), the course's way."""
        params = vector_to_dictionary(theta, self.shape_dict())
        AL, caches = forward(self.X, params, self.arch, training=keep_probs is not None,
                             keep_probs=keep_probs, rng=rng)
        return compute_cost(AL, self.Y, params, self.l2, self.l1), [c.Z for c in caches[:-1]]


def kink_between(net: Net, Zp: list[Array], Zm: list[Array]) -> bool:
    return net.kinky and any(np.any((a > 0) != (b > 0)) for a, b in zip(Zp, Zm, strict=True))


def numeric_gradient(net: Net, eps: float, index: Array, method: str = "batched", strategy: str = "auto",
             keep_probs: Sequence[float] | None = None,
             rng: Rng | None = None) -> tuple[Array, Array]:
    """Two-sided differences at the global indices ``index`` (sorted), and which of them sit on a kink.

    Args:
        net: the network at theta.
        eps: the step.
        index: which components of theta.
        method: ``loop`` (one forward pass per perturbation, the course's way) or ``batched``.
        strategy: for ``batched``: ``whole`` (stacked copies of every layer), ``layer`` (stacked copies of
            the perturbed layer, the ones below reused), ``row`` (the perturbed row and a rank-one update)
            or ``auto`` (whole for small networks, else per layer whichever is cheaper).
        keep_probs: dropout on: every evaluation of J draws new masks (loop only; a demonstration).
        rng: draws those masks.
    """
    numeric = np.empty(len(index))
    kinks = np.zeros(len(index), dtype=bool)
    net.set_epsilon(eps)
    if method == "loop" or keep_probs is not None:
        theta = net.vector()
        for n_i, i in enumerate(index):
            theta_plus = np.copy(theta)
            theta_plus[i][0] = theta_plus[i][0] + eps
            J_plus, Zp = net.cost_at(theta_plus, keep_probs, rng)
            theta_minus = np.copy(theta)
            theta_minus[i][0] = theta_minus[i][0] - eps
            J_minus, Zm = net.cost_at(theta_minus, keep_probs, rng)
            numeric[n_i] = (J_plus - J_minus) / (2 * eps)
            kinks[n_i] = kink_between(net, Zp, Zm)
            if net.l1 and net.names[_block_of(net, i)].startswith("W"):
                w = theta[i][0]
                kinks[n_i] |= np.sign(w + eps) != np.sign(w - eps)
        return numeric, kinks
    layers = net.arch.layers
    per_item = sum(layers[l] * (layers[l - 1] + net.m + 1) for l in range(1, net.L + 1))  # noqa: E741
    if strategy == "whole" or (strategy == "auto" and 2 * len(index) * per_item <= WHOLE_LIMIT):
        step = max(1, MEMORY_BUDGET // (8 * 2 * 2 * per_item))
        for s in range(0, len(index), step):
            part = slice(s, s + step)
            costs_plus, costs_minus, kink = net.whole(index[part], eps)
            numeric[part] = (costs_plus - costs_minus) / (2 * eps)
            kinks[part] = kink
        return numeric, kinks
    all_layers, all_rows, all_cols = net._decode(index)
    for l in range(1, net.L + 1):  # noqa: E741
        sel = np.nonzero(all_layers == l)[0]
        if not len(sel):
            continue
        rows, cols = all_rows[sel], all_cols[sel]
        n_l, p = net.shapes[2 * l - 2]
        if strategy == "auto":
            use_exact = 2 * len(sel) * n_l * (net.m + p) <= LAYER_EXACT_LIMIT or n_l == 1
        else:
            use_exact = strategy in ("layer", "whole")
        step = net.chunk_size(l, use_exact)
        for s in range(0, len(sel), step):
            part = slice(s, s + step)
            costs_plus, costs_minus, kink = net.layer(l, rows[part], cols[part], eps, use_exact)
            numeric[sel[part]] = (costs_plus - costs_minus) / (2 * eps)
            kinks[sel[part]] = kink
    return numeric, kinks


def _block_of(net: Net, i: int) -> int:
    return int(np.searchsorted(net.starts, i, side="right") - 1)
