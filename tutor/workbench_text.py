"""The workbench's report in words: the title of a check and the notes under its table (Rich text).

UI-free apart from Rich's styled text, which the screen's widgets draw as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text


def title_of(report: Any, descriptions: dict[str, tuple[str, str]]) -> Text:
    """``course — the exercise's code ... · lesson gradient-checking``."""
    out = Text()
    if report.file:
        out.append(Path(report.file).name, style="bold")
        out.append(f" — your backward pass on {report.case}")
        return out
    out.append(report.variant or "?", style="bold")
    fallback = (report.description or "", report.lesson or "")
    description, lesson = descriptions.get(report.variant or "", fallback)
    if description:
        out.append(f" — {description}")
    if lesson:
        out.append(f" · lesson {lesson}", style="dim")
    return out


def notes_of(report: Any) -> Text:
    """Warnings, what the variant should flag, the kinks and the advice, one line each."""
    out = Text()
    lines: list[tuple[str, str]] = []
    for warning in report.warnings:
        lines.append((f"⚠ {warning}", "yellow"))
    if report.expected_flags is not None:
        expected, got = set(report.expected_flags), set(report.flagged)
        should = ", ".join(report.expected_flags) or "nothing"
        if expected == got:
            lines.append((f"✓ this variant should flag {should}: it does", "green"))
        else:
            flagged = ", ".join(report.flagged) or "nothing"
            lines.append((f"✗ this variant should flag {should}; flagged {flagged}", "red"))
    kinks = report.kinks
    if kinks:
        where = ", ".join(f"{k['block']}[{', '.join(str(i + 1) for i in k['index'])}]" for k in kinks[:8])
        more = f" and {len(kinks) - 8} more" if len(kinks) > 8 else ""
        lines.append((f"ReLU kinks (reported, not flagged): {where}{more}", "yellow"))
    elif report.mode != "fast" or report.fallback:
        lines.append(("No ReLU kinks: no unit crosses zero within ±epsilon.", "dim"))
    for advice in report.advice:
        lines.append((f"• {advice}", ""))
    if report.learner_output:
        tail = report.learner_output.strip().splitlines()[-3:]
        lines.append(("your code printed: " + " / ".join(tail), "dim"))
    for n, (text, style) in enumerate(lines):
        if n:
            out.append("\n")
        out.append(text, style)
    return out
