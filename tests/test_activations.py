"""The activation table and the layer steps: every backward step against central differences, and every
in-place kernel against its out-of-place form, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from dltutor.core import layers
from dltutor.core.activations import ACTIVATIONS, ALL_ACTIVATIONS, get_activation

EPS = 1e-6


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b) + 1e-300))


def _central(f, x: np.ndarray) -> np.ndarray:
    """Central differences of the scalar ``f`` at ``x``, one element at a time."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + EPS
        plus = f(x)
        x[idx] = old - EPS
        minus = f(x)
        x[idx] = old
        g[idx] = (plus - minus) / (2 * EPS)
    return g


def _away_from_kinks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Pre-activations at least 0.1 from zero, where ReLU's derivative jumps."""
    Z = rng.standard_normal(shape) * 2
    return np.where(np.abs(Z) < 0.1, np.sign(Z) * 0.1 + Z, Z)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", list(ALL_ACTIVATIONS))
def test_backward_matches_central_differences(name, seed):
    rng = np.random.default_rng(seed)
    act = get_activation(name)
    shape = (int(rng.integers(1, 6)), int(rng.integers(1, 8)))
    Z = _away_from_kinks(rng, shape)
    dA = rng.standard_normal(shape)

    def J(z: np.ndarray) -> float:
        return float(np.sum(dA * act.forward(z)))

    dZ = act.backward(dA, Z, act.forward(Z))
    assert dZ.shape == Z.shape and dZ.dtype == np.float64
    assert _rel(dZ, _central(J, Z.copy())) < 1e-7


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_is_backward_of_ones(name):
    rng = np.random.default_rng(5)
    act = ACTIVATIONS[name]
    Z = _away_from_kinks(rng, (4, 6))
    A = act.forward(Z)
    np.testing.assert_array_equal(act.derivative(Z, A), act.backward(np.ones_like(Z), Z, A))


@pytest.mark.parametrize("name", list(ALL_ACTIVATIONS))
def test_in_place_forward_is_bit_identical(name):
    rng = np.random.default_rng(7)
    act = get_activation(name)
    Z = rng.standard_normal((2, 5, 9)) * 30  # a stack, as the gradient checker passes, with saturated units
    with np.errstate(over="ignore"):
        expected = np.stack([act.forward(z) for z in Z])
        into = act.forward_into(Z, np.empty_like(Z))
        over = Z.copy()
        same = act.forward_into(over, over)
    np.testing.assert_array_equal(into, expected)
    np.testing.assert_array_equal(same, expected)


def test_sigmoid_overflow_is_silent_out_of_place():
    out = get_activation("sigmoid").forward(np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_array_equal(out, [[0.0, 0.5, 1.0]])


def test_softmax_columns_sum_to_one():
    Z = np.random.default_rng(0).standard_normal((4, 6)) * 50
    np.testing.assert_allclose(get_activation("softmax").forward(Z).sum(axis=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_linear_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    n_prev, n, m = 3, 4, 5
    A_prev, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
    G = rng.standard_normal((n, m))  # J = 1/m sum(G * Z): dZ before the mean is G

    def J(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
        return float(np.sum(G * layers.linear_forward(A_prev, W, b)) / m)

    dA_prev, dW, db = layers.linear_backward(G, A_prev, W, m)
    assert dA_prev is not None
    assert _rel(dW, _central(lambda w: J(A_prev, w, b), W.copy())) < 1e-7
    assert _rel(db, _central(lambda c: J(A_prev, W, c), b.copy())) < 1e-7
    assert _rel(dA_prev / m, _central(lambda a: J(a, W, b), A_prev.copy())) < 1e-7
    assert layers.linear_backward(G, A_prev, None, m)[0] is None


def test_dropout_mask_and_penalty_steps():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((3, 4))
    D = (rng.random((3, 4)) < 0.8).astype(float)
    np.testing.assert_array_equal(layers.apply_mask(A, D, 0.8), A * D / 0.8)
    W = rng.standard_normal((3, 4))
    m = 7

    def penalty(w: np.ndarray) -> float:
        return float(0.3 / (2 * m) * np.sum(w * w) + 0.2 / m * np.sum(np.abs(w)))

    grad = layers.l2_gradient(W, 0.3, m) + layers.l1_gradient(W, 0.2, m)
    assert _rel(grad, _central(penalty, W.copy())) < 1e-7
