"""What the workbench and the lesson panels (vanishing, numgrad, normalization) share.

UI-free helpers (field parsing that raises :class:`core.errors.TutorError`), the footer's keys, and
:class:`PanelScreen`, the base of the three lesson panels: a form whose fields show their error beside
them, a debounced re-run in a thread worker whenever a valid value changes, and results applied on the UI
thread. Which panel teaches which lesson is in :mod:`tutor.destinations`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input, Select

from dltutor.tutor.reporting import report_to
from dltutor.tutor.screens.base import TutorScreen

DEBOUNCE = 0.3  # seconds after the last keystroke before a panel re-runs


def parse_float(text: str, field: str, allowed: str, low: float = -math.inf, high: float = math.inf,
                low_open: bool = False) -> float:
    """A number typed in a field (``1e-7``, ``0.01``), within ``[low, high]`` (``(low, high]``).

    Raises:
        TutorError: naming ``field`` and ``allowed`` when the text is not such a number.
    """
    from dltutor.core.errors import TutorError

    text = text.strip()
    if not text:
        raise TutorError(field, "is empty", allowed)
    try:
        value = float(text)
    except ValueError:
        raise TutorError(field, f"{text!r} is not a number", allowed) from None
    if not math.isfinite(value) or value > high or value < low or (low_open and value == low):
        raise TutorError(field, f"{text} is out of range", allowed)
    return value


def parse_int(text: str, field: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` typed in a field.

    Raises:
        TutorError: naming ``field`` and the range.
    """
    from dltutor.core.errors import TutorError

    allowed = f"a whole number from {low} to {high}"
    text = text.strip()
    if not text:
        raise TutorError(field, "is empty", allowed)
    try:
        value = int(text)
    except ValueError:
        raise TutorError(field, f"{text!r} is not a whole number", allowed) from None
    if not low <= value <= high:
        raise TutorError(field, f"{value} is out of range", allowed)
    return value


def footer_bindings(*own: Binding, hide: tuple[str, ...] = ("a", "q", "d")) -> list[BindingType]:
    """A screen's own keys, with the shared way back shown in the footer and the jumps to other screens
    hidden from it.

    Escape keeps :class:`TutorScreen`'s action (back to where the learner came from) but shows as ``esc``;
    ``a``/``q``/``d`` still work and the help screen lists them. At 80 columns the footer has room for the
    way back and the screen's own keys, not for every jump as well.

    Args:
        own: the screen's bindings, shown after escape and ``h``.
        hide: the shared keys to leave out of the footer.

    Returns:
        The list for the screen's ``BINDINGS``.
    """
    shared = {b.key: b for b in TutorScreen.BINDINGS if isinstance(b, Binding) and b.key != "escape"}
    out: list[BindingType] = [replace(b, show=True, key_display="esc") for b in TutorScreen.BINDINGS
                          if isinstance(b, Binding) and b.key == "escape"]
    out += [replace(shared[key], show=False) for key in hide if key in shared]
    return out + list(own)


def mark_practised(screen: TutorScreen, lesson_id: str) -> None:
    """Record in the saved progress that the learner practised ``lesson_id``, or the lesson whose Try it opened
    the screen (:meth:`TutorScreen.practised_lesson`), on the saving thread."""
    lesson = screen.practised_lesson(lesson_id) or lesson_id
    screen.tutor.save(lambda store: store.mark_practised(lesson))


class PanelScreen(TutorScreen):
    """A lesson panel: edit a field, and after a short pause the experiment re-runs in a worker.

    Subclasses implement :meth:`read_form` (raise TutorError for a bad field; return the options) and
    :meth:`start` (launch the worker with them, which hands its results to :meth:`post_result`);
    ctrl+r re-runs by hand.
    """

    BINDINGS = footer_bindings(Binding("ctrl+r", "rerun", "Run again"))

    LESSON = ""
    """The lesson this panel practises (marked practised after the first run, as a lesson's Try it does)."""

    def __init__(self) -> None:
        super().__init__()
        self._pending: Any = None
        self.runs = 0  # completed runs (tests wait on it)
        self.token = 0  # the latest run's number: a worker's result for an older one is dropped
        self._started: Any = None  # the options of the latest run

    def ran(self) -> None:
        """Count a finished run; the first one marks the panel's lesson practised."""
        self.runs += 1
        if self.runs == 1 and self.LESSON:
            mark_practised(self, self.LESSON)

    def on_mount(self) -> None:
        self.call_after_refresh(self.action_rerun)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(DEBOUNCE, self._rerun_if_changed)

    def _rerun_if_changed(self) -> None:
        # The fields report a change as they mount too: running again on the same options would only
        # replace a finished result with a "Running…" one.
        self.action_rerun(only_if_changed=True)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_rerun()

    def action_rerun(self, only_if_changed: bool = False) -> None:
        """Read the form; start a run when every field is valid (and, with ``only_if_changed``, when the
        options differ from the latest run's)."""
        from dltutor.core.errors import TutorError

        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        try:
            options = self.read_form()
        except TutorError as exc:
            self.show_problem(exc)
            return
        if only_if_changed and options == self._started:
            return
        self._started = options
        self.token += 1
        self.start(options)

    def post_result(self, token: int, callback: Callable[..., Any], *args: Any) -> None:
        """From a worker thread: run ``callback(*args)`` on the UI thread, unless a newer run started
        meanwhile (a slow old run must not overwrite a quick new one) or the learner left (see
        :func:`tutor.screens.base.report_to`)."""
        report_to(self, self._deliver, token, callback, args)

    def _deliver(self, token: int, callback: Callable[..., Any], args: tuple) -> None:
        if token == self.token:
            callback(*args)

    def read_fields(self, parsers: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
        """Parse every :class:`PanelField` named in ``parsers``; each bad one shows its error beside it.

        Raises:
            TutorError: the first field's error, after every field has been marked.
        """
        from dltutor.core.errors import TutorError
        from dltutor.tutor.widgets.panel_field import PanelField

        values: dict[str, Any] = {}
        first: TutorError | None = None
        for field_id, parse in parsers.items():
            field = self.query_one(f"#{field_id}", PanelField)
            try:
                values[field_id] = parse(field.value)
                field.set_error(None)
            except TutorError as exc:
                field.set_error(str(exc))
                first = first or exc
        if first is not None:
            raise first
        return values

    def read_form(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def start(self, options: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_problem(self, error: Exception) -> None:
        """A field could not be read (the field widgets already show why); subclasses may say more."""
