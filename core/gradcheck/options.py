"""The options of a check (what to check and how), their allowed values, and their validation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dltutor.core.catalogue import GRADCHECK_MODES as MODES
from dltutor.core.errors import TutorError
from dltutor.core.gradcheck.perturb import STRATEGIES
from dltutor.core.gradcheck.verdict import COURSE_EPSILON
from dltutor.core.network import Architecture
from dltutor.core.types import Array, Params

# MODES comes from the catalogue (the CLI lists it without NumPy): ``full`` checks every element, ``sampled``
# ``k`` random elements per block, ``fast`` one random direction.

#: ``batched`` evaluates the perturbed costs in vectorized batches, ``loop`` one forward pass each.
METHODS = ("batched", "loop")
#: What a failed fast check falls back to.
FALLBACKS = ("auto", "full", "sampled", "none")
#: With dropout on, the check is refused or run with a loud warning.
DROPOUT_CHOICES = ("refuse", "warn")
DEFAULT_SAMPLES = 10
#: The smallest step: below it ``theta + eps`` rounds back to ``theta`` for parameters of size 1e-4 and up,
#: and the difference is round-off alone (at 1e-320 every perturbed cost equals J).
MIN_EPSILON = 1e-12
MAX_EPSILON = 1.0
#: At most this many iterations of gradient descent before the second check (``after_iterations``).
MAX_ITERATIONS = 100_000


def check_epsilon(epsilon: Any, field: str = "epsilon") -> float:
    """``epsilon`` as a float, or :class:`TutorError` unless ``MIN_EPSILON <= epsilon <= MAX_EPSILON``.

    Below 1e-12 ``theta + eps`` is ``theta`` to round-off (at 1e-320 exactly), so the numerical gradient is
    zero or noise and the difference says nothing about backpropagation.
    """
    allowed = f"{MIN_EPSILON:g} <= epsilon <= {MAX_EPSILON:g} (the course uses 1e-7)"
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.integer, np.floating)) \
            or not math.isfinite(epsilon):
        raise TutorError(field, f"{epsilon!r} is not a usable step", allowed)
    if epsilon > MAX_EPSILON:
        raise TutorError(field, f"{epsilon:g} is too large: the difference would measure the curvature, not "
                         "the gradient", allowed)
    if epsilon < MIN_EPSILON:
        problem = "must be positive" if epsilon <= 0 else \
            "is too small: theta + eps rounds back to theta, so the numerical gradient is round-off alone"
        raise TutorError(field, f"{epsilon:g} {problem}", allowed)
    return float(epsilon)


@dataclass(frozen=True)
class CheckOptions:
    """What a check perturbs and how: everything :func:`core.gradcheck.gradient_check` takes beyond the network,
    the backward pass, dropout's keep probabilities, the random generator and the case's name.

    Args:
        epsilon: the step, ``MIN_EPSILON <= epsilon <= MAX_EPSILON``.
        mode: one of :data:`MODES`.
        k: elements per block in sampled mode.
        method: one of :data:`METHODS`.
        strategy: how the batched method recomputes perturbed costs (:data:`core.gradcheck.perturb.STRATEGIES`).
        fallback: after a failed fast check, one of :data:`FALLBACKS`.
        dropout: one of :data:`DROPOUT_CHOICES`.
        l2: L2 strength; its term is part of J (and of the correct gradient).
        l1: L1 strength, likewise.
        after_iterations: gradient-descent steps before a second check (0: none).
        learning_rate: for those steps.
    """

    epsilon: float = COURSE_EPSILON
    mode: str = "full"
    k: int = DEFAULT_SAMPLES
    method: str = "batched"
    strategy: str = "auto"
    fallback: str = "auto"
    dropout: str = "refuse"
    l2: float = 0.0
    l1: float = 0.0
    after_iterations: int = 0
    learning_rate: float = 0.3

    def validate(self, arch: Architecture, params: Params, X: Array, Y: Array) -> None:
        """Raise :class:`TutorError` naming the first option, or the first of ``X``, ``Y`` and the parameters,
        that does not fit (in that order)."""
        epsilon, mode, k, method, fallback = self.epsilon, self.mode, self.k, self.method, self.fallback
        after_iterations, learning_rate, l2, l1 = self.after_iterations, self.learning_rate, self.l2, self.l1
        check_epsilon(epsilon)
        if mode not in MODES:
            raise TutorError("mode", f"unknown mode {mode!r}", ", ".join(MODES))
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise TutorError("samples", f"{k!r} samples per block", "an integer >= 1")
        if method not in METHODS:
            raise TutorError("method", f"unknown method {method!r}", ", ".join(METHODS))
        if fallback not in FALLBACKS:
            raise TutorError("fallback", f"unknown fallback {fallback!r}", ", ".join(FALLBACKS))
        if not isinstance(after_iterations, (int, np.integer)) or isinstance(after_iterations, bool) \
                or not 0 <= after_iterations <= MAX_ITERATIONS:
            problem = "too many iterations" if isinstance(after_iterations, (int, np.integer)) \
                and after_iterations > MAX_ITERATIONS else "not a number of iterations"
            raise TutorError("after-iterations", f"{after_iterations!r}: {problem}",
                             f"a whole number from 0 to {MAX_ITERATIONS:,}")
        if not (isinstance(learning_rate, (int, float, np.integer, np.floating)) and math.isfinite(learning_rate)
                and learning_rate > 0):
            raise TutorError("learning-rate", f"{learning_rate!r} is not a usable step", "a finite number > 0")
        if not (math.isfinite(l2) and math.isfinite(l1)) or l2 < 0 or l1 < 0:
            raise TutorError("lambda", f"l2={l2}, l1={l1}", "finite numbers with l2 >= 0 and l1 >= 0")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[0] != arch.layers[0]:
            raise TutorError("X", f"shape {X.shape} does not fit layers {list(arch.layers)}",
                             f"(n_x, m) with n_x = {arch.layers[0]}")
        if np.shape(Y) != (1, X.shape[1]):
            raise TutorError("Y", f"shape {np.shape(Y)}", f"(1, m) = (1, {X.shape[1]})")
        for l in range(1, arch.L + 1):  # noqa: E741
            for name, shape in ((f"W{l}", (arch.layers[l], arch.layers[l - 1])), (f"b{l}", (arch.layers[l], 1))):
                given = np.shape(params[name]) if name in params else ()
                if given != shape:
                    raise TutorError("parameters", f"{name} is {given} but layers {list(arch.layers)} need {shape}",
                                     "parameters matching the architecture")
        if self.dropout not in DROPOUT_CHOICES:
            raise TutorError("dropout", f"unknown choice {self.dropout!r}", ", ".join(DROPOUT_CHOICES))
        if self.strategy not in STRATEGIES:
            raise TutorError("strategy", f"unknown strategy {self.strategy!r}", ", ".join(STRATEGIES))
