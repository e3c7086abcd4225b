"""The notice that covers the app while the terminal is smaller than the tutor needs."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

from dltutor.tutor.screens.base import SteadyResize

MIN_WIDTH = 80
MIN_HEIGHT = 24


def cover_if_small(app: App, size: Size) -> None:
    """Cover the app with the notice while the terminal is below 80x24, and lift it when it grows."""
    width, height = size
    small = width < MIN_WIDTH or height < MIN_HEIGHT
    screen = app.screen
    if not isinstance(screen, TooSmallScreen):
        if small:
            app.push_screen(TooSmallScreen())
    elif small:
        screen.show_size(width, height)
    else:
        app.pop_screen()


def notice_text(width: int, height: int) -> str:
    return (f"dltutor needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {width}x{height}.\n"
            "Make the window bigger to continue (ctrl+q quits).")


class TooSmallScreen(SteadyResize, ModalScreen[None]):
    """Covers everything until the terminal is big enough again; the app lifts it on resize."""

    CSS_PATH = "too_small.tcss"
    BINDINGS = [Binding("escape", "ignore", show=False)]

    def compose(self) -> ComposeResult:
        width, height = self.app.size
        yield Static(notice_text(width, height), id="too-small")

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(notice_text(width, height))

    def on_resize(self, event: events.Resize) -> None:
        self.show_size(*event.size)

    def action_ignore(self) -> None:
        """Escape must not pop the notice while the terminal is still too small."""
