"""The command palette's tutor commands: every screen, lesson, quiz, course question and preset."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dltutor.tutor.messages import Navigate

if TYPE_CHECKING:
    from dltutor.tutor.app import DLTutorApp


@dataclass(frozen=True)
class Command:
    """One palette entry: what it shows, what it does, and a line of help."""

    name: str
    run: Callable[[], object]
    help: str


SCREENS = [
    ("Home: course map", Navigate("home"), "The topics in order with your progress"),
    ("Ask a question", Navigate("ask"), "Answers from the lessons, with their source"),
    ("Quiz: choose a quiz", Navigate("quiz"), "A quiz on one lesson, or mixed"),
    ("Quiz: mixed", Navigate("quiz", chooser=False), "Questions from every topic"),
    ("Diagnose: bias and variance", Navigate("diagnose"), "Type your errors, get the diagnosis and recipe"),
    ("Progress: what you have read, practised and scored", Navigate("progress"),
     "Every topic's mark and quiz scores (as dltutor progress)"),
    ("Help: keys", Navigate("help"), "Every key on every screen"),
]


def tutor_commands(app: DLTutorApp) -> list[Command]:
    """Every tutor command; loads the lessons, questions and presets (call it off the UI thread)."""
    post = app.post_message
    commands = [Command(name, partial(post, message), text) for name, message, text in SCREENS]
    commands.append(Command("Theme: toggle dark/light", app.action_toggle_dark, "Dark or light colours"))
    lessons = app.course.lessons()
    for lesson in lessons:
        topic = lesson.id != "summary"  # the summary is not a numbered topic (tutor.lessons.SUMMARY_ID)
        commands.append(Command(f"Lesson {lesson.order}: {lesson.title}" if topic else f"Summary: {lesson.title}",
                                partial(post, Navigate("lesson", lesson.id)),
                                "; ".join(lesson.objectives[:1])))
    for lesson in lessons:
        commands.append(Command(f"Quiz: {lesson.title}",
                                partial(post, Navigate("quiz", lesson.id, chooser=False)),
                                f"The quiz questions of lesson {lesson.order}"))
    try:
        from dltutor.tutor.ask import COURSE_QUESTIONS
    except ImportError:  # pragma: no cover - the question file ships with the package
        COURSE_QUESTIONS = ()
    for q in COURSE_QUESTIONS:
        commands.append(Command(f"Ask {q.id}: {q.question}",
                                partial(post, Navigate("ask", question=q.question)),
                                "One of the week's nine course questions"))
    for try_id, description in try_catalogue(app):
        run = partial(post, Navigate("lesson", try_id=try_id))
        commands.append(Command(f"Try: {try_id}", run, description))
    from dltutor.tutor.destinations import palette_entries

    commands += [Command(name, partial(post, message), text) for name, message, text in palette_entries()]
    from dltutor.core.exercises.catalogue import EXERCISES

    commands.append(Command("Exercises: the course's graded functions", partial(post, Navigate("exercises")),
                            "Write them in your own file; checked offline, with hints"))
    commands += [Command(f"Exercise: {e.title}", partial(post, Navigate("exercises", try_id=e.id)),
                         f"def {e.functions[0].name}({e.functions[0].signature})") for e in EXERCISES.values()]
    from dltutor.tutor.lab_runner import lab_commands

    commands += [Command(name, partial(post, Navigate("lab", try_id=preset)), text)
                 for name, preset, text in lab_commands()]
    return commands


def try_catalogue(app: DLTutorApp) -> list[tuple[str, str]]:
    """(id, description) of every lab preset and gradcheck variant a lesson can run."""
    found: dict[str, str] = {}
    try:
        from dltutor.core.presets import PRESETS

        found.update({pid: getattr(p, "description", "") for pid, p in PRESETS.items()})
    except ImportError:
        pass
    from dltutor.core.catalogue import VARIANT_INFO

    found.update({vid: v.description for vid, v in VARIANT_INFO.items()})
    for lesson in app.course.lessons():
        for try_id in lesson.try_ids:
            found.setdefault(try_id, "")
    named = {try_id for lesson in app.course.lessons() for try_id in lesson.try_ids}
    return [(k, v or "Run it headless in its lesson's Try it") for k, v in found.items() if k in named]


class TutorCommands(Provider):
    """Palette commands for the tutor (searched fuzzily; all listed when the prompt is empty)."""

    async def startup(self) -> None:
        self.commands = await asyncio.to_thread(tutor_commands, self.app)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for command in self.commands:
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
