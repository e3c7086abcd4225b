"""``dltutor deep``: vanishing and exploding activations and gradients in a deep stack of layers."""

from __future__ import annotations

import argparse
import math

from dltutor.core.catalogue import ACTIVATION_NAMES, INIT_NAMES  # NumPy-free: --help stays quick

NAME = "deep"
HELP = "Show activations and gradients vanishing or exploding through a deep network"
ORDER = 32

#: Above this many weights (depth x width^2) the command warns that it will take a few seconds.
SLOW_WEIGHTS = 20_000_000
#: Core field names -> this command's options.
OPTION_OF = {"depth": "--depth", "width": "--width", "examples": "--examples", "activation": "--activation",
             "init": "--init", "identity_scale": "--identity-scale", "m": "--examples"}

EPILOG = """\
Initializations:
  zeros     all weights zero
  normal    N(0, 1)                 small     N(0, 1) * 0.01
  random    N(0, 1) * 10 (course)   inv-sqrt  N(0, 1) / sqrt(n_prev)
  xavier    N(0, 1) * sqrt(1/n_prev), keeps tanh stable
  he        N(0, 1) * sqrt(2/n_prev), keeps ReLU stable
  identity  W = a * I (--identity-scale a, default 1.5; activation defaults to linear)

Gradients back-propagate J = mean of the last layer's activations.

Examples:
  dltutor deep --depth 50 --width 100 --activation relu --init he
  dltutor deep --depth 50 --width 100 --activation tanh --init normal
  dltutor deep --depth 50 --identity-scale 0.5
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--depth", default="50", metavar="L", help="number of layers, 1..200 (default 50)")
    parser.add_argument("--width", default=None, metavar="N",
                        help="units per layer, 1..2000 (default 100; 2 for identity); depth x width^2 at most "
                        "50,000,000")
    parser.add_argument("--activation", default=None, metavar="A",
                        help=f"{', '.join(ACTIVATION_NAMES)} (default relu; linear for identity)")
    parser.add_argument("--init", default=None, metavar="I",
                        help=f"{', '.join(INIT_NAMES)} (default he; identity when --identity-scale is given)")
    parser.add_argument("--identity-scale", default=None, metavar="a",
                        help="a in W = a * I, 0..100 (1.5 explodes, 0.5 vanishes)")
    parser.add_argument("--seed", default="0", metavar="S", help="random seed (default 0)")
    parser.add_argument("--examples", default=None, metavar="M",
                        help="number of input examples, 1..10000 within depth x width x M <= 10,000,000 "
                        "(default: up to 128, fewer for big stacks)")
    parser.add_argument("--rows", default="20", metavar="R", help="layers shown in the table (default 20)")
    parser.add_argument("--no-chart", action="store_true", help="text table only, no chart")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def chart(report, width: int = 80, height: int = 20) -> str:
    """A plotext chart (plain text) of activation std and ||dW|| per layer on a log y axis.

    Non-positive and non-finite values cannot sit on a log axis; they are left out and said so.
    """
    from dltutor.tutor.charts import line_chart, plottable

    layers = [s.layer for s in report.layers]
    series = {"activation std": (layers, [s.act_std for s in report.layers]),
              "||dW||": (layers, [s.grad_norm for s in report.layers])}
    step = max(1, math.ceil((report.depth - 1) / 6))
    xt = sorted(set(range(1, report.depth + 1, step)) | {report.depth})
    text = line_chart(series, title="per-layer activation std and ||dW|| (log scale)", xlabel="layer",
                      logy=True, width=width, height=height, xticks=xt, markers=("*", "+"))
    if text.startswith("(nothing"):
        return "(nothing to chart: every value is zero or overflowed)"
    lines = [text]
    for label, (xs, ys) in series.items():
        missing = len(ys) - len(plottable(xs, ys, logy=True))
        if missing:
            plural = "s" if missing != 1 else ""
            lines.append(f"({label}: {missing} layer{plural} not plotted, zero or overflowed)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from dltutor.core.errors import TutorError
    from dltutor.tutor.options import as_option

    try:
        # overflow is an expected outcome here, detected and reported in the text
        with np.errstate(all="ignore"):
            return _run(args)
    except TutorError as exc:
        raise as_option(exc, OPTION_OF) from None


def _run(args: argparse.Namespace) -> int:
    import shutil
    import sys

    from dltutor.core.deep import (
        MAX_DEPTH,
        MAX_EXAMPLES,
        MAX_IDENTITY_SCALE,
        MAX_WIDTH,
        check_size,
        run_deep,
    )
    from dltutor.core.errors import TutorError
    from dltutor.core.rng import make_rng
    from dltutor.tutor.options import whole_number
    from dltutor.tutor.output import number, print_json
    from dltutor.tutor.text.deep import render_deep

    init = args.init
    scale = None
    if args.identity_scale is not None:
        scale = number(args.identity_scale, "--identity-scale", f"a number from 0 to {MAX_IDENTITY_SCALE:g}")
        if init is None:
            init = "identity"
        elif init != "identity":
            raise TutorError("--identity-scale", f"only applies to --init identity, not {init!r}",
                             "drop --init or use --init identity")
    init = init or "he"
    activation = args.activation or ("linear" if init == "identity" else "relu")
    width = args.width if args.width is not None else ("2" if init == "identity" else "100")
    seed = whole_number(args.seed, "--seed", 0, 2**32 - 1)
    m = None if args.examples is None else whole_number(args.examples, "--examples", 1, MAX_EXAMPLES)
    rows = whole_number(args.rows, "--rows", 2, 200)
    n_depth = whole_number(args.depth, "--depth", 1, MAX_DEPTH)
    n_width = whole_number(width, "--width", 1, MAX_WIDTH)
    m = check_size(n_depth, n_width, m)  # refused here, before anything is drawn
    weights = n_depth * n_width * n_width
    from dltutor.core.activations import ACTIVATIONS
    from dltutor.core.deep import INIT_CHOICES

    # every choice is checked before the note below, so an error is the only line a typo prints
    if activation not in ACTIVATIONS:
        raise TutorError("--activation", f"unknown activation {activation!r}", ", ".join(ACTIVATIONS))
    if init not in INIT_CHOICES:
        raise TutorError("--init", f"unknown initialization {init!r}", ", ".join(INIT_CHOICES))
    if weights > SLOW_WEIGHTS:
        # Weights that do not fit in memory are drawn twice (forward, then backward): say why it is slow.
        sys.stderr.write(f"note: drawing {weights:,} weights twice; this takes a few seconds\n")
    report = run_deep(n_depth, n_width, activation, init, make_rng(seed), identity_scale=scale, m=m)
    if args.json:
        print_json(report.to_dict())
        return 0
    out = [render_deep(report, max_rows=rows)]
    if not args.no_chart:
        columns = shutil.get_terminal_size((100, 24)).columns
        out += ["", chart(report, width=max(50, min(columns, 120)), height=20)]
    sys.stdout.write("\n".join(out) + "\n")
    return 0
