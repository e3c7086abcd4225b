"""``dltutor numgrad``: one-sided against two-sided numerical derivatives, the lesson in one dimension."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

NAME = "numgrad"
HELP = "One-sided vs two-sided numerical derivatives of theta^3, their errors against epsilon (log-log)"
ORDER = 21

EPILOG = """\
f(theta) = theta^3 at theta = 1 with epsilon = 0.01:
  two-sided (f(theta+eps) - f(theta-eps)) / 2eps = 3.0001   error 1e-4    O(eps^2)
  one-sided (f(theta+eps) - f(theta)) / eps      = 3.0301   error 0.0301  O(eps)
Also the course's 1-D check of J = theta * x (x = 2, theta = 4, epsilon = 1e-7).

Examples:
  dltutor numgrad
  dltutor numgrad --theta 2 --epsilon 0.001
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--theta", default="1.0", metavar="T",
                        help="where to take the derivative (default 1)")
    parser.add_argument("--epsilon", default="0.01", metavar="E", help="the step, 0 < E <= 1 (default 0.01)")
    parser.add_argument("--no-chart", action="store_true", help="text only, no chart")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def loglog_chart(series: dict[str, tuple[Sequence[float], Sequence[float]]], *, title: str, xlabel: str,
                 ylabel: str, width: int = 72, height: int = 18) -> str:
    """A plain-text log-log chart of named ``(xs, ys)`` series, titled (non-positive points are left out)."""
    from tutor.charts import line_chart

    chart = line_chart(series, xlabel=xlabel, ylabel=ylabel, logx=True, logy=True, width=width, height=height,
                       markers=("dot", "x", "+", "*"))
    return f"{title}\n{chart}"


def run(args: argparse.Namespace) -> int:
    from core.gradcheck import course_one_dimensional_check, one_dimensional_demo
    from tutor.output import number, print_json, table

    theta = number(args.theta, "--theta", "a finite number with |theta| <= 1e6")
    eps = number(args.epsilon, "--epsilon", "0 < epsilon <= 1")
    demo = one_dimensional_demo(theta, eps)
    course = course_one_dimensional_check()
    if args.json:
        print_json({**demo, "course_check": course})
        return 0
    out = [f"Derivative of f(theta) = theta^3 at theta = {theta:g} (true value 3 theta^2 = "
           f"{demo['true']:.10g}), epsilon = {eps:g}", ""]
    out.append(table([
        ["two-sided", "(f(theta+eps) - f(theta-eps)) / (2 eps)", f"{demo['two_sided']:.10g}",
         f"{demo['errors']['two_sided']:.3g}", "O(eps^2)"],
        ["one-sided", "(f(theta+eps) - f(theta)) / eps", f"{demo['one_sided']:.10g}",
         f"{demo['errors']['one_sided']:.3g}", "O(eps)"],
    ], ["estimate", "formula", "value", "error", "error shrinks like"]))
    out += ["", "The two-sided difference cancels the eps^2 term of the Taylor series, so its error is about "
            "eps^2 instead of eps: at eps = 0.01 that is 100 times more accurate, which is why gradient "
            "checking uses it."]
    out += ["", f"The course's 1-D check, J(theta) = theta * x with x = {course['x']:g}, "
            f"theta = {course['theta']:g}, epsilon = {course['epsilon']:g}: gradapprox = "
            f"{course['gradapprox']!r}, grad = {course['grad']:g}, difference = {course['difference']!r} "
            f"(published 2.919335883291695e-10)."]
    if not args.no_chart:
        sweep = demo["sweep"]
        eps_list = [s["epsilon"] for s in sweep]
        out += ["", loglog_chart(
            {"one-sided": (eps_list, [s["one_sided_error"] for s in sweep]),
             "two-sided": (eps_list, [s["two_sided_error"] for s in sweep])},
            title="error against epsilon (log-log): slope 1 one-sided, slope 2 two-sided",
            xlabel="epsilon", ylabel="error")]
        out.append("Below about 1e-5 (two-sided) round-off takes over and the error grows again as eps "
                   "shrinks.")
    print("\n".join(out))
    return 0
