"""The Textual app driven headless with Pilot: navigation, every screen, saved progress, small terminals."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from core.errors import TutorError
from tutor.app import DLTutorApp, make_app, run_app
from tutor.messages import Navigate
from tutor.progress import FILENAME, MIXED, ProgressStore
from tutor.tour import Stop, TourFailure, expect, run_tour, screen_text, settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (100, 30)


def app_for(tmp_path: Path, **start) -> DLTutorApp:
    return make_app(lessons_source=FIXTURES, home=tmp_path, **start)


async def saved(app: DLTutorApp) -> dict:
    """Wait for the queued progress writes and return the file's content."""
    await asyncio.wrap_future(app.save(lambda store: None))
    return json.loads((app.store.path).read_text()) if app.store.path.exists() else {}


def objectives(app: DLTutorApp) -> str:
    return " ".join(str(app.screen.query_one("#objectives").render()).split())


def screen_name(app: DLTutorApp) -> str:
    return type(app.screen).__name__


# -- home and lessons -----------------------------------------------------------------------------


async def test_home_shows_the_course_map_and_objectives(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "HomeScreen"
        assert app.focused.id == "course-map"
        text = screen_text(app)
        for title in ("Train, dev and test sets", "Bias and variance", "Summary and learning objectives"):
            assert title in text
        assert "○ not started" in text and "Start with 1 · Train, dev and test sets" in text
        assert "State what the training, dev and test sets are each used for." in objectives(app)
        await pilot.press("down")
        assert "Diagnose bias and variance from the training error" in objectives(app)
        await pilot.press("h", "escape")  # home stays home
        assert screen_name(app) == "HomeScreen" and len(app.screen_stack) == 1


async def test_opening_a_lesson_marks_it_read_and_home_shows_it(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen_name(app) == "LessonScreen" and app.screen.lesson.id == "bias-variance"
        expect(app, "Lesson 2 of 2 · Bias and variance", "Reading the two errors")
        data = await saved(app)
        assert data["read"] == ["bias-variance"]
        assert (data["position"]["screen"], data["position"]["lesson"]) == ("lesson", "bias-variance")
        await pilot.press("h")
        await settle(pilot)
        assert screen_name(app) == "HomeScreen"
        text = screen_text(app)
        assert "◐ read" in text and "Continue with 2 · Bias and variance" in text
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.lesson.id == "bias-variance"


async def test_next_and_previous_lesson(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="train-dev-test")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.lesson.id == "train-dev-test"
        await pilot.press("p")
        assert app.screen.lesson.id == "train-dev-test"
        assert any("first lesson" in n.message for n in app._notifications)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.lesson.id == "bias-variance"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.lesson.id == "summary"
        expect(app, "Summary and learning objectives")
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        assert set((await saved(app))["read"]) == {"train-dev-test", "bias-variance", "summary"}


async def test_check_yourself_gives_feedback_and_a_score(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="train-dev-test")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        card = app.screen.query_one("QuestionCard")
        assert app.focused is card
        expect(app, "Check 1 of 2", "98% train, 1% dev, 1% test")
        await pilot.press("a")  # wrong
        assert card.answered and card.right == {"b"}
        expect(app, "Not quite: the answer is b.", "100,000 examples")
        await pilot.press("a")  # answered already: nothing changes
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen.query_one("QuestionCard")
        expect(app, "Check 2 of 2")
        await pilot.press("b")  # right
        expect(app, "✓ Correct.")
        await pilot.press("enter")
        await settle(pilot)
        expect(app, "You answered 1 of 2 right.")
        await pilot.press("enter")  # go through them again
        await settle(pilot)
        expect(app, "Check 1 of 2")


async def test_try_it_runs_the_preset_and_marks_practised(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="bias-variance")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.focused.id == "try-list"
        expect(app, "lesson-underfit", "Underfitting")
        await pilot.press("enter")
        await settle(pilot, rounds=6)
        text = app.screen.query_one("#try-text").render()
        assert "accuracy: train" in str(text) and "preset lesson-underfit" in str(text)
        assert (await saved(app))["practised"] == ["bias-variance"]


async def test_start_on_a_preset_opens_its_lesson_and_runs_it(tmp_path: Path) -> None:
    app = app_for(tmp_path, preset="lesson-underfit")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=8)
        assert screen_name(app) == "LessonScreen" and app.screen.lesson.id == "train-dev-test"
        expect(app, "lesson-underfit finished")


# -- ask ------------------------------------------------------------------------------------------


async def test_ask_answers_with_its_source_and_keeps_a_history(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert screen_name(app) == "AskScreen" and app.focused.id == "question"
        await pilot.press(*"why does dropout regularize", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.source["lesson"] == "bias-variance"
        expect(app, "Source: lesson 2 · Bias and variance", "Dropout and regularization")
        await pilot.press("1")  # in the box, a digit is text
        assert app.screen.query_one("#question").value == "1"
        await pilot.press("backspace", "tab", "3")  # out of the box: course question 3
        await settle(pilot, rounds=5)
        assert app.screen.current.course_question == 3
        expect(app, "Course question 3.")
        assert [a.question for a in app.asked][0] == "why does dropout regularize"
        assert len(app.asked) == 2
        assert app.screen.query_one("#history").option_count == 2
        await pilot.press("o")  # open the source lesson
        await settle(pilot)
        assert screen_name(app) == "LessonScreen"
        await pilot.press("a")
        await settle(pilot)
        expect(app, "Asked this session", "why does dropout regularize")  # the session's history survives


async def test_ask_at_start_and_unknown_questions(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="ask")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "AskScreen"
        await pilot.press("enter")  # empty question: a hint, not an error
        expect(app, "Type a question first")
        await pilot.press(*"what is the capital of france", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.kind == "unknown"
        expect(app, "I don't know that one", "No lesson covers this")
        assert not app.screen.query_one("#open-source").display


# -- quiz -----------------------------------------------------------------------------------------


async def test_mixed_quiz_to_the_end_saves_the_score(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        expect(app, "Mixed: 3 questions from every topic", "Bias and variance: 1 questions")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        for n in range(len(screen.questions)):
            expect(app, f"Question {n + 1} of 3")
            card = screen.query_one("QuestionCard")
            question = screen.questions[n]
            if question.kind == "multi":
                for key in sorted(question.right):
                    await pilot.press(key)
                await pilot.press("enter")
            else:
                await pilot.press(sorted(question.right)[0])
            assert card.answered
            expect(app, "Correct.")
            await pilot.press("enter")
            await settle(pilot)
        expect(app, "You scored 3 of 3 (100%)")
        data = await saved(app)
        assert [(a["score"], a["total"]) for a in data["quiz"][MIXED]] == [(3, 3)]
        await pilot.press("r")  # try again
        await settle(pilot)
        expect(app, "Question 1 of 3")


async def test_lesson_quiz_from_the_lesson_and_wrong_answers(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="train-dev-test")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert screen_name(app) == "QuizScreen" and app.screen.lesson == "train-dev-test"
        expect(app, "Question 1 of 2", "From: 1 · Train, dev and test sets")
        await pilot.press("a")
        expect(app, "Not quite: the answer is b.")
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen.query_one("QuestionCard")
        assert card.multi
        await pilot.press("enter")  # nothing chosen yet
        assert not card.answered
        expect(app, "Choose at least one option first")
        await pilot.press("a", "b", "b", "enter")  # chose a only: missed c
        expect(app, "missed c")
        await pilot.press("enter")
        await settle(pilot)
        expect(app, "You scored 0 of 2 (0%)")
        assert (await saved(app))["quiz"]["train-dev-test"][0]["total"] == 2
        await pilot.press("q")
        await settle(pilot)
        expect(app, "best 0/2")


async def test_quiz_options_respond_to_the_mouse(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(Navigate("quiz", "bias-variance", chooser=False))
        await settle(pilot)
        rows = app.screen.query("ChoiceRow")
        assert await pilot.click(rows[0])
        card = app.screen.query_one("QuestionCard")
        assert card.answered and card.chosen == {"a"}
        expect(app, "Correct.")


# -- diagnose -------------------------------------------------------------------------------------


async def test_diagnose_updates_as_you_type_and_shows_bad_input_beside_the_field(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.focused.id == "train"
        expect(app, "Enter the training and dev errors")
        await pilot.press(*"1%", "tab", *"11")
        await settle(pilot)
        expect(app, "Low bias, high variance", "The numbers behind it", "More data")
        await pilot.press("backspace", "backspace", *"abc")
        await settle(pilot)
        error = app.screen.query_one("#dev-error")
        assert error.display and "dev error: not a number: 'abc'" in str(error.render())
        expect(app, "Fix the field marked ⚠")
        await pilot.press("ctrl+a", "ctrl+k", *"2%", "tab", *"1.5%")  # with Bayes error 1.5%
        await settle(pilot)
        assert not error.display
        expect(app, "Low bias, low variance", "Nothing in the basic recipe")
        app.screen.fill(train="15%", dev="16%", bayes="", m="1000000")
        await settle(pilot)
        expect(app, "High bias, low variance", "Bigger network", "Splitting 1,000,000 examples", "98%")
        app.screen.fill(m="-5")
        await settle(pilot)
        assert "examples" in str(app.screen.query_one("#m-error").render())
        await pilot.press("ctrl+r")
        expect(app, "Enter the training and dev errors")


# -- help, palette, theme, size -------------------------------------------------------------------


async def test_help_lists_the_keys_of_every_screen(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert screen_name(app) == "HelpScreen"
        from tutor.screens.help import sections

        found = dict(sections(app))
        assert ("t", "Try it: run the lesson's experiments") in found["Lesson"]
        assert ("c", "Continue") in found["Home"] and ("h esc", "Home") in found["Every screen but home"]
        assert ("1-9", "Course question") in found["Ask"] and ("^r", "Clear the form") in found["Diagnose"]
        assert ("a", "Ask") not in found["Lesson"]  # the shared moves are listed once
        expect(app, "Keys", "Everywhere", "Command palette")
        await pilot.press("escape")
        assert screen_name(app) == "HomeScreen"
        await pilot.press("f1")
        assert screen_name(app) == "HelpScreen"
        await pilot.press("question_mark")
        assert screen_name(app) == "HomeScreen"


async def test_palette_reaches_screens_lessons_questions_and_presets(tmp_path: Path) -> None:
    from tutor.widgets.palette import tutor_commands

    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {c.name: c for c in tutor_commands(app)}
        for name in ("Ask a question", "Diagnose: bias and variance", "Lesson 2: Bias and variance",
                     "Quiz: Bias and variance", "Try: lesson-underfit", "Try: fixed"):
            assert name in commands
        assert sum(name.startswith("Ask ") and name[4].isdigit() for name in commands) == 9
        commands["Lesson 2: Bias and variance"].run()
        await settle(pilot)
        assert app.screen.lesson.id == "bias-variance"
        commands["Try: lesson-underfit"].run()
        await settle(pilot, rounds=6)
        assert app.screen.lesson.id == "train-dev-test"  # the first lesson that names it
        expect(app, "lesson-underfit finished")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert screen_name(app) == "CommandPalette"
        await pilot.press(*"diagnose")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "DiagnoseScreen"


async def test_theme_toggle(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is dark


@pytest.mark.parametrize("screen", ["home", "lesson", "ask", "quiz", "diagnose"])
async def test_small_terminal_shows_a_notice_and_resizing_never_crashes(tmp_path: Path, screen: str) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if screen != "home":
            app.post_message(Navigate(screen, "train-dev-test" if screen == "lesson" else None))
            await settle(pilot)
        for width, height in [(60, 20), (79, 24), (10, 3), (80, 23)]:
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            assert screen_name(app) == "TooSmallScreen"
            expect(app, f"this terminal is {width}x{height}")
        await pilot.press("escape", "a", "ctrl+p")  # nothing gets past the notice
        assert screen_name(app) == "TooSmallScreen"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen_name(app) != "TooSmallScreen"
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        expected = {"home": "HomeScreen", "lesson": "LessonScreen", "ask": "AskScreen", "quiz": "QuizScreen",
                    "diagnose": "DiagnoseScreen"}[screen]
        assert screen_name(app) == expected


async def test_starting_small_shows_the_notice(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(pilot)
        assert screen_name(app) == "TooSmallScreen"
        expect(app, "dltutor needs at least 80x24; this terminal is 70x20")


async def test_corrupted_progress_is_moved_aside_with_a_notice(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_text("{broken")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert any("progress.json.bak" in n.message for n in app._notifications)
        assert (tmp_path / "progress.json.bak").read_text() == "{broken"
        expect(app, "○ not started")


async def test_home_shows_saved_progress_marks(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.mark_practised("train-dev-test")
    store.mark_read("bias-variance")
    store.record_quiz("bias-variance", 1, 1)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "● practised" in text and "◐ read" in text and "1/1" in text
        assert "Continue with 3 · Summary" in text  # no position yet: the first lesson not started


# -- entry points ---------------------------------------------------------------------------------


def test_run_app_rejects_unknown_screens_and_lessons() -> None:
    with pytest.raises(TutorError, match="screen"):
        run_app(screen="lab")
    with pytest.raises(TutorError, match="lesson"):
        run_app(lesson="no-such-lesson")


def test_app_import_does_not_load_numpy_or_search() -> None:
    import subprocess
    import sys

    code = ("import sys, tutor.app; heavy = [m for m in ('numpy', 'bm25s', 'plotext', 'core.gradcheck') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_tour_runs_every_stop_and_reports(tmp_path: Path) -> None:
    lines: list[str] = []
    assert run_tour(tmp_path / "shots", out=lines.append, lessons_source=FIXTURES) == 0
    names = [line.split(":")[0] for line in lines[:-1]]
    built_in = ["home", "lesson", "ask", "quiz", "diagnose", "help"]
    assert [n for n in names if n in built_in] == built_in  # later screens add their stops among these
    assert all(": ok: " in line for line in lines[:-1])
    assert lines[-1].startswith(f"tour: {len(names)} screens ok")
    assert sorted(p.name for p in (tmp_path / "shots").iterdir())[0] == "01-home.svg"


def test_tour_reports_a_failing_stop(tmp_path: Path) -> None:
    async def broken(pilot, app) -> str:
        raise TourFailure("expected 'nothing' on the screen")

    async def fine(pilot, app) -> str:
        await settle(pilot)
        return "fine"

    lines: list[str] = []
    code = run_tour(out=lines.append, stops=[Stop("home", fine), Stop("extra", broken, after="home")],
                    lessons_source=FIXTURES)
    assert code == 1
    assert lines == ["home: ok: fine", "extra: FAILED: expected 'nothing' on the screen",
                     "tour: 1 of 2 screens failed: extra"]
