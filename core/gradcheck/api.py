"""The gradient check: :func:`gradient_check` and :func:`check_variant`, from a network and a backward pass to
a :class:`GradCheckReport`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.gradcheck.assemble import assemble_report
from dltutor.core.gradcheck.budget import auto_fallback, check_budget
from dltutor.core.gradcheck.descent import train
from dltutor.core.gradcheck.options import DEFAULT_SAMPLES, CheckOptions
from dltutor.core.gradcheck.perturb import Net, kink_between, numeric_gradient
from dltutor.core.gradcheck.report import GradCheckReport
from dltutor.core.gradcheck.roundoff import LazyRoundoff
from dltutor.core.gradcheck.vectors import gradients_to_vector
from dltutor.core.gradcheck.verdict import CANNOT_TELL, COURSE_EPSILON, cannot_tell_band, fast_verdict
from dltutor.core.gradcheck.words import fmt, plural
from dltutor.core.network import Architecture, LayerCache, backward, compute_cost, forward
from dltutor.core.rng import Rng, make_rng, permutation, randn
from dltutor.core.types import Array, Params
from dltutor.core.variants import DEFAULT_L2, Cache, Variant, course_case, forward_cache, get_variant

BackwardFn = Callable[[Array, Array, Cache], Params]


def resolve_backward(backward_fn: BackwardFn | Variant | str | None) -> tuple[BackwardFn | None, Variant | None]:
    """The backward function to check and its catalogue entry (None for a plain function, or for None:
    :func:`core.network.backward`)."""
    if backward_fn is None:
        return None, None
    if isinstance(backward_fn, str):
        variant = get_variant(backward_fn)
        return variant.backward, variant
    if isinstance(backward_fn, Variant):
        return backward_fn.backward, backward_fn
    return backward_fn, None


DROPOUT_WHY = ("gradient checking needs keep_prob = 1: with dropout on, every evaluation of J draws new "
               "masks, so J is not one function of theta and its numerical gradient is noise; backprop's "
               "gradient belongs to one mask's network only. Check with dropout off, then turn dropout on.")


@np.errstate(all="ignore")  # overflow is detected and reported (a "cannot tell" verdict), never warned about
def gradient_check(
    arch: Architecture,
    params: Params,
    X: Array,
    Y: Array,
    backward_fn: BackwardFn | Variant | str | None = None,
    *,
    l2: float = 0.0,
    l1: float = 0.0,
    keep_probs: Sequence[float] | None = None,
    epsilon: float = COURSE_EPSILON,
    mode: str = "full",
    k: int = DEFAULT_SAMPLES,
    rng: Rng | None = None,
    method: str = "batched",
    dropout: str = "refuse",
    fallback: str = "auto",
    after_iterations: int = 0,
    learning_rate: float = 0.3,
    case: str | None = None,
    strategy: str = "auto",
) -> GradCheckReport:
    """Check backpropagation's gradient against two-sided differences and say where it is wrong.

    Args:
        arch: the network.
        params: ``W1 (n_1, n_x), b1 (n_1, 1), ...``.
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        backward_fn: ``backward(X, Y, cache) -> gradients`` (cache: :class:`core.variants.Cache`), a
            variant id from :data:`core.variants.VARIANTS` or a :class:`Variant`; None checks
            :func:`core.network.backward`.
        l2: L2 strength; its term is part of J (and of the correct gradient).
        l1: L1 strength, likewise.
        keep_probs: one keep probability per hidden layer; any below 1 is refused (``dropout="refuse"``)
            or checked with a loud warning (``dropout="warn"``), because J is then random.
        epsilon: the step, ``1e-12 <= epsilon <= 1``.
        mode: ``full`` (every element), ``sampled`` (``k`` random elements per block) or ``fast`` (one random
            direction; falls back to ``fallback`` when it fails).
        k: elements per block in sampled mode.
        rng: draws the samples, the fast direction and any dropout masks (``default_rng(1)`` when None).
        method: ``batched`` (vectorized) or ``loop`` (the course's per-element loop).
        dropout: ``refuse`` or ``warn``, see ``keep_probs``.
        fallback: after a failed fast check: ``auto`` (full up to 20,000 parameters and
            :data:`MAX_CHECK_WORK`, else sampled), ``full``, ``sampled`` or ``none``.
        after_iterations: also train this many steps (at most 100,000) of plain gradient descent (with the
            correct gradients of :mod:`core.network`) and check again there; the returned report is the one
            after training, with the first in ``.initial``.
        learning_rate: for those steps.
        case: a name for the data/network in the report.
        strategy: how the batched method recomputes perturbed costs: ``auto``, ``whole``, ``layer`` or
            ``row`` (see :func:`core.gradcheck.perturb.numeric_gradient`; all agree to round-off, the stacked
            ones bit for bit with ``loop``).

    Returns:
        A :class:`GradCheckReport`; its verdict is ``cannot tell`` where J, the parameters or the numerical
        gradient are not finite (after a diverging training, say).

    Raises:
        TutorError: a bad option, or a check beyond the budgets of :func:`check_budget` (memory, work).
    """
    t0 = time.perf_counter()
    fn, variant = resolve_backward(backward_fn)
    options = CheckOptions(epsilon=epsilon, mode=mode, k=k, method=method, strategy=strategy, fallback=fallback,
                           dropout=dropout, l2=float(l2), l1=float(l1), after_iterations=after_iterations,
                           learning_rate=learning_rate)
    options.validate(arch, params, X, Y)
    options = replace(options, k=int(k), after_iterations=int(after_iterations))
    warnings: list[str] = []
    dropout_on = keep_probs is not None and any(float(p) < 1 for p in keep_probs)
    if keep_probs is not None:
        if len(keep_probs) != arch.L - 1 or any(not 0 < float(p) <= 1 for p in keep_probs):
            raise TutorError("keep_prob", f"{list(keep_probs)}",
                             f"{arch.L - 1} {plural(arch.L - 1, 'value')} with 0 < keep_prob <= 1")
    # with dropout on, every perturbed cost is one forward pass of its own (the loop)
    check_budget(arch.layers, np.shape(X)[1], mode=mode, k=options.k, fallback=fallback,
                 after_iterations=options.after_iterations, method="loop" if dropout_on else method)
    if keep_probs is not None and dropout_on and dropout == "refuse":
        raise TutorError("keep_prob", f"dropout is on ({list(keep_probs)}): " + DROPOUT_WHY, "keep_prob = 1")
    if dropout_on:
        warnings.append("DROPOUT IS ON: " + DROPOUT_WHY)
    if variant is not None:
        variant.check_applicable(arch, X.shape[1])
        if variant.needs_l2 and not options.l2:
            options = replace(options, l2=DEFAULT_L2)
            warnings.append(f"{variant.id} needs an L2 term in J: checking with lambda = {DEFAULT_L2}")
        if variant.dropout:
            warnings.append("DROPOUT WAS LEFT ON in backprop: " + DROPOUT_WHY)
    if rng is None and (mode != "full" or dropout_on or (variant is not None and variant.dropout)):
        rng = make_rng(1)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y)
    if case is None:
        acts = " ".join([arch.activation] * (arch.L - 1) + [arch.output])
        case = f"a {'-'.join(map(str, arch.layers))} network ({acts}), m = {X.shape[1]}"
    keep = keep_probs if dropout_on else None
    if after_iterations:
        t_initial = time.perf_counter()
        initial = _check(arch, params, X, Y, fn, variant, options, keep, rng, case, list(warnings))
        t_trained = time.perf_counter()
        trained = train(arch, params, X, Y, options.after_iterations, learning_rate, l2=options.l2, l1=options.l1)
        report = _check(arch, trained, X, Y, fn, variant, options, keep, rng, case, list(warnings))
        initial.seconds = t_trained - t_initial
        report.initial = initial
        report.iterations = int(after_iterations)
        if report.verdict == CANNOT_TELL and initial.verdict != CANNOT_TELL:
            report.band = cannot_tell_band(
                f"gradient descent diverged (learning rate {learning_rate:g}, {after_iterations:,} "
                f"{plural(int(after_iterations), 'iteration')}): J is {fmt(report.cost)} there. Use a "
                "smaller learning rate (the course uses 0.3) or fewer iterations to check after training")
        report.advice.append(f"checked at initialization ({initial.verdict}, difference "
                             f"{fmt(initial.difference)}) and after {after_iterations:,} "
                             f"{plural(int(after_iterations), 'iteration')} of gradient descent "
                             f"({report.verdict}, difference {fmt(report.difference)})")
    else:
        report = _check(arch, params, X, Y, fn, variant, options, keep, rng, case, warnings)
    report.seconds = time.perf_counter() - t0
    return report


def analytic_gradients(fn: BackwardFn | None, arch: Architecture, params: Params, X: Array, Y: Array,
                       l2: float, l1: float, keep_probs: Sequence[float] | None, rng: Rng | None,
                       caches: list[LayerCache] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Backprop's gradients; a backward function that raises is reported, not propagated."""
    if keep_probs is not None:
        AL, caches = forward(X, params, arch, training=True, keep_probs=keep_probs, rng=rng)
        cache = Cache(arch, params, caches, AL, l2, l1, rng)
        if fn is None:
            return backward(AL, Y, caches, params, arch, l2=l2, l1=l1), []
    else:
        if caches is not None:
            cache = Cache(arch, params, caches, caches[-1].A, l2, l1, rng)
        else:
            cache = forward_cache(X, params, arch, l2=l2, l1=l1, rng=rng)
        if fn is None:
            return backward(cache.AL, Y, cache.layers, params, arch, l2=l2, l1=l1), []
    try:
        grads = fn(X, Y, cache)
    except (ValueError, IndexError, TypeError, ArithmeticError) as exc:
        return {}, [f"the backward function raised {type(exc).__name__}: {exc}"]
    if not isinstance(grads, dict):
        return {}, [f"the backward function returned {type(grads).__name__}, not a dict of gradients"]
    return grads, []


def sample_index(shapes: Sequence[tuple[int, ...]], k: int, rng: Rng) -> Array:
    """Global indices of ``k`` random elements per block (all of a block smaller than ``k``), sorted."""
    parts, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        parts.append(start + np.sort(permutation(rng, size)[:k]))
        start += size
    return np.concatenate(parts).astype(np.intp)


def _check(arch: Architecture, params: Params, X: Array, Y: Array, fn: BackwardFn | None,
           variant: Variant | None, options: CheckOptions, keep_probs: Sequence[float] | None, rng: Rng | None,
           case: str, warnings: list[str]) -> GradCheckReport:
    """One check at ``params`` (validated): backprop, the perturbed costs the mode asks for, the report.

    ``rng`` is None only when nothing is drawn (full mode, dropout off, a variant that does not draw).
    """
    epsilon, mode, k, method, fallback = options.epsilon, options.mode, options.k, options.method, options.fallback
    l2, l1 = options.l2, options.l1
    net = Net(arch, params, X, Y, l2, l1)
    grads, problems = analytic_gradients(fn, arch, params, X, Y, l2, l1, keep_probs, rng, net.caches)
    warnings = warnings + problems
    sigma = LazyRoundoff(net)
    if l2 or l1:
        data_cost = float(compute_cost(net.A[-1], Y))
        penalty = float(net._penalty({}, {}))
        if math.isfinite(penalty) and penalty > 1e6 * max(abs(data_cost), 1e-300):
            warnings.append(f"the regularization term ({penalty:.3g}) is {penalty / max(abs(data_cost), 1e-300):.2g} "
                            f"times the cross-entropy ({data_cost:.3g}): J is almost all penalty, so a bug in "
                            "the data part of the gradient hides below J's round-off; check with a smaller "
                            "lambda")
    n = net.size
    fast_info = None
    used_fallback = None
    checked_mode = mode
    numeric = np.full(n, np.nan)
    checked = np.zeros(n, dtype=bool)
    kinks = np.zeros(n, dtype=bool)
    if mode == "fast":
        fast_info = _fast(net, grads, epsilon, _drawing(rng), sigma(), keep_probs)
        if fast_info["kink"]:
            warnings.append("a ReLU unit crosses zero along the random direction: the fast check is "
                            "inconclusive")
        # a directional difference that is not finite says J overflowed: no element-wise check would tell
        finite = fast_info["numeric"] is None or math.isfinite(fast_info["numeric"])
        if (not fast_info["passed"] or fast_info["kink"]) and finite:
            checked_mode = auto_fallback(n, arch.layers, net.m, method) if fallback == "auto" else fallback
            used_fallback = None if checked_mode == "none" else checked_mode
    if mode != "fast" or used_fallback is not None:
        index = sample_index(net.shapes, k, _drawing(rng)) if checked_mode == "sampled" \
            else np.arange(n, dtype=np.intp)
        numeric_part, kink_part = numeric_gradient(net, epsilon, index, method, options.strategy, keep_probs, rng)
        numeric[index] = numeric_part
        checked[index] = True
        kinks[index] = kink_part
    return assemble_report(
        net.names, net.shapes, params, grads, numeric, checked, kinks, epsilon=epsilon, mode=mode,
        sigma=sigma, cost=net.cost, m=net.m, l2=l2, l1=l1, fast=fast_info, fallback=used_fallback,
        method=method, case=case,
        warnings=warnings, variant=variant, expected_flags=variant.flags_for(arch) if variant else None)


def _drawing(rng: Rng | None) -> Rng:
    """``rng``, which :func:`gradient_check` always makes for a mode that draws (the fallback is never used)."""
    return rng if rng is not None else make_rng(1)


def _fast(net: Net, grads: Params, epsilon: float, rng: Rng, sigma: float,
          keep_probs: Sequence[float] | None) -> dict[str, Any]:
    """One random direction v: v.grad against (J(theta + eps v) - J(theta - eps v)) / (2 eps)."""
    v = randn(rng, net.size)
    v = (v / np.linalg.norm(v)).reshape(-1, 1)
    try:
        g = gradients_to_vector(grads, ["d" + k for k in net.names]).reshape(-1)
        if g.shape[0] != net.size or not np.all(np.isfinite(g)):
            raise ValueError
    except (KeyError, ValueError, TypeError):
        return {"passed": False, "kink": False, "difference": float("nan"), "analytic": None, "numeric": None,
                "reason": "a gradient block is missing, malformed or not finite"}
    theta = net.vector()
    J_plus, Zp = net.cost_at(theta + epsilon * v, keep_probs, rng)
    J_minus, Zm = net.cost_at(theta - epsilon * v, keep_probs, rng)
    out = fast_verdict(float(g @ v[:, 0]), (J_plus - J_minus) / (2 * epsilon), epsilon, sigma)
    out["kink"] = kink_between(net, Zp, Zm)
    return out


COURSE_CASE_NAME = "the course's case (X 4x3, layers 4-5-3-1, relu relu sigmoid, Y = [1, 1, 0])"


def check_variant(variant: str | Variant = "course", arch: Architecture | None = None,
                  params: Params | None = None, X: Array | None = None, Y: Array | None = None,
                  **options: Any) -> GradCheckReport:
    """:func:`gradient_check` of a catalogue variant, on the course's case unless a network is given.

    Args:
        variant: an id of :data:`core.variants.VARIANTS` (``course``, ``fixed``, ``dW2-doubled``, ...).
        arch: the network (with ``params``, ``X``, ``Y``); the course's case when omitted.
        params: parameters.
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        **options: passed to :func:`gradient_check` (``epsilon``, ``mode``, ``k``, ``rng``, ...).
    """
    if arch is None:
        arch, params, X, Y = course_case()
        options.setdefault("case", COURSE_CASE_NAME)
    if params is None or X is None or Y is None:
        raise TutorError("network", "give arch, params, X and Y together, or none of them",
                         "all four, or none for the course's case")
    return gradient_check(arch, params, X, Y, variant, **options)
