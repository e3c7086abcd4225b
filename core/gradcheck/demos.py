"""The lessons' demonstrations: the difference against epsilon (a U), and one-sided against two-sided
differences in one dimension."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dltutor.core.bands import verdict_band
from dltutor.core.catalogue import DEFAULT_SWEEP
from dltutor.core.errors import TutorError
from dltutor.core.gradcheck.api import BackwardFn, analytic_gradients, resolve_backward, sample_index
from dltutor.core.gradcheck.budget import check_budget, sweeps_every_element
from dltutor.core.gradcheck.options import DEFAULT_SAMPLES, check_epsilon
from dltutor.core.gradcheck.perturb import Net, numeric_gradient
from dltutor.core.gradcheck.vectors import gradients_to_vector, relative_difference
from dltutor.core.gradcheck.verdict import CANNOT_TELL
from dltutor.core.network import Architecture
from dltutor.core.rng import Rng, make_rng
from dltutor.core.types import Array, Params
from dltutor.core.variants import Variant, course_case

#: The one-dimensional demo's largest |theta|.
MAX_THETA = 1e6


@np.errstate(all="ignore")
def epsilon_sweep(arch: Architecture | None = None, params: Params | None = None, X: Array | None = None,
                  Y: Array | None = None, backward_fn: BackwardFn | Variant | str | None = None, *,
                  l2: float = 0.0, l1: float = 0.0,
                  epsilons: Sequence[float] = DEFAULT_SWEEP, k: int = DEFAULT_SAMPLES,
                  rng: Rng | None = None) -> list[dict[str, Any]]:
    """The course's difference against epsilon: truncation error (~eps^2) above, round-off (~1/eps) below.

    Every element is perturbed at every epsilon while that stays within
    :data:`core.gradcheck.budget.MAX_CHECK_WORK`; for a larger network the same ``k`` random elements per block
    at every epsilon (``n_checked`` says how many).

    Args:
        arch: the network; the course's case (and its correct backprop) when omitted.
        params: parameters.
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        backward_fn: as in :func:`gradient_check`.
        epsilons: the steps, largest first (1e-1 down to 1e-10 by default).
        k: elements per block when the network is too large to sweep every element.
        rng: draws those elements (``default_rng(1)`` when None).

    Returns:
        ``[{"epsilon", "difference", "band", "n_checked", "n_parameters"}, ...]``; the smallest difference
        sits in the middle (a U).

    Raises:
        TutorError: a bad epsilon, a malformed gradient (nothing to sweep), or too much work even sampled.
    """
    if arch is None:
        arch, params, X, Y = course_case()
    if params is None or X is None or Y is None:
        raise TutorError("epsilon_sweep", "give arch, params, X and Y together, or none of them")
    for e in epsilons:
        check_epsilon(e)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise TutorError("samples", f"{k!r} samples per block", "an integer >= 1")
    m = np.shape(X)[1]
    check_budget(arch.layers, m, mode="", k=int(k), sweep=len(epsilons))
    fn, _ = resolve_backward(backward_fn)
    net = Net(arch, params, X, Y, l2, l1)
    grads, problems = analytic_gradients(fn, arch, params, X, Y, l2, l1, None, make_rng(1), net.caches)
    wrong = [f"d{name}" for name in net.names if not isinstance(grads.get("d" + name), np.ndarray)
             or grads["d" + name].shape != params[name].shape or not np.all(np.isfinite(grads["d" + name]))]
    if problems or wrong:
        raise TutorError("backward_fn", "no difference to sweep: " + "; ".join(problems or
                         [f"{key} is missing, has the wrong shape or is not finite" for key in wrong]),
                         "a backward pass returning one finite gradient per parameter")
    g = gradients_to_vector(grads, ["d" + name for name in net.names]).reshape(-1)
    if sweeps_every_element(arch.layers, m, len(epsilons)):
        index = np.arange(net.size, dtype=np.intp)
    else:
        index = sample_index(net.shapes, int(k), rng if rng is not None else make_rng(1))
        g = g[index]
    out = []
    for e in epsilons:
        numeric, _ = numeric_gradient(net, float(e), index)
        d = relative_difference(g, numeric)
        band = verdict_band(d).name if math.isfinite(d) and math.isfinite(net.cost) else CANNOT_TELL
        out.append({"epsilon": float(e), "difference": d, "band": band, "n_checked": int(len(index)),
                    "n_parameters": int(net.size)})
    return out


def one_dimensional_demo(theta: float = 1.0, eps: float = 0.01,
                         epsilons: Sequence[float] | None = None) -> dict[str, Any]:
    """One-sided against two-sided estimates of the derivative of ``f(theta) = theta^3``.

    At theta = 1 and eps = 0.01 the two-sided estimate is 3.0001 (error 1e-4, O(eps^2)) and the one-sided
    one 3.0301 (error 0.0301, O(eps)).

    Returns:
        ``{"function", "theta", "epsilon", "true", "one_sided", "two_sided", "errors": {"one_sided",
        "two_sided"}, "sweep": [{"epsilon", "one_sided_error", "two_sided_error"}, ...]}``.
    """
    theta, eps = float(theta), float(eps)
    allowed = "a finite number with |theta| <= 1e6"
    if not math.isfinite(theta):
        raise TutorError("theta", f"{theta!r} is not a finite number", allowed)
    if abs(theta) > MAX_THETA:
        raise TutorError("theta", f"{theta:g} is too large: |theta| must be at most 1e6", allowed)
    eps = check_epsilon(eps)

    def f(t: float) -> float:
        return t ** 3

    def estimates(e: float) -> tuple[float, float]:
        return (f(theta + e) - f(theta)) / e, (f(theta + e) - f(theta - e)) / (2 * e)

    true = 3 * theta ** 2
    one, two = estimates(eps)
    sweep = []
    for e in epsilons if epsilons is not None else 10.0 ** -np.arange(1, 12, 0.5):
        o, t = estimates(float(e))
        sweep.append({"epsilon": float(e), "one_sided_error": abs(o - true),
                      "two_sided_error": abs(t - true)})
    return {
        "function": "theta^3",
        "theta": theta,
        "epsilon": eps,
        "true": true,
        "one_sided": one,
        "two_sided": two,
        "errors": {"one_sided": abs(one - true), "two_sided": abs(two - true)},
        "order": {"one_sided": "O(eps)", "two_sided": "O(eps^2)"},
        "sweep": sweep,
    }


def course_one_dimensional_check(x: float = 2.0, theta: float = 4.0,
                                 epsilon: float = 1e-7) -> dict[str, float]:
    """The course's 1-D check of ``J(theta) = theta * x`` (published difference 2.919335883291695e-10)."""
    epsilon = check_epsilon(epsilon)
    thetaplus, thetaminus = theta + epsilon, theta - epsilon
    J_plus, J_minus = thetaplus * x, thetaminus * x
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = x
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return {"x": x, "theta": theta, "epsilon": epsilon, "grad": float(grad), "gradapprox": float(gradapprox),
            "difference": float(numerator / denominator)}
