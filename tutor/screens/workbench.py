"""The gradient-check workbench: check a catalogue variant or your own backward pass, see where it is wrong.

Pick a variant (each says what bug it has and which lesson it belongs to) or type the path of your own
``.py`` file (``forward_propagation`` and ``backward_propagation`` with the course's signatures, run in a
child process under a time limit), choose epsilon and the mode, and the check runs in a thread worker. The
screen shows the overall difference on the course's verdict bands, a table with one row per gradient block,
the elements of the highlighted block as a heat map, the ReLU kinks, and the difference against epsilon on a
log-log chart. ``b`` puts the selection side by side with ``fixed``.

The computation (:func:`run_bench`) is UI-free and runs in the worker; :mod:`core.gradcheck` and
:mod:`core.learner` do the checking.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dltutor.core.bands import COURSE_THRESHOLD  # the bands' one definition
from dltutor.tutor.blas import single_threaded
from dltutor.tutor.reporting import reports
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.screens.panels import footer_bindings, mark_practised, parse_float
from dltutor.tutor.widgets.gc_bands import format_difference
from dltutor.tutor.widgets.gc_heatmap import BlockCells, BlockHeatmap
from dltutor.tutor.widgets.gc_report import GcReportView
from dltutor.tutor.widgets.panel_field import PanelField
from dltutor.tutor.widgets.panel_plot import Series, SeriesPlot

#: The catalogue in core/variants.py, listed here (id, one line, lesson) so the screen draws before NumPy
#: is imported; the worker fills in the engine's own descriptions and a test keeps the ids in step.
VARIANT_IDS = ("course", "fixed", "dW2-doubled", "db1-times-4", "missing-1-over-m",
               "wrong-activation-derivative", "sign-flip", "forgot-l2-gradient", "dropout-left-on",
               "bias-summed-over-wrong-axis")
MODES = ("full", "sampled", "fast")
DEFAULT_TIMEOUT = 20.0  # seconds a learner's file may run (core.learner.DEFAULT_TIMEOUT)
SWEEP = tuple(10.0 ** -e for e in range(1, 11))
#: A learner's file is swept at fewer epsilons: each one is a child process.
FILE_SWEEP = (1e-1, 1e-3, 1e-5, 1e-7, 1e-9)
#: How the screen gives a learner's code longer (quoted in the timeout message instead of the CLI's option).
MORE_TIME = "the Time limit field gives it longer"
TICK = 0.25  # seconds between updates of the "checking" line while a learner's file runs
MODE_HELP = ("full: every element (the course's loop); sampled: 10 random elements per block; "
             "fast: one random direction, then every element if it fails")
FILE_HELP = ("Your file defines forward_propagation(X, Y, parameters) -> (cost, cache) and "
             "backward_propagation(X, Y, cache) -> gradients, as in the exercise. Optional: LAYER_DIMS or "
             "make_case(rng). It runs in a separate process with a time limit.")


@dataclass
class BenchRequest:
    """What to check: a variant id or a file, with the step, the mode and the learner's time limit."""

    token: int
    variant: str | None
    file: str | None
    epsilon: float
    mode: str
    timeout: float = DEFAULT_TIMEOUT
    chosen: bool = True  # asked for (run, enter, Try it), not just highlighted while browsing

    @property
    def source(self) -> str:
        return self.file or self.variant or "fixed"


@dataclass
class BenchResult:
    """What the worker found.

    Args:
        request: what was asked.
        report: the :class:`core.gradcheck.GradCheckReport` (None when the file could not be checked).
        fixed: the report of ``fixed`` with the same options (the side-by-side view's right half).
        sweep: ``[{"epsilon", "difference"}]`` of the selection; None when it could not be swept.
        fixed_sweep: the same for ``fixed``.
        problem: why there is no report (the learner's error, a timeout), shown beside the file field.
        problem_kind: ``timeout``, ``syntax``, ``path``, ... (:class:`core.learner.LearnerError` kinds).
        sweep_note: why the sweep is missing.
    """

    request: BenchRequest
    report: Any = None
    fixed: Any = None
    sweep: list[dict] | None = None
    fixed_sweep: list[dict] | None = None
    problem: str | None = None
    problem_kind: str | None = None
    problem_field: str | None = None
    sweep_note: str = ""
    descriptions: dict[str, tuple[str, str]] = field(default_factory=dict)


def variant_catalogue() -> dict[str, tuple[str, str]]:
    """id -> (description, lesson) from :data:`core.variants.VARIANTS`."""
    from dltutor.core.variants import VARIANTS

    return {v.id: (v.description, v.lesson) for v in VARIANTS.values()}


def _sweep_variant(variant: str) -> list[dict]:
    from dltutor.core.gradcheck import epsilon_sweep
    from dltutor.core.variants import DEFAULT_L2, VARIANTS

    l2 = DEFAULT_L2 if VARIANTS[variant].needs_l2 else 0.0
    return [{"epsilon": s["epsilon"], "difference": s["difference"]}
            for s in epsilon_sweep(backward_fn=variant, l2=l2, epsilons=SWEEP)]


def run_bench(request: BenchRequest, cancelled: Callable[[], bool] | None = None) -> BenchResult:
    """Check the request's variant or file, ``fixed`` beside it, and sweep epsilon (UI-free; in a worker).

    A file's sweep is left to :func:`sweep_file` (one child process per epsilon), which the screen runs
    after showing the report. ``cancelled`` stops a learner's file early (the screen's cancel key).
    """
    import numpy as np

    from dltutor.core.errors import TutorError
    from dltutor.core.gradcheck import check_variant

    out = BenchResult(request)
    with np.errstate(all="ignore"):
        out.descriptions = variant_catalogue()
        try:
            out.fixed = check_variant("fixed", epsilon=request.epsilon, mode=request.mode)
            out.fixed_sweep = _sweep_variant("fixed")
        except TutorError as exc:
            out.problem, out.problem_kind, out.problem_field = str(exc), "option", exc.field
            return out
        if request.file:
            from dltutor.core.learner import LearnerError, check_file

            try:
                out.report = check_file(request.file, epsilon=request.epsilon, mode=request.mode,
                                        timeout=request.timeout, cancelled=cancelled, more_time=MORE_TIME)
            except LearnerError as exc:
                out.problem, out.problem_kind, out.problem_field = exc.message, exc.kind, "file"
            except TutorError as exc:
                field_name = "epsilon" if exc.field in ("epsilon", "mode") else "file"
                out.problem, out.problem_kind, out.problem_field = str(exc), "path", field_name
            out.sweep_note = "the sweep of your file follows (one run per epsilon)" if out.report else ""
            return out
        variant = request.variant or "fixed"
        try:
            out.report = out.fixed if variant == "fixed" else check_variant(variant, epsilon=request.epsilon,
                                                                            mode=request.mode)
        except TutorError as exc:
            out.problem, out.problem_kind, out.problem_field = str(exc), "option", exc.field
            return out
        try:
            out.sweep = out.fixed_sweep if variant == "fixed" else _sweep_variant(variant)
        except (TutorError, ValueError) as exc:
            # A malformed gradient (a wrong shape) has no difference to sweep.
            out.sweep_note = ("no sweep: " + "; ".join(out.report.shape_errors)) if out.report.shape_errors \
                else f"no sweep: {exc}"
    return out


def sweep_file(path: str, epsilon: float, timeout: float,
               cancelled: Callable[[], bool] | None = None) -> dict | None:
    """The difference of a learner's file at one epsilon (full mode), or None when it failed."""
    import numpy as np

    from dltutor.core.errors import TutorError
    from dltutor.core.learner import LearnerError, check_file

    try:
        with np.errstate(all="ignore"):
            report = check_file(path, epsilon=epsilon, mode="full", timeout=timeout, cancelled=cancelled)
    except (LearnerError, TutorError):
        return None
    return {"epsilon": epsilon, "difference": report.difference}


def title_of(report: Any, descriptions: dict[str, tuple[str, str]]) -> Text:
    """``course — the exercise's code ... · lesson gradient-checking``."""
    out = Text()
    if report.file:
        out.append(Path(report.file).name, style="bold")
        out.append(f" — your backward pass on {report.case}")
        return out
    out.append(report.variant or "?", style="bold")
    fallback = (report.description or "", report.lesson or "")
    description, lesson = descriptions.get(report.variant or "", fallback)
    if description:
        out.append(f" — {description}")
    if lesson:
        out.append(f" · lesson {lesson}", style="dim")
    return out


def notes_of(report: Any) -> Text:
    """Warnings, what the variant should flag, the kinks and the advice, one line each."""
    out = Text()
    lines: list[tuple[str, str]] = []
    for warning in report.warnings:
        lines.append((f"⚠ {warning}", "yellow"))
    if report.expected_flags is not None:
        expected, got = set(report.expected_flags), set(report.flagged)
        should = ", ".join(report.expected_flags) or "nothing"
        if expected == got:
            lines.append((f"✓ this variant should flag {should}: it does", "green"))
        else:
            flagged = ", ".join(report.flagged) or "nothing"
            lines.append((f"✗ this variant should flag {should}; flagged {flagged}", "red"))
    kinks = report.kinks
    if kinks:
        where = ", ".join(f"{k['block']}[{', '.join(str(i + 1) for i in k['index'])}]" for k in kinks[:8])
        more = f" and {len(kinks) - 8} more" if len(kinks) > 8 else ""
        lines.append((f"ReLU kinks (reported, not flagged): {where}{more}", "yellow"))
    elif report.mode != "fast" or report.fallback:
        lines.append(("No ReLU kinks: no unit crosses zero within ±epsilon.", "dim"))
    for advice in report.advice:
        lines.append((f"• {advice}", ""))
    if report.learner_output:
        tail = report.learner_output.strip().splitlines()[-3:]
        lines.append(("your code printed: " + " / ".join(tail), "dim"))
    for n, (text, style) in enumerate(lines):
        if n:
            out.append("\n")
        out.append(text, style)
    return out


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

    def __init__(self, variant: str | None = None, file: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.variant = variant if variant in VARIANT_IDS else "course"
        self.file = file
        self.timeout = timeout
        self.result: BenchResult | None = None
        self.file_sweep: list[dict] = []
        self.comparing = False
        self.token = 0
        self.runs = 0  # finished runs (tests and the tour wait on it)
        self.descriptions: dict[str, tuple[str, str]] = {}
        self.practised: set[str] = set()
        self.checking: BenchRequest | None = None  # the learner's file being checked, while it runs
        self._check_started = 0.0
        self._ticker: Any = None

    # -- layout ----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wb-body"):
            with VerticalScroll(id="wb-side"):
                yield OptionList(*[Option(Text(v, style="bold"), id=v) for v in VARIANT_IDS],
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
        options.highlighted = VARIANT_IDS.index(self.variant)
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

    # -- actions ---------------------------------------------------------------------------------------

    def _path_typed(self) -> str:
        return self.query_one("#wb-file-input", Input).value.strip() if self.is_mounted else (self.file or "")

    def _run_label(self) -> str:
        return "Run your file (ctrl+r)" if self._path_typed() else "Run variant (ctrl+r)"

    def action_run(self) -> None:
        """Check what the form shows: the file when its field holds a path (a bad path is explained beside
        the field), otherwise the highlighted variant."""
        if self._path_typed():
            self._run_file()
            return
        options = self.query_one("#wb-variants", OptionList)
        highlighted = options.highlighted
        self.check_variant(VARIANT_IDS[highlighted] if highlighted is not None else self.variant)

    def check_variant(self, variant: str, chosen: bool = True) -> None:
        """Check a catalogue variant with the form's epsilon and mode (``chosen``: asked for, not browsed)."""
        options = self._options()
        if options is None:
            return
        self.variant, self.file = variant, None
        self.query_one("#wb-file", PanelField).set_error(None)
        self._start(BenchRequest(self._next_token(), variant, None, *options, timeout=self.timeout,
                                 chosen=chosen))

    def _read_path(self) -> Path:
        """The file field as the path of an existing ``.py`` file.

        Raises:
            TutorError: naming the field, when it is empty, missing, not a file or not Python.
        """
        from dltutor.core.errors import TutorError

        text = self.query_one("#wb-file", PanelField).value.strip()
        if not text:
            raise TutorError("file", "is empty", "the path of your .py file")
        path = Path(text).expanduser()
        try:
            exists = path.exists()
        except (OSError, ValueError):  # too long a name, a folder that cannot be entered, a NUL
            exists = True  # regular_file below names the problem
        if not exists:
            raise TutorError("file", f"{text} does not exist", "the path of a .py file")
        from dltutor.core.files import regular_file

        path = regular_file(text, "file", "the path of a .py file")
        if path.suffix != ".py":
            raise TutorError("file", f"{text} is not a .py file", "the path of a .py file")
        return path

    def _run_file(self) -> None:
        """Check the file the field names; every field that cannot be used is explained beside it."""
        from dltutor.core.errors import TutorError

        field_ = self.query_one("#wb-file", PanelField)
        limit = self.query_one("#wb-timeout", PanelField)
        path = timeout = None
        try:
            path = self._read_path()
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
        self._stop_ticking()
        if request.file:
            self._checking(request)
        else:
            self._status(f"Checking {request.variant}…")
        self.query_one("#wb-run", Button).disabled = True
        self._work(request)

    # -- a learner's file while it runs ----------------------------------------------------------------

    def _checking(self, request: BenchRequest) -> None:
        """Clear the last verdict (it is not this file's), then show the time used and how to cancel."""
        self.checking = request
        self.result = None
        self.file_sweep = []
        self.query_one("#wb-notes", Static).update("your code runs in its own process")
        self._show_block(None)
        plot = self.query_one("#wb-sweep", SeriesPlot)
        plot.empty = "The epsilon sweep appears after the check."
        plot.show([])
        bar = self.query_one("#wb-progress", ProgressBar)
        bar.update(total=request.timeout, progress=0)
        bar.display = True
        self._check_started = time.monotonic()
        self._tick()
        self._ticker = self.set_interval(TICK, self._tick)
        self.refresh_bindings()

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

    def _stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        if self.checking is not None:
            self.checking = None
            self.query_one("#wb-progress").display = False
            self.refresh_bindings()

    def action_cancel_check(self) -> None:
        """Stop the check of the learner's file: its process is killed and the form is ready again."""
        request = self.checking
        if request is None:
            return
        self.token += 1  # whatever the stopped check still reports is not shown
        self.workers.cancel_group(self, "gradcheck")
        self._stop_ticking()
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
        self._show(result)
        if request.file and result.report is not None:
            # One child process per epsilon: a handful of epsilons, two at a time.
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dltutor-sweep") as pool:
                futures = [pool.submit(sweep_file, request.file, eps, request.timeout,
                                       lambda: worker.is_cancelled) for eps in FILE_SWEEP]
                for future in as_completed(futures):
                    if worker.is_cancelled:
                        for other in futures:
                            other.cancel()
                        return
                    self._sweep_point(request.token, future.result())

    # -- showing results -------------------------------------------------------------------------------

    @reports
    def _show(self, result: BenchResult) -> None:
        if result.request.token != self.token:
            return  # a newer run was started
        self._stop_ticking()
        self.query_one("#wb-run", Button).disabled = False
        self.result = result
        self.refresh_bindings()
        if result.descriptions and result.descriptions != self.descriptions:
            self.descriptions = result.descriptions
            self._describe_variants()
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
            self.runs += 1
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
        self.runs += 1
        lesson = report.lesson or "gradient-checking"
        # Browsing the catalogue is not practice; a check the learner asked for is (as a lesson's Try it).
        if request.chosen and lesson not in self.practised:
            self.practised.add(lesson)
            mark_practised(self, lesson)

    def _describe_variants(self) -> None:
        # The list stays one row per variant; the highlighted one's description shows under it.
        options = self.query_one("#wb-variants", OptionList)
        lines = [f"{v}: {self.descriptions[v][0]} (lesson {self.descriptions[v][1]})" for v in VARIANT_IDS
                 if v in self.descriptions]
        options.tooltip = "\n".join(lines)
        highlighted = options.highlighted
        self._about(VARIANT_IDS[highlighted] if highlighted is not None else None)

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

    @reports
    def _sweep_point(self, token: int, point: dict | None) -> None:
        if token != self.token or self.result is None:
            return
        if point is None:
            self.result.sweep_note = "no sweep: your file failed at one of the epsilons"
        else:
            self.file_sweep.append(point)
            self.file_sweep.sort(key=lambda p: -p["epsilon"])
        self._plot_sweep()

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
        self.query_one("#wb-side").display = not self.comparing  # both tables need the width
        self.query_one("#wb-single").display = not self.comparing
        self.query_one("#wb-compare").display = self.comparing
        if self.comparing:
            self._show_compare()
            self.query_one("#wb-left-blocks").focus()

    def action_focus_file(self) -> None:
        self.query_one("#wb-file-input", Input).focus()

    def action_focus_variants(self) -> None:
        self.query_one("#wb-variants", OptionList).focus()

    # -- events ------------------------------------------------------------------------------------------

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
