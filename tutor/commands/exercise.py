"""``dltutor exercise``: start an exercise, check your file, get hints, or watch the file until it passes."""

from __future__ import annotations

import argparse
import sys

NAME = "exercise"
HELP = "Work on one exercise: start ID, check ID FILE, hint ID, watch ID FILE (see dltutor exercises)"
ORDER = 45

EPILOG = """\
Examples:
  dltutor exercise start init-he              writes init_he.py here, with the signature to fill in
  dltutor exercise check init-he init_he.py   exit 0 when every check passes, 1 when one fails
  dltutor exercise watch init-he init_he.py   checks again on every save, until it passes
  dltutor exercise hint init-he --level 2     a nudge (1), the formula (2), the shape of the code (3)

Your file runs in a separate process with a time limit. The notebook's helpers (relu, sigmoid,
compute_cost, forward_propagation_n, dictionary_to_vector, ...) are already defined in it, and
'from reg_utils import *' (or gc_utils, init_utils, testCases, dltutor_helpers) works.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    start = sub.add_parser("start", help="write the starter file of an exercise")
    start.add_argument("id", metavar="ID", help="an exercise id (dltutor exercises)")
    start.add_argument("--dir", default=".", metavar="DIR", help="where to write it (default: here)")
    start.add_argument("--json", action="store_true", help="print {id, path, written}")
    check = sub.add_parser("check", help="check your file: exit 0 pass, 1 fail, 2 bad input")
    check.add_argument("id", metavar="ID")
    check.add_argument("file", metavar="FILE", help="your .py file")
    check.add_argument("--timeout", default=None, metavar="SECONDS", help="time limit for your code (default 10)")
    check.add_argument("--json", action="store_true", help="print {id, passed, checks: [...], hint}")
    hint = sub.add_parser("hint", help="a hint: --level 1 a nudge, 2 the formula, 3 the shape of the code")
    hint.add_argument("id", metavar="ID")
    hint.add_argument("--level", default="1", metavar="N", help="1, 2 or 3 (default 1)")
    hint.add_argument("--json", action="store_true", help="print {id, level, levels, hint}")
    watch = sub.add_parser("watch", help="check your file now and on every save until it passes (ctrl+c stops)")
    watch.add_argument("id", metavar="ID")
    watch.add_argument("file", metavar="FILE")
    watch.add_argument("--timeout", default=None, metavar="SECONDS", help="time limit per check (default 10)")


def _timeout(args: argparse.Namespace) -> float | None:
    from dltutor.core.exercises.runner import MAX_TIMEOUT, check_timeout
    from dltutor.tutor.output import number

    if args.timeout is None:
        return None
    return check_timeout(number(args.timeout, "--timeout", f"seconds, 0 < SECONDS <= {MAX_TIMEOUT:g}"))


def run(args: argparse.Namespace) -> int:
    from dltutor.core.errors import TutorError

    if args.action is None:
        raise TutorError("ACTION", "missing", "start ID, check ID FILE, hint ID or watch ID FILE")
    return {"start": _start, "check": _check, "hint": _hint, "watch": _watch}[args.action](args)


def _start(args: argparse.Namespace) -> int:
    from dltutor.core.errors import TutorError
    from dltutor.tutor.exercise_session import write_starter
    from dltutor.tutor.output import print_json

    if not str(args.dir).strip():
        raise TutorError("--dir", "is empty", "a directory (default: here)")
    path, written = write_starter(args.id, args.dir)
    if args.json:
        print_json({"id": args.id.strip(), "path": str(path), "written": written})
        return 0
    if written:
        print(f"wrote {path}\nFill in the functions, then: dltutor exercise check {args.id.strip()} {path}\n"
              f"(or keep it checked on every save: dltutor exercise watch {args.id.strip()} {path})")
    else:
        print(f"{path} already exists: kept as it is (your work is never overwritten).\n"
              f"Check it: dltutor exercise check {args.id.strip()} {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from dltutor.core.exercises.catalogue import get_exercise
    from dltutor.tutor.exercise_session import check_and_record
    from dltutor.tutor.exercise_text import result_text
    from dltutor.tutor.output import print_json

    exercise = get_exercise(args.id)
    result, notice = check_and_record(exercise.id, args.file, timeout=_timeout(args))
    if args.json:
        doc = result.to_dict()
        doc["notice"] = notice
        print_json(doc)
    else:
        print(result_text(result, len(exercise.hints)))
        if notice:
            print(f"note: {notice}")
    return 0 if result.passed else 1


def _hint(args: argparse.Namespace) -> int:
    from dltutor.core.exercises.catalogue import get_exercise
    from dltutor.tutor.exercise_text import hint_text
    from dltutor.tutor.options import whole_number
    from dltutor.tutor.output import print_json

    exercise = get_exercise(args.id)
    level = whole_number(args.level, "--level", 1, len(exercise.hints))
    if args.json:
        print_json({"id": exercise.id, "level": level, "levels": len(exercise.hints), "hint": exercise.hint(level)})
    else:
        print(hint_text(exercise, level))
    return 0


def _watch(args: argparse.Namespace) -> int:
    from dltutor.core.exercises.catalogue import get_exercise
    from dltutor.core.exercises.runner import learner_file
    from dltutor.tutor.exercise_session import watch_until_passed
    from dltutor.tutor.exercise_text import result_text

    exercise = get_exercise(args.id)
    learner_file(args.file)
    timeout = _timeout(args)

    def show(result, notice) -> None:
        print(result_text(result, len(exercise.hints)))
        if notice:
            print(f"note: {notice}")
        if not result.passed:
            print(f"\nwatching {args.file}: save it to check again (ctrl+c stops)")
        sys.stdout.flush()

    result = watch_until_passed(exercise.id, args.file, show, timeout=timeout)
    return 0 if result.passed else 130
