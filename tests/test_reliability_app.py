"""Reliability of the app: no worker can take the app down, whatever it raises."""

from __future__ import annotations

from pathlib import Path

from dltutor.tutor.tour import settle
from tests.test_app import SIZE, app_for


def _notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_failing_worker_is_a_message_and_the_app_carries_on(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="ask")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def boom() -> None:
            raise OverflowError("cannot convert float infinity to integer")

        app.screen.run_worker(boom, thread=True, group="test-boom")
        for _ in range(50):
            await pilot.pause(0.02)
            if any("OverflowError" in n for n in _notifications(app)):
                break
        assert app.is_running and app.return_code is None
        assert any("cannot convert float infinity" in n and "carries on" in n for n in _notifications(app))
        await pilot.press("escape", "escape")  # still answers keys (the first leaves the question field)
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
    assert app.return_code in (0, None)


async def test_a_310_digit_number_typed_into_ask(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="ask")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.widgets import Input

        box = app.screen.query_one(Input)
        box.focus()
        await pilot.press(*"how do I split 99")  # typed, then the rest pasted: 340 key presses take 20 s
        box.insert_text_at_cursor("9" * 308 + " examples")
        await pilot.press("enter")
        await settle(pilot, rounds=5)
        assert app.is_running and type(app.screen).__name__ == "AskScreen"
        assert not [n for n in _notifications(app) if "went wrong" in n]
        assert "a number with 310 digits" in str(app.screen.query_one("#answer-text").render())


async def test_a_file_name_too_long_in_the_workbench_is_explained_beside_the_field(tmp_path: Path) -> None:
    from dltutor.tutor.widgets.panel_field import PanelField
    from tests.test_workbench import finished

    app = app_for(tmp_path, screen="workbench")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        box = screen.query_one("#wb-file-input")
        box.value = str(tmp_path / ("n" * 300 + ".py"))
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert "longer than the file system allows" in screen.query_one("#wb-file", PanelField).error
