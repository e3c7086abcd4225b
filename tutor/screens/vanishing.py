"""Vanishing and exploding gradients (lessons 10 and 11): a deep stack, layer by layer.

Choose depth, width, activation and initialization (or the course's deep linear network W = a*I); the
panel runs :func:`core.deep.run_deep` in a worker and plots, per layer, the spread of the activations and
the norm of the weight gradient on log scales, with the engine's one-paragraph reading of the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, Select, Static

from dltutor.core.catalogue import ACTIVATION_NAMES, DEEP_MAX_DEPTH, DEEP_MAX_WIDTH, INIT_MENU
from dltutor.tutor.blas import single_threaded
from dltutor.tutor.destinations import PANELS
from dltutor.tutor.screens.panels import PanelScreen, parse_float, parse_int
from dltutor.tutor.widgets.panel_field import PanelField
from dltutor.tutor.widgets.panel_plot import Series, SeriesPlot

#: Above this many multiply-adds per example the run takes seconds: say so while it runs.
SLOW = 50_000_000

INTRO = ("Equal-width layers fed N(0, 1) inputs: watch the spread of the activations and the size of the "
         "gradients from the first layer to the last.")


def trend_line(report: Any) -> Text:
    """A one-line headline: the activations' and the gradients' trend, coloured."""
    colors = {"stable": "green", "exploding": "red", "vanishing": "yellow", "zero": "yellow",
              "overflow": "red"}
    out = Text()
    out.append("activations ")
    out.append(report.activations_trend, style=f"bold {colors[report.activations_trend]}")
    out.append(" · gradients ")
    out.append(report.gradients_trend, style=f"bold {colors[report.gradients_trend]}")
    if report.saturated:
        out.append(" · saturated", style="bold yellow")
    return out


class VanishingScreen(PanelScreen):
    """The form and the reading on the left; activation spread and gradient norms per layer on the right.

    Args:
        depth: initial number of layers.
        width: initial units per layer.
        activation: initial activation.
        init: initial initialization (``identity`` is W = a*I).
        scale: initial ``a`` for W = a*I.
    """

    NAME = "vanishing"
    LESSON = "vanishing-gradients"
    CSS_PATH = "vanishing.tcss"
    AUTO_FOCUS = "#vg-depth-input"
    BINDINGS = [Binding("ctrl+l", "identity_example", "W = a·I",
                        tooltip="The course's example: 30 linear layers with W = 1.5·I"),
                Binding("ctrl+o", "he_example", "ReLU + He", tooltip="20 ReLU layers with He initialization")]

    def __init__(self, depth: int = 20, width: int = 100, activation: str = "relu", init: str = "he",
                 scale: float = 1.5) -> None:
        super().__init__()
        self.initial = (depth, width, activation, init, scale)
        self.report: Any = None

    def compose(self) -> ComposeResult:
        depth, width, activation, init, scale = self.initial
        yield Header()
        with Horizontal(id="vg-body"):
            with VerticalScroll(id="vg-form"):
                yield Static(INTRO, id="vg-intro", markup=False)
                yield PanelField("Depth (L)", str(depth), id="vg-depth", tooltip=f"1 to {DEEP_MAX_DEPTH} layers")
                yield PanelField("Width", str(width), id="vg-width",
                                 tooltip=f"1 to {DEEP_MAX_WIDTH} units per layer")
                with Horizontal(classes="vg-choice"):
                    yield Label("Activation")
                    yield Select([(a, a) for a in ACTIVATION_NAMES], value=activation, allow_blank=False,
                                 compact=True, id="vg-activation")
                with Horizontal(classes="vg-choice"):
                    yield Label("Init")
                    yield Select([(i if i != "identity" else "W = a·I", i) for i in INIT_MENU], value=init,
                                 allow_blank=False, compact=True, id="vg-init")
                yield PanelField("a in W = a·I", f"{scale:g}", id="vg-scale",
                                 tooltip="only for W = a·I: 1.5 explodes, 0.5 vanishes (0 to 100)")
                yield Static("", id="vg-init-help", markup=False)
                yield Static("", id="vg-status", markup=False)
                yield Static("", id="vg-trend")
                yield Static("", id="vg-summary", markup=False)
            with Vertical(id="vg-charts"):
                yield SeriesPlot("Computing…", id="vg-act")
                yield SeriesPlot("Computing…", id="vg-grad")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = PANELS["vanishing"][0]
        self.query_one("#vg-form").border_title = "Deep network"
        self.query_one("#vg-charts").border_title = "Per layer (log scale)"
        self._init_changed()
        super().on_mount()

    @on(Select.Changed, "#vg-init")
    def _init_changed(self) -> None:
        init = self.query_one("#vg-init", Select).value
        self.query_one("#vg-scale").display = init == "identity"
        help_text = {
            "zeros": "all weights zero: every activation is zero, symmetry is never broken",
            "normal": "N(0, 1) weights: far too large for wide layers",
            "small": "N(0, 1) × 0.01: far too small for deep stacks",
            "random": "N(0, 1) × 10, the course's 'large random' initialization",
            "xavier": "N(0, 1) × sqrt(1/n_prev): keeps tanh activations stable",
            "he": "N(0, 1) × sqrt(2/n_prev): keeps ReLU activations stable",
            "inv-sqrt": "N(0, 1) / sqrt(n_prev), as the regularization exercise",
            "identity": "W = a·I: with a linear activation every layer multiplies by a, so A[l] = a^l X",
        }.get(str(init), "")
        self.query_one("#vg-init-help", Static).update(help_text)

    def read_form(self) -> dict[str, Any]:
        init = str(self.query_one("#vg-init", Select).value)
        parsers: dict[str, Callable[[str], float]] = {
            "vg-depth": lambda t: parse_int(t, "depth", 1, DEEP_MAX_DEPTH),
            "vg-width": lambda t: parse_int(t, "width", 1, DEEP_MAX_WIDTH),
        }
        if init == "identity":
            parsers["vg-scale"] = lambda t: parse_float(t, "identity_scale", "a number from 0 to 100", 0, 100)
        else:
            self.query_one("#vg-scale", PanelField).set_error(None)
        values = self.read_fields(parsers)
        return {"depth": values["vg-depth"], "width": values["vg-width"],
                "activation": str(self.query_one("#vg-activation", Select).value), "init": init,
                "identity_scale": values.get("vg-scale")}

    def show_problem(self, error: Exception) -> None:
        self.query_one("#vg-status", Static).update("Fix the field marked ⚠ to run.")

    def start(self, options: dict[str, Any]) -> None:
        work_size = options["depth"] * options["width"] ** 2
        self.query_one("#vg-status", Static).update(
            "Running… (a network this size takes a few seconds)" if work_size > SLOW else "Running…")
        self._compute(options, self.token)

    @work(thread=True, exclusive=True, group="vanishing")
    @single_threaded()
    def _compute(self, options: dict[str, Any], token: int) -> None:
        import numpy as np

        from dltutor.core.deep import run_deep
        from dltutor.core.errors import TutorError
        from dltutor.core.rng import make_rng

        try:
            with np.errstate(all="ignore"):
                report = run_deep(options["depth"], options["width"], options["activation"], options["init"],
                                  make_rng(1), identity_scale=options["identity_scale"])
        except TutorError as exc:
            self.post_result(token, self._failed, exc)
            return
        self.post_result(token, self._show, report)

    def _failed(self, exc: Exception) -> None:
        field = {"depth": "#vg-depth", "width": "#vg-width", "identity_scale": "#vg-scale"}.get(
            getattr(exc, "field", ""))
        if field:
            self.query_one(field, PanelField).set_error(str(exc))
        self.query_one("#vg-status", Static).update(f"⚠ {exc}")

    def _show(self, report: Any) -> None:
        self.report = report
        layers = tuple(float(s.layer) for s in report.layers)
        act = [Series("std of A[l]", layers, tuple(report.act_std), color="cyan")]
        if report.expected_std is not None:
            act.append(Series("a^l · std(X)", layers, tuple(report.expected_std), color="gray",
                              marker="dot"))
        empty = {"zero": "Every activation is zero: nothing to draw on a log scale (symmetry never breaks).",
                 "overflow": "The activations overflowed to inf."}
        self.query_one("#vg-act", SeriesPlot).empty = empty.get(report.activations_trend, "Nothing to draw.")
        self.query_one("#vg-act", SeriesPlot).show(act, title="activation spread: std of A[l]",
                                                   xlabel="layer l", logy=True, min_decades=4, integer_x=True)
        grad_plot = self.query_one("#vg-grad", SeriesPlot)
        grad_plot.empty = {"zero": "Every weight gradient is zero: nothing to draw on a log scale.",
                           "overflow": "The gradients overflowed to inf."}.get(report.gradients_trend,
                                                                              "Nothing to draw.")
        grad_plot.show([Series("||dW[l]||", layers, tuple(report.grad_norm), color="orange")],
                       title="gradient norm: ||dW[l]||", xlabel="layer l", logy=True,
                       min_decades=4, integer_x=True)
        init = f"W = {report.identity_scale:g}·I" if report.init == "identity" else report.init
        self.query_one("#vg-status", Static).update(
            f"{report.depth} layers of {report.width}, {report.activation}, {init} init; "
            f"m = {report.m} examples")
        self.query_one("#vg-trend", Static).update(trend_line(report))
        self.query_one("#vg-summary", Static).update(
            "\n".join([report.summary] + [f"• {n}" for n in report.notes]))
        self.ran()

    # -- examples ------------------------------------------------------------------------------------

    def _set(self, depth: int, width: int, activation: str, init: str, scale: float | None = None) -> None:
        self.query_one("#vg-depth", PanelField).value = str(depth)
        self.query_one("#vg-width", PanelField).value = str(width)
        self.query_one("#vg-activation", Select).value = activation
        self.query_one("#vg-init", Select).value = init
        if scale is not None:
            self.query_one("#vg-scale", PanelField).value = f"{scale:g}"

    def action_identity_example(self) -> None:
        """The course's picture: 30 linear layers with W = 1.5·I (try 0.5 too)."""
        self._set(30, 2, "linear", "identity", 1.5)

    def action_he_example(self) -> None:
        """A deep ReLU stack with He initialization: stable."""
        self._set(20, 100, "relu", "he")
