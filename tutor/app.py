"""The Textual app that ``dltutor`` opens: the App, its navigation, and :func:`run_app`.

Screens live in :mod:`tutor.screens`, widgets in :mod:`tutor.widgets`. Nothing here imports NumPy: the
lessons (whose numbers the engine computes) load in a worker after the first frame.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input
from textual.worker import WorkerFailed

from dltutor.tutor import messages
from dltutor.tutor.course import Course
from dltutor.tutor.progress import ProgressStore, Saver
from dltutor.tutor.screens import navigate
from dltutor.tutor.screens.home import HomeScreen
from dltutor.tutor.screens.too_small import TooSmallScreen, cover_if_small
from dltutor.tutor.widgets.palette import TutorCommands


class DLTutorApp(App[int]):
    """The tutor. ``start`` is where it opens: ``{"screen": "ask"}``, ``{"lesson": id}``, ``{"try": id}``."""

    TITLE = "dltutor"
    SUB_TITLE = "Practical aspects of deep learning"
    COMMANDS = App.COMMANDS | {TutorCommands}
    # A mode rather than get_default_screen(): Textual loads a screen's CSS_PATH only for modes and pushes.
    MODES = {"home": HomeScreen}
    DEFAULT_MODE = "home"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_dark", "Dark/light", show=False, tooltip="Dark or light theme"),
    ]

    def __init__(self, lessons_source: Any = None, home: Any = None, start: dict | None = None) -> None:
        super().__init__()
        self.course = Course(lessons_source)
        self.store = ProgressStore(home)
        self._load_notice = self.store.load()  # before any screen reads it
        self.start = dict(start or {})
        #: The lesson that n/p last asked for and that has not opened yet: quick presses page on from it.
        self.paging_to: str | None = None
        self.asked: list[Any] = []  # this session's Ask history (tutor.ask.Answer)
        self._saver = Saver(self.store, self._saved_soon)
        saved_theme = self.store.progress.theme
        if saved_theme and saved_theme in self.available_themes:
            self.theme = saved_theme  # the learner's last choice (ctrl+t, or the palette's themes)
        self._theme_kept = self.theme

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._load_notice:
            self.notify(self._load_notice, title="Progress", severity="warning", timeout=10)
        start = self.start
        if start.get("screen") or start.get("lesson") or start.get("try"):
            target = start.get("screen") or "lesson"
            self.post_message(messages.Navigate(target, start.get("lesson"), try_id=start.get("try")))
        cover_if_small(self, self.size)

    def _handle_exception(self, error: Exception) -> None:
        """A worker that fails (an input no screen foresaw, a bug) becomes a message; the app carries on.

        Textual exits the app on any worker's exception (``WorkerFailed``) unless each ``@work`` sets
        ``exit_on_error=False`` and each screen watches its workers' states; this one place covers every
        worker, present and future. Other exceptions keep Textual's handling.
        """
        if isinstance(error, WorkerFailed):
            cause = error.error
            text = str(cause) if str(cause) else type(cause).__name__
            if len(text) > 300:
                text = text[:300] + "…"
            self.notify(f"That did not work: {text} ({type(cause).__name__}). The tutor carries on.",
                        title="Something went wrong", severity="error", timeout=15, markup=False)
            return
        super()._handle_exception(error)

    def on_unmount(self) -> None:
        self._saver.close()

    def save(self, change: Callable[[ProgressStore], str | None]) -> Future:
        """Apply a progress change off the UI thread (one at a time, in order); the screens refresh after."""
        return self._saver.submit(change)

    def _theme_changed(self, theme: Any) -> None:
        # saved only when the learner changes it (applying the start theme is not a change)
        if theme.name != self._theme_kept:
            self._theme_kept = name = theme.name
            self.save(lambda store: store.set_theme(name))

    def _saved_soon(self, notice: str | None) -> None:
        """On the saving thread: hand the notice to the UI without waiting. The UI thread waits for the saving
        thread when the app closes (Saver.close), so a blocking call_from_thread here could deadlock."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._saved_if_open, notice)
        except RuntimeError:  # the loop closed meanwhile
            pass

    def _saved_if_open(self, notice: str | None) -> None:
        if self.is_running and self.screen_stack:
            self._saved(notice)

    def _saved(self, notice: str | None) -> None:
        if notice:
            self.notify(notice, title="Progress", severity="warning", timeout=10)
        self.screen.post_message(messages.ProgressChanged())

    async def on_navigate(self, message: messages.Navigate) -> None:
        await navigate(self, message)

    async def action_help(self) -> None:
        from dltutor.tutor.screens.help import HelpScreen

        if not isinstance(self.screen, (HelpScreen, TooSmallScreen)):
            await self.push_screen(HelpScreen())

    def get_key_display(self, binding: Binding) -> str:
        # In a text box "?" is text, so the footer offers F1 for help there.
        if binding.action == "help" and isinstance(self.focused, Input):
            return "f1"
        return super().get_key_display(binding)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette" and isinstance(self.screen, TooSmallScreen):
            return False
        return True

    def on_resize(self, event: events.Resize) -> None:
        cover_if_small(self, event.size)  # self.size is not updated yet when this handler runs


def make_app(lessons_source: Any = None, home: Any = None, **start: Any) -> DLTutorApp:
    """Build the app (tests and the tour pass fixture lessons and a temporary home).

    Args:
        lessons_source: a directory of lessons, or None for the installed ones.
        home: the progress directory, or None for ``$DLTUTOR_HOME`` / the user data directory.
        **start: ``screen``, ``lesson``, ``preset`` or ``variant`` to open at start.
    """
    first = {"screen": start.get("screen"), "lesson": start.get("lesson"),
             "try": start.get("preset") or start.get("variant")}
    return DLTutorApp(lessons_source, home, {k: v for k, v in first.items() if v})


def run_app(screen: str | None = None, lesson: str | None = None, preset: str | None = None,
            variant: str | None = None) -> int:
    """Open the tutor in this terminal; returns the exit code."""
    from dltutor.tutor.screens import SCREEN_NAMES

    if screen is not None and screen not in SCREEN_NAMES:
        from dltutor.core.errors import TutorError

        raise TutorError("screen", f"unknown screen {screen!r}", ", ".join(SCREEN_NAMES))
    if lesson is not None:
        from dltutor.tutor.lessons import get_lesson

        lesson = get_lesson(lesson).id  # an unknown id is an error message, not an app that opens blank
    # textual-serve runs one app per browser tab with Textual's web driver: its terminal is the browser.
    in_browser = os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")
    if not in_browser and not (sys.stdin.isatty() and sys.stdout.isatty()):
        from dltutor.core.errors import TutorError

        # Without a terminal the app would wait forever for keys that never come (scripts, CI, pipes).
        raise TutorError("terminal", "the tutor needs an interactive terminal",
                         "run dltutor in a terminal, or use a command: dltutor --help, dltutor tour")
    app = make_app(screen=screen, lesson=lesson, preset=preset, variant=variant)
    app.run()
    return int(app.return_code or 0)
