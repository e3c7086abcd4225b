"""``dltutor lesson ID``: one lesson, rendered for the terminal (or as JSON, or opened in the app).

The Check yourself questions are printed without their answers, so the learner can think first;
``--answers`` prints them under the questions with a note on every wrong option. ``--json`` carries them
under each check's ``solution``; ``--check`` asks them at the prompt, one at a time, with the reason for
every option after each answer.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys

NAME = "lesson"
HELP = "Show one lesson (by id or number) rendered for the terminal; --open shows it in the app"
ORDER = 41

MAX_WIDTH = 100


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", metavar="ID",
                        help="lesson id such as bias-variance, or its number (see: dltutor lessons)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print the lesson (sections, checks, body) as JSON")
    mode.add_argument("--open", action="store_true", help="open the tutor app on this lesson")
    mode.add_argument("--check", action="store_true",
                      help="answer the lesson's Check yourself questions at the prompt, with feedback")
    parser.add_argument("--answers", action="store_true",
                        help="also print the answers to the Check yourself questions (hidden by default)")


def _width() -> int:
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))


def _print_lesson(lesson, answers: bool = False) -> None:
    from dltutor.tutor.lessons import markdown_of, render_text

    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console(width=_width()).print(markdown_of(lesson, Markdown, answers=answers))
    else:
        sys.stdout.write(render_text(lesson, width=_width(), answers=answers))


def run(args: argparse.Namespace) -> int:
    from dltutor.tutor.lessons import get_lesson
    from dltutor.tutor.output import print_json

    lesson = get_lesson(args.lesson)
    if args.json:
        print_json(lesson.to_dict())
        return 0
    if args.check:
        from dltutor.tutor.commands.quiz import interactive
        from dltutor.tutor.quiz import check_questions

        interactive(check_questions(lesson), sys.stdin, sys.stdout)
        return 0
    if args.open:
        # find_spec, not try/except ImportError: a broken app must show its own error, not this fallback.
        if importlib.util.find_spec("dltutor.tutor.app") is not None:
            from dltutor.tutor.app import run_app

            return int(run_app(lesson=lesson.id) or 0)
        _print_lesson(lesson, args.answers)
        sys.stderr.write("note: the tutor app is not available in this build; the lesson is shown above.\n")
        _mark_read(lesson.id)
        return 0
    _print_lesson(lesson, args.answers)
    _mark_read(lesson.id)
    return 0


def _mark_read(lesson_id: str) -> None:
    """A lesson shown in the terminal is read, as one opened in the app (dltutor progress shows it)."""
    from dltutor.tutor.progress import load

    store, notice = load()
    problem = store.mark_read(lesson_id) or notice
    if problem:
        sys.stderr.write(f"note: {problem}\n")
