"""The Progress screen: reached from the command palette, the same rows and counts as dltutor progress."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable

from dltutor.tutor.app import make_app
from dltutor.tutor.messages import Navigate
from dltutor.tutor.tour import expect, settle
from dltutor.tutor.widgets.palette import tutor_commands

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"


async def test_progress_screen_from_the_palette_counts_topics_and_opens_a_lesson(tmp_path: Path) -> None:
    app = make_app(lessons_source=FIXTURES, home=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await asyncio.wrap_future(app.save(lambda store: store.mark_read("train-dev-test")))
        commands = {c.name: c for c in tutor_commands(app)}
        assert any(n.startswith("Summary: ") for n in commands) and not any(n.startswith("Lesson 3") for n in commands)
        progress = next(c for name, c in commands.items() if name.startswith("Progress: "))
        progress.run()
        await settle(pilot)
        assert type(app.screen).__name__ == "ProgressScreen"
        expect(app, "1 of 2 topics read, 0 practised, summary not read yet", "Mixed quiz: not taken yet")
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["1", "2", ""]  # the summary is listed, not numbered
        assert rows[0][2] == "read"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "LessonScreen" and app.screen.lesson_id == "bias-variance"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ProgressScreen"
        expect(app, "2 of 2 topics read")  # the lesson just opened counts at once


def test_progress_is_a_screen_name() -> None:
    from dltutor.tutor.screens import SCREEN_NAMES, build_screen

    assert "progress" in SCREEN_NAMES
    assert type(build_screen(Navigate("progress"))).__name__ == "ProgressScreen"
