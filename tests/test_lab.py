"""The live training lab driven headless with Pilot: runs, pause/step/cancel/reset, divergence, compare,
the recipe step, form errors, resizing with a log axis, progress, the command and the tour stop.

Runs are kept short (a few hundred to a few thousand iterations of the course-sized networks), and the
long runs used for pause and cancel are cancelled as soon as they have been checked.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from dltutor.core.presets import PRESETS
from dltutor.tutor import lab_runner
from dltutor.tutor.app import make_app
from dltutor.tutor.lab import recipe
from dltutor.tutor.screens.lab import LabScreen
from dltutor.tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (120, 40)


def lab_app(tmp_path: Path, preset: str | None = "course-reg-none"):
    return make_app(lessons_source=FIXTURES, home=tmp_path, screen="lab", preset=preset)


async def open_lab(pilot) -> LabScreen:
    for _ in range(100):
        if isinstance(pilot.app.screen, LabScreen):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"the lab did not open ({type(pilot.app.screen).__name__})")


async def until(pilot, condition, timeout: float = 30.0) -> None:
    """Wait for ``condition`` (plain sleeps: pilot.pause waits for every widget's queue, slow while training)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def finish(pilot, lab: LabScreen) -> None:
    await until(pilot, lambda: lab.state == "finished")
    await pilot.pause()


def key(pilot, name: str) -> None:
    """Press a key without waiting for the app to be idle (it is not, while training)."""
    from textual import events

    pilot.app._driver.send_message(events.Key(name, " " if name == "space" else None))


def resize(pilot, width: int, height: int) -> None:
    """Resize the headless terminal (as ``pilot.resize_terminal``, without waiting for an idle app)."""
    from textual import events
    from textual.geometry import Size

    size = Size(width, height)
    pilot.app._driver._size = size
    pilot.app.post_message(events.Resize(size, size))


# -- runs ------------------------------------------------------------------------------------------


async def test_a_run_fills_every_panel_and_ends_with_a_diagnosis(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        assert lab.controls.values()["preset"] == "course-reg-none"
        assert lab.state == "idle" and lab.cost_plot.point_count() == 0
        lab.controls.set_values({"iterations": "2000", "log_every": "100"})
        await pilot.press("space")
        await finish(pilot, lab)
        training = lab.model.runs[0].training
        assert training.result.stopped == "completed" and training.iteration == 2000
        # 20 recorded points for the training cost and 20 for the test cost.
        assert lab.cost_plot.point_count() == 40 and set(lab.cost_plot.curves) == {"train", "dev"}
        assert lab.grad_plot.point_count() == 20 and len(lab.grad_plot.norms[0]) == 3
        assert lab.boundary.grid is not None and lab.boundary.grid.labels.shape == (32, 64)
        text = lab.results.text()
        assert "accuracy: train" in text and "stopped: completed 2,000 iterations" in text
        assert "diagnosis:" in text
        assert "cost" in lab.cost_plot.text() and "class" in lab.boundary.text()
        status = str(lab.query_one("#lab-status").render())
        assert status == "finished: completed 2,000 iterations"  # no timing once the run is over


async def test_pause_step_resume_and_cancel(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "10000000", "log_every": "50"})
        key(pilot, "space")
        await until(pilot, lambda: lab.state == "running" and lab.cost_plot.point_count() >= 4)
        key(pilot, "space")  # pause
        await until(pilot, lambda: lab.state == "paused")
        await until(pilot, lambda: not lab.model.busy)
        training = lab.model.runs[0].training
        paused_at, points = training.iteration, lab.cost_plot.point_count()
        await pilot.pause(0.1)
        assert training.iteration == paused_at and not training.done
        await pilot.press("s")  # one recorded point further
        await until(pilot, lambda: lab.state == "paused" and training.iteration > paused_at)
        assert training.iteration == paused_at + 50
        assert lab.cost_plot.point_count() == points + 2
        # the status and Results count the same iterations (a record is taken before its iteration's update)
        status, text = str(lab.query_one("#lab-status").render()), " ".join(lab.results.text().split())
        assert f"paused at {training.iteration:,}/" in status
        last = training.history.records[-1].iteration
        assert (f"iteration {last:,}" if last == training.iteration else
                f"{training.iteration:,} iterations done; last recorded point: iteration {last:,}") in text
        key(pilot, "space")  # resume
        await until(pilot, lambda: lab.state == "running" and lab.cost_plot.point_count() > points + 20)
        key(pilot, "escape")
        await finish(pilot, lab)
        assert training.result.stopped == "cancelled"
        assert f"cancelled at iteration {training.iteration}" in lab.results.text()
        assert training.iteration < 10_000_000


async def test_cancel_while_paused_and_reset(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "10000000"})
        await pilot.press("s")  # step from idle: a run that stops after one chunk
        await until(pilot, lambda: lab.state == "paused")
        assert lab.model.runs[0].training.iteration == 1000
        await pilot.press("escape")
        await finish(pilot, lab)
        assert lab.model.runs[0].training.result.stopped == "cancelled"
        await pilot.press("r")
        await pilot.pause()
        assert lab.state == "idle" and lab.model.runs == []
        assert lab.cost_plot.point_count() == 0 and lab.grad_plot.point_count() == 0
        assert lab.boundary.grid is None
        assert lab.controls.values()["iterations"] == "10000000"  # reset keeps the form


async def test_a_diverging_run_says_so_with_advice(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "course-init-random")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        # Leaky ReLU keeps every unit alive, so a huge step blows the weights up (plain ReLU units die).
        lab.controls.set_values({"lr": "1e6", "activation": "leaky_relu", "iterations": "500", "log_every": "10"})
        await pilot.press("space")
        await finish(pilot, lab)
        result = lab.model.runs[0].training.result
        assert result.stopped == "diverged"
        text = lab.results.text()
        assert "diverged at iteration" in text and "lower learning rate" in text
        # No bias/variance recipe for a run that blew up: x lowers the learning rate instead.
        assert "diagnosis:" not in text and "press x to set the learning rate to 100000" in text
        assert lab.model.next.title == "Lower learning rate" and lab.model.next.changes == {"lr": "100000"}


async def test_a_run_whose_cost_went_up_is_told_to_lower_the_learning_rate(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "course-reg-none")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"lr": "50", "iterations": "2000", "log_every": "100"})
        await pilot.press("space")
        await finish(pilot, lab)
        assert lab.model.runs[0].training.result.stopped == "completed"  # finite, but gradient descent failed
        assert lab.model.next.title == "Lower learning rate"  # not "Bigger network"
        await pilot.press("x")
        await until(pilot, lambda: lab.state == "finished" and lab.model.runs
                    and lab.model.runs[0].training.config.learning_rate == 5)
        assert lab.controls.values()["lr"] == "5"


async def test_the_lab_and_the_cli_give_the_same_verdict(tmp_path: Path, capsys) -> None:
    from dltutor.tutor.cli import main

    app = lab_app(tmp_path, "course-reg-l2")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "3000"})
        await pilot.press("space")
        await finish(pilot, lab)
        lab_text = " ".join(lab.results.text().split())
    assert main(["train", "--preset", "course-reg-l2", "--iterations", "3000"]) == 0
    cli = capsys.readouterr().out
    verdict = next(line for line in cli.splitlines() if line.startswith("diagnosis: "))
    summary = verdict.removeprefix("diagnosis: ").split(" Next: ")[0]
    assert "Bayes error (5%)" in summary and summary in lab_text  # the data's known noise floor in both


async def test_early_stopping_reports_the_restored_weights(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "lesson-early-stopping")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        await pilot.press("space")
        await finish(pilot, lab)
        result = lab.model.runs[0].training.result
        assert result.stopped == "early-stopping" and result.best_iteration is not None
        assert "restored the best weights" in lab.results.text()


# -- compare and the recipe ------------------------------------------------------------------------


async def test_compare_initializations_gives_a_table_of_three(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "course-init-he")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "300", "log_every": "100"})
        await pilot.press("1")
        await finish(pilot, lab)
        rows = lab.results.rows()
        assert [r[0] for r in rows] == ["zeros", "random", "he"]
        assert rows[0][1] == "50.0%"  # zero weights never break symmetry: one class for everything
        assert all(r[4] == "ok" for r in rows)
        assert set(lab.cost_plot.curves) == {"zeros", "random", "he", "zeros dev", "random dev", "he dev"}
        assert "Best dev accuracy" in lab.results.text()
        assert [r.plan.config.init for r in lab.model.runs] == ["zeros", "random", "he"]
        assert "with only the initialization changed. This is the lesson's own setting." in \
            " ".join(lab.results.text().split())
        await pilot.press("space")  # a single run after the comparison: its panels name no compared run
        await finish(pilot, lab)
        assert lab.boundary.border_title == "Decision boundary" and lab.grad_plot.border_title == "Gradient norms"


async def test_compare_on_your_own_setting_says_what_it_changed_and_where_the_lesson_compares(
        tmp_path: Path) -> None:
    app = lab_app(tmp_path, None)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "200", "log_every": "100", "m": "100"})
        await pilot.press("1")
        await finish(pilot, lab)
        text = " ".join(lab.results.text().split())
        assert "Each run is your form's setting (moons data" in text
        assert "with only the initialization changed" in text
        assert "The lesson's comparison (He is best; zeros never break symmetry) uses preset course-init-" in text


def test_comparison_plans_on_course_presets_are_the_course_runs() -> None:
    for kind, names in (("reg", ("course-reg-none", "course-reg-l2", "course-reg-dropout")),
                        ("init", ("course-init-zeros", "course-init-random", "course-init-he"))):
        plan = lab_runner.build_plan(lab_runner.preset_values(names[1]))
        configs = [p.config for p in lab_runner.comparison_plans(kind, plan)]
        assert configs == [PRESETS[n].config for n in names]
    norm = lab_runner.comparison_plans("norm", lab_runner.build_plan(lab_runner.preset_values("lesson-normalize")))
    assert [p.config.normalize for p in norm] == [False, True]
    assert norm[0].spec.feature_scale == (1.0, 50.0)  # the same badly scaled data for both


async def test_apply_the_recipe_step_changes_the_form_and_reruns(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "lesson-underfit")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "300"})
        await pilot.press("space")
        await finish(pilot, lab)
        assert lab.model.next is not None and lab.model.next.title == "Bigger network"
        assert "press x to add a hidden layer of 16 units" in lab.results.text()
        await pilot.press("x")
        await until(pilot, lambda: lab.state == "finished" and lab.model.runs
                    and lab.model.runs[0].training.config.layers == (2, 16, 1))
        assert lab.controls.values()["layers"] == "2,16,1"


def test_step_changes_become_form_values() -> None:
    assert recipe.form_changes({"l2": 0.7, "l1": 0.0}) == {"reg": "l2", "lam": "0.7"}
    assert recipe.form_changes({"l2": 0.0, "l1": 0.0}) == {"reg": "none", "lam": ""}
    assert recipe.form_changes({"keep_probs": (0.86,)}) == {"keep_prob": "0.86"}
    assert recipe.form_changes({"keep_probs": None}) == {"keep_prob": ""}
    assert recipe.form_changes({"iterations": 40000}) == {"iterations": "40000"}
    assert recipe.form_changes({"layers": (2, 128, 128, 1)}) == {"layers": "2,128,128,1"}
    assert recipe.form_changes({"m": 320}) == {"m": "320"}
    assert recipe.form_changes({"early_stopping": None}) == {"early_stopping": ""}
    assert recipe.form_changes({"activation": "tanh", "init": "xavier"}) == {"activation": "tanh",
                                                                                  "init": "xavier"}
    assert recipe.form_changes({"learning_rate": 0.03, "normalize": True}) == {"lr": "0.03", "normalize": True}


# -- the form --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"lr": "abc"}, "lr", "'abc' is not a number"),
    ({"lr": "-1"}, "lr", "learning_rate"),
    ({"keep_prob": "1.5"}, "keep_prob", "0 < keep_prob <= 1"),
    ({"layers": "2,x,1"}, "layers", "not a comma-separated list"),
    ({"iterations": "0"}, "iterations", "iterations"),
    ({"reg": "l2", "lam": ""}, "lam", "needs a positive lambda"),
    ({"seed": "1.5"}, "seed", "not a whole number"),
    ({"init": "random", "init_scale": "0"}, "init_scale", "init_scale > 0"),
    ({"batch": "-3"}, "batch", "batch_size"),
    ({"dataset": "file", "path": ""}, "path", "no file given"),
    ({"dataset": "file", "path": "/nonexistent/mine.npz"}, "path", "no file at"),
    ({"dataset": "moons", "m": "2"}, "m", "out of range"),
    ({"dataset": "moons", "split": "0.7,0.4"}, "split", "sums to"),
])
def test_invalid_values_name_their_field(changes, field, words) -> None:
    from dltutor.core.errors import TutorError

    values = {**lab_runner.preset_values("course-reg-none"), **changes}
    with pytest.raises(TutorError) as info:
        plan = lab_runner.build_plan(values)
        plan.prepare()
    assert lab_runner.form_field(info.value, values) == field
    assert words in str(info.value)


async def test_an_invalid_value_is_shown_beside_its_field_and_nothing_runs(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"keep_prob": "1.5"})
        await pilot.press("space")
        await settle(pilot)
        assert lab.state == "idle" and lab.model.runs == []
        errors = lab.controls.errors()
        assert list(errors) == ["keep_prob"] and "0 < keep_prob <= 1" in errors["keep_prob"]
        # A file that is not there: the error comes from loading, in the worker, and lands beside the path.
        lab.controls.set_values({"keep_prob": "", "dataset": "file", "path": str(tmp_path / "none.csv")})
        await pilot.press("space")
        await settle(pilot)
        assert lab.state == "idle"
        assert "no file at" in lab.controls.errors()["path"]
        # Typing in the field clears its error.
        lab.controls.query_one("#f-path").focus()
        await pilot.press("x")
        assert "path" not in lab.controls.errors()


async def test_a_file_of_your_own_runs(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 120))
    Y = (X[0] + X[1] > 0).astype(float)[None, :]
    path = tmp_path / "mine.npz"
    np.savez(path, X=X, Y=Y)
    app = lab_app(tmp_path, None)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"dataset": "file", "path": str(path), "iterations": "200", "log_every": "50"})
        await pilot.press("space")
        await finish(pilot, lab)
        assert lab.model.runs[0].dataset.n_features == 2
        assert lab.model.runs[0].training.result.stopped == "completed"


async def test_the_layers_field_shows_the_sizes_fitted_to_the_data(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 150))
    Y = (np.argmax(X, axis=0))[None, :].astype(float)  # three features, three classes
    path = tmp_path / "three.npz"
    np.savez(path, X=X, Y=Y)
    app = lab_app(tmp_path, None)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"dataset": "file", "path": str(path), "iterations": "100", "log_every": "50",
                                 "layers": "2,8,1"})
        await pilot.press("space")
        await finish(pilot, lab)
        assert lab.model.runs[0].training.config.layers == (3, 8, 3)
        assert lab.controls.values()["layers"] == "3,8,3"  # the form shows what ran


async def test_choosing_a_preset_fills_the_form(tmp_path: Path) -> None:
    app = lab_app(tmp_path, None)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        assert lab.controls.values()["preset"] == "custom"
        lab.controls.query_one("#f-preset").value = "course-reg-dropout"
        await settle(pilot)
        values = lab.controls.values()
        assert values["keep_prob"] == "0.86,0.86" and values["dataset"] == "course-football"
        assert not lab.controls.query_one("#row-m").display  # course data takes no m
        assert "Dropout" in str(lab.query_one("#lab-info").render())


async def test_space_starts_the_run_right_after_choosing_a_preset(tmp_path: Path) -> None:
    app = lab_app(tmp_path, None)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        await pilot.press("f", "enter")  # the preset list opens
        await settle(pilot)
        await pilot.press("down", "enter")  # the next preset is chosen
        await settle(pilot)
        assert lab.controls.values()["preset"] != "custom"
        assert "space starts the run" in str(lab.query_one("#lab-status").render())
        await pilot.press("space")
        await until(pilot, lambda: lab.state in ("preparing", "running", "finished"))
        assert not lab.controls.query_one("#f-preset").expanded
        key(pilot, "escape")
        await until(pilot, lambda: lab.state != "running")


async def test_the_preset_field_says_which_fields_differ_from_it(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "course-reg-none")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        note = lab.controls.query_one("#lab-preset-note")
        assert not note.display
        lab.controls.query_one("#f-iterations").value = "500"
        await pilot.pause()
        assert note.display and str(note.render()) == "edited: Iterations"
        lab.controls.query_one("#f-iterations").value = str(PRESETS["course-reg-none"].config.iterations)
        await pilot.pause()
        assert not note.display
        lab.controls.set_values({**lab_runner.preset_values("course-reg-none"), "lam": "0.7", "reg": "l2"})
        await pilot.pause()
        assert "Regularize" in str(note.render())


async def test_checkboxes_show_their_state_by_their_mark(tmp_path: Path) -> None:
    app = lab_app(tmp_path, None)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        for field_id in ("normalize", "augment"):
            box = lab.controls.query_one(f"#f-{field_id}")
            box.value = True
            await pilot.pause()
            assert "✔" in str(box.render())
            box.value = False
            await pilot.pause()
            assert "✔" not in str(box.render()) and "X" not in str(box.render())


async def test_the_footer_keeps_a_space_after_the_compare_group(tmp_path: Path) -> None:
    from dltutor.tutor.tour import screen_text

    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(pilot)
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "123 Compare ^q Quit" in footer, footer


# -- robustness ------------------------------------------------------------------------------------


async def test_resize_storm_while_training_on_a_log_axis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.screen import Screen

    handled: list[tuple[str, tuple[int, int]]] = []
    original = Screen._on_resize

    async def counting(self, event):
        handled.append((type(self).__name__, tuple(event.size)))
        await original(self, event)

    monkeypatch.setattr(Screen, "_on_resize", counting)
    app = lab_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "10000000", "log_every": "20"})
        key(pilot, "space")
        await until(pilot, lambda: lab.state == "running" and lab.cost_plot.point_count() >= 4)
        key(pilot, "l")
        await until(pilot, lambda: lab.cost_plot.logy)
        for size in [(100, 30), (160, 50), (81, 24), (60, 20), (120, 40), (90, 28), (200, 60), (120, 40)]:
            resize(pilot, *size)
            await asyncio.sleep(0.05)
        await until(pilot, lambda: isinstance(app.screen, LabScreen) and tuple(app.size) == SIZE)
        await asyncio.sleep(0.1)  # not pilot.pause: it would wait forever for an app that never idles
        assert isinstance(app.screen, LabScreen) and lab.state == "running"
        # The resizes settle: the home screen below the lab used to reflow back and forth between a stale
        # size (60x20, from under the too-small notice) and the terminal's, forever.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        seen, since = len(handled), loop.time()
        while loop.time() - since < 0.5:  # quiet for half a second: settled (a loaded machine may lag)
            assert loop.time() < deadline, f"resizes never settle: {handled[-6:]}"
            await asyncio.sleep(0.05)
            if len(handled) != seen:
                seen, since = len(handled), loop.time()
        assert all(tuple(s.size) == SIZE for s in app.screen_stack)
        # Rendered at least twice at the final size (every build re-adds the series: no log of a log).
        assert "cost (log y)" in lab.cost_plot.text()
        lab.cost_plot.refresh()
        assert "cost (log y)" in lab.cost_plot.text()
        key(pilot, "escape")
        await finish(pilot, lab)
        assert lab.model.runs[0].training.result.stopped == "cancelled"


def test_long_series_are_thinned() -> None:
    from dltutor.tutor.widgets.lab_plots import MAX_POINTS, LabCostPlot

    plot = LabCostPlot()
    for start in range(0, 3 * MAX_POINTS, 100):
        plot.add_points("train", list(range(start, start + 100)), [1.0] * 100)
    xs, _ = plot.curves["train"]
    assert len(xs) <= MAX_POINTS and xs[0] == 0 and xs[-1] == 3 * MAX_POINTS - 1


async def test_leaving_the_lab_stops_the_run(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "10000000"})
        key(pilot, "space")
        await until(pilot, lambda: lab.state == "running" and lab.model.runs
                    and lab.model.runs[0].training.iteration > 0)
        training = lab.model.runs[0].training
        key(pilot, "h")
        await until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        await until(pilot, lambda: not lab.model.busy)
        stopped_at = training.iteration
        await pilot.pause(0.2)
        assert training.iteration == stopped_at < 10_000_000


# -- progress, command, tour -----------------------------------------------------------------------


async def test_running_a_lesson_preset_marks_the_lesson_practised(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "lesson-underfit")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "200"})
        await pilot.press("space")
        await finish(pilot, lab)
        await asyncio.wrap_future(app.save(lambda store: None))
        saved = json.loads(app.store.path.read_text())
        assert saved["practised"] == [PRESETS["lesson-underfit"].lesson]


async def test_a_lessons_try_it_counts_as_practice_of_that_lesson(tmp_path: Path) -> None:
    """Lesson 2's Try it runs lesson-underfit, whose own lesson is basic-recipe: lesson 2 is practised."""
    app = make_app(lessons_source=FIXTURES, home=tmp_path, lesson="bias-variance")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        lab = await open_lab(pilot)
        assert type(app.screen_stack[-2]).__name__ == "LessonScreen"
        lab.controls.set_values({"iterations": "200"})
        await pilot.press("space")
        await finish(pilot, lab)
        await asyncio.wrap_future(app.save(lambda store: None))
        saved = json.loads(app.store.path.read_text())
        assert PRESETS["lesson-underfit"].lesson != "bias-variance"
        assert "bias-variance" in saved["practised"] and PRESETS["lesson-underfit"].lesson not in saved["practised"]


def test_lab_command_opens_the_app_on_the_lab(monkeypatch, capsys) -> None:
    from dltutor.tutor import app as tutor_app
    from dltutor.tutor.cli import main

    opened = {}
    monkeypatch.setattr(tutor_app, "run_app", lambda **kw: opened.update(kw) or 0)
    assert main(["lab", "--preset", "course-reg-l2"]) == 0
    assert opened == {"screen": "lab", "preset": "course-reg-l2"}
    assert main(["lab", "--preset", "no-such-preset"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: preset: unknown preset 'no-such-preset'") and "course-reg-l2" in err


def test_the_tour_visits_the_lab(tmp_path: Path) -> None:
    from dltutor.tutor.tour import all_stops, run_tour

    stops = [s for s in all_stops() if s.name in ("home", "lab")]
    assert [s.name for s in stops] == ["home", "lab"]
    lines: list[str] = []
    assert run_tour(out=lines.append, stops=stops, lessons_source=FIXTURES) == 0, lines
    assert lines[1].startswith("lab: ok")
