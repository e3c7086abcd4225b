"""The guided tour: drive the real app headless through every screen and check what each one shows.

``dltutor tour`` runs it (no terminal needed: :meth:`textual.app.App.run_test` inside ``asyncio.run``),
with a temporary progress directory so the learner's progress is never touched. Each stop drives the app
with a :class:`textual.pilot.Pilot`, checks the visible text, and returns a one-line detail; a failed
check raises :class:`TourFailure`.

Later screens add their own stops: a module in :mod:`tutor.screens` may define ``TOUR_STOPS`` (a list of
:class:`Stop`; ``after`` places each one), or any code may call :func:`register_stop`.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import pkgutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
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


# --------------------------------------------------------------------------------------------------
# Helpers for stops


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


# --------------------------------------------------------------------------------------------------
# The stops


async def _home(pilot: Pilot, app: DLTutorApp) -> str:
    await settle(pilot)
    topics = app.course.topics()
    expect(app, "Course map", topics[0].title, topics[-1].title)
    return f"course map with {len(topics)} topics"


async def _lesson(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    lesson = app.course.topics()[1]
    await pilot.press("down", "enter")
    await settle(pilot)
    if type(app.screen).__name__ != "LessonScreen":
        raise TourFailure("enter on the course map did not open a lesson")
    expect(app, f"Lesson {lesson.order} of", lesson.title)
    return f"lesson {lesson.order} '{lesson.title}' with its contents"


async def _ask(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("a")
    await settle(pilot)
    await pilot.press(*"why does dropout regularize", "enter")
    await settle(pilot, rounds=5)
    screen: Any = app.screen
    answer = screen.current
    if answer is None:
        raise TourFailure("no answer appeared")
    source = answer.source.get("lesson")
    if not source:
        raise TourFailure(f"the answer has no source lesson ({answer.kind})")
    title = app.course.get(source).title
    expect(app, "Source: lesson", title)
    return f"answer from lesson '{title}'"


async def _quiz(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("q")
    await settle(pilot)
    expect(app, "Mixed")
    await pilot.press("enter")
    await settle(pilot)
    expect(app, "Question 1 of", "a)")
    card: Any = app.screen.query_one("QuestionCard")
    await pilot.press("a")
    if card.multi:
        await pilot.press("enter")
    await settle(pilot)
    if not card.answered:
        raise TourFailure("answering with 'a' gave no feedback")
    expect(app, "Correct." if card.right == {"a"} else "Not quite")
    return "a question answered, with its explanation"


async def _diagnose(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("d")
    await settle(pilot)
    await pilot.press(*"1%", "tab", *"11%")
    await settle(pilot)
    expect(app, "high variance", "The numbers behind it")
    return "1% / 11% diagnosed as high variance"


async def _help(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("question_mark")
    await settle(pilot)
    expect(app, "Keys", "Lesson", "Quiz", "Diagnose")
    return "keys of every screen"


STOPS: list[Stop] = [
    Stop("home", _home),
    Stop("lesson", _lesson),
    Stop("ask", _ask),
    Stop("quiz", _quiz),
    Stop("diagnose", _diagnose),
    Stop("help", _help),
]


def register_stop(stop: Stop) -> None:
    """Add a stop to the tour, after ``stop.after`` (or at the end); a stop of the same name is replaced."""
    STOPS[:] = [s for s in STOPS if s.name != stop.name]
    _insert(STOPS, stop)


def _insert(stops: list[Stop], stop: Stop) -> None:
    names = [s.name for s in stops]
    if stop.after in names:
        stops.insert(names.index(stop.after) + 1, stop)
    else:
        stops.append(stop)


def all_stops() -> list[Stop]:
    """The built-in and registered stops, plus the ``TOUR_STOPS`` of every module in tutor.screens."""
    from dltutor.tutor import screens

    stops = list(STOPS)
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"dltutor.tutor.screens.{info.name}")
        for stop in getattr(module, "TOUR_STOPS", ()):
            if stop.name not in {s.name for s in stops}:
                _insert(stops, stop)
    return stops


# --------------------------------------------------------------------------------------------------
# Running


async def tour(stops: Iterable[Stop], screenshots: Path | None, out: Callable[[str], None],
               home: Path, lessons_source: Any = None) -> list[tuple[str, bool, str]]:
    """Run the stops in one app session; returns (name, ok, detail) per stop."""
    from dltutor.tutor.app import make_app

    app = make_app(lessons_source=lessons_source, home=home, size=TOUR_SIZE)
    results: list[tuple[str, bool, str]] = []
    async with app.run_test(size=TOUR_SIZE) as pilot:
        for n, stop in enumerate(stops, 1):
            try:
                detail, ok = await stop.run(pilot, app), True
            except TourFailure as exc:
                detail, ok = str(exc), False
            except Exception as exc:  # a crash in one stop is reported like a failed check
                detail, ok = f"{type(exc).__name__}: {exc}", False
            if screenshots is not None:
                app.save_screenshot(f"{n:02d}-{stop.name}.svg", str(screenshots))
            out(f"{stop.name}: {'ok' if ok else 'FAILED'}: {detail}")
            results.append((stop.name, ok, detail))
    return results


def run_tour(screenshots: str | Path | None = None, out: Callable[[str], None] = print,
             stops: Iterable[Stop] | None = None, lessons_source: Any = None) -> int:
    """Run the tour; print one line per stop and a summary. Returns 0 when every stop passed, else 1.

    Args:
        screenshots: a directory to save an SVG screenshot of each stop in (created if needed).
        out: where lines go.
        stops: the stops to run (default :func:`all_stops`).
        lessons_source: a lessons directory (tests use fixture lessons).
    """
    chosen = list(stops) if stops is not None else all_stops()
    shots = Path(screenshots) if screenshots is not None else None
    if shots is not None:
        from dltutor.core.errors import TutorError

        if not str(screenshots).strip():
            raise TutorError("--screenshots", "empty path", "a directory (created if needed)")
        try:
            shots.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TutorError("--screenshots", f"cannot make directory {shots}: {exc.strerror or exc}",
                             "a directory, or a path where one can be created") from None
    with tempfile.TemporaryDirectory(prefix="dltutor-tour-") as home:
        results = asyncio.run(tour(chosen, shots, out, Path(home), lessons_source))
    failed = [name for name, ok, _ in results if not ok]
    if failed:
        out(f"tour: {len(failed)} of {len(results)} screens failed: {', '.join(failed)}")
        return 1
    out(f"tour: {len(results)} screens ok" + (f" (screenshots in {shots})" if shots else ""))
    return 0
