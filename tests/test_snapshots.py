"""Snapshots of every screen at 100x30 with the fixture lessons (pytest-textual-snapshot).

Regenerate after a deliberate change to a screen: ``pytest tests/test_snapshots.py --snapshot-update``.
The pictures depend on the Textual version: update them together with Textual.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from dltutor.tutor.app import make_app
from dltutor.tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (100, 30)


def app():
    return make_app(lessons_source=FIXTURES)


async def steady(pilot: Pilot) -> None:
    """Wait for workers, and stop cursors blinking so the picture never depends on the clock."""
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await settle(pilot)


def test_home(snap_compare) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=steady)


def test_lesson(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("down", "enter")
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_lesson_check_yourself_answered(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("enter", "k")
        await steady(pilot)
        await pilot.press("a")
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_ask_with_an_answer(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("a")
        await steady(pilot)
        await pilot.press(*"how big should the test set be with a million examples", "enter")
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_quiz_question(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("q")
        await steady(pilot)
        await pilot.press("down", "enter")  # the first lesson's quiz
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_diagnose_with_numbers(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("d")
        await steady(pilot)
        await pilot.press(*"1%", "tab", *"11%", "tab", "tab", "tab", "tab", *"oops")
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await steady(pilot)
        await pilot.press("question_mark")
        await steady(pilot)

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_too_small(snap_compare) -> None:
    assert snap_compare(app(), terminal_size=(60, 20), run_before=steady)
