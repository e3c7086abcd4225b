"""Vanishing and exploding activations and gradients (core.deep) and ``dltutor deep``."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import dltutor.core.deep as deep
from dltutor.core.deep import identity_experiment, run_deep
from dltutor.core.errors import TutorError
from dltutor.core.rng import make_rng
from dltutor.tutor.cli import main
from dltutor.tutor.text.deep import render_deep


def rng(seed: int = 0):
    return make_rng(seed)


# --------------------------------------------------------------------------------------------------------
# The course's deep linear network: W = a I


@pytest.mark.parametrize("a", [1.5, 0.5])
def test_identity_network_scales_like_a_to_the_l(a):
    L = 50
    r = identity_experiment(L, a, rng())
    ratios = np.array(r.act_std) / r.input_std
    np.testing.assert_allclose(ratios, a ** np.arange(1, L + 1), rtol=1e-9)
    np.testing.assert_allclose(r.act_std, r.expected_std, rtol=1e-9)
    # The signal sent back down grows (or shrinks) like a^(L-l) ...
    deltas = np.array([s.delta_rms for s in r.layers])
    np.testing.assert_allclose(deltas, a ** (L - np.arange(1, L + 1)), rtol=1e-9)
    # ... and every dW[l] carries the same factor a^(L-1).
    np.testing.assert_allclose(r.grad_norm, r.grad_norm[0], rtol=1e-9)
    trend = "exploding" if a > 1 else "vanishing"
    assert r.activations_trend == trend and r.gradients_trend == trend
    assert f"{a:g}^50" in " ".join(r.notes)


def test_identity_scale_one_is_stable_and_zero_is_zero():
    assert identity_experiment(30, 1.0, rng()).activations_trend == "stable"
    r = identity_experiment(30, 0.0, rng())
    assert r.activations_trend == "zero" and r.gradients_trend == "zero"


# --------------------------------------------------------------------------------------------------------
# Deep random networks, 50 layers of 100 units


def _ratio(r) -> float:
    return r.act_std[-1] / r.act_std[0]


def test_he_keeps_relu_stable():
    # At finite width each layer's gain is random, so the spread wanders; over seeds it stays near 1.
    ratios = []
    for seed in range(5):
        r = run_deep(50, 100, "relu", "he", rng(seed))
        assert r.activations_trend == "stable" and r.gradients_trend == "stable"
        stds = np.array(r.act_std)
        assert np.all(stds > r.act_std[0] / 5) and np.all(stds < r.act_std[0] * 5)
        ratios.append(_ratio(r))
    geometric_mean = math.exp(np.mean(np.log(ratios)))
    assert 1 / 3 < geometric_mean < 3
    # Against the same stack with Xavier (halves the variance per layer) or N(0, 1) weights.
    assert _ratio(run_deep(50, 100, "relu", "xavier", rng())) < 1e-6
    assert _ratio(run_deep(50, 100, "relu", "normal", rng())) > 1e30


def test_xavier_keeps_tanh_stable_ish():
    r = run_deep(50, 100, "tanh", "xavier", rng())
    assert r.activations_trend == "stable"
    assert 0.05 < r.act_std[-1] < r.act_std[0] < 1
    assert not r.saturated
    grads = np.array(r.grad_norm)
    assert grads.max() / grads.min() < 10


def test_normal_init_saturates_tanh():
    r = run_deep(50, 100, "tanh", "normal", rng())
    assert r.saturated
    flat = np.array([s.flat for s in r.layers])
    assert np.all(flat > 0.6)
    # Saturated units squash the activations to +-1 ...
    assert all(0.9 < s.act_mean_abs <= 1 for s in r.layers)
    assert any("saturated" in n for n in r.notes)
    assert any("xavier" in n for n in r.notes)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_small_init_vanishes(activation):
    r = run_deep(50, 100, activation, "small", rng())
    assert r.activations_trend == "vanishing"
    assert r.act_std[-1] < 1e-40
    assert "vanish" in r.summary


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_zeros_init_gives_zero_activations_and_gradients(activation):
    r = run_deep(50, 100, activation, "zeros", rng())
    assert all(s.act_std == 0 and s.act_mean_abs == 0 for s in r.layers)
    assert all(g == 0 for g in r.grad_norm)
    assert r.activations_trend == "zero"
    assert "zero" in r.summary


# --------------------------------------------------------------------------------------------------------
# Overflow, warnings, determinism


def test_overflow_is_reported_not_warned():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = identity_experiment(200, 100.0, rng())
        relu = run_deep(200, 30, "relu", "random", rng())
    # 100^l * std(X) passes the largest float near l = 154.
    assert 150 <= r.overflow_layer <= 156
    assert r.activations_trend == "overflow" and r.grad_overflow
    assert "overflow" in r.summary
    assert math.isinf(r.act_std[-1]) and math.isfinite(r.act_std[r.overflow_layer - 2])
    assert relu.overflow_layer is not None and relu.activations_trend == "overflow"
    text = render_deep(r)
    assert "overflow" in text
    assert np.geterr()["over"] == "warn"  # the errstate did not leak


def test_same_seed_same_report_and_redraw_path_matches(monkeypatch):
    a = run_deep(20, 30, "tanh", "he", rng(7))
    b = run_deep(20, 30, "tanh", "he", rng(7))
    assert a.to_dict() == b.to_dict()
    # With no room to keep weights they are re-drawn for the backward pass: same numbers.
    monkeypatch.setattr(deep, "WEIGHT_BUDGET", 0)
    c = run_deep(20, 30, "tanh", "he", rng(7))
    assert a.to_dict() == c.to_dict()
    assert run_deep(20, 30, "tanh", "he", rng(8)).to_dict() != a.to_dict()


def test_legacy_random_state_works():
    r = run_deep(10, 20, "relu", "he", np.random.RandomState(1))
    s = run_deep(10, 20, "relu", "he", np.random.RandomState(1))
    assert r.to_dict() == s.to_dict()
    assert r.activations_trend == "stable"


def test_m_adapts_to_the_stack_size():
    assert run_deep(2, 10, "relu", "he", rng()).m == 128
    assert run_deep(3, 10, "relu", "he", rng(), m=5).m == 5


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"depth": 0}, "depth"),
        ({"depth": 201}, "depth"),
        ({"depth": 2.5}, "depth"),
        ({"depth": "abc"}, "depth"),
        ({"width": 0}, "width"),
        ({"width": 2001}, "width"),
        ({"activation": "softmax"}, "activation"),
        ({"init": "bogus"}, "init"),
        ({"init": "he", "identity_scale": 1.5}, "identity_scale"),
        ({"init": "identity", "identity_scale": -1.0}, "identity_scale"),
        ({"init": "identity", "identity_scale": 101.0}, "identity_scale"),
        ({"init": "identity", "identity_scale": float("nan")}, "identity_scale"),
    ],
)
def test_bad_values_raise_tutor_error(kwargs, field):
    args = {"depth": 3, "width": 4, "activation": "relu", "init": "he"} | kwargs
    scale = args.pop("identity_scale", None)
    with pytest.raises(TutorError) as info:
        run_deep(args["depth"], args["width"], args["activation"], args["init"], rng(), identity_scale=scale)
    assert info.value.field == field
    assert info.value.allowed


def test_report_to_dict_is_json_with_inf_as_string():
    from dltutor.tutor.output import dumps

    payload = json.loads(dumps(identity_experiment(200, 100.0, rng()).to_dict()))
    assert payload["layers"][-1]["act_std"] == "inf"
    assert payload["overflow_layer"] is not None
    assert len(payload["layers"]) == 200


def test_core_deep_and_diagnose_do_not_import_ui():
    code = ("import sys, dltutor.core.deep, dltutor.core.diagnose; ui = {'textual', 'plotext', 'rich'}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ui or m.startswith('dltutor.tutor')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------------------------------------
# CLI


def test_cli_deep_text_has_table_and_chart(capsys):
    assert main(["deep", "--depth", "50", "--width", "100", "--activation", "relu", "--init", "he"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("he init with relu, 50 layers of 100 units")
    assert "act std" in out and "||dW||" in out
    assert "per-layer activation std and ||dW|| (log scale)" in out
    assert "\x1b[" not in out  # no colour codes
    assert "layer" in out.splitlines()[-1] or "layer" in out.splitlines()[-2]


def test_cli_deep_identity_json(capsys):
    assert main(["deep", "--depth", "50", "--identity-scale", "1.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["init"] == "identity" and out["activation"] == "linear" and out["width"] == 2
    assert out["activations_trend"] == "exploding"
    ratio = out["layers"][-1]["act_std"] / out["input_std"]
    assert ratio == pytest.approx(1.5**50, rel=1e-9)


def test_cli_deep_zeros_has_nothing_to_chart(capsys):
    assert main(["deep", "--depth", "5", "--width", "4", "--init", "zeros"]) == 0
    assert "nothing to chart" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["deep", "--depth", "0"],
        ["deep", "--depth", "201"],
        ["deep", "--width", "2001"],
        ["deep", "--width", "abc"],
        ["deep", "--activation", "swish"],
        ["deep", "--init", "orthogonal"],
        ["deep", "--init", "he", "--identity-scale", "1.5"],
        ["deep", "--identity-scale", "x"],
        ["deep", "--seed", "-1"],
    ],
)
def test_cli_deep_bad_input_exit_2(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error:")
    assert "Traceback" not in captured.err and captured.out == ""


# --------------------------------------------------------------------------------------------------------
# regressions: what an adversarial review found


def test_size_budget_refuses_clearly_with_the_allowed_range():
    from dltutor.core.deep import MAX_WEIGHTS, check_size

    with pytest.raises(TutorError) as info:
        check_size(20, 2000, 10_000)
    assert info.value.field == "width" and f"{MAX_WEIGHTS:,}" in info.value.allowed
    assert "depth <= 12 at width 2,000" in info.value.allowed and "width <= 1,581 at depth 20" in info.value.allowed
    with pytest.raises(TutorError) as info:
        run_deep(200, 2000, "relu", "he", rng())
    assert info.value.field == "width"
    with pytest.raises(TutorError) as info:
        run_deep(50, 100, "relu", "he", rng(), m=10_000)
    assert info.value.field == "examples" and "at most 2,000 examples" in info.value.allowed
    # the lesson's defaults and the largest stacks that fit still run with their default examples
    assert check_size(50, 100) == 128 and check_size(12, 2000) >= 8 and check_size(200, 500) >= 8
    assert check_size(50, 100, 2000) == 2000


def test_examples_are_named_examples_and_parsed_exactly():
    with pytest.raises(TutorError) as info:
        run_deep(3, 4, "relu", "he", rng(), m=0)
    assert info.value.field == "examples"
    with pytest.raises(TutorError) as info:
        run_deep("99999999999999999999999", 4, "relu", "he", rng())
    assert "99999999999999999999999" in str(info.value)


@pytest.mark.parametrize("argv, start", [
    (["deep", "--examples", "0"], "error: --examples: 0 is too small"),
    (["deep", "--seed", "99999999999999999999999"], "error: --seed: 99999999999999999999999 is too large"),
    (["deep", "--depth", "20", "--width", "2000", "--examples", "10000"], "error: --width: "),
    (["deep", "--depth", "50", "--width", "100", "--examples", "10000"], "error: --examples: "),
    (["deep", "--identity-scale", "1e300"], "error: --identity-scale: 1e+300 is out of range"),
])
def test_cli_deep_budget_and_numbers(argv, start, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(start) and captured.out == ""


def test_cli_deep_overflow_prints_no_warning(capsys):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["deep", "--depth", "200", "--identity-scale", "100", "--no-chart"]) == 0
    captured = capsys.readouterr()
    assert "overflow" in captured.out and "Warning" not in captured.err
