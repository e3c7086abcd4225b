"""The gradient-check workbench driven with Pilot: the course's numbers, the flagged blocks, the heat map,
the side-by-side view, a learner's own file (right, endless, missing) and inline errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from dltutor.tutor.app import DLTutorApp, make_app
from dltutor.tutor.screens import SCREEN_NAMES, build_screen
from dltutor.tutor.screens.workbench import WorkbenchScreen
from dltutor.tutor.tour import expect, screen_text, settle
from dltutor.tutor.widgets.gc_heatmap import BlockHeatmap
from dltutor.tutor.widgets.gc_report import GcReportView
from dltutor.tutor.widgets.panel_field import PanelField
from dltutor.tutor.workbench_model import LISTED_VARIANTS

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
SIZE = (120, 40)
#: The exercise's published differences (published.json in the course reference).
COURSE_DIFFERENCE = 0.2850931567761623
FIXED_DIFFERENCE = 1.1890913024229996e-07

GOOD_FILE = '''
import numpy as np
from gc_utils import relu, sigmoid


def forward_propagation(X, Y, parameters):
    m = X.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    cost = 1.0 / m * np.sum(np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y))
    return cost, (Z1, A1, W1, Z2, A2, W2, A3, W3)


def backward_propagation(X, Y, cache):
    m = X.shape[1]
    Z1, A1, W1, Z2, A2, W2, A3, W3 = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dZ2 = np.multiply(np.dot(W3.T, dZ3), np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) * 2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 4.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
'''

ENDLESS_FILE = '''
def forward_propagation(X, Y, parameters):
    while True:
        pass


def backward_propagation(X, Y, cache):
    return {}
'''


def app_for(tmp_path: Path, **start) -> DLTutorApp:
    return make_app(lessons_source=FIXTURES, home=tmp_path, **start)


async def finished(pilot, screen: WorkbenchScreen, runs: int = 1) -> None:
    """Wait until the screen has shown ``runs`` results."""
    for _ in range(200):
        await settle(pilot)
        if screen.runs >= runs:
            return
    raise AssertionError("the workbench never showed a result")


def rows_of(screen: WorkbenchScreen, view: str = "#wb-report") -> dict[str, list[str]]:
    """Table rows by block name."""
    return {row[0]: row for row in screen.query_one(view, GcReportView).rows()}


async def test_course_shows_the_published_difference_and_flags_dw2_and_db1(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench", variant="course")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WorkbenchScreen)
        await finished(pilot, screen)
        report = screen.result.report
        assert report.variant == "course"
        assert report.difference == pytest.approx(COURSE_DIFFERENCE, rel=1e-12)
        text = screen_text(app)
        assert "2.85e-01" in text and "BUG" in text
        rows = rows_of(screen)
        assert list(rows) == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
        flagged = {name for name, row in rows.items() if "FLAGGED" in row}
        assert flagged == {"dW2", "db1"}
        assert rows["dW2"][3] == "2.00" and rows["db1"][3] == "4.00"  # analytic / numeric
        hints = screen.query_one("#wb-report", GcReportView).hints_text().plain.splitlines()
        assert hints[0].startswith("db1: db1 is 4.00 times the true gradient")  # under the table, in order
        assert hints[1].startswith("dW2: dW2 is 2.00 times the true gradient")
        assert "this variant should flag dW2, db1: it does" in " ".join(text.split())


async def test_fixed_is_right_and_flags_nothing(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench", variant="fixed")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        assert screen.result.report.difference == pytest.approx(FIXED_DIFFERENCE, rel=1e-9)
        text = screen_text(app)
        assert "1.19e-07" in text and "RIGHT" in text
        assert not any("FLAGGED" in row for row in rows_of(screen).values())


def test_the_reference_numbers_match_published_json() -> None:
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference not present")
    published = json.loads((REFERENCE / "published.json").read_text())["gradient_checking"]["n_dimensional"]
    assert published["buggy_backprop"]["difference"] == COURSE_DIFFERENCE
    assert published["fixed_backprop_difference"] == FIXED_DIFFERENCE


async def test_browsing_the_catalogue_checks_each_variant(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        assert screen.result.report.variant == "course"
        screen.query_one("#wb-variants").focus()
        await pilot.press("down")  # course -> fixed
        await finished(pilot, screen, runs=2)
        await pilot.press("down")  # -> dW2-doubled
        await finished(pilot, screen, runs=3)
        assert screen.result.report.variant == "dW2-doubled"
        assert {n for n, row in rows_of(screen).items() if "FLAGGED" in row} == {"dW2"}
        assert "1.73e-01" in screen_text(app)


async def test_selecting_a_row_shows_its_elements_in_the_heat_map(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench", variant="course")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        heat = screen.query_one("#wb-heat", BlockHeatmap)
        assert heat.cells.name == "db1"  # the first flagged block is highlighted
        assert [heat.text_at(i, 0) for i in range(5)][:4] == ["6.0e-1"] * 4
        table = screen.query_one("#wb-report-blocks")
        table.focus()
        await pilot.press("down")  # db1 -> dW2
        await settle(pilot)
        assert heat.cells.name == "dW2" and heat.cells.shape == (3, 5)
        # dW2 = 2x the truth: |2 - 1| / (2 + 1) = 1/3 wherever the gradient is not zero
        assert heat.text_at(2, 0) == "3.3e-1"
        assert "dW2 is 2.00 times the true gradient" in " ".join(screen_text(app).split())
        assert heat.cell_at(heat.label_width, 3) == (2, 0)


async def test_side_by_side_with_fixed(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench", variant="db1-times-4")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        await pilot.press("b")
        await settle(pilot)
        assert screen.comparing and screen.query_one("#wb-compare").display
        left, right = rows_of(screen, "#wb-left"), rows_of(screen, "#wb-right")
        assert {n for n, row in left.items() if "FLAGGED" in row} == {"db1"}
        assert not any("FLAGGED" in row for row in right.values())
        text = screen_text(app)
        assert "2.54e-01" in text and "1.19e-07" in text and "Nothing flagged." in text
        await pilot.press("b")
        assert not screen.comparing and screen.query_one("#wb-single").display


async def test_a_learner_file_is_checked_in_a_child_process(tmp_path: Path) -> None:
    learner = tmp_path / "my_backprop.py"
    learner.write_text(GOOD_FILE)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = WorkbenchScreen(file=str(learner), timeout=30)
        await app.push_screen(screen)
        await finished(pilot, screen)
        report = screen.result.report
        assert report.file == str(learner)
        assert report.difference == pytest.approx(COURSE_DIFFERENCE, rel=1e-9)
        assert set(report.flagged) == {"dW2", "db1"}
        assert "my_backprop.py" in screen_text(app)
        assert len(screen.file_sweep) == 5  # swept after the report, one child per epsilon
        assert all(math.isfinite(p["difference"]) for p in screen.file_sweep)


async def test_an_endless_loop_is_stopped_and_reported_as_a_timeout(tmp_path: Path) -> None:
    learner = tmp_path / "endless.py"
    learner.write_text(ENDLESS_FILE)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = WorkbenchScreen()
        await app.push_screen(screen)
        await finished(pilot, screen)
        limit = screen.query_one("#wb-timeout-input")
        limit.value = "never"
        box = screen.query_one("#wb-file-input")
        box.value = str(learner)
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "time limit: 'never' is not a number" in screen.query_one("#wb-timeout", PanelField).error
        assert screen.runs == 1
        limit.value = "1"  # the short time limit a learner may set
        box.value = str(learner)
        box.focus()
        await pilot.press("enter")
        await finished(pilot, screen, runs=2)
        assert screen.result.report is None and screen.result.problem_kind == "timeout"
        error = screen.query_one("#wb-file", PanelField).error
        assert "did not finish within 1 s" in error and "endless.py" in error
        assert "the Time limit field gives it longer" in error and "--timeout" not in error
        assert "--timeout" not in screen_text(app)
        assert "TIMED OUT" in screen_text(app)
        assert screen.query_one("#wb-report", GcReportView).rows() == []


async def test_checking_a_file_shows_progress_clears_the_old_verdict_and_escape_cancels(tmp_path: Path) -> None:
    learner = tmp_path / "endless.py"
    learner.write_text(ENDLESS_FILE)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = WorkbenchScreen()
        await app.push_screen(screen)
        await finished(pilot, screen)
        assert screen.query_one("#wb-report", GcReportView).rows()  # the course variant's verdict
        screen.query_one("#wb-timeout-input").value = "30"
        box = screen.query_one("#wb-file-input")
        box.value = str(learner)
        box.focus()
        await pilot.press("enter")
        for _ in range(30):  # the check runs on: wait without waiting for the worker
            await pilot.pause(0.1)
            if screen.query_one("#wb-progress").progress >= 1:
                break
        assert screen.checking is not None and screen.query_one("#wb-progress").display
        assert screen.query_one("#wb-report", GcReportView).rows() == []  # the old verdict is gone
        text = screen_text(app)
        assert "CHECKING" in text and "FLAGGED" not in text
        expect(app, "of the 30 s time limit. esc cancels.")
        assert "esc Cancel" in text  # the footer says what escape does now
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.checking is None  # escape stopped the check, not the screen
        assert not screen.query_one("#wb-progress").display
        expect(app, "Cancelled: endless.py was stopped", "CANCELLED")
        assert not screen.query_one("#wb-run").disabled
        await pilot.press("escape")  # the field first ...
        await pilot.press("escape")  # ... then the screen
        await pilot.pause()
        assert app.screen is not screen


async def test_a_bad_path_and_a_bad_epsilon_are_explained_beside_their_fields(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        runs = screen.runs
        box = screen.query_one("#wb-file-input")
        box.value = str(tmp_path / "nowhere.py")
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        error = screen.query_one("#wb-file", PanelField).error
        assert error.startswith("⚠ file:") and "does not exist" in error
        assert "allowed: the path of a .py file" in error
        assert "does not exist" in " ".join(screen_text(app).split())
        assert screen.runs == runs and screen.result.report.variant == "course"  # nothing ran
        notes = tmp_path / "notes.txt"
        notes.write_text("not python")
        box.value = str(notes)
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a .py file" in screen.query_one("#wb-file", PanelField).error
        box.value = ""  # an empty file field: the form checks the highlighted variant
        eps = screen.query_one("#wb-eps-input")
        eps.value = "abc"
        eps.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "epsilon: 'abc' is not a number" in screen.query_one("#wb-eps", PanelField).error
        eps.value = "2"
        await pilot.press("enter")
        await settle(pilot)
        error = screen.query_one("#wb-eps", PanelField).error
        assert "epsilon: 2 is out of range (allowed: 0 < epsilon <= 1" in error
        assert screen.runs == runs
        eps.value = "1e-4"
        await pilot.press("enter")
        await finished(pilot, screen, runs=runs + 1)
        assert screen.query_one("#wb-eps", PanelField).error == ""
        assert screen.result.report.epsilon == 1e-4


async def test_sampled_mode_leaves_unchecked_elements_dim(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="workbench", variant="course")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        screen.query_one("#wb-mode").value = "sampled"
        await finished(pilot, screen, runs=2)
        report = screen.result.report
        assert report.mode == "sampled" and report.n_checked < report.n_parameters
        screen.query_one("#wb-report-blocks").move_cursor(row=0)  # dW1: 20 elements, 10 of them checked
        await settle(pilot)
        heat = screen.query_one("#wb-heat", BlockHeatmap)
        assert heat.cells.name == "dW1"
        texts = [heat.text_at(i, j) for i in range(5) for j in range(4)]
        assert texts.count("·") == 10


async def test_g_on_home_opens_the_workbench_and_escape_goes_home(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, WorkbenchScreen) and app.screen.variant == "course"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


def test_the_bands_use_the_engines_thresholds() -> None:
    from dltutor.core import gradcheck
    from dltutor.tutor.widgets import gc_bands

    assert gc_bands.PASS_THRESHOLD == gradcheck.COURSE_THRESHOLD
    assert gc_bands.BUG_ABOVE == gradcheck.LIKELY_BUG
    for value in (0.0, 1e-12, 1e-7, 1.5e-7, 2e-7, 3e-7, 1e-5, 9.9e-4, 1e-3, 0.285, 1.0, math.nan, math.inf):
        assert gc_bands.band_of(value) == gradcheck.verdict_band(value).name, value
    assert gc_bands.format_difference(COURSE_DIFFERENCE) == "2.85e-01"
    assert gc_bands.format_difference(FIXED_DIFFERENCE) == "1.19e-07"
    assert gc_bands.format_difference(math.nan) == "not a number"


def test_navigation_knows_the_workbench_and_the_panels() -> None:
    from dltutor.tutor.messages import Navigate

    for name in ("workbench", "vanishing", "numgrad", "normalization"):
        assert name in SCREEN_NAMES
    screen = build_screen(Navigate("workbench", try_id="sign-flip"))
    assert isinstance(screen, WorkbenchScreen) and screen.variant == "sign-flip"
    assert build_screen(Navigate("workbench")).variant == "course"


def test_the_palette_reaches_the_workbench_every_variant_and_the_panels() -> None:
    from dltutor.tutor.destinations import palette_entries

    entries = {name: message for name, message, _ in palette_entries()}
    assert entries["Gradient-check workbench"].target == "workbench"
    for variant in LISTED_VARIANTS:
        message = entries[f"Gradcheck: {variant}"]
        assert message.target == "workbench" and message.try_id == variant
    targets = {m.target for m in entries.values()}
    assert {"vanishing", "numgrad", "normalization"} <= targets


async def test_a_chosen_check_marks_its_lesson_practised_browsing_does_not(tmp_path: Path) -> None:
    import asyncio

    app = app_for(tmp_path, screen="workbench", variant="course")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        screen.query_one("#wb-variants").highlighted = LISTED_VARIANTS.index("dropout-left-on")  # browsing
        await finished(pilot, screen, runs=2)
        assert screen.result.report.variant == "dropout-left-on"
        await asyncio.wrap_future(app.save(lambda store: None))
        assert app.store.progress.practised == {"gradient-checking"}
        await pilot.press("ctrl+r")  # asked for: practice of the dropout lesson
        await finished(pilot, screen, runs=3)
        await asyncio.wrap_future(app.save(lambda store: None))
        assert app.store.progress.practised == {"gradient-checking", "dropout"}


# -- what the form shows is what runs; the table fits at 80 columns -------------------------------------


async def test_ctrl_r_checks_the_path_in_the_file_field_without_enter(tmp_path: Path) -> None:
    learner = tmp_path / "typed.py"
    learner.write_text(GOOD_FILE)
    app = app_for(tmp_path, screen="workbench", variant="fixed")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        run = screen.query_one("#wb-run")
        assert str(run.label) == "Run variant (ctrl+r)"
        box = screen.query_one("#wb-file-input")
        box.focus()
        box.value = str(tmp_path / "missing.py")  # typed, never submitted with Enter
        await settle(pilot)
        assert str(run.label) == "Run your file (ctrl+r)"
        await pilot.press("ctrl+r")
        await settle(pilot)
        error = screen.query_one("#wb-file", PanelField).error
        assert error.startswith("⚠ file:") and "missing.py does not exist" in error
        assert screen.runs == 1 and screen.result.report.variant == "fixed"  # the variant did not re-run
        box.value = str(learner)
        await pilot.press("ctrl+r")
        await finished(pilot, screen, runs=2)
        assert screen.result.report.file == str(learner)
        assert screen.query_one("#wb-file", PanelField).error == ""
        assert "typed.py" in screen_text(app)
        screen.workers.cancel_group(screen, "gradcheck")  # the epsilon sweep of the file is not needed here
        box.value = ""  # an empty field: ctrl+r checks the highlighted variant again
        await pilot.press("ctrl+r")
        await finished(pilot, screen, runs=3)
        assert screen.result.report.variant == "fixed" and screen.result.report.file is None
        assert str(run.label) == "Run variant (ctrl+r)"


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_block_table_shows_flagged_and_the_hints_at_80_columns(tmp_path: Path, size) -> None:
    app = app_for(tmp_path, screen="workbench", variant="course")
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await finished(pilot, screen)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "block" in line and "status" in line)
        for column in ("shape", "rel. diff", "ratio"):
            assert column in header
        for name in ("db1", "dW2"):
            row = next(line for line in lines if f" {name} " in line and "×" in line)
            assert "FLAGGED" in row, row
        row = next(line for line in lines if " dW1 " in line and "×" in line)
        assert "1.58e-07" in row and " ok " in row
        text = " ".join(" ".join(lines).split())
        # the hints, which are sentences, wrap under the table instead of being cut in a column
        assert "db1: db1 is 4.00 times the true gradient" in text
        # one row per variant: a long id ends in an ellipsis at 80 columns (whole from 100), never wraps
        listed = "wrong-activation-deriva…" if size[0] < 100 else "wrong-activation-derivative"
        assert any(listed in line for line in lines)
        assert not any(line.strip("│▊▎ ").startswith(("ive", "tive", "rivative")) for line in lines)
        assert "esc" in lines[-1] and "Run" in lines[-1]  # the way back and the run key in the footer
