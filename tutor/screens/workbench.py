"""The gradient-check workbench: check a catalogue variant or your own backward pass, see where it is wrong.

Pick a variant (each says what bug it has and which lesson it belongs to) or type the path of your own
``.py`` file (``forward_propagation`` and ``backward_propagation`` with the course's signatures, run in a
child process under a time limit), choose epsilon and the mode, and the check runs in a thread worker. The
screen shows the overall difference on the course's verdict bands, a table with one row per gradient block,
the elements of the highlighted block as a heat map, the ReLU kinks, and the difference against epsilon on a
log-log chart. ``b`` puts the selection side by side with ``fixed``.

This module is the screen only: the checks and their data are in :mod:`tutor.workbench_model` (UI-free),
the report's words in :mod:`tutor.workbench_text`. The worker posts :class:`WorkbenchScreen.Checked` and
:class:`WorkbenchScreen.Swept`; the state that drives the view (``result``, ``checking``, ``comparing``) is
reactive, and its watchers redraw.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dltutor.core.bands import COURSE_THRESHOLD  # the bands' one definition
from dltutor.tutor.blas import single_threaded
from dltutor.tutor.reporting import showing
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.screens.panels import footer_bindings, mark_practised, parse_float
from dltutor.tutor.widgets.gc_bands import format_difference
from dltutor.tutor.widgets.gc_heatmap import BlockCells, BlockHeatmap
from dltutor.tutor.widgets.gc_report import GcReportView
from dltutor.tutor.widgets.panel_field import PanelField
from dltutor.tutor.widgets.panel_plot import Series, SeriesPlot
from dltutor.tutor.workbench_model import (
    DEFAULT_TIMEOUT,
    FILE_HELP,
    LISTED_VARIANTS,
    MODE_HELP,
    MODES,
    BenchRequest,
    BenchResult,
    SweepPoint,
    file_sweep,
    read_path,
    run_bench,
    variant_catalogue,
)
from dltutor.tutor.workbench_text import notes_of, title_of

TICK = 0.25  # seconds between updates of the "checking" line while a learner's file runs


class WorkbenchScreen(TutorScreen):
    """Gradient-check workbench.

    Args:
        variant: the variant to check at once (default ``course``).
        file: a learner's file to check at once instead.
        timeout: seconds a learner's file may run.
    """

    NAME = "workbench"
    CSS_PATH = "workbench.tcss"
    AUTO_FOCUS = "#wb-variants"
    BINDINGS = [
        Binding("escape", "cancel_check", "Cancel", key_display="esc", tooltip="Stop the check of your file"),
    ] + footer_bindings(
        Binding("ctrl+r", "run", "Run",
                tooltip="Check what the form shows: your file when its field holds a path, else the variant"),
        Binding("b", "compare", "vs fixed", tooltip="The selection side by side with the fixed backward pass"),
        Binding("ctrl+b", "compare", "vs fixed", show=False,
                tooltip="The selection side by side with the fixed backward pass"),
        Binding("o", "focus_file", "File", tooltip="Type the path of your own backward pass"),
        Binding("v", "focus_variants", "Variants", show=False, tooltip="Back to the list of variants"),
    )

    #: The latest check's result (None while a learner's file runs, or before the first check).
    result: var[BenchResult | None] = var(None, init=False, always_update=True, bindings=True)
    #: The learner's file being checked, while it runs (cancel is offered, the time used is shown).
    checking: var[BenchRequest | None] = var(None, init=False, bindings=True)
    #: The selection side by side with ``fixed``.
    comparing: var[bool] = var(False, init=False)

    class Checked(Message):
        """The worker finished a check (``result.request.token`` says which)."""

        bubble = False

        def __init__(self, result: BenchResult) -> None:
            super().__init__()
            self.result = result

    class Swept(Message):
        """One epsilon of a learner's file's sweep (``point`` None: the file failed at it)."""

        bubble = False

        def __init__(self, token: int, point: SweepPoint | None) -> None:
            super().__init__()
            self.token = token
            self.point = point

    def __init__(self, variant: str | None = None, file: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.variant = variant if variant in LISTED_VARIANTS else "course"
        self.file = file
        self.timeout = timeout
        self.file_sweep: list[SweepPoint] = []
        self.token = 0  # the latest check's number: a result for an older one is dropped
        self.runs = 0  # finished checks
        self.descriptions = variant_catalogue()
        self.practised: set[str] = set()
        self._check_started = 0.0
        self._ticker: Timer | None = None

    # -- layout ----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wb-body"):
            with VerticalScroll(id="wb-side"):
                yield OptionList(*[Option(Text(v, style="bold"), id=v) for v in LISTED_VARIANTS],
                                 id="wb-variants")
                yield Static("", id="wb-about")
                yield PanelField("Your file", self.file or "", id="wb-file",
                                 placeholder="path/to/backprop.py", tooltip=FILE_HELP, label_width=12)
                yield PanelField("Time limit", f"{self.timeout:g}", id="wb-timeout", label_width=12,
                                 tooltip="seconds your file may run before it is stopped (0 < t <= 600)")
                yield PanelField("Epsilon", "1e-7", id="wb-eps", label_width=12,
                                 tooltip="the step: 0 < epsilon <= 1; the course uses 1e-7")
                with Horizontal(id="wb-mode-row"):
                    yield Label("Mode")
                    yield Select([(m, m) for m in MODES], value="full", allow_blank=False, compact=True,
                                 id="wb-mode", tooltip=MODE_HELP)
                yield Button(self._run_label(), id="wb-run", variant="primary", compact=True)
                yield ProgressBar(total=self.timeout, show_eta=False, id="wb-progress")
                yield Static("", id="wb-status", markup=False)
            with Vertical(id="wb-main"):
                with VerticalScroll(id="wb-single"):
                    yield GcReportView(id="wb-report")
                    yield Static("", id="wb-notes", markup=False)
                    with Horizontal(id="wb-lower"):
                        with Vertical(id="wb-detail"):
                            yield Static("", id="wb-block-title", markup=False)
                            yield Static("", id="wb-hint", markup=False)
                            with VerticalScroll(id="wb-heat-box"):
                                yield BlockHeatmap(id="wb-heat")
                        yield SeriesPlot("The epsilon sweep appears after a run.", id="wb-sweep")
                with Horizontal(id="wb-compare"):
                    yield GcReportView(hints=False, id="wb-left")
                    yield GcReportView(hints=False, id="wb-right")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Gradient-check workbench"
        self.query_one("#wb-side").border_title = "Check"
        self.query_one("#wb-single").border_title = "Result"
        self.query_one("#wb-compare").border_title = "Side by side (b returns)"
        self.query_one("#wb-detail").border_title = "Block"
        self.query_one("#wb-sweep").border_title = "Epsilon sweep"
        self.query_one("#wb-sweep").border_subtitle = "─ the 2e-7 threshold"
        self.query_one("#wb-compare").display = False
        self.query_one("#wb-progress").display = False
        options = self.query_one("#wb-variants", OptionList)
        # The list stays one row per variant; the highlighted one's description shows under it.
        options.tooltip = "\n".join(f"{v}: {self.descriptions[v][0]} (lesson {self.descriptions[v][1]})"
                                     for v in LISTED_VARIANTS)
        options.highlighted = LISTED_VARIANTS.index(self.variant)
        if self.file:
            self.call_after_refresh(self._run_file)
        else:
            self.call_after_refresh(self.action_run)

    # -- reading the form ------------------------------------------------------------------------------

    def _options(self) -> tuple[float, str] | None:
        from dltutor.core.errors import TutorError

        field_ = self.query_one("#wb-eps", PanelField)
        try:
            eps = parse_float(field_.value, "epsilon", "0 < epsilon <= 1 (the course uses 1e-7)", 0.0, 1.0,
                              low_open=True)
        except TutorError as exc:
            field_.set_error(str(exc))
            self._status("Fix the field marked ⚠ to run.")
            return None
        field_.set_error(None)
        return eps, str(self.query_one("#wb-mode", Select).value)

    def _status(self, text: str) -> None:
        self.query_one("#wb-status", Static).update(text)

    def _path_typed(self) -> str:
        return self.query_one("#wb-file-input", Input).value.strip() if self.is_mounted else (self.file or "")

    def _run_label(self) -> str:
        return "Run your file (ctrl+r)" if self._path_typed() else "Run variant (ctrl+r)"

    # -- starting a check ------------------------------------------------------------------------------

    def action_run(self) -> None:
        """Check what the form shows: the file when its field holds a path (a bad path is explained beside
        the field), otherwise the highlighted variant."""
        if self._path_typed():
            self._run_file()
            return
        highlighted = self.query_one("#wb-variants", OptionList).highlighted
        self.check_variant(LISTED_VARIANTS[highlighted] if highlighted is not None else self.variant)

    def check_variant(self, variant: str, chosen: bool = True) -> None:
        """Check a catalogue variant with the form's epsilon and mode (``chosen``: asked for, not browsed)."""
        options = self._options()
        if options is None:
            return
        self.variant, self.file = variant, None
        self.query_one("#wb-file", PanelField).set_error(None)
        self._start(BenchRequest(self._next_token(), variant, None, *options, timeout=self.timeout,
                                 chosen=chosen))

    def _run_file(self) -> None:
        """Check the file the field names; every field that cannot be used is explained beside it."""
        from dltutor.core.errors import TutorError

        field_ = self.query_one("#wb-file", PanelField)
        limit = self.query_one("#wb-timeout", PanelField)
        path = timeout = None
        try:
            path = read_path(field_.value)
            field_.set_error(None)
        except TutorError as exc:
            field_.set_error(str(exc))
            self.file = None
        try:
            timeout = parse_float(limit.value, "time limit", "seconds, 0 < time limit <= 600", 0.0, 600.0,
                                  low_open=True)
            limit.set_error(None)
        except TutorError as exc:
            limit.set_error(str(exc))
        options = self._options()
        if path is None or timeout is None or options is None:
            self._status("Fix the field marked ⚠ to run.")
            return
        self.timeout = timeout
        self.file = str(path)
        self._start(BenchRequest(self._next_token(), None, self.file, *options, timeout=self.timeout))

    def _next_token(self) -> int:
        self.token += 1
        return self.token

    def _start(self, request: BenchRequest) -> None:
        self.checking = None
        if request.file:
            # Clear the last verdict (it is not this file's) before the time used shows.
            self.result = None
            self.file_sweep = []
            self.query_one("#wb-notes", Static).update("your code runs in its own process")
            self._show_block(None)
            plot = self.query_one("#wb-sweep", SeriesPlot)
            plot.empty = "The epsilon sweep appears after the check."
            plot.show([])
            self.checking = request
        else:
            self._status(f"Checking {request.variant}…")
        self.query_one("#wb-run", Button).disabled = True
        self._work(request)

    # -- a learner's file while it runs ----------------------------------------------------------------

    def watch_checking(self, request: BenchRequest | None) -> None:
        """A file's check started (the time used shows, esc cancels) or ended."""
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        bar = self.query_one("#wb-progress", ProgressBar)
        if request is None:
            bar.display = False
            return
        bar.update(total=request.timeout, progress=0)
        bar.display = True
        self._check_started = time.monotonic()
        self._tick()
        self._ticker = self.set_interval(TICK, self._tick)

    def _tick(self) -> None:
        request = self.checking
        if request is None:
            return
        elapsed = min(time.monotonic() - self._check_started, request.timeout)
        self.query_one("#wb-progress", ProgressBar).update(progress=elapsed)
        used = f"{elapsed:.0f} s of the {request.timeout:g} s time limit"
        name = Path(request.file or "").name
        self._status(f"Checking {name}… {used}. esc cancels.")
        # the Result panel too: at 100x30 the form's status line is below its fold
        self.query_one("#wb-report", GcReportView).clear(
            Text(name, style="bold"), Text.assemble(("CHECKING… ", "bold"), f"{used} (esc cancels)"))

    def action_cancel_check(self) -> None:
        """Stop the check of the learner's file: its process is killed and the form is ready again."""
        request = self.checking
        if request is None:
            return
        self.token += 1  # whatever the stopped check still reports is not shown
        self.workers.cancel_group(self, "gradcheck")
        self.checking = None
        name = Path(request.file or "").name
        self.query_one("#wb-report", GcReportView).clear(
            Text(name, style="bold"), Text.assemble(("CANCELLED", "bold yellow"), ": your code was stopped"))
        self.query_one("#wb-run", Button).disabled = False
        self._status(f"Cancelled: {name} was stopped. ctrl+r checks it again.")

    @work(thread=True, exclusive=True, group="gradcheck")
    def _work(self, request: BenchRequest) -> None:
        worker = get_current_worker()
        try:
            with single_threaded():
                result = run_bench(request, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # a check that cannot run is reported on the screen, never a traceback
            result = BenchResult(request, problem=f"the check could not run: {exc}", problem_kind="internal")
        if worker.is_cancelled:
            return
        self.post_message(self.Checked(result))
        if request.file and result.report is not None:
            for point in file_sweep(request.file, request.timeout, lambda: worker.is_cancelled):
                self.post_message(self.Swept(request.token, point))

    # -- showing results -------------------------------------------------------------------------------

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        result = message.result
        if result.request.token != self.token or not showing(self):
            return  # a newer run was started, or the learner left
        self.checking = None
        self.query_one("#wb-run", Button).disabled = False
        self.result = result
        self.runs += 1
        report = result.report
        lesson = (report.lesson if report is not None else None) or "gradient-checking"
        # Browsing the catalogue is not practice; a check the learner asked for is (as a lesson's Try it).
        if report is not None and result.request.chosen and lesson not in self.practised:
            self.practised.add(lesson)
            mark_practised(self, lesson)

    def watch_result(self, result: BenchResult | None) -> None:
        """Draw a finished check: its report, or why there is none."""
        if result is None:
            return
        request = result.request
        if result.report is None:
            field_id = "#wb-eps" if result.problem_field == "epsilon" else "#wb-file"
            if request.file or field_id == "#wb-eps":
                self.query_one(field_id, PanelField).set_error(result.problem)
            headline = "TIMED OUT" if result.problem_kind == "timeout" else "COULD NOT CHECK"
            self.query_one("#wb-report", GcReportView).clear(
                Text(Path(request.source).name if request.file else request.source, style="bold"),
                Text.assemble((headline, "bold red"), ": ", result.problem or ""))
            self._show_block(None)
            self.query_one("#wb-notes", Static).update("")
            if result.problem_kind == "timeout":
                self._status(f"Your code was stopped after {request.timeout:g} s: the Time limit field gives "
                             "it longer.")
            else:
                self._status(result.problem or "the check failed")
            self._plot_sweep()
            return
        report = result.report
        self.file_sweep = []
        view = self.query_one("#wb-report", GcReportView)
        view.show(report, title_of(report, self.descriptions))
        self.query_one("#wb-notes", Static).update(notes_of(report))
        flagged = ", ".join(report.flagged) or "nothing"
        self._status(f"{request.source}: difference {format_difference(report.difference)}, "
                     f"{report.verdict}; flagged {flagged}.")
        self._plot_sweep()
        self._show_compare()
        highlighted = view.table.cursor_row
        if report.blocks:
            self._show_block(report.blocks[min(highlighted, len(report.blocks) - 1)].name)

    @on(Swept)
    def _swept(self, message: Swept) -> None:
        if message.token != self.token or self.result is None or not showing(self):
            return
        if message.point is None:
            self.result.sweep_note = "no sweep: your file failed at one of the epsilons"
        else:
            self.file_sweep.append(message.point)
            self.file_sweep.sort(key=lambda p: -p["epsilon"])
        self._plot_sweep()

    def _about(self, variant: str | None) -> None:
        description, lesson = self.descriptions.get(variant or "", ("", ""))
        self.query_one("#wb-about", Static).update(
            Text.assemble((description, ""), (f" (lesson {lesson})" if lesson else "", "italic dim"))
            if description else "")

    def _show_block(self, name: str | None) -> None:
        heat = self.query_one("#wb-heat", BlockHeatmap)
        title = self.query_one("#wb-block-title", Static)
        hint = self.query_one("#wb-hint", Static)
        report = self.result.report if self.result else None
        if report is None or name is None:
            heat.show(None)
            title.update("")
            hint.update("")
            return
        block = report.block(name)
        shape = "×".join(str(s) for s in block.shape)
        title.update(Text.assemble((name, "bold"), f" {shape}: relative difference per element",
                                   ("  (hover a cell)", "dim")))
        hint.update(Text(block.hint or "", style="red" if block.flagged else "dim"))
        heat.show(BlockCells.from_block(block))

    @on(GcReportView.BlockHighlighted, "#wb-report")
    def _block_highlighted(self, event: GcReportView.BlockHighlighted) -> None:
        self._show_block(event.name)

    def _plot_sweep(self) -> None:
        result = self.result
        plot = self.query_one("#wb-sweep", SeriesPlot)
        if result is None:
            return
        series = []
        if result.fixed_sweep:
            series.append(Series("fixed", tuple(s["epsilon"] for s in result.fixed_sweep),
                                 tuple(s["difference"] for s in result.fixed_sweep), color="green"))
        request = result.request
        points = self.file_sweep if request.file else (result.sweep or [])
        if points and request.source != "fixed":
            label = Path(request.file).name if request.file else request.source
            series.append(Series(label, tuple(p["epsilon"] for p in points),
                                 tuple(p["difference"] for p in points), color="red"))
        plot.empty = result.sweep_note or "No sweep."
        plot.show(series, xlabel="epsilon", logx=True, logy=True, min_decades=3,
                  hlines=[(COURSE_THRESHOLD, "gray")])

    def _show_compare(self) -> None:
        result = self.result
        if result is None or result.report is None or result.fixed is None:
            return
        name = Path(result.report.file).name if result.report.file else result.report.variant
        mine = "  your backward pass" if result.report.file else ""
        self.query_one("#wb-left", GcReportView).show(
            result.report, Text.assemble((name or "", "bold"), (mine, "dim")))
        self.query_one("#wb-right", GcReportView).show(
            result.fixed, Text.assemble(("fixed", "bold"), ("  the correct backward pass", "dim")))

    def action_compare(self) -> None:
        """Toggle the side-by-side view: the selection next to ``fixed``."""
        self.comparing = not self.comparing

    def watch_comparing(self, comparing: bool) -> None:
        self.query_one("#wb-side").display = not comparing  # both tables need the width
        self.query_one("#wb-single").display = not comparing
        self.query_one("#wb-compare").display = comparing
        if comparing:
            self._show_compare()
            self.query_one("#wb-left-blocks").focus()

    def action_focus_file(self) -> None:
        self.query_one("#wb-file-input", Input).focus()

    def action_focus_variants(self) -> None:
        self.query_one("#wb-variants", OptionList).focus()

    # -- the form's events -----------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#wb-variants")
    def _variant_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Checking a variant takes milliseconds: browsing the catalogue shows each bug at once.
        self._about(event.option.id)
        if event.option.id and (event.option.id != self.variant or self.file) and self.is_mounted:
            if self.result is not None or self.token:
                self.check_variant(event.option.id, chosen=False)

    @on(OptionList.OptionSelected, "#wb-variants")
    def _variant_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.check_variant(event.option.id)

    @on(Input.Submitted, "#wb-file-input")
    def _file_submitted(self) -> None:
        self._run_file()

    @on(Input.Submitted, "#wb-eps-input, #wb-timeout-input")
    def _eps_submitted(self) -> None:
        self.action_run()

    @on(Input.Changed, "#wb-file-input")
    def _path_changed(self) -> None:
        self.query_one("#wb-run", Button).label = self._run_label()
        self.query_one("#wb-file", PanelField).set_error(None)  # it was about the text before this edit

    @on(Select.Changed, "#wb-mode")
    def _mode_changed(self) -> None:
        if self.result is not None:
            self.action_run()

    @on(Button.Pressed, "#wb-run")
    def _run_pressed(self) -> None:
        self.action_run()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_check":
            return self.checking is not None
        if action == "compare" and (self.result is None or self.result.report is None):
            return None  # greyed out until there is a report to compare
        return super().check_action(action, parameters)
