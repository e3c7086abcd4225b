"""Numerical approximation of gradients: one- against two-sided differences (lesson 12).

The course's example, f(theta) = theta^3 at theta = 1 with epsilon = 0.01, beside a log-log chart of both
estimates' error against epsilon: the one-sided error falls like epsilon, the two-sided like epsilon^2,
until round-off (about 1e-16 / epsilon) turns both back up.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from dltutor.tutor.destinations import PANELS
from dltutor.tutor.screens.panels import PanelScreen, parse_float
from dltutor.tutor.widgets.panel_field import PanelField
from dltutor.tutor.widgets.panel_plot import Series, SeriesPlot

INTRO = ("Estimate f'(θ) for f(θ) = θ³ from f at nearby points. Change θ or ε: the numbers and the chart "
         "follow.")


#: Errors within this factor of each other are called a tie rather than "1 times closer".
TIE = 1.5
#: An error this many times smaller than the other one counts as exact.
EXACT = 1e-6
#: Double precision's relative round-off.
MACHINE_EPS = 2.2e-16


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"


def roundoff_dominates(theta: float, eps: float) -> bool:
    """Whether round-off in f(θ±ε) (about 2.2e-16·|θ±ε|³/ε) exceeds the two-sided truncation error ε²."""
    return MACHINE_EPS * (abs(theta) + eps) ** 3 / eps > eps ** 2


def compare(theta: float, eps: float, e1: float, e2: float) -> str:
    """One sentence comparing the one-sided error ``e1`` with the two-sided error ``e2``.

    For θ³ the one-sided error is 3θε + ε² and the two-sided one ε²: at θ = 0 they tie, near θ = -ε/3
    the one-sided estimate is even exact, and at a tiny ε (or a huge θ) round-off decides. The sentence
    says which case this is, rather than "1 times closer".

    Args:
        theta: where the derivative is estimated.
        eps: the step.
        e1: the one-sided estimate's absolute error.
        e2: the two-sided estimate's absolute error.

    Returns:
        The sentence.
    """
    roundoff = roundoff_dominates(theta, eps)
    noise = "round-off in f(θ±ε), about 1e-16·|f|/ε, swamps both at this θ and ε"
    if e1 == 0 and e2 == 0:
        return "Both estimates are exact here (error 0)."
    if e2 <= e1 * EXACT:
        return f"The two-sided estimate is exact here; the one-sided one is off by {e1:.2e}."
    if e1 <= e2 * EXACT:
        reason = ("by luck of round-off" if roundoff else
                  "for θ³ its error 3θε + ε² cancels at θ = −ε/3")
        return (f"Here the one-sided estimate happens to be exact ({reason}); the two-sided error is "
                f"{e2:.2e}.")
    if e1 / e2 >= TIE:
        closer = f"The two-sided estimate is {_times(e1 / e2)} times closer"
        if roundoff:
            return (closer + "; round-off in f(θ±ε), about 1e-16·|f|/ε, is already larger than its ε² "
                    "error, so a smaller ε would not help.")
        return closer + "."
    if e2 / e1 >= TIE:
        reason = noise if roundoff else "for θ³ the one-sided error 3θε + ε² partly cancels near θ = −ε/3"
        return f"Here the one-sided estimate happens to be {_times(e2 / e1)} times closer: {reason}."
    if roundoff:
        return f"Both errors are about the same size here: {noise}."
    if theta == 0:
        return ("Both errors are the same here: for θ³ the one-sided error is 3θε + ε² and the two-sided "
                "one ε², and at θ = 0 the O(ε) part 3θε is zero.")
    return ("Both errors are about the same size here: for θ³ the one-sided error is 3θε + ε² and the "
            f"two-sided one ε², and at θ = {theta:g} the O(ε) part 3θε is small next to ε².")


def describe(demo: dict[str, Any], course: dict[str, float] | None = None) -> Text:
    """The worked example as text: both estimates, their errors and orders, and the best epsilons."""
    theta, eps, true = demo["theta"], demo["epsilon"], demo["true"]
    one, two = demo["one_sided"], demo["two_sided"]
    e1, e2 = demo["errors"]["one_sided"], demo["errors"]["two_sided"]
    out = Text()
    out.append(f"f(θ) = θ³ at θ = {theta:g}, ε = {eps:g}\n", style="bold")
    out.append(f"true derivative 3θ² = {true:.10g}\n\n")
    out.append("one-sided  (f(θ+ε) − f(θ)) / ε\n", style="bold")
    out.append(f"   = {one:.10g}   error {e1:.2e}   O(ε)\n")
    out.append("two-sided  (f(θ+ε) − f(θ−ε)) / (2ε)\n", style="bold")
    out.append(f"   = {two:.10g}   error {e2:.2e}   O(ε²)\n\n")
    out.append(compare(theta, eps, e1, e2) + " ")
    out.append("In general the two-sided error shrinks with ε², the one-sided one only with ε: that is why "
               "gradient checking uses the two-sided difference (twice the cost, far more accurate).\n")
    sweep = demo.get("sweep") or []
    if sweep:
        best1 = min(sweep, key=lambda s: s["one_sided_error"])
        best2 = min(sweep, key=lambda s: s["two_sided_error"])
        out.append(f"\nSmallest errors on the chart: two-sided at ε ≈ {best2['epsilon']:.0e} "
                   f"({best2['two_sided_error']:.1e}), one-sided at ε ≈ {best1['epsilon']:.0e} "
                   f"({best1['one_sided_error']:.1e}). Smaller ε is not better: round-off in f(θ±ε), about "
                   "1e-16/ε, takes over.\n")
    if course:
        out.append("\nThe course's 1-D check: J(θ) = θx at x = 2, θ = 4, ε = 1e-7 gives difference "
                   f"{course['difference']:.3e} (< 1e-7: right).\n", style="dim")
    return out


class NumgradScreen(PanelScreen):
    """θ and ε on the left with the worked numbers; the error-against-epsilon chart on the right."""

    NAME = "numgrad"
    LESSON = "numerical-gradients"
    CSS_PATH = "numgrad.tcss"
    AUTO_FOCUS = "#ng-theta-input"

    def __init__(self, theta: float = 1.0, epsilon: float = 0.01) -> None:
        super().__init__()
        self.theta = theta
        self.epsilon = epsilon
        self.demo: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ng-body"):
            with VerticalScroll(id="ng-form"):
                yield Static(INTRO, id="ng-intro", markup=False)
                yield PanelField("θ (theta)", f"{self.theta:g}", id="ng-theta", label_width=10,
                                 tooltip="where to estimate the derivative; |θ| ≤ 1e6")
                yield PanelField("ε (epsilon)", f"{self.epsilon:g}", id="ng-eps", label_width=10,
                                 tooltip="the step; 0 < ε ≤ 1 (the lesson uses 0.01)")
                yield Static("", id="ng-example")
            with Vertical(id="ng-chart"):
                yield SeriesPlot("Computing…", id="ng-plot")
                yield Static("Slope 1 on a log-log chart is O(ε), slope 2 is O(ε²). The vertical line marks "
                             "your ε.", id="ng-caption", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = PANELS["numgrad"][0]
        self.query_one("#ng-form").border_title = "f(θ) = θ³"
        self.query_one("#ng-chart").border_title = "Error against ε (log-log)"
        super().on_mount()

    def read_form(self) -> tuple[float, float]:
        values = self.read_fields({
            "ng-theta": lambda t: parse_float(t, "theta", "a finite number with |theta| <= 1e6", -1e6, 1e6),
            "ng-eps": lambda t: parse_float(t, "epsilon", "0 < epsilon <= 1", 0.0, 1.0, low_open=True),
        })
        return values["ng-theta"], values["ng-eps"]

    def start(self, options: tuple[float, float]) -> None:
        self._compute(*options, self.token)

    @work(thread=True, exclusive=True, group="numgrad")
    def _compute(self, theta: float, eps: float, token: int) -> None:
        import numpy as np

        from dltutor.core.errors import TutorError
        from dltutor.core.gradcheck import course_one_dimensional_check, one_dimensional_demo

        try:
            with np.errstate(all="ignore"):
                demo = one_dimensional_demo(theta, eps)
                course = course_one_dimensional_check()
        except TutorError as exc:
            self.post_result(token, self._failed, exc)
            return
        self.post_result(token, self._show, demo, course)

    def _failed(self, exc: Exception) -> None:
        field = "#ng-eps" if getattr(exc, "field", "") == "epsilon" else "#ng-theta"
        self.query_one(field, PanelField).set_error(str(exc))

    def _show(self, demo: dict[str, Any], course: dict[str, float]) -> None:
        self.demo = demo
        self.query_one("#ng-example", Static).update(describe(demo, course))
        sweep = demo["sweep"]
        xs = tuple(s["epsilon"] for s in sweep)
        self.query_one("#ng-plot", SeriesPlot).show(
            [Series("one-sided", xs, tuple(s["one_sided_error"] for s in sweep), color="orange"),
             Series("two-sided", xs, tuple(s["two_sided_error"] for s in sweep), color="cyan")],
            xlabel="ε", ylabel="|error|", logx=True, logy=True, vlines=[(demo["epsilon"], "gray")])
        self.ran()
