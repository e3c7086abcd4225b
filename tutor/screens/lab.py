"""The live training lab: every option in a form, training in a thread worker, live cost, decision boundary
and gradient-norm plots, the diagnosis of a finished run with the recipe step to apply, and comparisons.

Threading: one worker trains at a time (:mod:`tutor.screens.lab_training`) and reports batched records: a
UI round trip costs about 0.2 ms and a course-sized step about 0.03 ms, so reporting per step would spend
most of the time in the UI.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Footer, Header, Input, ProgressBar, Select, Static, Tab, Tabs
from textual.worker import Worker

from dltutor.tutor import lab_runner
from dltutor.tutor.lab_runner import COMPARISONS, CUSTOM
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.screens.lab_training import LabRun, LabTraining, Update
from dltutor.tutor.training_text import eval_cost, heldout_label
from dltutor.tutor.widgets.lab_boundary import LabBoundary
from dltutor.tutor.widgets.lab_controls import LabControls
from dltutor.tutor.widgets.lab_plots import LabCostPlot, LabGradPlot
from dltutor.tutor.widgets.lab_results import LabResults
from dltutor.tutor.widgets.lab_views import LabErrorPlot, LabWeightsPlot

#: Seconds between two redraws of the panels other than the cost plot while training.
SLOW_PANELS_INTERVAL = 0.5

_COMPARE = Binding.Group("Compare", compact=True)
#: Actions on letter and digit keys (hidden from the footer while a text field has the focus).
_LETTER_ACTIONS = ("step", "reset", "toggle_log", "apply_step", "compare", "focus_form", "next_view", "export")
#: The panels in the order of the view tabs (v cycles through them).
VIEWS = (("cost", "Cost"), ("error", "Error"), ("boundary", "Boundary"), ("grad", "Grads"),
         ("weights", "Weights"), ("results", "Results"))
PANEL_TITLES = {"cost": "Cost", "error": "Error (train, dev)", "boundary": "Decision boundary",
                "grad": "Gradient norms", "weights": "Weights", "results": "Results"}
#: The smallest terminal that shows every panel at once (3 by 2); smaller ones show one view at a time.
ALL_VIEWS_SIZE = (120, 36)

#: The setting each comparison has in the lessons: (preset name prefix, what the lesson found there).
LESSON_SETTINGS = {
    "init": ("course-init-", "He is best; zeros never break symmetry"),
    "reg": ("course-reg-", "L2 and dropout close the gap between train and test"),
    "norm": ("lesson-normalize", "normalized inputs train faster"),
}


class LabScreen(LabTraining, TutorScreen):
    """The live training lab.

    Args:
        preset: a preset to load into the form (None: the default custom options).
    """

    NAME = "lab"
    CSS_PATH = "lab.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    AUTO_FOCUS = "#lab-results"
    BINDINGS = [
        Binding("space", "toggle_run", "Start/Pause", priority=True),
        Binding("s", "step", "Step"),
        Binding("r", "reset", "Reset", show=False),
        # escape cancels a run; otherwise it leaves the form, or goes back as on every screen.
        Binding("escape", "cancel", "Cancel", key_display="esc"),
        Binding("escape", "leave_form", "Leave the form", key_display="esc"),
        Binding("escape", "back", "Back", key_display="esc", tooltip="Back to where you came from"),
        Binding("l", "toggle_log", "Log y", show=False),
        Binding("v", "next_view", "View", tooltip="The next panel: cost, error, boundary, gradients, weights, "
                "results"),
        Binding("e", "export", "Export", show=False,
                tooltip="Save the runs' curves (JSON and CSV, as dltutor train --json) and an SVG of the lab"),
        Binding("x", "apply_step", "Apply", tooltip="Apply the suggested recipe step and rerun"),
        Binding("1", "compare('init')", "inits", group=_COMPARE),
        Binding("2", "compare('reg')", "regularizers", group=_COMPARE),
        Binding("3", "compare('norm')", "normalization", group=_COMPARE),
        Binding("f", "focus_form", "Form", show=False),
        Binding("h", "home", "Home", show=False, tooltip="Home: the course map"),
        Binding("a", "go('ask')", "Ask", show=False),
        Binding("q", "go('quiz')", "Quiz", show=False),
        Binding("d", "go('diagnose')", "Diagnose", show=False),
    ]

    def __init__(self, preset: str | None = None) -> None:
        super().__init__()
        self.preset = preset
        self.state = "idle"  # idle, preparing, running, paused, finished
        self.mode = "single"  # single or compare
        self.comparison: str | None = None
        self.runs: list[LabRun] = []
        self.shown = 0  # the run whose boundary and gradients are shown
        self.next: lab_runner.NextStep | None = None
        self.trail = lab_runner.AdviceTrail()
        self.diagnosis = None  # the last finished run's bias/variance diagnosis (recorded with an applied step)
        self.values_run: dict = {}
        self.worker: Worker | None = None
        self._token = 0
        self._pause = threading.Event()
        self._lock = threading.Lock()
        self._practised: set[str] = set()
        self._unknown_preset: str | None = None
        self.exported: list[Path] = []  # the files of the last export
        self.view = "cost"  # the panel shown when the lab shows one at a time
        self.started_at = 0.0  # perf_counter() when the last run was started (the bench reads these)
        self.finished_at = 0.0  # ... and when it was shown finished
        self._last_slow = 0.0
        self._keys_shown: tuple = ()

    # -- layout ----------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        values = None
        if self.preset:
            try:
                values = lab_runner.preset_values(self.preset)
            except Exception:  # an unknown name opens the default form, with a notice
                self._unknown_preset, self.preset = self.preset, None
        yield Header()
        with Horizontal(id="lab-body"):
            yield LabControls(values, id="lab-form")
            with Vertical(id="lab-main"):
                with Horizontal(id="lab-top"):
                    yield ProgressBar(total=100, show_eta=False, id="lab-progress")
                    yield Static("", id="lab-status", markup=False)
                with Horizontal(id="lab-toolbar"):
                    yield Button("▶ Start", id="lab-start", compact=True, variant="primary")
                    yield Button("Step", id="lab-step", compact=True)
                    yield Button("Reset", id="lab-reset", compact=True)
                    yield Button("1 Inits", id="lab-cmp-init", compact=True)
                    yield Button("2 Regularizers", id="lab-cmp-reg", compact=True)
                    yield Button("3 Normalization", id="lab-cmp-norm", compact=True)
                yield Static("", id="lab-info", markup=False)
                yield Tabs(*[Tab(title, id=f"view-{key}") for key, title in VIEWS], id="lab-views")
                with Grid(id="lab-grid"):
                    yield LabCostPlot(id="lab-cost", classes="lab-panel")
                    yield LabErrorPlot(id="lab-error", classes="lab-panel")
                    yield LabBoundary(id="lab-boundary", classes="lab-panel")
                    yield LabGradPlot(id="lab-grad", classes="lab-panel")
                    yield LabWeightsPlot(id="lab-weights", classes="lab-panel")
                    yield LabResults(id="lab-results", classes="lab-panel")
        # The lab has the most keys of any screen: the palette (ctrl+p) stays listed in Help, so the footer
        # keeps room for "? Help" at 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "Training lab"
        self.query_one("#lab-form").border_title = "Options"
        for key, title in PANEL_TITLES.items():
            self.query_one(f"#lab-{key}").border_title = title
        self.query_one("#lab-views", Tabs).can_focus = False  # the v key and the mouse switch views
        self._layout(self.app.size)
        if self._unknown_preset:
            from dltutor.core.presets import PRESETS

            self.notify(f"No preset called {self._unknown_preset!r}; known: {', '.join(PRESETS)}",
                        severity="warning", timeout=8)
        self._show_idle()

    def on_unmount(self) -> None:
        # Leaving the lab stops its run: the worker sees the cancel between two chunks, the core within one
        # iteration.
        self._stop_worker()

    # -- widgets ---------------------------------------------------------------------------------------

    @property
    def controls(self) -> LabControls:
        return self.query_one(LabControls)

    @property
    def cost_plot(self) -> LabCostPlot:
        return self.query_one("#lab-cost", LabCostPlot)

    @property
    def error_plot(self) -> LabErrorPlot:
        return self.query_one("#lab-error", LabErrorPlot)

    @property
    def weights(self) -> LabWeightsPlot:
        return self.query_one("#lab-weights", LabWeightsPlot)

    # -- layout: every panel at once when there is room, else one view at a time --------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size)

    def _layout(self, size) -> None:
        one = size.width < ALL_VIEWS_SIZE[0] or size.height < ALL_VIEWS_SIZE[1]
        self.set_class(one, "-one-view")
        self._show_view(self.view)

    @property
    def one_view(self) -> bool:
        """True when the lab shows one panel at a time (below :data:`ALL_VIEWS_SIZE`)."""
        return self.has_class("-one-view")

    def _show_view(self, view: str) -> None:
        self.view = view
        for key, _ in VIEWS:
            self.query_one(f"#lab-{key}").set_class(key != view, "-off")
        tabs = self.query_one("#lab-views", Tabs)
        if tabs.active != f"view-{view}":
            with tabs.prevent(Tabs.TabActivated):  # only a click on a tab is the learner's choice
                tabs.active = f"view-{view}"

    @on(Tabs.TabActivated, "#lab-views")
    def _view_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            self._show_view(event.tab.id.removeprefix("view-"))

    def action_next_view(self) -> None:
        keys = [key for key, _ in VIEWS]
        self._show_view(keys[(keys.index(self.view) + 1) % len(keys)])

    @property
    def grad_plot(self) -> LabGradPlot:
        return self.query_one(LabGradPlot)

    @property
    def boundary(self) -> LabBoundary:
        return self.query_one(LabBoundary)

    @property
    def results(self) -> LabResults:
        return self.query_one(LabResults)

    def _status(self, text: str) -> None:
        # One line of fixed size: no layout pass needed (a layout per update would cost the worker time).
        self.query_one("#lab-status", Static).update(text, layout=False)

    def _info(self, text: str) -> None:
        self.query_one("#lab-info", Static).update(text)

    def _set_state(self, state: str) -> None:
        self.state = state
        label = {"running": "⏸ Pause", "preparing": "⏸ Pause", "paused": "▶ Resume"}.get(state, "▶ Start")
        button = self.query_one("#lab-start", Button)
        if str(button.label) != label:
            button.label = label
        # The footer is rebuilt on refresh_bindings: only when what it shows changes.
        keys = tuple(self.check_action(a, ()) for a in ("cancel", "leave_form", "back", "apply_step"))
        if keys != self._keys_shown:
            self._keys_shown = keys
            self.refresh_bindings()

    def _show_idle(self) -> None:
        values = self.controls.values()
        preset = values.get("preset")
        if preset and preset != CUSTOM:
            from dltutor.core.presets import PRESETS

            p = PRESETS[preset]
            self._info(f"{p.title}: {p.description}")
        else:
            self._info("Your own options: set them in the form (tab moves between fields).")
        self._status("ready: space starts the run")
        self.results.show(_HELP)
        self.query_one(ProgressBar).update(total=100, progress=0)

    # -- keys ------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.state in ("running", "paused", "preparing")
        if action == "cancel":
            return busy
        if action == "leave_form":
            return not busy and self._in_form()
        if action == "back":
            return not busy and not self._in_form()
        if action in _LETTER_ACTIONS and isinstance(self.focused, Input):
            return False  # letters typed in a field are text
        if action == "apply_step":
            return self.next is not None and self.state == "finished"
        return super().check_action(action, parameters)

    def _typing(self) -> bool:
        """True when the focused widget takes space itself (a text field, a checkbox, a select)."""
        focused = self.focused
        return isinstance(focused, (Input, Checkbox, Select)) or (
            focused is not None and any(isinstance(a, Select) for a in focused.ancestors))

    def _in_form(self) -> bool:
        focused = self.focused
        return focused is not None and any(a is self.controls for a in focused.ancestors)

    def action_toggle_run(self) -> None:
        if self._typing():
            raise SkipAction()
        if self.state in ("running", "preparing"):
            self.pause()
        elif self.state == "paused":
            self.resume()
        else:
            self.start()

    def action_step(self) -> None:
        if self.state in ("running", "preparing"):
            self.pause()
        elif self.state == "paused":
            self.resume(step=True)
        else:
            self.start(step=True)

    def action_reset(self) -> None:
        self.reset()

    def action_cancel(self) -> None:
        if self.state in ("running", "paused", "preparing"):
            self.cancel()

    def action_leave_form(self) -> None:
        self.results.focus()

    def action_toggle_log(self) -> None:
        plot = self.cost_plot
        plot.set_logy(not plot.logy)
        self.notify("cost on a log axis" if plot.logy else "cost on a linear axis", timeout=2)

    def action_apply_step(self) -> None:
        step = self.next
        if step is None or self.state != "finished" or not step.changes:
            self.notify("No step the lab can apply: finish a run first." if step is None or self.state != "finished"
                        else f"{step.title}: the lab cannot do that for you.", timeout=3)
            return
        values = dict(self.values_run or self.controls.values())
        values.update(step.changes)
        if self.runs and self.runs[0].training.result is not None:
            self.trail.applied(step, self.runs[0].training, values, getattr(self, "diagnosis", None))
        self.controls.set_values(values)
        self.notify(f"{step.title}: {step.action}. The run before stays on the plots, faded.", timeout=4)
        self.start(keep_previous=True)

    def action_export(self) -> None:
        """Save every run on show: its record as JSON and its curves as CSV (the same record as ``dltutor
        train --json``), and an SVG screenshot of the lab, in the exports folder beside the progress file."""
        from dltutor.core.errors import TutorError
        from dltutor.tutor.run_export import run_record, write_runs

        if not self.runs or self.state not in ("finished", "paused"):
            self.notify("Nothing to export yet: finish or pause a run first.", timeout=3)
            return
        folder = self.tutor.store.path.parent / "exports"
        stem = time.strftime("lab-%Y%m%d-%H%M%S")
        records = [(run.label, run_record(run.plan.preset, run.training.config, run.dataset, run.training,
                                       run.plan.spec.bayes_error))
                   for run in self.runs]
        try:
            paths = write_runs(records, folder, stem)
            paths.append(Path(self.app.save_screenshot(f"{stem}.svg", str(folder))))
        except (TutorError, OSError) as exc:
            self.notify(f"Export failed: {exc}", severity="error", timeout=8)
            return
        self.exported = paths
        self.notify(f"Saved {len(paths)} files in {folder}: " + ", ".join(p.name for p in paths), timeout=8)

    def action_compare(self, kind: str) -> None:
        self.start(compare=kind)

    def action_focus_form(self) -> None:
        self.controls.query_one("#f-preset").focus()

    @on(Button.Pressed, "#lab-start")
    def _start_pressed(self) -> None:
        if self.state in ("running", "preparing"):
            self.pause()
        elif self.state == "paused":
            self.resume()
        else:
            self.start()

    @on(Button.Pressed, "#lab-step")
    def _step_pressed(self) -> None:
        self.action_step()

    @on(Button.Pressed, "#lab-reset")
    def _reset_pressed(self) -> None:
        self.reset()

    @on(Button.Pressed, "#lab-cmp-init, #lab-cmp-reg, #lab-cmp-norm")
    def _compare_pressed(self, event: Button.Pressed) -> None:
        self.start(compare=(event.button.id or "").removeprefix("lab-cmp-"))

    @on(LabControls.Submitted)
    def _submitted(self) -> None:
        if self.start():
            self.results.focus()  # space, s and the other keys now steer the run rather than type

    @on(LabControls.PresetChosen)
    def _preset_chosen(self, event: LabControls.PresetChosen) -> None:
        self.reset()
        # The preset is the form's whole answer: leave the list, so space starts the run as the status says.
        self.results.focus()

    @on(LabResults.RunChosen)
    def _run_chosen(self, event: LabResults.RunChosen) -> None:
        if self.mode != "compare" or not 0 <= event.index < len(self.runs):
            return
        if self.state in ("running", "preparing") or event.index == self.shown:
            return
        self._show_run(event.index)

    # -- running ---------------------------------------------------------------------------------------

    def start(self, step: bool = False, compare: str | None = None, keep_previous: bool = False) -> bool:
        """Start a run (or a comparison) from the form; False when the form has an error. ``keep_previous``
        (a recipe step applied): the run before stays faded on the cost and error plots."""
        from dltutor.core.errors import TutorError

        keep = keep_previous and self.mode == "single" and bool(self.runs) and not compare
        values = self.controls.values()
        self.controls.clear_errors()
        try:
            plan = lab_runner.build_plan(values)
            plans = lab_runner.comparison_plans(compare, plan) if compare else [plan]
        except TutorError as exc:
            self._form_error(exc, values)
            return False
        self._stop_worker()
        self._token += 1
        self.values_run = values
        self.mode = "compare" if compare else "single"
        self.comparison = compare
        self.runs = []
        self.shown = 0
        self.next = None
        self.cost_plot.clear(keep_previous=keep)
        self.error_plot.clear(keep_previous=keep)
        self.weights.clear()
        self.grad_plot.clear()
        self._panel_titles()
        if self.view == "results":
            self._show_view("cost")  # the run's curves while it trains; Results again when it ends
        self.boundary.clear("preparing the data…")
        self.results.show_table([])
        if compare:
            title = COMPARISONS[compare].title
            self.results.show(f"Comparing {title} on the same data…")
            self._info(f"Compare {title}: {len(plans)} runs of {plan.config.iterations:,} iterations each.")
        else:
            self.results.show("Training…")
        total = sum(p.config.iterations for p in plans)
        self.query_one(ProgressBar).update(total=total, progress=0)
        self._status("preparing…")
        self._pause.clear()
        self._set_state("preparing")
        self.started_at = time.perf_counter()
        limit = (plan.config.log_every if step else None)
        self.worker = self._work(self._token, plans, limit)
        return True

    def _form_error(self, exc, values) -> None:
        field_id = lab_runner.form_field(exc, values)
        self.controls.show_error(field_id, str(exc))
        self._status("the form has an error: see the Options")
        self.notify(str(exc), title="Cannot run", severity="error", timeout=6)

    def pause(self) -> None:
        if self.state in ("running", "preparing"):
            self._pause.set()
            self._status("pausing…")

    def resume(self, step: bool = False) -> None:
        if self.state != "paused" or not self.runs:
            return
        self._pause.clear()
        self._set_state("running")
        run = self.runs[self.shown if self.mode == "single" else self._current_index()]
        limit = run.training.config.log_every if step else None
        self.worker = self._work(self._token, None, limit)

    def cancel(self) -> None:
        """Stop the run now: the core stops before its next iteration and reports where it stopped."""
        for run in self.runs:
            run.training.cancel()
        if self.state == "preparing" and self.worker is not None:
            self._stop_worker()
            self._token += 1  # whatever the worker still reports is stale
            self._set_state("idle")
            self._status("cancelled before training started")
            return
        if self.state == "paused":
            # Nothing is running: a worker finishes the cancelled runs (each stops at once).
            self._pause.clear()
            self._set_state("running")
            self.worker = self._work(self._token, None, None)
        self._status("cancelling…")

    def reset(self) -> None:
        """Forget the run: plots cleared, the form kept."""
        self._stop_worker()
        self._token += 1
        self.runs = []
        self.next = None
        self.mode = "single"
        self.comparison = None
        self.cost_plot.clear()
        self.error_plot.clear()
        self.weights.clear()
        self.grad_plot.clear()
        self._panel_titles()
        self.boundary.clear()
        self.results.show_table([])
        self._set_state("idle")
        self._show_idle()

    def _panel_titles(self) -> None:
        """The panels' own titles: a comparison adds the run on show, which a later single run must drop."""
        self.grad_plot.border_title = "Gradient norms"
        self.boundary.border_title = "Decision boundary"

    @property
    def busy(self) -> bool:
        """True while a worker thread holds the runs (a cancelled worker may still finish its current step)."""
        return self._lock.locked()

    def _stop_worker(self) -> None:
        for run in self.runs:
            run.training.cancel()
        if self.worker is not None:
            self.worker.cancel()
        self.worker = None

    def _current_index(self) -> int:
        for n, run in enumerate(self.runs):
            if not run.training.done:
                return n
        return len(self.runs) - 1

    # -- UI side of the worker -------------------------------------------------------------------------

    def _prepare_failed(self, token: int, exc: Exception) -> None:
        if token != self._token:
            return
        from dltutor.core.errors import TutorError

        self._set_state("idle")
        self.boundary.clear()
        if isinstance(exc, TutorError):
            self._form_error(exc, self.values_run)
        else:
            self.controls.show_error(None, f"could not start: {exc}")
            self._status("could not start")
        self.results.show(f"The run could not start:\n{exc}")

    def _prepared(self, token: int, runs: list[LabRun]) -> None:
        if token != self._token:
            return
        self.runs = runs
        self.shown = 0
        self._set_state("running")
        first = runs[0]
        fitted = ",".join(str(n) for n in first.training.config.layers)
        if self.mode == "single" and self.values_run.get("layers") != fitted:
            # the sizes were fitted to the data (lab_runner.fit_layers): the form shows what runs
            self.controls.set_values({"layers": fitted})
            self.values_run = {**self.values_run, "layers": fitted}
        data = first.dataset
        notes = "; ".join(first.notes)
        info = data.summary() + (f" ({notes})" if notes else "")
        if self.mode == "compare":
            info = f"Compare {COMPARISONS[self.comparison].title} · " + info
        self._info(info)
        if data.n_features == 2:
            self.boundary.set_points(data.splits(), first.training.heldout, heldout_label(first.training.heldout))
        else:
            self.boundary.show_message(f"the decision boundary needs 2 features; this data has "
                                       f"{data.n_features}")
        if self.mode == "compare":
            self._table()

    def _apply(self, update: Update) -> None:
        if update.token != self._token or update.index >= len(self.runs):
            return
        run = self.runs[update.index]
        records = update.records
        heldout = run.training.heldout
        if records:
            its = [r.iteration for r in records]
            if self.mode == "single":
                self.cost_plot.add_points("train", its, [eval_cost(r) for r in records])
                self.error_plot.add_accuracy("train", its, [r.train_accuracy for r in records])
                if heldout:
                    name = heldout_label(heldout)
                    self.cost_plot.add_points(name, its, [r.dev_cost for r in records])
                    self.error_plot.add_accuracy(name, its, [r.dev_accuracy for r in records])
            else:
                self.cost_plot.add_points(run.label, its, [eval_cost(r) for r in records])
                if heldout:  # the compared runs' dev cost too: the gap is what regularization changes
                    self.cost_plot.add_points(f"{run.label} {heldout_label(heldout)}", its,
                                              [r.dev_cost for r in records])
                self.error_plot.add_accuracy(f"{run.label} {heldout_label(heldout) if heldout else 'train'}", its,
                                             [(r.dev_accuracy if heldout else r.train_accuracy) for r in records])
            if update.index != self.shown:
                self._show_run(update.index, upto=its[-1])
            else:
                self.grad_plot.add_records(its, [r.grad_norms for r in records])
            self.cost_plot.refresh()
            self.error_plot.refresh()
        # The cost plot follows every report; the other panels a few times a second (each redraw is UI
        # time the worker waits for the GIL).
        now = time.perf_counter()
        slow = update.done or update.paused or now - self._last_slow >= SLOW_PANELS_INTERVAL
        if slow:
            self._last_slow = now
            self.grad_plot.refresh()
        if update.grid is not None and update.index == self.shown:
            self.boundary.set_grid(update.grid)
        done_before = sum(r.training.config.iterations for r in self.runs[:update.index])
        self.query_one(ProgressBar).update(progress=done_before + update.iteration)
        total = run.training.config.iterations
        where = f"{update.iteration:,}/{total:,}"
        if self.mode == "compare":
            where = f"{run.label} ({update.index + 1} of {len(self.runs)}) {where}"
        if update.done:
            self._run_done(update.index)
        elif update.paused:
            self.weights.show_runs([(run.label, run.training.net.params)])  # the worker has let go of it
            self._set_state("paused")
            self._status(f"paused at {where}: space resumes")
            self._show_live(run)
        else:
            if self.state != "running":
                self._set_state("running")
            rate = f" · {update.rate:,.0f} it/s" if update.rate else ""
            self._status(f"running {where}{rate}")
            if slow:
                self._show_live(run)

    def _show_live(self, run: LabRun) -> None:
        if self.mode == "compare":
            self._table()
            return
        history = run.training.history.records
        if not history:
            return
        r = history[-1]
        heldout = run.training.heldout
        done = run.training.iteration
        # the status counts iterations done; a record is taken before its iteration's update, every log_every
        head = f"iteration {r.iteration:,}" if done == r.iteration else \
            f"{done:,} iterations done; last recorded point: iteration {r.iteration:,}"
        lines = [head, f"train accuracy {r.train_accuracy:.1%}, cost {eval_cost(r):.4f}"]
        if heldout and r.dev_accuracy is not None:
            lines.append(f"{heldout_label(heldout)} accuracy {r.dev_accuracy:.1%}, cost {r.dev_cost:.4f}")
        self.results.show("\n".join(lines))

    def _show_run(self, index: int, upto: int | None = None) -> None:
        """Show the boundary and gradient norms of run ``index`` (compare mode).

        Args:
            index: the run.
            upto: while the run trains, the last iteration reported so far (the worker may be ahead of
                its reports; later records arrive with later reports).
        """
        self.shown = index
        run = self.runs[index]
        history = [r for r in list(run.training.history.records) if upto is None or r.iteration <= upto]
        self.grad_plot.clear()
        self.grad_plot.add_records([r.iteration for r in history], [r.grad_norms for r in history])
        if self.mode == "compare":  # which of the compared runs the panels show
            self.grad_plot.border_title = f"Gradient norms · {run.label}"
            self.boundary.border_title = f"Decision boundary · {run.label}"
        if run.grid is not None:
            self.boundary.set_grid(run.grid)

    def _row(self, run: LabRun) -> list[str]:
        """A comparison table row: run, train accuracy, held-out accuracy, train cost, how it ended."""
        result = run.training.result
        heldout = run.training.heldout
        if result is None:
            history = run.training.history.records
            if not history:
                return [run.label, "", "", "", "waiting"]
            r = history[-1]
            dev = f"{r.dev_accuracy:.1%}" if r.dev_accuracy is not None else "-"
            return [run.label, f"{r.train_accuracy:.1%}", dev, f"{eval_cost(r):.2f}",
                    f"at {run.training.iteration:,}"]
        dev = f"{result.accuracy[heldout]:.1%}" if heldout in result.accuracy else "-"
        cost = result.cost.get("train", float("nan"))
        ended = {"completed": "ok", "early-stopping": "early stop", "diverged": "diverged",
                 "cancelled": "cancelled"}.get(result.stopped, result.stopped)
        if result.stopped != "completed":
            ended += f" {result.iteration:,}"
        return [run.label, f"{result.accuracy['train']:.1%}", dev, f"{cost:.2f}", ended]

    def _table(self) -> None:
        heldout = self.runs[0].training.heldout if self.runs else None
        self.results.show_table([self._row(r) for r in self.runs], heldout_label(heldout), cursor=self.shown)

    def _run_done(self, index: int) -> None:
        self.finished_at = time.perf_counter()
        run = self.runs[index]
        result = run.training.result
        self._mark_practised(run)
        if self.mode == "compare":
            self._table()
            if all(r.training.done for r in self.runs):
                self.weights.show_runs([(r.label, r.training.net.params) for r in self.runs])
                self._show_view("results")
                self._set_state("finished")
                self._status(f"finished: {len(self.runs)} runs compared")
                self.results.show(self._compare_summary())
            return
        heldout = run.training.heldout
        diagnosis = None
        if result.stopped not in ("cancelled", "diverged"):
            from dltutor.tutor.training_text import run_diagnosis  # the same verdict as dltutor train

            diagnosis = run_diagnosis(result.accuracy, heldout, run.plan.spec.bayes_error, run.training)
        self.next = None
        self.diagnosis = diagnosis
        if result.stopped != "cancelled":
            self.next = lab_runner.next_step_of(run.training, diagnosis, self.values_run,
                                                self.trail.current(self.values_run))
        self.weights.show_runs([(run.label, run.training.net.params)])
        self._show_view("results")
        self._set_state("finished")
        self._status(f"finished: {result.message.split(':')[0]}")
        self.results.show(self._result_content(run, diagnosis))

    def _result_content(self, run: LabRun, diagnosis) -> Content:
        result = run.training.result
        parts: list[Content] = []
        for line in lab_runner.result_lines(result, run.training.heldout, run.plan.preset, run.dataset,
                                            run.training.config):
            head, _, rest = line.partition(": ")
            parts.append(Content.assemble((head + ": ", "bold"), rest))
        if result.stopped == "diverged":
            parts.append(Content.assemble(("Diverged. ", "bold $error"),
                                          "Lower the learning rate, or use He initialization."))
        if diagnosis is not None:
            parts.append(Content.assemble(("diagnosis: ", "bold"), diagnosis.summary))
        if self.next is not None:
            parts.extend(Content.assemble((head, "bold"), text) for head, text in lab_runner.next_lines(self.next))
            if self.next.changes:
                parts.append(Content.assemble(("press x", "bold $accent"), f" to {self.next.action}."))
        elif diagnosis is not None and diagnosis.focus is None:
            verdict = ("Low bias and low variance" if "low variance" in diagnosis.phrases
                       else ", ".join(diagnosis.phrases).capitalize())
            parts.append(Content(f"{verdict}: nothing in the basic recipe to fix."))
        return Content("\n").join(parts)

    def _compare_summary(self) -> str:
        lines = [f"Compared {COMPARISONS[self.comparison].title}."]
        best = None
        for run in self.runs:
            result = run.training.result
            heldout = run.training.heldout
            if result is None or result.stopped == "cancelled":
                continue
            acc = result.accuracy.get(heldout or "train", 0.0)
            if best is None or acc > best[1]:
                best = (run.label, acc)
        if best is not None:
            heldout = heldout_label(self.runs[0].training.heldout) if self.runs[0].training.heldout else "train"
            lines.append(f"Best {heldout} accuracy: {best[0]} ({best[1]:.1%}).")
        lines.append(self._compare_setting())
        lines.append("Highlight a row to see its boundary and gradients.")
        return "\n".join(lines)

    def _compare_setting(self) -> str:
        """What the comparison kept from the form and what it changed; on another setting than the lesson's,
        where the lesson's result comes from (a comparison meant to teach must not seem to contradict it)."""
        if not self.runs:
            return ""
        config = self.runs[0].plan.config
        values = self.values_run
        changed = {"init": "the initialization", "reg": "the regularization",
                   "norm": "input normalization"}.get(self.comparison or "", "one option")
        kept = (f"Each run is your form's setting ({values.get('dataset', '?')} data, layers "
                f"{','.join(str(n) for n in config.layers)}, {config.activation}, {config.iterations:,} "
                f"iterations) with only {changed} changed.")
        lesson_preset = LESSON_SETTINGS.get(self.comparison or "")
        preset = self.runs[0].plan.preset or ""
        if lesson_preset is None or preset.startswith(lesson_preset[0]):
            return kept + " This is the lesson's own setting."
        return (f"{kept} The lesson's comparison ({lesson_preset[1]}) uses preset {lesson_preset[0]}…: choose it "
                "in the form and press the same key to see it.")

    def _mark_practised(self, run: LabRun) -> None:
        result = run.training.result
        preset = run.plan.preset
        if result is None or result.stopped == "cancelled" or not preset:
            return
        from dltutor.core.presets import PRESETS

        lesson = self.practised_lesson(PRESETS[preset].lesson)
        if not lesson or lesson in self._practised:
            return
        self._practised.add(lesson)
        self.tutor.save(lambda store: store.mark_practised(lesson))


_HELP = ("space  start or pause the run\n"
         "s      one recorded point at a time\n"
         "esc    cancel · r reset · l log-scale cost\n"
         "1 2 3  compare inits, regularizers, normalization\n"
         "x      after a run: apply the suggested step\n"
         "v      next view · e export the runs (JSON, CSV, SVG)\n"
         "tab    the options form (enter in it runs)")
