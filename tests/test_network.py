"""The core's maths: every backward path against central differences, and the lean loop against the
readable reference."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dltutor.core import network
from dltutor.core.errors import TutorError
from dltutor.core.init import initialize
from dltutor.core.network import Architecture
from dltutor.core.train import LeanNet
from tests.helpers import reference


def _numeric_grads(X, Y, params, arch, l2=0.0, l1=0.0, masks=None, keep_probs=None, eps=1e-6):
    grads = {}
    for key, P in params.items():
        g = np.zeros_like(P)
        it = np.nditer(P, flags=["multi_index"])
        for _ in it:
            idx = it.multi_index
            old = P[idx]
            P[idx] = old + eps
            AL, _ = network.forward(X, params, arch, training=masks is not None, keep_probs=keep_probs, masks=masks)
            jp = network.compute_cost(AL, Y, params, l2, l1)
            P[idx] = old - eps
            AL, _ = network.forward(X, params, arch, training=masks is not None, keep_probs=keep_probs, masks=masks)
            jm = network.compute_cost(AL, Y, params, l2, l1)
            P[idx] = old
            g[idx] = (jp - jm) / (2 * eps)
        grads["d" + key] = g
    return grads


def _rel(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b) + 1e-300)


CASES = [
    # (layers, activation, l2, l1, dropout)
    ((3, 4, 1), "tanh", 0.0, 0.0, False),
    ((2, 5, 3, 1), "relu", 0.7, 0.0, False),
    ((4, 6, 5, 3), "sigmoid", 0.0, 0.0, False),  # softmax output
    ((3, 7, 1), "leaky_relu", 0.0, 0.4, False),
    ((2, 4, 4, 1), "linear", 0.2, 0.1, False),
    ((3, 6, 5, 1), "tanh", 0.0, 0.0, True),
    ((2, 5, 4, 1), "relu", 0.3, 0.0, True),
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("layers,activation,l2,l1,dropout", CASES)
def test_backward_matches_central_differences(seed, layers, activation, l2, l1, dropout):
    rng = np.random.default_rng(seed)
    arch = Architecture(layers, activation)
    params = initialize(layers, "xavier", rng)
    for k in params:
        if k.startswith("b"):
            params[k] = rng.standard_normal(params[k].shape) * 0.1
    m = 7
    X = rng.standard_normal((layers[0], m))
    Y = (rng.integers(0, layers[-1] if layers[-1] > 1 else 2, size=(1, m))).astype(float)
    if activation == "relu":  # keep pre-activations away from the kink, where the derivative is undefined
        X *= 3
    keep_probs = masks = None
    if dropout:
        keep_probs = [0.8] * (arch.L - 1)
        masks = network.dropout_masks(arch, m, keep_probs, rng)
    AL, caches = network.forward(X, params, arch, training=dropout, keep_probs=keep_probs, masks=masks)
    grads = network.backward(AL, Y, caches, params, arch, l2=l2, l1=l1)
    numeric = _numeric_grads(X, Y, params, arch, l2, l1, masks, keep_probs)
    for key in grads:
        assert grads[key].shape == numeric[key].shape
        assert _rel(grads[key], numeric[key]) < 1e-7, key


@pytest.mark.parametrize("layers,activation,l2,l1,dropout", CASES)
def test_lean_loop_matches_reference(layers, activation, l2, l1, dropout):
    rng = np.random.default_rng(3)
    arch = Architecture(layers, activation)
    params = initialize(layers, "he", rng)
    m = 9
    X = rng.standard_normal((layers[0], m))
    Y = (rng.integers(0, layers[-1] if layers[-1] > 1 else 2, size=(1, m))).astype(float)
    keep_probs = masks = None
    dropout_layers = ()
    if dropout:
        keep_probs = [0.7] * (arch.L - 1)
        masks = network.dropout_masks(arch, m, keep_probs, rng)
        dropout_layers = tuple(range(1, arch.L))
    AL, caches = network.forward(X, params, arch, training=dropout, keep_probs=keep_probs, masks=masks)
    grads = network.backward(AL, Y, caches, params, arch, l2=l2, l1=l1)
    net = LeanNet(arch, params, dropout_layers)
    buf = net.buffers(m)
    onehot = network.one_hot(Y, layers[-1]) if arch.output == "softmax" else None
    AL2 = net.forward(X, buf, masks, keep_probs)
    net.backward(X, Y, buf, masks, keep_probs, l2, l1, onehot)
    np.testing.assert_allclose(AL2, AL, rtol=1e-12, atol=1e-14)
    for key, g in net.grads.items():
        np.testing.assert_allclose(g, grads[key], rtol=1e-10, atol=1e-13, err_msg=key)


def test_cost_drops_zero_log_zero_terms():
    AL = np.array([[1.0, 0.0, 0.5]])
    Y = np.array([[1.0, 0.0, 1.0]])
    assert network.cross_entropy(AL, Y) == pytest.approx(np.log(2) / 3)


def test_l2_cost_matches_published_unit_value():
    pub = json.loads(reference("published.json").read_text())
    expected = pub["regularization"]["unit_checks"]["l2_cost_lambd_0.1_on_exercise_test_case"]
    # The exercise's test case: RandomState(1) draws Y, W1, b1, W2, b2, W3, b3 and A3.
    rs = np.random.RandomState(1)
    Y = np.array([[1, 1, 0, 1, 0]])
    W1 = rs.randn(2, 3)
    b1 = rs.randn(2, 1)
    W2 = rs.randn(3, 2)
    b2 = rs.randn(3, 1)
    W3 = rs.randn(1, 3)
    b3 = rs.randn(1, 1)
    A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    assert network.compute_cost(A3, Y, params, l2=0.1) == pytest.approx(expected, rel=1e-9)


def test_initializations_match_published_unit_checks():
    pub = json.loads(reference("published.json").read_text())["initialization"]["unit_checks"]
    W1 = initialize([3, 2, 1], "random", np.random.RandomState(3))["W1"]
    np.testing.assert_allclose(W1, pub["random_init_layers_3_2_1_W1"], rtol=1e-12)
    He = initialize([2, 4, 1], "he", np.random.RandomState(3))["W1"]
    np.testing.assert_allclose(He[0], pub["he_init_layers_2_4_1_W1_first_row"], rtol=1e-12)


def test_initialization_scales():
    rng = np.random.default_rng(0)
    for method, var in (("xavier", 1 / 500), ("he", 2 / 500), ("inv-sqrt", 1 / 500)):
        W = initialize([500, 400, 1], method, rng)["W1"]
        assert W.var() == pytest.approx(var, rel=0.05), method
    zeros = initialize([3, 4, 1], "zeros", rng)
    assert all(not v.any() for v in zeros.values())
    assert all(not v.any() for k, v in initialize([3, 4, 1], "he", rng).items() if k.startswith("b"))


def test_dropout_is_inverted_and_off_at_prediction():
    rng = np.random.default_rng(0)
    arch = Architecture((5, 400, 1), "linear")
    params = {"W1": np.eye(400, 5), "b1": np.ones((400, 1)), "W2": np.ones((1, 400)) / 400, "b2": np.zeros((1, 1))}
    X = np.zeros((5, 300))
    _, caches = network.forward(X, params, arch, training=True, keep_probs=[0.5], rng=rng)
    # kept units are scaled by 1/keep_prob, so the expected activation is unchanged
    assert caches[0].out.mean() == pytest.approx(1.0, abs=0.02)
    assert set(np.unique(caches[0].out)) <= {0.0, 2.0}
    _, caches = network.forward(X, params, arch, training=False, keep_probs=[0.5], rng=rng)
    assert (caches[0].out == 1.0).all()


@pytest.mark.parametrize("layers", [(2,), (2, 0, 1), (2, -3, 1)])
def test_bad_layers_are_refused(layers):
    with pytest.raises(TutorError, match="layers"):
        Architecture(layers)


def test_parameter_budget():
    with pytest.raises(TutorError, match="budget"):
        Architecture((2, 200000, 200000, 1))


def test_unknown_activation():
    with pytest.raises(TutorError, match="activation.*relu"):
        Architecture((2, 3, 1), "swish")


def test_cross_entropy_from_logits_agrees_and_stays_finite():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(1, 50))
    Y = (rng.random((1, 50)) > 0.5).astype(float)
    from dltutor.core.activations import sigmoid, softmax

    assert network.cross_entropy_from_logits(Z, Y) == pytest.approx(network.cross_entropy(sigmoid(Z), Y), rel=1e-12)
    Zk = rng.normal(size=(4, 30))
    Yk = rng.integers(0, 4, (1, 30))
    assert network.cross_entropy_from_logits(Zk, Yk) == pytest.approx(network.cross_entropy(softmax(Zk), Yk),
                                                                      rel=1e-12)
    saturated = np.array([[-800.0, 40.0]])
    wrong = np.array([[1.0, 0.0]])
    assert network.cross_entropy(sigmoid(saturated), wrong) == np.inf
    assert network.cross_entropy_from_logits(saturated, wrong) == pytest.approx(420.0)
