"""The tour's stops on the main screens: home, a lesson, Ask, the quiz, Diagnose and help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dltutor.tutor.tour.pilot import TourFailure, expect, go_home, settle

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from dltutor.tutor.app import DLTutorApp


async def home(pilot: Pilot, app: DLTutorApp) -> str:
    await settle(pilot)
    topics = app.course.topics()
    expect(app, "Course map", topics[0].title, topics[-1].title)
    return f"course map with {len(topics)} topics"


async def lesson(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    lesson = app.course.topics()[1]
    await pilot.press("down", "enter")
    await settle(pilot)
    if type(app.screen).__name__ != "LessonScreen":
        raise TourFailure("enter on the course map did not open a lesson")
    expect(app, f"Lesson {lesson.order} of", lesson.title)
    return f"lesson {lesson.order} '{lesson.title}' with its contents"


async def ask(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("a")
    await settle(pilot)
    await pilot.press(*"why does dropout regularize", "enter")
    await settle(pilot, rounds=5)
    screen: Any = app.screen
    answer = screen.current
    if answer is None:
        raise TourFailure("no answer appeared")
    source = answer.source.get("lesson")
    if not source:
        raise TourFailure(f"the answer has no source lesson ({answer.kind})")
    title = app.course.get(source).title
    expect(app, "Source: lesson", title)
    return f"answer from lesson '{title}'"


async def quiz(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("q")
    await settle(pilot)
    expect(app, "Mixed")
    await pilot.press("enter")
    await settle(pilot)
    expect(app, "Question 1 of", "a)")
    card: Any = app.screen.query_one("QuestionCard")
    await pilot.press("a")
    if card.multi:
        await pilot.press("enter")
    await settle(pilot)
    if not card.answered:
        raise TourFailure("answering with 'a' gave no feedback")
    expect(app, "Correct." if card.right == {"a"} else "Not quite")
    return "a question answered, with its explanation"


async def diagnose(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("d")
    await settle(pilot)
    await pilot.press(*"1%", "tab", *"11%")
    await settle(pilot)
    expect(app, "high variance", "The numbers behind it")
    return "1% / 11% diagnosed as high variance"


async def help_keys(pilot: Pilot, app: DLTutorApp) -> str:
    await go_home(pilot)
    await pilot.press("question_mark")
    await settle(pilot)
    expect(app, "Keys", "Lesson", "Quiz", "Diagnose")
    return "keys of every screen"
