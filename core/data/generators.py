"""The built-in 2-D toy datasets (circles, moons, xor, blobs, spiral, the course's flower).

Each generator is ``gen(m, noise, rng) -> X (2, m), Y (1, m)``: a noise-free shape plus Gaussian noise of
standard deviation ``noise`` on both features. :func:`make_dataset` draws one and splits it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from dltutor.core.data.dataset import Dataset, dataset_from_parts
from dltutor.core.data.splitting import check_ratios, split
from dltutor.core.data.validate import as_rng, float_in, int_in
from dltutor.core.errors import TutorError
from dltutor.core.rng import Rng, permutation, rand, randn
from dltutor.core.types import Array

M_RANGE = (4, 200_000)
NOISE_RANGE = (0.0, 2.0)


def _sizes(m: int) -> tuple[int, int]:
    return m // 2, m - m // 2


def _shuffle_and_noise(X: Array, y: Array, noise: float, rng: Rng) -> tuple[Array, Array]:
    """Shuffle the rows of ``X`` ``(m, 2)`` and add noise, drawn in sklearn's order.

    sklearn's ``make_circles`` shuffles with ``RandomState.shuffle`` and then draws ``normal(size=(m, 2))``;
    drawing ``permutation`` then ``randn(m, 2)`` from the same ``RandomState`` gives the same numbers,
    which is how :func:`course_standin` reproduces the course's circles exactly.
    """
    idx = permutation(rng, X.shape[0])
    X, y = X[idx], y[idx]
    X = X + noise * randn(rng, X.shape[0], 2)
    return X.T.copy(), y[None, :].astype(np.float64)


def circles_generator(m: int, noise: float, rng: Rng, factor: float = 0.5) -> tuple[Array, Array]:
    """Two concentric circles: outer radius 1 (label 0), inner radius ``factor`` (label 1).

    Args:
        m: number of examples.
        noise: standard deviation of the Gaussian noise added to both features.
        rng: random generator.
        factor: inner radius (sklearn's ``make_circles`` uses 0.8 by default; the course data does too).

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``.
    """
    n_out, n_in = _sizes(m)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.stack([np.append(np.cos(t_out), factor * np.cos(t_in)),
                  np.append(np.sin(t_out), factor * np.sin(t_in))], axis=1)
    y = np.append(np.zeros(n_out), np.ones(n_in))
    return _shuffle_and_noise(X, y, noise, rng)


def moons_generator(m: int, noise: float, rng: Rng) -> tuple[Array, Array]:
    """Two interleaved half circles (sklearn's ``make_moons``), centred on the origin.

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``: upper moon label 0, lower moon label 1.
    """
    n_out, n_in = _sizes(m)
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.stack([np.append(np.cos(t_out), 1 - np.cos(t_in)) - 0.5,
                  np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5) - 0.25], axis=1)
    y = np.append(np.zeros(n_out), np.ones(n_in))
    return _shuffle_and_noise(X, y, noise, rng)


def xor_generator(m: int, noise: float, rng: Rng) -> tuple[Array, Array]:
    """Uniform points in the square ``[-1, 1]^2``, label 1 where the two features have opposite signs.

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``.
    """
    X = 2 * rand(rng, m, 2) - 1
    y = (X[:, 0] * X[:, 1] < 0).astype(np.float64)
    X = X + noise * randn(rng, m, 2)
    return X.T.copy(), y[None, :]


def blobs_generator(m: int, noise: float, rng: Rng, spread: float = 0.4) -> tuple[Array, Array]:
    """Two Gaussian blobs of standard deviation ``spread`` centred at ``(-1, 0)`` (label 0) and ``(1, 0)``.

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``.
    """
    n0, n1 = _sizes(m)
    X = np.zeros((m, 2))
    X[:n0, 0], X[n0:, 0] = -1.0, 1.0
    X = X + spread * randn(rng, m, 2)
    y = np.append(np.zeros(n0), np.ones(n1))
    return _shuffle_and_noise(X, y, noise, rng)


def spiral_generator(m: int, noise: float, rng: Rng, turns: float = 1.5) -> tuple[Array, Array]:
    """Two interleaved spiral arms, the second the first turned by half a revolution.

    A point at position ``s`` in ``[0, 1)`` along an arm has radius ``0.1 + 0.9 s`` and angle
    ``2 pi turns s`` (plus ``pi`` for label 1); neighbouring arms are 0.3 apart.

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``.
    """
    n0, n1 = _sizes(m)
    y = np.append(np.zeros(n0), np.ones(n1))
    s = rand(rng, m)
    r = 0.1 + 0.9 * s
    angle = 2 * np.pi * turns * s + np.pi * y
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return _shuffle_and_noise(X, y, noise, rng)


def flower_generator(m: int, noise: float, rng: Rng, a: float = 4.0) -> tuple[Array, Array]:
    """The course's planar "flower" (Course 1, ``planar_utils.load_planar_dataset``), with an explicit rng.

    Class ``j`` takes angles ``t`` evenly spaced over ``[3.12 j, 3.12 (j + 1)]`` plus ``noise * randn``,
    radius ``r = a sin(4 t) + noise * randn`` and the point ``(r sin t, r cos t)``; the rose has 8 petals,
    four per class. With ``m=400, noise=0.2`` and ``np.random.RandomState(1)`` this draws exactly the
    course's numbers (same draw order: angle noise then radius noise, class 0 first).

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``, class 0 first (not shuffled, as in the course).
    """
    X = np.zeros((m, 2))
    Y = np.zeros(m)
    start = 0
    for j, n in enumerate(_sizes(m)):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + randn(rng, n) * noise
        r = a * np.sin(4 * t) + randn(rng, n) * noise
        X[start:start + n] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[start:start + n] = j
        start += n
    return X.T.copy(), Y[None, :]


class GeneratorSpec(NamedTuple):
    """A toy dataset generator: ``function(m, noise, rng) -> (X (2, m), Y (1, m))``."""

    function: Callable[[int, float, Rng], tuple[Array, Array]]
    description: str
    reflections: tuple[str, ...]


#: name -> (function, description, label-preserving reflections). A reflection is declared only when it
#: maps each class's noise-free region (or density) onto itself, so it never changes the right label.
GENERATORS: dict[str, GeneratorSpec] = {
    "circles": GeneratorSpec(circles_generator,
                         "two concentric circles, radius 1 (label 0) and 0.5 (label 1); "
                         "not linearly separable",
                         ("x", "y", "xy")),
    "moons": GeneratorSpec(moons_generator,
                       "two interleaved half moons; a curved boundary (no reflection keeps the labels)",
                       ()),
    "xor": GeneratorSpec(xor_generator,
                     "points in [-1, 1]^2, label 1 where the features' signs differ; needs a hidden layer",
                     ("xy",)),
    "blobs": GeneratorSpec(blobs_generator,
                       "two Gaussian blobs at (-1, 0) and (1, 0); almost linearly separable",
                       ("y",)),
    "spiral": GeneratorSpec(spiral_generator,
                        "two interleaved spiral arms (1.5 turns); hard, needs a deeper or wider network",
                        ()),
    "flower": GeneratorSpec(flower_generator,
                        "the course's planar flower: 8 petals, 4 per class (Course 1's planar_utils)",
                        ("x",)),
}


def make_dataset(
    name: str,
    m: int = 400,
    noise: float = 0.1,
    rng: Rng | int | None = None,
    ratios: Sequence[float] = (0.7, 0.3),
) -> Dataset:
    """Generate a toy dataset and split it.

    Args:
        name: a key of :data:`GENERATORS`.
        m: total number of examples, 4 to 200,000.
        noise: standard deviation of the Gaussian noise on the features, 0 to 2.
        rng: a Generator/RandomState, a seed, or None for :data:`DEFAULT_SEED`. The data is drawn first,
            then the split's permutation.
        ratios: ``(train, dev)`` or ``(train, dev, test)`` fractions summing to 1 (see :func:`split`).

    Returns:
        A :class:`Dataset` with ``X`` ``(2, m_split)`` per split and the generator's reflections.
    """
    if name not in GENERATORS:
        raise TutorError("dataset", f"unknown dataset {name!r}", ", ".join(GENERATORS))
    m = int_in(m, "m", *M_RANGE)
    noise = float_in(noise, "noise", *NOISE_RANGE)
    ratios = check_ratios(ratios)
    rng = as_rng(rng)
    gen = GENERATORS[name]
    X, Y = gen.function(m, noise, rng)
    parts = split(X, Y, ratios, rng)
    return dataset_from_parts(name, parts, source=f"built-in {name} generator, m={m}, noise={noise:g}",
                               reflections=gen.reflections)
