"""The lab's training worker: prepares the runs and trains them in chunks, reporting to the screen.

One worker (``group="lab"``) trains at a time. It advances a :class:`core.train.Training` in chunks sized to
take about :data:`CHUNK_SECONDS` each, checks for pause and cancellation between chunks (the core checks its
own cancel flag between iterations), and hands the records made since its last report to the UI
(:func:`tutor.reporting.report_to`) at most every :data:`POST_INTERVAL` seconds. The decision grid is
computed in the worker too (the worker owns the network while it trains). BLAS runs on one thread meanwhile
(:mod:`tutor.blas`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from textual import work
from textual.worker import Worker, get_current_worker

from dltutor.tutor.blas import single_threaded
from dltutor.tutor.lab_runner import LabPlan
from dltutor.tutor.reporting import report_to

#: Seconds between two reports from the worker to the UI (at least 50 ms: batched UI updates).
POST_INTERVAL = 0.07
#: The time one chunk of iterations should take; chunk sizes adapt to it.
CHUNK_SECONDS = 0.025
#: Seconds between two decision grids while training.
GRID_INTERVAL = 0.5
#: Resolution of the decision grid (fixed, so the network keeps one set of buffers for it).
GRID_NX, GRID_NY = 64, 32


@dataclass
class LabRun:
    """One training in the lab (a comparison has several)."""

    plan: LabPlan
    training: Any
    dataset: Any
    notes: list[str] = field(default_factory=list)
    grid: Any = None

    @property
    def label(self) -> str:
        return self.plan.label


@dataclass
class Update:
    """What the worker reports: the records made since its last report and where the run is."""

    token: int
    index: int
    records: list
    iteration: int
    rate: float | None
    grid: Any = None
    done: bool = False
    paused: bool = False


class LabTraining:
    """The worker half of :class:`tutor.screens.lab.LabScreen` (a mixin: the screen holds the state it uses:
    ``_lock``, ``_token``, ``_pause``, ``runs``, and the UI callbacks ``_prepared``, ``_prepare_failed``,
    ``_apply``)."""

    @work(thread=True, exclusive=True, group="lab")
    def _work(self, token: int, plans: list[LabPlan] | None, limit: int | None) -> None:
        """Prepare the runs (when ``plans`` is given), then train them one after the other."""
        worker = get_current_worker()
        with self._lock, single_threaded():
            if token != self._token or worker.is_cancelled:
                return
            if plans is not None:
                try:
                    runs = self._prepare(plans)
                except Exception as exc:  # a bad file or option is shown beside its field
                    self._post(worker, self._prepare_failed, token, exc)
                    return
                if not self._post(worker, self._prepared, token, runs):
                    return
            else:
                runs = list(self.runs)
            for index, run in enumerate(runs):
                if run.training.done:
                    continue
                if not self._train(worker, token, index, run, limit):
                    return

    def _prepare(self, plans: list[LabPlan]) -> list[LabRun]:
        dataset = plans[0].load()
        runs = []
        for plan in plans:
            training, dataset, notes = plan.prepare(dataset)
            runs.append(LabRun(plan, training, dataset, notes))
        return runs

    def _post(self, worker: Worker, callback, *args) -> bool:
        """Have ``callback`` run on the UI thread; False when the worker or the screen is going away.

        Queued without waiting (:func:`tutor.reporting.report_to`): the worker goes on training while the UI
        draws.
        """
        return not worker.is_cancelled and report_to(self, callback, *args)

    def _train(self, worker: Worker, token: int, index: int, run: LabRun, limit: int | None) -> bool:
        """Advance one run until it ends, pauses, reaches ``limit`` more iterations, or is cancelled.

        Returns:
            True when the run ended and the next one may start.
        """
        import numpy as np

        training = run.training
        chunk = max(1, min(training.config.log_every, 100))
        stop_at = None if limit is None else training.iteration + limit
        start = last_post = last_grid = time.perf_counter()
        first_iteration = training.iteration
        pending: list = []
        with np.errstate(all="ignore"):
            if run.grid is None:
                run.grid = self._grid(run)
            while not training.done:
                if worker.is_cancelled:
                    training.cancel()
                    return False
                if self._pause.is_set() or (stop_at is not None and training.iteration >= stop_at):
                    break
                n = chunk if stop_at is None else max(1, min(chunk, stop_at - training.iteration))
                t0 = time.perf_counter()
                pending.extend(training.run_chunk(n))
                now = time.perf_counter()
                elapsed = now - t0
                # Aim at CHUNK_SECONDS per chunk: pause and cancel then act within a few tens of ms.
                if elapsed > 0:
                    chunk = int(max(1, min(chunk * 4, 200_000, chunk * CHUNK_SECONDS / elapsed)))
                if now - last_post >= POST_INTERVAL or training.done:
                    grid = None
                    if now - last_grid >= GRID_INTERVAL or training.done:
                        grid = run.grid = self._grid(run)
                        last_grid = now
                    rate = (training.iteration - first_iteration) / max(1e-9, now - start)
                    update = Update(token, index, pending, training.iteration, rate, grid, training.done)
                    pending = []
                    last_post = time.perf_counter()
                    if not self._post(worker, self._apply, update):
                        return False
            if training.done:
                return True
            run.grid = self._grid(run)
            update = Update(token, index, pending, training.iteration, None, run.grid, False, paused=True)
            self._post(worker, self._apply, update)
            return False

    def _grid(self, run: LabRun):
        """The decision grid of a run's network over its raw 2-D data (None for other data)."""
        import numpy as np

        from dltutor.core.train import decision_grid

        dataset = run.dataset
        if dataset.n_features != 2:
            return None
        X = np.hstack([X for X, _ in dataset.splits().values()])
        return decision_grid(run.training.net, X, GRID_NX, GRID_NY, run.training.normalizer)
