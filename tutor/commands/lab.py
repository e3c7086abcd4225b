"""``dltutor lab [--preset NAME]``: open the tutor on the live training lab."""

from __future__ import annotations

import argparse

NAME = "lab"
HELP = "open the live training lab (live cost, decision boundary, gradient norms, comparisons)"
ORDER = 15


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", metavar="NAME",
                   help="load a preset into the lab's form (see: dltutor train --list)")


def run(args: argparse.Namespace) -> int:
    preset = None
    if args.preset:
        from dltutor.core.presets import get_preset

        preset = get_preset(args.preset).name  # an unknown name is an error message, not a blank lab
    from dltutor.tutor.app import run_app

    return int(run_app(screen="lab", preset=preset) or 0)
