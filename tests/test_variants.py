"""The catalogue of buggy and fixed backward passes."""

from __future__ import annotations

import numpy as np
import pytest

from dltutor.core.errors import TutorError
from dltutor.core.init import initialize
from dltutor.core.network import Architecture, backward, forward
from dltutor.core.rng import make_rng
from dltutor.core.variants import (
    COURSE_LAYERS,
    VARIANTS,
    Cache,
    backprop,
    course_case,
    forward_cache,
    get_variant,
)

LESSON_IDS = {"train-dev-test", "bias-variance", "basic-recipe", "regularization", "why-regularization",
              "dropout", "understanding-dropout", "other-regularization", "normalizing-inputs",
              "vanishing-gradients", "weight-init", "numerical-gradients", "gradient-checking"}


def test_catalogue_ids_descriptions_lessons():
    assert list(VARIANTS) == ["fixed", "course", "dW2-doubled", "db1-times-4", "missing-1-over-m",
                              "wrong-activation-derivative", "sign-flip", "forgot-l2-gradient",
                              "dropout-left-on", "bias-summed-over-wrong-axis"]
    for v in VARIANTS.values():
        assert v.description and v.lesson in LESSON_IDS and callable(v.backward)
        arch = course_case()[0]
        assert v.flags_for(arch) == v.expected_flags
    assert VARIANTS["dropout-left-on"].lesson == "dropout"
    assert VARIANTS["forgot-l2-gradient"].lesson == "regularization"
    assert VARIANTS["forgot-l2-gradient"].needs_l2 and VARIANTS["dropout-left-on"].dropout


def test_get_variant_unknown_names_every_id():
    with pytest.raises(TutorError) as err:
        get_variant("dW3-tripled")
    assert err.value.field == "variant" and all(v in str(err.value) for v in VARIANTS)


def test_course_case_is_drawn_in_the_course_order():
    arch, params, X, Y = course_case()
    assert arch.layers == COURSE_LAYERS and arch.activation == "relu" and arch.output == "sigmoid"
    rs = np.random.RandomState(1)
    np.testing.assert_array_equal(X, rs.randn(4, 3))
    for name, shape in (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)),
                        ("b3", (1, 1))):
        np.testing.assert_array_equal(params[name], rs.randn(*shape))
    np.testing.assert_array_equal(Y, [[1, 1, 0]])
    assert sum(p.size for p in params.values()) == 47


def random_case(seed: int, layers: tuple[int, ...], activation: str):
    rng = make_rng(seed)
    arch = Architecture(layers, activation)
    params = initialize(layers, "xavier", rng)
    for k in params:
        if k.startswith("b"):
            params[k] = 0.3 * rng.standard_normal(params[k].shape)
    m = 7
    X = rng.standard_normal((layers[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(int) if layers[-1] == 1 else rng.integers(0, layers[-1], (1, m))
    return arch, params, X, Y


@pytest.mark.parametrize("layers, activation, l2, l1", [
    (COURSE_LAYERS, "relu", 0.0, 0.0), ((3, 6, 4, 1), "tanh", 0.7, 0.0), ((2, 5, 3), "leaky_relu", 0.0, 0.2),
    ((4, 3, 3, 2, 1), "sigmoid", 0.3, 0.1), ((2, 1), "relu", 0.5, 0.0),
])
def test_fixed_is_core_network_backward(layers, activation, l2, l1):
    arch, params, X, Y = random_case(1, layers, activation)
    cache = forward_cache(X, params, arch, l2=l2, l1=l1)
    ours = VARIANTS["fixed"].backward(X, Y, cache)
    AL, caches = forward(X, params, arch)
    reference = backward(AL, Y, caches, params, arch, l2=l2, l1=l1)
    assert list(ours) == list(reference)
    for k in reference:
        np.testing.assert_array_equal(ours[k], reference[k])


def test_each_bug_is_the_line_it_claims():
    arch, params, X, Y = course_case()
    m = X.shape[1]
    cache = forward_cache(X, params, arch)
    right = VARIANTS["fixed"].backward(X, Y, cache)

    def run(variant_id: str, **cache_options) -> dict:
        c = Cache(arch, params, cache.layers, cache.AL, rng=make_rng(0), **cache_options)
        return VARIANTS[variant_id].backward(X, Y, c)

    course = run("course")
    np.testing.assert_allclose(course["dW2"], 2 * right["dW2"], rtol=1e-14)
    np.testing.assert_allclose(course["db1"], 4 * right["db1"], rtol=1e-14)
    np.testing.assert_array_equal(course["dW1"], right["dW1"])
    np.testing.assert_allclose(run("dW2-doubled")["dW2"], 2 * right["dW2"], rtol=1e-14)
    np.testing.assert_allclose(run("db1-times-4")["db1"], 4 * right["db1"], rtol=1e-14)
    np.testing.assert_allclose(run("missing-1-over-m")["db3"], m * right["db3"], rtol=1e-14)
    np.testing.assert_allclose(run("sign-flip")["dW1"], -right["dW1"], rtol=1e-14)
    assert run("bias-summed-over-wrong-axis")["db1"].shape == (1, m)
    wrong = run("wrong-activation-derivative")
    np.testing.assert_array_equal(wrong["dW3"], right["dW3"])
    assert not np.allclose(wrong["dW2"], right["dW2"])
    with_l2 = VARIANTS["fixed"].backward(X, Y, Cache(arch, params, cache.layers, cache.AL, l2=0.7))
    forgot = run("forgot-l2-gradient", l2=0.7)
    np.testing.assert_allclose(with_l2["dW2"] - forgot["dW2"], 0.7 / m * params["W2"], rtol=1e-12)
    np.testing.assert_array_equal(forgot["db2"], with_l2["db2"])
    dropped = run("dropout-left-on")
    np.testing.assert_array_equal(dropped["dW3"], right["dW3"])
    assert not np.allclose(dropped["dW1"], right["dW1"])


def test_backprop_hooks_replace_single_lines():
    arch, params, X, Y = course_case()
    cache = forward_cache(X, params, arch)
    grads = backprop(X, Y, cache, dW_line={3: lambda dZ, A_prev, m: np.zeros((1, 3))})
    np.testing.assert_array_equal(grads["dW3"], 0)
    assert list(grads) == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]


@pytest.mark.parametrize("variant_id, layers, activation, m", [
    ("dW2-doubled", (3, 2), "relu", 4), ("course", (3, 2), "relu", 4),
    ("wrong-activation-derivative", (3, 4, 1), "sigmoid", 4), ("dropout-left-on", (3, 1), "relu", 4),
    ("missing-1-over-m", (3, 4, 1), "relu", 1), ("bias-summed-over-wrong-axis", (3, 1, 1), "relu", 1),
])
def test_variants_refuse_networks_where_they_make_no_sense(variant_id, layers, activation, m):
    with pytest.raises(TutorError) as err:
        VARIANTS[variant_id].check_applicable(Architecture(layers, activation), m)
    assert err.value.field == "variant"


def test_flags_follow_the_architecture():
    arch = Architecture((3, 6, 5, 4, 2), "tanh")
    below_top = ("dW1", "db1", "dW2", "db2", "dW3", "db3")
    assert VARIANTS["wrong-activation-derivative"].flags_for(arch) == below_top
    assert VARIANTS["missing-1-over-m"].flags_for(arch) == ("db4",)
    assert VARIANTS["forgot-l2-gradient"].flags_for(arch) == ("dW1", "dW2", "dW3", "dW4")
    VARIANTS["wrong-activation-derivative"].check_applicable(arch, 5)


def test_empty_variant_name_is_refused_and_messages_use_the_singular():
    with pytest.raises(TutorError, match="variant: empty name") as err:
        get_variant("")
    assert all(v in str(err.value) for v in VARIANTS)
    with pytest.raises(TutorError, match="empty name"):
        get_variant("   ")
    with pytest.raises(TutorError) as err:
        VARIANTS["course"].check_applicable(Architecture((3, 2), "relu"), 4)
    assert "the network has 1 layer" in str(err.value) and "1 layer(s)" not in str(err.value)
