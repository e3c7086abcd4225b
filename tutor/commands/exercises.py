"""``dltutor exercises``: the exercise track, with each exercise's status from your progress."""

from __future__ import annotations

import argparse

NAME = "exercises"
HELP = "List the exercises (the course's graded functions, checked offline) with your status; --json"
ORDER = 44


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print {exercises: [{id, title, lesson, function, status, attempts}]}")


def run(args: argparse.Namespace) -> int:
    from dltutor.tutor.exercise_text import exercise_rows, list_text
    from dltutor.tutor.output import print_json
    from dltutor.tutor.progress import load

    store, notice = load()
    rows = exercise_rows(store.progress)
    if args.json:
        print_json({"exercises": rows, "notice": notice})
        return 0
    if notice:
        print(f"note: {notice}")
    print(list_text(rows))
    return 0
