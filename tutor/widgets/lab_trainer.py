"""The lab's training worker, as a widget with no look of its own.

:class:`LabTrainer` trains the runs of a :class:`tutor.lab.model.LabModel` in a thread worker (one at a time,
``group="lab"``) and posts what happens as typed messages that bubble to the screen: :class:`LabTrainer.Prepared`
or :class:`LabTrainer.PrepareFailed` once, then batches of :class:`LabTrainer.Progress`
(:func:`tutor.lab.training.train_chunks`: a UI round trip costs about 0.2 ms and a course-sized step about
0.03 ms, so progress is never reported per step). Every message goes through :func:`tutor.reporting.post_to`,
so nothing is posted to a screen the learner left; BLAS runs on one thread meanwhile (:mod:`tutor.blas`).
"""

from __future__ import annotations

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from dltutor.tutor.blas import single_threaded
from dltutor.tutor.lab.model import LabModel
from dltutor.tutor.lab.training import LabRun, Update, prepare_runs, train_chunks
from dltutor.tutor.lab_runner import LabPlan
from dltutor.tutor.reporting import post_to


class LabTrainer(Widget):
    """Trains ``model``'s runs in a worker, reporting with messages (it draws nothing).

    Args:
        model: the lab's model (its lock, pause flag, token and runs).
    """

    DEFAULT_CSS = "LabTrainer { display: none; }"

    class Prepared(Message):
        """The runs of start ``token`` are built; training begins."""

        def __init__(self, token: int, runs: list[LabRun]) -> None:
            super().__init__()
            self.token, self.runs = token, runs

    class PrepareFailed(Message):
        """The runs of start ``token`` could not be built (a bad file or option: ``error``)."""

        def __init__(self, token: int, error: Exception) -> None:
            super().__init__()
            self.token, self.error = token, error

    class Progress(Message):
        """A batch of training progress."""

        def __init__(self, update: Update) -> None:
            super().__init__()
            self.update = update

    def __init__(self, model: LabModel, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.model = model
        self._worker: Worker[None] | None = None

    def train(self, token: int, plans: list[LabPlan] | None, limit: int | None) -> None:
        """Prepare ``plans`` (None: go on with the model's runs), then train the runs one after the other.

        Args:
            token: the start the runs belong to (a stale token makes the worker do nothing).
            plans: the runs to build, or None.
            limit: iterations to do before stopping as if paused (a step), or None.
        """
        self._worker = self._train(token, plans, limit)

    def stop(self) -> None:
        """Cancel the runs and the worker: it stops between two chunks, the core within one iteration."""
        for run in self.model.runs:
            run.training.cancel()
        if self._worker is not None:
            self._worker.cancel()
        self._worker = None

    @work(thread=True, exclusive=True, group="lab")
    def _train(self, token: int, plans: list[LabPlan] | None, limit: int | None) -> None:
        worker = get_current_worker()
        model = self.model

        def post(message: Message) -> bool:
            return not worker.is_cancelled and post_to(self, message)

        with model.lock, single_threaded():
            if model.stale(token) or worker.is_cancelled:
                return
            if plans is not None:
                try:
                    runs = prepare_runs(plans)
                except Exception as exc:  # a bad file or option is shown beside its field
                    post(self.PrepareFailed(token, exc))
                    return
                if not post(self.Prepared(token, runs)):
                    return
            else:
                runs = list(model.runs)
            for index, run in enumerate(runs):
                if run.training.done:
                    continue
                for update in train_chunks(run, token, index, limit, model.pause.is_set,
                                           lambda: worker.is_cancelled):
                    if not post(self.Progress(update)):
                        return
                if not run.training.done:
                    return
