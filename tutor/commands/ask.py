"""``dltutor ask``: answer a question on the unit from the answer bank (lessons/answers) and the engine."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

NAME = "ask"
HELP = ("Ask a question on the unit, e.g. dltutor ask 'why does dropout work?' (--list: the course questions; "
        "1-9: that course question)")
ORDER = 42

QUIT_WORDS = {"q", "quit", "exit"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="*",
                        help="the question, or 1-9 for that course question (no question: open the Ask screen)")
    parser.add_argument("--list", action="store_true", help="print the nine course questions")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args.json)
    text = " ".join(args.question).strip()
    if text:
        _answer_one(text, args.json, sys.stdout)
        return 0
    if sys.stdin.isatty() and sys.stdout.isatty() and not args.json:
        try:
            from dltutor.tutor.app import run_app
        except ImportError:
            pass
        else:
            return run_app(screen="ask")
    return ask_loop(sys.stdin, sys.stdout, as_json=args.json)


def _list(as_json: bool) -> int:
    from dltutor.tutor.ask import COURSE_QUESTIONS

    if as_json:
        from dltutor.tutor.output import print_json

        print_json([q.to_dict() for q in COURSE_QUESTIONS])
        return 0
    for q in COURSE_QUESTIONS:
        print(f"{q.id}. {q.question}")
    return 0


def course_shortcut(text: str) -> str:
    """The question to answer for ``text``: a lone digit 1-9 stands for that course question, as in the app's
    Ask screen (same rule: :func:`tutor.ask.course_number`); any other text is the question itself.
    A bare number that is no shortcut ("12") is refused by :func:`tutor.ask.answer` with the range 1-9."""
    if not text.strip().isdigit():
        return text
    # Imported only for a bare number, so that answering a question in words never loads Textual.
    from dltutor.tutor.ask import COURSE_QUESTIONS, course_number

    number = course_number(text)
    return COURSE_QUESTIONS[number - 1].question if number is not None else text


def _answer_one(text: str, as_json: bool, out: TextIO) -> None:
    from dltutor.tutor.ask import answer, render_answer

    result = answer(course_shortcut(text))
    if as_json:
        from dltutor.tutor.output import dumps

        out.write(dumps(result.to_dict()) + "\n")
    else:
        out.write(render_answer(result) + "\n")
    out.flush()


def ask_loop(stdin: TextIO, stdout: TextIO, as_json: bool = False) -> int:
    """Read questions line by line until end of input (or ``quit``) and print an answer to each.

    Args:
        stdin: where questions come from, one per line.
        stdout: where answers go (one JSON document per line with ``as_json``).
        as_json: print JSON instead of text.

    Returns:
        0.
    """
    from dltutor.core.errors import TutorError

    interactive = stdin.isatty() and not as_json
    if interactive:
        stdout.write("Ask a question on the unit (empty line or Ctrl-D to stop).\n")
    first = True
    while True:
        if interactive:
            stdout.write("ask> ")
            stdout.flush()
        line = stdin.readline()
        if line == "":
            break
        text = line.strip()
        if not text:
            if interactive:
                break
            continue
        if text.lower() in QUIT_WORDS:
            break
        if not first and not as_json:
            stdout.write("\n")
        first = False
        try:
            _answer_one(text, as_json, stdout)
        except TutorError as exc:
            stdout.write(f"error: {exc}\n")
    return 0
