"""The steps each symptom of a finished run calls for, in the course's order, with the run's own numbers.

:func:`symptom_steps` treats problems with gradient descent itself (a rising cost, vanishing or exploding
gradients, saturated outputs, badly scaled inputs, symmetric units); :func:`bias_steps` and
:func:`variance_steps` are the basic recipe's halves. Each :class:`Step` says why, from the run's
:class:`~dltutor.core.evidence.Evidence`, and what it changes in the :class:`~dltutor.core.train.TrainConfig`.
Which step comes next, and what was already tried, is :mod:`dltutor.core.next_step`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dltutor.core.evidence import Evidence

if TYPE_CHECKING:
    from dltutor.core.train import TrainConfig

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
    changes: dict[str, object]
    reverts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (tuples as lists; without ``reverts``)."""
        return {"key": self.key, "problem": self.problem, "title": self.title, "why": self.why,
                "action": self.action, "changes": {k: list(v) if isinstance(v, tuple) else v
                                                   for k, v in self.changes.items()}}


def error_pct(x: float | None) -> str:
    """An error rate as the diagnosis writes it (two decimals at most), so one panel never shows 0.71% and 0.714%;
    ``"-"`` for None."""
    return "-" if x is None else f"{round(x * 100, 2):g}%"


def _init_step(config: TrainConfig, why: str) -> Step | None:
    """The initialization that suits the activation, when the run does not already use it."""
    act = config.activation
    init = INIT_FOR.get(act, "he")
    if config.init == init:
        return None
    name = "He" if init == "he" else "Xavier"
    return Step("init", "gradients", f"Initialization: {name}", why,
                f"use {name} initialization (the one for {act})", {"init": init})


def _activation_steps(config: TrainConfig, why: str) -> list[Step]:
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


def symptom_steps(config: TrainConfig, ev: Evidence) -> list[Step]:
    """Steps for problems with gradient descent itself, the first symptom first (before bias/variance)."""
    steps: list[Step] = []
    costs = [c for c in ev.costs if c is not None]
    finite = [c for c in costs if math.isfinite(c)]
    last = costs[-1] if costs else None
    # 1. The cost rises or stops being finite.
    if ev.stopped == "diverged" or (last is not None and finite and
                                    (not math.isfinite(last) or last > finite[0] * RISE)):
        lr = config.learning_rate / 10
        went = ("stopped being finite" if ev.stopped == "diverged" or last is None or not math.isfinite(last)
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
        init_name = INIT_FOR.get(config.activation, "he")
        name = "He" if init_name == "he" else "Xavier"
        layers = ", ".join(str(x) for x in ev.symmetric_layers)
        steps.append(Step("random-init", "symmetry", f"Random initialization ({name})",
                          f"every unit of hidden layer {layers} ended with the same weights: "
                          f"{'zero' if config.init == 'zeros' else 'identical'} initial weights never break "
                          "symmetry, so the layer acts like a single unit",
                          f"use {name} initialization (random, scaled for {config.activation})", {"init": init_name}))
    return steps


def _hidden_sizes(config: TrainConfig) -> list[int]:
    return list(config.layers[1:-1])


def bias_steps(config: TrainConfig, ev: Evidence) -> list[Step]:
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
    bigger: tuple[int, ...]
    if not hidden:
        bigger = (config.layers[0], 16, config.layers[-1])
        words = "add a hidden layer of 16 units"
    else:
        bigger = (config.layers[0],) + tuple(min(2 * n, 512) for n in hidden) + (config.layers[-1],)
        words = "double the hidden units"
    if tuple(bigger) != tuple(config.layers):
        out.append(Step("bigger-network", "bias", "Bigger network",
                        f"training error {error_pct(ev.train_error)} is well above what the data allow: more "
                        "hidden units or layers let the network fit the training set", words, {"layers": bigger}))
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


def variance_steps(config: TrainConfig, ev: Evidence) -> list[Step]:
    """Regularization (L2, dropout, augmentation, early stopping), then more data."""
    gap = f"dev error {error_pct(ev.dev_error)} against training error {error_pct(ev.train_error)}"
    out: list[Step] = []
    lam = 0.7 if config.l2 <= 0 else 2 * config.l2
    out.append(Step("l2", "variance", "Regularization: L2",
                    f"{gap}: penalizing large weights makes the network simpler and its boundary smoother",
                    f"set L2 lambda to {lam:g}", {"l2": lam, "l1": 0.0}))
    if len(config.layers) >= 3:
        kp = min(config.keep_probs) if config.dropout and config.keep_probs is not None else 1.0
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


def still_falling(ev: Evidence) -> bool:
    """Whether the training cost fell by more than :data:`STILL_FALLING` over the last fifth of the run."""
    costs = [c for c in ev.costs if c is not None and math.isfinite(c)]
    if len(costs) < 5:
        return False
    tail = costs[-max(2, len(costs) // 5):]
    return tail[0] > 0 and (tail[0] - tail[-1]) / tail[0] > STILL_FALLING
