"""Keys as a learner types them: fast bursts, and one escape rule on every screen (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from dltutor.tutor.app import DLTutorApp, make_app
from dltutor.tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (100, 30)


def app_for(tmp_path: Path, **start) -> DLTutorApp:
    return make_app(lessons_source=FIXTURES, home=tmp_path, **start)


def burst(app: DLTutorApp, keys: list[str]) -> None:
    """Queue every key at once, as a fast typist (or a paste) does: none waits for the last to be handled."""
    for key in keys:
        char = {"enter": "\r", "tab": "\t"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


async def test_diagnose_keys_typed_fast_land_in_their_fields(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="diagnose")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused.id == "train"
        burst(app, [*"0.01", "enter", *"0.11", "enter", *"0.005", "down", *"0.02"])
        await settle(pilot)
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert values["train"] == "0.01" and values["dev"] == "0.11" and values["bayes"] == "0.005"
        assert values["train_dev"] == "0.02"


# -- text that must never be cut -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
@pytest.mark.parametrize("lesson", ["regularization", "numerical-gradients"])
async def test_lesson_code_blocks_are_never_cut(tmp_path: Path, size: tuple[int, int], lesson: str) -> None:
    from textual.widgets._markdown import MarkdownFence

    app = make_app(home=tmp_path, lesson=lesson)
    async with app.run_test(size=size) as pilot:
        for _ in range(100):  # the whole lesson: its body fills in after the first frame
            await settle(pilot)
            screen = app.screen
            if type(screen).__name__ == "LessonScreen" and \
                    len(screen.query(MarkdownFence)) == screen._markdown.count("```") // 2:
                break
        await settle(pilot)
        fences = list(app.screen.query(MarkdownFence))
        assert len(fences) == app.screen._markdown.count("```") // 2 >= 3
        for fence in fences:
            label = fence.query_one("#code-content")
            # every line is on screen: no sideways overflow (which had no scroll bar: text looked cut)
            assert fence.max_scroll_x == 0 and label.size.width <= fence.size.width, fence.code[:40]
        viewer = app.screen.query_one("#lesson-md")
        assert not viewer.show_table_of_contents  # the sidebar would leave no room for these blocks


async def test_the_contents_sidebar_follows_the_width(tmp_path: Path) -> None:
    app = make_app(home=tmp_path, lesson="regularization")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        viewer = app.screen.query_one("#lesson-md")
        assert viewer.show_table_of_contents
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert not viewer.show_table_of_contents
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert viewer.show_table_of_contents
