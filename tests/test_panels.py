"""The lesson panels driven with Pilot: vanishing/exploding, numerical approximation, normalization."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest
from textual.widgets import Input

from dltutor.tutor.app import DLTutorApp, make_app
from dltutor.tutor.destinations import LESSON_PANELS, PANELS
from dltutor.tutor.screens.normalization import NormalizationScreen, RunCurve, iterations_text
from dltutor.tutor.screens.numgrad import NumgradScreen
from dltutor.tutor.screens.panels import parse_float, parse_int
from dltutor.tutor.screens.vanishing import VanishingScreen
from dltutor.tutor.tour import expect, screen_text, settle
from dltutor.tutor.widgets.panel_field import PanelField
from dltutor.tutor.widgets.panel_plot import SeriesPlot, decade_ticks, integer_ticks, log_limits

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (120, 40)


def app_for(tmp_path: Path, **start) -> DLTutorApp:
    return make_app(lessons_source=FIXTURES, home=tmp_path, **start)


async def ran(pilot, screen, runs: int = 1) -> None:
    """Wait until the panel has finished ``runs`` runs."""
    for _ in range(300):
        await settle(pilot)
        if screen.runs >= runs:
            return
    raise AssertionError(f"{type(screen).__name__} never finished a run")


def flat(app) -> str:
    return " ".join(screen_text(app).split())


# -- vanishing / exploding ----------------------------------------------------------------------------


async def test_relu_with_he_keeps_norms_stable(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="vanishing")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, VanishingScreen)
        await ran(pilot, screen)
        report = screen.report
        assert (report.depth, report.width, report.activation, report.init) == (20, 100, "relu", "he")
        assert report.activations_trend == "stable" and report.gradients_trend == "stable"
        assert "activations stable · gradients stable" in flat(app)
        act, grad = screen.query_one("#vg-act", SeriesPlot), screen.query_one("#vg-grad", SeriesPlot)
        assert act.series[0].ys == tuple(report.act_std) and len(act.series[0].xs) == 20
        assert grad.series[0].ys == tuple(report.grad_norm)
        assert act.logy and grad.logy
        # every layer's gradient norm within a factor 10 of the last layer's: stable
        norms = report.grad_norm
        assert max(norms) / min(norms) < 10
        await asyncio.wrap_future(app.save(lambda store: None))
        assert "vanishing-gradients" in app.store.progress.practised  # as a lesson's Try it would


async def test_w_equals_a_identity_explodes_and_a_half_vanishes(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="vanishing")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await ran(pilot, screen)
        await pilot.press("ctrl+l")  # the course's W = a*I example: 30 linear layers, a = 1.5
        await ran(pilot, screen, runs=2)
        report = screen.report
        assert report.init == "identity" and report.identity_scale == 1.5 and report.depth == 30
        assert report.activations_trend == "exploding"
        assert report.act_std[-1] == pytest.approx(1.5 ** 30 * report.input_std, rel=1e-9)
        assert len(screen.query_one("#vg-act", SeriesPlot).series) == 2  # measured and a^l * std(X)
        screen.query_one("#vg-scale", PanelField).value = "0.5"
        await ran(pilot, screen, runs=3)
        assert screen.report.activations_trend == "vanishing"
        assert "activations vanishing" in flat(app)


async def test_vanishing_fields_explain_bad_values_and_do_not_run(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="vanishing")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await ran(pilot, screen)
        runs = screen.runs
        screen.query_one("#vg-depth", PanelField).value = "0"
        screen.query_one("#vg-width", PanelField).value = "wide"
        await pilot.pause(0.5)
        await settle(pilot)
        assert screen.query_one("#vg-depth", PanelField).error == \
            "⚠ depth: 0 is out of range (allowed: a whole number from 1 to 200)"
        assert "width: 'wide' is not a whole number" in screen.query_one("#vg-width", PanelField).error
        assert "Fix the field marked ⚠" in flat(app)
        assert screen.runs == runs
        screen.query_one("#vg-depth", PanelField).value = "5"
        screen.query_one("#vg-width", PanelField).value = "8"
        await pilot.pause(0.5)
        await ran(pilot, screen, runs=runs + 1)
        assert screen.query_one("#vg-depth", PanelField).error == ""
        assert screen.report.depth == 5 and screen.report.width == 8


# -- numerical approximation --------------------------------------------------------------------------


async def test_numgrad_shows_the_course_numbers_and_the_error_chart(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="numgrad")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, NumgradScreen)
        await ran(pilot, screen)
        text = flat(app)
        assert "= 3.0301" in text and "= 3.0001" in text
        assert "error 3.01e-02" in text and "error 1.00e-04" in text and "301 times closer" in text
        plot = screen.query_one("#ng-plot", SeriesPlot)
        assert [s.label for s in plot.series] == ["one-sided", "two-sided"]
        assert plot.logx and plot.logy and plot.vlines == [(0.01, "gray")]
        sweep = screen.demo["sweep"]
        assert plot.series[1].ys == tuple(s["two_sided_error"] for s in sweep)
        # above round-off the two-sided error falls like eps^2, the one-sided like eps
        big = [s for s in sweep if s["epsilon"] >= 1e-3]
        for a, b in zip(big, big[1:]):
            ratio = a["epsilon"] / b["epsilon"]
            assert a["two_sided_error"] / b["two_sided_error"] == pytest.approx(ratio ** 2, rel=0.05)
            assert a["one_sided_error"] / b["one_sided_error"] == pytest.approx(ratio, rel=0.15)


async def test_numgrad_recomputes_and_rejects_a_bad_epsilon(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="numgrad")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await ran(pilot, screen)
        eps = screen.query_one("#ng-eps", PanelField)
        eps.value = "0"
        eps.input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert eps.error == "⚠ epsilon: 0 is out of range (allowed: 0 < epsilon <= 1)"
        assert screen.runs == 1
        eps.value = "0.001"
        screen.query_one("#ng-theta", PanelField).value = "2"
        await pilot.press("enter")
        await ran(pilot, screen, runs=2)
        assert eps.error == ""
        assert screen.demo["true"] == 12.0
        assert "= 12.006001" in flat(app)


# -- normalization ------------------------------------------------------------------------------------


async def test_normalization_overlays_both_curves_and_counts_iterations_to_the_target(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = NormalizationScreen(iterations=1500, learning_rate=0.01, target=0.3)
        await app.push_screen(screen)
        await ran(pilot, screen)
        curves = {c.name: c for c in screen.curves}
        assert set(curves) == {"raw", "normalized"}
        for curve in curves.values():
            assert curve.stopped == "completed" and curve.iterations[-1] == 1400  # log_every 100
        plot = screen.query_one("#nz-plot", SeriesPlot)
        assert [s.label for s in plot.series] == ["raw", "normalized"]
        assert plot.hlines == [(0.3, "gray")]
        raw, norm = curves["raw"], curves["normalized"]
        assert screen.column("raw")["target"] == iterations_text(raw, 0.3)
        assert screen.column("normalized")["target"] == iterations_text(norm, 0.3)
        first = norm.first_below(0.3)
        assert first is not None and first < (raw.first_below(0.3) or 10**9)  # normalized gets there first
        assert screen.column("normalized")["target"] == f"{first:,}"
        assert screen.column("normalized")["outcome"] == "reached"
        text = flat(app)
        assert "to target" in text and "raw" in text and "normalized" in text
        # a new target re-reads the curves without training again
        runs = screen.runs
        screen.query_one("#nz-target", PanelField).value = "0.01"
        await settle(pilot)
        assert screen.column("raw")["target"] == "not reached"
        assert screen.column("normalized")["target"] == "not reached"
        assert screen.runs == runs
        expect(app, "neither run got there")


async def test_normalization_rejects_a_bad_learning_rate(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = NormalizationScreen(iterations=200)
        await app.push_screen(screen)
        await ran(pilot, screen)
        lr = screen.query_one("#nz-lr", PanelField)
        lr.value = "-1"
        lr.input.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert lr.error.startswith("⚠ learning_rate: -1 is out of range (allowed: a number > 0")
        assert "Fix the field marked ⚠" in flat(app)
        assert screen.runs == 1


def test_iterations_to_target() -> None:
    curve = RunCurve("raw", False, [0, 100, 200], [0.7, 0.4, 0.3])
    assert curve.first_below(0.35) == 200 and iterations_text(curve, 0.35) == "200"
    assert curve.first_below(0.3) is None and iterations_text(curve, 0.3) == "not yet"
    curve.stopped = "completed"
    assert iterations_text(curve, 0.3) == "not reached"


# -- shared pieces ------------------------------------------------------------------------------------


def test_field_parsers_raise_tutor_errors_naming_the_field() -> None:
    from dltutor.core.errors import TutorError

    assert parse_float(" 1e-7 ", "epsilon", "0 < epsilon <= 1", 0, 1, low_open=True) == 1e-7
    with pytest.raises(TutorError, match=r"^epsilon: 'x' is not a number \(allowed: 0 < epsilon <= 1\)$"):
        parse_float("x", "epsilon", "0 < epsilon <= 1", 0, 1)
    with pytest.raises(TutorError, match="epsilon: is empty"):
        parse_float("", "epsilon", "0 < epsilon <= 1")
    with pytest.raises(TutorError, match="out of range"):
        parse_float("nan", "epsilon", "0 < epsilon <= 1", 0, 1)
    assert parse_int("12", "depth", 1, 200) == 12
    with pytest.raises(TutorError, match="depth: '1.5' is not a whole number"):
        parse_int("1.5", "depth", 1, 200)


def test_log_axes_use_whole_decades() -> None:
    assert log_limits([0.6, 0.8], min_decades=4) == (-2, 2)
    assert log_limits([1e-9, 0.3]) == (-9, 0)
    ticks, labels = decade_ticks(-9, 0, most=4)
    assert labels[-1] == "1" and all(label.startswith("1e-") for label in labels[:-1]) and len(ticks) <= 4
    assert integer_ticks([1, 20])[1][:2] == ["1", "5"] or integer_ticks([1, 20])[1][0] == "1"


def test_every_panel_has_a_lesson() -> None:
    assert set(LESSON_PANELS.values()) == set(PANELS)


# -- from the lessons -----------------------------------------------------------------------------------


async def test_lessons_try_it_opens_the_workbench_and_the_panels(tmp_path: Path) -> None:
    from dltutor.tutor.messages import Navigate
    from dltutor.tutor.screens.workbench import WorkbenchScreen

    app = make_app(home=tmp_path, lesson="gradient-checking")  # the installed lessons
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "enter")  # Try it, the first experiment: the variant "course"
        await settle(pilot)
        assert isinstance(app.screen, WorkbenchScreen) and app.screen.variant == "course"
        await ran(pilot, app.screen)

        app.post_message(Navigate("lesson", "numerical-gradients"))
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        labels = [str(b.label) for b in app.screen.query("#try-links Button")]
        assert labels == ["▶ Panel: Numerical approximation of gradients", "▶ Gradient-check workbench"]
        await pilot.click("#try-links Button")
        await settle(pilot)
        assert isinstance(app.screen, NumgradScreen)
        await ran(pilot, app.screen)

        app.post_message(Navigate("lesson", "normalizing-inputs"))
        await settle(pilot)
        await pilot.press("t", "enter")  # lesson-normalize trains raw and normalized in its panel
        await settle(pilot)
        assert isinstance(app.screen, NormalizationScreen)
        app.screen.workers.cancel_all()

        app.post_message(Navigate("lesson", "dropout"))
        await settle(pilot)
        assert not app.screen.query_one("#try-links").display  # no panel for this lesson


# -- the reviewer's findings: ties in numgrad, what each normalization run did, the way back ------------


async def test_numgrad_at_theta_zero_calls_the_errors_a_tie_and_up_down_move_between_fields(
        tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="numgrad")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await ran(pilot, screen)
        theta = screen.query_one("#ng-theta", PanelField)
        eps = screen.query_one("#ng-eps", PanelField)
        assert app.focused is theta.input
        theta.value = "0"
        await pilot.press("enter")
        await ran(pilot, screen, runs=2)
        errors = screen.demo["errors"]
        assert errors["one_sided"] == pytest.approx(errors["two_sided"])  # both eps^2 at theta = 0
        text = str(screen.query_one("#ng-example").render())
        assert "times closer" not in text
        assert "Both errors are the same here" in text and "3θε is zero" in text
        await pilot.press("down")
        assert app.focused is eps.input
        await pilot.press("down")  # the last field: the form scrolls, the focus stays
        assert app.focused is eps.input
        await pilot.press("up")
        assert app.focused is theta.input


def test_numgrad_compares_the_errors_in_words() -> None:
    from dltutor.core.gradcheck import one_dimensional_demo
    from dltutor.tutor.screens.numgrad import compare

    def said(theta: float, eps: float) -> str:
        errors = one_dimensional_demo(theta, eps)["errors"]
        return compare(theta, eps, errors["one_sided"], errors["two_sided"])

    assert said(1.0, 0.01) == "The two-sided estimate is 301 times closer."
    assert said(0.0, 0.01).startswith("Both errors are the same here")
    assert said(0.001, 0.01).startswith("Both errors are about the same size here")  # 3e-5 next to 1e-4
    assert "happens to be exact" in said(-0.01 / 3, 0.01)  # 3*theta*eps + eps^2 = 0
    assert "round-off" in said(1.0, 1e-9) and "round-off" in said(5.0, 1e-10)
    assert compare(0.0, 1e-200, 0.0, 0.0) == "Both estimates are exact here (error 0)."
    assert compare(1.0, 0.01, 0.03, 0.0).startswith("The two-sided estimate is exact here")


async def test_normalization_says_the_raw_run_is_stuck_at_chance_at_a_large_rate(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = NormalizationScreen(iterations=1500, learning_rate=0.5)
        await app.push_screen(screen)
        await ran(pilot, screen)
        raw = next(c for c in screen.curves if c.name == "raw")
        assert raw.costs[-1] == pytest.approx(0.693, abs=1e-3) and raw.output_spread < 1e-6
        assert screen.column("raw")["outcome"] == "at chance"
        assert screen.column("raw")["target"] == "not reached"
        assert screen.column("normalized")["outcome"] == "reached"
        reading = str(screen.query_one("#nz-reading").render())
        assert "crawl" not in reading
        assert ("• raw: stuck at chance from iteration 100: the network predicts the same probability for "
                "every example, so the cost stays at 0.693 ≈ ln 2 (dev accuracy 46.7%).") in reading
        assert "• normalized: below 0.3 at iteration" in reading
        assert "too large for the raw features" in reading
        # the table fits at 80 columns: both runs' outcome and iterations to target are on screen
        lines = screen_text(app).splitlines()
        assert any("outcome" in line and "at chance" in line and "reached" in line for line in lines)
        assert any("to target" in line and "not reached" in line for line in lines)


def test_the_outcome_of_a_run_comes_from_its_costs() -> None:
    from dltutor.tutor.screens.normalization import outcome

    its = list(range(0, 2000, 100))

    def run(costs, stopped="completed", **kw) -> RunCurve:
        return RunCurve("raw", False, its[:len(costs)], list(costs), stopped, **kw)

    assert outcome(run([1.0, 0.5, 0.2, 0.1]), 0.3).text == "below 0.3 at iteration 200."
    falling = [1.0 - 0.01 * i for i in range(20)]
    assert outcome(run(falling), 0.3).kind == "crawling"
    assert "still falling" in outcome(run(falling), 0.3).text
    assert outcome(run(falling, stopped=""), 0.3).kind == "training"
    assert outcome(run([1.3] + [1.054] * 19, output_spread=0.0), 0.3).kind == "stuck"
    chance = outcome(run([1.3] + [0.6929] * 19, dev_accuracy=0.467, output_spread=0.0), 0.3)
    assert chance.kind == "chance" and chance.label == "at chance"
    assert chance.text.startswith("stuck at chance from iteration 100") and "46.7%" in chance.text
    assert outcome(run([1.0, 0.5, 0.6, 0.45, 0.7, 0.5, 0.8, 0.5]), 0.3).kind == "bouncing"
    assert outcome(run([1.0, 0.9, math.inf], stopped="diverged"), 0.3).kind == "diverged"
    assert outcome(run([1.0] + [0.5 + 1e-9 * i for i in range(19)]), 0.3).kind == "stuck"
    assert outcome(run([1.0] + [0.5 - 1e-5 * i for i in range(19)]), 0.3).kind == "levelled"


@pytest.mark.parametrize("name", ["vanishing", "numgrad", "normalization"])
async def test_a_panel_shows_the_way_back_and_escape_leaves_it(tmp_path: Path, name: str) -> None:
    app = app_for(tmp_path, screen=name)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "esc" in footer and "Run again" in footer
        screen.workers.cancel_all()
        if isinstance(app.focused, Input):  # escape leaves the field first, then the screen
            assert "esc Leave field" in footer
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen and not isinstance(app.focused, Input)
            assert "esc Back" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen and type(app.screen).__name__ == "HomeScreen"


def test_a_result_of_an_older_run_is_dropped() -> None:
    screen = NumgradScreen()
    shown: list[int] = []
    screen.token = 2
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(screen), "is_attached", property(lambda self: True))
        screen._deliver(1, shown.append, (1,))
        screen._deliver(2, shown.append, (2,))
    assert shown == [2]
