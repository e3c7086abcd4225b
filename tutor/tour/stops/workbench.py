"""The tour's stop on the gradient-check workbench."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dltutor.tutor.screens.workbench import WorkbenchScreen
from dltutor.tutor.tour.pilot import TourFailure, expect, go_home, settle, wait_for_runs

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from dltutor.tutor.app import DLTutorApp


async def workbench(pilot: Pilot, app: DLTutorApp) -> str:
    """The tour's stop: ``g`` from home checks ``course``; ``b`` puts it beside ``fixed``."""
    await go_home(pilot)
    await pilot.press("g")
    await wait_for_runs(pilot)
    screen = app.screen
    if not isinstance(screen, WorkbenchScreen):
        raise TourFailure(f"g on the home screen opened {type(screen).__name__}, not the workbench")
    report = screen.result.report if screen.result else None
    if report is None or set(report.flagged) != {"dW2", "db1"}:
        raise TourFailure("the course's variant should flag dW2 and db1")
    expect(app, "2.85e-01", "FLAGGED", "dW2", "db1", where="the workbench")
    await pilot.press("b")
    await settle(pilot)
    expect(app, "1.19e-07", "Nothing flagged.", where="the side-by-side view")
    await pilot.press("b")
    await settle(pilot)
    return "course: difference 2.85e-01, dW2 and db1 flagged; beside fixed (1.19e-07)"
