"""Built-in stand-ins for the course exercises' data files (``circles.npz``, ``football.npz``)."""

from __future__ import annotations

import numpy as np

from dltutor.core.data.dataset import Dataset
from dltutor.core.data.generators import circles_generator
from dltutor.core.data.validate import as_rng
from dltutor.core.errors import TutorError
from dltutor.core.rng import Rng, make_rng, rand, randn
from dltutor.core.types import Array

#: Seed of the football stand-in's legacy ``RandomState`` when no rng is given (a frozen stream, so the data
#: is the same on every NumPy version). Chosen among seeds 0-15 because, with the course's protocol (2-20-3-1,
#: lr 0.3, 30000 iterations, seed 3), it shows the exercise's story clearly: no regularization train 0.976 /
#: test 0.89, L2 (lambd 0.7) 0.948 / 0.91, dropout (keep_prob 0.86, fixed masks) 0.957 / 0.92.
FOOTBALL_SEED = 5

#: stand-in name -> what it replaces.
COURSE_STANDINS: dict[str, str] = {
    "circles": "the Initialization exercise's data (circles.npz): two noisy concentric circles, "
               "train 300 / test 100",
    "football": "the Regularization exercise's goalkeeper data (football.npz, the course's data.mat): "
                "where the French goalkeeper should kick so a French player heads the ball, "
                "train 211 / test 200",
}


def course_standin(name: str, rng: Rng | int | None = None) -> Dataset:
    """A built-in replacement for one of the course exercises' data files.

    ``circles`` draws sklearn's ``make_circles(noise=0.05)`` (inner radius 0.8) with our own code; without
    an rng it uses ``RandomState(1)`` for train and ``RandomState(2)`` for test as the course does, which
    reproduces ``circles.npz`` number for number. ``football`` imitates the goalkeeper data: two features in
    about ``[-0.7, 0.4] x [-0.8, 0.6]``, a wiggly diagonal boundary and 6% flipped labels, so an
    unregularized 2-20-3-1 network overfits a little; without an rng it uses
    ``RandomState(FOOTBALL_SEED)`` (see :data:`FOOTBALL_SEED`). It is not the course's data: the published
    numbers need the real file.

    Args:
        name: ``"circles"`` or ``"football"`` (a ``course-`` prefix is accepted).
        rng: a Generator/RandomState or seed; None gives the fixed default described above.

    Returns:
        A :class:`Dataset` with train and test splits and ``stand_in=True``.
    """
    key = name.removeprefix("course-") if isinstance(name, str) else name
    if key not in COURSE_STANDINS:
        raise TutorError("dataset", f"unknown course stand-in {name!r}",
                         ", ".join(f"course-{k}" for k in COURSE_STANDINS))
    if key == "circles":
        if rng is None:
            train_rng, test_rng = make_rng(1, legacy=True), make_rng(2, legacy=True)
        else:
            train_rng = test_rng = as_rng(rng)
        train = circles_generator(300, 0.05, train_rng, factor=0.8)
        test = circles_generator(100, 0.05, test_rng, factor=0.8)
        source = "built-in stand-in for the course's circles.npz (Initialization exercise)"
        reflections: tuple[str, ...] = ("x", "y", "xy")
    else:
        r = make_rng(FOOTBALL_SEED, legacy=True) if rng is None else as_rng(rng)
        train = _football(211, r)
        test = _football(200, r)
        source = ("built-in stand-in for the course's football.npz (Regularization exercise), "
                  "not the real data")
        reflections = ()
    return Dataset(name=f"course-{key}", train_X=train[0], train_Y=train[1], test_X=test[0], test_Y=test[1],
                   source=source, reflections=reflections, stand_in=True)


def _football(m: int, rng: Rng) -> tuple[Array, Array]:
    """Goalkeeper-like data: ``X`` ``(2, m)`` in an oval field, label 1 on the upper-left side.

    Positions: a Gaussian cloud around (-0.12, -0.06) kept inside the box ``[-0.8, 0.8] x [-0.8, 0.6]``.
    The boundary is a diagonal line with a small sine wiggle along it. 6% of the labels are flipped
    anywhere: those isolated wrong points are what an unregularized network bends its boundary around
    (overfitting), and what L2 or dropout learn to ignore.
    """
    pts = np.empty((0, 2))
    while pts.shape[0] < m:
        draw = np.array([-0.12, -0.06]) + np.array([0.19, 0.28]) * randn(rng, 2 * m, 2)
        inside = (np.abs(draw[:, 0]) <= 0.8) & (draw[:, 1] >= -0.8) & (draw[:, 1] <= 0.6)
        pts = np.vstack([pts, draw[inside]])
    pts = pts[:m]
    centred = pts - np.array([-0.13, -0.06])
    along = centred @ np.array([0.817, 0.577])
    d = centred @ np.array([-0.577, 0.817]) + 0.02 * np.sin(2 * np.pi * along / 0.4)
    y = (d > 0).astype(np.float64)
    flip = rand(rng, m) < 0.06
    y[flip] = 1 - y[flip]
    return pts.T.copy(), y[None, :]
