"""Checks of the backward passes (L2, dropout) and of the dropout forward pass.

Gradients are compared key by key in the order backprop computes them (dW3, db3, dW2, ...), so the first
wrong key points at the first wrong line; a known mistake (the L2 term halved, a mask left out, a missing
/ keep_prob) is named by matching the learner's numbers with the reference with that one thing changed; and
every backward pass is also held to two-sided differences of its cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dltutor.core.exercises import reference as ref
from dltutor.core.exercises.checking import (
    Tester,
    as_array,
    central_differences,
    close,
    constant_ratio,
    describe,
    relative_difference,
    shape_text,
)
from dltutor.core.exercises.course_utils import Cache, compute_cost, forward_propagation, relu
from dltutor.core.exercises.helpers import forward_propagation_with_dropout_test_case
from dltutor.core.types import Array, Params

ORDER = ("dW3", "db3", "dW2", "db2", "dW1", "db1")
PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _case(seed: int, layers: tuple[int, ...], m: int) -> tuple[Array, Array, Params]:
    rng = np.random.RandomState(seed)
    X = rng.randn(layers[0], m)
    params: Params = {}
    for l in range(1, len(layers)):  # noqa: E741
        params[f"W{l}"] = rng.randn(layers[l], layers[l - 1])
        params[f"b{l}"] = rng.randn(layers[l], 1) * 0.5
    Y = (rng.rand(1, m) < 0.5).astype(int)
    Y[0, :2] = (0, 1)
    return X, Y, params


def _gradients(t: Tester, name: str, grads: object, params: Params) -> Params:
    if not isinstance(grads, dict):
        t.fail("returns a dict of gradients", f"{name} returned {type(grads).__name__}, not a dictionary "
                                              f"(dW1, db1, ...){t.line_of(name)}")
    missing = [k for k in ORDER[::-1] if k not in grads]
    if missing:
        t.fail("returns a dict of gradients", f"{name} returned keys {sorted(map(str, grads))}; missing "
               f"{', '.join(missing)}{t.line_of(name)}")
    out: Params = {}
    for key in ORDER:
        arr = as_array(grads[key])
        if arr is None:
            t.fail("shapes", f"{key} is not an array of numbers{t.line_of(name, key)}")
        want = params[key[1:]].shape
        if arr.shape != want:
            extra = " (summed over axis=0: examples are columns, use axis=1)" if key.startswith("db") and \
                arr.ndim == 2 and arr.shape[0] == 1 and want[0] != 1 else ""
            t.fail("shapes", f"{key} has {shape_text(arr.shape, want)}{extra}{t.line_of(name, key)}")
        out[key] = arr
    t.add("returns a dict of gradients", True, "dW1, db1, ..., dW3, db3 with the parameters' shapes")
    return out


def _first_wrong(got: Params, want: Params) -> str | None:
    for key in ORDER:
        if not close(got[key], want[key], 1e-6, 1e-10):
            return key
    return None


def _oracle(t: Tester, name: str, got: Params, J: Callable[[Params], float], params: Params, what: str) -> None:
    """Hold the gradients to two-sided differences of J (the check a learner does with gradient checking)."""
    numeric = central_differences(J, params, PARAMS)
    flat_g = np.concatenate([got["d" + k].reshape(-1) for k in PARAMS])
    flat_n = np.concatenate([numeric["d" + k].reshape(-1) for k in PARAMS])
    diff = relative_difference(flat_g, flat_n)
    if diff > 2e-7:
        worst = max(PARAMS, key=lambda k: relative_difference(got["d" + k], numeric["d" + k]))
        t.fail("two-sided differences", f"against two-sided differences of {what} the difference is {diff:.3g} "
               f"(above the course's 2e-7); worst block d{worst}{t.line_of(name, 'd' + worst)}")
    t.add("two-sided differences", True, f"difference {diff:.2g} against (J(theta + eps) - J(theta - eps)) / "
                                         f"(2 eps) of {what} (eps = 1e-7; the course fails only above 2e-7)")


# --- L2 backward ------------------------------------------------------------------------------------------

def _name_l2_mistake(X: Array, Y: Array, cache: Cache, lambd: float, got: Params, key: str, m: int) -> str:
    l = int(key[-1])  # noqa: E741
    plain = ref.backward_l2(X, Y, cache, 0.0)
    if key.startswith("dW"):
        for factor, text in ((0, f"the L2 term (lambd/m) * W{l} is missing"),
                             (0.5, f"the L2 term is (lambd/(2m)) * W{l}; the derivative of (lambd/(2m)) ||W||^2 is "
                                   f"(lambd/m) * W (the 2 of the square comes down)"),
                             (2, f"the L2 term is 2 (lambd/m) * W{l}: one factor 2 too many"),
                             (-1, f"the L2 term is subtracted: it is + (lambd/m) * W{l}"),
                             (m, f"the L2 term is lambd * W{l}: the 1/m is missing"),
                             (1 / lambd, f"the L2 term is W{l}/m: lambd is missing")):
            if close(got[key], ref.backward_l2(X, Y, cache, lambd, l2_factor={l: factor})[key], 1e-6, 1e-10):
                return text
    else:
        W_b = {3: cache[11], 2: cache[7], 1: cache[3]}[l]
        if close(got[key], plain[key] + lambd / m * W_b, 1e-6, 1e-10):
            return f"{key} has an L2 term; biases are not regularized, so db has none"
    want = ref.backward_l2(X, Y, cache, lambd)[key]
    text = f"{key} {describe(got[key], want, m=m, lambd=lambd)}"
    if l < 3 and "wrong values" in text:
        text += (f"; dW{l + 1} and db{l + 1} are right, so look at dA{l} = np.dot(W{l + 1}.T, dZ{l + 1}) and "
                 f"dZ{l} = dA{l} * (A{l} > 0), relu's derivative")
    return text


def check_l2_backward(t: Tester) -> None:
    name = "backward_propagation_with_regularization"
    t.function(name, "(X, Y, cache, lambd)")
    for seed, layers, m, lambd in ((1, (3, 2, 3, 1), 5, 0.7), (4, (2, 5, 3, 1), 8, 0.1)):
        X, Y, params = _case(seed, layers, m)
        _, cache = forward_propagation(X, params)
        grads = t.call(name, X.copy(), Y.copy(), tuple(np.copy(c) for c in cache), lambd)
        got = _gradients(t, name, grads, params)
        want = ref.backward_l2(X, Y, cache, lambd)
        key = _first_wrong(got, want)
        if key is not None:
            earlier = ORDER[:ORDER.index(key)]
            context = f" ({', '.join(earlier)} are right, so look at the lines between them and {key})" \
                if earlier else ""
            at = key
            shared = _shared_cause(t, grads, got, key, want, {0: X, 1: cache[1], 2: cache[5]},
                                   {1: cache[0], 2: cache[4]}, m, lambd=lambd)
            if shared is not None:
                text, at = shared
            else:
                text = _name_l2_mistake(X, Y, cache, lambd, got, key, m)
                if "wrong values" in text or "times the expected" in text:
                    other = 0.3 if lambd != 0.3 else 0.05
                    again = t.call(name, X.copy(), Y.copy(), tuple(np.copy(c) for c in cache), other)
                    plain = ref.backward_l2(X, Y, cache, 0.0)
                    found = constant_ratio(got["dW3"] - plain["dW3"], cache[10] / m)
                    hard = _hard_coded(got, again if isinstance(again, dict) else {}, "lambd", lambd, found)
                    if hard:
                        text, at = hard, "lambd"
            context = "" if "are right" in text or "hard-coded" in text else context
            t.fail("gradients", f"X {X.shape}, m = {m}, lambd = {lambd}: {text}{context}{t.line_of(name, at)}")
        t.add("gradients", True, f"every dW and db right on a {'-'.join(map(str, layers))} network, m = {m}, "
                                 f"lambd = {lambd}")

        def J(p: Params, X: Array = X, Y: Array = Y, lambd: float = lambd, m: int = m) -> float:
            A3, _ = forward_propagation(X, p)
            return float(compute_cost(A3, Y)) + ref.l2_penalty(p, m, lambd)

    _oracle(t, name, got, J, params, "the cost with its L2 term")


# --- dropout forward ----------------------------------------------------------------------------------------

_LAYOUT = "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)"


def _forward_out(t: Tester, name: str, out: Any) -> tuple[Array | None, tuple[Any, ...]]:
    try:
        A3, cache = out
    except (TypeError, ValueError):
        t.fail("returns (A3, cache)", f"{name} must return A3, cache; it returned {type(out).__name__}"
                                      f"{t.line_of(name)}")
    if not isinstance(cache, (tuple, list)) or len(cache) != 14:
        size = len(cache) if isinstance(cache, (tuple, list)) else type(cache).__name__
        hint = " (the course's cache without D1 and D2 has 12: add the masks)" if size == 12 else ""
        t.fail("returns (A3, cache)", f"the cache must be the course's 14-tuple {_LAYOUT}; yours has {size} "
                                      f"items{hint}{t.line_of(name)}")
    return as_array(A3), tuple(cache)


def _mask_problem(mask: object, Z: Array, keep_prob: float, ref_mask: Array, which: str) -> str:
    D = as_array(mask)
    if D is None:
        return f"{which} is not an array of numbers"
    if D.shape != Z.shape:
        return f"{which} has {shape_text(D.shape, Z.shape)}: one mask value per unit AND example, " \
               f"np.random.rand(A.shape[0], A.shape[1])"
    if np.any((D != 0) & (D != 1)):
        return f"{which} holds values other than 0 and 1: threshold the draw, {which} = ({which} < keep_prob)"
    if close(D, 1 - ref_mask, 0, 0):
        return f"{which} keeps a unit where the draw is >= keep_prob, so units survive with probability " \
               f"1 - keep_prob: use {which} < keep_prob"
    np.random.seed(1)
    if which == "D1" and close(D, (np.random.randn(*D.shape) < keep_prob).astype(int), 0, 0):
        return "D1 is drawn with np.random.randn (a normal draw): use np.random.rand, uniform on [0, 1), so that " \
               "D1 < keep_prob keeps each unit with probability keep_prob"
    if which == "D1":
        for seed in range(0, 101):
            if seed != 1 and close(D, ref.dropout_masks([D.shape], keep_prob, seed=seed)[0], 0, 0):
                return f"D1 comes from np.random.seed({seed}); the course seeds with 1 (np.random.seed(1), first " \
                       f"line of the function)"
    if which == "D2" and close(D, ref.dropout_masks([D.shape], keep_prob, seed=1)[0], 0, 0):
        return "D2 repeats D1's draw: np.random.seed(1) is called again before D2 (seed once, at the top)"
    return f"{which} is not the course's mask: np.random.seed(1) at the top of the function, then np.random.rand" \
           f"(A1.shape[0], A1.shape[1]) for D1 and, after it, np.random.rand(A2.shape[0], A2.shape[1]) for D2 " \
           f"(rand, not randn; no other draws in between)"


def _activation_problem(activation: object, Z: Array, D: Array, keep_prob: float, which: str,
                        mask: str) -> str | None:
    A = as_array(activation)
    base = relu(Z) * D
    if A is None or A.shape != Z.shape:
        return f"{which} has the wrong shape"
    if close(A, base / keep_prob):
        return None
    if close(A, base):
        return f"{which} is not divided by keep_prob: inverted dropout scales the surviving units up " \
               f"({which} = {which} / keep_prob) so the expected value of {which} stays the same"
    if close(A, base * keep_prob):
        return f"{which} is multiplied by keep_prob; divide it ({which} / keep_prob)"
    if close(A, relu(Z) / keep_prob):
        return f"the mask {mask} is never applied to {which} ({which} = {which} * {mask})"
    if close(A, relu(Z)):
        return f"{which} has no dropout at all: multiply by {mask}, then divide by keep_prob"
    return f"{which} is not relu(Z) * {mask} / keep_prob"


def check_dropout_forward(t: Tester) -> None:
    name = "forward_propagation_with_dropout"
    t.function(name, "(X, parameters, keep_prob=0.5)")
    for seed, layers, m, kp in ((1, (3, 2, 3, 1), 5, 0.7), (3, (2, 20, 3, 1), 11, 0.86)):
        X, _, params = _case(seed, layers, m)
        np.random.seed(12345)
        out1 = t.call(name, X.copy(), {k: v.copy() for k, v in params.items()}, kp)
        A3, cache = _forward_out(t, name, out1)
        np.random.seed(777)
        A3_again, cache_again = _forward_out(t, name, t.call(name, X.copy(), {k: v.copy() for k, v in params.items()},
                                                             kp))
        if not (close(A3, A3_again, 0, 0) and close(cache[1], cache_again[1], 0, 0)):
            t.fail("seeds np.random.seed(1) itself", f"{name} draws different masks on each call: it takes them "
                   f"from wherever NumPy's global random state is. The course's contract is np.random.seed(1) as "
                   f"the first line, then rand for D1, then rand for D2 (the checker compares numbers, and the "
                   f"course's published results need the same masks every iteration){t.line_of(name, 'D1')}")
        want_A3, want = ref.forward_dropout(X, params, kp)
        _forward_cause(t, name, X, params, kp, A3, cache, want_A3, want)
        Z1 = np.dot(params["W1"], X) + params["b1"]
        if not close(cache[0], Z1):
            t.fail("Z1", f"Z1 = np.dot(W1, X) + b1 is not what the cache holds first (dropout on the input X? the "
                         f"course applies none there){t.line_of(name, 'Z1')}")
        problem = _mask_problem(cache[1], Z1, kp, want[1], "D1")
        if not close(cache[1], want[1], 0, 0):
            t.fail("mask D1", f"keep_prob {kp}: {problem}{t.line_of(name, 'D1')}")
        bad = _activation_problem(cache[2], Z1, want[1], kp, "A1", "D1")
        if bad:
            t.fail("A1 with dropout", f"keep_prob {kp}: {bad}{t.line_of(name, 'A1')}")
        Z2 = np.dot(params["W2"], want[2]) + params["b2"]
        if not close(cache[5], Z2):
            t.fail("Z2", f"Z2 = np.dot(W2, A1) + b2 is wrong although A1 is right{t.line_of(name, 'Z2')}")
        if not close(cache[6], want[6], 0, 0):
            t.fail("mask D2", f"keep_prob {kp}: {_mask_problem(cache[6], Z2, kp, want[6], 'D2')}"
                              f"{t.line_of(name, 'D2')}")
        bad = _activation_problem(cache[7], Z2, want[6], kp, "A2", "D2")
        if bad:
            t.fail("A2 with dropout", f"keep_prob {kp}: {bad}{t.line_of(name, 'A2')}")
        if not close(A3, want_A3):
            why = "A3 is not sigmoid(np.dot(W3, A2) + b3): no dropout on the output layer, and no mask or " \
                  "/ keep_prob there"
            t.fail("A3", f"{why}{t.line_of(name, 'A3')}")
        order = [c for c in (cache[0], cache[3], cache[4], cache[8], cache[9], cache[10], cache[11], cache[12],
                             cache[13])]
        expected = [want[i] for i in (0, 3, 4, 8, 9, 10, 11, 12, 13)]
        if not all(close(a, b) for a, b in zip(order, expected, strict=True)):
            t.fail("cache layout", f"the cache must be {_LAYOUT}, in that order (backward unpacks it so)"
                                   f"{t.line_of(name)}")
        shown = np.array2string(np.asarray(want_A3), precision=8, separator=" ")
        t.add(f"keep_prob {kp}", True, f"masks, scaling, cache and A3 right ({'-'.join(map(str, layers))} network, "
                                       f"m = {m}): A3 = {shown if m <= 5 else 'as the course computes it'}")
    X, params = forward_propagation_with_dropout_test_case()
    A3, _ = _forward_out(t, name, t.call(name, X.copy(), {k: v.copy() for k, v in params.items()}, 0.7))
    want_A3, _ = ref.forward_dropout(X, params, 0.7)
    shown = np.array2string(np.asarray(want_A3), precision=8, separator=" ")
    if not close(A3, want_A3):
        t.fail("the notebook's case", f"keep_prob 0.7 on the notebook's test case: A3 should be {shown}"
                                      f"{t.line_of(name)}")
    t.add("the notebook's case", True, f"A3 = {shown} with keep_prob 0.7, as the notebook prints")


_NAMES = tuple(_LAYOUT.strip("()").split(", "))


def _forward_cause(t: Tester, name: str, X: Array, params: Params, kp: float, A3: Array | None,
                   cache: tuple[Any, ...], want_A3: Array, want: Cache) -> None:
    """Causes checked before the item-by-item checks: the cache's order, the mask applied to Z before relu,
    and a hard-coded keep_prob (right numbers for one keep_prob only)."""
    if close(A3, want_A3) and all(close(a, b) for a, b in zip(cache, want, strict=True)):
        return
    # the cache's order: every item is the course's, in another place
    order: list[int] = []
    for item in cache:
        j = next((j for j in range(len(want)) if j not in order and close(item, want[j])), None)
        if j is None:
            break
        order.append(j)
    if len(order) == len(want) and order != list(range(len(want))):
        yours = ", ".join(_NAMES[j] for j in order)
        moved = [f"{_NAMES[j]} is item {i + 1}" for i, j in enumerate(order) if i != j][:3]
        t.fail("cache layout", f"your cache holds the right values in another order: ({yours}); it must be "
               f"{_LAYOUT} (backward_propagation_with_dropout unpacks it in that order; {', '.join(moved)})"
               f"{t.line_of(name, 'cache')}")
    # the mask applied to Z (before relu) instead of to A
    for layer, zi, di in ((1, 0, 1), (2, 5, 6)):
        Z, D = as_array(cache[zi]), as_array(cache[di])
        if Z is None or D is None or Z.shape != D.shape or close(Z, want[zi]) or not close(D, want[di], 0, 0):
            continue
        if layer == 2 and not close(cache[2], want[2]):
            continue
        if close(Z, want[zi] * D) or close(Z, want[zi] * D / kp):
            t.fail(f"Z{layer}", f"the mask D{layer} is applied to Z{layer}, before relu: the course drops units of "
                   f"the activation, A{layer} = relu(Z{layer}); A{layer} = A{layer} * D{layer}; A{layer} = "
                   f"A{layer} / keep_prob, and the cache keeps Z{layer} = np.dot(W{layer}, "
                   f"{'X' if layer == 1 else 'A1'}) + b{layer} as computed{t.line_of(name, f'Z{layer}')}")
    # keep_prob hard-coded: another keep_prob gives the same numbers
    other = 0.5 if kp != 0.5 else 0.6
    again = t.call(name, X.copy(), {k: v.copy() for k, v in params.items()}, other)
    try:
        A3_other, cache_other = again
    except (TypeError, ValueError):
        return
    if close(A3, A3_other, 0, 0) and len(cache_other) == len(cache) and \
            all(close(a, b, 0, 0) for a, b in zip(cache, cache_other, strict=True)):
        Z1 = np.dot(params["W1"], X) + params["b1"]
        D1, A1 = as_array(cache[1]), as_array(cache[2])
        r = constant_ratio(A1, relu(Z1) * D1) if D1 is not None and A1 is not None and A1.shape == Z1.shape \
            else None
        named = f" (your numbers are those of keep_prob = {1 / r:.4g})" if r else ""
        t.fail("uses keep_prob", f"keep_prob is hard-coded: called with keep_prob = {kp:g} and with {other:g}, your "
               f"function returns the same A3 and cache{named}. Use the keep_prob argument for the masks and the "
               f"scaling{t.line_of(name, 'keep_prob')}")


# --- dropout backward ---------------------------------------------------------------------------------------

def _name_dropout_mistake(X: Array, Y: Array, cache: Cache, kp: float, got: Params, key: str,
                          m: int) -> tuple[str, str]:
    """What is wrong with ``key``, and the variable whose line to point at."""
    layer = {"dW2": 2, "db2": 2, "dW1": 1, "db1": 1}.get(key)
    if layer is not None:
        i = layer - 1
        variants = []
        for mask, scale, text in ((False, "divide", f"dA{layer} is not multiplied by D{layer}: shut down the same "
                                                    f"units as the forward pass (dA{layer} = dA{layer} * D{layer})"),
                                  (True, "none", f"dA{layer} is not divided by keep_prob (dA{layer} = dA{layer} / "
                                                 f"keep_prob, as the forward pass scaled A{layer})"),
                                  (True, "multiply", f"dA{layer} is multiplied by keep_prob; divide it"),
                                  (False, "none", f"dA{layer} has no dropout at all: multiply by D{layer} and "
                                                  f"divide by keep_prob")):
            masks, scales = [True, True], ["divide", "divide"]
            masks[i], scales[i] = mask, scale
            variants.append((ref.backward_dropout(X, Y, cache, kp, mask=(masks[0], masks[1]),
                                                  scale=(scales[0], scales[1])), text))
        for candidate, text in variants:
            if close(got[key], candidate[key], 1e-6, 1e-10):
                return text, f"dA{layer}"
    want = ref.backward_dropout(X, Y, cache, kp)[key]
    text = describe(got[key], want, m=m, keep_prob=kp) or ""
    if layer is not None and "keep_prob" in text:
        return f"{key} {text}: look at dA{layer}", f"dA{layer}"
    return f"{key} {text}", key


def _check_dA(t: Tester, name: str, grads: dict[str, Any], X: Array, Y: Array, cache: Cache, kp: float) -> None:
    """The course's gradients also hold dA1 and dA2 after the mask and the scaling: a mask left out does not
    change dW and db (relu's derivative reads the dropped A), but it shows in dA."""
    want = ref.backward_dropout(X, Y, cache, kp)
    for layer in (2, 1):
        key = f"dA{layer}"
        got = as_array(grads.get(key)) if key in grads else None
        if got is None or got.shape != want[key].shape or close(got, want[key], 1e-6, 1e-10):
            continue
        masks = [True, True]
        masks[layer - 1] = False
        unmasked = ref.backward_dropout(X, Y, cache, kp, mask=(masks[0], masks[1]))[key]
        if close(got, unmasked, 1e-6, 1e-10):
            t.fail(f"mask D{layer} on dA{layer}", f"dA{layer} is not multiplied by D{layer}: shut down the same units "
                   f"as the forward pass (dA{layer} = dA{layer} * D{layer}). Your dW and db come out right only "
                   f"because relu's derivative reads the dropped A{layer}; the exercise applies the mask"
                   f"{t.line_of(name, key)}")
        t.fail(f"mask D{layer} on dA{layer}", f"the dA{layer} you return {describe(got, want[key], keep_prob=kp)}: it "
               f"should be np.dot(W{layer + 1}.T, dZ{layer + 1}) * D{layer} / keep_prob{t.line_of(name, key)}")
    if "dA1" in grads and "dA2" in grads:
        t.add("masks on dA1 and dA2", True, "dA2 = dA2 * D2 / keep_prob and dA1 = dA1 * D1 / keep_prob")


def check_dropout_backward(t: Tester) -> None:
    name = "backward_propagation_with_dropout"
    t.function(name, "(X, Y, cache, keep_prob)")
    for seed, layers, m, kp in ((1, (3, 2, 3, 1), 5, 0.8), (3, (2, 20, 3, 1), 11, 0.86)):
        X, Y, params = _case(seed, layers, m)
        _, cache = ref.forward_dropout(X, params, kp)
        grads = t.call(name, X.copy(), Y.copy(), tuple(np.copy(c) for c in cache), kp)
        got = _gradients(t, name, grads, params)
        want = ref.backward_dropout(X, Y, cache, kp)
        key = _first_wrong(got, want)
        if key is not None:
            earlier = ORDER[:ORDER.index(key)]
            context = f" ({', '.join(earlier)} are right)" if earlier else ""
            shared = _shared_cause(t, grads, got, key, want, {0: X, 1: cache[2], 2: cache[7]},
                                   {1: cache[0], 2: cache[5]}, m, keep_prob=kp)
            text, at = shared if shared is not None else _name_dropout_mistake(X, Y, cache, kp, got, key, m)
            if shared is None and ("wrong values" in text or "times the expected" in text
                                   or "keep_prob" in text and "look at" in text):
                again = t.call(name, X.copy(), Y.copy(), tuple(np.copy(c) for c in cache), 0.5 if kp != 0.5 else 0.6)
                ratio = constant_ratio(got["dW2"], ref.backward_dropout(X, Y, cache, 1.0)["dW2"])
                hard = _hard_coded(got, again if isinstance(again, dict) else {}, "keep_prob", kp,
                                   1 / ratio if ratio else None)
                if hard:
                    text, at, context = hard, "keep_prob", ""
            t.fail("gradients", f"keep_prob {kp}, m = {m}: {text}{context}{t.line_of(name, at)}")
        t.add("gradients", True, f"every dW and db right with keep_prob {kp} ({'-'.join(map(str, layers))}, m = {m})")
        _check_dA(t, name, grads, X, Y, cache, kp)
        masks = [cache[1], cache[6]]

        def J(p: Params, X: Array = X, Y: Array = Y, masks: list[Array] = masks, kp: float = kp) -> float:
            return ref.dropout_cost(X, Y, p, masks, kp)

    _oracle(t, name, got, J, params, "the cost with the forward pass's masks held fixed")


# --- causes the L2 and dropout backward passes share ---------------------------------------------------------

def _hard_coded(got: Params, again: dict[str, Any], word: str, value: float, found: float | None) -> str | None:
    """``word`` (lambd, keep_prob) is hard-coded when the gradients do not move with the argument."""
    if not all(k in again and close(got[k], again[k], 1e-12, 1e-15) for k in ORDER):
        return None
    named = f" (your numbers are those of {word} = {found:.4g})" if found is not None else ""
    return (f"{word} is hard-coded: called with {word} = {value:g} and again with another {word}, your gradients "
            f"are the same{named}. Use the {word} argument")


def _shared_cause(t: Tester, grads: dict[str, Any], got: Params, key: str, want: Params, A: dict[int, Array],
                  Z: dict[int, Array], m: int, **factors: float) -> tuple[str, str] | None:
    """A cause both backward passes can have, named the same way in both: relu's derivative written
    ``A >= 0``, Z where the formula has A, or an extra factor on the dZ line although dA is right."""
    layer = int(key[-1])
    if key.startswith("dW") and layer in (2, 3):
        prev = layer - 1
        dZ = want[f"dZ{layer}"]
        swapped = want[key] - 1. / m * np.dot(dZ, A[prev].T) + 1. / m * np.dot(dZ, Z[prev].T)
        if close(got[key], swapped, 1e-6, 1e-10):
            return (f"{key} uses Z{prev} where the formula has A{prev}: {key} = 1/m * np.dot(dZ{layer}, A{prev}.T), "
                    f"A{prev} being the activation relu(Z{prev}) the next layer received"), key
    if layer == 3:
        return None
    gdA, gdZ = as_array(grads.get(f"dA{layer}")), as_array(grads.get(f"dZ{layer}"))
    wdA, wdZ = want[f"dA{layer}"], want[f"dZ{layer}"]
    if gdA is None or gdZ is None or gdA.shape != wdA.shape or gdZ.shape != wdZ.shape:
        return None
    if not close(gdA, wdA, 1e-6, 1e-10) or close(gdZ, wdZ, 1e-6, 1e-10):
        return None
    if close(gdZ, gdA, 1e-6, 1e-10) or close(gdZ, gdA * (A[layer] >= 0), 1e-6, 1e-10):
        return (f"dZ{layer} equals dA{layer}: relu's derivative is missing or always 1. (A{layer} >= 0) is true "
                f"everywhere (relu never returns a negative); it is dZ{layer} = dA{layer} * (A{layer} > 0)"), \
            f"dZ{layer}"
    r = constant_ratio(gdZ, wdZ)
    kp = factors.get("keep_prob")
    if r is not None and kp and abs(r - kp) < 1e-6 * kp:
        text = "has an extra factor keep_prob (it is keep_prob times the expected)"
    else:
        text = describe(gdZ, wdZ, m=m, **factors) or "differs"
    return (f"dZ{layer} {text}, although dA{layer} is right: the mistake is on the dZ{layer} line, which is "
            f"dZ{layer} = dA{layer} * (A{layer} > 0) and nothing more"), f"dZ{layer}"
