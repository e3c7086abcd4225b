"""What counts as off: the relative tolerance, the round-off safety factor and the "cannot tell" verdict.

The bands themselves (right, look, bug) are defined once, NumPy-free, in :mod:`core.bands`.
"""

from __future__ import annotations

import math
from typing import Any

from dltutor.core.bands import Band

#: The course's epsilon.
COURSE_EPSILON = 1e-7
#: A block is flagged when its relative difference exceeds this and its error exceeds the round-off scale.
FLAG_RELATIVE = 1e-4
#: How many times the estimated round-off error a block's error must exceed to be flagged.
ROUNDOFF_SAFETY = 10.0
#: The verdict when J, the parameters or the numerical gradient are not finite.
CANNOT_TELL = "cannot tell"


def relative_tolerance(epsilon: float) -> float:
    """The relative difference a block must exceed to be flagged: :data:`FLAG_RELATIVE`, or more for a large
    epsilon, whose truncation error grows like eps^2."""
    return max(FLAG_RELATIVE, 10 * epsilon * epsilon)


def cannot_tell_band(advice: str | None = None) -> Band:
    """The verdict when J, the parameters or the numerical gradient are not finite: no difference means
    anything there, right or wrong.

    Args:
        advice: what to do instead (the default names the usual causes).
    """
    return Band(CANNOT_TELL, "J or the gradients are not finite",
                advice or "the check cannot tell right from wrong at these parameters: check where J is "
                "finite (a smaller learning rate or fewer --after-iterations, a smaller lambda, smaller "
                "weights)")


def fast_verdict(analytic: float, numeric: float, epsilon: float, sigma: float) -> dict[str, Any]:
    """Compare ``v.grad`` with the directional difference; passed unless off beyond round-off (never
    passed when either is not finite: nan - nan compares as no difference)."""
    if not (math.isfinite(analytic) and math.isfinite(numeric)):
        return {"passed": False, "kink": False, "difference": float("nan"), "analytic": float(analytic),
                "numeric": float(numeric), "reason": "v.grad or the directional difference is not finite"}
    diff = abs(analytic - numeric)
    total = abs(analytic) + abs(numeric)
    rel = diff / total if total > 0 else 0.0
    tol = ROUNDOFF_SAFETY * sigma / epsilon
    passed = not (rel > relative_tolerance(epsilon) and diff > tol)
    return {"passed": bool(passed), "kink": False, "difference": float(rel), "analytic": float(analytic),
            "numeric": float(numeric), "reason": ""}
