"""Plain-text report of a training run, shared by ``dltutor train`` and the app's headless panels."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tutor.charts import line_chart


def render_result(preset, config, dataset, training, records=None, width: int = 80,
                  bayes_error: float | None = None) -> str:
    """The cost curve, the accuracies, why the run stopped, and the bias/variance verdict."""
    result = training.result
    history = list(training.history)
    lines = []
    if preset is not None:
        lines.append(f"preset {preset.name}: {preset.title}")
    lines.append(f"data: {dataset.summary()}")
    if dataset.stand_in:
        lines.append("note: running on a built-in stand-in; pass --data with the course's file for its exact numbers")
    lines.append(f"network: {'-'.join(map(str, config.layers))}, {config.activation}, init {config.init}, "
                 f"lr {config.learning_rate:g}, {config.iterations:,} iterations"
                 + (f", L2 {config.l2:g}" if config.l2 else "") + (f", L1 {config.l1:g}" if config.l1 else "")
                 + (f", keep_prob {','.join(f'{k:g}' for k in config.keep_probs)}" if config.dropout else "")
                 + (", normalized inputs" if config.normalize else "") + (", augmented" if config.augment else ""))
    its = [r.iteration for r in history]
    series = {"train cost": (its, [r.train_cost for r in history])}
    if training.heldout:
        series[f"{training.heldout} cost"] = (its, [r.dev_cost for r in history])
    if len(history) > 1:
        lines.append(line_chart(series, title="cost", xlabel="iteration", width=width, height=16))
    lines.append("")
    lines.append("iteration  train cost" + (f"  {training.heldout} cost" if training.heldout else ""))
    step = max(1, len(history) // 12)
    shown = history[::step] + ([history[-1]] if history and history[-1] is not history[::step][-1] else [])
    for r in shown:
        dev = f"  {r.dev_cost:>10.6g}" if r.dev_cost is not None else ""
        lines.append(f"{r.iteration:>9,}  {r.train_cost:>10.6g}{dev}")
    lines.append("")
    acc = ", ".join(f"{k} {v:.2%}" for k, v in result.accuracy.items())
    lines.append(f"accuracy: {acc}")
    lines.append(f"stopped: {result.message}; training loop {result.seconds:.2f} s")
    if bayes_error is None and preset is not None:
        bayes_error = preset.data.bayes_error
    if result.stopped != "diverged":
        diagnosis = run_diagnosis(result.accuracy, training.heldout, bayes_error)
        trouble = training_trouble(config, [r.train_cost for r in history], diagnosis)
        verdict = verdict_line(diagnosis, with_step=trouble is None)
        if verdict:
            lines.append(verdict)
        if trouble is not None:  # gradient descent itself went wrong: that comes before the recipe
            lines.append(f"training: {trouble.why}. Next: {trouble.title}.")
    return "\n".join(lines)


@dataclass(frozen=True)
class Trouble:
    """A problem with the optimization itself, to fix before reading bias and variance.

    Args:
        title: the step, as the basic recipe would name it (``"Lower learning rate"``).
        why: what the run shows, in one sentence.
        action: what the lab does to apply it, in words.
        changes: lab form field -> new value.
    """

    title: str
    why: str
    action: str
    changes: dict


def training_trouble(config, costs: list[float], diagnosis=None, diverged: bool = False) -> Trouble | None:
    """What went wrong with gradient descent itself, if anything: the first thing to fix.

    A cost that went up or stopped being finite means steps that overshoot: lower the learning rate (more
    units would not help). With high bias, zeros or large random initial weights explain it before the
    network's size does (the course's initialization exercise): He initialization comes first.

    Args:
        config: the run's :class:`core.train.TrainConfig`.
        costs: the recorded train costs, in order (the course's random-init run starts at ``inf``).
        diagnosis: the run's bias/variance :class:`core.diagnose.Diagnosis`, or None.
        diverged: the run stopped because its cost or weights stopped being finite.
    """
    finite = [c for c in costs if c is not None and math.isfinite(c)]
    last = costs[-1] if costs else None
    if diverged or (last is not None and finite and (not math.isfinite(last) or last > finite[0] * 1.05)):
        lr = config.learning_rate / 10
        if diverged or not math.isfinite(last):
            went = "stopped being finite"
        else:
            went = f"went up from {finite[0]:.4g} to {last:.4g}"
        return Trouble("Lower learning rate", f"the training cost {went}: the steps overshoot the minimum",
                       f"set the learning rate to {lr:g}", {"lr": f"{lr:g}"})
    high_bias = diagnosis is not None and "high bias" in diagnosis.phrases
    hidden = len(config.layers) > 2
    if high_bias and hidden and config.init == "zeros":
        return Trouble("Initialization: He", "zero weights make every hidden unit compute the same thing, "
                       "so they never break symmetry", "use He initialization", {"init": "he"})
    if high_bias and hidden and config.init == "random" and config.init_scale >= 3:
        return Trouble("Initialization: He", f"weights drawn {config.init_scale:g} times too large saturate the "
                       "units and slow gradient descent down", "use He initialization", {"init": "he"})
    return None


def run_diagnosis(accuracy: dict, heldout: str | None, bayes_error: float | None = None):
    """The bias/variance :class:`core.diagnose.Diagnosis` of a finished run, or None without a held-out set.

    Args:
        accuracy: the run's accuracies by split.
        heldout: the split playing the dev set.
        bayes_error: the data's known noise floor, else the course's assumption (near 0).
    """
    if not heldout or heldout not in accuracy:
        return None
    from core.diagnose import diagnose

    return diagnose(1 - accuracy["train"], 1 - accuracy[heldout], bayes_error=bayes_error)


def diagnosis_line(accuracy: dict, heldout: str | None, bayes_error: float | None = None) -> str:
    """The bias/variance verdict from a run's accuracies, with the next recipe step when there is a problem."""
    return verdict_line(run_diagnosis(accuracy, heldout, bayes_error))


def verdict_line(d, with_step: bool = True) -> str:
    """``diagnosis: ...`` for a :class:`core.diagnose.Diagnosis` (empty for None), with the next recipe step
    when there is a problem and ``with_step``."""
    if d is None:
        return ""
    problem = any(p in d.phrases for p in ("high bias", "high variance"))
    step = d.recipe[0].title if d.recipe and problem and with_step else ""
    return f"diagnosis: {d.summary}" + (f" Next: {step}." if step else "")
