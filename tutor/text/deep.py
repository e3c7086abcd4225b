"""A deep-stack report laid out for a reader: its summary and notes, then a per-layer table.

``dltutor deep`` prints :func:`render_deep`. The sentences themselves (summary, notes) come with the
:class:`~dltutor.core.deep.DeepReport`, which publishes them in its JSON too.
"""

from __future__ import annotations

import math

from dltutor.core.deep import DeepReport, fmt


def render_deep(report: DeepReport, max_rows: int = 20) -> str:
    """Plain text: the summary, notes, and a per-layer table (sampled to ``max_rows`` layers when deep)."""
    r = report
    depth = r.depth
    if depth <= max_rows:
        shown = list(range(1, depth + 1))
    else:
        step = (depth - 1) / (max_rows - 1)
        shown = sorted({1 + round(i * step) for i in range(max_rows)})
    header = ["layer", "act std", "mean |a|", "flat", "||dW||", "dZ rms (x top)"]
    if r.expected_std is not None:
        header.insert(2, "a^l * std(X)")
    rows = []
    for l in shown:  # noqa: E741
        s = r.layers[l - 1]
        row = [str(l), fmt(s.act_std), fmt(s.act_mean_abs), "-" if math.isnan(s.flat) else f"{s.flat:.0%}",
               fmt(s.grad_norm), fmt(s.delta_rms)]
        if r.expected_std is not None:
            row.insert(2, fmt(r.expected_std[l - 1]))
        if s.act_overflow or s.grad_overflow:
            row.append("overflow" if s.act_overflow else "grad overflow")
        rows.append(row)
    ncol = max(len(row) for row in rows + [header])
    table = [row + [""] * (ncol - len(row)) for row in [header] + rows]
    widths = [max(len(row[i]) for row in table) for i in range(ncol)]
    lines = [r.summary]
    lines += [f"  - {n}" for n in r.notes]
    lines += ["", f"X: {r.width} x {r.m} N(0, 1) inputs (std {fmt(r.input_std)}); "
              f"weight std {fmt(r.weight_std)}; cost {r.cost}", ""]
    for n, row in enumerate(table):
        lines.append("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if len(shown) < depth:
        lines.append(f"({len(shown)} of {depth} layers shown)")
    return "\n".join(lines)
