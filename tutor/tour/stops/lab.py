"""The lab's stop in ``dltutor tour``: from home, a short run of the L2 preset ends with a verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dltutor.tutor import lab_runner
from dltutor.tutor.screens.lab import LabScreen
from dltutor.tutor.tour.pilot import TourFailure, expect, go_home, settle

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from dltutor.tutor.app import DLTutorApp


async def training_lab(pilot: Pilot, app: DLTutorApp) -> str:
    """From home, ``l`` opens the lab; a short run of the L2 preset ends with accuracies and a verdict."""
    await go_home(pilot)
    await pilot.press("l")
    await settle(pilot)
    lab = app.screen
    if not isinstance(lab, LabScreen):
        raise TourFailure(f"l on the home screen opened {type(lab).__name__}, not the lab")
    lab.controls.set_values({**lab_runner.preset_values("course-reg-l2"), "iterations": "3000"})
    await pilot.press("space")
    for _ in range(100):
        await settle(pilot)
        if lab.state == "finished":
            break
    else:
        raise TourFailure("the lab's run did not finish")
    expect(app, "Training lab", "accuracy: train", "stopped: completed 3,000 iterations", "diagnosis")
    if not lab.cost_plot.point_count() or lab.boundary.grid is None:
        raise TourFailure("the lab's cost plot or decision boundary stayed empty")
    result = lab.model.runs[0].training.result
    return f"course-reg-l2 for 3,000 iterations: train {result.accuracy['train']:.1%}, " \
           f"{lab.model.runs[0].training.heldout} {result.accuracy[lab.model.runs[0].training.heldout]:.1%}"
