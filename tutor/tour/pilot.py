"""What every stop of the tour uses: the :class:`Stop` record, its failure, and helpers that drive and read
the app through a :class:`textual.pilot.Pilot`."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from dltutor.tutor.app import DLTutorApp

TOUR_SIZE = (100, 30)


class TourFailure(Exception):
    """A stop did not show what it should; the message says what was missing."""


@dataclass(frozen=True)
class Stop:
    """One stop of the tour.

    Args:
        name: a short name (``home``, ``lesson``...), printed and used for the screenshot file.
        run: ``async run(pilot, app) -> detail``: drives the app from wherever the previous stop left it
            to this stop's screen, checks it (raising :class:`TourFailure`), returns a one-line detail.
        after: for a registered stop, the name of the stop it follows (None: at the end).
    """

    name: str
    run: Callable[[Pilot, DLTutorApp], Awaitable[str]]
    after: str | None = None



def screen_text(app: App) -> str:
    """The text on the app's screen right now, as a terminal would show it (no colours)."""
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None,
                      force_terminal=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Wait until the app's workers are done and the screen has caught up."""
    for _ in range(rounds):
        await _workers_done(pilot.app)
        await pilot.pause()


async def _workers_done(app: App) -> None:
    """Wait for the app's workers; one cancelled on the way (replaced by a newer run of its exclusive group,
    or stopped by the learner) is not a failure: the loop then waits for what replaced it."""
    from textual.worker import WorkerCancelled, WorkerState

    for _ in range(100):
        running = [w for w in app.workers if w.state not in (WorkerState.CANCELLED, WorkerState.SUCCESS)]
        try:
            await app.workers.wait_for_complete(running)
            return
        except WorkerCancelled:
            continue


def widget_texts(app: App) -> list[str]:
    """The text of every displayed Static (labels, answers, messages) on the current screen, unwrapped."""
    from textual.widgets import Static

    return [str(w.render()) for w in app.screen.query(Static) if w.display and w.is_on_screen]


def expect(app: App, *needles: str, where: str = "the screen") -> str:
    """Raise :class:`TourFailure` unless every needle is on screen (case-insensitive); return the text.

    A needle counts when the screen shows it, or when a displayed text widget holds it (a sentence that
    wraps beside another column is not contiguous in the screen's text).
    """
    text = screen_text(app)
    haystacks = [" ".join(t.split()).lower() for t in [text, *widget_texts(app)]]
    for needle in needles:
        wanted = " ".join(needle.split()).lower()
        if not any(wanted in hay for hay in haystacks):
            raise TourFailure(f"expected {needle!r} on {where}")
    return text


async def go_home(pilot: Pilot) -> None:
    from dltutor.tutor.messages import Navigate

    pilot.app.post_message(Navigate("home"))
    await settle(pilot)


async def wait_for_runs(pilot: Pilot, runs: int = 1, rounds: int = 300) -> None:
    """Wait until the current screen (a panel or the workbench) has finished ``runs`` runs."""
    for _ in range(rounds):
        await settle(pilot)
        if getattr(pilot.app.screen, "runs", 0) >= runs:
            return
    raise TourFailure(f"{type(pilot.app.screen).__name__} never showed a result")


async def open_screen(pilot: Pilot, target: str, expected: str) -> Any:
    """Go to ``target`` from home with a Navigate message and wait for its first result."""
    from dltutor.tutor.messages import Navigate

    await go_home(pilot)
    pilot.app.post_message(Navigate(target))
    await wait_for_runs(pilot)
    screen = pilot.app.screen
    if type(screen).__name__ != expected:
        raise TourFailure(f"Navigate({target!r}) opened {type(screen).__name__}, not {expected}")
    return screen
