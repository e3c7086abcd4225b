"""A gradient-check report as plain text: the verdict band with its log scale, the per-block table, the hints
and the advice (``dltutor gradcheck`` prints it; the workbench's "try it" panel shows it)."""

from __future__ import annotations

import math

from dltutor.core.bands import COURSE_THRESHOLD, LIKELY_BUG
from dltutor.core.gradcheck.report import GradCheckReport
from dltutor.core.gradcheck.verdict import CANNOT_TELL
from dltutor.core.gradcheck.words import fmt, plural, ratio_text

_SCALE_LOW, _SCALE_HIGH, _PER_DECADE = -11, 0, 5


def render_scale(difference: float) -> str:
    """Three lines: a log axis from 1e-11 to 1, the right/look/bug zones, and a caret at ``difference``."""
    width = (_SCALE_HIGH - _SCALE_LOW) * _PER_DECADE + 1

    def col(x: float) -> int:
        return int(round((math.log10(x) - _SCALE_LOW) * _PER_DECADE))

    axis = [" "] * (width + 6)
    for e in range(_SCALE_LOW, _SCALE_HIGH + 1, 2):
        label = f"1e{e}" if e else "1"
        start = col(10.0 ** e)
        for i, ch in enumerate(label):
            if start + i < len(axis):
                axis[start + i] = ch
    zones = []
    look, bug = col(COURSE_THRESHOLD), col(LIKELY_BUG)
    for i in range(width):
        zones.append("=" if i < look else "~" if i < bug else "#")
    bar = "".join(zones)
    bar = bar[:1] + "right" + bar[6:look + 1] + "look" + bar[look + 5:bug + 1] + "bug" + bar[bug + 4:]
    caret = ""
    d = float(difference)
    if math.isfinite(d):
        pos = 0 if d <= 0 else min(max(col(d), 0), width - 1)
        caret = " " * pos + f"^ {fmt(d, 4)}"
    else:
        caret = " " * (width - 1) + "^ not a number"
    return "\n".join(["".join(axis).rstrip(), bar, caret])


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _render_one(report: GradCheckReport, title: str | None = None) -> list[str]:
    lines: list[str] = []
    if title:
        lines += [title, "-" * len(title)]
    what = report.file or (f"variant {report.variant}" if report.variant else "your backward pass")
    lines.append(f"Gradient check of {what} on {report.case}")
    if report.description:
        lines.append(f"  {report.description}")
    checked = f"{report.n_checked} of {report.n_parameters} elements"
    if report.mode == "fast":
        checked = "one random direction" + (f", then {report.fallback}: {checked}" if report.fallback else "")
    extra = f", lambda {report.l2:g}" if report.l2 else ""
    extra += f", L1 {report.l1:g}" if report.l1 else ""
    lines.append(f"epsilon {report.epsilon:g}, mode {report.mode} ({checked}){extra}, "
                 f"J = {fmt(report.cost, 6)}, {report.seconds * 1000:.1f} ms")
    for w in report.warnings:
        lines.append(f"warning: {w}")
    lines.append("")
    if report.fast is not None:
        f = report.fast
        state = "passed" if f["passed"] and not f["kink"] else "inconclusive" if f["kink"] \
            or report.verdict == CANNOT_TELL else "FAILED"
        if f.get("analytic") is not None:
            lines.append(f"fast check {state}: v.grad = {f['analytic']:.10g}, "
                         f"(J(theta+eps v) - J(theta-eps v))/2eps = {f['numeric']:.10g}, "
                         f"difference {fmt(f['difference'])}")
        else:
            lines.append(f"fast check {state}: {f['reason']}")
    diff = report.difference
    lines.append(f"difference = {diff!r}" if math.isfinite(diff) else "difference = not a number")
    if report.difference_excluding_kinks is not None:
        lines.append(f"difference without the {len(report.kinks)} kink "
                     f"{plural(len(report.kinks), 'element')} = "
                     f"{report.difference_excluding_kinks!r} (the verdict uses this one)")
    lines.append(f"verdict: {report.verdict.upper()} ({report.band.label}): {report.band.advice}")
    lines.append("")
    if not (report.fast is not None and report.fallback is None):
        at = report.difference_excluding_kinks if report.difference_excluding_kinks is not None else diff
        lines += ["  " + s for s in render_scale(at).split("\n")]
        lines.append("")
    rows = []
    for b in report.blocks:
        rows.append([b.name, "x".join(str(s) for s in b.shape), fmt(b.relative_difference),
                     "-" if b.ratio is None else ratio_text(b.ratio),
                     "FLAGGED" if b.flagged else "not checked" if b.pattern == "unchecked"
                     else "not finite" if b.pattern == "not-finite"
                     else "round-off" if b.pattern == "roundoff" else "ok",
                     str(b.n_kinks) if b.n_kinks else ""])
    lines.append(_table(rows, ["block", "shape", "relative diff", "ratio", "status", "kinks"]))
    hints = [f"  {b.name}: {b.hint}" for b in report.blocks if b.hint and b.pattern != "unchecked"]
    if hints:
        lines += ["", "hints:"] + hints
    if report.advice:
        lines += [""] + [f"- {a}" for a in report.advice]
    if report.expected_flags is not None:
        expected = set(report.expected_flags)
        got = set(report.flagged)
        status = "as expected" if expected == got else f"expected {sorted(expected) or 'none'}"
        lines.append(f"- this variant should flag {', '.join(report.expected_flags) or 'nothing'}: {status}")
    if report.lesson:
        lines.append(f"- more in the lesson: dltutor lesson {report.lesson}")
    return lines


def render_report(report: GradCheckReport) -> str:
    """The plain-text report: verdict band with its scale, the per-block table and the hints."""
    if report.initial is not None:
        lines = _render_one(report.initial, "At initialization")
        lines += [""] + _render_one(report, f"After {report.iterations:,} "
                                            f"{plural(report.iterations, 'iteration')} of gradient descent")
    else:
        lines = _render_one(report)
    if report.learner_output:
        lines += ["", "your code printed:", report.learner_output.rstrip()]
    return "\n".join(lines)
