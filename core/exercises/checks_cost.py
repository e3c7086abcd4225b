"""Checks of the cost exercises (L2 and L1 cost) and of normalizing inputs.

A cost is probed term by term: with lambd = 0 it must be the cross-entropy; with one weight matrix at a time
(the others zero) the penalty of that matrix alone; doubling the weights must multiply an L2 penalty by 4
and an L1 penalty by 2; biases must not count. That names a missing term, a factor or a wrong power.
"""

from __future__ import annotations

import math

import numpy as np

from dltutor.core.exercises import reference as ref
from dltutor.core.exercises.checking import Tester, as_array, constant_ratio, factor_text, shape_text
from dltutor.core.exercises.course_utils import compute_cost
from dltutor.core.exercises.helpers import compute_cost_with_regularization_test_case
from dltutor.core.types import Array, Params


def _case(seed: int, m: int) -> tuple[Array, Array, Params]:
    rng = np.random.RandomState(seed)
    params = {"W1": rng.randn(4, 3), "b1": rng.randn(4, 1), "W2": rng.randn(3, 4), "b2": rng.randn(3, 1),
              "W3": rng.randn(1, 3), "b3": rng.randn(1, 1)}
    A3 = rng.uniform(0.05, 0.95, (1, m))
    Y = (rng.rand(1, m) < 0.5).astype(int)
    Y[0, :2] = (0, 1)
    return A3, Y, params


def _number(t: Tester, name: str, value: object) -> float:
    arr = as_array(value)
    if arr is None or arr.size != 1:
        shape = "" if arr is None else f" of shape {arr.shape}"
        t.fail("returns a number", f"{name} returned {type(value).__name__}{shape}, not one number (the cost)"
                                   f"{t.line_of(name)}")
    return float(arr.reshape(()))


def _penalty_factor(r: float, m: int, lambd: float, kind: str) -> str:
    """Name a ratio (your penalty / the expected penalty)."""
    if kind == "l2":
        named = {2.0: "lambd/m instead of lambd/(2m): the 1/2 is missing",
                 0.5: "lambd/(4m): a 1/2 too many",
                 float(m): "lambd/2 without the 1/m",
                 2.0 * m: "lambd times the sum, without the 1/(2m)",
                 1.0 / lambd: "without lambd", 2.0 / lambd: "1/m times the sum: lambd/2 is missing",
                 float(m * m): f"m^2 = {m * m} times the expected: check operator precedence: lambd/2*m is "
                               f"(lambd/2)*m, so the m multiplies; write lambd/(2*m)",
                 4.0 * m * m: f"4m^2 = {4 * m * m} times the expected: check operator precedence: 1/2*m is "
                              f"(1/2)*m; write 1/(2*m)"}
    else:
        named = {0.5: "lambd/(2m) instead of lambd/m (this exercise's L1 term has no 1/2)",
                 float(m): "lambd without the 1/m", 1.0 / lambd: "without lambd",
                 float(m * m): f"m^2 = {m * m} times the expected: check operator precedence: lambd/1*m is "
                               f"(lambd/1)*m; write lambd/m"}
    for value, text in named.items():
        if math.isclose(r, value, rel_tol=1e-6):
            return text
    return factor_text(r, m)


def _check_cost(t: Tester, name: str, kind: str) -> None:
    expected_fn = ref.compute_cost_with_regularization if kind == "l2" else ref.compute_cost_with_l1
    term = "(lambd/(2m)) * sum of W^2" if kind == "l2" else "(lambd/m) * sum of |W|"
    t.function(name, "(A3, Y, parameters, lambd)")
    A3, Y, params = _case(5, 6)
    m = Y.shape[1]
    ce = float(compute_cost(A3, Y))
    got0 = _number(t, name, t.call(name, A3, Y, {k: v.copy() for k, v in params.items()}, 0.0))
    if not math.isclose(got0, ce, rel_tol=1e-9, abs_tol=1e-12):
        again = _number(t, name, t.call(name, A3, Y, {k: v.copy() for k, v in params.items()}, 0.3))
        unit = float(expected_fn(A3, Y, params, 1.0)) - ce
        if got0 == again and unit and got0 > ce:
            t.fail("uses lambd", f"with lambd = 0 and with lambd = 0.3 your cost is the same, {got0:.8g} (the cost "
                   f"with lambd = {(got0 - ce) / unit:.4g}): lambd is hard-coded. Use the lambd argument"
                   f"{t.line_of(name, 'lambd')}")
        how = f"is {factor_text(got0 / ce, m)}" if ce else f"is {got0:.6g}"
        t.fail("cross-entropy part", f"with lambd = 0 your cost {how} instead of the cross-entropy {ce:.8g}: the "
               f"first part must be compute_cost(A3, Y) (the average over m of -Y log A3 - (1-Y) log(1-A3))"
               f"{t.line_of(name)}")
    t.add("cross-entropy part", True, "with lambd = 0 the cost is the plain cross-entropy")
    lambd = 0.7
    probes = {}
    for key in ("W1", "W2", "W3"):  # one weight matrix at a time, the others zero
        only = {k: (v.copy() if k == key else np.zeros_like(v)) for k, v in params.items()}
        got = _number(t, name, t.call(name, A3, Y, {k: v.copy() for k, v in only.items()}, lambd)) - ce
        probes[key] = (only, got, float(expected_fn(A3, Y, only, lambd)) - ce)
    wrong = [k for k, (_, got, want) in probes.items() if not math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-12)]
    for key in wrong:
        only, got, want = probes[key]
        if abs(got) <= 1e-12 * max(1.0, abs(want)):
            t.fail(f"{key}'s term", f"{key} does not count in your penalty: the sum must run over W1, W2 and W3"
                   f"{t.line_mentioning(name, 'square', 'abs', 'norm', 'lambd')}")
    for key in wrong:
        only, got, want = probes[key]
        doubled = {k: 2 * v for k, v in only.items()}
        got2 = _number(t, name, t.call(name, A3, Y, doubled, lambd)) - ce
        growth = got2 / got if got else float("nan")
        right = 4.0 if kind == "l2" else 2.0
        if not math.isclose(growth, right, rel_tol=1e-6):
            what = {2.0: "grows like |W| (a norm or a plain sum, not squared)", 4.0: "grows like W^2 (squares: "
                    "that is L2; L1 takes np.abs)"}.get(round(growth, 6), f"changes by {growth:.4g}x")
            t.fail(f"{key}'s term", f"doubling {key} should multiply its penalty by {right:g}; yours {what}. The "
                   f"term is {term}{t.line_mentioning(name, 'square', 'norm', 'abs', '**', 'lambd')}")
    for key in wrong:
        only, got, want = probes[key]
        W = only[key]
        if kind == "l2" and W.ndim == 2 and min(W.shape) > 1:
            spectral = want * np.linalg.norm(W, 2) ** 2 / np.sum(np.square(W))
            if math.isclose(got, spectral, rel_tol=1e-7):
                t.fail(f"{key}'s term", f"{key}'s term uses np.linalg.norm({key}, 2), which for a matrix is its "
                       f"largest singular value (the spectral norm), not the Frobenius norm: the course's term is "
                       f"np.sum(np.square({key})) (= np.linalg.norm({key}) ** 2, 'fro' by default)"
                       f"{t.line_mentioning(name, 'norm')}")
    if wrong and len(wrong) < 3:
        key = wrong[0]
        _, got, want = probes[key]
        right_ones = [k for k in probes if k not in wrong]
        t.fail(f"{key}'s term", f"{key}'s part of your penalty is {got / want:.4g} times what it should be while "
               f"{' and '.join(right_ones)} {'is' if len(right_ones) == 1 else 'are'} right: is {key} written twice, "
               f"or in place of another W?{t.line_mentioning(name, 'square', 'abs', 'norm', 'lambd')}")
    if wrong:
        _, got, want = probes["W1"]
        t.fail("the penalty's factor", f"the penalty is {_penalty_factor(got / want, m, lambd, kind)} (W1 alone: "
               f"yours {got:.6g}, expected {want:.6g} with m = {m}, lambd = {lambd})"
               f"{t.line_mentioning(name, 'lambd')}")
    t.add("each W's term", True, f"W1, W2 and W3 each add {term}")
    biases = {k: (v.copy() if k.startswith("b") else np.zeros_like(v)) for k, v in params.items()}
    got_b = _number(t, name, t.call(name, A3, Y, biases, lambd)) - ce
    if abs(got_b) > 1e-12:
        t.fail("biases not penalized", f"with every W zero your penalty is still {got_b:.6g}: it counts the "
               f"biases; the course penalizes the weights only{t.line_mentioning(name, 'parameters', 'b1')}")
    t.add("biases not penalized", True, "")
    A3b, Yb, params_b = _case(11, 9)
    got = _number(t, name, t.call(name, A3b, Yb, {k: v.copy() for k, v in params_b.items()}, 0.1))
    want = float(expected_fn(A3b, Yb, params_b, 0.1))
    if not math.isclose(got, want, rel_tol=1e-9) and math.isclose(
            got, float(expected_fn(A3b, Yb, params_b, lambd)), rel_tol=1e-9):
        t.fail("another case", f"m = 9, lambd = 0.1: your cost is {got:.8g}, the cost with lambd = {lambd:g}: lambd is "
               f"hard-coded. Use the lambd argument{t.line_of(name, 'lambd')}")
    if not math.isclose(got, want, rel_tol=1e-9):
        t.fail("another case", f"m = 9, lambd = 0.1: your cost is {got:.8g}, expected {want:.8g} (is m or lambd "
               f"fixed somewhere instead of taken from Y and the argument?){t.line_of(name)}")
    t.add("another case", True, f"m = 9, lambd = 0.1: {got:.8g}")
    if kind == "l2":
        a3, Y, params = compute_cost_with_regularization_test_case()
        got = _number(t, name, t.call(name, a3, Y, {k: v.copy() for k, v in params.items()}, 0.1))
        want = float(expected_fn(a3, Y, params, 0.1))
        if math.isclose(got, want, rel_tol=1e-9):
            t.add("the notebook's case", True, f"cost = {got:.16g} with lambd = 0.1 (the notebook expects "
                                               f"1.78648594516)")
        else:
            t.fail("the notebook's case", f"cost = {got:.10g} with lambd = 0.1; the notebook expects {want:.10g}"
                                          f"{t.line_of(name)}")


def check_l2_cost(t: Tester) -> None:
    _check_cost(t, "compute_cost_with_regularization", "l2")


def check_l1_cost(t: Tester) -> None:
    _check_cost(t, "compute_cost_with_l1", "l1")


def check_normalize_inputs(t: Tester) -> None:
    name = "normalize_inputs"
    t.function(name, "(X_train, X_test)")
    rng = np.random.RandomState(2)
    X_train = rng.randn(3, 40) * np.array([[1.0], [50.0], [0.2]]) + np.array([[3.0], [-20.0], [0.5]])
    X_test = rng.randn(3, 15) * np.array([[1.5], [30.0], [0.3]]) + np.array([[2.0], [-10.0], [0.8]])
    keep_train, keep_test = X_train.copy(), X_test.copy()
    out = t.call(name, X_train, X_test)
    try:
        train_n, test_n = (np.asarray(a, dtype=np.float64) for a in out)
    except (TypeError, ValueError):
        t.fail("returns two arrays", f"{name} must return (X_train_norm, X_test_norm); it returned "
                                     f"{type(out).__name__}{t.line_of(name)}")
    if not (np.array_equal(X_train, keep_train) and np.array_equal(X_test, keep_test)):
        t.fail("inputs left unchanged", f"{name} changed X_train or X_test in place (X -= mu): work on new arrays "
                                        f"so the caller's data stays as it was{t.line_of(name)}")
    for label, got, X in (("X_train_norm", train_n, X_train), ("X_test_norm", test_n, X_test)):
        if got.shape != X.shape:
            t.fail("shapes", f"{label} has {shape_text(got.shape, X.shape)}{t.line_of(name)}")
    t.add("returns two arrays", True, "(X_train_norm, X_test_norm) with the shapes of the inputs")
    want_train, want_test = ref.normalize_inputs(X_train, X_test)
    if not np.allclose(train_n, want_train, rtol=1e-7, atol=1e-9):
        col_mean = np.mean(X_train, axis=0, keepdims=True)
        col_std = np.std(X_train, axis=0, keepdims=True)
        mu = np.mean(X_train, axis=1, keepdims=True)
        var = np.mean((X_train - mu) ** 2, axis=1, keepdims=True)
        if np.allclose(train_n, (X_train - col_mean) / col_std, rtol=1e-7):
            why = "it normalizes each EXAMPLE (axis=0); examples are columns, so each feature is a row: axis=1"
        elif np.allclose(train_n, (X_train - mu) / var, rtol=1e-7):
            why = "it divides by the variance sigma^2; divide by the standard deviation sigma = sqrt(sigma^2)"
        elif np.allclose(train_n, X_train - mu, rtol=1e-7):
            why = "it subtracts the mean but does not divide by sigma"
        elif np.allclose(train_n, X_train / np.sqrt(var), rtol=1e-7):
            why = "it divides by sigma but does not subtract the mean first"
        else:
            means = np.mean(train_n, axis=1)
            why = f"its features have means {np.array2string(means, precision=3)} (should be 0) and variances " \
                  f"{np.array2string(np.var(train_n, axis=1), precision=3)} (should be 1)"
        t.fail("training set normalized", f"X_train_norm is wrong: {why}{t.line_of(name)}")
    t.add("training set normalized", True, "mean 0 and variance 1 per feature")
    if not np.allclose(test_n, want_test, rtol=1e-7, atol=1e-9):
        mu_t = np.mean(X_test, axis=1, keepdims=True)
        own = (X_test - mu_t) / np.sqrt(np.mean((X_test - mu_t) ** 2, axis=1, keepdims=True))
        if np.allclose(test_n, own, rtol=1e-7):
            why = "it uses the TEST set's own mean and variance; use the training set's mu and sigma for both"
        else:
            why = "it is not (X_test - mu) / sigma with the training set's mu and sigma"
        t.fail("test set with the training statistics", f"X_test_norm is wrong: {why}{t.line_of(name)}")
    t.add("test set with the training statistics", True, "the test inputs are shifted and scaled exactly as "
                                                          "the training inputs")


def check_weight_decay(t: Tester) -> None:
    name = "update_parameters_with_weight_decay"
    t.function(name, "(parameters, grads, learning_rate, lambd, m)")
    rng = np.random.RandomState(7)
    shapes = {"W1": (4, 3), "b1": (4, 1), "W2": (2, 4), "b2": (2, 1), "W3": (1, 2), "b3": (1, 1)}
    params = {k: rng.randn(*v) for k, v in shapes.items()}
    grads = {"d" + k: rng.randn(*v) for k, v in shapes.items()}
    lr, lambd, m = 0.1, 0.7, 5

    def step(p: Params, g: Params, lambd_: float = lambd) -> Params:
        out = t.call(name, {k: v.copy() for k, v in p.items()}, {k: v.copy() for k, v in g.items()}, lr, lambd_, m)
        if not isinstance(out, dict) or any(k not in out for k in shapes):
            t.fail("returns the parameters", f"{name} must return the dictionary W1, b1, ..., W3, b3; it returned "
                                             f"{type(out).__name__}{t.line_of(name)}")
        return {k: np.asarray(out[k], dtype=np.float64) for k in shapes}

    plain = step(params, grads, 0.0)
    want = ref.weight_decay_step(params, grads, lr, 0.0, m)
    for key in shapes:
        if plain[key].shape != shapes[key]:
            t.fail("returns the parameters", f"{key} has {shape_text(plain[key].shape, shapes[key])}"
                                             f"{t.line_of(name, key)}")
        if not np.allclose(plain[key], want[key], rtol=1e-9, atol=1e-12):
            if key.startswith("W") and np.allclose(plain[key], params[key] / m - lr * grads["d" + key], rtol=1e-9):
                t.fail("plain gradient descent when lambd = 0", f"with lambd = 0 {key} came out {key} / m - "
                       f"learning_rate * d{key}: check operator precedence: (1 - learning_rate * lambd) / m divides "
                       f"the whole bracket by m; write (1 - learning_rate * lambd / m){t.line_of(name, key)}")
            t.fail("plain gradient descent when lambd = 0", f"with lambd = 0 {key} should be {key} - learning_rate "
                   f"* d{key}, as in update_parameters{t.line_of(name, key)}")
    t.add("plain gradient descent when lambd = 0", True, "W := W - alpha dW, b := b - alpha db")
    zero = {k: np.zeros_like(v) for k, v in grads.items()}
    decayed = step(params, zero)  # no gradient: only the decay moves the weights
    right = 1 - lr * lambd / m
    for key in shapes:
        ratio = constant_ratio(decayed[key], params[key])
        if key.startswith("b"):
            if ratio is None or not math.isclose(ratio, 1.0, rel_tol=1e-9):
                times = "not by a constant factor" if ratio is None else f"times {ratio:.6g}"
                t.fail("biases are not decayed", f"with zero gradients {key} changed ({times}): the "
                       f"biases are not regularized, so b := b - alpha db only{t.line_of(name, key)}")
            continue
        if ratio is None or not math.isclose(ratio, right, rel_tol=1e-9):
            named = {round(1 - lr * lambd, 12): "1 - alpha lambd: the /m is missing",
                     round(1 - lr * lambd / (2 * m), 12): "1 - alpha lambd / (2m): the derivative of "
                                                          "(lambd/(2m)) ||W||^2 is (lambd/m) W",
                     round(1 + lr * lambd / m, 12): "1 + alpha lambd / m: the weights grow; the decay subtracts",
                     round(1 - lambd / m, 12): "1 - lambd / m: the learning rate is missing from the decay",
                     round(1 - 2 * lr * lambd / m, 12): "1 - 2 alpha lambd / m: the decay is applied twice (for "
                                                        "example lambd/m * W added to dW and W also shrunk, or the "
                                                        "decay term written twice); apply it once",
                     round((1 - lr * lambd) / m, 12): "(1 - alpha lambd) / m: check operator precedence, the /m "
                                                       "divides the whole bracket; write 1 - learning_rate * lambd "
                                                       "/ m",
                     round((1 - lr * lambd / m) ** 2, 12): "(1 - alpha lambd / m)^2: the decay is applied twice; "
                                                           "apply it once",
                     1.0: "1: the weights are not decayed at all"}.get(round(ratio, 12) if ratio is not None else -1)
            if named is None and ratio is not None:
                named = f"{ratio:.6g} (a constant factor, but not 1 - alpha lambd / m)"
            what = f"times {named}" if named else "not a constant factor of the old W"
            t.fail("weights decay by (1 - alpha lambd / m)", f"with zero gradients {key} came out {what}; it should "
                   f"be (1 - learning_rate * lambd / m) * {key} = {right:g} * {key}{t.line_of(name, key)}")
    t.add("weights decay by (1 - alpha lambd / m)", True, f"with zero gradients W shrinks by {right:g} each step")
    full = step(params, grads)
    want = ref.weight_decay_step(params, grads, lr, lambd, m)
    for key in shapes:
        if not np.allclose(full[key], want[key], rtol=1e-9, atol=1e-12):
            t.fail("the whole step", f"{key} is not (1 - alpha lambd / m) {key} - alpha d{key}{t.line_of(name, key)}")
    t.add("the whole step", True, "the same as gradient descent on the cost with its L2 term")
