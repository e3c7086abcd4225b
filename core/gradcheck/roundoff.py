"""The round-off of the perturbed costs: a first-order error bound of the forward pass, so that a block is
flagged only when it is off beyond what float64 arithmetic alone explains."""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from dltutor.core.activations import ACTIVATIONS
from dltutor.core.gradcheck.perturb import Net
from dltutor.core.network import one_hot

#: Machine epsilon of float64 and the unit round-off (half of it).
EPS_MACHINE = float(np.finfo(np.float64).eps)
UNIT_ROUNDOFF = EPS_MACHINE / 2


class RoundoffScale(Protocol):
    """A round-off scale worked out only when asked (``scale()``), with a cheap lower bound (``lower``)."""

    lower: float

    def __call__(self) -> float: ...


class LazyRoundoff:
    """:func:`roundoff_bound` of a network, computed on first call; ``lower`` is a cheap lower bound."""

    def __init__(self, net: Net) -> None:
        self.net = net
        self.lower = 3 * UNIT_ROUNDOFF * abs(net.cost) if math.isfinite(net.cost) else float("inf")
        self.value: float | None = None

    def __call__(self) -> float:
        if self.value is None:
            self.value = roundoff_bound(self.net)
        return self.value


def roundoff_bound(net: Net) -> float:
    """A first-order bound on the round-off error of one evaluation of J.

    Every rounded quantity ``q`` (each ``Z``, ``A``, the output and the loss terms) carries a relative error
    of about the unit round-off; its effect on J is ``|dJ/dq| |q|``. Summing these over the forward pass
    gives the scale of the noise in ``J(theta +- eps e_i)``, hence in the numerical gradient (divided by
    eps). A saturated output (sigmoid at exactly 0 or 1 against the wrong label) makes it infinite.
    """
    arch, params, m, L = net.arch, net.params, net.m, net.L
    AL, Y = net.A[L], net.Y
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if AL.shape[0] == 1:
            GA = (-(Y / AL) + (1 - Y) / (1 - AL)) / m
            GZ = (AL - Y) / m
        else:
            onehot = one_hot(Y, AL.shape[0])
            GA = np.where(onehot > 0, -onehot / AL, 0.0) / m
            GZ = (AL - onehot) / m
        total = float(np.nansum(np.abs(GA) * np.abs(AL)))
        for l in range(L, 0, -1):  # noqa: E741
            W, b = params[f"W{l}"], params[f"b{l}"]
            total += float((np.abs(GZ) * (np.abs(W) @ np.abs(net.A[l - 1]) + np.abs(b))).sum())
            if l > 1:
                GA = W.T @ GZ
                total += float((np.abs(GA) * np.abs(net.A[l - 1])).sum())
                GZ = ACTIVATIONS[arch.activation].backward(GA, net.Z[l - 1], net.A[l - 1])
    total += 3 * abs(net.cost)
    return UNIT_ROUNDOFF * total if math.isfinite(total) else float("inf")
