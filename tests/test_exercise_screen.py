"""The Exercises screen driven headless with Pilot: list, start, check (failing check highlighted), hints,
watch until it passes, progress saved, and the ways in (home, a lesson's page, the command palette)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from dltutor.core.exercises.catalogue import EXERCISES
from dltutor.tutor.app import make_app
from dltutor.tutor.messages import Navigate
from dltutor.tutor.tour import screen_text, settle

FIXTURES = Path(__file__).parent / "fixtures" / "exercises"
LESSONS = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (110, 36)


async def until(condition, timeout: float = 60.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def open_exercises(pilot, **nav) -> object:
    pilot.app.post_message(Navigate("exercises", **nav))
    await until(lambda: type(pilot.app.screen).__name__ == "ExercisesScreen")
    await pilot.pause()
    return pilot.app.screen


def status(screen) -> str:
    return str(screen.query_one("#exercise-status", Static).render())


async def test_home_x_opens_the_list_with_statuses(tmp_path: Path) -> None:
    app = make_app(lessons_source=LESSONS, home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await until(lambda: type(app.screen).__name__ == "ExercisesScreen")
        await pilot.pause()
        options = app.screen.query_one("#exercise-list", OptionList)
        assert options.option_count == len(EXERCISES)
        assert "· init-zeros" == str(options.get_option_at_index(0).prompt)
        assert "initialize_parameters_zeros(layers_dims)" in screen_text(app)
        assert str(tmp_path / "exercises" / "init_zeros.py") == app.screen.query_one("#exercise-file", Input).value
        await pilot.press("down", "down")
        assert app.screen.selected == "init-he"
        assert "np.random.seed(3)" in screen_text(app)


async def test_start_check_failing_highlight_hint_and_progress(tmp_path: Path) -> None:
    app = make_app(lessons_source=LESSONS, home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_exercises(pilot, try_id="l2-cost")
        assert screen.selected == "l2-cost"
        await pilot.press("s")
        starter = tmp_path / "exercises" / "l2_cost.py"
        await until(starter.exists)
        assert "Wrote" in status(screen)
        starter.write_text((FIXTURES / "l2_cost" / "bug_missing_half.py").read_text())
        await pilot.press("c")
        await until(lambda: "Not yet" in status(screen))
        failed = screen.query(".check.-failed")
        assert len(failed) == 1
        text = str(failed.first().render())
        assert "the penalty's factor" in text and "the 1/2 is missing" in text and "l2_cost.py:" in text
        assert "Not yet" in status(screen)
        await pilot.press("i")
        hint = str(screen.query_one("#exercise-hint", Static).render())
        assert "Hint 1 of 3" in hint and "Hint 2" not in hint
        await pilot.press("i")
        assert "Hint 2 of 3" in str(screen.query_one("#exercise-hint", Static).render())
        await until(lambda: app.store.progress.exercise_status("l2-cost") == "attempted")
        await until(lambda: "✘ l2-cost" == str(screen.query_one("#exercise-list", OptionList)
                                                .get_option_at_index(3).prompt))
        starter.write_text((FIXTURES / "l2_cost" / "correct.py").read_text())
        await pilot.press("c")
        await until(lambda: "PASSED" in status(screen))
        assert not screen.query(".check.-failed")
        await until(lambda: app.store.progress.exercise_status("l2-cost") == "passed")
        assert app.store.progress.exercises["l2-cost"].file == str(starter.resolve())


async def test_a_bad_path_is_shown_beside_the_field(tmp_path: Path) -> None:
    app = make_app(lessons_source=LESSONS, home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_exercises(pilot)
        screen.query_one("#exercise-file", Input).value = str(tmp_path / "nope.py")
        await pilot.press("c")
        await until(lambda: "error:" in status(screen))
        assert "does not exist" in status(screen)


async def test_watch_rechecks_on_save_until_it_passes(tmp_path: Path) -> None:
    app = make_app(lessons_source=LESSONS, home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_exercises(pilot, try_id="init-zeros")
        path = tmp_path / "mine.py"
        path.write_text((FIXTURES / "init_zeros" / "bug_transposed.py").read_text())
        screen.query_one("#exercise-file", Input).value = str(path)
        await pilot.press("w")
        assert screen.watching
        await until(lambda: screen.query(".check.-failed"))
        assert "transposed" in str(screen.query(".check.-failed").first().render())
        await asyncio.sleep(0.5)
        path.write_text((FIXTURES / "init_zeros" / "correct.py").read_text())
        await until(lambda: "PASSED" in status(screen))
        assert not screen.watching


async def test_a_lesson_page_links_to_its_exercise(tmp_path: Path) -> None:
    app = make_app(home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(Navigate("lesson", "dropout"))
        await until(lambda: type(app.screen).__name__ == "LessonScreen")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#exercise-link Button").press()
        await until(lambda: type(app.screen).__name__ == "ExercisesScreen")
        await pilot.pause()
        assert app.screen.selected == "dropout-forward"
        await pilot.press("escape")
        await until(lambda: type(app.screen).__name__ == "LessonScreen")


def test_the_palette_offers_the_exercises(tmp_path: Path) -> None:
    from dltutor.tutor.widgets.palette import tutor_commands

    app = make_app(lessons_source=LESSONS, home=tmp_path)
    names = [c.name for c in tutor_commands(app)]
    assert "Exercises: the course's graded functions" in names
    assert "Exercise: He initialization" in names


async def test_train_with_my_functions_from_the_screen(tmp_path: Path, monkeypatch) -> None:
    from dataclasses import replace

    from dltutor.core import presets

    real = presets.get_preset
    monkeypatch.setattr(presets, "get_preset",
                        lambda name: replace(real(name), config=replace(real(name).config, iterations=1001)))
    app = make_app(lessons_source=LESSONS, home=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_exercises(pilot, try_id="l2-backward")
        await pilot.press("t")
        await until(lambda: "needs l2-cost, l2-backward passed first" in status(screen))
        app.store.record_exercise("l2-cost", True, str(FIXTURES / "l2_cost" / "correct.py"))
        app.store.record_exercise("l2-backward", True, str(FIXTURES / "l2_backward" / "correct.py"))
        await pilot.press("t")
        await until(lambda: "Training finished." in status(screen), timeout=120)
        text = str(screen.query_one("#exercise-result .output", Static).render())
        assert "trained with YOUR functions" in text and "verdict: reproduced" in text
        await pilot.press("down", "down", "down", "down", "down")  # normalize-inputs trains nothing
        assert screen.selected == "normalize-inputs" and not screen.query_one("#train").display
