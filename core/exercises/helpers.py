"""What the course's notebooks give the learner, written the course's way (the same arithmetic).

The Regularization notebook imports ``reg_utils`` and ``testCases``, the Initialization notebook
``init_utils``, the Gradient Checking notebook ``gc_utils`` and defines ``forward_propagation_n`` /
``backward_propagation_n`` itself (the backward one with the notebook's two planted bugs). The checker
preloads every name of :data:`HELPER_NAMES` into the learner's module and registers modules of those names,
so ``from reg_utils import *``, ``from gc_utils import *`` or ``from dltutor_helpers import *`` work and
notebook code runs unchanged. None of these is an exercise's answer.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import Any

import numpy as np

from dltutor.core.exercises import course_utils
from dltutor.core.exercises.course_utils import Cache, forward_propagation
from dltutor.core.exercises.reference import forward_dropout
from dltutor.core.types import Array, Params


def gradient_check_n_test_case() -> tuple[Array, Array, Params]:
    """The notebook's case: X (4, 3), Y [[1, 1, 0]], W1 (5, 4) ... b3 (1, 1), drawn after np.random.seed(1)."""
    np.random.seed(1)
    x = np.random.randn(4, 3)
    y = np.array([1, 1, 0])
    parameters: Params = {}
    for key, shape in (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)),
                       ("b3", (1, 1))):
        parameters[key] = np.random.randn(*shape)
    return x, y, parameters


def compute_cost_with_regularization_test_case() -> tuple[Array, Array, Params]:
    """The notebook's case for the L2 cost: ``(a3, Y, parameters)``; with lambd = 0.1 the cost is 1.78649."""
    np.random.seed(1)
    Y_assess = np.array([[1, 1, 0, 1, 0]])
    parameters: Params = {}
    for key, shape in (("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)),
                       ("b3", (1, 1))):
        parameters[key] = np.random.randn(*shape)
    a3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    return a3, Y_assess, parameters


def _case_params(shapes: Iterable[tuple[str, tuple[int, ...]]]) -> Params:
    return {key: np.random.randn(*shape) for key, shape in shapes}


_SMALL = (("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))


def forward_propagation_with_dropout_test_case() -> tuple[Array, Params]:
    """The notebook's case: ``(X_assess, parameters)``, X (3, 5); with keep_prob 0.7 A3 is
    [[0.36974721 0.00305176 0.04565099 0.49683389 0.36974721]]."""
    np.random.seed(1)
    X_assess = np.random.randn(3, 5)
    return X_assess, _case_params(_SMALL)


def backward_propagation_with_regularization_test_case() -> tuple[Array, Array, Cache]:
    """A case of the notebook's shapes, ``(X_assess, Y_assess, cache)`` (the notebook's own holds fixed numbers;
    these are drawn, so the printed gradients differ from the notebook's)."""
    np.random.seed(1)
    X_assess = np.random.randn(3, 5)
    Y_assess = np.array([[1, 1, 0, 1, 0]])
    _, cache = forward_propagation(X_assess, _case_params(_SMALL))
    return X_assess, Y_assess, cache


def backward_propagation_with_dropout_test_case() -> tuple[Array, Array, Cache]:
    """A case of the notebook's shapes, ``(X_assess, Y_assess, cache)`` with the dropout cache (keep_prob 0.8;
    drawn, so the printed gradients differ from the notebook's)."""
    np.random.seed(1)
    X_assess = np.random.randn(3, 5)
    Y_assess = np.array([[1, 1, 0, 1, 0]])
    _, cache = forward_dropout(X_assess, _case_params(_SMALL), 0.8)
    return X_assess, Y_assess, cache


def load_2D_dataset() -> tuple[Array, Array, Array | None, Array | None]:
    """``reg_utils.load_2D_dataset`` without the plot: the goalkeeper data's built-in stand-in (train, test)."""
    from dltutor.core.data import course_standin

    ds = course_standin("football")
    return ds.train_X, ds.train_Y, ds.test_X, ds.test_Y


def load_dataset() -> tuple[Array, Array, Array | None, Array | None]:
    """``init_utils.load_dataset`` without the plot: the circles (train 300, test 100)."""
    from dltutor.core.data import course_standin

    ds = course_standin("circles")
    return ds.train_X, ds.train_Y, ds.test_X, ds.test_Y


def _notebook_test(*args: object, **kwargs: object) -> None:
    """The newer notebooks' ``public_tests`` calls (``initialize_parameters_he_test(target)``...): skipped
    here, where ``dltutor exercise check`` runs the checks."""
    print("(dltutor: the notebook's public test is skipped here; dltutor exercise check runs the checks)")


def _no_plot(*args: object, **kwargs: object) -> None:
    """The notebooks' plotting helpers: nothing to draw in a terminal check."""
    return None


plot_decision_boundary = predict_dec = _no_plot
initialize_parameters_zeros_test = initialize_parameters_random_test = initialize_parameters_he_test = _notebook_test
compute_cost_with_regularization_test = backward_propagation_with_regularization_test = _notebook_test
forward_propagation_with_dropout_test = backward_propagation_with_dropout_test = _notebook_test
gradient_check_test = gradient_check_n_test = _notebook_test

#: Everything a learner's file finds already defined, as in the notebook.
HELPER_NAMES = ("sigmoid", "relu", "compute_cost", "compute_loss", "initialize_parameters", "forward_propagation",
                "backward_propagation", "update_parameters", "predict", "dictionary_to_vector",
                "vector_to_dictionary", "gradients_to_vector", "forward_propagation_n", "backward_propagation_n",
                "gradient_check_n_test_case", "compute_cost_with_regularization_test_case",
                "forward_propagation_with_dropout_test_case", "backward_propagation_with_regularization_test_case",
                "backward_propagation_with_dropout_test_case", "load_2D_dataset", "load_dataset",
                "plot_decision_boundary", "predict_dec", "initialize_parameters_zeros_test",
                "initialize_parameters_random_test", "initialize_parameters_he_test",
                "compute_cost_with_regularization_test", "backward_propagation_with_regularization_test",
                "forward_propagation_with_dropout_test", "backward_propagation_with_dropout_test",
                "gradient_check_test", "gradient_check_n_test")
#: The module names a notebook imports them from.
MODULE_NAMES = ("dltutor_helpers", "reg_utils", "init_utils", "gc_utils", "testCases", "testCases_v2",
                "public_tests")


def namespace() -> dict[str, Any]:
    """The names preloaded into a learner's module: ``np`` and every helper (the course's maths and this
    module's test cases, loaders and stand-ins)."""
    this = sys.modules[__name__]
    names = {name: getattr(course_utils if hasattr(course_utils, name) else this, name) for name in HELPER_NAMES}
    names["np"] = np
    return names


def install_modules() -> None:
    """Register the helper modules (``reg_utils``, ``gc_utils``, ...) so the notebook's imports work."""
    names = namespace()
    for module_name in MODULE_NAMES:
        module = types.ModuleType(module_name)
        module.__dict__.update(names)
        module.__dict__["__all__"] = list(names)  # a ModuleType has no __all__ attribute to assign
        sys.modules[module_name] = module
