"""The Textual app driven headless with Pilot: navigation, every screen, saved progress, small terminals."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.widgets import Input

from dltutor.core.errors import TutorError
from dltutor.tutor.app import DLTutorApp, make_app, run_app
from dltutor.tutor.messages import Navigate
from dltutor.tutor.progress import FILENAME, MIXED, ProgressStore
from dltutor.tutor.tour import Stop, TourFailure, expect, run_tour, screen_text, settle

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
        assert "Welcome! Pick a topic" in screen_text(app) and "Mixed quiz (every topic): not taken yet" in text
        course_map = app.screen.query_one("CourseMap")
        await pilot.press("end")
        assert course_map.current == "summary"
        await pilot.press("home")
        assert course_map.current == "train-dev-test"
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


@pytest.mark.parametrize("gap", [0.0, 0.05, 0.2])
async def test_paging_through_lessons_faster_than_they_fill(tmp_path: Path, gap: float) -> None:
    from textual import events

    app = make_app(home=tmp_path, lesson="train-dev-test")  # the real lessons: long enough to fill slowly
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(8):
            app._driver.send_message(events.Key("n", "n"))  # no waiting for the lesson to fill
            await asyncio.sleep(gap)
        for _ in range(3000):  # plain sleeps first: a loaded machine may take a while to open them all
            lesson = getattr(app.screen, "lesson", None)
            if screen_name(app) == "LessonScreen" and lesson is not None and lesson.order == 9:
                break
            await asyncio.sleep(0.02)
        await settle(pilot)
        assert app.is_running and screen_name(app) == "LessonScreen"
        assert app.screen.lesson.order == 9
        expect(app, app.screen.lesson.title)


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
        # the Read tab shows the questions, not their answers
        assert "98% train, 1% dev, 1% test" in app.screen._markdown
        assert "100,000 examples" not in app.screen._markdown and "Answers." not in app.screen._markdown
        await pilot.press("a")  # wrong
        assert card.answered and card.right == {"b"}
        expect(app, "Not quite: the answer is b.", "100,000 examples")
        # and a note on every option: why the chosen one is wrong, why the others are right or wrong
        expect(app, "your choice: wrong. That rule of thumb suits a few thousand examples",
               "correct (not chosen). 100,000 dev and 100,000 test examples are plenty.",
               "wrong. Two thirds of the data would only measure")
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


async def test_try_it_opens_the_preset_in_the_lab_over_the_lesson(tmp_path: Path) -> None:
    app = app_for(tmp_path, lesson="bias-variance")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.focused.id == "try-list"
        expect(app, "lesson-underfit", "Underfitting")
        await pilot.press("enter")
        await settle(pilot, rounds=6)
        assert [screen_name_of(s) for s in app.screen_stack] == ["HomeScreen", "LessonScreen", "LabScreen"]
        assert app.screen.preset == "lesson-underfit"
        await pilot.press("escape")  # back to the lesson it came from
        await settle(pilot)
        assert screen_name(app) == "LessonScreen" and app.screen.lesson.id == "bias-variance"


async def test_start_on_a_preset_opens_its_lesson_and_the_lab(tmp_path: Path) -> None:
    app = app_for(tmp_path, preset="lesson-underfit")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=8)
        assert [screen_name_of(s) for s in app.screen_stack] == ["HomeScreen", "LessonScreen", "LabScreen"]
        assert app.screen_stack[1].lesson.id == "train-dev-test"


# -- ask ------------------------------------------------------------------------------------------


async def test_ask_answers_with_its_source_and_keeps_a_history(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert screen_name(app) == "AskScreen" and app.focused.id == "question"
        await pilot.press(*"what is the dev set for", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.source["lesson"] == "train-dev-test"
        expect(app, "Source: lesson 1 · Train, dev and test sets", "What the training, dev and test sets are")
        await pilot.press("1")  # in the box, a digit is text (a question may start with a number) ...
        assert app.screen.query_one("#question").value == "1"
        await pilot.press("backspace", "tab", "2")  # ... out of the box, a digit asks course question 2
        await settle(pilot, rounds=5)
        assert app.screen.current.course_question == 2
        expect(app, "Course question 2")
        assert [a.question for a in app.asked][0] == "what is the dev set for"
        assert len(app.asked) == 2
        assert app.screen.query_one("#history").option_count == 2
        await pilot.press("o")  # open the source lesson
        await settle(pilot)
        assert screen_name(app) == "LessonScreen"
        await pilot.press("a")
        await settle(pilot)
        expect(app, "Asked this session", "what is the dev set for")  # the session's history survives


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
        assert "below" not in screen_text(app) and not app.screen.query_one("#related").display  # no list
        assert not app.screen.query_one("#open-source").display
        await pilot.press(*"how do I bake bread with bias", "enter")
        await settle(pilot, rounds=5)
        unknown = app.screen.current
        assert unknown.kind == "unknown" and unknown.related
        related = app.screen.query_one("#related")  # the closest questions, to ask with one key or click
        assert [related.get_option_at_index(i).id for i in range(related.option_count)] == unknown.related
        expect(app, "Closest questions I can answer (enter or a click asks one):")
        assert str(related.get_option_at_index(0).prompt) == unknown.related_questions[0]
        assert unknown.related_questions[0] not in app.screen.query_one("#answer-text").render().plain
        related.focus()
        await pilot.press("down", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.entry == unknown.related[0] and app.screen.current.kind == "bank"
        expect(app, "Related questions (enter or a click asks one):")
        await pilot.press("ctrl+o")  # its source lesson opens over Ask ...
        await settle(pilot)
        assert app.screen.lesson.id == app.screen_stack[-2].current.source["lesson"]
        await pilot.press("escape")  # ... and escape comes back to the answer, not home
        await settle(pilot)
        assert screen_name(app) == "AskScreen" and app.screen.current.entry == unknown.related[0]


async def test_ask_reads_accuracies_and_declines_other_courses(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="ask")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"99% on training, 80% on dev", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.kind == "diagnosis"
        expect(app, "train error 1%, dev error 20%", "high variance")
        await pilot.press(*"how does the Adam optimizer work", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.kind == "unknown"
        expect(app, "not covered in this unit", "Course 2, Week 2")


async def test_ask_a_lone_digit_asks_that_course_question(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="ask")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused.id == "question"
        side = app.screen.query_one("#course-questions")
        assert side.border_title == "Course questions" and "1-9" in side.border_subtitle
        await pilot.press("2", "enter")
        await settle(pilot, rounds=5)
        assert app.screen.current.course_question == 2
        assert app.focused.id == "question" and app.screen.query_one("#question").value == ""
        await pilot.press(*"10 examples", "enter")  # a question that starts with a number is a question
        await settle(pilot, rounds=5)
        assert app.screen.current.question == "10 examples" and app.screen.current.course_question is None


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


async def test_quiz_feedback_says_each_option_once_with_a_hanging_indent(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(Navigate("quiz", "train-dev-test", chooser=False))
        await settle(pilot)
        await pilot.press("b")  # right
        await settle(pilot)
        notes = {str(row.query_one(".note-label").render()): str(row.query_one(".note-text").render())
                 for row in app.screen.query("NoteRow")}
        assert notes["b)"] == "your choice: correct. Ten thousand dev and test examples are plenty."
        assert notes["a)"] == "wrong. A small-data rule of thumb."
        assert "(your choice)" not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")  # select-all: missed c
        await settle(pilot)
        notes = {str(row.query_one(".note-label").render()): str(row.query_one(".note-text").render())
                 for row in app.screen.query("NoteRow")}
        assert notes["c)"].startswith("correct (not chosen).")
        row = app.screen.query("ChoiceRow")[2]  # a long option wraps under its text, not under its letter
        text = row.query_one(".choice-text")
        assert text.region.x > row.region.x + 3


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
        # both gaps small, but variance (1 point) is the larger: said, not "nothing to do"
        expect(app, "Low bias, low variance", "To lower the error further (variance)")
        app.screen.fill(train="15%", dev="16%", bayes="", m="1000000")
        await settle(pilot)
        expect(app, "High bias, low variance", "Bigger network", "Splitting 1,000,000 examples", "98%")
        app.screen.fill(m="-5")
        await settle(pilot)
        assert "examples" in str(app.screen.query_one("#m-error").render())
        await pilot.press("ctrl+r")
        expect(app, "Enter the training and dev errors")


async def test_diagnose_reads_the_errors_together_and_enter_moves_on(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="diagnose")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter", "1", "1")  # the hint's own form: bare numbers, no % sign
        await settle(pilot)
        assert [i.value for i in app.screen.query(Input)][:2] == ["1", "11"]
        expect(app, "Low bias, high variance", "training error 1% is within 1 point",
               "training error 1 was read as 1% because the other errors are percents")


async def test_diagnose_up_and_down_move_between_fields_when_the_form_scrolls(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="diagnose")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = app.screen.query_one("#diag-form")
        await pilot.press(*"abc", "down", "7")
        await settle(pilot)
        assert app.screen.query_one("#train").value == "abc" and app.screen.query_one("#dev").value == "7"
        assert form.max_scroll_y > 0  # the error message made the form overflow
        for key in ("down", "down", "down", "down", "down"):  # past the last field: stays there
            await pilot.press(key)
            await settle(pilot)
            assert form.scrollable_content_region.contains_region(app.focused.region)  # in view
        assert app.focused.id == "m"
        await pilot.press("up")
        assert app.focused.id == "test"
        for _ in range(6):
            await pilot.press("up")
        await settle(pilot)
        assert app.focused.id == "train" and form.scrollable_content_region.contains_region(app.focused.region)


# -- help, palette, theme, size -------------------------------------------------------------------


async def test_help_lists_the_keys_of_every_screen(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert screen_name(app) == "HelpScreen"
        from dltutor.tutor.screens.help import sections

        found = dict(sections(app))
        assert ("t", "Try it: run the lesson's experiments") in found["Lesson"]
        moving = found["Moving around"]
        assert ("c", "Continue where you left off") in found["Home"]
        assert ("esc", "Back to where you came from") in moving and ("h", "Home: the course map") in moving
        assert any(not keys and "question card a-g choose options" in text for keys, text in moving)
        assert ("1-9", "Course question") in found["Ask"] and ("^r", "Clear the form") in found["Diagnose"]
        assert ("↓ ⏎", "Next field") in found["Diagnose"]
        assert ("a", "Ask") not in found["Lesson"]  # the shared moves are listed once
        # the workbench, the lab and the lesson panels, from their own bindings
        assert any(keys == "^r" for keys, _ in found["Gradient-check workbench (g on home)"])
        assert len(found["Training lab (l on home)"]) > 3
        panels = [title for title in found if title.startswith("Panel: ")]
        assert len(panels) == 3 and any("Normalizing inputs" in t for t in panels)
        assert all(found[t] for t in panels)
        expect(app, "Keys", "Everywhere", "Command palette")
        await pilot.press("escape")
        assert screen_name(app) == "HomeScreen"
        await pilot.press("f1")
        assert screen_name(app) == "HelpScreen"
        await pilot.press("question_mark")
        assert screen_name(app) == "HomeScreen"


async def test_palette_reaches_screens_lessons_questions_and_presets(tmp_path: Path) -> None:
    from dltutor.tutor.widgets.palette import tutor_commands

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
        assert screen_name(app) == "LabScreen"  # over its lesson: not in the fixtures, so the first naming it
        assert app.screen_stack[1].lesson.id == "train-dev-test"
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert screen_name(app) == "CommandPalette"
        await pilot.press(*"diagnose")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "DiagnoseScreen"


def test_a_try_id_opens_its_own_lesson_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from dltutor.core.presets import PRESETS
    from dltutor.tutor.course import Course

    course = Course(FIXTURES)
    assert course.lesson_trying("lesson-underfit").id == "train-dev-test"  # its lesson is not a fixture
    assert course.lesson_trying("fixed").id == "bias-variance"
    assert course.lesson_trying("no-such-thing") is None
    monkeypatch.setitem(PRESETS, "lesson-underfit", dataclasses.replace(PRESETS["lesson-underfit"],
                                                                        lesson="bias-variance"))
    assert course.lesson_trying("lesson-underfit").id == "bias-variance"  # not the first that names it


async def test_try_from_the_palette_highlights_it_and_escape_comes_back_to_the_lesson(tmp_path: Path) -> None:
    from dltutor.tutor.widgets.palette import tutor_commands

    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {c.name: c for c in tutor_commands(app)}
        commands["Try: fixed"].run()  # a gradcheck variant: its lesson opens, then the workbench over it
        await settle(pilot, rounds=6)
        assert screen_name(app) == "WorkbenchScreen"
        assert [screen_name_of(s) for s in app.screen_stack] == ["HomeScreen", "LessonScreen", "WorkbenchScreen"]
        footer = screen_text(app).rstrip().split("\n")[-1]
        assert "esc Back" in footer and "h Home" in footer
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "LessonScreen" and app.screen.lesson.id == "bias-variance"
        panel = app.screen.query_one("TryPanel")
        options = panel.query_one("#try-list")
        assert app.screen.query_one("#tabs").active == "try"
        assert options.get_option_at_index(options.highlighted).id == "fixed"  # not the first item
        assert "Checks backpropagation" in str(panel.query_one("#try-about").render())
        assert "open" in str(panel.query_one("#try-intro").render())  # it says fixed opens the workbench
        await pilot.press("q")  # this lesson's quiz opens over it too
        await settle(pilot)
        assert screen_name(app) == "QuizScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "LessonScreen"
        await pilot.press("n")  # the next lesson takes its place ...
        await settle(pilot)
        assert app.screen.lesson.id == "summary" and len(app.screen_stack) == 2
        await pilot.press("escape")  # ... and escape goes home from it
        await settle(pilot)
        assert screen_name(app) == "HomeScreen"


def screen_name_of(screen) -> str:
    return type(screen).__name__


async def test_ask_then_open_the_source_lesson_and_escape_back(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="ask")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"why does dropout regularize", "enter")
        await settle(pilot, rounds=5)
        await pilot.press("ctrl+o")  # works while the box has focus
        await settle(pilot)
        assert screen_name(app) == "LessonScreen" and len(app.screen_stack) == 3
        await pilot.press("n")  # another lesson, still over Ask
        await settle(pilot)
        assert screen_name(app) == "LessonScreen" and len(app.screen_stack) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "AskScreen" and app.screen.current.question == "why does dropout regularize"
        await pilot.press("tab", "o", "h")  # o outside the box; h is home from anywhere
        await settle(pilot)
        assert screen_name(app) == "HomeScreen" and len(app.screen_stack) == 1


async def test_theme_toggle_is_remembered(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dark = app.current_theme.dark
        assert "theme" not in await saved(app) or (await saved(app))["theme"] is None  # nothing chosen yet
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.pause()
        chosen = app.theme
        assert (await saved(app))["theme"] == chosen
    again = app_for(tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == chosen and again.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert (await saved(again))["theme"] == again.theme != chosen


def test_the_theme_is_saved_with_the_progress_and_merged_by_time(tmp_path: Path) -> None:
    clock = iter([10.0, 20.0, 30.0, 40.0]).__next__
    a, b = ProgressStore(tmp_path, clock=clock), ProgressStore(tmp_path, clock=clock)
    a.load()
    b.load()
    a.set_theme("textual-light")  # at 10
    b.mark_read("one")  # b has not seen the theme: merging keeps it
    assert b.progress.theme == "textual-light" and b.progress.read == {"one"}
    b.set_theme("nord")  # at 20: the later choice wins
    a.mark_read("two")
    assert a.progress.theme == "nord"
    a.reset()  # forgets progress, not the theme
    assert a.progress.read == set() and a.progress.theme == "nord"
    assert json.loads(a.path.read_text())["theme"] == "nord"


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_every_footer_shows_help_quit_and_the_way_back(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_for(tmp_path)

    def footer() -> str:
        return screen_text(app).rstrip().split("\n")[-1]

    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for target, lesson, keys in [("home", None, ()), ("lesson", "bias-variance", ()),
                                     ("lesson", "train-dev-test", ("k", "a")), ("ask", None, ()),
                                     ("quiz", "train-dev-test", ()), ("quiz", "train-dev-test", ("a",)),
                                     ("diagnose", None, ())]:
            app.post_message(Navigate(target, lesson, chooser=False))
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            line = footer()
            assert "Help" in line and "^q Quit" in line, (target, keys, line)
            if target != "home":  # in a text field escape first leaves the field (one rule on every screen)
                way_back = "esc Leave field" if isinstance(app.focused, Input) else "esc Back"
                assert way_back in line, (target, line)
        app.post_message(Navigate("quiz", "train-dev-test", chooser=False))
        await settle(pilot)
        assert "Submit" not in footer()  # a single-answer question: its letter answers at once
        await pilot.press("a", "enter")
        await settle(pilot)
        assert "⏎ Submit" in footer()  # a select-all question


# -- theme, size ----------------------------------------------------------------------------------


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
    store.record_quiz(MIXED, 2, 3)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "● practised" in text and "◐ read" in text and "1/1" in text
        assert "Continue with 3 · Summary" in text  # no position yet: the first lesson not started
        expect(app, "Welcome back! So far: 1 of 2 topics read, 1 practised.", "Mixed quiz (every topic): best 2/3.")


def test_try_report_lines_wrap_and_say_where_the_numbers_come_from() -> None:
    from dltutor.tutor.widgets.try_panel import STAND_IN_NOTE, fit_report, intro_text

    report = "\n".join(["preset x: y", "note: running on a built-in stand-in; pass --data with the course's file",
                        "│" + "─" * 58 + "│", "diagnosis: " + "high variance " * 8 + "Next: More data."])
    fitted = fit_report(report, 60)
    lines = fitted.split("\n")
    assert STAND_IN_NOTE in " ".join(fitted.split()) and "--data" not in fitted
    assert all(len(line) <= 60 for line in lines) and lines[-1].startswith("  ")
    assert "│" + "─" * 58 + "│" in lines  # a chart line that fits is left alone
    intro = intro_text(("lesson-underfit", "fixed", "course"), {"fixed": "workbench", "course": "workbench"})
    assert "report below" in intro and "fixed and course open the gradient-check workbench" in intro
    assert "report below" not in intro_text(("lesson-normalize",), {"lesson-normalize": "normalization"})


# -- entry points ---------------------------------------------------------------------------------


def test_run_app_rejects_unknown_screens_and_lessons() -> None:
    with pytest.raises(TutorError, match="screen"):
        run_app(screen="no-such-screen")
    with pytest.raises(TutorError, match="lesson"):
        run_app(lesson="no-such-lesson")


def test_app_import_does_not_load_numpy_or_search() -> None:
    import subprocess
    import sys

    code = ("import sys, dltutor.tutor.app; "
            "heavy = [m for m in ('numpy', 'bm25s', 'plotext', 'dltutor.core.gradcheck') if m in sys.modules]; "
            "print(heavy)")
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
