"""The guided tour: drive the real app headless through every screen and check what each one shows.

``dltutor tour`` runs it (no terminal needed: :meth:`textual.app.App.run_test` inside ``asyncio.run``),
with a temporary progress directory so the learner's progress is never touched. Each stop drives the app
with a :class:`textual.pilot.Pilot`, checks the visible text, and returns a one-line detail; a failed
check raises :class:`TourFailure`.

- :mod:`.pilot`: :class:`Stop`, :class:`TourFailure` and the helpers stops (and tests) drive the app with;
- :mod:`.stops`: the stops, one module per part of the app, which import the screens they check (the
  production screens know nothing of the tour);
- :mod:`.runner`: one app session through the stops.
"""

from __future__ import annotations

from dltutor.tutor.tour.pilot import (
    TOUR_SIZE,
    Stop,
    TourFailure,
    expect,
    go_home,
    open_screen,
    screen_text,
    settle,
    wait_for_runs,
    widget_texts,
)
from dltutor.tutor.tour.runner import run_tour, tour
from dltutor.tutor.tour.stops import all_stops, register_stop

__all__ = ["TOUR_SIZE", "Stop", "TourFailure", "all_stops", "expect", "go_home", "open_screen", "register_stop",
           "run_tour", "screen_text", "settle", "tour", "wait_for_runs", "widget_texts"]
