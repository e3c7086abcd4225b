"""Snapshots of the Exercises screen at 100x30: a task with its hint, and a result with the failing check.

Regenerate after a deliberate change: ``pytest tests/test_exercise_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from dltutor.tutor.app import make_app
from dltutor.tutor.tour import settle

LESSONS = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (100, 30)


async def _open(pilot: Pilot, presses: tuple[str, ...]) -> None:
    await settle(pilot)
    await pilot.press("x")
    await settle(pilot)
    await pilot.press(*presses)
    await settle(pilot)
    box = pilot.app.screen.query_one("#exercise-file", Input)
    box.value = "init_he.py"  # the starter's path would name the test's temporary folder
    box.cursor_blink = False
    await settle(pilot)


def test_exercise_with_a_hint(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _open(pilot, ("down", "down"))
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(make_app(lessons_source=LESSONS), terminal_size=SIZE, run_before=run_before)


def test_exercise_with_a_failing_check(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        from dltutor.core.exercises.runner import check_in_process

        await _open(pilot, ("down", "down"))
        # the result of a real check, shown as the checking worker shows it (its time fixed for the picture)
        result = check_in_process("init-he", "tests/fixtures/exercises/init_he/bug_xavier.py")
        result.seconds = 0.5
        screen = pilot.app.screen
        screen.post_message(screen.Checked("init-he", "init_he.py", result))
        await settle(pilot)

    assert snap_compare(make_app(lessons_source=LESSONS), terminal_size=SIZE, run_before=run_before)
