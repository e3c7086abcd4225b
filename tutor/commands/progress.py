"""``dltutor progress``: what you have read, practised and scored (``--reset`` forgets it, after asking)."""

from __future__ import annotations

import argparse
import sys

NAME = "progress"
HELP = "Show your saved progress (lessons read and practised, quiz scores); --reset forgets it"
ORDER = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the progress as JSON")
    parser.add_argument("--reset", action="store_true", help="forget all progress (asks first)")
    parser.add_argument("--yes", action="store_true", help="with --reset: do not ask")


def _confirm(path: str) -> tuple[bool, str]:
    """Ask y/N on stdin; (answer, why not) when there is no terminal or no answer."""
    sys.stdout.write(f"Forget all progress in {path}? [y/N] ")
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        sys.stdout.write("\n")
        return False, "not reset: no answer (pass --yes to reset without asking)"
    if line.strip().lower() in ("y", "yes"):
        return True, ""
    return False, "not reset"


def run(args: argparse.Namespace) -> int:
    from dltutor.core.errors import TutorError
    from dltutor.tutor.output import print_json, table
    from dltutor.tutor.progress import MIXED, load

    store, notice = load()
    if notice:
        sys.stderr.write(f"note: {notice}\n")
    if args.reset:
        if not args.yes:
            if args.json or not sys.stdin.isatty():
                raise TutorError("--reset", "there is no terminal to ask for confirmation on",
                                 "--reset --yes, which resets without asking")
            ok, why = _confirm(str(store.path))
            if not ok:
                sys.stdout.write(why + "\n")
                return 1
        problem = store.reset()
        if problem:
            sys.stderr.write(f"error: {problem}\n")
            return 1
        if args.json:
            print_json({"path": str(store.path), "reset": True})
        else:
            sys.stdout.write(f"progress reset ({store.path})\n")
        return 0

    from dltutor.tutor.lessons import SUMMARY_ID, load_lessons
    from dltutor.tutor.progress import count_line, lesson_rows

    progress = store.progress
    rows = lesson_rows(load_lessons(), progress)
    if args.json:
        print_json({"path": str(store.path), "lessons": rows, **progress.to_dict()})
        return 0

    def score(attempt: dict | None) -> str:
        return f"{attempt['score']}/{attempt['total']}" if attempt else "-"

    print(f"Progress saved in {store.path}")
    print()
    print(table([["" if r["id"] == SUMMARY_ID else str(r["order"]), r["title"], r["status"],
                  score(r["quiz_best"]), score(r["quiz_last"])] for r in rows],
                ["#", "lesson", "status", "quiz best", "quiz last"]))
    mixed = progress.quiz.get(MIXED, [])
    print()
    best, last = progress.best(MIXED), progress.latest(MIXED)
    if mixed and best is not None and last is not None:  # both exist when there are attempts
        print(f"mixed quiz: best {best.score}/{best.total}, last {last.score}/{last.total} "
              f"({len(mixed)} attempt{'s' if len(mixed) != 1 else ''})")
    print(count_line(rows, SUMMARY_ID))
    from dltutor.core.exercises.catalogue import EXERCISES

    passed = sum(progress.exercise_status(e) == "passed" for e in EXERCISES)
    print(f"{passed} of {len(EXERCISES)} exercises passed (dltutor exercises)")
    if progress.position and progress.position.lesson:
        print(f"continue with: dltutor lesson {progress.position.lesson} --open")
    return 0
