"""Workers that report to a screen the learner has left: the report is dropped, the app goes on (issue 11)."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from dltutor.tutor.app import make_app
from dltutor.tutor.messages import Navigate
from dltutor.tutor.reporting import report_to, reports, showing
from dltutor.tutor.screens.ask import AskScreen
from dltutor.tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"


class _SlowToLeave(Static):
    """Holds its screen in the window where the screen is being removed: its other widgets are gone already,
    the screen is still attached and its workers are not cancelled yet (a race a learner met 2 times in 12)."""

    async def on_unmount(self) -> None:
        await asyncio.sleep(0.3)


async def test_ask_workers_reporting_after_the_learner_left_do_not_crash(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of shortcuts (a Ask, h Home) leaves Ask while its index build still runs."""
    from dltutor.tutor import ask as tutor_ask

    release = threading.Event()
    started = threading.Event()
    returned = threading.Event()
    real = tutor_ask.get_engine

    def slow_engine(*args, **kwargs):
        engine = real(*args, **kwargs)
        started.set()
        assert release.wait(10)
        # Report in the window where the screen is being removed: its widgets go first.
        for _ in range(3000):
            if not ask.is_attached or status._pruning and status._closed:
                break
            time.sleep(0.001)
        returned.set()
        return engine

    monkeypatch.setattr(tutor_ask, "get_engine", slow_engine)
    compose = AskScreen.compose

    def compose_with_a_slow_widget(self):
        yield from compose(self)
        yield _SlowToLeave()

    monkeypatch.setattr(AskScreen, "compose", compose_with_a_slow_widget)
    app = make_app(lessons_source=FIXTURES, home=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        for _ in range(500):
            if started.is_set():
                break
            await asyncio.sleep(0.01)
        ask = app.screen
        status = ask.query_one("#ask-status")
        release.set()
        app.post_message(Navigate("home"))  # the Ask screen is replaced while its worker waits
        for _ in range(500):  # wait without blocking the app's loop
            if returned.is_set():
                break
            await asyncio.sleep(0.01)
        assert returned.is_set()
        for _ in range(5):
            await pilot.pause(0.05)
        assert type(app.screen).__name__ == "HomeScreen"
        assert app.is_running and app.return_code is None


class _Box(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="box")

    @reports
    def show(self, text: str) -> None:
        self.query_one("#box", Static).update(text)  # NoMatches on a screen that is gone
        self.shown.append(text)


class _Host(App):
    def on_mount(self) -> None:
        self.push_screen(_Box())


async def test_a_report_runs_on_the_ui_thread_while_the_screen_shows_and_is_dropped_after() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        box = app.screen
        assert isinstance(box, _Box) and showing(box)
        threads: list[int] = []
        done = threading.Event()

        def worker() -> None:
            assert box.show("from a thread") is True
            report_to(box, lambda: threads.append(threading.get_ident()))
            done.set()

        threading.Thread(target=worker).start()
        assert done.wait(5)
        await pilot.pause()
        assert box.shown == ["from a thread"] and threads == [threading.get_ident()]
        await app.pop_screen()
        await pilot.pause()
        assert not showing(box)
        gone = threading.Thread(target=lambda: box.show("too late"))
        gone.start()
        gone.join(5)
        await pilot.pause()
        assert box.shown == ["from a thread"]
        assert app.is_running and app.return_code is None


async def test_a_report_queued_before_the_screen_left_is_dropped_when_it_arrives() -> None:
    """Queued while the screen showed, delivered after it was replaced: the check is made again."""
    app = _Host()
    async with app.run_test() as pilot:
        box = app.screen
        queued = threading.Event()
        threading.Thread(target=lambda: (box.show("late"), queued.set())).start()
        assert queued.wait(5)
        await app.switch_screen(Screen())  # removed before its queue runs the report
        await pilot.pause()
        assert box.shown == []
        assert app.is_running and app.return_code is None


def test_no_screen_or_widget_reports_around_the_shared_rule() -> None:
    """Every worker reports through tutor.reporting: none calls the app's call_from_thread itself."""
    root = Path(__file__).resolve().parents[1] / "tutor"
    offenders = [str(p.relative_to(root)) for folder in ("screens", "widgets") for p in (root / folder).glob("*.py")
                 if "call_from_thread(" in p.read_text(encoding="utf-8")]
    assert offenders == []
