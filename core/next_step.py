"""The next step after a training run, read from the run's own evidence, in the course's order.

A finished :class:`core.train.Training` leaves evidence: its recorded costs, the per-layer gradient norms
``||dW[l]||``, its final weights and its data. :func:`core.evidence.gather_evidence` measures the symptoms the course
teaches to look for, and :func:`advise` turns them into steps, the first symptom first:

1. a cost that rises or stops being finite -> lower the learning rate;
2. gradients that vanish or explode through depth (``||dW1|| / ||dW[L]||`` far from 1), or a first cost
   that saturates -> initialization (He for ReLU, Xavier for tanh) or the activation;
3. badly scaled inputs (features on very different scales) -> normalize;
4. symmetric hidden units (every unit of a layer computes the same thing: zeros) -> random initialization;
5. then the bias/variance diagnosis: bias -> bigger network / train longer; variance -> regularization
   (L2, dropout, augmentation, early stopping) or more data.

Steps are configuration changes (:class:`core.train.TrainConfig` field -> value, plus ``m`` for generated
data). :class:`Attempt` records a step that was applied and the errors before it; :func:`advise` never
offers a step twice, and says when the last one did not help. The CLI and the lab both call :func:`advise`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dltutor.core.evidence import Evidence, gather_evidence  # noqa: F401  (advise's input; callers import it here too)

#: ||dW1|| / ||dW[L]|| at the first record below this: the gradient vanishes on its way to the input.
VANISHING_RATIO = 1e-3
#: ... above this: it explodes.
EXPLODING_RATIO = 1e3
#: Features whose scales (root mean square) differ by this factor or more are badly scaled.
SCALE_SPREAD = 10.0
#: A cost that ends this much above where it started has gone up (5%).
RISE = 1.05
#: A first cost above this (binary cross-entropy; a guess is 0.69) means saturated outputs.
SATURATED_COST = 2.0
#: A train cost that fell by more than this fraction over the last fifth of the run is still going down.
STILL_FALLING = 0.05

#: The recommended initialization for each hidden activation (course: He for ReLU, Xavier for tanh).
INIT_FOR = {"relu": "he", "leaky_relu": "he", "tanh": "xavier", "sigmoid": "xavier", "linear": "xavier"}


@dataclass(frozen=True)
class Step:
    """One step to try.

    Attributes:
        key: a stable id (``lower-lr``, ``init``, ``activation``, ``normalize``, ``bigger-network``, ...).
        problem: the symptom it treats: ``cost``, ``gradients``, ``scaling``, ``symmetry``, ``bias``,
            ``variance``.
        title: what to do, as the course names it.
        why: what this run showed, with its numbers.
        action: what applying it changes, in words.
        changes: :class:`core.train.TrainConfig` field -> value (``m``: examples to generate).
        reverts: the keys of ``changes`` that undo the previous step (it did not help).
    """

    key: str
    problem: str
    title: str
    why: str
    action: str
    changes: dict
    reverts: tuple = ()

    def to_dict(self) -> dict:
        return {"key": self.key, "problem": self.problem, "title": self.title, "why": self.why,
                "action": self.action, "changes": {k: list(v) if isinstance(v, tuple) else v
                                                   for k, v in self.changes.items()}}


@dataclass(frozen=True)
class Attempt:
    """A step that was applied, and the errors of the run it was applied to.

    Attributes:
        key: the step's key.
        problem: the symptom it treated.
        title: its title (for the message when it did not help).
        train_error, dev_error: the errors before it.
        undo: the configuration values it replaced (field -> value), put back when it did not help.
        changes: what the step set (field -> value).
        config, evidence, diagnosis: the run it was applied to (the best run so far): when the step does not
            help, the next step is chosen from this run, the one the undo restores.
        failed: ``(field, value)`` pairs set by earlier steps that did not help (never offered again).
        failed_keys: the keys of earlier steps that did not help.
    """

    key: str
    problem: str
    title: str
    train_error: float
    dev_error: float | None
    undo: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    config: object = field(default=None, compare=False, repr=False)
    evidence: Evidence | None = field(default=None, compare=False, repr=False)
    diagnosis: object = field(default=None, compare=False, repr=False)
    failed: tuple = ()
    failed_keys: tuple = ()


@dataclass(frozen=True)
class Advice:
    """What to do next.

    Attributes:
        step: the step to apply, or None when there is nothing left to try (or nothing to fix).
        alternatives: other steps for the same problem, in order.
        note: how the last applied step went (``"L2 did not help: dev error 13.8% -> 13.8%; moving on"``).
        problem: the symptom the step treats.
    """

    step: Step | None
    alternatives: list[Step] = field(default_factory=list)
    note: str = ""
    problem: str | None = None

    def to_dict(self) -> dict:
        return {"step": None if self.step is None else self.step.to_dict(),
                "alternatives": [s.to_dict() for s in self.alternatives], "note": self.note,
                "problem": self.problem}


def _pct(x: float | None) -> str:
    """As the diagnosis writes error rates (two decimals at most), so one panel never shows 0.71% and 0.714%."""
    return "-" if x is None else f"{round(x * 100, 2):g}%"


def _init_step(config, why: str) -> Step | None:
    """The initialization that suits the activation, when the run does not already use it."""
    act = config.activation
    init = INIT_FOR.get(act, "he")
    if config.init == init:
        return None
    name = "He" if init == "he" else "Xavier"
    return Step("init", "gradients", f"Initialization: {name}", why,
                f"use {name} initialization (the one for {act})", {"init": init})


def _activation_steps(config, why: str) -> list[Step]:
    """Switching away from a saturating activation: tanh with Xavier first, then ReLU with He."""
    out = []
    if config.activation == "sigmoid":
        out.append(Step("activation-tanh", "gradients", "Activation: tanh with Xavier initialization",
                        why + "; the sigmoid's slope is at most 0.25, tanh's is 1 at 0",
                        "switch the hidden activation to tanh and use Xavier initialization",
                        {"activation": "tanh", "init": "xavier"}))
    if config.activation in ("sigmoid", "tanh"):
        out.append(Step("activation-relu", "gradients", "Activation: ReLU with He initialization",
                        why + "; ReLU's slope is 1 wherever a unit is active",
                        "switch the hidden activation to ReLU and use He initialization",
                        {"activation": "relu", "init": "he"}))
    return out


def symptom_steps(config, ev: Evidence) -> list[Step]:
    """Steps for problems with gradient descent itself, the first symptom first (before bias/variance)."""
    steps: list[Step] = []
    costs = [c for c in ev.costs if c is not None]
    finite = [c for c in costs if math.isfinite(c)]
    last = costs[-1] if costs else None
    # 1. The cost rises or stops being finite.
    if ev.stopped == "diverged" or (last is not None and finite and
                                    (not math.isfinite(last) or last > finite[0] * RISE)):
        lr = config.learning_rate / 10
        went = ("stopped being finite" if ev.stopped == "diverged" or not math.isfinite(last)
                else f"went up from {finite[0]:.4g} to {last:.4g}")
        steps.append(Step("lower-lr", "cost", "Lower learning rate",
                          f"the training cost {went}: the steps overshoot the minimum",
                          f"set the learning rate to {lr:g}", {"learning_rate": lr}))
    # 2. Gradients that vanish or explode through depth, or outputs that start saturated.
    ratio = ev.grad_ratio
    L = len(ev.first_grad_norms)
    if ratio is not None and (ratio < VANISHING_RATIO or ratio > EXPLODING_RATIO):
        per_layer = ratio ** (1 / (L - 1))
        kind = "vanish" if ratio < 1 else "explode"
        why = (f"gradients {kind} through depth: at the start ||dW1|| = {ev.first_grad_norms[0]:.1e} against "
               f"||dW{L}|| = {ev.first_grad_norms[-1]:.1e} (about x{per_layer:.2g} per layer), so the first "
               "layers barely learn")
        init = _init_step(config, why)
        if config.activation == "sigmoid":  # Xavier alone cannot lift a slope of at most 0.25
            steps.extend(_activation_steps(config, why))
        else:
            steps.extend([init] if init is not None else [])
            steps.extend(_activation_steps(config, why))
    first = costs[0] if costs else None
    if first is not None and (not math.isfinite(first) or (first > SATURATED_COST and not ev.has_penalty)):
        why = (f"the first training cost is {first:.4g} (a guess costs 0.69): the initial weights are so large "
               "that the outputs saturate, which slows gradient descent down")
        init = _init_step(config, why)
        if init is not None and all(s.key != "init" for s in steps):
            steps.append(Step(init.key, "gradients", init.title, why, init.action, init.changes))
    # 3. Badly scaled inputs.
    if not config.normalize and ev.scale_spread >= SCALE_SPREAD:
        rms = ", ".join(f"{x:.3g}" for x in ev.feature_rms)
        steps.append(Step("normalize", "scaling", "Normalize inputs",
                          f"the input features have very different scales (root mean square {rms}): the cost "
                          "surface is a long narrow valley, so gradient descent needs a tiny learning rate",
                          "normalize the inputs with the training set's mean and variance", {"normalize": True}))
    # 4. Symmetric units.
    if ev.symmetric_layers:
        init = INIT_FOR.get(config.activation, "he")
        name = "He" if init == "he" else "Xavier"
        layers = ", ".join(str(x) for x in ev.symmetric_layers)
        steps.append(Step("random-init", "symmetry", f"Random initialization ({name})",
                          f"every unit of hidden layer {layers} ended with the same weights: "
                          f"{'zero' if config.init == 'zeros' else 'identical'} initial weights never break "
                          "symmetry, so the layer acts like a single unit",
                          f"use {name} initialization (random, scaled for {config.activation})", {"init": init}))
    return steps


def _hidden_sizes(config) -> list[int]:
    return list(config.layers[1:-1])


def bias_steps(config, ev: Evidence) -> list[Step]:
    """Bigger network and train longer (train longer first when the cost was still going down)."""
    out: list[Step] = []
    if ev.stopped == "early-stopping" and config.early_stopping:
        out.append(Step("no-early-stopping", "bias", "Train longer: turn early stopping off",
                        f"early stopping kept the weights of iteration {ev.best_iteration or 0:,}, before the "
                        "training error came down; it couples fitting and regularizing (not orthogonal), so "
                        "train fully and regularize with L2 instead",
                        "turn early stopping off and add L2 (lambda 0.7)",
                        {"early_stopping": None, "l2": 0.7, "l1": 0.0}))
    hidden = _hidden_sizes(config)
    if not hidden:
        bigger = (config.layers[0], 16, config.layers[-1])
        words = "add a hidden layer of 16 units"
    else:
        bigger = (config.layers[0],) + tuple(min(2 * n, 512) for n in hidden) + (config.layers[-1],)
        words = "double the hidden units"
    if tuple(bigger) != tuple(config.layers):
        out.append(Step("bigger-network", "bias", "Bigger network",
                        f"training error {_pct(ev.train_error)} is well above what the data allow: more hidden "
                        "units or layers let the network fit the training set", words, {"layers": bigger}))
    costs = [c for c in ev.costs if c is not None and math.isfinite(c)]
    longer = Step("train-longer", "bias", "Train longer", "", f"double the iterations to {2 * config.iterations:,}",
                  {"iterations": 2 * config.iterations})
    if len(costs) >= 5:
        tail = costs[-max(2, len(costs) // 5):]
        falling = tail[0] > 0 and (tail[0] - tail[-1]) / tail[0] > STILL_FALLING
        why = (f"the training cost was still going down at the end ({tail[0]:.4g} -> {tail[-1]:.4g} over the "
               "last fifth of the run)" if falling else "more iterations may lower the training cost further")
        longer = Step(longer.key, longer.problem, longer.title, why, longer.action, longer.changes)
        if falling:
            out.insert(1 if out and out[0].key == "no-early-stopping" else 0, longer)
            return out
    out.append(longer)
    return out


def variance_steps(config, ev: Evidence) -> list[Step]:
    """Regularization (L2, dropout, augmentation, early stopping), then more data."""
    gap = f"dev error {_pct(ev.dev_error)} against training error {_pct(ev.train_error)}"
    out: list[Step] = []
    lam = 0.7 if config.l2 <= 0 else 2 * config.l2
    out.append(Step("l2", "variance", "Regularization: L2",
                    f"{gap}: penalizing large weights makes the network simpler and its boundary smoother",
                    f"set L2 lambda to {lam:g}", {"l2": lam, "l1": 0.0}))
    if len(config.layers) >= 3:
        kp = min(config.keep_probs) if config.dropout else 1.0
        new = 0.86 if kp >= 1 else round(max(0.5, kp - 0.1), 2)
        if new < kp:
            out.append(Step("dropout", "variance", "Regularization: dropout",
                            f"{gap}: dropping units at random means no unit can rely on any one input",
                            f"set keep_prob to {new:g}", {"keep_probs": (new,)}))
    if not config.augment:
        out.append(Step("augment", "variance", "Regularization: data augmentation",
                        f"{gap}: reflected and jittered copies of the training examples are cheap extra data",
                        "turn on data augmentation", {"augment": True}))
    if not config.early_stopping:
        out.append(Step("early-stopping", "variance", "Early stopping",
                        f"{gap}: stopping where the dev cost is lowest keeps the weights before they fit noise",
                        "stop early with a patience of 8 checks", {"early_stopping": 8}))
    out.append(Step("more-data", "variance", "More data",
                    f"{gap}: more training examples are the surest cure for variance, when you can get them",
                    f"generate twice the examples (m = {2 * ev.examples:,})" if ev.generated else
                    "collect more training data (outside the tutor)",
                    {"m": 2 * ev.examples} if ev.generated and 2 * ev.examples <= 200_000 else {}))
    return out


def _helped(attempt: Attempt, ev: Evidence) -> tuple[bool, str]:
    """Whether the run after ``attempt`` improved what the step treated, and the numbers, in words."""
    if attempt.problem == "variance" and attempt.dev_error is not None and ev.dev_error is not None:
        before, after, name = attempt.dev_error, ev.dev_error, "dev error"
    else:
        before, after, name = attempt.train_error, ev.train_error, "training error"
    return after < before - 1e-12, f"{name} {_pct(before)} -> {_pct(after)}"


def _pairs(changes: dict) -> set:
    return {(k, tuple(v) if isinstance(v, list) else v) for k, v in changes.items()}


def _still_falling(ev: Evidence) -> bool:
    """Whether the training cost fell by more than :data:`STILL_FALLING` over the last fifth of the run."""
    costs = [c for c in ev.costs if c is not None and math.isfinite(c)]
    if len(costs) < 5:
        return False
    tail = costs[-max(2, len(costs) // 5):]
    return tail[0] > 0 and (tail[0] - tail[-1]) / tail[0] > STILL_FALLING


def _without_failed(step: Step, failed: set) -> Step | None:
    """``step`` without the changes of steps that did not help (None when nothing else is left)."""
    kept = {k: v for k, v in step.changes.items() if (k, tuple(v) if isinstance(v, list) else v) not in failed}
    if kept == step.changes:
        return step
    if not kept:
        return None
    action = "turn early stopping off" if step.key == "no-early-stopping" else step.action
    return Step(step.key, step.problem, step.title, step.why, action, kept, step.reverts)


def _base(tried, ev: Evidence):
    """``(helped, numbers, base)``: how the last step went, and the run to advise from (the restored best run
    when it did not help, else None)."""
    last = tried[-1]
    helped, numbers = _helped(last, ev)
    if helped or last.config is None or last.evidence is None:
        return helped, numbers, None
    return helped, numbers, (last.config, last.evidence, last.diagnosis)


def advise(config, ev: Evidence, diagnosis=None, tried: list[Attempt] | tuple = ()) -> Advice:
    """The next step for a finished run, in the course's order, skipping steps already tried.

    Args:
        config: the run's :class:`core.train.TrainConfig`.
        ev: its :class:`Evidence`.
        diagnosis: its bias/variance :class:`core.diagnose.Diagnosis` (None: no held-out set).
        tried: the steps applied so far, oldest first; the last one is the step that led to this run.

    Returns:
        An :class:`Advice`; its ``note`` says whether the last step helped. A step that did not help (measured
        against the best run before it) is undone, and the next step is chosen from that restored run's
        evidence; its changes never come back inside another step.
    """
    done = {a.key for a in tried}
    note = ""
    undo: dict = {}
    failed: set = set(tried[-1].failed) if tried else set()
    failed_keys: set = set(tried[-1].failed_keys) if tried else set()
    if tried:
        last = tried[-1]
        helped, numbers, base = _base(tried, ev)
        if helped:
            note = f"{last.title} helped ({numbers})."
        else:
            undo = {k: v for k, v in last.undo.items() if getattr(config, k, v) != v or k == "m"}
            failed |= _pairs(last.changes)
            failed_keys.add(last.key)
            note = (f"{last.title} did not help ({numbers}); "
                    + ("it is undone and " if undo else "") + "the next step is tried instead"
                    + (", chosen from the best run so far." if base is not None else "."))
            if ev.stopped == "cancelled":
                return Advice(None, [], note)
            if base is not None:
                config, ev, diagnosis = base
    if ev.stopped == "cancelled":
        return Advice(None, [], note)
    candidates = symptom_steps(config, ev)
    focus = getattr(diagnosis, "focus", None) if ev.stopped != "diverged" else None
    if diagnosis is not None and focus is None:
        # Nothing to fix in bias or variance: badly scaled inputs are then only a note, not a step.
        candidates = [s for s in candidates if s.problem != "scaling"]
    if focus == "bias":
        candidates += bias_steps(config, ev)
        if getattr(diagnosis, "high_variance", False):
            candidates += variance_steps(config, ev)
    elif focus == "variance":
        candidates += variance_steps(config, ev)
        if getattr(diagnosis, "high_bias", False):
            candidates += bias_steps(config, ev)
    fresh = [s for s in candidates if s.key not in done and (s.changes or s.key == "more-data")]
    fresh = [t for t in (_without_failed(s, failed) if s.changes else s for s in fresh) if t is not None]
    if not fresh and diagnosis is not None and focus is None and not candidates:
        phrases = list(getattr(diagnosis, "phrases", []))
        verdict = ("low bias and low variance" if phrases[:2] == ["low bias", "low variance"]
                   else ", ".join(phrases) or "nothing pressing")
        done_words = (f"done: {verdict} (training error {_pct(ev.train_error)}, "
                      f"{ev.heldout or 'dev'} error {_pct(ev.dev_error)}): nothing in the basic recipe to fix")
        return Advice(None, [], ((note + " ") if note else "") + done_words + ".", "done")
    if not fresh and _still_falling(ev) and "train-longer" not in failed_keys and ev.stopped != "diverged":
        fresh = [s for s in bias_steps(config, ev) if s.key == "train-longer"]
    if not fresh:
        if candidates:
            note = (note + " " if note else "") + "Every step for this run's symptoms has been tried."
        return Advice(None, [], note.strip())
    step = fresh[0]
    alternatives = [s for s in fresh[1:] if s.problem == step.problem]
    if undo and step.changes:
        undo = {k: v for k, v in undo.items() if k not in step.changes}
        step = Step(step.key, step.problem, step.title, step.why,
                    f"undo the last step and {step.action}", {**undo, **step.changes}, tuple(undo))
    return Advice(step, alternatives, note, step.problem)


def attempt_of(step: Step, config, ev: Evidence, diagnosis=None, tried: list[Attempt] | tuple = ()) -> Attempt:
    """The :class:`Attempt` of applying ``step`` to the run of ``config`` that showed ``ev``.

    With ``tried`` (the attempts that led to that run): when the last of them did not help, the step is
    applied to the restored best run, so that run's configuration, evidence and errors are recorded (what the
    next "helped" is measured against), and the failed step's changes are remembered.
    """
    failed: set = set(tried[-1].failed) if tried else set()
    failed_keys: set = set(tried[-1].failed_keys) if tried else set()
    if tried:
        helped, _numbers, base = _base(tried, ev)
        if not helped:
            failed |= _pairs(tried[-1].changes)
            failed_keys.add(tried[-1].key)
            if base is not None:
                config, ev, diagnosis = base
    if diagnosis is None and ev.dev_error is not None:
        from dltutor.core.diagnose import diagnose

        diagnosis = diagnose(ev.train_error, ev.dev_error)
    undo = {k: (ev.examples if k == "m" else getattr(config, k)) for k in step.changes if k not in step.reverts}
    return Attempt(step.key, step.problem, step.title, ev.train_error, ev.dev_error, undo, dict(step.changes),
                   config, ev, diagnosis, tuple(sorted(failed, key=repr)), tuple(sorted(failed_keys)))
