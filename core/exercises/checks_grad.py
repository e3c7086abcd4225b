"""Checks of the gradient-checking exercises (1-D and N-D).

Besides the returned difference (the course's numbers on the course's cases), the checker watches HOW the
learner's ``gradient_check`` works: it swaps the ``forward_propagation`` their function calls for a probe
that records every theta it is called with, so a one-sided difference, an ignored ``epsilon`` or nudges that
pile up (no ``np.copy``) are named, not just "wrong values".
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from dltutor.core.exercises import reference as ref
from dltutor.core.exercises.checking import Stop, Tester, as_array
from dltutor.core.exercises.course_utils import (
    Cache,
    backward_propagation_n,
    dictionary_to_vector,
    forward_propagation_n,
    gradients_to_vector,
    vector_to_dictionary,
)
from dltutor.core.exercises.helpers import gradient_check_n_test_case
from dltutor.core.types import Array, Params


@contextmanager
def _swapped(t: Tester, **names: object) -> Iterator[None]:
    """Replace names in the learner's module while their function runs (their function looks them up there)."""
    module = t.learner.module
    assert module is not None, "the checks run on a loaded file"
    saved = {k: module.__dict__.get(k, _MISSING) for k in names}
    module.__dict__.update(names)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is _MISSING:
                module.__dict__.pop(k, None)
            else:
                module.__dict__[k] = v


_MISSING = object()


def _number(t: Tester, name: str, value: object) -> float:
    arr = as_array(value)
    if arr is None or arr.size != 1:
        t.fail(f"{name} returns a number", f"{name} returned {type(value).__name__}, not one number{t.line_of(name)}")
    return float(arr.reshape(()))


def _difference_formula(value: float, grad: float, approx_two: float, approx_one: float,
                        eps: float = 1e-2) -> str | None:
    """Which formula the learner's difference matches, when it is not the course's."""
    candidates = (
        (abs(grad - approx_one) / (abs(grad) + abs(approx_one)),
         "a one-sided difference (J(theta + eps) - J(theta)) / eps: its error is O(eps), the two-sided "
         "(J(theta + eps) - J(theta - eps)) / (2 eps) only O(eps^2)"),
        (abs(grad - 2 * approx_two) / (abs(grad) + abs(2 * approx_two)),
         "gradapprox divided by epsilon instead of 2 * epsilon"),
        (abs(grad - approx_two), "the numerator alone: divide by ||grad|| + ||gradapprox|| to make it relative"),
        (abs(grad - approx_two) / abs(grad), "a denominator of ||grad|| only: it is ||grad|| + ||gradapprox||"),
        (abs(grad - approx_two) / abs(approx_two), "a denominator of ||gradapprox|| only: it is ||grad|| + "
                                                    "||gradapprox||"),
        (abs(grad - approx_two) / abs(grad + approx_two), "||grad + gradapprox|| as the denominator: it is "
                                                          "||grad|| + ||gradapprox||"),
        ((grad - approx_two) / (abs(grad) + abs(approx_two)), "no norm on the numerator (a sign can remain)"),
        (abs(grad - approx_two) ** 2 / (abs(grad) + abs(approx_two)), "a squared numerator"),
        (abs(grad - (plus_minus := approx_two * 2 * eps) / 2 * eps) / (abs(grad) + abs(plus_minus / 2 * eps)),
         "check operator precedence: (J_plus - J_minus) / 2 * epsilon is ((J_plus - J_minus) / 2) * epsilon, "
         "which multiplies by epsilon: write / (2 * epsilon)"),
        (abs(grad - approx_two) / abs(grad) + abs(approx_two),
         "check operator precedence: numerator / ||grad|| + ||gradapprox|| is (numerator / ||grad||) + "
         "||gradapprox||: write numerator / (||grad|| + ||gradapprox||)"),
        (approx_two, "gradapprox itself: return the relative difference between grad and gradapprox"),
        (grad, "grad itself: return the relative difference between grad and gradapprox"),
    )
    for candidate, text in candidates:
        if math.isclose(value, candidate, rel_tol=1e-6, abs_tol=1e-15):
            return text
    return None


def check_gradcheck_1d(t: Tester) -> None:
    for fn, sig in (("forward_propagation", "(x, theta)"), ("backward_propagation", "(x, theta)"),
                    ("gradient_check", "(x, theta, epsilon=1e-7)")):
        t.function(fn, sig)
    for x, theta in ((2, 4), (3.0, -1.5), (-0.5, 7.0)):
        J = _number(t, "forward_propagation", t.call("forward_propagation", x, theta))
        if not math.isclose(J, theta * x, rel_tol=1e-12, abs_tol=1e-15):
            t.fail("forward_propagation", f"forward_propagation({x}, {theta}) = {J:g}, but J(theta) = theta * x = "
                   f"{theta * x:g}{t.line_of('forward_propagation')}")
    t.add("forward_propagation", True, "J(theta) = theta * x")
    for x, theta in ((2, 4), (3.0, -1.5)):
        d = _number(t, "backward_propagation", t.call("backward_propagation", x, theta))
        if not math.isclose(d, x, rel_tol=1e-12):
            what = " (that is theta; the derivative of theta * x with respect to theta is x)" \
                if math.isclose(d, theta) else ""
            t.fail("backward_propagation", f"backward_propagation({x}, {theta}) = {d:g}, but dJ/dtheta = x = {x:g}"
                   f"{what}{t.line_of('backward_propagation')}")
    t.add("backward_propagation", True, "dJ/dtheta = x")

    # how gradient_check works: J = x * theta^3 through a probe that records the thetas
    seen: list[float] = []
    x, theta, eps = 2.0, 1.0, 1e-2

    def probe_forward(x: float, theta: float) -> Array:  # the course's parameter names: a call by keyword works too
        seen.append(float(np.asarray(theta).reshape(())))
        return x * np.asarray(theta) ** 3

    def probe_backward(x: float, theta: float) -> Array:
        return 3 * x * np.asarray(theta) ** 2

    with _swapped(t, forward_propagation=probe_forward, backward_propagation=probe_backward):
        value = _number(t, "gradient_check", t.call("gradient_check", x, theta, eps))
    grad = 3 * x * theta ** 2
    plus, minus = x * (theta + eps) ** 3, x * (theta - eps) ** 3
    approx_two, approx_one = (plus - minus) / (2 * eps), (plus - x * theta ** 3) / eps
    want = abs(grad - approx_two) / (abs(grad) + abs(approx_two))
    steps = sorted({round(s - theta, 12) for s in seen})
    if not seen:
        t.fail("two-sided difference", "gradient_check never calls forward_propagation(x, theta +/- epsilon): "
               f"compute J_plus and J_minus with it{t.line_of('gradient_check')}")
    if steps == [0.0, round(eps, 12)] or steps == [round(-eps, 12), 0.0]:
        t.fail("two-sided difference", "gradient_check uses a one-sided difference (J(theta + eps) - J(theta)) / "
               "eps: its error is O(eps) (0.0301 for theta^3 at 1 with eps 0.01), the two-sided (J(theta + eps) - "
               f"J(theta - eps)) / (2 eps) only O(eps^2) (0.0001){t.line_of('gradient_check')}")
    if round(eps, 12) not in steps or round(-eps, 12) not in steps:
        shifts = ", ".join(f"{s:+g}" for s in steps)
        t.fail("uses epsilon", f"gradient_check(x, theta, epsilon={eps}) evaluated J at theta {shifts}: "
               f"it must use its epsilon argument, theta + epsilon and theta - epsilon{t.line_of('gradient_check')}")
    t.add("two-sided difference", True, "J at theta + epsilon and theta - epsilon")
    if not math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-15):
        named = _difference_formula(value, grad, approx_two, approx_one, eps)
        if named is None and math.isclose(value, abs(x - approx_two) / (abs(x) + abs(approx_two)), rel_tol=1e-6):
            named = "grad = x written in directly: call backward_propagation(x, theta), which is what is checked"
        t.fail("the difference", f"for J = x * theta^3 (x = 2, theta = 1, eps = 0.01) gradient_check returned "
               f"{value:.6g}, expected ||grad - gradapprox|| / (||grad|| + ||gradapprox||) = {want:.6g}"
               f"{': ' + named if named else ''}{t.line_of('gradient_check')}")
    t.add("the difference", True, "||grad - gradapprox|| / (||grad|| + ||gradapprox||)")
    with _swapped(t, backward_propagation=lambda x, theta: 2 * x):
        wrong = _number(t, "gradient_check", t.call("gradient_check", 2, 4, 1e-7))
    if wrong < 1e-3:
        t.fail("catches a wrong gradient", f"with a backward_propagation that returns 2x, gradient_check returned "
               f"{wrong:.3g}: it should be about 1/3 (does it call backward_propagation?){t.line_of('gradient_check')}")
    t.add("catches a wrong gradient", True, f"a gradient 2x too large gives {wrong:.3g}")
    diff = _number(t, "gradient_check", t.call("gradient_check", 2, 4, 1e-7))
    course = ref_1d()
    exact = " (exactly the notebook's)" if diff == course else f" (the notebook prints {course!r})"
    if not diff < 1e-7:
        t.fail("the course's case", f"gradient_check(2, 4) = {diff:.3g} with your own functions: above 1e-7")
    t.add("the course's case", True, f"gradient_check(2, 4) = {diff:.10g}{exact}: the gradient is correct")


def ref_1d(x: float = 2.0, theta: float = 4.0, epsilon: float = 1e-7) -> float:
    """The notebook's 1-D check, computed as the notebook computes it."""
    J_plus, J_minus = np.dot(theta + epsilon, x), np.dot(theta - epsilon, x)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = x
    return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))


def _other_size_case() -> tuple[Array, Array, Params]:
    """A network of other layer sizes than the notebook's (3-6-4-1: 57 parameters, not 47)."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((3, 4))
    Y = np.array([[1, 0, 1, 1]])
    params: Params = {}
    for key, shape in (("W1", (6, 3)), ("b1", (6, 1)), ("W2", (4, 6)), ("b2", (4, 1)), ("W3", (1, 4)),
                       ("b3", (1, 1))):
        params[key] = rng.standard_normal(shape) * 0.5
    return X, Y, params


def _probe_call(t: Tester, name: str, params: Params, grads: Params, X: Array, Y: Array, eps: float, *,
                catch: bool = False) -> tuple[float | None, list[Array], str | None]:
    """Call their gradient_check_n with a forward_propagation_n that records every theta it is given.

    Returns ``(value or None, calls, failure message or None)``; ``catch``: an exception is returned as
    its message instead of failing the check (to name its cause from the calls made first).
    """
    calls: list[Array] = []
    keys = list(params)

    # the course's parameter names: a call by keyword works too
    def probe(X: Array, Y: Array, parameters: Params) -> tuple[float, Cache]:
        calls.append(np.concatenate([np.reshape(parameters[k], -1) for k in keys if k in parameters]))
        return forward_propagation_n(X, Y, parameters)

    # on another network, the notebook's helpers (their own copies may be written for 47 numbers only)
    helpers: dict[str, object] = {
        "dictionary_to_vector": dictionary_to_vector, "vector_to_dictionary": vector_to_dictionary,
        "gradients_to_vector": gradients_to_vector} if catch else {}
    with _swapped(t, forward_propagation_n=probe, **helpers):
        if not catch:
            return _number(t, name, t.call(name, _copy(params), _copy(grads), X.copy(), Y.copy(), eps)), calls, None
        try:
            return _number(t, name, t.call(name, _copy(params), _copy(grads), X.copy(), Y.copy(), eps)), calls, None
        except Stop as exc:
            t.checks.pop()
            return None, calls, str(exc)


def _coverage(calls: list[Array], base: Array) -> tuple[list[Array], list[Array], set[tuple[int, int]]]:
    """From the thetas J was evaluated at: the deltas, the moved indices per call and the (index, sign) set."""
    flat = base.reshape(-1)
    deltas = [c - flat if c.shape == flat.shape else np.full(flat.shape, np.nan) for c in calls]
    moved = [np.flatnonzero(~(np.abs(d) <= 1e-12)) for d in deltas]
    signs = {(int(mv[0]), 1 if d[mv[0]] > 0 else -1) for mv, d in zip(moved, deltas, strict=True) if len(mv) == 1}
    return deltas, moved, signs


def _skipped_text(t: Tester, name: str, signs: set[tuple[int, int]], n: int) -> str | None:
    """Name a loop that stops early: ``range(num_parameters - 1)`` or a hard-coded number of parameters."""
    done = {i for i, _ in signs}
    if not done or done == set(range(n)):
        return None
    k = max(done) + 1
    if done != set(range(k)) or k >= n:
        return None
    if k == n - 1:
        return (f"{name} never nudges the last parameter (index {n - 1}): the loop stops one short. "
                f"for i in range(num_parameters) visits all {n}, range(num_parameters - 1) skips the last"
                f"{t.line_mentioning(name, 'range(')}")
    where = _number_line(t, name, str(k)) or t.line_mentioning(name, "range(")
    return (f"{name} checked only the first {k} of this network's {n} parameters: the number of parameters is "
            f"hard-coded ({k}). Take it from the vector: num_parameters = parameters_values.shape[0]{where}")


def _number_line(t: Tester, name: str, *numbers: str) -> str:
    """``line_mentioning`` for a line of ``name`` that holds one of ``numbers`` as a number, else ''."""
    import re

    learner = t.learner
    node = learner._function_node(name) if learner.tree is not None else None
    if node is None:
        return ""
    end = getattr(node, "end_lineno", node.lineno) or node.lineno
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(x) for x in numbers) + r")(?![\w.])")
    for line in range(end, node.lineno, -1):
        text = learner.lines[line - 1] if line - 1 < len(learner.lines) else ""
        if pattern.search(text.split("#", 1)[0]):
            return f"\n  at {learner.at(line)}{learner.quote(line)}"
    return ""


def check_gradcheck_n(t: Tester) -> None:
    name = "gradient_check_n"
    t.function(name, "(parameters, gradients, X, Y, epsilon=1e-7)")
    X, Y, params = gradient_check_n_test_case()
    _, cache = forward_propagation_n(X, Y, params)
    buggy = backward_propagation_n(X, Y, cache)
    fixed = _fixed_gradients(X, Y, cache)
    base, _ = dictionary_to_vector(params)
    got, calls, _ = _probe_call(t, name, params, fixed, X, Y, 1e-7)
    assert got is not None, "without catch, a failed call raises Stop"
    n = base.shape[0]
    deltas, moved, signs = _coverage(calls, base)
    skipped = _skipped_text(t, name, signs, n)
    if skipped:
        t.fail("every parameter", skipped)
    if len(calls) < n:
        t.fail("every parameter", f"{name} called forward_propagation_n {len(calls)} times for {n} parameters: "
               f"each of the {n} needs J at theta + eps and theta - eps{t.line_of(name)}")
    if any(len(mv) > 1 for mv in moved):
        t.fail("copies theta", f"{name} moved more than one parameter in one call of forward_propagation_n: the "
               f"nudges pile up. theta_plus = np.copy(parameters_values) for every i (and the same for "
               f"theta_minus){t.line_of(name, 'theta_plus')}")
    if not all((i, -1) in signs for i in range(n)):
        at_base = sum(1 for mv in moved if len(mv) == 0)
        why = (" (J_minus is computed at theta itself: either a one-sided difference, or theta_minus = "
               "parameters_values without np.copy, so the - epsilon only undoes the + epsilon)") if at_base else ""
        t.fail("two-sided difference", f"{name} never evaluates J at theta - epsilon{why}. A one-sided difference "
               f"has an O(eps) error, the course's two-sided (J_plus - J_minus) / (2 eps) an O(eps^2) one"
               f"{t.line_of(name, 'J_minus')}")
    if not all((i, 1) in signs for i in range(n)):
        t.fail("two-sided difference", f"{name} never evaluates J at theta + epsilon for some parameters: is "
               f"J_plus computed from theta_plus (vector_to_dictionary(theta_plus))?{t.line_of(name, 'J_plus')}")
    steps = {round(float(abs(d[mv[0]])), 15) for mv, d in zip(moved, deltas, strict=True) if len(mv) == 1}
    if any(not math.isclose(s, 1e-7, rel_tol=1e-3) for s in steps):
        t.fail("uses epsilon", f"{name} nudges theta by {sorted(steps)[0]:g}, not by epsilon = 1e-7{t.line_of(name)}")
    t.add("two-sided, one parameter at a time", True, f"J at theta +/- epsilon for each of the {n} parameters")
    want = float(ref.gradient_check_n(params, fixed, X, Y, 1e-7))
    _compare(t, name, got, want, "the corrected backward pass", params, fixed, X, Y, 1e-7)
    got_bug = _number(t, name, t.call(name, _copy(params), _copy(buggy), X.copy(), Y.copy(), 1e-7))
    want_bug = float(ref.gradient_check_n(params, buggy, X, Y, 1e-7))
    _compare(t, name, got_bug, want_bug, "the notebook's backward_propagation_n (dW2 doubled, db1 with 4/m)",
             params, buggy, X, Y, 1e-7)
    got4 = _number(t, name, t.call(name, _copy(params), _copy(fixed), X.copy(), Y.copy(), 1e-4))
    want4 = float(ref.gradient_check_n(params, fixed, X, Y, 1e-4))
    if not math.isclose(got4, want4, rel_tol=1e-3):
        t.fail("uses epsilon", f"with epsilon = 1e-4 your difference is {got4:.4g}, expected {want4:.4g}: is epsilon "
               f"fixed inside the function instead of taken from the argument?{t.line_of(name)}")
    t.add("uses epsilon", True, f"epsilon 1e-4 gives {got4:.3g}")
    _check_other_size(t, name)


def _check_other_size(t: Tester, name: str) -> None:
    """The same check on a network of other layer sizes: a size written in for the notebook's fails here."""
    X, Y, params = _other_size_case()
    _, cache = forward_propagation_n(X, Y, params)
    grads = _fixed_gradients(X, Y, cache)
    base, _ = dictionary_to_vector(params)
    n = base.shape[0]
    got, calls, error = _probe_call(t, name, params, grads, X, Y, 1e-7, catch=True)
    _, _, signs = _coverage(calls, base)
    what = "a 3-6-4-1 network (57 parameters, the notebook's has 47)"
    hard = _number_line(t, name, "47", "5, 4", "5,4", "3, 5", "3,5")
    if hard and (error is not None or {i for i, _ in signs} != set(range(n))):
        t.fail("other layer sizes", f"on {what} your {name} fails: a size is hard-coded for the notebook's "
               f"47-parameter network. Take sizes from the parameters given (num_parameters = "
               f"parameters_values.shape[0], np.zeros((num_parameters, 1))){hard}"
               + (f"\n  ({error.splitlines()[0]})" if error else ""))
    skipped = _skipped_text(t, name, signs, n)
    if skipped:
        t.fail("other layer sizes", f"on {what}: {skipped}")
    if error is not None or got is None:  # got is None exactly when the call failed
        t.fail("other layer sizes", f"on {what}: {error}")
    want = float(ref.gradient_check_n(params, grads, X, Y, 1e-7))
    if not math.isclose(got, want, rel_tol=1e-4):
        hard = _number_line(t, name, "47")
        size = (" (a size is hard-coded for the notebook's 47-parameter network: take it from the parameters "
                "given)") if hard else ""
        t.fail("other layer sizes", f"on {what} your {name} returned {got:.6g}, expected {want:.6g}{size}"
               f"{hard}")
    t.add("other layer sizes", True, f"{what}: {got:.3g}")


def _compare(t: Tester, name: str, got: float, want: float, what: str, params: Params, grads: Params, X: Array,
             Y: Array, eps: float) -> None:
    if math.isclose(got, want, rel_tol=1e-4):
        verdict = ("2e-7 or below: the gradient is right" if want <= 2e-7
                   else "above 2e-7: the course says there is a mistake in backward propagation")
        t.add(f"difference for {what}", True, f"{got:.10g} ({verdict})")
        return
    one_sided = float(ref.gradient_check_n(params, grads, X, Y, eps, two_sided=False))
    g, a = _vectors(params, grads, X, Y, eps)
    named = _difference_formula_n(got, g, a, one_sided, eps)
    t.fail(f"difference for {what}", f"{name} returned {got:.6g}, expected {want:.6g}"
           f"{': ' + named if named else ''}{t.line_of(name, 'difference')}")


def _vectors(params: Params, grads: Params, X: Array, Y: Array, eps: float) -> tuple[Array, Array]:
    values, _ = dictionary_to_vector(params)
    approx = np.zeros_like(values)
    for i in range(values.shape[0]):
        p, m_ = np.copy(values), np.copy(values)
        p[i][0] += eps
        m_[i][0] -= eps
        approx[i] = (forward_propagation_n(X, Y, vector_to_dictionary(p))[0]
                     - forward_propagation_n(X, Y, vector_to_dictionary(m_))[0]) / (2 * eps)
    return gradients_to_vector(grads), approx


def _difference_formula_n(value: float, g: Array, a: Array, one_sided: float,
                          eps: float = 1e-7) -> str | None:
    norm = np.linalg.norm
    for candidate, text in (
            (one_sided, "a one-sided difference: evaluate J at theta - epsilon too"),
            (norm(g - 2 * a) / (norm(g) + norm(2 * a)), "gradapprox divided by epsilon instead of 2 * epsilon"),
            (norm(g - a), "the numerator alone: divide by ||grad|| + ||gradapprox||"),
            (norm(g - a) / norm(g), "a denominator of ||grad|| only: it is ||grad|| + ||gradapprox||"),
            (norm(g - a) / norm(g + a), "||grad + gradapprox|| as the denominator: it is ||grad|| + ||gradapprox||"),
            (norm(g - a) ** 2 / (norm(g) + norm(a)), "a squared numerator"),
            (norm(g - a * eps * eps) / (norm(g) + norm(a * eps * eps)),
             "check operator precedence: (J_plus - J_minus) / 2 * epsilon is ((J_plus - J_minus) / 2) * epsilon, "
             "which multiplies by epsilon: write / (2 * epsilon)"),
            (norm(g - a) / norm(g) + norm(a),
             "check operator precedence: numerator / ||grad|| + ||gradapprox|| is (numerator / ||grad||) + "
             "||gradapprox||: write numerator / (||grad|| + ||gradapprox||)")):
        if math.isclose(value, float(candidate), rel_tol=1e-4):
            return text
    return None


def _copy(d: Params) -> Params:
    return {k: np.copy(v) for k, v in d.items()}


def _fixed_gradients(X: Array, Y: Array, cache: Cache) -> Params:
    """The notebook's backward_propagation_n with its two bugs corrected."""
    grads = backward_propagation_n(X, Y, cache)
    grads["dW2"] = grads["dW2"] / 2
    grads["db1"] = grads["db1"] / 4
    return grads


__all__ = ["Stop", "check_gradcheck_1d", "check_gradcheck_n"]
