"""From the gradients and the numerical gradient to a :class:`GradCheckReport`: the verdict, the blocks, the
kinks and the warnings (shared by the built-in check and the check of a learner's file)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dltutor.core.bands import Band, verdict_band
from dltutor.core.gradcheck.hints import summarize
from dltutor.core.gradcheck.localize import analyze, kink_elements
from dltutor.core.gradcheck.report import GradCheckReport
from dltutor.core.gradcheck.roundoff import RoundoffScale
from dltutor.core.gradcheck.verdict import cannot_tell_band
from dltutor.core.gradcheck.words import fmt, plural
from dltutor.core.types import Array, Params
from dltutor.core.variants import Variant


def assemble_report(
    names: list[str],
    shapes: list[tuple[int, ...]],
    params: Params,
    grads: dict[str, Any],
    numeric: Array,
    checked: Array,
    kinks: Array,
    *,
    epsilon: float,
    mode: str,
    sigma: float | RoundoffScale,
    cost: float,
    m: int,
    l2: float = 0.0,
    l1: float = 0.0,
    fast: dict[str, Any] | None = None,
    fallback: str | None = None,
    method: str = "batched",
    case: str = "",
    warnings: Sequence[str] = (),
    variant: Variant | None = None,
    expected_flags: tuple[str, ...] | None = None,
    file: str | None = None,
) -> GradCheckReport:
    """Build a :class:`GradCheckReport` from the gradients, the numerical gradient and where it was taken.

    Args:
        names: parameter names in vector order.
        shapes: their shapes.
        params: the parameters.
        grads: the analytic gradients as returned by backprop (may be malformed: reported, not raised).
        numeric: the numerical gradient ``(n,)``, anything where ``checked`` is False.
        checked: which elements were checked ``(n,)``.
        kinks: which elements sit on a kink ``(n,)``.
        epsilon: the step.
        mode: the mode asked for.
        sigma: round-off scale of one evaluation of J.
        cost: J at the parameters.
        m: number of examples.
        fast: the directional check (fast mode).
        fallback: the mode used after a failed fast check.
    """
    notes = list(warnings)
    blocks, difference, without, shape_errors, advice, sigma = analyze(
        names, shapes, grads, numeric, checked, kinks, epsilon=epsilon, sigma=sigma, m=m, params=params,
        l2=l2, l1=l1)
    kink_list = kink_elements(names, shapes, kinks & checked) if kinks.any() else []
    if fast is not None and fallback is None:
        difference = fast["difference"]
        if fast["passed"]:
            band = Band("right", "fast check passed: v.grad agrees with the directional difference",
                        "the gradient is right along a random direction (a bug would show in almost every "
                        "direction); run --mode full to see each block")
        else:
            band = verdict_band(difference if math.isfinite(difference) else float("nan"))
        for b in blocks:
            if b.pattern == "unchecked" and fast["passed"]:
                b.hint = "not checked element by element: the fast check passed"
    else:
        band = verdict_band(without if without is not None else difference)
        if without is not None:
            notes.append(f"{len(kink_list)} {plural(len(kink_list), 'element sits', 'elements sit')} on "
                            f"a ReLU kink, where the two-sided difference "
                            f"is not a derivative; over all elements the difference is {fmt(difference)} "
                            f"({verdict_band(difference).name}), without them {fmt(without)} ({band.name})")
    unusable = _not_finite(cost, params, numeric, checked, fast)
    if unusable:
        # nan - nan and inf - inf compare as "no difference": a verdict there would be a guess
        band = cannot_tell_band()
        notes.append("cannot tell: " + "; ".join(unusable))
    elif not math.isfinite(sigma) and math.isfinite(cost):
        notes.append("the output is saturated (a sigmoid at exactly 0 or 1): round-off swamps the "
                        "numerical gradient, nothing can be flagged")
    report = GradCheckReport(
        variant=variant.id if variant else None, epsilon=epsilon, mode=mode, difference=difference,
        verdict=band.name, band=band, blocks=blocks, kinks=kink_list, difference_excluding_kinks=without,
        cost=cost, n_parameters=int(len(checked)), n_checked=int(np.count_nonzero(checked)),
        roundoff=sigma / epsilon, warnings=notes, advice=advice, shape_errors=shape_errors, fast=fast,
        fallback=fallback, method=method, case=case, lesson=variant.lesson if variant else None,
        description=variant.description if variant else None, expected_flags=expected_flags, l2=l2, l1=l1,
        file=file)
    summarize(report)
    return report


def _not_finite(cost: float, params: Params, numeric: Array, checked: Array,
                fast: dict[str, Any] | None) -> list[str]:
    """Why no verdict can be given: J, the parameters or the numerical gradient hold nan or inf."""
    reasons = []
    if not math.isfinite(cost):
        reasons.append(f"J = {cost} at these parameters (the output saturated against its label, or the "
                       "values overflowed)")
    bad_params = [k for k, v in params.items() if not np.all(np.isfinite(v))]
    if bad_params:
        reasons.append(f"{', '.join(bad_params)} {plural(len(bad_params), 'holds', 'hold')} nan or inf")
    with np.errstate(invalid="ignore"):
        n_bad = int(np.count_nonzero(checked & ~np.isfinite(numeric)))
    if n_bad:
        reasons.append(f"the numerical gradient is not finite at {n_bad} {plural(n_bad, 'element')} "
                       "(J(theta +- eps) overflowed or is nan)")
    if fast is not None and fast.get("numeric") is not None and not math.isfinite(fast["numeric"]):
        reasons.append("the directional difference (J(theta + eps v) - J(theta - eps v)) / 2eps is not finite")
    return reasons
