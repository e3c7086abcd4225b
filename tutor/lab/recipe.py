"""The basic recipe's next step in the lab (UI-free): what a finished run suggests, as form changes ``x``
applies, and the trail of steps applied since the learner last ran something of their own.

The advice itself is :func:`core.next_step.advise`, the same as ``dltutor train``'s; this module turns it into
form values (:func:`form_changes`) and words (:func:`next_lines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dltutor.core.errors import TutorError
from dltutor.tutor.lab_runner import FILE, FormValues, build_plan, form_number


@dataclass(frozen=True)
class NextStep:
    """A step the lab can apply (pressing ``x``), from :func:`core.next_step.advise`.

    Args:
        title: the step (``"Regularization: L2"``).
        why: what the run showed, with its numbers.
        action: what applying it does, in words (``"set L2 lambda to 0.7 and rerun"``).
        changes: form field -> new value (empty when the lab cannot apply it, e.g. collecting data).
        key: the step's stable id (``core.next_step.Step.key``).
        problem: the symptom it treats (``cost``, ``gradients``, ``scaling``, ``symmetry``, ``bias``,
            ``variance``).
        note: how the previous applied step went (empty after a fresh run).
        alternatives: other steps for the same problem, as titles.
    """

    title: str
    why: str
    action: str
    changes: dict
    key: str = ""
    problem: str = ""
    note: str = ""
    alternatives: tuple[str, ...] = ()
    config_changes: dict = field(default_factory=dict)
    reverts: tuple = ()


def form_changes(changes: dict) -> dict:
    """:class:`core.train.TrainConfig` changes (and ``m``) as form field values."""
    out: dict = {}
    for key, value in changes.items():
        if key == "learning_rate":
            out["lr"] = form_number(value)
        elif key in ("init", "activation"):
            out[key] = value
        elif key in ("normalize", "augment"):
            out[key] = bool(value)
        elif key == "layers":
            out["layers"] = ",".join(str(n) for n in value)
        elif key in ("iterations", "m"):
            out[key] = str(int(value))
        elif key in ("l2", "l1"):
            if value:
                out["reg"], out["lam"] = key, form_number(value)
            elif not changes.get("l1" if key == "l2" else "l2"):
                out.setdefault("reg", "none")
                out.setdefault("lam", "")
        elif key == "keep_probs":
            out["keep_prob"] = "" if value is None else ",".join(form_number(k) for k in value)
        elif key == "early_stopping":
            out["early_stopping"] = "" if value is None else str(value)
    return out


class AdviceTrail:
    """The steps applied with ``x`` since the learner last ran something of their own.

    :meth:`applied` records a step and the run it was applied to; :meth:`current` gives the attempts for the
    run that just finished, and forgets them when that run is not the one the last step asked for (the
    learner changed the form or chose another preset in between).
    """

    def __init__(self) -> None:
        self.attempts: list = []
        self._expected = None

    @staticmethod
    def _plan_key(values: FormValues):
        try:
            plan = build_plan(values)
        except TutorError:
            return None
        return (plan.config, plan.spec, plan.path)

    def applied(self, step: NextStep, training, values_after: FormValues, diagnosis=None) -> None:
        """Record that ``step`` was applied to the finished ``training`` (its bias/variance ``diagnosis``);
        ``values_after`` is the new form. When the last step did not help, the step was chosen from the
        restored best run, and that run is what the attempt records (what "helped" is measured against)."""
        from dltutor.core.evidence import gather_evidence
        from dltutor.core.next_step import Step, attempt_of

        core_step = Step(step.key, step.problem, step.title, step.why, step.action, step.config_changes,
                         step.reverts)
        generated = not str(values_after.get("dataset", "")).startswith("course-") and \
            values_after.get("dataset") != FILE
        self.attempts.append(attempt_of(core_step, training.config, gather_evidence(training, generated=generated),
                                        diagnosis, self.attempts))
        self._expected = self._plan_key(values_after)

    def current(self, values: FormValues) -> list:
        """The attempts that led to a run of ``values`` (empty, and forgotten, when they did not)."""
        if self._expected is None or self._plan_key(values) != self._expected:
            self.attempts = []
            self._expected = None
        return list(self.attempts)


def next_step_of(training, diagnosis, values: FormValues, tried: list | tuple = ()) -> NextStep | None:
    """The step the lab offers after a finished run: from the run's own evidence, in the course's order.

    Args:
        training: the finished :class:`core.train.Training`.
        diagnosis: its bias/variance diagnosis (or None).
        values: the form it ran with.
        tried: the :class:`core.next_step.Attempt` list from :class:`AdviceTrail`.
    """
    from dltutor.core.evidence import gather_evidence
    from dltutor.core.next_step import advise

    generated = not str(values.get("dataset", "")).startswith("course-") and values.get("dataset") != FILE
    advice = advise(training.config, gather_evidence(training, generated=generated), diagnosis, tried)
    if advice.step is None:
        if advice.problem == "done":
            return NextStep("Done: " + advice.note.split("done: ", 1)[-1].split(" (")[0], advice.note, "", {},
                            "done", "done",
                            note=advice.note)
        if advice.note:
            return NextStep("Nothing left to try", advice.note, "", {}, note=advice.note)
        return None
    step = advice.step
    changes = form_changes(step.changes)
    action = step.action + (" and rerun" if changes else "")
    return NextStep(step.title, step.why, action, changes, step.key, step.problem, advice.note,
                    tuple(s.title for s in advice.alternatives), dict(step.changes), step.reverts)


def next_lines(step: NextStep) -> list[tuple[str, str]]:
    """``(head, text)`` lines for a next step: how the last step went, the step and why, the alternatives."""
    lines = []
    if step.note and step.note != step.why:
        lines.append(("last step: ", step.note))
    lines.append(("next: ", f"{step.title}: {step.why}." if step.action else step.why))
    if step.alternatives:
        lines.append(("or: ", "; ".join(step.alternatives) + "."))
    return lines
