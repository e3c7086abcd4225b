"""``dltutor split``: how to split m examples into train/dev/test sets."""

from __future__ import annotations

import argparse

NAME = "split"
HELP = "Advise a train/dev/test split for M examples"
ORDER = 31

EPILOG = """\
Rules (course Week 1, "Train / Dev / Test sets"):
  m <= 10,000          classic 60/20/20 (70/30 with --no-test)
  m >= 1,000,000       98/1/1 (99/1): about 10,000 dev and test examples are plenty;
                       smaller shares are fine too for bigger m (e.g. 99.5/0.25/0.25 for 10,000,000)
  in between           the dev/test share shrinks smoothly while their size grows
Dev and test must come from the same distribution as the data the system will face.

M may be written 1000000, 1,000,000, 1_000_000 or 1e6.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("m", metavar="M", help="number of labelled examples")
    parser.add_argument("--no-test", action="store_true",
                        help="no test set (only needed when you want an unbiased estimate of the "
                        "final error)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document: {train, dev, test, sizes, notes, ...}")


def run(args: argparse.Namespace) -> int:
    import sys

    from dltutor.core.split import render_split, split_advice
    from dltutor.tutor.output import print_json

    advice = split_advice(args.m, test=not args.no_test)
    if args.json:
        print_json(advice.to_dict())
    else:
        sys.stdout.write(render_split(advice) + "\n")
    return 0
