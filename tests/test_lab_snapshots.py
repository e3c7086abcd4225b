"""Snapshots of the training lab (pytest-textual-snapshot): idle with a preset at 120x40 and 100x30, after a
short finished run, and after a short comparison.

The runs are deterministic (seeded, few iterations) and the lab shows no timing once a run has ended, so
the pictures do not depend on the machine's speed. Regenerate after a deliberate change:
``pytest tests/test_lab_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot

from dltutor.tutor.app import make_app
from dltutor.tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"


def app(preset: str):
    return make_app(lessons_source=FIXTURES, screen="lab", preset=preset)


async def lab_of(pilot: Pilot):
    from dltutor.tutor.screens.lab import LabScreen

    for _ in range(200):
        await settle(pilot)
        if isinstance(pilot.app.screen, LabScreen):
            return pilot.app.screen
    raise AssertionError("the lab did not open")


async def run_to_the_end(pilot: Pilot, keys: str, **values: str) -> None:
    lab = await lab_of(pilot)
    lab.controls.set_values(values)
    await pilot.press(keys)
    for _ in range(1000):
        if lab.state == "finished":
            break
        await asyncio.sleep(0.02)
    await settle(pilot)


def test_idle_with_a_preset(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await lab_of(pilot)

    assert snap_compare(app("course-reg-l2"), terminal_size=(120, 40), run_before=run_before)


def test_idle_narrow(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await lab_of(pilot)

    assert snap_compare(app("lesson-overfit"), terminal_size=(100, 30), run_before=run_before)


def test_after_a_short_run(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await run_to_the_end(pilot, "space", iterations="300", log_every="20")

    assert snap_compare(app("lesson-underfit"), terminal_size=(120, 40), run_before=run_before)


def test_after_a_comparison(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await run_to_the_end(pilot, "2", iterations="2000", log_every="100")

    assert snap_compare(app("course-reg-none"), terminal_size=(120, 40), run_before=run_before)
