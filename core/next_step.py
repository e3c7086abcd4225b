"""The next step after a training run, read from the run's own evidence, in the course's order.

A finished :class:`core.train.Training` leaves evidence: its recorded costs, the per-layer gradient norms
``||dW[l]||``, its final weights and its data. :func:`core.evidence.gather_evidence` measures the symptoms the course
teaches to look for, and :func:`advise` turns them into steps, the first symptom first (the steps
themselves, with the run's numbers, are :mod:`core.remedies`):

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dltutor.core.evidence import Evidence, gather_evidence
from dltutor.core.remedies import Step, bias_steps, error_pct, still_falling, symptom_steps, variance_steps

if TYPE_CHECKING:
    from dltutor.core.diagnose import Diagnosis
    from dltutor.core.train import TrainConfig

# Evidence, gather_evidence and the step builders are advise's inputs; callers import them from here too.
__all__ = ["Advice", "Attempt", "Evidence", "Step", "advise", "attempt_of", "bias_steps", "gather_evidence",
           "symptom_steps", "variance_steps"]

#: A configuration field and the value a step set it to (what a step that did not help is remembered by).
Pair = tuple[str, object]


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
    undo: dict[str, object] = field(default_factory=dict)
    changes: dict[str, object] = field(default_factory=dict)
    config: TrainConfig | None = field(default=None, compare=False, repr=False)
    evidence: Evidence | None = field(default=None, compare=False, repr=False)
    diagnosis: Diagnosis | None = field(default=None, compare=False, repr=False)
    failed: tuple[Pair, ...] = ()
    failed_keys: tuple[str, ...] = ()


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

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"step": None if self.step is None else self.step.to_dict(),
                "alternatives": [s.to_dict() for s in self.alternatives], "note": self.note,
                "problem": self.problem}


def _helped(attempt: Attempt, ev: Evidence) -> tuple[bool, str]:
    """Whether the run after ``attempt`` improved what the step treated, and the numbers, in words."""
    if attempt.problem == "variance" and attempt.dev_error is not None and ev.dev_error is not None:
        before, after, name = attempt.dev_error, ev.dev_error, "dev error"
    else:
        before, after, name = attempt.train_error, ev.train_error, "training error"
    return after < before - 1e-12, f"{name} {error_pct(before)} -> {error_pct(after)}"


def _pairs(changes: dict[str, object]) -> set[Pair]:
    return {(k, tuple(v) if isinstance(v, list) else v) for k, v in changes.items()}



def _without_failed(step: Step, failed: set[Pair]) -> Step | None:
    """``step`` without the changes of steps that did not help (None when nothing else is left)."""
    kept = {k: v for k, v in step.changes.items() if (k, tuple(v) if isinstance(v, list) else v) not in failed}
    if kept == step.changes:
        return step
    if not kept:
        return None
    action = "turn early stopping off" if step.key == "no-early-stopping" else step.action
    return Step(step.key, step.problem, step.title, step.why, action, kept, step.reverts)


def _base(
    tried: Sequence[Attempt], ev: Evidence
) -> tuple[bool, str, tuple[TrainConfig, Evidence, Diagnosis | None] | None]:
    """``(helped, numbers, base)``: how the last step went, and the run to advise from (the restored best run
    when it did not help, else None)."""
    last = tried[-1]
    helped, numbers = _helped(last, ev)
    if helped or last.config is None or last.evidence is None:
        return helped, numbers, None
    return helped, numbers, (last.config, last.evidence, last.diagnosis)


def advise(
    config: TrainConfig, ev: Evidence, diagnosis: Diagnosis | None = None, tried: Sequence[Attempt] = ()
) -> Advice:
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
    undo: dict[str, object] = {}
    failed: set[Pair] = set(tried[-1].failed) if tried else set()
    failed_keys: set[str] = set(tried[-1].failed_keys) if tried else set()
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
        done_words = (f"done: {verdict} (training error {error_pct(ev.train_error)}, "
                      f"{ev.heldout or 'dev'} error {error_pct(ev.dev_error)}): nothing in the basic recipe to fix")
        return Advice(None, [], ((note + " ") if note else "") + done_words + ".", "done")
    if not fresh and still_falling(ev) and "train-longer" not in failed_keys and ev.stopped != "diverged":
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


def attempt_of(
    step: Step, config: TrainConfig, ev: Evidence, diagnosis: Diagnosis | None = None,
    tried: Sequence[Attempt] = (),
) -> Attempt:
    """The :class:`Attempt` of applying ``step`` to the run of ``config`` that showed ``ev``.

    With ``tried`` (the attempts that led to that run): when the last of them did not help, the step is
    applied to the restored best run, so that run's configuration, evidence and errors are recorded (what the
    next "helped" is measured against), and the failed step's changes are remembered.
    """
    failed: set[Pair] = set(tried[-1].failed) if tried else set()
    failed_keys: set[str] = set(tried[-1].failed_keys) if tried else set()
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
