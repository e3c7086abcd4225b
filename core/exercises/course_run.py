"""Train the course's experiments with the learner's own functions, and compare.

The child runs the notebook's ``model()`` loop (``initialize_parameters`` with seed 3, then for every
iteration forward, cost, backward, update) with the learner's ``forward_propagation_with_dropout`` /
``backward_propagation_with_dropout`` or ``compute_cost_with_regularization`` /
``backward_propagation_with_regularization`` in place of the course's (or the Initialization notebook's
loop with their ``initialize_parameters_*``); the parent runs the core's reference
training on the same data and options and says where the two agree or where they part.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.exercises.catalogue import EXERCISES, TRAINABLE
from dltutor.core.exercises.helpers import Cache
from dltutor.core.types import Array, Params

if TYPE_CHECKING:  # imported where they are used: training is the slow path of an exercise command
    from dltutor.core.data import Dataset
    from dltutor.core.learner import _Learner
    from dltutor.core.train import TrainConfig

#: Seconds the learner's training may take (30,000 iterations of the course's code take a few seconds).
TRAIN_TIMEOUT = 300.0


# --- child side -------------------------------------------------------------------------------------------

def train_in_child(request: dict[str, Any]) -> dict[str, Any]:
    """Load every file of ``request["files"]`` and run the course's loop with the learner's functions."""
    from dltutor.core.exercises import helpers
    from dltutor.core.exercises.child import ExerciseLearner
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
                a3, cache = helpers.forward_propagation(X, parameters)
                cost = helpers.compute_loss(a3, Y)
                grads = _init_backward(X, Y, cache)
                parameters = helpers.update_parameters(parameters, grads, float(request["learning_rate"]))
                if iteration % int(request["log_every"]) == 0:
                    costs.append([iteration, float(np.squeeze(cost))])
        return _finish(request, parameters, costs, time.perf_counter() - started)
    parameters = helpers.initialize_parameters(layers)
    with np.errstate(all="ignore"):
        for iteration in range(int(request["iterations"])):
            if keep_prob < 1:
                a3, cache = call("forward_propagation_with_dropout", X, parameters, keep_prob)
            else:
                a3, cache = helpers.forward_propagation(X, parameters)
            if lambd:
                cost = call("compute_cost_with_regularization", a3, Y, parameters, lambd)
                grads = call("backward_propagation_with_regularization", X, Y, cache, lambd)
            else:
                cost = helpers.compute_cost(a3, Y)
                grads = call("backward_propagation_with_dropout", X, Y, cache, keep_prob)
            parameters = helpers.update_parameters(parameters, grads, float(request["learning_rate"]))
            if iteration % int(request["log_every"]) == 0:
                costs.append([iteration, float(np.squeeze(cost))])
    return _finish(request, parameters, costs, time.perf_counter() - started)


def _finish(request: dict[str, Any], parameters: Params, costs: list[list[float]], seconds: float) -> dict[str, Any]:
    from dltutor.core.exercises import helpers

    accuracy: dict[str, float] = {}
    with np.errstate(all="ignore"):
        for split, (Xs, Ys) in request["splits"].items():
            Xs, Ys = np.asarray(Xs, dtype=np.float64), np.asarray(Ys)
            accuracy[split] = float(np.mean(helpers.predict(Xs, Ys, parameters)[0, :] == Ys[0, :]))
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


# --- parent side ------------------------------------------------------------------------------------------

@dataclass
class Comparison:
    """The learner's run beside the reference run.

    Args:
        preset: the preset's name.
        files: exercise id -> the learner's file.
        rows: ``(iteration, your cost, reference cost)``.
        accuracy: split -> ``(yours, reference)``.
        diverged_at: the first recorded iteration where the costs differ (relative 1e-6), or None.
        stand_in: the data is the built-in stand-in (so the published numbers do not apply).
        seconds: the learner's training time.
        output: what their code printed (its last lines).
    """

    preset: str
    files: dict[str, str]
    rows: list[tuple[int, float, float]] = field(default_factory=list)
    accuracy: dict[str, tuple[float, float]] = field(default_factory=dict)
    diverged_at: int | None = None
    stand_in: bool = True
    seconds: float = 0.0
    output: str = ""

    @property
    def reproduced(self) -> bool:
        return self.diverged_at is None and all(math.isclose(a, b, abs_tol=1e-12) for a, b in self.accuracy.values())

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "files": self.files, "reproduced": self.reproduced,
                "diverged_at": self.diverged_at, "stand_in": self.stand_in, "seconds": round(self.seconds, 3),
                "costs": [{"iteration": i, "yours": y, "reference": r} for i, y, r in self.rows],
                "accuracy": {k: {"yours": y, "reference": r} for k, (y, r) in self.accuracy.items()},
                "output": self.output}


def check_course_config(config: TrainConfig, init_exercise: bool = False) -> None:
    """Refuse options the course's ``model()`` loop (and so the learner's functions) cannot follow."""
    problems = []
    if len(config.layers) != 4:
        problems.append(f"layers {'-'.join(map(str, config.layers))} (the functions are written for 3 layers)")
    if config.activation != "relu" or (not init_exercise and (config.init != "inv-sqrt" or config.seed != 3)):
        problems.append("a different activation, initialization or seed")
    if init_exercise and (config.dropout or config.l2):
        problems.append("regularization (the Initialization notebook's model has none)")
    if config.batch_size is not None or config.normalize or config.augment or config.early_stopping or config.l1:
        problems.append("mini-batches, normalization, augmentation, early stopping or L1")
    if config.dropout and config.keep_probs and (len(set(config.keep_probs)) != 1 or not config.fixed_masks):
        problems.append("per-layer keep_probs or fresh masks (the exercise reseeds with 1 every iteration)")
    if config.dropout and config.l2:
        problems.append("L2 and dropout together (the course's model() runs one or the other)")
    if problems:
        raise TutorError("--with-exercises", "your functions run the course's model() loop, which does not take "
                         + "; ".join(problems), "the preset's own options, or --iterations, --lr, --l2, "
                                                "--keep-prob and --data")


def train_with_exercises(preset_name: str, config: TrainConfig, dataset: Dataset,
                         files: Mapping[str, str | os.PathLike[str]],
                         timeout: float = TRAIN_TIMEOUT) -> Comparison:
    """Train ``preset_name``'s experiment with the learner's functions (in a child) and with the core.

    Args:
        preset_name: ``course-reg-l2``, ``course-reg-dropout`` or ``course-init-zeros/random/he``.
        config: the :class:`core.train.TrainConfig` (the preset's, perhaps with iterations/lr changed).
        dataset: the :class:`core.data.Dataset` (train split trained on, every split scored).
        files: exercise id -> the learner's file, for each exercise of :data:`TRAINABLE` ``[preset_name]``.
        timeout: seconds their training may take.

    Raises:
        TutorError: a preset without exercises, options the course's loop cannot follow, a missing file.
        LearnerError: their code failed during training (the message names their line).
    """
    from dltutor.core.exercises.runner import learner_file
    from dltutor.core.learner import LearnerError, _run_child
    from dltutor.core.train import Training

    if preset_name not in TRAINABLE:
        raise TutorError("--with-exercises", f"preset {preset_name!r} has no exercises to train with",
                         ", ".join(f"--preset {p}" for p in TRAINABLE))
    needed = TRAINABLE[preset_name]
    init_name = EXERCISES[needed[0]].function_names[0] if needed[0].startswith("init-") else None
    check_course_config(config, init_exercise=init_name is not None)
    paths = {}
    for exercise_id in needed:
        if exercise_id not in files:
            raise TutorError("--with-exercises", f"{exercise_id} has not passed yet",
                             f"pass it first: dltutor exercise check {exercise_id} FILE")
        paths[exercise_id] = learner_file(files[exercise_id], "--with-exercises")
    X, Y = dataset.splits()["train"]
    request = {"mode": "train", "file": str(next(iter(paths.values())).resolve()), "display": preset_name,
               "files": {k: [str(p.resolve()), str(files[k])] for k, p in paths.items()},
               "X": X.tolist(), "Y": Y.tolist(), "hidden": list(config.layers[1:-1]),
               "lambd": config.l2, "keep_prob": config.keep_probs[0] if config.dropout and config.keep_probs else 1.0,
               "iterations": config.iterations, "learning_rate": config.learning_rate,
               "log_every": config.log_every, "alarm": max(1.0, timeout - 2), "init": init_name,
               "splits": {k: [Xs.tolist(), Ys.tolist()] for k, (Xs, Ys) in dataset.splits().items()}}
    result = _run_child(request, timeout, preset_name, module="dltutor.core.exercises.child")
    if not result.get("ok"):
        raise LearnerError(result.get("message", "training with your functions failed"),
                           result.get("kind", "internal"), preset_name, result.get("line"))
    mine = result["train"]
    reference = Training(config, dataset)
    reference_result = reference.run()
    ref_costs = {r.iteration: r.train_cost for r in reference.history}
    rows = [(int(i), float(c), float(ref_costs.get(int(i), float("nan")))) for i, c in mine["costs"]]
    diverged = next((i for i, y, r in rows if not math.isclose(y, r, rel_tol=1e-6, abs_tol=1e-12)), None)
    accuracy = {k: (float(v), float(reference_result.accuracy.get(k, float("nan"))))
                for k, v in mine["accuracy"].items()}
    return Comparison(preset_name, {k: str(v) for k, v in files.items()}, rows, accuracy, diverged,
                      bool(dataset.stand_in), float(mine["seconds"]), result.get("output", ""))
