"""Where the gradient is wrong: the analytic and numerical gradients compared block by block and element by
element, against the round-off scale, with kinks left out of the verdict."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dltutor.core.gradcheck.hints import NEAR_CONSTANT, block_pattern, layer_pattern
from dltutor.core.gradcheck.report import BlockReport
from dltutor.core.gradcheck.roundoff import RoundoffScale
from dltutor.core.gradcheck.vectors import block_scales, relative_difference
from dltutor.core.gradcheck.verdict import ROUNDOFF_SAFETY, relative_tolerance
from dltutor.core.gradcheck.words import plural
from dltutor.core.types import Array, Params


def analyze(
    names: list[str],
    shapes: list[tuple[int, ...]],
    grads: dict[str, Any],
    numeric: Array,
    checked: Array,
    kinks: Array,
    *,
    epsilon: float,
    sigma: float | RoundoffScale,
    m: int,
    params: Params,
    l2: float = 0.0,
    l1: float = 0.0,
) -> tuple[list[BlockReport], float, float | None, list[str], list[str], float]:
    """Compare analytic and numeric gradients block by block and element by element.

    Args:
        names: parameter names ``W1, b1, ...``.
        shapes: their shapes.
        grads: the analytic gradients as returned (maybe malformed).
        numeric: the numerical gradient ``(n,)`` (anything where not checked).
        checked: which elements were checked ``(n,)``.
        kinks: which checked elements sit on a kink ``(n,)``.
        epsilon: the step.
        sigma: the round-off scale of one evaluation of J, or a :class:`core.gradcheck.roundoff.LazyRoundoff`
            computed only when some block is off beyond the relative tolerance.
        m: number of examples (for the "missing 1/m" pattern).
        params: the parameters (for the L2/L1 patterns).

    Returns:
        blocks, the overall difference, the difference without kinks (None when there are none), shape
        errors, report-level advice and the round-off scale used.
    """
    sizes = [math.prod(s) for s in shapes]
    starts = [0]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)
    total = starts[-1] + sizes[-1]
    g = np.empty(total)
    problems: dict[str, tuple[str, str]] = {}
    arrays: Params = {}
    for name, shape, start, size in zip(names, shapes, starts, sizes, strict=True):
        key = "d" + name
        value = grads.get(key) if isinstance(grads, dict) else None
        if value is None:
            problems[key] = ("missing", f"{key} is missing from the gradients")
            g[start:start + size] = np.nan
            continue
        try:
            arr = value if type(value) is Array and value.dtype == np.float64 else \
                np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            problems[key] = ("shape", f"{key} is not an array of numbers")
            g[start:start + size] = np.nan
            continue
        if arr.shape != tuple(shape):
            axis_hint = ""
            if name.startswith("b") and arr.ndim == 2 and arr.shape[0] == 1 and arr.shape[1] == m:
                axis_hint = (": summed over axis=0 (the units) instead of axis=1 (the examples); "
                             f"use np.sum(dZ{name[1:]}, axis=1, keepdims=True)")
            elif arr.size == size:
                axis_hint = ": the right number of values, but a reshape or keepdims=True is missing"
            problems[key] = ("shape", f"{key} has shape {arr.shape} but {name} is {tuple(shape)}{axis_hint}")
            g[start:start + size] = np.nan
            continue
        arrays[key] = arr
        g[start:start + size] = arr.reshape(-1)
    finite = np.isfinite(g)
    finite_all = bool(finite.all())
    if not finite_all:
        for name, start, size in zip(names, starts, sizes, strict=True):
            key = "d" + name
            if key not in problems and not finite[start:start + size].all():
                problems[key] = ("nan", f"{key} holds nan or inf")
    all_checked = bool(checked.all())
    numeric = numeric if all_checked else np.where(checked, numeric, np.nan)
    numeric_finite = np.isfinite(numeric)
    simple = all_checked and finite_all and not kinks.any() and bool(numeric_finite.all())
    valid = checked if simple else checked & ~kinks & finite & numeric_finite
    gz = g if simple else np.where(valid, g, 0.0)
    nz = numeric if simple else np.where(valid, numeric, 0.0)
    kinks_checked = kinks if simple else kinks & checked
    rel_tol = relative_tolerance(epsilon)
    # squares of 1e300 overflow: each block is divided by a power of two first (exact; 1.0 for ordinary
    # values), the analytic and the numeric gradient apart so that a block 1e300 times too large keeps both
    g_scales, n_scales = block_scales(gz, starts), block_scales(nz, starts)
    d_scales = [max(a, b) for a, b in zip(g_scales, n_scales, strict=True)]

    def scaled(x: Array, by: list[float]) -> Array:
        return x if all(sc == 1.0 for sc in by) else x / np.repeat(by, sizes)

    with np.errstate(invalid="ignore", over="ignore"):
        gs, ns = scaled(gz, g_scales), scaled(nz, n_scales)
        dz = gz - nz if all(sc == 1.0 for sc in d_scales) else scaled(gz, d_scales) - scaled(nz, d_scales)
        # one product at a time: a 2,000,000-parameter check holds one temporary, not a stack of eight
        sums = [np.add.reduceat(dz * dz, starts), np.add.reduceat(gs * gs, starts),
                np.add.reduceat(ns * ns, starts), np.add.reduceat(gs * ns, starts)]
        del dz
        if not simple:
            sums += [np.add.reduceat(row.astype(np.float64), starts)
                     for row in (valid, checked, kinks_checked, checked & ~numeric_finite)]
        per_block = list(zip(*[x.tolist() for x in sums], strict=True))
    # per block: ||d||, and ||g||, ||n|| in units of the scale of d
    norms = [(math.sqrt(b[0]), math.sqrt(b[1]) * (sg / sd), math.sqrt(b[2]) * (sn / sd))
             for b, sg, sn, sd in zip(per_block, g_scales, n_scales, d_scales, strict=True)]
    # blocks off by more than the relative tolerance: only they need the round-off bound and the counts
    suspect = any(d > rel_tol * (g + n) for d, g, n in norms)
    if callable(sigma):
        # the bound takes a pass over the network: only worth it when some block might be flagged
        sigma = sigma() if suspect else float(sigma.lower)
    per_element = ROUNDOFF_SAFETY * sigma / epsilon if math.isfinite(sigma) else float("inf")
    if suspect:
        with np.errstate(invalid="ignore"):
            significant_counts = np.add.reduceat(np.abs(nz) > per_element, starts).tolist()
    else:
        significant_counts = [2] * len(starts)
    blocks: list[BlockReport] = []
    shape_errors: list[str] = []
    for b, (name, shape, start, size) in enumerate(zip(names, shapes, starts, sizes, strict=True)):
        key = "d" + name
        sl = slice(start, start + size)
        block_sums = per_block[b]
        d2, g2, n2, gn = block_sums[:4]
        sg, sn, sd = g_scales[b], n_scales[b], d_scales[b]
        significant = significant_counts[b]
        count: float
        if simple:
            count, n_checked, n_k, n_bad = size, size, 0, 0
        else:
            count, n_checked, n_k = block_sums[4], int(block_sums[5]), int(block_sums[6])
            n_bad = int(block_sums[7])
        vectors = (numeric[sl], checked[sl], kinks_checked[sl])
        if key in problems:
            pattern, hint = problems[key]
            if pattern == "shape":
                shape_errors.append(hint)
            analytic = np.asarray(grads[key], dtype=np.float64) if pattern == "nan" \
                else np.full(shape, np.nan)
            blocks.append(BlockReport(key, tuple(shape), None, None, True, hint, pattern, analytic, n_checked,
                                      n_kinks=n_k, vectors=vectors))
            continue
        analytic = arrays[key]
        if not n_checked:
            blocks.append(BlockReport(key, tuple(shape), None, None, False, "not checked element by element",
                                      "unchecked", analytic, 0, vectors=vectors))
            continue
        d_s, g_s, n_s = norms[b]
        d_norm, g_norm, n_norm = d_s * sd, math.sqrt(g2) * sg, math.sqrt(n2) * sn
        relative = d_s / (g_s + n_s) if g_s + n_s > 0 else 0.0
        tol = per_element * math.sqrt(max(count, 1.0))
        flagged = relative > rel_tol and d_norm > tol and count > 0
        rel: float | None = None if n_bad and not count else relative  # None: nothing finite to compare
        ratio: float | None = None
        if n2 > 0 and n_norm > tol and (significant >= 2 or size == 1 or not flagged):
            t = gn / n2  # the ratio analytic/numeric of the scaled blocks
            resid = math.sqrt(max(g2 - 2 * t * gn + t * t * n2, 0.0)) * sg
            if resid <= NEAR_CONSTANT * max(abs(t) * math.sqrt(n2) * sg, g_norm) + tol:
                ratio = t * (sg / sn)
        pattern, hint = "ok", ""
        if flagged:
            v = valid[sl]
            with np.errstate(all="ignore"):
                pattern, hint = block_pattern(name, tuple(shape), g[sl], numeric[sl], v, ratio, tol, m,
                                               params, l2, l1)
        elif rel is not None and rel > rel_tol and count > 0 and d_norm > 0:
            pattern = "roundoff"
            hint = (f"off by {rel:.3g} (relative), within J's round-off ({per_element:.2g} per element): "
                    "too small to judge here")
        if n_bad:
            note = (f"the numerical gradient is not finite at {n_bad} of {n_checked} checked "
                    f"{plural(n_checked, 'element')} (J(theta +- eps) overflowed or is nan): "
                    f"{'those elements' if flagged else 'this block'} cannot be judged")
            if flagged:
                hint = f"{hint}; {note}"
            else:
                pattern, hint = "not-finite", note
        if n_k:
            note = (f"{n_k} {plural(n_k, 'element sits', 'elements sit')} on a ReLU kink (a unit crosses zero "
                    f"between theta-eps and theta+eps): reported, not flagged")
            hint = f"{hint}; {note}" if hint else note
        blocks.append(BlockReport(key, tuple(shape), rel, ratio, flagged, hint, pattern, analytic, n_checked,
                                  abs_error=d_norm, tolerance=tol, n_kinks=n_k, vectors=vectors))
    advice = layer_pattern(blocks)
    without = None
    if problems:
        difference = float("nan")
    elif all_checked:
        difference = relative_difference(g, numeric)
        if not simple and kinks.any():
            without = relative_difference(g[~kinks], numeric[~kinks])
    else:
        difference = relative_difference(g[checked], numeric[checked])
        if kinks_checked.any():
            keep = checked & ~kinks
            without = relative_difference(g[keep], numeric[keep])
    return blocks, difference, without, shape_errors, advice, sigma


def kink_elements(names: list[str], shapes: list[tuple[int, ...]], kinks: Array) -> list[dict[str, Any]]:
    """The kink elements as ``{"block": "dW1", "index": [i, j]}`` (at most 200)."""
    out = []
    starts = np.cumsum([0] + [math.prod(s) for s in shapes])
    for i in np.nonzero(kinks)[0][:200]:
        b = int(np.searchsorted(starts, i, side="right") - 1)
        local = int(i - starts[b])
        out.append({"block": "d" + names[b], "index": [int(v) for v in np.unravel_index(local, shapes[b])]})
    return out
