"""The lab's stop in ``dltutor tour``: from home, a short run of the L2 preset ends with a verdict."""

from __future__ import annotations

from dltutor.tutor import lab_runner


async def _tour_lab(pilot, app) -> str:
    """From home, ``l`` opens the lab; a short run of the L2 preset ends with accuracies and a verdict."""
    from dltutor.tutor.tour import TourFailure, expect, go_home, settle

    await go_home(pilot)
    await pilot.press("l")
    await settle(pilot)
    lab = app.screen
    from dltutor.tutor.screens.lab import LabScreen

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


def _tour_stops():
    from dltutor.tutor.tour import Stop

    return [Stop("lab", _tour_lab, after="diagnose")]


#: The lab in ``dltutor tour``, after the diagnose screen.
TOUR_STOPS = _tour_stops()
