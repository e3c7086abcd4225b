"""A lesson's "Try it": run a lab preset headless and show its report as text, or open the screen that
shows an experiment better.

An experiment that has its own screen (a gradcheck variant opens the workbench, ``lesson-normalize`` the
normalization panel; see :func:`tutor.screens.panels.try_navigation`) goes there, over the lesson; any other
runs here in a thread worker, and the panel prints what ``dltutor train --preset`` would print.
"""

from __future__ import annotations

import re
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dltutor.tutor.blas import single_threaded
from dltutor.tutor.reporting import reports

PROGRESS_EVERY = 0.25  # seconds between progress lines: never redraw per training step

#: The screens an experiment may open instead of running here, as the intro names them.
SCREEN_WORDS = {"workbench": "the gradient-check workbench", "normalization": "the normalization panel",
                "vanishing": "the vanishing-gradients panel", "numgrad": "the numerical-gradients panel",
                "lab": "the lab"}
STAND_IN_NOTE = "note: these numbers come from a built-in stand-in of the course's data."
_PROSE = re.compile(r"[a-z][a-z -]*: ")  # "diagnosis: ...", "note: ...": report lines that may wrap


def intro_text(try_ids: Sequence[str], where: Mapping[str, str | None] | None = None) -> str:
    """What the Try it tab says above its list: how to run, and which experiments open another screen.

    Args:
        try_ids: the lesson's experiments.
        where: try id -> the screen it opens (a Navigate target), None when it runs here; None while unknown.
    """
    if not try_ids:
        return "This lesson has no experiment to run; its Check yourself questions are the practice."
    text = "Choose an experiment with ↑/↓ and press enter (or click it)."
    if where is None:
        return text
    here = [i for i in try_ids if not where.get(i)]
    if here:
        text += " A training run prints its report below."
    away: dict[str, list[str]] = {}
    for try_id in try_ids:
        place = where.get(try_id)
        if place:
            away.setdefault(place, []).append(try_id)
    for target, ids in away.items():
        names = ", ".join(ids[:-1]) + (" and " if len(ids) > 1 else "") + ids[-1]
        text += f" {names} open{'s' if len(ids) == 1 else ''} {SCREEN_WORDS.get(target, target)}."
    if away:
        text += " Escape there comes back here."
    return text


def fit_report(text: str, width: int) -> str:
    """A run's report for the panel: its prose lines wrapped to ``width`` (charts and tables are drawn to
    fit already), and the command line's advice on the data file replaced by what the app can say."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("note:") and "--data" in line:
            line = STAND_IN_NOTE
        if len(line) > width and _PROSE.match(line):
            lines.append(textwrap.fill(line, width, subsequent_indent="  "))
        else:
            lines.append(line)
    return "\n".join(lines)


def describe(try_id: str) -> tuple[str, str]:
    """(title, what it shows) for a preset or variant; empty strings when the engine does not know it."""
    from dltutor.core.presets import PRESETS

    if try_id in PRESETS:
        p = PRESETS[try_id]
        return p.title, p.description
    from dltutor.core.variants import VARIANTS

    if try_id in VARIANTS:
        return "gradient check", f"Checks backpropagation with: {VARIANTS[try_id].description}."
    return "", ""


def run_try(try_id: str, width: int, report: Callable[[str], None], cancelled: Callable[[], bool]) -> str:
    """Run a preset or variant to the end and return its text report (UI-free; runs in a worker).

    Args:
        try_id: a preset id (``lesson-overfit``) or a gradcheck variant id (``dW2-doubled``).
        width: the width the report may use.
        report: called now and then with a progress line.
        cancelled: polled between chunks; True stops the run early.
    """
    from dltutor.core.presets import PRESETS

    if try_id in PRESETS:
        return _run_preset(try_id, width, report, cancelled)
    from dltutor.core.variants import VARIANTS

    if try_id in VARIANTS:
        return _run_variant(try_id, width)
    from dltutor.core.errors import TutorError

    known = ", ".join(list(PRESETS) + list(VARIANTS))
    raise TutorError("try", f"unknown preset or variant {try_id!r}", known)


def _run_preset(try_id: str, width: int, report: Callable[[str], None], cancelled: Callable[[], bool]) -> str:
    from dltutor.core.presets import PRESETS
    from dltutor.core.train import Training
    from dltutor.tutor.training_text import render_result

    preset = PRESETS[try_id]
    dataset = preset.data.load()
    training = Training(preset.config, dataset)
    total = preset.config.iterations
    last = time.monotonic()
    while not training.done:
        if cancelled():
            training.cancel()
        training.run_chunk(preset.config.log_every)
        if time.monotonic() - last > PROGRESS_EVERY:
            last = time.monotonic()
            report(f"training {preset.name}: iteration {training.iteration:,} of {total:,}")
    return render_result(preset, preset.config, dataset, training, width=width)


def _run_variant(try_id: str, width: int) -> str:
    from dltutor.core.gradcheck import gradient_check
    from dltutor.core.variants import course_case
    from dltutor.tutor.text.gradcheck import render_report

    arch, params, X, Y = course_case()
    return render_report(gradient_check(arch, params, X, Y, try_id, case="course"))


class TryPanel(Vertical):
    """The lesson's experiments in a list; enter or a click runs one, its report appears below."""

    DEFAULT_CSS = """
    TryPanel { height: 1fr; }
    TryPanel #try-intro { height: auto; color: $text-muted; padding: 0 1; }
    TryPanel #try-list { height: auto; max-height: 8; margin: 1 0 0 0; }
    TryPanel #try-about { height: auto; padding: 0 1; color: $text-muted; margin-bottom: 1; }
    TryPanel #try-status { height: auto; padding: 0 1; }
    TryPanel LoadingIndicator { height: 1; }
    TryPanel #try-output { height: 1fr; border: round $secondary; }
    TryPanel #try-text { width: auto; padding: 0 1; }
    """

    class Finished(Message):
        """A run ended: ``ok`` is False when it failed or was cancelled."""

        def __init__(self, try_id: str, ok: bool, text: str) -> None:
            super().__init__()
            self.try_id = try_id
            self.ok = ok
            self.text = text

    def __init__(self, try_ids: Sequence[str], selected: str | None = None,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.try_ids = tuple(try_ids)
        self.selected = selected if selected in self.try_ids else None
        self.running: str | None = None
        self.about: dict[str, tuple[str, str]] = {}
        self.where: dict[str, str | None] = {}

    def compose(self) -> ComposeResult:
        yield Static(intro_text(self.try_ids), id="try-intro", markup=False)
        yield OptionList(*[Option(Content(i), id=i) for i in self.try_ids], id="try-list")
        yield Static("", id="try-about", markup=False)
        yield Static("", id="try-status", markup=False)
        yield LoadingIndicator()
        with VerticalScroll(id="try-output"):
            yield Static("", id="try-text", markup=False)

    def on_mount(self) -> None:
        self.query_one(LoadingIndicator).display = False
        self.query_one("#try-output").display = False
        self.query_one("#try-list").display = bool(self.try_ids)
        if self.selected:
            self.query_one("#try-list", OptionList).highlighted = self.try_ids.index(self.selected)
        self._describe()

    @work(thread=True, group="try-describe")
    def _describe(self) -> None:
        # The descriptions come from the engine (NumPy): fetch them off the UI thread.
        from dltutor.tutor.destinations import try_navigation

        about, where = {}, {}
        for try_id in self.try_ids:
            try:
                about[try_id] = describe(try_id)
                elsewhere = try_navigation(try_id)
                where[try_id] = elsewhere.target if elsewhere is not None else None
            except Exception:  # an unknown id still gets listed; running it reports the problem
                about[try_id], where[try_id] = ("", ""), None
        self._show_descriptions(about, where)

    @reports
    def _show_descriptions(self, about: dict[str, tuple[str, str]], where: dict[str, str | None]) -> None:
        self.about, self.where = about, where
        self.query_one("#try-intro", Static).update(intro_text(self.try_ids, where))
        options = self.query_one("#try-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        titles = {i: about.get(i, ("", ""))[0] for i in self.try_ids}
        options.add_options([
            Option(Content.assemble((i, "bold"), f"  {titles[i]}" if titles[i] else "",
                                    (f"  → {where[i]}" if where.get(i) else "", "dim")), id=i)
            for i in self.try_ids
        ])
        if self.selected:
            highlighted = self.try_ids.index(self.selected)
        options.highlighted = highlighted if highlighted is not None else 0
        self._show_about(self.try_ids[options.highlighted or 0] if self.try_ids else None)

    def select(self, try_id: str) -> None:
        """Highlight ``try_id`` in the list and show its description (when the lesson lists it)."""
        if try_id not in self.try_ids:
            return
        self.selected = try_id
        self.query_one("#try-list", OptionList).highlighted = self.try_ids.index(try_id)
        self._show_about(try_id)

    def _show_about(self, try_id: str | None) -> None:
        text = self.about.get(try_id, ("", ""))[1] if try_id else ""
        self.query_one("#try-about", Static).update(text)

    @on(OptionList.OptionHighlighted, "#try-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.selected = event.option.id
        self._show_about(event.option.id)

    @on(OptionList.OptionSelected, "#try-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.run(event.option.id)

    def run(self, try_id: str) -> None:
        """Start running ``try_id`` (a run already going is cancelled)."""
        from dltutor.tutor.destinations import try_navigation

        self.select(try_id)
        if try_navigation(try_id) is not None:  # a variant opens the workbench, lesson-normalize its panel
            # Posted from this panel's own turn: a message sent while the lesson runs (its on_mount) would
            # count the lesson as its sender and stop bubbling there, never reaching the app.
            self.call_later(self._open_elsewhere, try_id)
            return
        self.running = try_id
        self.query_one("#try-status", Static).update(f"Running {try_id}… (escape or h leaves; the run stops)")
        self.query_one(LoadingIndicator).display = True
        self._run(try_id, self._width())

    def _width(self) -> int:
        """The report's width: the output box less its border, padding and scroll bar."""
        return max(40, self.size.width - 6)

    def _open_elsewhere(self, try_id: str) -> None:
        from dltutor.tutor.destinations import try_navigation

        request = try_navigation(try_id)
        if request is not None:
            self.post_message(request)

    @work(thread=True, exclusive=True, group="try")
    def _run(self, try_id: str, width: int) -> None:
        worker = get_current_worker()

        def report(line: str) -> None:
            if not worker.is_cancelled:
                self._status(line)

        try:
            with single_threaded():
                text = run_try(try_id, width, report, lambda: worker.is_cancelled)
            ok = not worker.is_cancelled
        except Exception as exc:  # a failing experiment is shown, never a traceback
            text, ok = f"{try_id} could not run: {exc}", False
        if not worker.is_cancelled:
            self._done(try_id, ok, text)

    @reports
    def _status(self, line: str) -> None:
        self.query_one("#try-status", Static).update(line)

    @reports
    def _done(self, try_id: str, ok: bool, text: str) -> None:
        self.running = None
        self.query_one(LoadingIndicator).display = False
        self.query_one("#try-status", Static).update(
            f"{try_id} finished: tab, then ↑/↓ or the mouse wheel, scrolls the report." if ok
            else f"{try_id} did not finish.")
        self.query_one("#try-output").display = True
        self.query_one("#try-output").border_title = try_id
        self.query_one("#try-text", Static).update(fit_report(text, self._width()))
        self.post_message(self.Finished(try_id, ok, text))
