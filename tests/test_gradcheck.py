"""Gradient checking: the course's numbers, localization, kinks, modes, the lessons' demos and the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dltutor.core.gradcheck as gc
from dltutor.core.errors import TutorError
from dltutor.core.gradcheck import (
    check_variant,
    course_one_dimensional_check,
    dictionary_to_vector,
    epsilon_sweep,
    gradient_check,
    gradients_to_vector,
    one_dimensional_demo,
    relative_difference,
    vector_to_dictionary,
    verdict_band,
)
from dltutor.core.init import initialize
from dltutor.core.network import Architecture, backward, compute_cost, forward
from dltutor.core.rng import make_rng
from dltutor.core.variants import VARIANTS, course_case
from dltutor.tutor.cli import main
from dltutor.tutor.output import dumps
from dltutor.tutor.text.gradcheck import render_report, render_scale

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"

# The exercise's published results (also in ../shared/reference/published.json).
PUBLISHED_COURSE = 0.2850931567761623
PUBLISHED_FIXED = 1.1890913024229996e-07
PUBLISHED_ONLY_DW2 = 0.17344196893145924
PUBLISHED_ONLY_DB1 = 0.2544229712458523
PUBLISHED_1D = 2.919335883291695e-10


def numeric_of(report) -> np.ndarray:
    return np.concatenate([b.numeric.ravel() for b in report.blocks])


# --- the course's numbers ----------------------------------------------------------------------------------

def test_published_differences_of_the_exercise():
    assert check_variant("course").difference == pytest.approx(PUBLISHED_COURSE, rel=1e-9)
    assert check_variant("dW2-doubled").difference == pytest.approx(PUBLISHED_ONLY_DW2, rel=1e-9)
    assert check_variant("db1-times-4").difference == pytest.approx(PUBLISHED_ONLY_DB1, rel=1e-9)
    # The fixed difference is round-off itself: it matches when every perturbed cost is the course loop's.
    fixed = check_variant("fixed")
    assert fixed.difference == pytest.approx(PUBLISHED_FIXED, rel=1e-6)
    assert fixed.cost == pytest.approx(2.407833389834357, rel=1e-12)


def test_published_numbers_from_shared_reference():
    path = SHARED / "published.json"
    if not path.is_file():
        pytest.skip("../shared/reference not present")
    ref = json.loads(path.read_text())["gradient_checking"]
    n_dim = ref["n_dimensional"]
    buggy = n_dim["buggy_backprop"]["difference"]
    assert check_variant("course").difference == pytest.approx(buggy, rel=1e-9)
    for eps_text, value in n_dim["fixed_difference_by_epsilon"].items():
        got = check_variant("fixed", epsilon=float(eps_text)).difference
        assert got == pytest.approx(value, rel=1e-3), eps_text
    one = ref["one_dimensional"]
    got = course_one_dimensional_check(one["x"], one["theta"], one["epsilon"])["difference"]
    assert got == pytest.approx(one["difference"], rel=1e-9)


def test_course_case_equals_shared_npz():
    path = SHARED / "gradcheck_case.npz"
    if not path.is_file():
        pytest.skip("../shared/reference/gradcheck_case.npz not present")
    arch, params, X, Y = course_case()
    with np.load(path) as data:
        np.testing.assert_array_equal(X, data["X"])
        np.testing.assert_array_equal(Y.reshape(-1), np.asarray(data["Y"]).reshape(-1))
        for k, v in params.items():
            np.testing.assert_array_equal(v, data[k])


@pytest.mark.parametrize("strategy", ["auto", "whole", "layer", "row"])
@pytest.mark.parametrize("options", [{}, {"l2": 0.7, "l1": 0.3}])
def test_vectorized_paths_agree_with_the_course_loop(strategy, options):
    arch, params, X, Y = course_case()
    loop = gradient_check(arch, params, X, Y, "fixed", method="loop", **options)
    fast = gradient_check(arch, params, X, Y, "fixed", strategy=strategy, **options)
    np.testing.assert_allclose(numeric_of(fast), numeric_of(loop), rtol=0, atol=1e-8)
    assert fast.difference == pytest.approx(loop.difference, rel=0.05)
    if strategy in ("auto", "whole", "layer"):  # the stacked paths are the course loop bit for bit
        np.testing.assert_array_equal(numeric_of(fast), numeric_of(loop))


def test_vectorized_agrees_with_loop_on_a_wider_network():
    rng = make_rng(7)
    arch = Architecture((5, 30, 12, 3), "tanh")
    params = initialize(arch.layers, "xavier", rng)
    X = rng.standard_normal((5, 40))
    Y = rng.integers(0, 3, (1, 40))
    loop = gradient_check(arch, params, X, Y, method="loop", l2=0.4)
    for strategy in ("auto", "row", "layer"):
        fast = gradient_check(arch, params, X, Y, strategy=strategy, l2=0.4)
        np.testing.assert_allclose(numeric_of(fast), numeric_of(loop), rtol=1e-6, atol=1e-8)
        assert not fast.flagged


# --- localization of every variant -------------------------------------------------------------------------

@pytest.mark.parametrize("variant_id", list(VARIANTS))
def test_every_variant_flags_exactly_its_blocks(variant_id):
    report = check_variant(variant_id)
    assert sorted(report.flagged) == sorted(VARIANTS[variant_id].expected_flags)
    assert report.expected_flags == VARIANTS[variant_id].expected_flags
    assert report.lesson == VARIANTS[variant_id].lesson
    if variant_id == "fixed":
        assert report.verdict == "right" and report.passed
    else:
        assert report.verdict == "bug" and not report.passed


def test_course_bugs_are_localized_with_their_ratios():
    report = check_variant("course")
    assert report.flagged == ["db1", "dW2"]
    assert report.block("dW2").ratio == pytest.approx(2.0, rel=1e-4)
    assert report.block("db1").ratio == pytest.approx(4.0, rel=1e-4)
    assert "2.00 times" in report.block("dW2").hint
    assert "4.00 times" in report.block("db1").hint
    for name in ("dW1", "db2", "dW3", "db3"):
        block = report.block(name)
        assert not block.flagged and block.relative_difference < 1e-6


def test_sign_flip_and_missing_one_over_m():
    flip = check_variant("sign-flip").block("dW1")
    assert flip.ratio == pytest.approx(-1.0, rel=1e-4)
    assert flip.pattern == "sign" and "wrong sign" in flip.hint
    missing = check_variant("missing-1-over-m").block("db3")
    assert missing.ratio == pytest.approx(3.0, rel=1e-4)  # m = 3
    assert missing.pattern == "missing-1/m" and "missing 1/m" in missing.hint
    assert "or a stray factor" in missing.hint  # with a small m, a literal factor m looks the same


def test_wrong_activation_derivative_points_at_the_layer():
    report = check_variant("wrong-activation-derivative")
    assert any("layer 2 and every layer below" in a and "g'(Z2)" in a for a in report.advice)
    assert all("dZ2" in report.block(n).hint for n in report.flagged)
    assert report.lesson == "vanishing-gradients"


def test_forgot_l2_gradient_is_recognised_as_the_missing_term():
    report = check_variant("forgot-l2-gradient")
    assert report.l2 == pytest.approx(0.7)
    assert any("lambda = 0.7" in w for w in report.warnings)
    for name in ("dW1", "dW2", "dW3"):
        assert report.block(name).pattern == "l2"
        assert "lambda/m * W" in report.block(name).hint


def test_dropout_left_on_warns_and_shows_mask_zeros():
    report = check_variant("dropout-left-on")
    assert any("DROPOUT WAS LEFT ON" in w and "keep_prob = 1" in w for w in report.warnings)
    assert any(report.block(n).pattern == "zero" for n in report.flagged)
    assert report.lesson == "dropout"


def test_shape_error_is_reported_not_raised():
    report = check_variant("bias-summed-over-wrong-axis")
    assert report.flagged == ["db1"]
    assert math.isnan(report.difference) and report.verdict == "bug"
    block = report.block("db1")
    assert block.pattern == "shape" and "(1, 3)" in block.hint and "(5, 1)" in block.hint
    assert "axis=1" in block.hint
    assert report.shape_errors and "db1" in report.shape_errors[0]
    assert "db1 has shape (1, 3)" in render_report(report)
    json.loads(dumps(report.to_dict()))  # nan becomes a string, still valid JSON


def test_a_variant_on_another_network():
    rng = make_rng(3)
    arch = Architecture((3, 6, 5, 4), "tanh")
    params = initialize(arch.layers, "xavier", rng)
    X = rng.standard_normal((3, 10))
    Y = rng.integers(0, 4, (1, 10))
    for variant_id in ("dW2-doubled", "wrong-activation-derivative", "missing-1-over-m", "sign-flip"):
        report = gradient_check(arch, params, X, Y, variant_id)
        assert sorted(report.flagged) == sorted(VARIANTS[variant_id].flags_for(arch)), variant_id
    missing = gradient_check(arch, params, X, Y, "missing-1-over-m")
    assert missing.block("db3").ratio == pytest.approx(10, rel=1e-4)  # m = 10


def test_a_variant_that_cannot_apply_is_refused():
    rng = make_rng(0)
    arch = Architecture((2, 1), "relu")
    params = initialize(arch.layers, "he", rng)
    with pytest.raises(TutorError, match="layer 2"):
        gradient_check(arch, params, rng.standard_normal((2, 4)), np.array([[0, 1, 1, 0]]), "dW2-doubled")


# --- no false alarms ---------------------------------------------------------------------------------------

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")


@pytest.mark.parametrize("seed", range(24))
def test_correct_backprop_is_never_flagged(seed):
    rng = make_rng(seed)
    L = int(rng.integers(1, 4))
    layers = [int(rng.integers(1, 7)) for _ in range(L + 1)]
    arch = Architecture(tuple(layers), ACTIVATIONS[seed % 4])
    params = initialize(layers, ("he", "xavier", "random")[seed % 3], rng, scale=1.0)
    for k in params:
        if k.startswith("b"):
            params[k] = 0.5 * rng.standard_normal(params[k].shape)
    m = int(rng.integers(1, 25))
    X = rng.standard_normal((layers[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(int) if layers[-1] == 1 else rng.integers(0, layers[-1], (1, m))
    options = {"l2": (0.0, 0.7)[seed % 2], "l1": (0.0, 0.0, 0.3)[seed % 3]}
    for strategy in ("whole", "row"):
        report = gradient_check(arch, params, X, Y, strategy=strategy, **options)
        assert not report.flagged, (strategy, report.to_dict())
        assert report.verdict == "right" or report.kinks
    # the same network through the catalogue's correct backward (the course's line style)
    assert not gradient_check(arch, params, X, Y, "fixed", **options).flagged


def kinked_course_case():
    """The course's case with unit 4 of layer 1 sitting 3e-8 above zero on example 1."""
    arch, params, X, Y = course_case()
    params = {k: v.copy() for k, v in params.items()}
    Z1 = params["W1"] @ X + params["b1"]
    params["b1"][3, 0] -= Z1[3, 0] - 3e-8
    return arch, params, X, Y


def test_relu_kinks_are_reported_not_flagged():
    arch, params, X, Y = kinked_course_case()
    report = gradient_check(arch, params, X, Y)
    assert report.kinks and not report.flagged
    assert {k["block"] for k in report.kinks} == {"dW1", "db1"}
    assert {"block": "db1", "index": [3, 0]} in report.kinks
    # the course's metric over every element is thrown off; without the kinks it is right
    assert report.difference > 1e-4
    assert report.difference_excluding_kinks < 2e-7 and report.verdict == "right"
    assert report.block("db1").n_kinks == 1 and report.block("db1").kinks[3, 0]
    assert "kink" in report.block("dW1").hint and any("kink" in w for w in report.warnings)
    loop = gradient_check(arch, params, X, Y, method="loop")
    assert loop.kinks == report.kinks
    assert gradient_check(arch, params, X, Y, strategy="row").kinks == report.kinks


def test_kinks_do_not_hide_a_real_bug():
    arch, params, X, Y = kinked_course_case()
    report = gradient_check(arch, params, X, Y, "dW2-doubled")
    assert report.flagged == ["dW2"] and report.kinks


# --- modes -------------------------------------------------------------------------------------------------

def test_fast_mode_passes_on_correct_backprop():
    report = check_variant("fixed", mode="fast")
    assert report.fast["passed"] and report.fallback is None
    assert report.verdict == "right" and report.n_checked == 0
    assert all(b.pattern == "unchecked" and not b.flagged for b in report.blocks)
    assert report.fast["analytic"] == pytest.approx(report.fast["numeric"], rel=1e-5)


def test_fast_mode_fails_then_localizes():
    report = check_variant("course", mode="fast")
    assert not report.fast["passed"]
    assert report.fallback == "full" and report.flagged == ["db1", "dW2"]
    assert report.n_checked == 47


def test_fast_mode_falls_back_to_sampled_on_big_networks(monkeypatch):
    monkeypatch.setattr(gc.budget, "FULL_FALLBACK_LIMIT", 10)
    report = check_variant("dW2-doubled", mode="fast", k=4)
    assert report.fallback == "sampled" and report.n_checked < 47
    assert report.flagged == ["dW2"]
    stop = check_variant("dW2-doubled", mode="fast", fallback="none")
    assert stop.fallback is None and stop.verdict == "bug" and not stop.flagged


def test_fast_mode_on_a_large_network():
    rng = make_rng(0)
    arch = Architecture((200, 400, 50, 1), "relu")
    params = initialize(arch.layers, "he", rng)
    X = rng.standard_normal((200, 16))
    Y = (rng.random((1, 16)) < 0.5).astype(int)
    assert arch.n_parameters > 100_000
    report = gradient_check(arch, params, X, Y, mode="fast")
    assert report.fast["passed"] and report.verdict == "right"
    buggy = gradient_check(arch, params, X, Y, "dW2-doubled", mode="fast", k=5)
    assert buggy.fallback == "sampled" and buggy.flagged == ["dW2"]


def test_sampled_mode_checks_k_elements_per_block():
    report = check_variant("course", mode="sampled", k=3, rng=make_rng(5))
    assert [b.n_checked for b in report.blocks] == [3, 3, 3, 3, 3, 1]
    assert report.n_checked == 16
    assert set(report.flagged) <= {"dW2", "db1"} and "db1" in report.flagged
    dW1 = report.block("dW1")
    assert np.count_nonzero(~np.isnan(dW1.numeric)) == 3
    assert np.array_equal(np.isnan(dW1.element_difference), ~dW1.checked)
    again = check_variant("course", mode="sampled", k=3, rng=make_rng(5))
    np.testing.assert_array_equal(again.block("dW1").checked, dW1.checked)
    whole = check_variant("course", mode="sampled", k=100)
    assert whole.n_checked == 47 and whole.difference == pytest.approx(PUBLISHED_COURSE, rel=1e-9)


# --- the course's implementation notes ---------------------------------------------------------------------

def test_dropout_is_refused_with_the_reason():
    arch, params, X, Y = course_case()
    with pytest.raises(TutorError) as err:
        gradient_check(arch, params, X, Y, keep_probs=[0.8, 1.0])
    assert err.value.field == "keep_prob" and "keep_prob = 1" in str(err.value) and "masks" in str(err.value)
    assert gradient_check(arch, params, X, Y, keep_probs=[1.0, 1.0]).verdict == "right"


def test_dropout_can_be_demonstrated_with_a_loud_warning():
    arch, params, X, Y = course_case()
    report = gradient_check(arch, params, X, Y, keep_probs=[0.5, 0.5], dropout="warn", rng=make_rng(2))
    assert report.warnings[0].startswith("DROPOUT IS ON")
    assert report.verdict == "bug"  # J changes with every mask: its differences are noise


def test_regularization_term_is_part_of_j():
    arch, params, X, Y = course_case()
    report = gradient_check(arch, params, X, Y, l2=0.7, l1=0.1)
    AL, _ = forward(X, params, arch)
    assert report.cost > compute_cost(AL, Y) and not report.flagged and report.verdict == "right"


def test_check_after_training_iterations():
    report = check_variant("course", after_iterations=25, learning_rate=0.3)
    assert report.iterations == 25 and report.initial is not None
    assert report.initial.difference == pytest.approx(PUBLISHED_COURSE, rel=1e-9)
    assert report.cost < report.initial.cost
    assert report.flagged == report.initial.flagged == ["db1", "dW2"]
    text = render_report(report)
    assert "At initialization" in text and "After 25 iterations" in text
    assert "initial" in report.to_dict()


@pytest.mark.parametrize("kwargs, field", [
    ({"epsilon": 0}, "epsilon"), ({"epsilon": -1e-7}, "epsilon"), ({"epsilon": 2.0}, "epsilon"),
    ({"epsilon": float("nan")}, "epsilon"), ({"mode": "slow"}, "mode"), ({"k": 0}, "samples"),
    ({"method": "magic"}, "method"), ({"after_iterations": -1}, "after-iterations"), ({"l2": -1}, "lambda"),
])
def test_bad_options_raise_tutor_errors(kwargs, field):
    arch, params, X, Y = course_case()
    with pytest.raises(TutorError) as err:
        gradient_check(arch, params, X, Y, **kwargs)
    assert err.value.field == field


def test_unknown_variant_lists_the_ids():
    with pytest.raises(TutorError) as err:
        check_variant("nope")
    assert all(v in str(err.value) for v in VARIANTS)


def test_mismatched_parameters_are_refused():
    arch, params, X, Y = course_case()
    params = dict(params, W2=np.zeros((2, 5)))
    with pytest.raises(TutorError, match="W2"):
        gradient_check(arch, params, X, Y)
    with pytest.raises(TutorError, match="X"):
        gradient_check(arch, course_case()[1], X[:3], Y)


# --- vectors, bands, text ----------------------------------------------------------------------------------

def test_dictionary_and_vector_round_trip_in_course_order():
    _, params, _, _ = course_case()
    theta, keys = dictionary_to_vector(params)
    assert theta.shape == (47, 1)
    assert keys[:20] == ["W1"] * 20 and keys[20:25] == ["b1"] * 5 and keys[-1] == "b3"
    np.testing.assert_array_equal(theta[:4, 0], params["W1"][0])  # row-major, as np.reshape(-1, 1)
    back = vector_to_dictionary(theta)  # the course's shapes by default
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])
    grads = {"d" + k: v for k, v in params.items()} | {"dZ3": np.ones((1, 3))}
    np.testing.assert_array_equal(gradients_to_vector(grads), theta)
    with pytest.raises(TutorError):
        vector_to_dictionary(np.zeros(46))


@pytest.mark.parametrize("difference, name", [
    (1e-9, "right"), (1.1890913024229996e-07, "right"), (2.5e-7, "look"), (1e-5, "look"), (5e-5, "look"),
    (3e-4, "bug"), (5e-4, "bug"),
    (1e-3, "bug"), (0.285, "bug"), (float("nan"), "bug"),
])
def test_verdict_bands(difference, name):
    band = verdict_band(difference)
    assert band.name == name and band.label and band.advice


def test_scale_marks_the_difference():
    lines = render_scale(1e-7).split("\n")
    assert "right" in lines[1] and "look" in lines[1] and "bug" in lines[1]
    caret = lines[2].index("^")
    assert lines[0][caret:caret + 4] == "1e-7"
    assert render_scale(0.3).split("\n")[2].index("^") > render_scale(1e-5).split("\n")[2].index("^") > caret


def test_report_text_and_dict():
    report = check_variant("course")
    text = render_report(report)
    for piece in ("difference = 0.28509315677616", "BUG", "FLAGGED", "2.00", "4.00", "dW2 is 2.00 times",
                  "should flag dW2, db1: as expected"):
        assert piece in text
    d = report.to_dict()
    for key in ("variant", "epsilon", "mode", "difference", "verdict", "blocks", "kinks", "seconds"):
        assert key in d
    assert [b["name"] for b in d["blocks"]] == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    assert set(d["blocks"][0]) >= {"name", "relative_difference", "ratio", "flagged", "hint"}
    full = report.to_dict(elements=True)
    assert np.array(full["blocks"][2]["element_difference"]).shape == (3, 5)
    block = report.block("dW2")
    assert block.analytic.shape == block.numeric.shape == block.element_difference.shape == (3, 5)


# --- the lessons' demos ------------------------------------------------------------------------------------

def test_one_dimensional_demo_numbers():
    demo = one_dimensional_demo()
    assert demo["two_sided"] == pytest.approx(3.0001, abs=1e-9)
    assert demo["one_sided"] == pytest.approx(3.0301, abs=1e-9)
    assert demo["errors"]["two_sided"] == pytest.approx(1e-4, abs=1e-9)
    assert demo["errors"]["one_sided"] == pytest.approx(0.0301, abs=1e-9)
    by_eps = {round(math.log10(s["epsilon"]), 1): s for s in demo["sweep"]}
    # O(eps) against O(eps^2): a decade of eps is one decade of error one-sided, two decades two-sided
    assert by_eps[-2.0]["one_sided_error"] / by_eps[-3.0]["one_sided_error"] == pytest.approx(10, rel=0.05)
    assert by_eps[-2.0]["two_sided_error"] / by_eps[-3.0]["two_sided_error"] == pytest.approx(100, rel=0.05)
    with pytest.raises(TutorError):
        one_dimensional_demo(eps=0)


def test_course_one_dimensional_check():
    check = course_one_dimensional_check()
    assert check["difference"] == pytest.approx(PUBLISHED_1D, rel=1e-9)


def test_epsilon_sweep_is_u_shaped():
    sweep = epsilon_sweep()
    eps = [s["epsilon"] for s in sweep]
    diffs = [s["difference"] for s in sweep]
    assert eps == pytest.approx([10.0 ** -e for e in range(1, 11)])
    low = int(np.argmin(diffs))
    assert 0 < low < len(diffs) - 1
    assert diffs[0] > 100 * diffs[low] and diffs[-1] > 100 * diffs[low]
    assert all(a >= b for a, b in zip(diffs[:low], diffs[1:low + 1], strict=True))  # truncation falls
    assert all(a <= b for a, b in zip(diffs[low:], diffs[low + 1:], strict=False))  # round-off rises
    assert sweep[6]["difference"] == pytest.approx(PUBLISHED_FIXED, rel=1e-6)
    with pytest.raises(TutorError, match="no difference to sweep"):
        epsilon_sweep(backward_fn="bias-summed-over-wrong-axis")


# --- CLI ---------------------------------------------------------------------------------------------------

def test_cli_json_contract(capsys):
    assert main(["gradcheck", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["variant"] == "course" and doc["mode"] == "full" and doc["epsilon"] == 1e-7
    assert doc["difference"] == pytest.approx(PUBLISHED_COURSE, rel=1e-9) and doc["verdict"] == "bug"
    assert isinstance(doc["seconds"], float) and doc["kinks"] == []
    blocks = {b["name"]: b for b in doc["blocks"]}
    assert blocks["dW2"]["flagged"] and blocks["dW2"]["ratio"] == pytest.approx(2.0, rel=1e-4)
    assert not blocks["dW3"]["flagged"] and isinstance(blocks["dW3"]["hint"], str)


def test_cli_variants_modes_and_sweep(capsys):
    assert main(["gradcheck", "--variant", "fixed", "--sweep", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "right" and len(doc["sweep"]) == 10
    assert main(["gradcheck", "--variant", "missing-1-over-m", "--mode", "fast", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["fallback"] == "full" and doc["flagged"] == ["db3"]
    assert main(["gradcheck", "--variant", "fixed", "--sweep"]) == 0
    out = capsys.readouterr().out
    assert "RIGHT" in out and "U shape" in out and "epsilon" in out and "\x1b[" not in out
    assert main(["gradcheck", "--layers", "3,8,2", "--variant", "sign-flip", "--mode", "sampled",
                 "--samples", "4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["flagged"] == ["dW1"] and doc["n_checked"] == 4 + 4 + 4 + 2


def test_cli_list(capsys):
    assert main(["gradcheck", "--list", "--json"]) == 0
    ids = [v["id"] for v in json.loads(capsys.readouterr().out)["variants"]]
    assert ids == list(VARIANTS)
    assert main(["gradcheck", "--list"]) == 0
    assert "bias-summed-over-wrong-axis" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["gradcheck", "--variant", "nope"], ["gradcheck", "--epsilon", "0"], ["gradcheck", "--epsilon", "1.5"],
    ["gradcheck", "--epsilon", "abc"], ["gradcheck", "--mode", "slow"], ["gradcheck", "--samples", "0"],
    ["gradcheck", "--variant", "fixed", "--file", "x.py"], ["gradcheck", "--file", "/no/such/file.py"],
    ["gradcheck", "--after-iterations", "-2"], ["gradcheck", "--layers", "3,x,1"],
    ["numgrad", "--epsilon", "0"], ["numgrad", "--theta", "nan"],
])
def test_cli_bad_input_exits_2(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_cli_unknown_variant_names_the_ids(capsys):
    assert main(["gradcheck", "--variant", "nope"]) == 2
    err = capsys.readouterr().err
    assert "dW2-doubled" in err and "bias-summed-over-wrong-axis" in err


def test_cli_numgrad(capsys):
    assert main(["numgrad", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["two_sided"] == pytest.approx(3.0001, abs=1e-9)
    assert doc["one_sided"] == pytest.approx(3.0301, abs=1e-9)
    assert doc["course_check"]["difference"] == pytest.approx(PUBLISHED_1D, rel=1e-9)
    assert main(["numgrad", "--theta", "2", "--epsilon", "0.001"]) == 0
    out = capsys.readouterr().out
    assert "two-sided" in out and "one-sided" in out and "log-log" in out and "\x1b[" not in out


def test_core_does_not_import_ui_modules():
    code = ("import sys, dltutor.core.gradcheck, dltutor.core.variants, dltutor.core.learner; "
            "print(sorted(m for m in ('textual', 'plotext', 'rich', 'dltutor.tutor') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "[]"


def test_analytic_gradients_of_network_backward_are_the_default():
    arch, params, X, Y = course_case()
    AL, caches = forward(X, params, arch)
    grads = backward(AL, Y, caches, params, arch)
    report = gradient_check(arch, params, X, Y)
    for name, g in grads.items():
        np.testing.assert_array_equal(report.block(name).analytic, g)


# --- regressions: what an adversarial review found ----------------------------------------------------------

def _no_warnings(argv, capsys):
    """Run the CLI with every NumPy warning an error: nothing may reach the terminal."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main(argv)
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Traceback" not in captured.err
    return code, captured


def test_huge_l2_prints_no_warning_and_no_nan_blocks(capsys):
    code, captured = _no_warnings(["gradcheck", "--l2", "1e300"], capsys)
    assert code == 0
    out = captured.out
    assert "nan" not in out.split("block  shape")[1].split("\n\n")[0]  # the block table
    assert "J is almost all penalty" in out and "smaller lambda" in out
    code, captured = _no_warnings(["gradcheck", "--l2", "1e300", "--json"], capsys)
    doc = json.loads(captured.out)
    assert all(b["relative_difference"] is not None and math.isfinite(b["relative_difference"])
               for b in doc["blocks"])


def test_relative_difference_does_not_overflow():
    g = np.array([1e300, -3e299, 2e-300])
    assert relative_difference(g, g * (1 + 1e-10)) == pytest.approx(1e-10 / 2, rel=1e-3)
    assert relative_difference(np.array([1e-300]), np.array([3e-300])) == pytest.approx(0.5)
    assert math.isnan(relative_difference(np.array([np.inf]), np.array([1.0])))
    # ordinary values are squared as they are: bit for bit the course's formula
    a, b = np.array([0.3, -1.2, 2.5]), np.array([0.3000001, -1.2, 2.4999])
    course = np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
    assert relative_difference(a, b) == course


def test_diverged_training_is_cannot_tell_not_right(capsys):
    report = check_variant("course", after_iterations=5, learning_rate=1e300)
    assert report.initial.verdict == "bug"
    assert report.verdict == "cannot tell" and not report.passed and report.band.name == "cannot tell"
    assert "smaller learning rate" in report.band.advice and "fewer iterations" in report.band.advice
    assert all(b.pattern == "not-finite" and b.relative_difference is None for b in report.blocks)
    code, captured = _no_warnings(["gradcheck", "--learning-rate", "1e300", "--after-iterations", "5", "--json"],
                                  capsys)
    doc = json.loads(captured.out)
    assert code == 0 and doc["verdict"] == "cannot tell" and doc["passed"] is False
    code, captured = _no_warnings(["gradcheck", "--learning-rate", "1e300", "--after-iterations", "5"], capsys)
    after = captured.out.split("After 5 iterations")[1]
    assert "verdict: CANNOT TELL" in after and "RIGHT" not in after
    table = after.split("block  shape")[1].split("\n\n")[0]
    assert "not finite" in table and " ok" not in table
    assert "no block is off beyond round-off" not in after


def test_diverged_fast_check_is_not_a_pass():
    report = check_variant("course", after_iterations=5, learning_rate=1e300, mode="fast")
    assert report.verdict == "cannot tell" and not report.fast["passed"] and report.fallback is None
    assert "inconclusive" in render_report(report)


def test_nan_numeric_blocks_are_marked_not_finite():
    arch, params, X, Y = course_case()
    numeric = np.full(47, np.nan)
    numeric[:20] = 1.0
    checked = np.ones(47, dtype=bool)
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    names = list(params)
    report = gc.assemble_report(names, [params[k].shape for k in names], params, grads, numeric, checked,
                                np.zeros(47, dtype=bool), epsilon=1e-7, mode="full", sigma=1e-16, cost=1.0, m=3)
    assert report.verdict == "cannot tell" and not report.passed
    assert report.block("dW1").pattern == "ok" and report.block("dW1").relative_difference == 0.0
    assert all(report.block(k).pattern == "not-finite" for k in ("db1", "dW2", "db2", "dW3", "db3"))
    text = render_report(report)
    assert text.count("not finite") >= 5 and "no block is off beyond round-off" not in text


@pytest.mark.parametrize("argv", [["gradcheck", "--epsilon", "1e-320"], ["numgrad", "--epsilon", "1e-320"],
                                  ["gradcheck", "--epsilon", "1e-13"]])
def test_tiny_epsilon_is_refused_with_the_range(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --epsilon: {argv[-1]} is too small") and "1e-12 <= epsilon <= 1" in err


def test_epsilon_bounds_in_core():
    assert gc.check_epsilon(1e-12) == 1e-12 and gc.check_epsilon(1) == 1.0
    for bad in (1e-320, 0.0, -1.0, 1.5, float("inf"), True):
        with pytest.raises(TutorError):
            gc.check_epsilon(bad)
    with pytest.raises(TutorError):
        epsilon_sweep(epsilons=(1e-1, 1e-15))
    with pytest.raises(TutorError):
        course_one_dimensional_check(epsilon=1e-320)


@pytest.mark.parametrize("argv, start", [
    (["gradcheck", "--activation", "nope"], "error: --activation: only applies with --layers"),
    (["gradcheck", "--examples", "5"], "error: --examples: only applies with --layers"),
    (["gradcheck", "--layers", "2,3,1", "--activation", "nope"], "error: --activation: unknown activation"),
    (["gradcheck", "--variant", ""], "error: --variant: empty name"),
    (["gradcheck", "--timeout", "5"], "error: --timeout: only applies with --file"),
])
def test_options_that_do_not_apply_or_are_empty(capsys, argv, start):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(start)


def test_iterations_and_whole_numbers_are_bounded(capsys):
    for value in ("10000000", "1000000", "100001"):
        assert main(["gradcheck", "--after-iterations", value]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: --after-iterations: {value} is too large") and "100,000" in err
    assert main(["gradcheck", "--seed", "99999999999999999999999"]) == 2
    assert "99999999999999999999999 is too large" in capsys.readouterr().err
    with pytest.raises(TutorError) as err:
        check_variant("fixed", after_iterations=100_001)
    assert err.value.field == "after-iterations"


def test_memory_and_work_budgets_refuse_clearly(capsys):
    assert main(["gradcheck", "--layers", "2,1400,1400,1", "--examples", "100000", "--mode", "fast"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --examples: ") and "at most 1,783 examples" in err
    assert main(["gradcheck", "--layers", "2,1400,1400,1", "--examples", "16"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --mode: full mode") and "--mode sampled" in err and "--mode fast" in err
    assert main(["gradcheck", "--layers", "2,3000,1000,1", "--mode", "fast"]) == 2
    assert capsys.readouterr().err.startswith("error: --layers: ")  # beyond core.network.MAX_PARAMETERS
    # the training before a second check has a budget of its own
    with pytest.raises(TutorError) as err:
        gc.check_budget((2, 200, 200, 1), 1000, mode="fast", after_iterations=100_000)
    assert err.value.field == "after-iterations" and "at most" in err.value.allowed
    gc.check_budget((4, 5, 3, 1), 3, after_iterations=100_000)  # the course's case may train the maximum


def test_work_estimate_grows_with_what_is_checked():
    full = gc.numeric_work((2, 200, 200, 1), 1000)
    assert gc.numeric_work((2, 200, 200, 1), 1000, [10, 10, 2]) < full / 100
    assert gc.numeric_work((2, 200, 200, 1), 2000) > 1.9 * full
    assert gc.numeric_work((2, 200, 200, 1), 1000, method="loop") > full


def test_fast_mode_falls_back_to_sampled_beyond_the_work_budget(monkeypatch):
    arch = Architecture((3, 8, 4, 1), "tanh")
    params = initialize(arch.layers, "he", make_rng(2))
    X = make_rng(3).standard_normal((3, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    assert gradient_check(arch, params, X, Y, "sign-flip", mode="fast").fallback == "full"
    full = gc.numeric_work(arch.layers, 6)
    monkeypatch.setattr(gc.budget, "MAX_CHECK_WORK", full / 2)
    report = gradient_check(arch, params, X, Y, "sign-flip", mode="fast", k=3)
    assert report.fallback == "sampled" and report.flagged == ["dW1"] and report.n_checked < report.n_parameters
    with pytest.raises(TutorError) as err:
        gradient_check(arch, params, X, Y, mode="full")
    assert err.value.field == "mode"


def test_sweep_samples_a_network_too_large_to_sweep(monkeypatch, capsys):
    arch = Architecture((3, 8, 4, 1), "tanh")
    params = initialize(arch.layers, "he", make_rng(2))
    X = make_rng(3).standard_normal((3, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    whole = epsilon_sweep(arch, params, X, Y)
    assert all(s["n_checked"] == s["n_parameters"] == 73 for s in whole)
    monkeypatch.setattr(gc.budget, "MAX_CHECK_WORK", gc.numeric_work(arch.layers, 6) * 5)
    sampled = epsilon_sweep(arch, params, X, Y, k=2)
    assert all(s["n_checked"] == 2 * 5 + 1 for s in sampled)  # b3 has one element
    assert sampled[6]["band"] == "right"
    monkeypatch.setattr(gc.budget, "MAX_CHECK_WORK", 1.0)
    with pytest.raises(TutorError) as err:
        epsilon_sweep(arch, params, X, Y)
    assert err.value.field == "sweep"
    monkeypatch.setattr(gc.budget, "MAX_CHECK_WORK", 20_000_000_000)
    assert main(["gradcheck", "--layers", "2,200,200,1", "--examples", "1000", "--mode", "sampled", "--sweep",
                 "--no-chart"]) == 0
    assert "the same 51 of 41,001 elements at every epsilon" in capsys.readouterr().out


def test_train_stops_once_the_parameters_overflow(monkeypatch):
    arch, params, X, Y = course_case()
    calls = []
    monkeypatch.setattr(gc.descent, "forward", lambda *a, **kw: calls.append(1) or forward(*a, **kw))
    trained = gc.train(arch, params, X, Y, 100_000, learning_rate=1e308)
    assert not all(np.all(np.isfinite(v)) for v in trained.values())
    assert len(calls) < 10  # every further step would only keep nan and inf


def test_numgrad_messages(capsys):
    assert main(["numgrad", "--theta", "1e300"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --theta: 1e+300 is too large: |theta| must be at most 1e6")
    assert main(["numgrad", "--theta", "0", "--no-chart"]) == 0
    out = capsys.readouterr().out
    assert "Here both errors are the same" in out and "100 times more accurate" not in out
    assert main(["numgrad", "--no-chart"]) == 0
    assert "301 times more accurate" in capsys.readouterr().out


def test_singular_and_plural_in_reports():
    arch, params, X, Y = course_case()
    with pytest.raises(TutorError) as err:
        gradient_check(Architecture((4, 2, 1)), initialize((4, 2, 1), "he", make_rng(1)), X, Y,
                       keep_probs=[0.5, 0.5])
    assert "1 value with" in err.value.allowed
    report = check_variant("course", after_iterations=1)
    assert "after 1 iteration of gradient descent" in " ".join(report.advice)


def test_a_gradient_1e300_times_too_large_is_localized_without_warnings():
    import warnings

    arch, params, X, Y = course_case()

    def huge(X, Y, cache):
        grads = VARIANTS["fixed"].backward(X, Y, cache)
        return dict(grads, dW1=grads["dW1"] * 1e300)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = gradient_check(arch, params, X, Y, huge)
        text = render_report(report)
    assert report.flagged == ["dW1"] and report.verdict == "bug"
    assert report.block("dW1").ratio == pytest.approx(1e300, rel=1e-4)
    assert "dW1 is 1e+300 times the true gradient" in text
