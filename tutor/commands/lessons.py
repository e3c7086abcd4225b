"""``dltutor lessons``: the lessons of the unit, in order."""

from __future__ import annotations

import argparse

NAME = "lessons"
HELP = "List the lessons of the unit in order (id and title); --json for scripts"
ORDER = 40


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list of {id, title, order}")


def run(args: argparse.Namespace) -> int:
    from dltutor.tutor.lessons import load_lessons
    from dltutor.tutor.output import print_json, table

    lessons = load_lessons()
    if args.json:
        print_json([{"id": lesson.id, "title": lesson.title, "order": lesson.order} for lesson in lessons])
        return 0
    rows = [[str(lesson.order), lesson.id, lesson.title] for lesson in lessons]
    print(table(rows, header=["#", "id", "title"]))
    print("\nRead one with: dltutor lesson ID   (or its number, e.g. dltutor lesson 2)")
    return 0
