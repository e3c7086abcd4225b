"""Plain-text report of a training run, shared by ``dltutor train`` and the app's headless panels."""

from __future__ import annotations

from dltutor.tutor.charts import line_chart


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
    heldout = training.heldout
    label = heldout_label(heldout)
    its = [r.iteration for r in history]
    series = {"train cost": (its, [eval_cost(r) for r in history])}
    if heldout:
        series[f"{label} cost"] = (its, [r.dev_cost for r in history])
    if len(history) > 1:
        lines.append(line_chart(series, title="cost", xlabel="iteration", width=width, height=16))
    lines.append("")
    lines += cost_notes(config, heldout)
    penalty = "L2" if config.l2 else ("L1" if config.l1 else "")
    masks = "  with masks" if config.dropout else (f"  with {penalty}" if penalty else "")
    lines.append("iteration  train cost" + (f"  {label} cost" if heldout else "") + masks)
    step = max(1, len(history) // 12)
    shown = history[::step] + ([history[-1]] if history and history[-1] is not history[::step][-1] else [])
    for r in shown:
        dev = f"  {r.dev_cost:>{len(label) + 5}.6g}" if r.dev_cost is not None else ""
        masked = f"  {r.train_cost:>10.6g}" if masks else ""
        lines.append(f"{r.iteration:>9,}  {eval_cost(r):>10.6g}{dev}{masked}")
    lines.append("")
    lines.append(f"accuracy: {accuracy_text(result.accuracy, heldout)}")
    lines += published_lines(preset, dataset, result.accuracy, heldout)
    lines.append(f"stopped: {result.message}; training loop {result.seconds:.2f} s")
    if bayes_error is None and preset is not None:
        bayes_error = preset.data.bayes_error
    diagnosis = None
    if result.stopped != "diverged":
        diagnosis = run_diagnosis(result.accuracy, training.heldout, bayes_error, training)
        verdict = verdict_line(diagnosis, with_step=False)
        if verdict:
            lines.append(verdict)
    lines += advice_lines(run_advice(training, diagnosis))
    return "\n".join(lines)


#: What the course exercises' "test" set is in the tutor: the held-out set runs are compared on (lesson 1).
HELDOUT_NOTE = ("the course's exercise calls this held-out set its test set; the tutor compares runs on it, so it "
                "plays the dev set (lesson 1: a dev set to choose, a test set only once at the end)")


def heldout_label(split: str | None) -> str:
    """The held-out set's name in every report: ``"dev"`` (the set runs are compared on, lesson 1), also
    when the course's file calls it ``test``."""
    return "dev" if split in ("dev", "test") else (split or "held out")


def accuracy_text(accuracy: dict, heldout: str | None, digits: int = 2, sep: str = ", ") -> str:
    """``train 95.73%, dev 92.00%`` with the held-out split named as :func:`heldout_label` does."""
    return sep.join(f"{heldout_label(k) if k == heldout else k} {v:.{digits}%}" for k, v in accuracy.items())


def eval_cost(record) -> float:
    """A record's training cost of the full network (no dropout), as every report shows it."""
    return record.train_cost if getattr(record, "eval_cost", None) is None else record.eval_cost


def cost_notes(config, heldout: str | None) -> list[str]:
    """Which costs a report shows: the full network's, and with dropout, the masked cost beside it."""
    notes = []
    if heldout == "test":
        notes.append(f"note: {HELDOUT_NOTE}")
    if config.dropout:
        notes.append("costs: train and dev costs are the full network's, no dropout, as at test time; 'with masks' "
                     "is the cost gradient descent minimizes, with that iteration's dropout masks (what the "
                     "course's exercise prints)" + (", plus the regularization term" if config.l2 or config.l1
                                                     else ""))
    elif config.l2 or config.l1:
        term = "L2" if config.l2 else "L1"
        notes.append(f"costs: train and dev costs are the full network's cross-entropy, without the {term} term; "
                     f"'with {term}' is the cost gradient descent minimizes, with the {term} term (what the "
                     "course's exercise prints)")
    return notes


def published_lines(preset, dataset, accuracy: dict, heldout: str | None) -> list[str]:
    """On a stand-in, the course's published accuracies on its own file beside this run's."""
    if preset is None or preset.published_accuracy is None or not getattr(dataset, "stand_in", False):
        return []
    train, test = preset.published_accuracy
    ours = accuracy_text(accuracy, heldout)
    return [f"course's published, on {preset.course_file}: train {train:.2%}, dev ('test') {test:.2%}; "
            f"this run, on the stand-in: {ours}"]


def advice_lines(advice) -> list[str]:
    """``Next: ...`` and how to apply it with ``dltutor train`` options, for a :class:`core.next_step.Advice`."""
    lines = []
    if advice.note:
        lines.append(f"last step: {advice.note}")
    if advice.step is None:
        return lines
    step = advice.step
    lines.append(f"Next: {step.title}. {step.why[0].upper() + step.why[1:]}.")
    flags = cli_flags(step.changes)
    if flags:
        lines.append(f"  to apply it: {step.action} (add {flags})")
    if advice.alternatives:
        lines.append("  or: " + "; ".join(s.title for s in advice.alternatives) + ".")
    return lines


def run_advice(training, diagnosis=None, tried=()):
    """The :class:`core.next_step.Advice` for a finished run (the lab asks through
    :func:`tutor.lab.recipe.next_step_of`, which adds what the learner already applied)."""
    from dltutor.core.next_step import advise, gather_evidence

    return advise(training.config, gather_evidence(training), diagnosis, tried)


def cli_flags(changes: dict) -> str:
    """The ``dltutor train`` options that apply a step's changes (``--activation tanh --init xavier``)."""
    parts = []
    for key, value in changes.items():
        if key == "learning_rate":
            parts.append(f"--lr {value:g}")
        elif key in ("init", "activation"):
            parts.append(f"--{key} {value}")
        elif key in ("normalize", "augment") and value:
            parts.append(f"--{key}")
        elif key == "layers":
            parts.append("--layers " + ",".join(str(n) for n in value))
        elif key in ("iterations", "m"):
            parts.append(f"--{key} {int(value)}")
        elif key in ("l2", "l1") and value:
            parts.append(f"--{key} {value:g}")
        elif key == "keep_probs":
            parts.append("--keep-prob " + ",".join(f"{k:g}" for k in value))
        elif key == "early_stopping":
            parts.append(f"--early-stopping {0 if value is None else value}")
    return " ".join(parts)


def run_diagnosis(accuracy: dict, heldout: str | None, bayes_error: float | None = None, training=None):
    """The bias/variance :class:`core.diagnose.Diagnosis` of a finished run, or None without a held-out set.

    Args:
        accuracy: the run's accuracies by split.
        heldout: the split playing the dev set.
        bayes_error: the data's known noise floor, else the course's assumption (near 0).
        training: the run, when at hand: the note on the held-out set's size uses it.
    """
    if not heldout or heldout not in accuracy:
        return None
    from dltutor.core.diagnose import diagnose

    size = None
    if training is not None and heldout in training.splits:
        size = int(training.splits[heldout][0].shape[1])
    return diagnose(1 - accuracy["train"], 1 - accuracy[heldout], bayes_error=bayes_error, dev_examples=size)


def diagnosis_line(accuracy: dict, heldout: str | None, bayes_error: float | None = None) -> str:
    """The bias/variance verdict from a run's accuracies, with the next recipe step when there is a problem."""
    return verdict_line(run_diagnosis(accuracy, heldout, bayes_error))


def verdict_line(d, with_step: bool = True) -> str:
    """``diagnosis: ...`` for a :class:`core.diagnose.Diagnosis` (empty for None), with the next recipe step
    when there is a problem and ``with_step``."""
    if d is None:
        return ""
    step = d.recipe[0].title if d.recipe and d.pressing and with_step else ""
    return f"diagnosis: {d.summary}" + (f" Next: {step}." if step else "")
