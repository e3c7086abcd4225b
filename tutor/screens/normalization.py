"""Normalizing inputs (lesson 9): the same network on raw and on normalized badly scaled features.

The ``lesson-normalize`` preset (moons with the second feature multiplied by 50) trains twice in a worker,
with ``normalize`` off and on and everything else equal; the cost curves are overlaid and a table says how
many iterations each run needed to bring its training cost below a target.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from dltutor.tutor.blas import single_threaded
from dltutor.tutor.destinations import PANELS
from dltutor.tutor.screens.panels import PanelScreen, parse_float, parse_int
from dltutor.tutor.widgets.gc_report import fill_table

PRESET = "lesson-normalize"
#: The default target. At 0.35 the raw run gets there first (one big step fits the large feature); below
#: about 0.3 it crawls along the long, narrow valley that the badly scaled feature makes, which is the
#: lesson's point.
TARGET = 0.30
MAX_ITERATIONS = 200_000
UPDATE_EVERY = 0.15  # seconds between chart updates while training
RUNS = (("raw", False), ("normalized", True))

INTRO = ("Moons with the second feature multiplied by 50, trained twice with the same network, rate and "
         "seed: on the raw features, and normalized (zero mean, unit variance, fitted on the training set). "
         "Raise the learning rate: which run can take it?")


@dataclass
class RunCurve:
    """One run's recorded costs (iteration, train cost) and how it ended."""

    name: str
    normalize: bool
    iterations: list[int] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    stopped: str = ""
    message: str = ""
    dev_accuracy: float | None = None
    output_spread: float | None = None  # max - min of the final predictions on the training set

    def first_below(self, target: float) -> int | None:
        """The first recorded iteration whose training cost is below ``target``, else None."""
        return next((i for i, c in zip(self.iterations, self.costs, strict=True) if c < target), None)


def iterations_text(curve: RunCurve, target: float) -> str:
    """``1,500`` or ``not reached`` (``not yet`` while the run goes on)."""
    first = curve.first_below(target)
    if first is not None:
        return f"{first:,}"
    return "not reached" if curve.stopped else "not yet"


LN2 = math.log(2)
#: Costs closer than this (relative) count as unchanged.
FLAT = 1e-6


@dataclass(frozen=True)
class Outcome:
    """How one run went, read from its recorded costs.

    ``kind`` is ``training``, ``diverged``, ``reached``, ``chance`` (stuck at cost ln 2 with the same
    prediction for every example), ``stuck`` (stuck elsewhere), ``bouncing``, ``crawling`` (still falling,
    above the target) or ``levelled`` (no longer falling, above the target). ``label`` fits a table cell;
    ``text`` is the sentence for the reading.
    """

    kind: str
    label: str
    text: str


def flat_since(curve: RunCurve) -> int | None:
    """The first recorded iteration from which the cost never changed again (None when it still moves)."""
    costs = curve.costs
    if len(costs) < 3:
        return None
    last = costs[-1]
    n = len(costs) - 1
    while n > 0 and abs(costs[n - 1] - last) <= FLAT * max(1.0, abs(last)):
        n -= 1
    # Flat means: at least the last quarter of the run did not move.
    return curve.iterations[n] if len(costs) - n >= max(3, len(costs) // 4) else None


def outcome(curve: RunCurve, target: float) -> Outcome:
    """Diverged, stuck at chance, reached the target at iteration k, or still above it (and how)."""
    costs = curve.costs
    if not costs:
        return Outcome("training", "training…", "training…")
    dev = "" if curve.dev_accuracy is None else f" (dev accuracy {curve.dev_accuracy:.1%})"
    if curve.stopped == "diverged" or not math.isfinite(costs[-1]):
        where = f" at iteration {curve.iterations[-1]:,}" if curve.iterations else ""
        return Outcome("diverged", "diverged",
                       f"diverged{where}: the cost stopped being a finite number.")
    first = curve.first_below(target) if math.isfinite(target) else None
    if first is not None:
        end = "" if costs[-1] < target else f" (it ended above it again, at {costs[-1]:.4f})"
        return Outcome("reached", "reached", f"below {target:g} at iteration {first:,}{end}.")
    if not curve.stopped:
        return Outcome("training", "training…", f"not below {target:g} yet: cost {costs[-1]:.4f}.")
    since = flat_since(curve)
    same = curve.output_spread is not None and curve.output_spread < 1e-6
    if since is not None and abs(costs[-1] - LN2) < 0.01:
        what = "the network predicts the same probability for every example, so " if same else ""
        return Outcome("chance", "at chance",
                       f"stuck at chance from iteration {since:,}: {what}the cost stays at {costs[-1]:.3f} "
                       f"≈ ln 2{dev}.")
    if since is not None:
        what = ": the network predicts the same probability for every example" if same else ""
        return Outcome("stuck", "stuck", f"stuck at cost {costs[-1]:.4f} from iteration {since:,}{what}{dev}.")
    tail = costs[-max(3, len(costs) // 4):]
    rises = sum(b > a for a, b in zip(tail, tail[1:]))
    if rises >= len(tail) // 4 and max(tail) - min(tail) > 0.01 * max(tail):
        return Outcome("bouncing", "bouncing",
                       f"never below {target:g}: the cost bounces between {min(tail):.4f} and {max(tail):.4f}.")
    if tail[-1] < tail[0] * (1 - 1e-3):
        return Outcome("crawling", "crawling",
                       f"still above {target:g} when the run ended: cost {costs[-1]:.4f} and still "
                       "falling, slowly.")
    return Outcome("levelled", "levelled",
                   f"levelled off at cost {costs[-1]:.4f}, above {target:g}{dev}.")


def _output_spread(training: Any) -> float | None:
    """max - min of the trained network's predictions on its training inputs (0: dead units, the same
    output for every example); None when the weights are not finite."""
    import numpy as np

    from dltutor.core.network import forward

    with np.errstate(all="ignore"):
        AL, _ = forward(training.X, training.result.params, training.arch)
    spread = float(np.ptp(AL)) if AL.size else None
    return spread if spread is not None and math.isfinite(spread) else None


def reading(curves: list[RunCurve], target: float) -> str:
    """What happened in each run and what it says about normalizing (computed from the runs' results)."""
    by = {c.name: c for c in curves}
    raw, norm = by.get("raw"), by.get("normalized")
    if raw is None or norm is None or not math.isfinite(target):
        return ""
    r_out, n_out = outcome(raw, target), outcome(norm, target)
    lines = [f"To bring the cost below {target:g}:", f"• raw: {r_out.text}", f"• normalized: {n_out.text}"]
    r, n = raw.first_below(target), norm.first_below(target)
    unstable = ("diverged", "chance", "stuck", "bouncing")
    if r is not None and n is not None:
        if n < r:
            lines.append(f"Normalized got there {r / max(n, 1):.1f} times sooner: with equal scales one "
                         "learning rate suits every direction.")
        else:
            lines.append("The raw run's first big steps fit the large feature; lower the target to see "
                         "where it starts to crawl.")
    elif n is not None:
        if r_out.kind in unstable:
            lines.append("This learning rate is too large for the raw features: along the feature "
                         "multiplied by 50 the cost is so steep that the steps overshoot, while the "
                         "normalized run takes it.")
        else:
            lines.append("The raw run crawls along the long, narrow valley that the feature multiplied by "
                         "50 makes: a step small enough for its steep direction is too small for the flat one.")
    elif r is not None:
        lines.append("Early on the raw run fits the large feature fast; lower the target to see it crawl.")
    elif n_out.kind in unstable:
        lines.append("Neither run got there: this learning rate is too large even for normalized features; "
                     "lower it.")
    else:
        lines.append("Neither run got there; raise the iterations or the learning rate.")
    return "\n".join(lines)


class NormalizationScreen(PanelScreen):
    """The form on the left; the overlaid cost curves and the iterations-to-target table on the right.

    Args:
        iterations: iterations per run (the preset's 8000 by default; tests use fewer).
        learning_rate: the step (the preset's by default).
        target: the cost to reach.
    """

    NAME = "normalization"
    LESSON = "normalizing-inputs"
    CSS_PATH = "normalization.tcss"
    AUTO_FOCUS = "#nz-lr-input"

    def __init__(self, iterations: int | None = None, learning_rate: float | None = None,
                 target: float = TARGET) -> None:
        super().__init__()
        self.initial = (iterations, learning_rate, target)
        self.curves: list[RunCurve] = []
        self.finished = False

    def compose(self) -> ComposeResult:
        from dltutor.tutor.widgets.panel_field import PanelField
        from dltutor.tutor.widgets.panel_plot import SeriesPlot

        iterations, rate, target = self.initial
        yield Header()
        with Horizontal(id="nz-body"):
            with VerticalScroll(id="nz-form"):
                yield Static(INTRO, id="nz-intro", markup=False)
                yield PanelField("Learning rate", "" if rate is None else f"{rate:g}", id="nz-lr",
                                 placeholder="the preset's", tooltip="a number > 0; the preset uses 0.002")
                yield PanelField("Iterations", "" if iterations is None else str(iterations), id="nz-iters",
                                 placeholder="the preset's", tooltip=f"1 to {MAX_ITERATIONS:,} per run")
                yield PanelField("Target cost", f"{target:g}", id="nz-target",
                                 tooltip="count the iterations until the training cost is below this")
                yield Static("", id="nz-status", markup=False)
                yield Static("", id="nz-reading", markup=False)
            with Vertical(id="nz-results"):
                yield SeriesPlot("Training…", id="nz-plot")
                yield DataTable(id="nz-table", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = PANELS["normalization"][0]
        self.query_one("#nz-form").border_title = "Badly scaled features"
        self.query_one("#nz-results").border_title = "Training cost: raw against normalized"
        super().on_mount()

    # -- the form ------------------------------------------------------------------------------------

    def _target(self) -> float:
        from dltutor.tutor.widgets.panel_field import PanelField

        field_ = self.query_one("#nz-target", PanelField)
        value = parse_float(field_.value, "target", "a cost > 0", 0.0, math.inf, low_open=True)
        field_.set_error(None)
        return value

    def read_form(self) -> dict[str, Any]:
        values = self.read_fields({
            "nz-lr": lambda t: None if not t.strip() else parse_float(
                t, "learning_rate", "a number > 0 (the preset uses 0.002)", 0.0, 10.0, low_open=True),
            "nz-iters": lambda t: None if not t.strip() else parse_int(t, "iterations", 1, MAX_ITERATIONS),
            "nz-target": lambda t: parse_float(t, "target", "a cost > 0", 0.0, math.inf, low_open=True),
        })
        return {"learning_rate": values["nz-lr"], "iterations": values["nz-iters"],
                "target": values["nz-target"]}

    @on(Input.Changed, "#nz-target-input")
    def _target_changed(self, event: Input.Changed) -> None:
        # The target only re-reads the recorded curves: no need to train again (prevent_default keeps the
        # base class's re-run from seeing this change).
        event.prevent_default()
        from dltutor.core.errors import TutorError
        from dltutor.tutor.widgets.panel_field import PanelField

        try:
            target = self._target()
        except TutorError as exc:
            self.query_one("#nz-target", PanelField).set_error(str(exc))
            return
        self._redraw(target)

    def show_problem(self, error: Exception) -> None:
        self.query_one("#nz-status", Static).update("Fix the field marked ⚠ to train.")

    def start(self, options: dict[str, Any]) -> None:
        self.finished = False
        self.query_one("#nz-status", Static).update("Training both runs…")
        self._train(options, self.token)

    # -- training ------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="normalization")
    @single_threaded()
    def _train(self, options: dict[str, Any], token: int) -> None:
        import numpy as np

        from dltutor.core.errors import TutorError
        from dltutor.core.presets import PRESETS
        from dltutor.core.train import Training

        worker = get_current_worker()
        preset = PRESETS[PRESET]
        changes = {k: options[k] for k in ("learning_rate", "iterations") if options[k] is not None}
        try:
            config = preset.config.with_changes(**changes)
            with np.errstate(all="ignore"):
                dataset = preset.data.load()
        except TutorError as exc:
            self.post_result(token, self._failed, exc)
            return
        curves = [RunCurve(name, normalize) for name, normalize in RUNS]
        last = time.monotonic()
        for curve in curves:
            training = Training(config.with_changes(normalize=curve.normalize), dataset)
            while not training.done:
                if worker.is_cancelled:
                    return
                for record in training.run_chunk(config.log_every * 10):
                    curve.iterations.append(record.iteration)
                    curve.costs.append(record.train_cost)
                if time.monotonic() - last > UPDATE_EVERY:
                    last = time.monotonic()
                    snapshot = [RunCurve(c.name, c.normalize, list(c.iterations), list(c.costs), c.stopped,
                                         c.message, c.dev_accuracy) for c in curves]
                    self.post_result(token, self._progress, snapshot, config.iterations)
            result = training.result
            assert result is not None  # the loop above ran the training to its end
            curve.stopped, curve.message = result.stopped, result.message
            curve.dev_accuracy = result.accuracy.get(dataset.heldout) if dataset.heldout else None
            curve.output_spread = _output_spread(training)
        if not worker.is_cancelled:
            self.post_result(token, self._done, curves, config.learning_rate, config.iterations)

    def _failed(self, exc: Exception) -> None:
        from dltutor.tutor.widgets.panel_field import PanelField

        field_id = {"learning_rate": "#nz-lr", "iterations": "#nz-iters"}.get(getattr(exc, "field", ""))
        if field_id:
            self.query_one(field_id, PanelField).set_error(str(exc))
        self.query_one("#nz-status", Static).update(f"⚠ {exc}")

    def _progress(self, curves: list[RunCurve], total: int) -> None:
        self.curves = curves
        done = sum(c.iterations[-1] if c.iterations else 0 for c in curves)
        self.query_one("#nz-status", Static).update(f"Training… {done:,} of {2 * total:,} iterations")
        self._redraw()

    def _done(self, curves: list[RunCurve], rate: float, total: int) -> None:
        self.curves = curves
        self.finished = True
        ended = [f"{c.name}: {c.message}" for c in curves if c.stopped != "completed"]
        self.query_one("#nz-status", Static).update(
            f"Both runs done: {total:,} iterations each at learning rate {rate:g}."
            + "".join(f"\n⚠ {e}" for e in ended))
        self._redraw()
        self.ran()

    def _redraw(self, target: float | None = None) -> None:
        from dltutor.core.errors import TutorError
        from dltutor.tutor.widgets.panel_plot import Series, SeriesPlot

        if target is None:
            try:
                target = self._target()
            except TutorError:
                target = math.nan
        colors = {"raw": "orange", "normalized": "cyan"}
        self.query_one("#nz-plot", SeriesPlot).show(
            [Series(c.name, tuple(float(i) for i in c.iterations), tuple(c.costs), color=colors[c.name])
             for c in self.curves],
            xlabel="iteration", ylabel="training cost", integer_x=True,
            hlines=[(target, "gray")] if math.isfinite(target) else [])
        by = {c.name: c for c in self.curves}
        runs = [by.get(name) for name, _ in RUNS]

        def cells(value: Any) -> list[str]:
            return ["-" if c is None or not c.costs else value(c) for c in runs]

        finite = math.isfinite(target)
        # One column per run: two narrow columns fit at 80 columns, five wide ones did not.
        columns = [("", "what")] + [(name, name) for name, _ in RUNS]
        fill_table(self.query_one("#nz-table", DataTable), columns, [
            ("first", ["first cost", *cells(lambda c: f"{c.costs[0]:.4f}")]),
            ("last", ["last cost", *cells(lambda c: f"{c.costs[-1]:.4f}")]),
            ("dev", ["dev acc.", *cells(lambda c: "-" if c.dev_accuracy is None else f"{c.dev_accuracy:.1%}")]),
            ("target", ["to target", *cells(lambda c: iterations_text(c, target) if finite else "-")]),
            ("outcome", ["outcome", *cells(lambda c: outcome(c, target).label if finite else "-")]),
        ])
        self.query_one("#nz-reading", Static).update(reading(self.curves, target) if self.finished else "")

    def column(self, name: str) -> dict[str, str]:
        """One run's column of the table by row key (``last``, ``target``, ``outcome``...), as text."""
        table = self.query_one("#nz-table", DataTable)
        index = [n for n, _ in RUNS].index(name) + 1
        return {str(row.key.value): str(table.get_row(row.key)[index]) for row in table.ordered_rows}
