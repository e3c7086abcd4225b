"""The lab's state without a screen: what runs, where it is, and what a key press does next.

:class:`LabModel` is the lab's state machine. Its states::

    idle --start--> preparing --prepared--> running <--pause/resume--> paused
      ^                |                       |                         |
      +---failed/cancel+                       +--------done-------------+--> finished

A start takes a new :attr:`LabModel.token`; a worker's report carries the token of the start it belongs to,
so whatever a cancelled or replaced worker still reports is recognised as stale and dropped. The screen
(:mod:`tutor.screens.lab`) calls these methods, mirrors :attr:`LabModel.state` in a reactive and draws.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Literal

from dltutor.tutor.lab import recipe
from dltutor.tutor.lab.recipe import NextStep
from dltutor.tutor.lab.training import LabRun, Update
from dltutor.tutor.lab_runner import FormValues, LabPlan

State = Literal["idle", "preparing", "running", "paused", "finished"]
#: The states in which a worker holds (or is about to hold) the runs.
BUSY: tuple[State, ...] = ("preparing", "running", "paused")


class LabModel:
    """The lab's runs and state machine; one per lab screen.

    Attributes:
        state: see the module's diagram.
        mode: ``"single"`` or ``"compare"``.
        comparison: the comparison's kind (``init``, ``reg``, ``norm``) in compare mode.
        runs: the runs of the last start (empty until the worker has prepared them).
        shown: the run whose boundary and gradients are shown.
        next: the recipe step offered after a finished single run.
        diagnosis: that run's bias/variance diagnosis (recorded with an applied step).
        values_run: the form values of the last start.
        token: the current start (see the module docstring).
        pause: set to ask the worker to stop after its chunk.
        lock: held by the worker while it trains.
    """

    def __init__(self) -> None:
        self.state: State = "idle"
        self.mode: Literal["single", "compare"] = "single"
        self.comparison: str | None = None
        self.runs: list[LabRun] = []
        self.shown = 0
        self.next: NextStep | None = None
        self.trail = recipe.AdviceTrail()
        self.diagnosis: Any = None
        self.values_run: FormValues = {}
        self.token = 0
        self.pause = threading.Event()
        self.lock = threading.Lock()
        self._practised: set[str] = set()

    # -- what the state allows -------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a worker thread holds the runs (a cancelled worker may still finish its current step)."""
        return self.lock.locked()

    @property
    def active(self) -> bool:
        """True from a start until the runs end (a paused run is active)."""
        return self.state in BUSY

    @property
    def can_apply(self) -> bool:
        """True when ``x`` has a step to apply (a run finished with one)."""
        return self.next is not None and self.state == "finished"

    def toggle(self) -> Literal["pause", "resume", "start"]:
        """What space (or the Start button) does now."""
        if self.state in ("running", "preparing"):
            return "pause"
        return "resume" if self.state == "paused" else "start"

    def current_index(self) -> int:
        """The run a resumed worker continues (the first that has not ended)."""
        for n, run in enumerate(self.runs):
            if not run.training.done:
                return n
        return len(self.runs) - 1

    def step_limit(self, step: bool) -> int | None:
        """Iterations a resumed worker may do: one recorded point for a step, else no limit."""
        if not step or not self.runs:
            return None
        run = self.runs[self.shown if self.mode == "single" else self.current_index()]
        return int(run.training.config.log_every)

    # -- transitions -------------------------------------------------------------------------------------

    def start(self, values: FormValues, plans: list[LabPlan], compare: str | None) -> int:
        """A new start from the form: the previous runs are forgotten. Returns its token."""
        self.token += 1
        self.values_run = values
        self.mode = "compare" if compare else "single"
        self.comparison = compare
        self.runs = []
        self.shown = 0
        self.next = None
        self.pause.clear()
        self.state = "preparing"
        return self.token

    def prepared(self, runs: list[LabRun]) -> str | None:
        """The worker has built the runs; training starts.

        Returns:
            The layers fitted to the data when they differ from the form's (the form should show them), else
            None.
        """
        self.runs = runs
        self.shown = 0
        self.state = "running"
        fitted = ",".join(str(n) for n in runs[0].training.config.layers)
        if self.mode == "single" and self.values_run.get("layers") != fitted:
            self.values_run = {**self.values_run, "layers": fitted}
            return fitted
        return None

    def failed(self) -> None:
        """The runs could not be prepared."""
        self.state = "idle"

    def stale(self, token: int) -> bool:
        """Is a report of ``token`` from a start since replaced, cancelled or reset?"""
        return token != self.token

    def accepts(self, update: Update) -> bool:
        """Is ``update`` about one of the current runs?"""
        return not self.stale(update.token) and update.index < len(self.runs)

    def progressed(self, update: Update) -> None:
        """A report arrived (not the last of a run, see :meth:`run_done`)."""
        self.state = "paused" if update.paused else "running"

    def request_pause(self) -> bool:
        """Ask the worker to stop after its chunk (it reports ``paused``); False when nothing runs."""
        if self.state not in ("running", "preparing"):
            return False
        self.pause.set()
        return True

    def resume(self) -> bool:
        """Resume a paused run; False when there is none."""
        if self.state != "paused" or not self.runs:
            return False
        self.pause.clear()
        self.state = "running"
        return True

    def cancel(self) -> Literal["stopped", "restart", "wait"]:
        """Cancel the runs.

        Returns:
            ``"stopped"``: nothing was training yet, the lab is idle again (the token changed); ``"restart"``:
            the runs were paused, a worker must finish them (each stops at once); ``"wait"``: the worker
            stops before its next iteration and reports where it stopped.
        """
        for run in self.runs:
            run.training.cancel()
        if self.state == "preparing":
            self.token += 1
            self.state = "idle"
            return "stopped"
        if self.state == "paused":
            self.pause.clear()
            self.state = "running"
            return "restart"
        return "wait"

    def reset(self) -> None:
        """Forget the runs (the form is the screen's and stays)."""
        self.token += 1
        self.runs = []
        self.next = None
        self.mode = "single"
        self.comparison = None
        self.state = "idle"

    def run_done(self, index: int) -> bool:
        """Run ``index`` ended: in single mode, diagnose it and choose the next step.

        Returns:
            True when every run has ended (the state is then ``finished``).
        """
        if self.mode == "compare":
            if not all(r.training.done for r in self.runs):
                return False
            self.state = "finished"
            return True
        run = self.runs[index]
        result = run.training.result
        diagnosis = None
        if result.stopped not in ("cancelled", "diverged"):
            from dltutor.tutor.training_text import run_diagnosis  # the same verdict as dltutor train

            diagnosis = run_diagnosis(result.accuracy, run.training.heldout, run.plan.spec.bayes_error,
                                      run.training)
        self.next = None
        self.diagnosis = diagnosis
        if result.stopped != "cancelled":
            self.next = recipe.next_step_of(run.training, diagnosis, self.values_run,
                                                self.trail.current(self.values_run))
        self.state = "finished"
        return True

    def applied_values(self, form: FormValues) -> FormValues:
        """The form after applying :attr:`next` (recorded in the advice trail); call when :attr:`can_apply`."""
        assert self.next is not None
        values = dict(self.values_run or form)
        values.update(self.next.changes)
        if self.runs and self.runs[0].training.result is not None:
            self.trail.applied(self.next, self.runs[0].training, values, self.diagnosis)
        return values

    def practised(self, run: LabRun, lesson_of: Callable[[str | None], str | None]) -> str | None:
        """The lesson a finished run practises, the first time this lab practises it (else None).

        Args:
            run: a run that ended (a cancelled one, or one not of a preset, practises nothing).
            lesson_of: the lesson that a preset's own lesson counts for where the lab was opened (a lesson's
                Try it counts for that lesson).
        """
        result = run.training.result
        preset = run.plan.preset
        if result is None or result.stopped == "cancelled" or not preset:
            return None
        from dltutor.core.presets import PRESETS

        lesson = lesson_of(PRESETS[preset].lesson)
        if not lesson or lesson in self._practised:
            return None
        self._practised.add(lesson)
        return lesson
