"""Every option of a training run, validated: :class:`TrainConfig`."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from dltutor.core.errors import require
from dltutor.core.init import INITS
from dltutor.core.network import Architecture
from dltutor.core.parity import PARITY_FIELDS, CourseParity

#: Upper bound that keeps a typo from hanging the tutor.
MAX_ITERATIONS = 10_000_000


@dataclass(frozen=True)
class TrainConfig:
    """Every option of a training run.

    Args:
        layers: ``(n_x, n_1, ..., n_L)``; ``n_x`` must match the data, ``n_L`` is 1 (sigmoid) or the class count.
        activation: hidden activation.
        init: initialization method (see :data:`core.init.INITS`); ``init_scale`` multiplies ``random``.
        learning_rate: gradient-descent step.
        iterations: number of parameter updates.
        batch_size: examples per update; ``None`` means the whole training set (batch gradient descent).
        l2, l1: regularization strengths (lambda); biases are never penalized.
        keep_probs: inverted-dropout keep probability per hidden layer (one value applies to all).
        normalize: fit a normalizer on the training set and apply it to every split.
        early_stopping: patience in recorded checks without a dev-cost improvement; ``None`` is off.
        min_delta: the improvement that counts for early stopping.
        augment: add the data's label-preserving reflections and a jittered copy to the training set.
        seed: the seed of every draw in the run.
        log_every: record progress every this many iterations (iteration 0 included).
        parity: the course's quirks, for its published numbers (:class:`core.parity.CourseParity`: legacy
            RNG, fixed dropout masks and their seed, the 1/m applied to dZ[L] first). Its switches read as
            attributes too (``config.fixed_masks``), and :meth:`with_changes` takes them as keywords.
    """

    layers: tuple[int, ...] = (2, 20, 3, 1)
    activation: str = "relu"
    init: str = "he"
    init_scale: float = 10.0
    learning_rate: float = 0.3
    iterations: int = 10_000
    batch_size: int | None = None
    l2: float = 0.0
    l1: float = 0.0
    keep_probs: tuple[float, ...] | None = None
    normalize: bool = False
    early_stopping: int | None = None
    min_delta: float = 0.0
    augment: bool = False
    seed: int = 0
    log_every: int = 1000
    parity: CourseParity = CourseParity()

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(int(n) for n in self.layers))
        if self.keep_probs is not None:
            kps = tuple(float(k) for k in self.keep_probs)
            if len(kps) == 1 and len(self.layers) > 3:
                kps = kps * (len(self.layers) - 2)
            object.__setattr__(self, "keep_probs", kps)
        self.validate()

    def validate(self) -> None:
        """Raise :class:`TutorError` for the first invalid option, naming it and its allowed range."""
        arch = self.architecture  # checks layers, budget and activation
        require(self.init in INITS, "init", f"unknown initialization {self.init!r}", ", ".join(INITS))
        require(_finite(self.init_scale) and self.init_scale > 0, "init_scale",
                f"{self.init_scale} is not a positive number", "init_scale > 0")
        require(_finite(self.learning_rate) and self.learning_rate > 0, "learning_rate",
                f"{self.learning_rate} is not allowed", "learning_rate > 0")
        require(1 <= self.iterations <= MAX_ITERATIONS, "iterations", f"{self.iterations} is out of range",
                f"1 to {MAX_ITERATIONS:,}")
        if self.batch_size is not None:
            require(self.batch_size >= 1, "batch_size", f"{self.batch_size} is not allowed",
                    "a positive integer, or none for the whole training set")
        for name in ("l2", "l1"):
            value = getattr(self, name)
            require(_finite(value) and value >= 0, name, f"{value} is not allowed", f"{name} >= 0 (0 turns it off)")
        require(0 <= self.seed < 2**32, "seed", f"{self.seed} is out of range", "0 to 2**32 - 1")
        require(0 <= self.mask_seed < 2**32, "mask_seed", f"{self.mask_seed} is out of range", "0 to 2**32 - 1")
        if self.keep_probs is not None:
            require(arch.L > 1, "keep_prob", "dropout needs a hidden layer, and this network has none",
                    "a network with hidden layers, e.g. --layers 2,20,3,1")
            require(len(self.keep_probs) == arch.L - 1, "keep_prob",
                    f"{len(self.keep_probs)} values for {arch.L - 1} hidden layers",
                    "one value for all hidden layers, or one per hidden layer")
            for kp in self.keep_probs:
                require(_finite(kp) and 0 < kp <= 1, "keep_prob", f"{kp} is outside (0, 1]", "0 < keep_prob <= 1")
        if self.early_stopping is not None:
            require(self.early_stopping >= 1, "early_stopping", f"patience {self.early_stopping} is not allowed",
                    "a patience of at least 1 check")
        require(_finite(self.min_delta) and self.min_delta >= 0, "min_delta", f"{self.min_delta} is not allowed",
                "min_delta >= 0")
        require(self.log_every >= 1, "log_every", f"{self.log_every} is not allowed", "log_every >= 1")

    @property
    def architecture(self) -> Architecture:
        return Architecture(self.layers, self.activation)

    @property
    def dropout(self) -> bool:
        return self.keep_probs is not None and any(kp < 1 for kp in self.keep_probs)

    # the parity switches, read where they were read before they moved into one object
    @property
    def legacy_rng(self) -> bool:
        return self.parity.legacy_rng

    @property
    def fixed_masks(self) -> bool:
        return self.parity.fixed_masks

    @property
    def mask_seed(self) -> int:
        return self.parity.mask_seed

    @property
    def scale_delta_first(self) -> bool:
        return self.parity.scale_delta_first

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, the parity switches flat among the other options (as runs export them)."""
        d = {name: getattr(self, name) for name in _DICT_KEYS}
        d["layers"] = list(self.layers)
        d["keep_probs"] = list(self.keep_probs) if self.keep_probs is not None else None
        return d

    def with_changes(self, **changes: Any) -> TrainConfig:
        """A copy with some options changed (validated again); parity switches may be named directly
        (``with_changes(fixed_masks=False)``)."""
        switches = {k: changes.pop(k) for k in PARITY_FIELDS if k in changes}
        if switches:
            changes["parity"] = replace(changes.get("parity", self.parity), **switches)
        return replace(self, **changes)


#: The keys of :meth:`TrainConfig.to_dict`, in the order runs have always exported them.
_DICT_KEYS = ("layers", "activation", "init", "init_scale", "learning_rate", "iterations", "batch_size", "l2", "l1",
              "keep_probs", "fixed_masks", "mask_seed", "normalize", "early_stopping", "min_delta", "augment",
              "seed", "legacy_rng", "log_every", "scale_delta_first")


def _finite(x: float) -> bool:
    return isinstance(x, (int, float, np.floating, np.integer)) and math.isfinite(float(x))
