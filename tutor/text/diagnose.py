"""A diagnosis laid out for a reader: the table of numbers, the recipe, the whole report.

``dltutor diagnose`` and ``dltutor ask`` print :func:`render_diagnosis`; the diagnose screen shows the same
:func:`number_rows` and the same recipe items (:func:`recipe_items`), wrapped to its width. The sentences
themselves (summary, advice, assumptions, notes) come with the :class:`~dltutor.core.diagnose.Diagnosis`.
"""

from __future__ import annotations

from dltutor.core.diagnose import Diagnosis, Gap, High, RecipeStep
from dltutor.core.diagnose.wording import GAP_NAMES, HIGH_PHRASES, LOW_PHRASES, pct, points
from dltutor.core.split import pad_rows


def signed_points(x: float) -> str:
    """A gap in percentage points with its sign: -0.01 -> ``"-1 point"``."""
    return ("-" if x < 0 else "") + points(x)


def number_rows(d: Diagnosis) -> list[list[str]]:
    """``[name, value, how it is measured, verdict]`` rows for the numbers behind a diagnosis.

    The CLI, the ask answers and the app's screen all show these rows.
    """
    m = d.measurement
    rows = [["training error", pct(m.train), "", ""]]
    if m.train_dev is not None:
        rows.append(["train-dev error", pct(m.train_dev), "", ""])
    rows.append(["dev error", pct(m.dev), "", ""])
    if m.test is not None:
        rows.append(["test error", pct(m.test), "", ""])
    rows.append(["Bayes error", pct(m.bayes) + (" (assumed)" if m.bayes_assumed else ""), "", ""])
    var_ref = "train-dev - train" if m.train_dev is not None else "dev - train"
    how = {Gap.AVOIDABLE_BIAS: "train - Bayes", Gap.VARIANCE: var_ref, Gap.DATA_MISMATCH: "dev - train-dev",
           Gap.DEV_OVERFITTING: "test - dev"}
    for gap in Gap:
        size = m.gaps[gap]
        if size is None:
            continue
        kind = m.high[gap]
        if gap == Gap.AVOIDABLE_BIAS and size < 0:
            value, verdict = f"{points(size)} below the Bayes estimate", "below the Bayes estimate (see notes)"
        elif gap == Gap.VARIANCE and size < 0:
            value, verdict = "not measurable", f"{var_ref.split(' - ')[0]} below train by {points(size)} (see notes)"
        else:
            value = signed_points(size)
            verdict = HIGH_PHRASES[gap] + (" (relative)" if kind == High.RELATIVE else "") if kind else LOW_PHRASES[gap]
        rows.append([GAP_NAMES[gap], value, how[gap], verdict])
    return rows


def recipe_items(d: Diagnosis, lab: str = "  [lab: {}]") -> list[str]:
    """The recipe's steps, numbered: ``"1. Bigger network: more hidden units ... [lab: lesson-underfit]"``.

    Args:
        d: the diagnosis.
        lab: how a step's lab preset is shown (``{}`` is its id).
    """
    return [f"{i}. {step.title}: {step.why}" + _lab(step, lab) for i, step in enumerate(d.recipe, 1)]


def _lab(step: RecipeStep, lab: str) -> str:
    return lab.format(step.lab_preset) if step.lab_preset else ""


def render_diagnosis(d: Diagnosis) -> str:
    """Plain text: verdict, what to work on, numbers, assumptions, the recipe in order and the lab presets."""
    lines = [f"Diagnosis: {', '.join(d.phrases)}", d.summary, "", "Numbers"]
    lines += pad_rows(number_rows(d))
    lines += ["", "Assumptions"] + [f"  - {a}" for a in d.assumptions]
    if d.notes:
        lines += ["", "Notes"] + [f"  - {x}" for x in d.notes]
    if d.recipe:
        order = "in order" if d.pressing else "to lower the error further"
        lines += ["", f"Basic recipe, {order} (focus: {d.focus})"]
        lines += [f"  {item}" for item in recipe_items(d)]
    else:
        lines += ["", "Basic recipe", f"  nothing to do: {d.advice}"]
    lab_lines = [f"  {preset} shows {phrase}" for phrase, preset in d.demos.items()]
    lab_lines += [f"  {s.lab_preset} demonstrates '{s.title}'" for s in d.recipe if s.lab_preset]
    if lab_lines:
        lines += ["", "Try it in the lab (dltutor lab --preset NAME)"] + lab_lines
    return "\n".join(lines)
