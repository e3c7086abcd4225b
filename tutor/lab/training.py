"""Training the lab's runs in chunks, as a generator of batched reports (UI-free).

:func:`train_chunks` advances a :class:`core.train.Training` in chunks sized to take about
:data:`CHUNK_SECONDS` each, checks for pause and cancellation between chunks (the core checks its own cancel
flag between iterations), and yields the records made since its last report at most every
:data:`POST_INTERVAL` seconds: a UI round trip costs about 0.2 ms and a course-sized step about 0.03 ms, so
reporting per step would spend most of the time in the UI. The decision grid is computed here too (whoever
trains owns the network meanwhile).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dltutor.tutor.lab_runner import LabPlan

#: Seconds between two reports to the UI (at least 50 ms: batched UI updates).
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
    """One batched report: the records made since the last report and where the run is.

    Args:
        token: the start it belongs to (:attr:`tutor.lab.model.LabModel.token`; older ones are stale).
        index: the run, in a comparison.
        records: the progress records since the last report.
        iteration: iterations done.
        rate: iterations per second since the worker took the run over (None when paused).
        grid: a new decision grid, or None.
        done: the run ended.
        paused: the run stopped for a pause or a step, and may resume.
    """

    token: int
    index: int
    records: list[Any]
    iteration: int
    rate: float | None
    grid: Any = None
    done: bool = False
    paused: bool = False


def prepare_runs(plans: list[LabPlan]) -> list[LabRun]:
    """Load the data once and build a run per plan (may raise :class:`core.errors.TutorError`)."""
    dataset = plans[0].load()
    runs = []
    for plan in plans:
        training, dataset, notes = plan.prepare(dataset)
        runs.append(LabRun(plan, training, dataset, notes))
    return runs


def grid_of(run: LabRun) -> Any:
    """The decision grid of a run's network over its raw 2-D data (None for other data)."""
    import numpy as np

    from dltutor.core.train import decision_grid

    dataset = run.dataset
    if dataset.n_features != 2:
        return None
    X = np.hstack([X for X, _ in dataset.splits().values()])
    return decision_grid(run.training.net, X, GRID_NX, GRID_NY, run.training.normalizer)


def train_chunks(run: LabRun, token: int, index: int, limit: int | None, paused: Callable[[], bool],
                 cancelled: Callable[[], bool]) -> Iterator[Update]:
    """Advance one run until it ends, pauses, reaches ``limit`` more iterations, or is cancelled.

    Args:
        run: the run to train.
        token, index: copied into every :class:`Update`.
        limit: iterations to do before stopping as if paused (a step), or None.
        paused: true when the learner asked for a pause.
        cancelled: true when whoever listens is going away: the training is cancelled, nothing more yielded.

    Yields:
        An :class:`Update` at most every :data:`POST_INTERVAL` seconds, the last one with ``done`` (the run
        ended: the next may start) or ``paused`` set.
    """
    import numpy as np

    training = run.training
    chunk = max(1, min(training.config.log_every, 100))
    stop_at = None if limit is None else training.iteration + limit
    start = last_post = last_grid = time.perf_counter()
    first_iteration = training.iteration
    pending: list[Any] = []
    with np.errstate(all="ignore"):
        if run.grid is None:
            run.grid = grid_of(run)
        while not training.done:
            if cancelled():
                training.cancel()
                return
            if paused() or (stop_at is not None and training.iteration >= stop_at):
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
                    grid = run.grid = grid_of(run)
                    last_grid = now
                rate = (training.iteration - first_iteration) / max(1e-9, now - start)
                update = Update(token, index, pending, training.iteration, rate, grid, training.done)
                pending = []
                yield update
                last_post = time.perf_counter()
        if training.done:
            return
        run.grid = grid_of(run)
        yield Update(token, index, pending, training.iteration, None, run.grid, False, paused=True)
