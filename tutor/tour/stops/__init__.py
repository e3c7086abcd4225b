"""The tour's stops, in the order the tour visits them.

Each module drives one part of the app: :mod:`.main` the main screens, :mod:`.lab` the training lab,
:mod:`.workbench` the gradient-check workbench, :mod:`.panels` the lesson panels. The stop modules import
the screens they check (the screens never import the tour), so they load only when the tour runs.
"""

from __future__ import annotations

from dltutor.tutor.tour.pilot import Stop

#: Stops added with :func:`register_stop`.
_REGISTERED: list[Stop] = []


def register_stop(stop: Stop) -> None:
    """Add a stop to the tour, after ``stop.after`` (or at the end); a stop of the same name is replaced."""
    _REGISTERED[:] = [s for s in _REGISTERED if s.name != stop.name]
    _REGISTERED.append(stop)


def _insert(stops: list[Stop], stop: Stop) -> None:
    names = [s.name for s in stops]
    if stop.after in names:
        stops.insert(names.index(stop.after) + 1, stop)
    else:
        stops.append(stop)


def all_stops() -> list[Stop]:
    """Every stop of the tour, the registered ones in their place."""
    from dltutor.tutor.tour.stops import lab, main, panels, workbench

    stops = [
        Stop("home", main.home),
        Stop("lesson", main.lesson),
        Stop("ask", main.ask),
        Stop("quiz", main.quiz),
        Stop("diagnose", main.diagnose),
        Stop("lab", lab.training_lab),
        Stop("help", main.help_keys),
        Stop("workbench", workbench.workbench),
        Stop("vanishing", panels.vanishing),
        Stop("numgrad", panels.numgrad),
        Stop("normalization", panels.normalization),
    ]
    for stop in _REGISTERED:
        stops = [s for s in stops if s.name != stop.name]
        _insert(stops, stop)
    return stops
