"""``dltutor quiz``: the quiz on a plain terminal, or graded from ``--answers`` for scripts.

Both explain the options: the interactive quiz every option after each answer, ``--answers`` the options
a wrong answer chose or missed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the quiz loads when the command runs, not when the CLI lists its commands
    from dltutor.tutor.quiz import QuizQuestion, Score

NAME = "quiz"
HELP = "Quiz yourself on the unit: by lesson (--lesson ID) or mixed; --answers '1:b,2:a+c' grades a script"
ORDER = 43

QUIT_WORDS = {"q", "quit", "exit"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--lesson", metavar="ID", help="only the questions of this lesson, in order")
    mode.add_argument("--mixed", action="store_true",
                      help="questions from every lesson, shuffled (the default)")
    parser.add_argument("--count", type=int, metavar="N", help="ask at most N questions (mixed default: 10)")
    parser.add_argument("--seed", type=int, metavar="S", help="seed of the shuffle, for a repeatable quiz")
    parser.add_argument("--list", action="store_true", help="list the questions instead of asking them")
    parser.add_argument(
        "--answers",
        metavar="ANSWERS",
        help='grade these answers without asking, e.g. "1:b,2:a+c" (question id : letters)',
    )
    parser.add_argument("--json", action="store_true",
                        help="machine-readable output (with --list or --answers)")


def run(args: argparse.Namespace) -> int:
    from dltutor.tutor.quiz import load_quiz, select_questions

    questions = load_quiz()
    if args.answers is not None:
        return _scripted(questions, args)
    if args.list:
        if args.lesson or args.mixed or args.seed is not None:
            chosen = select_questions(questions, lesson=args.lesson, count=args.count, seed=args.seed)
        else:
            chosen = questions[: args.count] if args.count is not None else questions
            select_questions(questions, count=args.count)  # validates --count
        return _list(chosen, args.json)
    if args.json:
        from dltutor.core.errors import TutorError

        raise TutorError("--json", "the interactive quiz has no JSON output",
                         "use --json with --list or --answers")
    count = args.count if (args.count is not None or args.lesson) else 10
    chosen = select_questions(questions, lesson=args.lesson, count=count, seed=args.seed)
    score = interactive(chosen, sys.stdin, sys.stdout)
    if chosen and score.total == len(chosen):  # a finished quiz is saved, as in the app; a stopped one is not
        _save_score(args.lesson, score)
    return 0


def _save_score(lesson: str | None, score, quiet: bool = False) -> None:
    """Save a finished quiz's score; ``quiet`` (JSON on stdout): only a problem is said, on stderr."""
    from dltutor.tutor.progress import MIXED, load

    store, notice = load()
    problem = store.record_quiz(lesson or MIXED, score.correct, score.total) or notice
    if problem:
        sys.stderr.write(f"note: {problem}\n")
    elif not quiet:
        sys.stdout.write("Score saved (dltutor progress shows your scores).\n")


def _list(questions: list, as_json: bool) -> int:
    from dltutor.tutor.output import print_json, table

    if as_json:
        print_json([q.to_dict() for q in questions])
        return 0
    rows = [[str(q.id), q.lesson, q.kind, q.prompt if len(q.prompt) <= 70 else q.prompt[:67] + "..."]
            for q in questions]
    print(table(rows, header=["id", "lesson", "kind", "question"]))
    return 0


def _scripted(questions: list, args: argparse.Namespace) -> int:
    from dltutor.tutor.output import print_json
    from dltutor.tutor.quiz import Score, get_question, grade, parse_answers

    answers = parse_answers(args.answers, questions)
    if args.lesson:
        from dltutor.core.errors import TutorError

        outside = [qid for qid in answers if get_question(questions, qid).lesson != args.lesson]
        if outside:
            raise TutorError("--answers", f"question {outside[0]} is not in lesson {args.lesson!r}",
                             "ids of that lesson's questions (see dltutor quiz --list --lesson ID)")
    score = Score()
    for qid, chosen in answers.items():
        score.add(grade(get_question(questions, qid), chosen))
    if args.json:
        print_json(score.to_dict())
    else:
        for g in score.grades:
            verdict = "correct" if g.correct else f"wrong (answer: {'+'.join(sorted(g.right))})"
            print(f"{g.question_id}: {'+'.join(sorted(g.chosen))} {verdict}")
            if not g.correct:
                # why each option that was wrongly chosen or missed is wrong or right (the grade explains all)
                print("\n".join(f"  {line.strip()}" for line in g.feedback.split("\n")[1:]
                                if line.strip()[:1] in g.chosen ^ g.right))
        print(score.text())
    if score.total:  # graded answers are a quiz taken: saved as the app and the terminal quiz save theirs
        _save_score(args.lesson, score, quiet=args.json)
    return 0


def _read(stdin: TextIO) -> str | None:
    line = stdin.readline()
    return None if line == "" else line.strip()


def interactive(questions: list[QuizQuestion], stdin: TextIO, stdout: TextIO) -> Score:
    """Ask ``questions`` one by one on a plain terminal and print the score.

    Bad answers are explained and asked again; ``q`` stops; end of input stops cleanly with the score so far.

    Args:
        questions: the quiz questions to ask, in order.
        stdin: where answers are read from (a line each).
        stdout: where questions, feedback and the score go.

    Returns:
        The :class:`tutor.quiz.Score`.
    """
    from dltutor.core.errors import TutorError
    from dltutor.tutor.quiz import Score, format_question, grade, parse_choice

    def say(text: str = "") -> None:
        stdout.write(text + "\n")
        stdout.flush()

    score = Score()
    total = len(questions)
    say(f"{total} question{'s' if total != 1 else ''}. Type the letter(s) of your answer; q to stop.")
    stopped = False
    for n, question in enumerate(questions, start=1):
        say()
        say(format_question(question, n, total))
        while True:
            stdout.write("> ")
            stdout.flush()
            line = _read(stdin)
            if line is None:
                say()
                stopped = True
                break
            if line.lower() in QUIT_WORDS:
                stopped = True
                break
            try:
                chosen = parse_choice(line, question)
            except TutorError as exc:
                say(f"  {exc.problem}; answer with {exc.allowed}.")
                continue
            result = grade(question, chosen)
            score.add(result)
            say(result.feedback)
            break
        if stopped:
            break
    say()
    if stopped and score.total < total:
        say(f"Stopped after {score.total} of {total} questions.")
    say(score.text())
    return score
