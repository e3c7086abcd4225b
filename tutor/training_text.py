"""Plain-text report of a training run, shared by ``dltutor train`` and the app's headless panels."""

from __future__ import annotations

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
    lines.append(f"stopped: {result.stopped} ({result.message}); training loop {result.seconds:.2f} s")
    if bayes_error is None and preset is not None:
        bayes_error = preset.data.bayes_error
    verdict = "" if result.stopped == "diverged" else diagnosis_line(result.accuracy, training.heldout, bayes_error)
    if verdict:
        lines.append(verdict)
    return "\n".join(lines)


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
    d = run_diagnosis(accuracy, heldout, bayes_error)
    if d is None:
        return ""
    problem = any(p in d.phrases for p in ("high bias", "high variance"))
    step = d.recipe[0].title if d.recipe and problem else ""
    return f"diagnosis: {d.summary}" + (f" Next: {step}." if step else "")
