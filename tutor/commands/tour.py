"""``dltutor tour``: drive the app headless through every screen and check each one."""

from __future__ import annotations

import argparse

NAME = "tour"
HELP = "Run the tutor app headless through every screen and check what each shows (no terminal needed)"
ORDER = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--screenshots", metavar="DIR", help="save an SVG screenshot of each screen in DIR")


def run(args: argparse.Namespace) -> int:
    from dltutor.tutor.tour import run_tour

    return run_tour(args.screenshots)
