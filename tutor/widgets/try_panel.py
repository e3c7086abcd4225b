"""A lesson's "Try it": run a lab preset or a gradcheck variant headless and show the result as text.

An experiment that has its own screen (a gradcheck variant opens the workbench; see
:func:`tutor.screens.panels.try_navigation`) goes there; any other runs here in a thread worker, and the
panel prints what ``dltutor train --preset`` or ``dltutor gradcheck --variant`` would print.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

PROGRESS_EVERY = 0.25  # seconds between progress lines: never redraw per training step


def describe(try_id: str) -> tuple[str, str]:
    """(title, what it shows) for a preset or variant; empty strings when the engine does not know it."""
    from core.presets import PRESETS

    if try_id in PRESETS:
        p = PRESETS[try_id]
        return p.title, p.description
    from core.variants import VARIANTS

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
    from core.presets import PRESETS

    if try_id in PRESETS:
        return _run_preset(try_id, width, report, cancelled)
    from core.variants import VARIANTS

    if try_id in VARIANTS:
        return _run_variant(try_id, width)
    from core.errors import TutorError

    known = ", ".join(list(PRESETS) + list(VARIANTS))
    raise TutorError("try", f"unknown preset or variant {try_id!r}", known)


def _run_preset(try_id: str, width: int, report: Callable[[str], None], cancelled: Callable[[], bool]) -> str:
    from core.presets import PRESETS
    from core.train import Training
    from tutor.training_text import render_result

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
    from core.gradcheck import gradient_check, render_report
    from core.variants import course_case

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

    def __init__(self, try_ids: Sequence[str], id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.try_ids = tuple(try_ids)
        self.running: str | None = None
        self.about: dict[str, tuple[str, str]] = {}

    def compose(self) -> ComposeResult:
        if self.try_ids:
            intro = ("Run an experiment from this lesson: choose it with ↑/↓ and press enter (or click it). "
                     "It runs here and prints the same report as the command line.")
        else:
            intro = "This lesson has no experiment to run; its Check yourself questions are the practice."
        yield Static(intro, id="try-intro", markup=False)
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
        self._describe()

    @work(thread=True, group="try-describe")
    def _describe(self) -> None:
        # The descriptions come from the engine (NumPy): fetch them off the UI thread.
        about = {}
        for try_id in self.try_ids:
            try:
                about[try_id] = describe(try_id)
            except Exception:  # an unknown id still gets listed; running it reports the problem
                about[try_id] = ("", "")
        self.app.call_from_thread(self._show_descriptions, about)

    def _show_descriptions(self, about: dict[str, tuple[str, str]]) -> None:
        self.about = about
        options = self.query_one("#try-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        titles = {i: about.get(i, ("", ""))[0] for i in self.try_ids}
        options.add_options([
            Option(Content.assemble((i, "bold"), f"  {titles[i]}" if titles[i] else ""), id=i)
            for i in self.try_ids
        ])
        options.highlighted = highlighted if highlighted is not None else 0
        self._show_about(self.try_ids[options.highlighted or 0] if self.try_ids else None)

    def _show_about(self, try_id: str | None) -> None:
        text = self.about.get(try_id, ("", ""))[1] if try_id else ""
        self.query_one("#try-about", Static).update(text)

    @on(OptionList.OptionHighlighted, "#try-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_about(event.option.id)

    @on(OptionList.OptionSelected, "#try-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.run(event.option.id)

    def run(self, try_id: str) -> None:
        """Start running ``try_id`` (a run already going is cancelled)."""
        from tutor.screens.panels import try_navigation

        elsewhere = try_navigation(try_id)  # a variant opens the workbench, lesson-normalize its panel
        if elsewhere is not None:
            self.post_message(elsewhere)
            return
        self.running = try_id
        self.query_one("#try-status", Static).update(f"Running {try_id}… (escape or h leaves; the run stops)")
        self.query_one(LoadingIndicator).display = True
        width = max(40, self.size.width - 6)
        self._run(try_id, width)

    @work(thread=True, exclusive=True, group="try")
    def _run(self, try_id: str, width: int) -> None:
        worker = get_current_worker()

        def report(line: str) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._status, line)

        try:
            text = run_try(try_id, width, report, lambda: worker.is_cancelled)
            ok = not worker.is_cancelled
        except Exception as exc:  # a failing experiment is shown, never a traceback
            text, ok = f"{try_id} could not run: {exc}", False
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, try_id, ok, text)

    def _status(self, line: str) -> None:
        self.query_one("#try-status", Static).update(line)

    def _done(self, try_id: str, ok: bool, text: str) -> None:
        self.running = None
        self.query_one(LoadingIndicator).display = False
        self.query_one("#try-status", Static).update(
            f"{try_id} finished: tab, then ↑/↓ or the mouse wheel, scrolls the report." if ok
            else f"{try_id} did not finish.")
        self.query_one("#try-output").display = True
        self.query_one("#try-output").border_title = try_id
        self.query_one("#try-text", Static).update(text)
        self.post_message(self.Finished(try_id, ok, text))
