"""The words the lab shows: status lines, live results, the comparison table and summary, a finished run's
results with its diagnosis and next step (UI-free).

Styled text is returned as lines of ``(text, style)`` spans (a plain ``str`` span has no style), which the
screen assembles into Textual ``Content``; the words themselves are the same as ``dltutor train``'s, from
:mod:`tutor.training_text`, :mod:`tutor.lab_runner` and :mod:`tutor.lab.recipe`.
"""

from __future__ import annotations

from typing import Any

from dltutor.tutor import lab_runner
from dltutor.tutor.lab import recipe
from dltutor.tutor.lab.model import LabModel
from dltutor.tutor.lab.recipe import NextStep
from dltutor.tutor.lab.training import LabRun, Update
from dltutor.tutor.lab_runner import COMPARISONS, CUSTOM, FormValues
from dltutor.tutor.training_text import eval_cost, heldout_label

#: One line of styled text: spans of plain text or ``(text, style)``.
Line = list[str | tuple[str, str]]

#: The setting each comparison has in the lessons: (preset name prefix, what the lesson found there).
LESSON_SETTINGS = {
    "init": ("course-init-", "He is best; zeros never break symmetry"),
    "reg": ("course-reg-", "L2 and dropout close the gap between train and test"),
    "norm": ("lesson-normalize", "normalized inputs train faster"),
}

HELP = ("space  start or pause the run\n"
        "s      one recorded point at a time\n"
        "esc    cancel · r reset · l log-scale cost\n"
        "1 2 3  compare inits, regularizers, normalization\n"
        "x      after a run: apply the suggested step\n"
        "v      next view · e export the runs (JSON, CSV, SVG)\n"
        "tab    the options form (enter in it runs)")

READY = "ready: space starts the run"

#: The Start button's label in each state.
START_LABELS = {"running": "⏸ Pause", "preparing": "⏸ Pause", "paused": "▶ Resume"}


def idle_info(values: FormValues) -> str:
    """The line above the panels before a run: the preset's title and description, or how to use the form."""
    preset = values.get("preset")
    if preset and preset != CUSTOM:
        from dltutor.core.presets import PRESETS

        p = PRESETS[preset]
        return f"{p.title}: {p.description}"
    return "Your own options: set them in the form (tab moves between fields)."


def prepared_info(model: LabModel) -> str:
    """The line above the panels once the runs are prepared: the data, notes, and the comparison."""
    first = model.runs[0]
    notes = "; ".join(first.notes)
    info = first.dataset.summary() + (f" ({notes})" if notes else "")
    if model.mode == "compare" and model.comparison:
        info = f"Compare {COMPARISONS[model.comparison].title} · " + info
    return info


def where(model: LabModel, update: Update) -> str:
    """Where a run is, for the status line (``1,000/3,000``; a comparison names the run)."""
    run = model.runs[update.index]
    text = f"{update.iteration:,}/{run.training.config.iterations:,}"
    if model.mode == "compare":
        text = f"{run.label} ({update.index + 1} of {len(model.runs)}) {text}"
    return text


def running_status(model: LabModel, update: Update) -> str:
    rate = f" · {update.rate:,.0f} it/s" if update.rate else ""
    return f"running {where(model, update)}{rate}"


def paused_status(model: LabModel, update: Update) -> str:
    return f"paused at {where(model, update)}: space resumes"


def finished_status(model: LabModel, index: int) -> str:
    if model.mode == "compare":
        return f"finished: {len(model.runs)} runs compared"
    return f"finished: {model.runs[index].training.result.message.split(':')[0]}"


def live_text(run: LabRun) -> str | None:
    """A single run's last recorded point while it trains (None before the first)."""
    history = run.training.history.records
    if not history:
        return None
    r = history[-1]
    heldout = run.training.heldout
    done = run.training.iteration
    # the status counts iterations done; a record is taken before its iteration's update, every log_every
    head = f"iteration {r.iteration:,}" if done == r.iteration else \
        f"{done:,} iterations done; last recorded point: iteration {r.iteration:,}"
    lines = [head, f"train accuracy {r.train_accuracy:.1%}, cost {eval_cost(r):.4f}"]
    if heldout and r.dev_accuracy is not None:
        lines.append(f"{heldout_label(heldout)} accuracy {r.dev_accuracy:.1%}, cost {r.dev_cost:.4f}")
    return "\n".join(lines)


def row(run: LabRun) -> list[str]:
    """A comparison table row: run, train accuracy, held-out accuracy, train cost, how it ended."""
    result = run.training.result
    heldout = run.training.heldout
    if result is None:
        history = run.training.history.records
        if not history:
            return [run.label, "", "", "", "waiting"]
        r = history[-1]
        dev = f"{r.dev_accuracy:.1%}" if r.dev_accuracy is not None else "-"
        return [run.label, f"{r.train_accuracy:.1%}", dev, f"{eval_cost(r):.2f}", f"at {run.training.iteration:,}"]
    dev = f"{result.accuracy[heldout]:.1%}" if heldout in result.accuracy else "-"
    cost = result.cost.get("train", float("nan"))
    ended = {"completed": "ok", "early-stopping": "early stop", "diverged": "diverged",
             "cancelled": "cancelled"}.get(result.stopped, result.stopped)
    if result.stopped != "completed":
        ended += f" {result.iteration:,}"
    return [run.label, f"{result.accuracy['train']:.1%}", dev, f"{cost:.2f}", ended]


def table(model: LabModel) -> tuple[list[list[str]], str]:
    """The comparison table's rows and the name of its held-out column."""
    heldout = model.runs[0].training.heldout if model.runs else None
    return [row(r) for r in model.runs], heldout_label(heldout)


def result_lines(run: LabRun, diagnosis: Any, step: NextStep | None) -> list[Line]:
    """A finished single run: accuracies, costs and how it ended, the diagnosis and the step ``x`` applies."""
    result = run.training.result
    lines: list[Line] = []
    for line in lab_runner.result_lines(result, run.training.heldout, run.plan.preset, run.dataset,
                                        run.training.config):
        head, _, rest = line.partition(": ")
        lines.append([(head + ": ", "bold"), rest])
    if result.stopped == "diverged":
        lines.append([("Diverged. ", "bold $error"), "Lower the learning rate, or use He initialization."])
    if diagnosis is not None:
        lines.append([("diagnosis: ", "bold"), diagnosis.summary])
    if step is not None:
        lines.extend([(head, "bold"), text] for head, text in recipe.next_lines(step))
        if step.changes:
            lines.append([("press x", "bold $accent"), f" to {step.action}."])
    elif diagnosis is not None and diagnosis.focus is None:
        verdict = ("Low bias and low variance" if "low variance" in diagnosis.phrases
                   else ", ".join(diagnosis.phrases).capitalize())
        lines.append([f"{verdict}: nothing in the basic recipe to fix."])
    return lines


def compare_summary(model: LabModel) -> str:
    """A finished comparison: the best held-out accuracy and what the comparison changed."""
    lines = [f"Compared {COMPARISONS[model.comparison or ''].title}."]
    best = None
    for run in model.runs:
        result = run.training.result
        heldout = run.training.heldout
        if result is None or result.stopped == "cancelled":
            continue
        acc = result.accuracy.get(heldout or "train", 0.0)
        if best is None or acc > best[1]:
            best = (run.label, acc)
    if best is not None:
        name = heldout_label(model.runs[0].training.heldout) if model.runs[0].training.heldout else "train"
        lines.append(f"Best {name} accuracy: {best[0]} ({best[1]:.1%}).")
    lines.append(compare_setting(model))
    lines.append("Highlight a row to see its boundary and gradients.")
    return "\n".join(lines)


def compare_setting(model: LabModel) -> str:
    """What the comparison kept from the form and what it changed; on another setting than the lesson's,
    where the lesson's result comes from (a comparison meant to teach must not seem to contradict it)."""
    if not model.runs:
        return ""
    config = model.runs[0].plan.config
    values = model.values_run
    changed = {"init": "the initialization", "reg": "the regularization",
               "norm": "input normalization"}.get(model.comparison or "", "one option")
    kept = (f"Each run is your form's setting ({values.get('dataset', '?')} data, layers "
            f"{','.join(str(n) for n in config.layers)}, {config.activation}, {config.iterations:,} "
            f"iterations) with only {changed} changed.")
    lesson_preset = LESSON_SETTINGS.get(model.comparison or "")
    preset = model.runs[0].plan.preset or ""
    if lesson_preset is None or preset.startswith(lesson_preset[0]):
        return kept + " This is the lesson's own setting."
    return (f"{kept} The lesson's comparison ({lesson_preset[1]}) uses preset {lesson_preset[0]}…: choose it "
            "in the form and press the same key to see it.")
