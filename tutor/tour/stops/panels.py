"""The tour's stops on the lesson panels: vanishing gradients, numerical approximation, normalization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dltutor.tutor.screens.normalization import TARGET, iterations_text
from dltutor.tutor.tour.pilot import TourFailure, expect, open_screen

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from dltutor.tutor.app import DLTutorApp


async def vanishing(pilot: Pilot, app: DLTutorApp) -> str:
    """The tour's stop: ReLU with He initialization keeps 20 layers stable."""
    screen = await open_screen(pilot, "vanishing", "VanishingScreen")
    report = screen.report
    if report.activations_trend != "stable" or report.gradients_trend != "stable":
        raise TourFailure(f"relu + he should be stable, got activations {report.activations_trend}, "
                          f"gradients {report.gradients_trend}")
    expect(app, "activations stable", "gradients stable", where="the vanishing panel")
    return f"relu + he over {report.depth} layers: activations and gradient norms stable"


async def numgrad(pilot: Pilot, app: DLTutorApp) -> str:
    """The tour's stop: the theta^3 example's 3.0301 and 3.0001."""
    await open_screen(pilot, "numgrad", "NumgradScreen")
    expect(app, "3.0301", "3.0001", where="the numerical-approximation panel")
    return "theta^3 at 1, eps 0.01: one-sided 3.0301, two-sided 3.0001"


async def normalization(pilot: Pilot, app: DLTutorApp) -> str:
    """The tour's stop: raw and normalized runs, and their iterations to the target cost."""
    screen = await open_screen(pilot, "normalization", "NormalizationScreen")
    by = {c.name: c for c in screen.curves}
    if set(by) != {"raw", "normalized"} or not all(c.stopped for c in by.values()):
        raise TourFailure("both runs should have finished")
    expect(app, "raw", "normalized", "to target", where="the normalization panel")
    target = TARGET
    normalized, raw = iterations_text(by["normalized"], target), iterations_text(by["raw"], target)
    return f"cost below {target:g}: normalized after {normalized} iterations, raw after {raw}"
