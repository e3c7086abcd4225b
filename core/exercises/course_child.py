"""The child side of training with the learner's functions: the notebook's ``model()`` loop on their code.

:mod:`core.exercises.course_run` starts it in a child and compares its result with the core's reference run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from dltutor.core.exercises.catalogue import EXERCISES
from dltutor.core.exercises.course_utils import Cache
from dltutor.core.types import Array, Params

if TYPE_CHECKING:  # imported where they are used: training is the slow path of an exercise command
    from dltutor.core.learner_code import _Learner


def train_in_child(request: dict[str, Any]) -> dict[str, Any]:
    """Load every file of ``request["files"]`` and run the course's loop with the learner's functions."""
    from dltutor.core.exercises import course_utils
    from dltutor.core.exercises.loaded import ExerciseLearner
    from dltutor.core.learner_code import _ANYTHING, _Failure

    fns: dict[str, tuple[Callable[..., Any], _Learner]] = {}
    for exercise_id, (path, display) in request["files"].items():
        learner = ExerciseLearner(path, display)
        learner.load()
        for name in EXERCISES[exercise_id].function_names:
            fn = learner.own_function(name)
            if fn is None:
                raise _Failure("missing", learner.missing_message(name, ""))
            fns[name] = (fn, learner)
    X, Y = np.asarray(request["X"], dtype=np.float64), np.asarray(request["Y"])
    lambd, keep_prob = float(request["lambd"]), float(request["keep_prob"])
    iteration = 0

    def call(name: str, *args: Any) -> Any:
        fn, learner = fns[name]
        try:
            return fn(*args)
        except _ANYTHING as exc:  # their code may raise anything
            raise learner.failure(exc, f"in {name} at iteration {iteration}") from None

    layers = [X.shape[0]] + list(request["hidden"]) + [1]
    costs: list[list[float]] = []
    started = time.perf_counter()
    if request.get("init"):
        parameters = call(request["init"], layers)
        with np.errstate(all="ignore"):
            for iteration in range(int(request["iterations"])):
                a3, cache = course_utils.forward_propagation(X, parameters)
                cost = course_utils.compute_loss(a3, Y)
                grads = _init_backward(X, Y, cache)
                parameters = course_utils.update_parameters(parameters, grads, float(request["learning_rate"]))
                if iteration % int(request["log_every"]) == 0:
                    costs.append([iteration, float(np.squeeze(cost))])
        return _finish(request, parameters, costs, time.perf_counter() - started)
    parameters = course_utils.initialize_parameters(layers)
    with np.errstate(all="ignore"):
        for iteration in range(int(request["iterations"])):
            if keep_prob < 1:
                a3, cache = call("forward_propagation_with_dropout", X, parameters, keep_prob)
            else:
                a3, cache = course_utils.forward_propagation(X, parameters)
            if lambd:
                cost = call("compute_cost_with_regularization", a3, Y, parameters, lambd)
                grads = call("backward_propagation_with_regularization", X, Y, cache, lambd)
            else:
                cost = course_utils.compute_cost(a3, Y)
                grads = call("backward_propagation_with_dropout", X, Y, cache, keep_prob)
            parameters = course_utils.update_parameters(parameters, grads, float(request["learning_rate"]))
            if iteration % int(request["log_every"]) == 0:
                costs.append([iteration, float(np.squeeze(cost))])
    return _finish(request, parameters, costs, time.perf_counter() - started)


def _finish(request: dict[str, Any], parameters: Params, costs: list[list[float]], seconds: float) -> dict[str, Any]:
    from dltutor.core.exercises import course_utils

    accuracy: dict[str, float] = {}
    with np.errstate(all="ignore"):
        for split, (Xs, Ys) in request["splits"].items():
            Xs, Ys = np.asarray(Xs, dtype=np.float64), np.asarray(Ys)
            accuracy[split] = float(np.mean(course_utils.predict(Xs, Ys, parameters)[0, :] == Ys[0, :]))
    return {"costs": costs, "accuracy": accuracy, "seconds": seconds}


def _init_backward(X: Array, Y: Array, cache: Cache) -> Params:
    """The Initialization notebook's backward pass (``init_utils``): the 1/m applied to dz3 first."""
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = 1. / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)
    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dW3": dW3, "db3": db3, "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1}
