"""What a flagged block's numbers say, in words: a constant factor, a sign, a missing 1/m, a penalty term's
gradient, some rows, a whole layer; and the report-level advice built from the flags."""

from __future__ import annotations

import math

import numpy as np

from dltutor.core.gradcheck.report import BlockReport, GradCheckReport
from dltutor.core.gradcheck.vectors import relative_difference
from dltutor.core.gradcheck.verdict import CANNOT_TELL, COURSE_EPSILON, FLAG_RELATIVE
from dltutor.core.gradcheck.words import index_list, plural, ratio_text
from dltutor.core.types import Array, Params

#: A ratio analytic/numeric counts as a constant when the residual is below this fraction.
NEAR_CONSTANT = 1e-3


def _ratio_hint(name: str, r: float, m: int) -> tuple[str, str]:
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-3 * max(abs(b), 1e-12)

    if abs(r) < 1e-3:
        return "zero", (f"{name} is zero where the true gradient is not (a line that never ran, or a wrong "
                        f"variable)")
    if close(r, -1.0):
        return "sign", f"{name} has the wrong sign (ratio -1.00): a minus sign slipped in"
    if m > 1 and close(r, float(m)):
        return "missing-1/m", (f"{name} is m = {m} times too large ({r:.2f}x): a missing 1/m, or a stray factor "
                               f"of {m} (with another number of examples, only a missing 1/m still gives m)")
    if m > 1 and close(r, 1.0 / m):
        return "scaled", (f"{name} is m = {m} times too small ({r:.4g}x): divided by m twice, or by a stray "
                          f"{m} (with another number of examples, only dividing by m twice still gives 1/m)")
    if r < 0:
        return "sign", f"{name} is {ratio_text(r)} times the true gradient: wrong sign and a stray factor"
    return "scaled", (f"{name} is {ratio_text(r)} times the true gradient: look for a stray factor in the line for "
                      f"{name}")


def _penalty_hint(name: str, g: Array, n: Array, W: Array, strength: float, m: int,
                  kind: str, tol: float) -> tuple[str, str] | None:
    """Does ``numeric - analytic`` look like (a multiple of) the L2 or L1 term's gradient?"""
    target = (strength / m) * (W if kind == "l2" else np.sign(W))
    e = n - g
    tt = float(np.dot(target, target))
    if tt == 0:
        return None
    c = float(np.dot(e, target)) / tt
    residual = float(np.linalg.norm(e - c * target))
    if residual > NEAR_CONSTANT * float(np.linalg.norm(e)) + tol:
        return None
    term = "lambda/m * W" if kind == "l2" else "lambda/m * sign(W)"
    label = "L2" if kind == "l2" else "L1"
    if abs(c - 1) < 1e-2:
        return kind, (f"{name} lacks the {label} term's gradient ({term}): the cost has it, the gradient "
                      f"does not")
    if abs(c + 1) < 1e-2:
        return kind, f"{name} has the {label} term's gradient ({term}) twice"
    if kind == "l2" and abs(c - 0.5) < 1e-2:
        return kind, f"{name} has half the {label} gradient: d/dW of lambda/(2m) ||W||^2 is lambda/m * W"
    return kind, f"{name} has {ratio_text(1 - c)} times the {label} gradient ({term}) where 1 is right"


def block_pattern(name: str, shape: tuple[int, ...], g: Array, n: Array, valid: Array,
                   ratio: float | None, tol: float, m: int, params: Params, l2: float,
                   l1: float) -> tuple[str, str]:
    """Say what is wrong with a flagged block: a penalty term, a constant factor, zeros, some rows."""
    key = "d" + name
    gv, nv = g[valid], n[valid]
    W = params.get(name)
    if name.startswith("W") and W is not None:
        for kind, strength in (("l2", l2), ("l1", l1)):
            if strength:
                found = _penalty_hint(key, gv, nv, W.reshape(-1)[valid], strength, m, kind, tol)
                if found:
                    return found
    if ratio is not None:
        return _ratio_hint(key, ratio, m)
    per = tol / math.sqrt(max(len(gv), 1))
    zero_bad = (gv == 0) & (np.abs(nv) > per)
    if np.any(zero_bad):
        return "zero", (f"{key} is zero at {int(zero_bad.sum())} of {len(gv)} {plural(len(gv), 'element')} "
                        "where the true gradient is not")
    if len(shape) == 2 and shape[0] > 1:
        gm = np.where(valid, g, 0.0).reshape(shape)
        nm = np.where(valid, n, 0.0).reshape(shape)
        row_err = np.linalg.norm(gm - nm, axis=1)
        row_n = np.linalg.norm(nm, axis=1)
        row_floor = per * math.sqrt(shape[1])
        bad = (row_err > FLAG_RELATIVE * (np.linalg.norm(gm, axis=1) + row_n)) & (row_err > row_floor)
        good = ~bad & (row_n > row_floor)
        if bad.any() and good.any():
            return "rows", (f"only rows {index_list(np.nonzero(bad)[0])} of {key} are wrong (those units of layer "
                            f"{name[1:]}); rows {index_list(np.nonzero(good)[0])} agree")
    rel = relative_difference(gv, nv)
    return "other", (f"{key} differs from the numerical gradient without a constant factor (relative "
                     f"{rel:.3g})")


def layer_pattern(blocks: list[BlockReport]) -> list[str]:
    """Wrong in a whole layer and every layer below it: the error enters at that layer's dZ."""
    by_layer: dict[int, list[bool]] = {}
    for b in blocks:
        by_layer.setdefault(int(b.name[2:]), []).append(b.flagged)
    if not by_layer:
        return []
    L = max(by_layer)
    whole = [layer for layer in range(1, L + 1) if len(by_layer.get(layer, [])) == 2 and all(by_layer[layer])]
    if not whole:
        return []
    top = max(whole)
    if whole != list(range(1, top + 1)) or any(any(by_layer.get(q, [])) for q in range(top + 1, L + 1)):
        return []
    if top == L:
        text = (f"every block is wrong: the error enters at the output (dZ{L} = A{L} - Y) or is common to "
                f"all layers (the cost, a shared factor)")
        short = f"every block is wrong: the error enters at dZ{L}"
    else:
        below = " and every layer below it" if top > 1 else ""
        text = (f"wrong in layer {top}{below}: the error enters at dZ{top}. Check layer {top}'s activation "
                f"derivative in dZ{top} = dA{top} * g'(Z{top}), or dA{top} = W{top + 1}.T dZ{top + 1} itself "
                f"(a dropout mask left on in backprop lands here too)")
        short = f"part of layers 1-{top} being wrong: the error enters at dZ{top}" if top > 1 else \
            "layer 1 is wrong as a whole: the error enters at dZ1"
    for b in blocks:
        if b.flagged and int(b.name[2:]) <= top and b.pattern not in ("shape", "missing", "nan"):
            b.hint = f"{b.hint}; {short}" if b.hint else short
            if b.pattern == "other":
                b.pattern = "layer"
    return [text]


def summarize(report: GradCheckReport) -> None:
    """Report-level advice: what the flags mean, in a sentence or two."""
    flagged = report.flagged
    if report.shape_errors:
        report.advice.insert(0, f"fix the shape {plural(len(report.shape_errors), 'error')} first: "
                             + "; ".join(report.shape_errors))
    not_finite = [b.name for b in report.blocks if b.pattern == "not-finite"]
    if report.verdict == CANNOT_TELL:
        report.advice.insert(0, "cannot tell whether backpropagation is right: J or the numerical gradient is "
                                "not finite here, and a difference between nan or inf values means nothing")
        if flagged:
            report.advice.append(f"{', '.join(flagged)} {plural(len(flagged), 'is', 'are')} off where the "
                                 "numbers are finite")
    elif flagged:
        report.advice.insert(0, f"flagged: {', '.join(flagged)} (the other blocks agree with the numerical "
                                "gradient)")
        if report.verdict != "bug":
            report.advice.append("the overall difference looks small, yet a block is clearly off: a small "
                                 "block can hide in the total, which is why each block is checked on its own")
    elif report.verdict == "right":
        unresolved = [b.name for b in report.blocks if b.pattern == "roundoff"]
        if unresolved:
            report.advice.insert(0, "backpropagation agrees with the numerical gradient where round-off lets "
                                    f"it tell; {', '.join(unresolved)} {plural(len(unresolved), 'is', 'are')} "
                                    "too small against J's round-off to judge")
        else:
            report.advice.insert(0, "backpropagation agrees with the numerical gradient")
    elif report.mode != "fast" and not not_finite and math.isfinite(report.difference):
        report.advice.append("no block is off beyond round-off: the difference comes from round-off or "
                             "truncation (try epsilon 1e-7, see --sweep)")
    if report.epsilon != COURSE_EPSILON:
        report.advice.append("the bands are the course's rule at epsilon 1e-7; at other epsilons truncation "
                             "and round-off errors move the difference (see the epsilon sweep)")
