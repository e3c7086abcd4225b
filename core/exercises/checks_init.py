"""Checks of the initialization exercises: keys, shapes, zero biases, the seed contract and the scale."""

from __future__ import annotations

import math

import numpy as np

from dltutor.core.exercises import reference as ref
from dltutor.core.exercises.checking import Tester, as_array, close, constant_ratio, shape_text
from dltutor.core.types import Array, Params

#: The cases: the notebook's small test networks and the exercise's own 2-10-5-1, plus a deeper one.
CASES = ([3, 2, 1], [2, 4, 1], [2, 10, 5, 1], [4, 6, 3, 2, 1])
_SIGNATURE = "(layers_dims)"


def _structure(t: Tester, name: str, layers: list[int]) -> Params:
    """Call ``name(layers)`` and check the keys and shapes; returns the parameters when they are usable."""
    params = t.call(name, list(layers))
    at = t.line_of(name)
    if not isinstance(params, dict):
        t.fail("returns a dict", f"{name}({layers}) returned {type(params).__name__}, not a dictionary of "
                                 f"parameters{at}")
    L = len(layers) - 1
    wanted = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]  # noqa: E741
    missing = [k for k in wanted if k not in params]
    extra = sorted(str(k) for k in params if k not in wanted)
    if missing or extra:
        msg = f"{name}({layers}) returned keys {sorted(map(str, params))}; it should return {', '.join(wanted)}"
        if missing and all(k.endswith(str(L)) for k in missing):
            msg += f" (the last layer, {L}, is missing: the loop stops one layer early; range(1, len(layers_dims)))"
        elif "W0" in extra or "b0" in extra:
            msg += " (layer 0 is the input and has no parameters: start the loop at 1)"
        t.fail("keys W1, b1, ..., WL, bL", msg + at)
    for key in wanted:
        arr = as_array(params[key])
        l = int(key[1:])  # noqa: E741
        want = (layers[l], layers[l - 1]) if key[0] == "W" else (layers[l], 1)
        if arr is None:
            t.fail("shapes", f"{name}({layers}): {key} is not an array of numbers{t.line_of(name, key)}")
        if arr.shape != want:
            t.fail("shapes", f"{name}({layers}): {key} has {shape_text(arr.shape, want)}{t.line_of(name, key)}")
        if not np.all(np.isfinite(arr)):
            t.fail("shapes", f"{name}({layers}): {key} holds nan or inf{t.line_of(name, key)}")
    return {k: np.asarray(params[k], dtype=np.float64) for k in wanted}


def _shapes_and_biases(t: Tester, name: str) -> dict[tuple[int, ...], Params]:
    out = {}
    for case in CASES:
        out[tuple(case)] = _structure(t, name, case)
    t.add("keys W1, b1, ..., WL, bL", True, f"every layer has its W and b for {len(CASES)} networks, e.g. "
          f"{', '.join(map(str, CASES[:2]))}")
    t.add("shapes", True, "W[l] is (n[l], n[l-1]) and b[l] is (n[l], 1)")
    for layers, params in out.items():
        for key, arr in params.items():
            if key.startswith("b") and np.any(arr != 0):
                t.fail("biases are zero", f"{name}({list(layers)}): {key} is not zero; the course starts every "
                       f"bias at np.zeros((n[l], 1)) (drawing them also shifts every later random draw)"
                       f"{t.line_of(name, key)}")
    t.add("biases are zero", True, "")
    return out


def check_init_zeros(t: Tester) -> None:
    name = "initialize_parameters_zeros"
    t.function(name, _SIGNATURE)
    out = _shapes_and_biases(t, name)
    for layers, params in out.items():
        for key, arr in params.items():
            if np.any(arr != 0):
                t.fail("weights are zero", f"{name}({list(layers)}): {key} is not all zeros (largest "
                       f"{np.max(np.abs(arr)):.3g}); this exercise sets every weight to zero, to see why it "
                       f"fails{t.line_of(name, key)}")
    t.add("weights are zero", True, "the cost will sit at log 2 = 0.693: every unit of a layer stays the same")


def _seed_contract(t: Tester, name: str, layers: list[int]) -> Params:
    """Call twice from two different global random states: the results must not depend on them."""
    np.random.seed(12345)
    first: Params = t.call(name, list(layers))  # a dict once the check below passes
    np.random.seed(54321)
    second = t.call(name, list(layers))
    same = isinstance(first, dict) and isinstance(second, dict) and all(
        close(first.get(k), second.get(k), 0, 0) for k in first)
    if not same:
        t.fail("seeds np.random.seed(3) itself", f"{name} gives different weights each time it is called: it "
               f"draws from wherever NumPy's global random state happens to be. The course's contract is "
               f"np.random.seed(3) as the first line of the function, then one np.random.randn draw per layer "
               f"(the checker compares numbers){t.line_of(name)}")
    return first


#: Scales a learner may have used, as functions of (n[l-1], n[l]), with their names.
_SCALES = (
    (lambda p, n: 10.0, "10 (the large random initialization)"),
    (lambda p, n: 1.0, "1: no scaling at all (np.random.randn alone)"),
    (lambda p, n: math.sqrt(2.0 / p), "sqrt(2 / n[l-1]) (He)"),
    (lambda p, n: math.sqrt(1.0 / p), "sqrt(1 / n[l-1]) (Xavier, for tanh; He has a 2 in it)"),
    (lambda p, n: math.sqrt(2.0 / n), "sqrt(2 / n[l]): the units of THIS layer instead of the previous one "
                                      "(n[l-1], the layer's inputs)"),
    (lambda p, n: 2.0 / p, "2 / n[l-1]: the variance instead of the standard deviation (np.sqrt is missing)"),
    (lambda p, n: math.sqrt(2.0 / (p + n)), "sqrt(2 / (n[l-1] + n[l])) (Glorot's average form)"),
    (lambda p, n: 1.0 / p, "1 / n[l-1] (Xavier's variance, without the square root)"),
    (lambda p, n: 0.01, "0.01 (small random weights)"),
    (lambda p, n: 100.0, "100 (10 applied twice?)"),
)


def _scale_name(used: dict[int, float], layers: list[int]) -> str | None:
    """Name the scale the learner used in every layer (``used``: layer -> standard deviation)."""
    for fn, text in _SCALES:
        if all(math.isclose(s, fn(layers[l - 1], layers[l]), rel_tol=1e-6) for l, s in used.items()):  # noqa: E741
            return text
    return None


def _check_draws(t: Tester, name: str, method: str) -> None:
    t.function(name, _SIGNATURE)
    out = _shapes_and_biases(t, name)
    _seed_contract(t, name, CASES[2])
    t.add("seeds np.random.seed(3) itself", True, "the same weights on every call, whatever the global state")
    for layers, params in out.items():
        expected = ref.initialize(list(layers), method)
        for l in range(1, len(layers)):  # noqa: E741
            key = f"W{l}"
            got, want = params[key], expected[key]
            if close(got, want, 1e-10, 0):
                continue
            where = f"{name}({list(layers)}): {key}"
            for dtype in (np.float32, np.float16):
                if np.array_equal(got, want.astype(dtype).astype(np.float64)):
                    t.fail("the weights' dtype", f"{where} holds the right numbers rounded to {np.dtype(dtype).name} "
                           f"(a cast such as .astype(np.{np.dtype(dtype).name})): keep NumPy's float64, as "
                           f"np.random.randn returns it, so the numbers match the course's to every digit"
                           f"{t.line_mentioning(name, 'float', 'astype', 'dtype')}")
            r = constant_ratio(got, want)
            scale = ref.initialize(list(layers), "random", scale=1.0)[key]  # the bare randn draw
            if r is not None:
                used = {}
                for j in range(1, len(layers)):
                    rj = constant_ratio(params[f"W{j}"], expected[f"W{j}"])
                    if rj is not None:
                        used[j] = abs(rj) * (10.0 if method == "random" else math.sqrt(2.0 / layers[j - 1]))
                named = _scale_name(used, list(layers)) or f"{used[l]:.4g}"
                right = "10" if method == "random" else "sqrt(2 / n[l-1])"
                what = f"is the right draw scaled by {named}, where the exercise uses {right}"
                if named.split(" (")[0].replace(" ", "") == right.replace(" ", ""):
                    what = (f"has the right scale but differs from the course's numbers by a factor {r:.10g}: "
                            f"rounded, or computed in another precision (keep float64)")
                if r < 0:
                    what += " (and the sign is flipped)"
                t.fail("the weights' scale", f"{where} {what}{t.line_of(name, key)}")
            if np.all(got >= 0) and got.size > 3:
                t.fail("the course's draws", f"{where} has no negative values: np.random.rand (uniform on [0, 1)) "
                       f"instead of np.random.randn (standard normal){t.line_of(name, key)}")
            reseeded = _reseeded_draw(list(layers), l, method)
            if close(got, reseeded, 1e-10, 0) and l > 1:
                t.fail("the course's draws", f"{where} repeats the first numbers of the seed-3 sequence: "
                       f"np.random.seed(3) is called inside the loop, once per layer; call it once, before the "
                       f"loop{t.line_of(name, key)}")
            if l > 1 and close(params["W1"], expected["W1"], 1e-10, 0):
                t.fail("the course's draws", f"{where} differs although W1 is right: the draws after W1 are not "
                       f"the course's (an extra draw, e.g. a random bias, or layers in another order)"
                       f"{t.line_of(name, key)}")
            factor = 10.0 if method == "random" else np.sqrt(2.0 / layers[l - 1])
            np.random.seed(3)
            if l == 1 and close(got, np.random.randn(layers[l - 1], layers[l]).T * factor, 1e-10, 0):
                t.fail("the course's draws", f"{where} is drawn as randn(n[l-1], n[l]) and transposed: the same "
                       f"numbers in another order. Draw np.random.randn(layers_dims[l], layers_dims[l-1]) directly"
                       f"{t.line_of(name, key)}")
            seed = _other_seed(got, layers[l], layers[l - 1], factor) if l == 1 else None
            if seed is not None:
                t.fail("the course's draws", f"{where} comes from np.random.seed({seed}); the course seeds with 3 "
                       f"(np.random.seed(3), first line of the function){t.line_of(name, key)}")
            idx = np.unravel_index(int(np.argmax(np.abs(got - want))), got.shape)
            t.fail("the course's draws", f"{where} is not what np.random.seed(3) followed by np.random.randn("
                   f"{layers[l]}, {layers[l - 1]}) gives for this layer: at [{idx[0]}, {idx[1]}] yours is "
                   f"{got[idx]:.6g}, expected {want[idx]:.6g} (seed 3 first, one randn(n[l], n[l-1]) per layer in "
                   f"order, no other draws; the bare draw there is {scale[idx]:.6g}){t.line_of(name, key)}")
    unit = ref.initialize([3, 2, 1], "random")["W1"] if method == "random" else \
        ref.initialize([2, 4, 1], "he")["W1"][0]
    shown = np.array2string(unit, precision=8, separator=" ")
    what = "W1 for [3, 2, 1]" if method == "random" else "first row of W1 for [2, 4, 1]"
    t.add("the course's numbers", True, f"{what} = {shown}, as the notebook prints")


def _other_seed(got: Array, n: int, n_prev: int, factor: float, seeds: range = range(0, 101)) -> int | None:
    """The seed (0..100) whose first randn(n, n_prev) draw, scaled, gives ``got``, if any."""
    state = np.random.get_state()
    try:
        for seed in seeds:
            np.random.seed(seed)
            if close(got, np.random.randn(n, n_prev) * factor, 1e-10, 0):
                return seed
    finally:
        np.random.set_state(state)
    return None


def _reseeded_draw(layers: list[int], l: int, method: str) -> Array:  # noqa: E741
    np.random.seed(3)
    W = np.random.randn(layers[l], layers[l - 1])
    return W * (10.0 if method == "random" else np.sqrt(2.0 / layers[l - 1]))


def check_init_random(t: Tester) -> None:
    _check_draws(t, "initialize_parameters_random", "random")


def check_init_he(t: Tester) -> None:
    _check_draws(t, "initialize_parameters_he", "he")
