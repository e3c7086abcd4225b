"""The lab's six panels in one grid: cost, error, decision boundary, gradient norms, weights and results.

:class:`LabPanels` draws what a run reports (:class:`tutor.lab.training.Update`) on the panels it concerns;
which panel shows on a small terminal is the screen's choice (the ``-off`` class, see ``lab.tcss``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid

from dltutor.tutor.lab.training import LabRun
from dltutor.tutor.training_text import eval_cost, heldout_label
from dltutor.tutor.widgets.lab_boundary import LabBoundary
from dltutor.tutor.widgets.lab_plots import LabCostPlot, LabGradPlot
from dltutor.tutor.widgets.lab_results import LabResults
from dltutor.tutor.widgets.lab_views import LabErrorPlot, LabWeightsPlot

GRAD_TITLE = "Gradient norms"
BOUNDARY_TITLE = "Decision boundary"


class LabPanels(Grid):
    """The lab's panels (ids ``lab-cost``, ``lab-error``, ``lab-boundary``, ``lab-grad``, ``lab-weights``,
    ``lab-results``)."""

    def compose(self) -> ComposeResult:
        yield LabCostPlot(id="lab-cost", classes="lab-panel")
        yield LabErrorPlot(id="lab-error", classes="lab-panel")
        yield LabBoundary(id="lab-boundary", classes="lab-panel")
        yield LabGradPlot(id="lab-grad", classes="lab-panel")
        yield LabWeightsPlot(id="lab-weights", classes="lab-panel")
        yield LabResults(id="lab-results", classes="lab-panel")

    @property
    def cost(self) -> LabCostPlot:
        return self.query_one("#lab-cost", LabCostPlot)

    @property
    def error(self) -> LabErrorPlot:
        return self.query_one("#lab-error", LabErrorPlot)

    @property
    def boundary(self) -> LabBoundary:
        return self.query_one("#lab-boundary", LabBoundary)

    @property
    def grad(self) -> LabGradPlot:
        return self.query_one("#lab-grad", LabGradPlot)

    @property
    def weights(self) -> LabWeightsPlot:
        return self.query_one("#lab-weights", LabWeightsPlot)

    @property
    def results(self) -> LabResults:
        return self.query_one("#lab-results", LabResults)

    def clear(self, keep_previous: bool = False, boundary: str | None = None) -> None:
        """Empty every panel for a new start or a reset.

        Args:
            keep_previous: the cost and error plots keep the last run, faded (a recipe step applied).
            boundary: a message for the boundary panel meanwhile.
        """
        self.cost.clear(keep_previous=keep_previous)
        self.error.clear(keep_previous=keep_previous)
        self.weights.clear()
        self.grad.clear()
        # a comparison adds the run on show to these titles, which a later single run must drop
        self.grad.border_title = GRAD_TITLE
        self.boundary.border_title = BOUNDARY_TITLE
        self.boundary.clear(boundary)
        self.results.show_table([])

    def show_data(self, run: LabRun) -> None:
        """The data of a prepared run on the boundary panel (only 2-D data has a boundary to draw)."""
        data = run.dataset
        if data.n_features == 2:
            heldout = run.training.heldout
            self.boundary.set_points(data.splits(), heldout, heldout_label(heldout))
        else:
            self.boundary.show_message(f"the decision boundary needs 2 features; this data has "
                                       f"{data.n_features}")

    def add_records(self, run: LabRun, records: Sequence[Any], compare: bool, shown: bool) -> None:
        """Plot a batch of a run's progress records.

        Args:
            run: the run they belong to.
            records: its records since the last batch (not empty).
            compare: the run is one of a comparison (its curves are named after it).
            shown: the boundary and gradient panels show this run (else they switch to it).
        """
        heldout = run.training.heldout
        its = [r.iteration for r in records]
        if not compare:
            self.cost.add_points("train", its, [eval_cost(r) for r in records])
            self.error.add_accuracy("train", its, [r.train_accuracy for r in records])
            if heldout:
                name = heldout_label(heldout)
                self.cost.add_points(name, its, [r.dev_cost for r in records])
                self.error.add_accuracy(name, its, [r.dev_accuracy for r in records])
        else:
            self.cost.add_points(run.label, its, [eval_cost(r) for r in records])
            if heldout:  # the compared runs' dev cost too: the gap is what regularization changes
                self.cost.add_points(f"{run.label} {heldout_label(heldout)}", its, [r.dev_cost for r in records])
            self.error.add_accuracy(f"{run.label} {heldout_label(heldout) if heldout else 'train'}", its,
                                    [(r.dev_accuracy if heldout else r.train_accuracy) for r in records])
        if not shown:
            self.show_run(run, compare, upto=its[-1])
        else:
            self.grad.add_records(its, [r.grad_norms for r in records])
        self.cost.refresh()
        self.error.refresh()

    def show_run(self, run: LabRun, compare: bool, upto: int | None = None) -> None:
        """Show the boundary and gradient norms of ``run``.

        Args:
            run: the run.
            compare: it is one of a comparison (the panels' titles name it).
            upto: while the run trains, the last iteration reported so far (the worker may be ahead of
                its reports; later records arrive with later reports).
        """
        history = [r for r in list(run.training.history.records) if upto is None or r.iteration <= upto]
        self.grad.clear()
        self.grad.add_records([r.iteration for r in history], [r.grad_norms for r in history])
        if compare:  # which of the compared runs the panels show
            self.grad.border_title = f"{GRAD_TITLE} · {run.label}"
            self.boundary.border_title = f"{BOUNDARY_TITLE} · {run.label}"
        if run.grid is not None:
            self.boundary.set_grid(run.grid)
