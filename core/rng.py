"""Explicit random number generators.

Every random draw in dltutor goes through an ``rng`` argument: a ``np.random.Generator`` by default, or
a legacy ``np.random.RandomState`` when reproducing the course's published numbers (the course seeds the
legacy global RNG and calls ``randn``/``rand``). These helpers draw from either kind the same way.
"""

from __future__ import annotations

import numpy as np

from dltutor.core.types import Array

Rng = np.random.Generator | np.random.RandomState


def make_rng(seed: int | None, legacy: bool = False) -> Rng:
    """A generator for ``seed``: ``RandomState(seed)`` when ``legacy`` (course parity), else PCG64."""
    if legacy:
        return np.random.RandomState(seed)
    return np.random.default_rng(seed)


def randn(rng: Rng, *shape: int) -> Array:
    """Standard normal draws of ``shape`` (``RandomState.randn`` order for a legacy rng)."""
    if isinstance(rng, np.random.RandomState):
        return rng.randn(*shape)
    return rng.standard_normal(shape)


def rand(rng: Rng, *shape: int) -> Array:
    """Uniform [0, 1) draws of ``shape`` (``RandomState.rand`` order for a legacy rng)."""
    if isinstance(rng, np.random.RandomState):
        return rng.rand(*shape)
    return rng.random(shape)


def permutation(rng: Rng, m: int) -> Array:
    """A random permutation of ``range(m)``."""
    return rng.permutation(m)
