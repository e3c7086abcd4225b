"""Datasets: toy generators, the course stand-ins, files, splitting and augmentation.

Every array follows the course's convention: ``X`` is ``(n_x, m)`` (examples are columns) and ``Y`` is
``(1, m)``, both ``float64``. Labels are 0/1 for two classes, or class ids ``0..K-1`` (contiguous) for K.

Everything random takes an explicit ``rng``: a ``np.random.Generator``, a legacy ``RandomState`` (course
parity), an ``int`` seed, or ``None`` for the fixed :data:`DEFAULT_SEED`, so a run is repeatable unless the
caller asks otherwise.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.files import regular_file, shorten
from dltutor.core.rng import Rng, make_rng, permutation, rand, randn

#: The seed used when no rng is given: the same call gives the same data every time.
DEFAULT_SEED = 1

#: Reflections a dataset may declare: ``"x"`` is ``x1 -> -x1``, ``"y"`` is ``x2 -> -x2``, ``"xy"`` both
#: (the point reflection through the origin).
REFLECTIONS = ("x", "y", "xy")

M_RANGE = (4, 200_000)
NOISE_RANGE = (0.0, 2.0)
#: Augmentation never builds more examples than this (a typo like copies=10000 must not swap the machine).
MAX_AUGMENTED = 2_000_000
MAX_COPIES = 100
#: At most this many classes (ids 0..K-1): a larger id is a timestamp or row id in the label column.
MAX_CLASSES = 1000
#: Feature values beyond this size cannot be trained on in float64 (their squares and sums overflow).
MAX_ABS_VALUE = 1e100
#: Data files larger than this are refused before they are read (the largest sensible course file is a few MB).
MAX_FILE_BYTES = 512 * 2**20

_SPLIT_NAMES = ("train", "dev", "test")
_LABELS_ALLOWED = "0/1 labels, or class ids 0..K-1 with every id present"
_FILE_TYPES = ".npz, .csv or .mat"


# ---------------------------------------------------------------------------------------------------------
# Dataset
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """A dataset split into train and optional dev and test sets.

    Args:
        name: short name (generator name, stand-in name or file name).
        train_X: ``(n_x, m_train)``.
        train_Y: ``(1, m_train)``.
        dev_X: ``(n_x, m_dev)`` or None.
        dev_Y: ``(1, m_dev)`` or None.
        test_X: ``(n_x, m_test)`` or None.
        test_Y: ``(1, m_test)`` or None.
        source: where the data came from, in words.
        reflections: the label-preserving reflections the data declares (subset of :data:`REFLECTIONS`);
            only these may be used for augmentation.
        stand_in: True for the built-in replacements of the course's data files.

    Arrays are converted to ``float64`` and validated on construction (:func:`validate_xy`); a bad array
    raises :class:`~core.errors.TutorError` with field ``data``.
    """

    name: str
    train_X: np.ndarray
    train_Y: np.ndarray
    dev_X: np.ndarray | None = None
    dev_Y: np.ndarray | None = None
    test_X: np.ndarray | None = None
    test_Y: np.ndarray | None = None
    source: str = ""
    reflections: tuple[str, ...] = ()
    stand_in: bool = False

    def __post_init__(self) -> None:
        self.reflections = _check_reflections(self.reflections, field="reflections")
        self.train_X, self.train_Y = validate_xy(self.train_X, self.train_Y, split="train", contiguous=False)
        n_x = self.train_X.shape[0]
        for name in ("dev", "test"):
            X, Y = getattr(self, f"{name}_X"), getattr(self, f"{name}_Y")
            if X is None and Y is None:
                continue
            if X is None or Y is None:
                missing = f"{name}_X" if X is None else f"{name}_Y"
                raise TutorError("data", f"{name} split has no {missing}",
                                 f"both {name}_X and {name}_Y, or neither")
            X, Y = validate_xy(X, Y, split=name, contiguous=False)
            if X.shape[0] != n_x:
                raise TutorError("data", f"{name}_X has {X.shape[0]} features but train_X has {n_x}",
                                 "the same features in every split")
            setattr(self, f"{name}_X", X)
            setattr(self, f"{name}_Y", Y)
        # Class ids must be contiguous over the whole dataset: a small dev set may miss a class.
        labels = np.unique(np.concatenate([Y[0] for _, Y in self.splits().values()]))
        _check_contiguous(labels, "data", "labels")
        train_labels = np.unique(self.train_Y[0])
        if train_labels.size < 2:
            raise TutorError("data", f"the training set has only one class ({int(train_labels[0])})",
                             "examples of at least two classes to learn to tell apart")
        unseen = sorted(set(labels.astype(int)) - set(train_labels.astype(int)))
        if unseen:
            raise TutorError("data", f"the dev/test sets have class {unseen[0]}, which the training set lacks",
                             "every class present in the training set")

    def splits(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The present splits in the order train, dev, test: ``{"train": (X, Y), ...}``."""
        out = {"train": (self.train_X, self.train_Y)}
        for name in ("dev", "test"):
            X = getattr(self, f"{name}_X")
            if X is not None:
                out[name] = (X, getattr(self, f"{name}_Y"))
        return out

    @property
    def heldout(self) -> str | None:
        """The split to evaluate on: ``"dev"`` when present, else ``"test"``, else None."""
        if self.dev_X is not None:
            return "dev"
        if self.test_X is not None:
            return "test"
        return None

    @property
    def n_features(self) -> int:
        """``n_x``, the number of input features."""
        return int(self.train_X.shape[0])

    @property
    def n_classes(self) -> int:
        """2 for 0/1 labels, else the largest class id + 1 over all splits."""
        return max(_n_classes(Y) for _, Y in self.splits().values())

    def summary(self) -> str:
        """One line: name, features, classes, split sizes and source."""
        splits = self.splits()
        sizes = ", ".join(f"{name} {X.shape[1]}" for name, (X, _) in splits.items())
        if "test" in splits and "dev" not in splits:
            sizes += " as the dev set"  # the course's files call the held-out set test; reports call it dev
        text = f"{self.name}: {self.n_features} features, {self.n_classes} classes; {sizes}"
        if self.reflections:
            text += f"; label-preserving reflections {', '.join(self.reflections)}"
        if self.source:
            text += f" ({self.source})"
        return text


def _n_classes(Y: np.ndarray) -> int:
    return max(2, int(Y.max()) + 1) if Y.size else 2


# ---------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------


def validate_xy(
    X: np.ndarray,
    Y: np.ndarray,
    field: str = "data",
    *,
    split: str = "",
    contiguous: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Check a pair of arrays and return them as ``float64``.

    Args:
        X: inputs ``(n_x, m)``.
        Y: labels ``(1, m)``.
        field: the field named in errors.
        split: a split name used in messages (``"train"`` gives ``train_X``/``train_Y``).
        contiguous: require the labels present to be exactly ``0..K-1`` (0/1 data always passes);
            :class:`Dataset` checks this over all splits together instead, since a small split may miss a
            class.

    Returns:
        ``(X, Y)`` as ``float64`` arrays of shapes ``(n_x, m)`` and ``(1, m)``.

    Raises:
        TutorError: wrong dimensions, mismatched m, NaN or inf, or labels that are not class ids.
    """
    xname, yname = (f"{split}_X", f"{split}_Y") if split else ("X", "Y")
    X = _as_float(X, field, xname)
    Y = _as_float(Y, field, yname)
    if X.ndim != 2:
        raise TutorError(field, f"{xname} must be 2-D (n_x, m), got shape {X.shape}",
                         "an (n_features, m) array, examples as columns")
    if Y.ndim != 2 or Y.shape[0] != 1:
        raise TutorError(field, f"{yname} must have shape (1, m), got {Y.shape}", "a (1, m) row of labels")
    if X.shape[1] != Y.shape[1]:
        raise TutorError(field, f"{xname} has {X.shape[1]} examples but {yname} has {Y.shape[1]}",
                         "the same number of examples (columns) in X and Y")
    if X.shape[1] == 0 or X.shape[0] == 0:
        raise TutorError(field, f"{xname} is empty (shape {X.shape})", "at least one feature and one example")
    for name, arr in ((xname, X), (yname, Y)):
        n_nan = int(np.count_nonzero(np.isnan(arr)))
        if n_nan:
            raise TutorError(field, f"{name} contains NaN at {n_nan} entries", "finite numbers only")
        n_inf = int(np.count_nonzero(np.isinf(arr)))
        if n_inf:
            raise TutorError(field, f"{name} contains inf at {n_inf} entries", "finite numbers only")
    labels = np.unique(Y)
    bad = labels[(labels != np.round(labels)) | (labels < 0)]
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in bad[:5])
        raise TutorError(field, f"{yname} holds labels that are not class ids: {shown}", _LABELS_ALLOWED)
    _check_class_count(labels, field, yname)
    biggest = float(np.max(np.abs(X)))
    if biggest > MAX_ABS_VALUE:
        raise TutorError(field, f"{xname} holds values as large as {biggest:.3g}, too large to train on "
                         "(their squares overflow)", f"|values| <= {MAX_ABS_VALUE:.0e}; rescale the features")
    if contiguous:
        _check_contiguous(labels, field, yname)
    return X, Y


def _check_class_count(labels: np.ndarray, field: str, name: str) -> None:
    """Refuse a class id of :data:`MAX_CLASSES` or more (``labels``: sorted unique non-negative integers)."""
    if labels.size and labels[-1] >= MAX_CLASSES:
        raise TutorError(field, f"{name} has class id {labels[-1]:.15g}, more classes than the tutor handles "
                         "(is the last column a timestamp or a row id?)",
                         f"class ids 0..K-1 with at most {MAX_CLASSES:,} classes, the label in the last column")


def _check_contiguous(labels: np.ndarray, field: str, name: str) -> None:
    """Refuse class ids with gaps (``{0, 2}``); ``labels`` are the sorted unique non-negative integers.

    Never builds the range up to the largest id (a label may be a timestamp): the class count is capped first.
    """
    _check_class_count(labels, field, name)
    if labels.size and labels[-1] > 1 and not np.array_equal(labels, np.arange(labels.size)):
        missing = np.setdiff1d(np.arange(int(labels[-1]) + 1), labels.astype(np.int64))[:5]
        raise TutorError(field, f"{name} class ids are not contiguous (missing {[int(v) for v in missing]})",
                         _LABELS_ALLOWED)


def _as_float(a: object, field: str, name: str) -> np.ndarray:
    if np.iscomplexobj(a):
        raise TutorError(field, f"{name} holds complex numbers", "real numbers only")
    try:
        arr = np.array(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise TutorError(field, f"{name} is not numeric", "numbers only") from None
    return arr


def _check_reflections(
    reflections: Iterable[str] | str | None, field: str = "reflections"
) -> tuple[str, ...]:
    if reflections is None:
        return ()
    if isinstance(reflections, str):
        reflections = [r.strip() for r in reflections.split(",") if r.strip()]
    out: list[str] = []
    for r in reflections:
        if r not in REFLECTIONS:
            raise TutorError(field, f"unknown reflection {r!r}",
                             '"x" (x1 -> -x1), "y" (x2 -> -x2), "xy" (through the origin)')
        if r not in out:
            out.append(r)
    return tuple(out)


def _as_rng(rng: Rng | int | None) -> Rng:
    if rng is None:
        return make_rng(DEFAULT_SEED)
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return make_rng(int(rng))
    raise TutorError("seed", f"{rng!r} is not a seed or random generator",
                     "a non-negative integer seed, a numpy Generator or RandomState, or nothing")


def _int_in(value: object, field: str, lo: int, hi: int) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if isinstance(value, float) and value.is_integer():
        ok, value = True, int(value)
    if not ok or not lo <= int(value) <= hi:
        raise TutorError(field, f"{value!r} is out of range", f"an integer from {lo:,} to {hi:,}")
    return int(value)


def _float_in(value: object, field: str, lo: float, hi: float) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TutorError(field, f"{value!r} is not a number", f"{lo:g} to {hi:g}") from None
    allowed = f"a finite number >= {lo:g}" if hi == math.inf else f"{lo:g} to {hi:g}"
    if isinstance(value, bool) or not math.isfinite(v):
        raise TutorError(field, f"{value!r} is not a finite number", allowed)
    if not lo <= v <= hi:
        raise TutorError(field, f"{value!r} is out of range", allowed)
    return v


# ---------------------------------------------------------------------------------------------------------
# Generators. Each gen(m, noise, rng) -> X (2, m), Y (1, m): a noise-free shape plus Gaussian noise of
# standard deviation `noise` on both features.
# ---------------------------------------------------------------------------------------------------------


def _sizes(m: int) -> tuple[int, int]:
    return m // 2, m - m // 2


def _shuffle_and_noise(X: np.ndarray, y: np.ndarray, noise: float, rng: Rng) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle the rows of ``X`` ``(m, 2)`` and add noise, drawn in sklearn's order.

    sklearn's ``make_circles`` shuffles with ``RandomState.shuffle`` and then draws ``normal(size=(m, 2))``;
    drawing ``permutation`` then ``randn(m, 2)`` from the same ``RandomState`` gives the same numbers,
    which is how :func:`course_standin` reproduces the course's circles exactly.
    """
    idx = permutation(rng, X.shape[0])
    X, y = X[idx], y[idx]
    X = X + noise * randn(rng, X.shape[0], 2)
    return X.T.copy(), y[None, :].astype(np.float64)


def circles_generator(m: int, noise: float, rng: Rng, factor: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
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


def moons_generator(m: int, noise: float, rng: Rng) -> tuple[np.ndarray, np.ndarray]:
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


def xor_generator(m: int, noise: float, rng: Rng) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in the square ``[-1, 1]^2``, label 1 where the two features have opposite signs.

    Returns:
        ``X`` ``(2, m)``, ``Y`` ``(1, m)``.
    """
    X = 2 * rand(rng, m, 2) - 1
    y = (X[:, 0] * X[:, 1] < 0).astype(np.float64)
    X = X + noise * randn(rng, m, 2)
    return X.T.copy(), y[None, :]


def blobs_generator(m: int, noise: float, rng: Rng, spread: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
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


def spiral_generator(m: int, noise: float, rng: Rng, turns: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
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


def flower_generator(m: int, noise: float, rng: Rng, a: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
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

    function: Callable[[int, float, Rng], tuple[np.ndarray, np.ndarray]]
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
    m = _int_in(m, "m", *M_RANGE)
    noise = _float_in(noise, "noise", *NOISE_RANGE)
    ratios = _check_ratios(ratios)
    rng = _as_rng(rng)
    gen = GENERATORS[name]
    X, Y = gen.function(m, noise, rng)
    parts = split(X, Y, ratios, rng)
    return _dataset_from_parts(name, parts, source=f"built-in {name} generator, m={m}, noise={noise:g}",
                               reflections=gen.reflections)


def _dataset_from_parts(name: str, parts: dict, **kwargs) -> Dataset:
    arrays = {}
    for split_name, (X, Y) in parts.items():
        arrays[f"{split_name}_X"], arrays[f"{split_name}_Y"] = X, Y
    return Dataset(name=name, **arrays, **kwargs)


# ---------------------------------------------------------------------------------------------------------
# Course stand-ins
# ---------------------------------------------------------------------------------------------------------

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
            train_rng = test_rng = _as_rng(rng)
        train = circles_generator(300, 0.05, train_rng, factor=0.8)
        test = circles_generator(100, 0.05, test_rng, factor=0.8)
        source = "built-in stand-in for the course's circles.npz (Initialization exercise)"
        reflections: tuple[str, ...] = ("x", "y", "xy")
    else:
        r = make_rng(FOOTBALL_SEED, legacy=True) if rng is None else _as_rng(rng)
        train = _football(211, r)
        test = _football(200, r)
        source = ("built-in stand-in for the course's football.npz (Regularization exercise), "
                  "not the real data")
        reflections = ()
    return Dataset(name=f"course-{key}", train_X=train[0], train_Y=train[1], test_X=test[0], test_Y=test[1],
                   source=source, reflections=reflections, stand_in=True)


def _football(m: int, rng: Rng) -> tuple[np.ndarray, np.ndarray]:
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


# ---------------------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------------------


def load_file(path: str | Path) -> Dataset:
    """Read a dataset file.

    Formats:
        ``.npz``: keys ``train_X, train_Y`` with optional ``dev_X, dev_Y`` and ``test_X, test_Y`` (examples as
        columns, as the course's arrays), or a single set under ``X, Y``.
        ``.csv``: one example per row, the label in the last column, an optional header line, comma or
        whitespace separated; ``#`` lines are comments. It becomes a train set only.
        ``.mat``: the course's ``data.mat`` keys ``X, y, Xval, yval`` (optionally ``Xtest, ytest``), one
        example per row. ``Xval`` is the test set when there is no ``Xtest`` (the Regularization exercise
        evaluates on it), else the dev set. Needs scipy (the ``mat`` extra).

    Labels may be ``(m,)``, ``(m, 1)`` or ``(1, m)``; ``X`` is transposed when its rows are the examples
    (decided by matching m).

    Returns:
        A :class:`Dataset` named after the file, ``float64`` arrays.

    Raises:
        TutorError: field ``data``, for a missing or unreadable file, unknown extension, missing keys,
            mismatched shapes, NaN/inf, or labels that are not class ids.
    """
    suffix = Path(str(path)).suffix.lower()
    if suffix not in (".npz", ".csv", ".mat"):
        raise TutorError("data", f"unknown file type {shorten(suffix or '(none)', 20)!r} for "
                         f"{shorten(Path(str(path)).name)}", _FILE_TYPES)
    p = regular_file(path, "data", f"an existing {_FILE_TYPES} file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TutorError("data", f"{shorten(p.name)} is {size / 2**20:,.0f} MiB, larger than the tutor reads",
                         f"a {_FILE_TYPES} file of at most {MAX_FILE_BYTES // 2**20} MiB")
    try:
        if suffix == ".npz":
            parts = _read_npz(p)
        elif suffix == ".csv":
            parts = _read_csv(p)
        else:
            parts = _read_mat(p)
        return _dataset_from_parts(shorten(p.name), parts, source=f"file {shorten(str(p))}")
    except TutorError as e:
        if e.problem.startswith(shorten(p.name)) or e.field != "data":
            raise
        raise TutorError(e.field, f"{shorten(p.name)}: {e.problem}", e.allowed) from None


def _orient(X: np.ndarray, Y: np.ndarray, xname: str, yname: str, rows_are_examples: bool) -> tuple:
    """Return ``X`` ``(n_x, m)`` and ``Y`` ``(1, m)`` from labels of shape (m,), (m, 1) or (1, m)."""
    X = _as_float(X, "data", xname)
    Y = _as_float(Y, "data", yname)
    if Y.ndim == 2 and 1 in Y.shape:
        Y = Y.reshape(-1)
    if Y.ndim != 1:
        raise TutorError("data", f"{yname} has shape {Y.shape}", "labels of shape (m,), (m, 1) or (1, m)")
    m = Y.shape[0]
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        raise TutorError("data", f"{xname} must be 2-D, got shape {X.shape}",
                         "an (n_features, m) or (m, n_features) array")
    rows, cols = X.shape
    if rows == m and (cols != m or rows_are_examples):
        X = X.T
    elif cols != m:
        raise TutorError("data", f"{xname} has shape {X.shape} but {yname} holds {m} labels",
                         "one dimension of X equal to the number of labels")
    return X, Y[None, :]


def _npz_members_fit(p: Path) -> None:
    """Read each array's header in the archive and refuse one that declares more data than a file may hold
    (a crafted or damaged header would otherwise ask NumPy for hundreds of GiB before reading a byte)."""
    total = 0
    with zipfile.ZipFile(p) as z:
        for info in z.infolist():
            if not info.filename.endswith(".npy"):
                continue
            with z.open(info) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            total += math.prod(shape) * dtype.itemsize
            if total > MAX_FILE_BYTES * 4:
                raise TutorError("data", f"{shorten(p.name)}: {info.filename[:-4]} declares shape {shape}, "
                                 f"{total / 2**30:,.1f} GiB in all", "arrays of at most "
                                 f"{MAX_FILE_BYTES * 4 // 2**20:,} MiB in all")


_NPZ_ALLOWED = "a NumPy .npz archive written by np.savez"


def _read_npz(p: Path) -> dict:
    if not zipfile.is_zipfile(p):
        with open(p, "rb") as f:
            npy = f.read(6) == b"\x93NUMPY"
        raise TutorError("data", f"cannot read {shorten(p.name)}: " + ("it is a single-array .npy file, not an "
                         ".npz archive" if npy else "it is not an .npz archive (not a zip file)"), _NPZ_ALLOWED)
    try:
        _npz_members_fit(p)
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except TutorError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, zlib.error, MemoryError,
            NotImplementedError, TypeError, SyntaxError) as e:
        why = "its compressed data is damaged" if isinstance(e, zlib.error) else f"{type(e).__name__}: {e}"
        raise TutorError("data", f"cannot read {shorten(p.name)} as .npz ({shorten(why)})", _NPZ_ALLOWED) from None
    if "train_X" in arrays or "train_Y" in arrays:
        names = [s for s in _SPLIT_NAMES if f"{s}_X" in arrays or f"{s}_Y" in arrays]
        parts = {}
        for s in names:
            if f"{s}_X" not in arrays or f"{s}_Y" not in arrays:
                missing = f"{s}_X" if f"{s}_X" not in arrays else f"{s}_Y"
                raise TutorError("data", f"{p.name} has no {missing} key", _NPZ_KEYS)
            parts[s] = _orient(arrays[f"{s}_X"], arrays[f"{s}_Y"], f"{s}_X", f"{s}_Y",
                               rows_are_examples=False)
        return parts
    if "X" in arrays and ("Y" in arrays or "y" in arrays):
        Y = arrays["Y"] if "Y" in arrays else arrays["y"]
        return {"train": _orient(arrays["X"], Y, "X", "Y", rows_are_examples=False)}
    raise TutorError("data", f"{p.name} has keys {sorted(arrays) or 'none'}", _NPZ_KEYS)


_NPZ_KEYS = "train_X, train_Y with optional dev_X, dev_Y, test_X, test_Y; or X, Y"


def _read_csv(p: Path) -> dict:
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise TutorError("data", f"cannot read {p.name} as text ({type(e).__name__})",
                         "a UTF-8 .csv file of numbers") from None
    rows: list[list[float]] = []
    width = None
    allowed = "numbers, one example per row, label last, comma or whitespace separated, optional header"
    seen_first = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")] if "," in line else line.split()
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if not seen_first:
                seen_first = True  # a header line
                continue
            bad = next(c for c in cells if not _is_float(c))
            raise TutorError("data", f"line {lineno}: {bad!r} is not a number", allowed) from None
        seen_first = True
        if width is None:
            width = len(values)
        elif len(values) != width:
            raise TutorError("data", f"line {lineno} has {len(values)} values, earlier rows have {width}",
                             allowed)
        rows.append(values)
    if not rows:
        raise TutorError("data", "no data rows", allowed)
    if width < 2:
        raise TutorError("data", "each row needs at least one feature and a label", allowed)
    arr = np.array(rows)
    return {"train": (arr[:, :-1].T.copy(), arr[:, -1][None, :].copy())}


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_mat(p: Path) -> dict:
    try:
        import scipy.io
    except ImportError:
        raise TutorError("data", "reading .mat files needs the mat extra",
                         "pip install 'dltutor[mat]'") from None
    try:
        mat = scipy.io.loadmat(str(p))
    except Exception as e:  # scipy raises many exception types for a bad file; all mean "unreadable"
        raise TutorError("data", f"cannot read {p.name} as a MATLAB .mat file ({type(e).__name__})",
                         "a .mat file with X, y (and Xval, yval)") from None
    keys = sorted(k for k in mat if not k.startswith("__"))
    allowed = "keys X, y, optionally Xval, yval and Xtest, ytest (one example per row)"
    if "X" not in mat or "y" not in mat:
        raise TutorError("data", f"{p.name} has keys {keys or 'none'}", allowed)
    parts = {"train": _orient(mat["X"], mat["y"], "X", "y", rows_are_examples=True)}
    val_name = "dev" if "Xtest" in mat else "test"
    for xk, yk, s in (("Xval", "yval", val_name), ("Xtest", "ytest", "test")):
        if (xk in mat) != (yk in mat):
            raise TutorError("data", f"{p.name} has {xk if xk in mat else yk} without its partner", allowed)
        if xk in mat:
            parts[s] = _orient(mat[xk], mat[yk], xk, yk, rows_are_examples=True)
    return {s: parts[s] for s in _SPLIT_NAMES if s in parts}


# ---------------------------------------------------------------------------------------------------------
# Splitting and augmentation
# ---------------------------------------------------------------------------------------------------------


def _check_ratios(ratios: Sequence[float]) -> tuple[float, ...]:
    allowed = "(train, dev) or (train, dev, test) fractions in [0, 1] summing to 1, train > 0"
    try:
        values = tuple(float(r) for r in ratios)
    except (TypeError, ValueError):
        raise TutorError("ratios", f"{ratios!r} is not a list of numbers", allowed) from None
    if len(values) not in (2, 3):
        raise TutorError("ratios", f"need 2 or 3 fractions, got {len(values)}", allowed)
    if any(not math.isfinite(r) or not 0 <= r <= 1 for r in values):
        raise TutorError("ratios", f"{list(values)} has a fraction outside [0, 1]", allowed)
    if abs(sum(values) - 1.0) > 1e-9:
        raise TutorError("ratios", f"{list(values)} sums to {sum(values):g}", allowed)
    if values[0] <= 0:
        raise TutorError("ratios", "the training fraction must be positive", allowed)
    return values


def split_sizes(m: int, ratios: Sequence[float]) -> dict[str, int]:
    """Sizes of the nonzero splits: dev/test rounded (at least 1 each), the remainder to train.

    Raises:
        TutorError: when ``m`` is too small to give every nonzero split an example.
    """
    ratios = _check_ratios(ratios)
    sizes = {}
    for name, r in zip(_SPLIT_NAMES[1:], ratios[1:], strict=False):
        if r > 0:
            sizes[name] = max(1, int(math.floor(r * m + 0.5)))
    train = m - sum(sizes.values())
    if train < 1:
        raise TutorError("ratios", f"{m} examples cannot give every nonzero split an example",
                         f"at least {len(sizes) + 1} examples")
    return {"train": train, **sizes}


def split(
    X: np.ndarray, Y: np.ndarray, ratios: Sequence[float], rng: Rng | int | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Shuffle the examples and cut them into train/dev(/test).

    Args:
        X: ``(n_x, m)``.
        Y: ``(1, m)``.
        ratios: ``(train, dev)`` or ``(train, dev, test)``, each in [0, 1], summing to 1, train > 0. Sizes
            are rounded, the remainder goes to train, and every nonzero split gets at least one example.
        rng: draws one permutation of ``range(m)``.

    Returns:
        ``{"train": (X, Y), "dev": ..., "test": ...}`` with only the nonzero splits, in that order.
    """
    X, Y = validate_xy(X, Y)
    m = X.shape[1]
    sizes = split_sizes(m, ratios)
    idx = permutation(_as_rng(rng), m)
    out = {}
    start = 0
    for name, n in sizes.items():
        cols = idx[start:start + n]
        out[name] = (X[:, cols], Y[:, cols])
        start += n
    return out


def reflect(X: np.ndarray, reflection: str) -> np.ndarray:
    """``X`` ``(2, m)`` reflected: ``"x"`` negates feature 1, ``"y"`` feature 2, ``"xy"`` both."""
    (reflection,) = _check_reflections([reflection])
    out = X.copy()
    if reflection in ("x", "xy"):
        out[0] = -out[0]
    if reflection in ("y", "xy"):
        out[1] = -out[1]
    return out


def augment(
    X: np.ndarray,
    Y: np.ndarray,
    rng: Rng | int | None = None,
    jitter: float = 0.0,
    reflections: Sequence[str] | str = (),
    copies: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
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
    refl = _check_reflections(reflections)
    # No upper bound: jitter is in the data's own units, which may be large (badly scaled features).
    jitter = _float_in(jitter, "jitter", 0.0, math.inf)
    copies = _int_in(copies, "copies", 1, MAX_COPIES)
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
    gen = _as_rng(rng) if jitter > 0 else None
    for _ in range(copies):
        for t in transforms:
            block = X if t is None else reflect(X, t)
            if gen is not None:
                block = block + jitter * randn(gen, *X.shape)
            blocks_X.append(block)
            blocks_Y.append(Y)
    return np.concatenate(blocks_X, axis=1), np.concatenate(blocks_Y, axis=1)


# ---------------------------------------------------------------------------------------------------------
# One entry point for the CLI and the UI
# ---------------------------------------------------------------------------------------------------------

#: Names accepted by :func:`get_dataset` besides file paths.
DATASET_NAMES: tuple[str, ...] = tuple(GENERATORS) + tuple(f"course-{k}" for k in COURSE_STANDINS)

DEFAULT_M = 400
DEFAULT_NOISE = 0.1
DEFAULT_RATIOS = (0.7, 0.3)


def get_dataset(
    name_or_path: str | Path,
    *,
    m: int | None = None,
    noise: float | None = None,
    rng: Rng | int | None = None,
    ratios: Sequence[float] | None = None,
) -> Dataset:
    """A dataset by generator name, course stand-in name, or file path.

    Args:
        name_or_path: a key of :data:`GENERATORS`, ``course-circles``/``course-football``, or a path
            (ending in .npz/.csv/.mat, or an existing file).
        m: examples to generate (generators only; default 400).
        noise: generator noise (generators only; default 0.1).
        rng: Generator/RandomState/seed for generating and splitting; None is the fixed default.
        ratios: split fractions for generators (default (0.7, 0.3)) and for a file holding one set only.

    Data that comes with its own splits keeps them: the course stand-ins (always the course's fixed data,
    whatever ``rng``) and files with dev/test sets ignore ``rng`` and ``ratios``.

    Returns:
        A :class:`Dataset`.
    """
    text = str(name_or_path)
    if text in GENERATORS:
        return make_dataset(text, m=DEFAULT_M if m is None else m,
                            noise=DEFAULT_NOISE if noise is None else noise,
                            rng=rng, ratios=DEFAULT_RATIOS if ratios is None else ratios)
    is_standin = text in DATASET_NAMES
    try:
        is_file = Path(text).suffix.lower() in (".npz", ".csv", ".mat") or Path(text).expanduser().is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: say so, as a path
        regular_file(text, "data", f"an existing {_FILE_TYPES} file")
        raise  # pragma: no cover - regular_file raised already
    if not is_standin and not is_file:
        raise TutorError("dataset", f"unknown dataset {text!r}",
                         f"{', '.join(DATASET_NAMES)}, or a {_FILE_TYPES} file")
    for field, value in (("m", m), ("noise", noise)):
        if value is not None:
            raise TutorError(field, f"only generated datasets take {field}, not {text!r}",
                             f"{field} with one of {', '.join(GENERATORS)}")
    if is_standin:
        # The stand-ins ignore rng and ratios on purpose: they always give the course's fixed splits.
        return course_standin(text)
    ds = load_file(text)
    if ds.heldout is not None:
        return ds
    parts = split(ds.train_X, ds.train_Y, DEFAULT_RATIOS if ratios is None else ratios, rng)
    return _dataset_from_parts(ds.name, parts, source=f"{ds.source}, split at random")
