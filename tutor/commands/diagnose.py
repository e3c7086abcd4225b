"""``dltutor diagnose``: bias, variance, data mismatch and the basic recipe from error rates."""

from __future__ import annotations

import argparse

NAME = "diagnose"
HELP = "Diagnose bias and variance from training and dev errors, and say what to try next"
ORDER = 30

EPILOG = """\
How errors are read:
  1%, 1 %, 1 percent, one percent    a percent: 0.01
  11 (no % sign)                     a bare number above 1 is a percent: 0.11
  0.5 (no % sign)                    a bare number at most 1 is a fraction (50%) ...
  --train-error 1 --dev-error 11     ... unless another error is a percent: then 1% and 11%
  so with only fractions, a bare 1 means 100%: write 1% for one percent.

Verdicts:
  avoidable bias  = train - Bayes            (Bayes error assumed 0 unless --bayes-error)
  variance        = dev - train              (or train-dev - train with --train-dev-error)
  data mismatch   = dev - train-dev          (with --train-dev-error)
  overfitting the dev set = test - dev       (with --test-error)
  A gap is high at 2 points or more, or at 1 point or more when it at least triples the error below it
  (train 0.5%, dev 2.2%). The gaps are compared: the larger is worked on first (comparable high gaps:
  bias first, as the basic recipe does); with both gaps small the larger is still named.

Examples:
  dltutor diagnose --train-error 1% --dev-error 11%   (high variance)
  dltutor diagnose --train-error 15 --dev-error 16 --bayes-error 15
  dltutor diagnose --train-error 2% --dev-error 3% --bayes-error 0.5%   (bias first: 1.5 > 1 point)
  dltutor diagnose --train-error 0.01 --train-dev-error 0.015 --dev-error 0.10 --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--train-error", required=True, metavar="E",
                        help="training-set error (1%%, 11, 0.01)")
    parser.add_argument("--dev-error", required=True, metavar="E", help="dev-set error")
    parser.add_argument("--bayes-error", metavar="E",
                        help="Bayes (optimal) or human-level error; assumed 0 when omitted")
    parser.add_argument("--train-dev-error", metavar="E",
                        help="error on held-out training-distribution data "
                        "(separates variance from data mismatch)")
    parser.add_argument("--test-error", metavar="E", help="test-set error (spots overfitting of the dev set)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def run(args: argparse.Namespace) -> int:
    import sys

    from dltutor.core.diagnose import diagnose, parse_errors, unit_warnings
    from dltutor.core.diagnose.rates import ALLOWED_ERROR
    from dltutor.core.errors import TutorError
    from dltutor.tutor.output import print_json
    from dltutor.tutor.text.diagnose import render_diagnosis

    raw = {
        "--train-error": args.train_error,
        "--dev-error": args.dev_error,
        "--bayes-error": args.bayes_error,
        "--train-dev-error": args.train_dev_error,
        "--test-error": args.test_error,
    }
    values, problems = parse_errors(raw)
    if problems:
        raise next(iter(problems.values()))
    train, dev = values["--train-error"], values["--dev-error"]
    if train is None:  # given, but empty
        raise TutorError("--train-error", "is empty", ALLOWED_ERROR)
    if dev is None:
        raise TutorError("--dev-error", "is empty", ALLOWED_ERROR)
    result = diagnose(
        train,
        dev,
        bayes_error=values["--bayes-error"],
        train_dev_error=values["--train-dev-error"],
        test_error=values["--test-error"],
    )
    for warning in unit_warnings(raw):
        sys.stderr.write(f"warning: {warning}\n")
    if args.json:
        print_json(result.to_dict())
    else:
        sys.stdout.write(render_diagnosis(result) + "\n")
    return 0
