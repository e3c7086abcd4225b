"""The live training lab: every option in a form, training in a thread worker, live cost, decision boundary
and gradient-norm plots, the diagnosis of a finished run with the recipe step to apply, and comparisons.

The screen is the view: it composes the widgets, binds the keys, starts the worker and reflects the state of
its :class:`tutor.lab.model.LabModel` (the runs and the state machine; the words come from
:mod:`tutor.lab.text`). What drives the widgets is reactive (``state``, ``view``, ``one_view``, ``status``,
``info``), with a ``watch_`` method each. The worker (:class:`tutor.widgets.lab_trainer.LabTrainer`) posts
typed, batched messages, handled here with ``@on``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import var
from textual.widgets import Button, Checkbox, Footer, Header, Input, ProgressBar, Select, Static, Tab, Tabs

from dltutor.tutor import lab_runner
from dltutor.tutor.lab import text
from dltutor.tutor.lab.model import LabModel, State
from dltutor.tutor.lab.training import LabRun
from dltutor.tutor.lab_runner import COMPARISONS, FormValues
from dltutor.tutor.reporting import showing
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.widgets.lab_boundary import LabBoundary
from dltutor.tutor.widgets.lab_controls import LabControls
from dltutor.tutor.widgets.lab_panels import LabPanels
from dltutor.tutor.widgets.lab_plots import LabCostPlot, LabGradPlot
from dltutor.tutor.widgets.lab_results import LabResults
from dltutor.tutor.widgets.lab_trainer import LabTrainer
from dltutor.tutor.widgets.lab_views import LabErrorPlot, LabWeightsPlot

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
#: Seconds between two redraws of the panels other than the cost plot while training.
SLOW_PANELS_INTERVAL = 0.5


class LabScreen(TutorScreen):
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

    #: The model's state as shown: the Start button's label and which keys the footer offers follow it.
    state: var[State] = var[State]("idle", bindings=True)
    #: The panel shown when the lab shows one at a time.
    view = var("cost")
    #: True when the terminal is smaller than :data:`ALL_VIEWS_SIZE`: one panel at a time.
    one_view = var(False, toggle_class="-one-view")
    #: The status line beside the progress bar, and the line about the data above the panels.
    status = var("")
    info = var("")

    def __init__(self, preset: str | None = None) -> None:
        super().__init__()
        self.preset = preset
        self.model = LabModel()
        # kept at hand: leaving the lab stops its worker after the widgets are gone
        self.trainer = LabTrainer(self.model)
        self._unknown_preset: str | None = None
        self._last_slow = 0.0

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
                yield LabPanels(id="lab-grid")
        # The lab has the most keys of any screen: the palette (ctrl+p) stays listed in Help, so the footer
        # keeps room for "? Help" at 80 columns.
        yield Footer(compact=True, show_command_palette=False)
        yield self.trainer

    def on_mount(self) -> None:
        self.sub_title = "Training lab"
        self.query_one("#lab-form").border_title = "Options"
        for key, title in PANEL_TITLES.items():
            self.query_one(f"#lab-{key}").border_title = title
        self.query_one("#lab-views", Tabs).can_focus = False  # the v key and the mouse switch views
        self._fit(self.app.size)
        if self._unknown_preset:
            from dltutor.core.presets import PRESETS

            self.notify(f"No preset called {self._unknown_preset!r}; known: {', '.join(PRESETS)}",
                        severity="warning", timeout=8)
        self._show_idle()

    def on_unmount(self) -> None:
        # Leaving the lab stops its run: the worker sees the cancel between two chunks, the core within one
        # iteration.
        self.trainer.stop()

    @property
    def controls(self) -> LabControls:
        return self.query_one(LabControls)

    @property
    def panels(self) -> LabPanels:
        return self.query_one(LabPanels)

    @property
    def cost_plot(self) -> LabCostPlot:
        return self.panels.cost

    @property
    def error_plot(self) -> LabErrorPlot:
        return self.panels.error

    @property
    def boundary(self) -> LabBoundary:
        return self.panels.boundary

    @property
    def grad_plot(self) -> LabGradPlot:
        return self.panels.grad

    @property
    def weights(self) -> LabWeightsPlot:
        return self.panels.weights

    @property
    def results(self) -> LabResults:
        return self.panels.results

    # -- reactive state --------------------------------------------------------------------------------

    def watch_state(self, state: State) -> None:
        label = text.START_LABELS.get(state, "▶ Start")
        button = self.query_one("#lab-start", Button)
        if str(button.label) != label:
            button.label = label

    def watch_status(self, status: str) -> None:
        # One line of fixed size: no layout pass needed (a layout per update would cost the worker time).
        self.query_one("#lab-status", Static).update(status, layout=False)

    def watch_info(self, info: str) -> None:
        self.query_one("#lab-info", Static).update(info)

    def watch_view(self, view: str) -> None:
        for key, _ in VIEWS:
            self.query_one(f"#lab-{key}").set_class(key != view, "-off")
        tabs = self.query_one("#lab-views", Tabs)
        if tabs.active != f"view-{view}":
            with tabs.prevent(Tabs.TabActivated):  # only a click on a tab is the learner's choice
                tabs.active = f"view-{view}"

    # -- layout: every panel at once when there is room, else one view at a time --------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        self.one_view = size.width < ALL_VIEWS_SIZE[0] or size.height < ALL_VIEWS_SIZE[1]

    @on(Tabs.TabActivated, "#lab-views")
    def _view_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            self.view = event.tab.id.removeprefix("view-")

    def action_next_view(self) -> None:
        keys = [key for key, _ in VIEWS]
        self.view = keys[(keys.index(self.view) + 1) % len(keys)]

    def _show_idle(self) -> None:
        self.info = text.idle_info(self.controls.values())
        self.status = text.READY
        self.results.show(text.HELP)
        self.query_one(ProgressBar).update(total=100, progress=0)

    # -- keys ------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.model.active
        if action == "cancel":
            return busy
        if action == "leave_form":
            return not busy and self._in_form()
        if action == "back":
            return not busy and not self._in_form()
        if action in _LETTER_ACTIONS and isinstance(self.focused, Input):
            return False  # letters typed in a field are text
        if action == "apply_step":
            return self.model.can_apply
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
        self._toggle()

    @on(Button.Pressed, "#lab-start")
    def _toggle(self) -> None:
        self._steer(step=False)

    @on(Button.Pressed, "#lab-step")
    def action_step(self) -> None:
        self._steer(step=True)

    def _steer(self, step: bool) -> None:
        """Space (``step``: s): pause a run, resume a paused one (for one recorded point), or start one."""
        what = self.model.toggle()
        if what == "pause":
            self.pause()
        elif what == "resume":
            self.resume(step=step)
        else:
            self.start(step=step)

    @on(Button.Pressed, "#lab-reset")
    def action_reset(self) -> None:
        self.reset()

    def action_cancel(self) -> None:
        if self.model.active:
            self.cancel()

    def action_leave_form(self) -> None:
        self.results.focus()

    def action_toggle_log(self) -> None:
        plot = self.cost_plot
        plot.set_logy(not plot.logy)
        self.notify("cost on a log axis" if plot.logy else "cost on a linear axis", timeout=2)

    def action_apply_step(self) -> None:
        step = self.model.next
        if step is None or not self.model.can_apply:
            self.notify("No step the lab can apply: finish a run first.", timeout=3)
            return
        if not step.changes:
            self.notify(f"{step.title}: the lab cannot do that for you.", timeout=3)
            return
        self.controls.set_values(self.model.applied_values(self.controls.values()))
        self.notify(f"{step.title}: {step.action}. The run before stays on the plots, faded.", timeout=4)
        self.start(keep_previous=True)

    def action_export(self) -> None:
        """Save every run on show: its record as JSON and its curves as CSV (the same record as ``dltutor
        train --json``), and an SVG screenshot of the lab, in the exports folder beside the progress file."""
        from dltutor.core.errors import TutorError
        from dltutor.tutor.run_export import run_record, write_runs

        runs = self.model.runs
        if not runs or self.model.state not in ("finished", "paused"):
            self.notify("Nothing to export yet: finish or pause a run first.", timeout=3)
            return
        folder = self.tutor.store.path.parent / "exports"
        stem = time.strftime("lab-%Y%m%d-%H%M%S")
        records = [(run.label, run_record(run.plan.preset, run.training.config, run.dataset, run.training,
                                       run.plan.spec.bayes_error))
                   for run in runs]
        try:
            paths = write_runs(records, folder, stem)
            paths.append(Path(self.app.save_screenshot(f"{stem}.svg", str(folder))))
        except (TutorError, OSError) as exc:
            self.notify(f"Export failed: {exc}", severity="error", timeout=8)
            return
        self.notify(f"Saved {len(paths)} files in {folder}: " + ", ".join(p.name for p in paths), timeout=8)

    def action_compare(self, kind: str) -> None:
        self.start(compare=kind)

    @on(Button.Pressed, "#lab-cmp-init, #lab-cmp-reg, #lab-cmp-norm")
    def _compare_pressed(self, event: Button.Pressed) -> None:
        self.start(compare=(event.button.id or "").removeprefix("lab-cmp-"))

    def action_focus_form(self) -> None:
        self.controls.query_one("#f-preset").focus()

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
        model = self.model
        if model.mode != "compare" or not 0 <= event.index < len(model.runs):
            return
        if model.state in ("running", "preparing") or event.index == model.shown:
            return
        self._show_run(event.index)

    # -- running ---------------------------------------------------------------------------------------

    def start(self, step: bool = False, compare: str | None = None, keep_previous: bool = False) -> bool:
        """Start a run (or a comparison) from the form; False when the form has an error. ``keep_previous``
        (a recipe step applied): the run before stays faded on the cost and error plots."""
        from dltutor.core.errors import TutorError

        keep = keep_previous and self.model.mode == "single" and bool(self.model.runs) and not compare
        values = self.controls.values()
        self.controls.clear_errors()
        try:
            plan = lab_runner.build_plan(values)
            plans = lab_runner.comparison_plans(compare, plan) if compare else [plan]
        except TutorError as exc:
            self._form_error(exc, values)
            return False
        self.trainer.stop()
        token = self.model.start(values, plans, compare)
        self.panels.clear(keep_previous=keep, boundary="preparing the data…")
        if self.view == "results":
            self.view = "cost"  # the run's curves while it trains; Results again when it ends
        if compare:
            title = COMPARISONS[compare].title
            self.results.show(f"Comparing {title} on the same data…")
            self.info = f"Compare {title}: {len(plans)} runs of {plan.config.iterations:,} iterations each."
        else:
            self.results.show("Training…")
        self.query_one(ProgressBar).update(total=sum(p.config.iterations for p in plans), progress=0)
        self.status = "preparing…"
        self.state = self.model.state
        self.trainer.train(token, plans, plan.config.log_every if step else None)
        return True

    def _form_error(self, exc: Any, values: FormValues) -> None:
        self.controls.show_error(lab_runner.form_field(exc, values), str(exc))
        self.status = "the form has an error: see the Options"
        self.notify(str(exc), title="Cannot run", severity="error", timeout=6)

    def pause(self) -> None:
        if self.model.request_pause():
            self.status = "pausing…"

    def resume(self, step: bool = False) -> None:
        limit = self.model.step_limit(step)
        if self.model.resume():
            self.state = self.model.state
            self.trainer.train(self.model.token, None, limit)

    def cancel(self) -> None:
        """Stop the run now: the core stops before its next iteration and reports where it stopped."""
        outcome = self.model.cancel()
        if outcome == "stopped":
            self.trainer.stop()
            self.state = self.model.state
            self.status = "cancelled before training started"
            return
        if outcome == "restart":  # nothing was running: a worker finishes the cancelled runs at once
            self.state = self.model.state
            self.trainer.train(self.model.token, None, None)
        self.status = "cancelling…"

    def reset(self) -> None:
        """Forget the run: plots cleared, the form kept."""
        self.trainer.stop()
        self.model.reset()
        self.panels.clear()
        self.state = self.model.state
        self._show_idle()

    # -- what the worker reports -------------------------------------------------------------------------

    @on(LabTrainer.PrepareFailed)
    def _prepare_failed(self, message: LabTrainer.PrepareFailed) -> None:
        if not showing(self) or self.model.stale(message.token):
            return
        from dltutor.core.errors import TutorError

        self.model.failed()
        self.state = self.model.state
        self.boundary.clear()
        exc = message.error
        if isinstance(exc, TutorError):
            self._form_error(exc, self.model.values_run)
        else:
            self.controls.show_error(None, f"could not start: {exc}")
            self.status = "could not start"
        self.results.show(f"The run could not start:\n{exc}")

    @on(LabTrainer.Prepared)
    def _prepared(self, message: LabTrainer.Prepared) -> None:
        if not showing(self) or self.model.stale(message.token):
            return
        model = self.model
        fitted = model.prepared(message.runs)
        self.state = model.state
        if fitted is not None:  # the sizes were fitted to the data (lab_runner.fit_layers): the form shows them
            self.controls.set_values({"layers": fitted})
        self.info = text.prepared_info(model)
        self.panels.show_data(model.runs[0])
        if model.mode == "compare":
            self._table()

    @on(LabTrainer.Progress)
    def _progress(self, message: LabTrainer.Progress) -> None:
        update = message.update
        model = self.model
        if not showing(self) or not model.accepts(update):
            return
        run = model.runs[update.index]
        if update.records:
            shown = update.index == model.shown
            model.shown = update.index
            self.panels.add_records(run, update.records, model.mode == "compare", shown)
        # The cost plot follows every report; the other panels a few times a second (each redraw is UI
        # time the worker waits for the GIL).
        now = time.perf_counter()
        slow = update.done or update.paused or now - self._last_slow >= SLOW_PANELS_INTERVAL
        if slow:
            self._last_slow = now
            self.grad_plot.refresh()
        if update.grid is not None and update.index == model.shown:
            self.boundary.set_grid(update.grid)
        done_before = sum(r.training.config.iterations for r in model.runs[:update.index])
        self.query_one(ProgressBar).update(progress=done_before + update.iteration)
        if update.done:
            self._run_done(update.index)
            return
        model.progressed(update)
        self.state = model.state
        if update.paused:
            self.weights.show_runs([(run.label, run.training.net.params)])  # the worker has let go of it
            self.status = text.paused_status(model, update)
            self._show_live(run)
        else:
            self.status = text.running_status(model, update)
            if slow:
                self._show_live(run)

    def _show_live(self, run: LabRun) -> None:
        if self.model.mode == "compare":
            self._table()
        elif (live := text.live_text(run)) is not None:
            self.results.show(live)

    def _show_run(self, index: int, upto: int | None = None) -> None:
        self.model.shown = index
        self.panels.show_run(self.model.runs[index], self.model.mode == "compare", upto)

    def _table(self) -> None:
        rows, heldout = text.table(self.model)
        self.results.show_table(rows, heldout, cursor=self.model.shown)

    def _run_done(self, index: int) -> None:
        model = self.model
        run = model.runs[index]
        self._mark_practised(run)
        finished = model.run_done(index)
        if model.mode == "compare":
            self._table()
            if finished:
                self.weights.show_runs([(r.label, r.training.net.params) for r in model.runs])
                self.view = "results"
                self.state = model.state
                self.status = text.finished_status(model, index)
                self.results.show(text.compare_summary(model))
            return
        self.weights.show_runs([(run.label, run.training.net.params)])
        self.view = "results"
        self.state = model.state
        self.status = text.finished_status(model, index)
        lines = text.result_lines(run, model.diagnosis, model.next)
        self.results.show(Content("\n").join(Content.assemble(*line) for line in lines))

    def _mark_practised(self, run: LabRun) -> None:
        lesson = self.model.practised(run, self.practised_lesson)
        if lesson:
            self.tutor.save(lambda store: store.mark_practised(lesson))
