"""``dltutor gradcheck``: check backpropagation against numerical gradients and say which blocks are wrong."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, cast

from dltutor.tutor.options import as_option, epsilon_option, whole_number

if TYPE_CHECKING:  # NumPy stays out of the CLI's start-up
    from dltutor.core.network import Architecture
    from dltutor.core.types import Array, Params

NAME = "gradcheck"
HELP = "Gradient checking: compare backprop with two-sided differences, and localize the bug"
ORDER = 20


EPILOG = """\
The course's rule at epsilon 1e-7: difference < 1e-7 great (the assignment fails only above 2e-7),
around 1e-5 look carefully at each component, above about 1e-3 very likely a bug (from 1e-4, the log midpoint
between the two, a difference is treated as very likely a bug). Each block (dW1, db1, ...) is checked on its own,
with the ratio analytic/numeric when it is a constant (dW2 is 2.00 times the true gradient).

Examples:
  dltutor gradcheck                          the exercise's code (two bugs) on the course's case
  dltutor gradcheck --variant fixed --sweep  the corrected code, and the difference against epsilon
  dltutor gradcheck --list                   the catalogue of bugs
  dltutor gradcheck --file my_backprop.py    your own forward_propagation / backward_propagation
  dltutor gradcheck --layers 2,20,3,1 --variant dW2-doubled --mode fast

A file for --file defines forward_propagation(X, Y, parameters) -> (cost, cache) and
backward_propagation(X, Y, cache) -> gradients (the _n names work too), and optionally
LAYER_DIMS or make_case(rng) -> (X, Y, parameters). It runs in a separate process.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--variant", default=None, metavar="NAME",
                        help="a backprop from the catalogue (default course; see --list)")
    parser.add_argument("--file", default=None, metavar="PATH",
                        help="check the backprop in your own .py file")
    parser.add_argument("--list", action="store_true", help="list the catalogue of variants and exit")
    parser.add_argument("--epsilon", default="1e-7", metavar="E", help="the step, 0 < E <= 1 (default 1e-7)")
    parser.add_argument("--mode", default="full", metavar="MODE",
                        help="full (every element), sampled (K per block) or fast (one random direction)")
    parser.add_argument("--samples", default="10", metavar="K", help="elements per block in sampled mode")
    parser.add_argument("--after-iterations", default="0", metavar="N",
                        help="also check after N iterations of gradient descent")
    parser.add_argument("--learning-rate", default="0.3", metavar="LR", help="for --after-iterations (0.3)")
    parser.add_argument("--l2", default="0", metavar="LAMBDA", help="L2 strength in the cost (default 0)")
    parser.add_argument("--layers", default=None, metavar="SIZES",
                        help="a random network such as 2,20,3,1 instead of the course's case")
    parser.add_argument("--activation", default=None, metavar="A",
                        help="hidden activation for --layers (default relu)")
    parser.add_argument("--examples", default=None, metavar="M", help="examples for --layers (default 16)")
    parser.add_argument("--sweep", action="store_true", help="also show the difference against epsilon")
    parser.add_argument("--seed", default="1", metavar="S", help="seed of every random draw (default 1)")
    parser.add_argument("--timeout", default=None, metavar="SECONDS",
                        help="time limit for --file, up to 3600 (default 20)")
    parser.add_argument("--no-chart", action="store_true", help="no chart with --sweep")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


MAX_TIMEOUT = 3600.0
MAX_SEED = 2**32 - 1
MAX_EXAMPLES = 100_000


#: Options --list would ignore, with their defaults: given with --list they are an error, not silently dropped.
_LIST_IGNORES = [("--variant", "variant", None), ("--file", "file", None), ("--epsilon", "epsilon", "1e-7"),
                 ("--mode", "mode", "full"), ("--samples", "samples", "10"),
                 ("--after-iterations", "after_iterations", "0"), ("--learning-rate", "learning_rate", "0.3"),
                 ("--l2", "l2", "0"), ("--layers", "layers", None), ("--activation", "activation", None),
                 ("--examples", "examples", None), ("--sweep", "sweep", False), ("--seed", "seed", "1"),
                 ("--timeout", "timeout", None), ("--no-chart", "no_chart", False)]


def _list(as_json: bool) -> int:
    from dltutor.core.variants import VARIANTS
    from dltutor.tutor.output import print_json, table

    rows: list[dict[str, Any]] = [{"id": v.id, "description": v.description, "lesson": v.lesson,
             "expected_flags": list(v.expected_flags)} for v in VARIANTS.values()]
    if as_json:
        print_json({"variants": rows})
        return 0
    print(table([[r["id"], ", ".join(r["expected_flags"]) or "-", r["lesson"], r["description"]]
                 for r in rows], ["variant", "flags (course case)", "lesson", "what it does"]))
    return 0


def _network(args: argparse.Namespace, seed: int, k: int,
             iterations: int) -> tuple[Architecture, Params, Array, Array, str] | None:
    """None for the course's case, or a random network for --layers (He weights, small random biases):
    ``(arch, params, X, Y, case)``."""
    import numpy as np

    from dltutor.core.errors import TutorError
    from dltutor.core.gradcheck import check_budget
    from dltutor.core.init import initialize
    from dltutor.core.network import Architecture
    from dltutor.core.rng import make_rng, rand, randn

    if args.layers is None:
        return None
    try:
        layers = tuple(int(s) for s in str(args.layers).split(","))
    except ValueError:
        raise TutorError("--layers", f"not a list of sizes: {args.layers!r}",
                         "comma-separated sizes such as 2,20,3,1") from None
    arch = Architecture(layers, args.activation or "relu")
    m = whole_number(args.examples if args.examples is not None else "16", "--examples", 1, MAX_EXAMPLES)
    # memory and work are refused here, before X and the parameters are drawn
    check_budget(layers, m, mode=args.mode, k=k, after_iterations=iterations, sweep=10 if args.sweep else 0)
    rng = cast(np.random.Generator, make_rng(seed))  # not legacy: a Generator
    params = initialize(layers, "he", rng)
    for l in range(1, arch.L + 1):  # noqa: E741
        params[f"b{l}"] = 0.1 * randn(rng, layers[l], 1)
    X = randn(rng, layers[0], m)
    if layers[-1] == 1:
        Y = (rand(rng, 1, m) < 0.5).astype(int)
    else:
        Y = rng.integers(0, layers[-1], (1, m))
    acts = " ".join([arch.activation] * (arch.L - 1) + [arch.output])
    return arch, params, X, Y, f"a random {'-'.join(map(str, layers))} network ({acts}), m = {m}, seed {seed}"


def _sweep_text(sweep: list[dict[str, Any]], no_chart: bool) -> str:
    from dltutor.tutor.charts import loglog_chart
    from dltutor.tutor.output import table

    lines = ["", "Difference against epsilon (the course's metric, same gradients):"]
    if sweep and sweep[0].get("n_checked", 0) < sweep[0].get("n_parameters", 0):
        lines.append(f"(the same {sweep[0]['n_checked']:,} of {sweep[0]['n_parameters']:,} elements at every "
                     "epsilon: the network is too large to sweep every element)")
    lines.append(table([[f"{s['epsilon']:.0e}", f"{s['difference']:.3g}", s["band"]] for s in sweep],
                       ["epsilon", "difference", "band"]))
    best = min(sweep, key=lambda s: s["difference"])
    lines.append(f"Smallest at epsilon {best['epsilon']:.0e}: larger steps suffer truncation error (~eps^2), "
                 f"smaller ones round-off (~1e-16 / eps): a U shape.")
    if not no_chart:
        eps = [s["epsilon"] for s in sweep]
        lines += ["", loglog_chart({"difference": (eps, [s["difference"] for s in sweep])},
                                   title="difference against epsilon (log-log)", xlabel="epsilon",
                                   ylabel="difference")]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from dltutor.core.errors import TutorError

    try:
        # overflow is reported in the text (a "cannot tell" verdict), never as a NumPy warning
        with np.errstate(all="ignore"):
            return _run(args)
    except TutorError as exc:
        raise as_option(exc) from None


def _run(args: argparse.Namespace) -> int:
    from dltutor.core.errors import TutorError
    from dltutor.core.gradcheck import (
        MAX_ITERATIONS,
        MODES,
        check_variant,
        epsilon_sweep,
        gradient_check,
    )
    from dltutor.core.rng import make_rng
    from dltutor.core.variants import get_variant
    from dltutor.tutor.output import number, print_json
    from dltutor.tutor.text.gradcheck import render_report

    if args.list:
        given = [option for option, dest, default in _LIST_IGNORES if getattr(args, dest) != default]
        if given:
            raise TutorError("--list", f"lists the catalogue and takes no other options (got {', '.join(given)})",
                             "--list alone, or --list --json")
        return _list(args.json)
    if args.file is not None and args.variant is not None:
        raise TutorError("--file", "give either --variant or --file, not both",
                         "--variant NAME or --file PATH")
    if args.variant is not None and not args.variant.strip():
        raise TutorError("--variant", "empty name", "a variant id (see dltutor gradcheck --list)")
    if args.file is not None and not args.file.strip():
        raise TutorError("--file", "empty path", "the path of a .py file")
    if args.layers is None:
        for option, value in (("--activation", args.activation), ("--examples", args.examples)):
            if value is not None:
                raise TutorError(option, "only applies with --layers (the course's case has its own network "
                                 "and examples)", f"{option} together with --layers")
    if args.activation is not None:
        from dltutor.core.activations import ACTIVATIONS

        if args.activation not in ACTIVATIONS:
            raise TutorError("--activation", f"unknown activation {args.activation!r}", ", ".join(ACTIVATIONS))
    epsilon = epsilon_option(args.epsilon)
    if args.mode not in MODES:
        raise TutorError("--mode", f"unknown mode {args.mode!r}", ", ".join(MODES))
    k = whole_number(args.samples, "--samples", 1, 1_000_000)
    iterations = whole_number(args.after_iterations, "--after-iterations", 0, MAX_ITERATIONS)
    lr = number(args.learning_rate, "--learning-rate", "a finite number > 0")
    if lr <= 0:
        raise TutorError("--learning-rate", f"{lr:g} is not positive", "a finite number > 0")
    seed = whole_number(args.seed, "--seed", 0, MAX_SEED)
    l2 = number(args.l2, "--l2", "a finite number >= 0")
    if l2 < 0:
        raise TutorError("--l2", f"{l2:g} is negative", "a finite number >= 0")
    if args.timeout is not None and args.file is None:
        raise TutorError("--timeout", "only applies with --file (the built-in checks need no time limit)",
                         "--timeout together with --file")

    if args.file is not None:
        from dltutor.core.learner import DEFAULT_TIMEOUT, LearnerError, check_file

        if args.sweep:
            raise TutorError("--sweep", "works with the built-in networks (--variant), not with --file",
                             "--sweep without --file")
        if l2 or args.layers is not None:
            raise TutorError("--file", "your file defines its own cost and network: --l2 and --layers do not "
                             "apply", "--file without --l2 and --layers")
        timeout = DEFAULT_TIMEOUT
        if args.timeout is not None:
            timeout = number(args.timeout, "--timeout", f"seconds, 0 < SECONDS <= {MAX_TIMEOUT:g}")
            if not 0 < timeout <= MAX_TIMEOUT:
                raise TutorError("--timeout", f"{timeout:g} seconds is {'too long' if timeout > 0 else 'not positive'}",
                                 f"seconds, 0 < SECONDS <= {MAX_TIMEOUT:g}")
        try:
            report = check_file(args.file, epsilon=epsilon, mode=args.mode, k=k, seed=seed,
                                after_iterations=iterations, learning_rate=lr, timeout=timeout)
        except LearnerError as exc:
            if args.json:
                print_json({"file": args.file, "ok": False, "error": exc.to_dict()})
            else:
                sys.stderr.write(f"error in your file: {exc.message}\n")
            return 1
        sweep = None
    else:
        variant_id = args.variant if args.variant is not None else "course"
        get_variant(variant_id)
        network = _network(args, seed, k, iterations)
        options: dict[str, Any] = dict(epsilon=epsilon, mode=args.mode, k=k, rng=make_rng(seed),
                                       after_iterations=iterations, learning_rate=lr, l2=l2)
        if network is None:
            report = check_variant(variant_id, **options)
            sweep_net: dict[str, Any] = {}
        else:
            arch, params, X, Y, case = network
            report = gradient_check(arch, params, X, Y, variant_id, case=case, **options)
            sweep_net = dict(arch=arch, params=params, X=X, Y=Y)
        sweep = None
        if args.sweep:
            sweep = epsilon_sweep(backward_fn=variant_id, l2=report.l2, k=k, rng=make_rng(seed), **sweep_net)
    if args.json:
        doc = report.to_dict()
        if sweep is not None:
            doc["sweep"] = sweep
        print_json(doc)
        return 0
    text = render_report(report)
    if sweep is not None:
        text += "\n" + _sweep_text(sweep, args.no_chart)
    print(text)
    return 0
