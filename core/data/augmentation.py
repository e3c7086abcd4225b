"""Data augmentation: label-preserving reflections and jittered copies of the training examples."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from dltutor.core.data.validate import as_rng, check_reflections, float_in, int_in, validate_xy
from dltutor.core.errors import TutorError
from dltutor.core.rng import Rng, randn
from dltutor.core.types import Array

#: Augmentation never builds more examples than this (a typo like copies=10000 must not swap the machine).
MAX_AUGMENTED = 2_000_000
MAX_COPIES = 100


def reflect(X: Array, reflection: str) -> Array:
    """``X`` ``(2, m)`` reflected: ``"x"`` negates feature 1, ``"y"`` feature 2, ``"xy"`` both."""
    (reflection,) = check_reflections([reflection])
    out = X.copy()
    if reflection in ("x", "xy"):
        out[0] = -out[0]
    if reflection in ("y", "xy"):
        out[1] = -out[1]
    return out


def augment(
    X: Array,
    Y: Array,
    rng: Rng | int | None = None,
    jitter: float = 0.0,
    reflections: Sequence[str] | str = (),
    copies: int = 1,
) -> tuple[Array, Array]:
    """Data augmentation: the originals followed by transformed copies with the same labels.

    Each copy adds, in order, a jittered copy of the originals (only when ``jitter > 0``) and then one
    block per reflection; when ``jitter > 0`` every block gets fresh noise ``jitter * randn``. Copies beyond
    the first only differ through the jitter.

    Pass only reflections the dataset declares label-preserving (:attr:`Dataset.reflections`): a mirror
    image with the original label is only a valid new example if the mirror really keeps the class (the
    course's example is a flipped cat picture, still a cat). Reflecting the flower through ``y`` would
    teach the network wrong labels.

    Args:
        X: ``(2, m)`` (reflections need exactly two features; jitter alone works for any ``n_x``).
        Y: ``(1, m)``.
        rng: draws the jitter.
        jitter: standard deviation of the Gaussian noise added to the copies (in the features' units), >= 0.
        reflections: subset of ``("x", "y", "xy")``.
        copies: how many rounds of blocks to add, 1 to 100.

    Returns:
        ``X_aug`` ``(n_x, m * (1 + copies * blocks))`` and ``Y_aug`` ``(1, same)``, where ``blocks`` is the
        number of reflections plus one when ``jitter > 0``.
    """
    X, Y = validate_xy(X, Y)
    refl = check_reflections(reflections)
    # No upper bound: jitter is in the data's own units, which may be large (badly scaled features).
    jitter = float_in(jitter, "jitter", 0.0, math.inf)
    copies = int_in(copies, "copies", 1, MAX_COPIES)
    if refl and X.shape[0] != 2:
        raise TutorError("reflections", f"reflections need 2 features, the data has {X.shape[0]}",
                         "no reflections for data that is not 2-D")
    transforms: list[str | None] = ([None] if jitter > 0 else []) + list(refl)
    m = X.shape[1]
    total = m * (1 + copies * len(transforms))
    if total > MAX_AUGMENTED:
        raise TutorError("copies", f"augmentation would build {total:,} examples",
                         f"at most {MAX_AUGMENTED:,} examples in all")
    if not transforms:
        return X.copy(), Y.copy()
    blocks_X, blocks_Y = [X], [Y]
    gen = as_rng(rng) if jitter > 0 else None
    for _ in range(copies):
        for t in transforms:
            block = X if t is None else reflect(X, t)
            if gen is not None:
                block = block + jitter * randn(gen, *X.shape)
            blocks_X.append(block)
            blocks_Y.append(Y)
    return np.concatenate(blocks_X, axis=1), np.concatenate(blocks_Y, axis=1)
