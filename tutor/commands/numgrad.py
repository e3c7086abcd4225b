"""``dltutor numgrad``: one-sided against two-sided numerical derivatives, the lesson in one dimension."""

from __future__ import annotations

import argparse

from dltutor.tutor.options import as_option, epsilon_option

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
    parser.add_argument("--epsilon", default="0.01", metavar="E",
                        help="the step, 1e-12 <= E <= 1 (default 0.01)")
    parser.add_argument("--no-chart", action="store_true", help="text only, no chart")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def comparison(one_error: float, two_error: float, eps: float, theta: float) -> str:
    """Which estimate is closer here, in words: a tie near theta = 0 (where the one-sided estimate's O(eps)
    term 3 theta eps vanishes) and round-off at tiny steps are said as they are."""
    roundoff = f"at epsilon {eps:g} round-off, not the Taylor terms, decides the errors"
    if one_error == 0 and two_error == 0:
        return "Here both estimates are exact."
    if two_error == 0:
        return "Here the two-sided estimate is exact and the one-sided one is not."
    ratio = one_error / two_error
    if 0.5 <= ratio <= 2:
        if abs(ratio - 1) < 1e-6:
            head = f"Here both errors are the same ({two_error:.3g})"
        else:
            head = f"Here both errors are about the same ({one_error:.3g} and {two_error:.3g})"
        if 3 * abs(theta) <= eps:
            return (head + ": the one-sided estimate's O(eps) term, 3 theta eps, vanishes at theta = 0 and "
                    "is tiny near it, so only the eps^2 term that both share is left.")
        return f"{head}: {roundoff}."
    if ratio > 2:
        times = f"{ratio:,.0f}" if ratio >= 100 else f"{ratio:.3g}"
        return f"Here the two-sided estimate is {times} times more accurate, which is why gradient checking " \
               "uses it."
    return f"Here the one-sided estimate happens to be closer ({one_error:.3g} against {two_error:.3g}): " \
           f"{roundoff}."


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from dltutor.core.errors import TutorError

    try:
        with np.errstate(all="ignore"):
            return _run(args)
    except TutorError as exc:
        raise as_option(exc) from None


def _run(args: argparse.Namespace) -> int:
    from dltutor.core.gradcheck import course_one_dimensional_check, one_dimensional_demo
    from dltutor.tutor.charts import loglog_chart
    from dltutor.tutor.output import number, print_json, table

    theta = number(args.theta, "--theta", "a finite number with |theta| <= 1e6")
    eps = epsilon_option(args.epsilon)
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
    errors = demo["errors"]
    out += ["", "The two-sided difference cancels the O(eps) term of the Taylor series (f''(theta) eps / 2), "
            "so its error shrinks like eps^2 instead of eps. "
            + comparison(errors["one_sided"], errors["two_sided"], eps, theta)]
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
