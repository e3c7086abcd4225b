"""Running the tour: one app session, one line per stop, a screenshot of each on request."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dltutor.tutor.tour.pilot import TOUR_SIZE, Stop, TourFailure
from dltutor.tutor.tour.stops import all_stops


async def tour(stops: Iterable[Stop], screenshots: Path | None, out: Callable[[str], None],
               home: Path, lessons_source: Any = None) -> list[tuple[str, bool, str]]:
    """Run the stops in one app session; returns (name, ok, detail) per stop."""
    from dltutor.tutor.app import make_app

    app = make_app(lessons_source=lessons_source, home=home)
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
