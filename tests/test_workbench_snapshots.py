"""Snapshots of the gradient-check workbench and the lesson panels at 120x40 (the workbench at 80x24
too) with pytest-textual-snapshot.

Nothing on these screens depends on the clock (no timings are shown, cursors do not blink here), and every
number comes from seeded runs. Regenerate after a deliberate change:
``pytest tests/test_workbench_snapshots.py --snapshot-update``. The pictures depend on the Textual and
plotext versions: update them together.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from dltutor.tutor.app import make_app
from dltutor.tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (120, 40)


def app(**start):
    return make_app(lessons_source=FIXTURES, **start)


async def steady(pilot: Pilot, runs: int = 1) -> None:
    """Wait until the screen has shown its results, stop cursors blinking, and wait until two frames in a
    row are the same (a table sizes its columns when the app is idle, which on a busy machine comes late)."""
    for _ in range(300):
        await settle(pilot)
        if getattr(pilot.app.screen, "runs", runs) >= runs:
            break
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    pilot.app.screen.refresh_bindings()  # the footer as the finished screen has it
    await settle(pilot)
    frame = pilot.app.export_screenshot()
    for _ in range(20):
        await pilot.pause(0.05)
        now = pilot.app.export_screenshot()
        if now == frame:
            break
        frame = now


def test_workbench_course(snap_compare) -> None:
    assert snap_compare(app(screen="workbench", variant="course"), terminal_size=SIZE, run_before=steady)


def test_workbench_course_at_80x24(snap_compare) -> None:
    # The smallest supported terminal: the block table's status column (FLAGGED) and the hints fit.
    assert snap_compare(app(screen="workbench", variant="course"), terminal_size=(80, 24), run_before=steady)


def test_workbench_side_by_side(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("b")
        await steady(pilot)

    assert snap_compare(app(screen="workbench", variant="dW2-doubled"), terminal_size=SIZE,
                        run_before=run_before)


def test_vanishing_panel(snap_compare) -> None:
    assert snap_compare(app(screen="vanishing"), terminal_size=SIZE, run_before=steady)


def test_numgrad_panel(snap_compare) -> None:
    assert snap_compare(app(screen="numgrad"), terminal_size=SIZE, run_before=steady)


def test_normalization_panel(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        from dltutor.tutor.screens.normalization import NormalizationScreen

        await settle(pilot)
        await pilot.app.push_screen(NormalizationScreen(iterations=1500, learning_rate=0.01))
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)
