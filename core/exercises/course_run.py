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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dltutor.core.errors import TutorError
from dltutor.core.exercises.catalogue import EXERCISES, TRAINABLE

if TYPE_CHECKING:  # imported where they are used: training is the slow path of an exercise command
    from dltutor.core.data import Dataset
    from dltutor.core.train import TrainConfig

#: Seconds the learner's training may take (30,000 iterations of the course's code take a few seconds).
TRAIN_TIMEOUT = 300.0


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
