"""Named experiments: the course's six, and one for each lesson that has something to try.

A preset is data (a :class:`DataSpec`) plus a :class:`core.train.TrainConfig`. The six ``course-*``
presets follow the exercises' protocol (``published.json`` in the course reference): the Initialization
exercise's 2-10-5-1 network on the circles, the Regularization exercise's 2-20-3-1 network on the
goalkeeper data, the legacy ``RandomState(3)`` draws, and the cost recorded every 1000 iterations as the
exercises print it. Without the course's data files they run on built-in stand-ins and say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.parity import CourseParity
from dltutor.core.train import TrainConfig

if TYPE_CHECKING:
    from dltutor.core.data import Dataset
    from dltutor.core.types import Array


@dataclass(frozen=True)
class DataSpec:
    """Where a preset's data comes from.

    Args:
        dataset: a generator name or a course stand-in (``course-circles``, ``course-football``).
        m: examples to generate; ``None`` for the generator's default.
        noise: generator noise; ``None`` for the default.
        ratios: train/dev(/test) fractions.
        seed: the data's seed (separate from the training seed, so changing one keeps the other).
        feature_scale: multiply feature i by ``feature_scale[i]`` (badly scaled inputs for the
            normalization lesson).
        bayes_error: the lowest error the data allows (its label noise), when known; the bias/variance
            diagnosis of a run measures avoidable bias from it instead of assuming 0.
    """

    dataset: str
    m: int | None = None
    noise: float | None = None
    ratios: tuple[float, ...] | None = None
    seed: int | None = 1
    feature_scale: tuple[float, ...] | None = None
    bayes_error: float | None = None

    def load(self, path: str | None = None) -> Dataset:
        """The :class:`core.data.Dataset`: from ``path`` when given, else generated or built in."""
        from dltutor.core.data import get_dataset

        rng = None if self.seed is None else np.random.default_rng(self.seed)
        if path is not None:
            return get_dataset(path, rng=rng, ratios=self.ratios)
        ds = get_dataset(self.dataset, m=self.m, noise=self.noise, rng=rng, ratios=self.ratios)
        if self.feature_scale is not None:
            ds = scale_features(ds, self.feature_scale)
        return ds

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"dataset": self.dataset, "m": self.m, "noise": self.noise,
                "ratios": list(self.ratios) if self.ratios else None, "seed": self.seed,
                "feature_scale": list(self.feature_scale) if self.feature_scale else None,
                "bayes_error": self.bayes_error}


def scale_features(dataset: Dataset, scale: Sequence[float]) -> Dataset:
    """A copy of ``dataset`` with feature ``i`` of every split multiplied by ``scale[i]``.

    The copy declares no reflections: a reflection that kept the labels may not keep them once scaled.
    """
    s = np.asarray(scale, dtype=np.float64).reshape(-1, 1)
    if s.shape[0] != dataset.n_features:
        raise TutorError("feature_scale", f"{s.shape[0]} factors for {dataset.n_features} features",
                         "one factor per feature")

    def scaled(X: Array | None) -> Array | None:
        return None if X is None else X * s

    source = f"{dataset.source}; features scaled by {', '.join(f'{v:g}' for v in s.ravel())}"
    return replace(dataset, train_X=dataset.train_X * s, dev_X=scaled(dataset.dev_X), test_X=scaled(dataset.test_X),
                   source=source, reflections=())


@dataclass(frozen=True)
class Preset:
    """A named experiment.

    Args:
        name: the id (``course-reg-l2``).
        title: a short title.
        description: what it shows, in a sentence or two.
        lesson: the lesson id it belongs to.
        data: its data.
        config: its training options.
        course_file: for the course presets, the reference file with the real data (``football.npz``).
        published: for the course presets, the ``published.json`` path ``(exercise, run)``.
        published_accuracy: for the course presets, the exercise's published ``(train, test)`` accuracies
            on its own file, shown beside a stand-in run's.
    """

    name: str
    title: str
    description: str
    lesson: str
    data: DataSpec
    config: TrainConfig
    course_file: str | None = None
    published: tuple[str, str] | None = None
    tags: tuple[str, ...] = field(default=())
    published_accuracy: tuple[float, float] | None = None

    def config_for(self, dataset: Dataset) -> tuple[TrainConfig, str | None]:
        """The config to run on ``dataset``, and a note when it differs from :attr:`config`.

        The course's dropout exercise reseeds before every forward pass, so it reuses one set of masks
        (:attr:`TrainConfig.fixed_masks`); its published numbers need that quirk, so it is kept on the
        course's own file. On the built-in stand-in it would only teach the quirk (the network fits its
        fixed masks and its test cost climbs), so fresh masks are drawn every iteration, as dropout is
        meant to work.
        """
        return masks_for(self.config, dataset)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {"name": self.name, "title": self.title, "description": self.description, "lesson": self.lesson,
                "data": self.data.to_dict(), "config": self.config.to_dict(), "course_file": self.course_file}


#: The exercises' published (train, test) accuracies on their own files (``published.json``).
_PUBLISHED = {("initialization", "zeros"): (0.5, 0.5), ("initialization", "random"): (0.83, 0.86),
              ("initialization", "he"): (0.9933333333333333, 0.96),
              ("regularization", "none"): (0.9478672985781991, 0.915),
              ("regularization", "l2"): (0.9383886255924171, 0.93),
              ("regularization", "dropout"): (0.9289099526066351, 0.95)}


def masks_for(config: TrainConfig, dataset: Dataset) -> tuple[TrainConfig, str | None]:
    """``config`` with fresh dropout masks on a built-in stand-in (see :meth:`Preset.config_for`), and a note."""
    if config.fixed_masks and config.dropout and getattr(dataset, "stand_in", False):
        return (config.with_changes(fixed_masks=False),
                "fresh dropout masks every iteration on the stand-in (the course's fixed-mask quirk is kept only "
                "to reproduce its numbers on its own file)")
    return config, None


def _course_init(init: str, title: str, description: str) -> Preset:
    cfg = TrainConfig(layers=(2, 10, 5, 1), activation="relu", init=init, init_scale=10.0, learning_rate=0.01,
                      iterations=15_000, seed=3, log_every=1000,
                      parity=CourseParity(legacy_rng=True, scale_delta_first=True))
    return Preset(f"course-init-{init}", title, description, "weight-init", DataSpec("course-circles", seed=None),
                  cfg, course_file="circles.npz", published=("initialization", init), tags=("course",),
                  published_accuracy=_PUBLISHED["initialization", init])


#: The course's runs draw with the legacy RandomState, as its notebooks do.
_COURSE_RNG = CourseParity(legacy_rng=True)


def _course_reg(run: str, title: str, description: str, lesson: str, *, l2: float = 0.0,
                keep_probs: tuple[float, ...] | None = None, parity: CourseParity = _COURSE_RNG) -> Preset:
    cfg = TrainConfig(layers=(2, 20, 3, 1), activation="relu", init="inv-sqrt", learning_rate=0.3,
                      iterations=30_000, seed=3, log_every=1000, parity=parity, l2=l2,
                      keep_probs=keep_probs)
    # About 5% of the goalkeeper data sit on the wrong side of any smooth boundary (the regularized runs
    # stop near 94% train accuracy); the stand-in flips 6% of its labels.
    data = DataSpec("course-football", seed=None, bayes_error=0.05)
    return Preset(f"course-reg-{run}", title, description, lesson, data, cfg,
                  course_file="football.npz", published=("regularization", run), tags=("course",),
                  published_accuracy=_PUBLISHED["regularization", run])


_OVERFIT = TrainConfig(layers=(2, 64, 64, 1), activation="relu", init="he", learning_rate=0.1,
                       iterations=20_000, seed=1, log_every=250)
# Bayes errors of the generated data (their label noise), estimated by Monte Carlo from the generators' own
# class densities (tests/test_next_step.py re-estimates them): moons with noise 0.35 overlap so much that
# about 11% of points sit on the wrong side of the best possible boundary.
_OVERFIT_DATA = DataSpec("moons", m=160, noise=0.35, ratios=(0.5, 0.5), seed=4, bayes_error=0.11)

_PRESET_LIST = [
    _course_init("zeros", "Zero initialization",
                 "All weights zero: every unit in a layer computes the same thing, the cost never moves from "
                 "0.693 and the network predicts one class (50% accuracy)."),
    _course_init("random", "Large random initialization",
                 "Weights drawn N(0,1) times 10: the sigmoid output saturates, the first cost is infinite and "
                 "training crawls (83% train accuracy after 15,000 iterations)."),
    _course_init("he", "He initialization",
                 "Weights drawn N(0,1) times sqrt(2/n_prev): activations keep their scale through the ReLU "
                 "layers and the network separates the circles (99% train, 96% test)."),
    _course_reg("none", "No regularization",
                "The goalkeeper network without regularization fits the noise of the training set: "
                "95% train but 91.5% test accuracy on the course's data.", "regularization"),
    _course_reg("l2", "L2 regularization (lambda 0.7)",
                "Adding (lambda/2m) times the squared weights to the cost shrinks the weights and smooths the "
                "boundary: 94% train, 93% test on the course's data.", "regularization", l2=0.7),
    _course_reg("dropout", "Dropout (keep_prob 0.86)",
                "Inverted dropout on both hidden layers: 93% train, 95% test on the course's data (with the "
                "exercise's fixed masks, kept to reproduce its numbers); on the built-in stand-in, fresh masks "
                "every iteration bring the test cost and error below the unregularized run's.",
                "dropout", keep_probs=(0.86, 0.86), parity=CourseParity(legacy_rng=True, fixed_masks=True)),
    Preset("lesson-overfit", "Overfitting: high variance",
           "A big network on 80 noisy moons: perfect training accuracy, clearly worse dev accuracy. "
           "Add L2 regularization or dropout to close the gap.", "bias-variance", _OVERFIT_DATA, _OVERFIT),
    Preset("lesson-underfit", "Underfitting: high bias",
           "Logistic regression (no hidden layer) on two interleaved moons: a straight line cannot follow "
           "the curve, so train and dev errors are both about 13%, and close to each other. A bigger "
           "network is the cure.", "basic-recipe",
           DataSpec("moons", m=1000, noise=0.2, ratios=(0.6, 0.4), seed=3, bayes_error=0.03),
           TrainConfig(layers=(2, 1), init="xavier", learning_rate=0.5, iterations=3000, seed=1,
                       log_every=100)),
    Preset("lesson-early-stopping", "Early stopping",
           "The overfitting network again, stopped when the dev cost has not improved for 8 checks; the best "
           "weights are restored.", "other-regularization", _OVERFIT_DATA,
           replace(_OVERFIT, early_stopping=8)),
    Preset("lesson-normalize", "Badly scaled inputs",
           "Moons with the second feature multiplied by 50: without normalization the cost surface is a "
           "long valley and gradient descent crawls or oscillates. Turn on normalization and compare.",
           "normalizing-inputs", DataSpec("moons", m=400, noise=0.15, ratios=(0.7, 0.3), seed=3,
                                          feature_scale=(1.0, 50.0), bayes_error=0.009),
           TrainConfig(layers=(2, 16, 8, 1), init="he", learning_rate=0.002, iterations=8000, seed=1,
                       log_every=100)),
    Preset("lesson-augment", "Data augmentation",
           "Few circle examples, doubled with the reflections that keep their labels and a little jitter.",
           "other-regularization", DataSpec("circles", m=80, noise=0.1, ratios=(0.5, 0.5), seed=5, bayes_error=0.006),
           TrainConfig(layers=(2, 32, 16, 1), init="he", learning_rate=0.1, iterations=6000, seed=1,
                       augment=True, log_every=100)),
    Preset("lesson-l1", "L1 regularization",
           "The overfitting network with an L1 penalty: many weights go to (nearly) zero.",
           "why-regularization", _OVERFIT_DATA, replace(_OVERFIT, l1=0.3)),
    # Sigmoid, not tanh: with zero biases and small weights, tanh units work in their linear range, where
    # the activations shrink on the way up as fast as the gradients on the way down, so every ||dW[l]|| comes
    # out within a factor of ten of the others and this network trains (about 94% train accuracy). The
    # sigmoid's slope of at most 0.25 makes the gradient really vanish.
    Preset("lesson-deep-sigmoid", "Vanishing gradients in a deep sigmoid network",
           "Twelve sigmoid layers with small random weights (std 0.3) on XOR: each layer shrinks the gradient "
           "by a factor of 3 or more on its way down, so at the start ||dW1|| is about 3e-10 against 0.1 for "
           "the last layer. The early layers' weights barely move; the cost drops to 0.693 within 50 iterations "
           "and stays there, with about 50% accuracy, for all 3,000. Switch the activation to tanh and the same "
           "network trains.",
           "vanishing-gradients", DataSpec("xor", m=400, noise=0.1, ratios=(0.7, 0.3), seed=6, bayes_error=0.076),
           TrainConfig(layers=(2,) + (10,) * 12 + (1,), activation="sigmoid", init="random", init_scale=0.3,
                       learning_rate=0.1, iterations=3000, seed=1, log_every=50)),
]

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESET_LIST}
COURSE_PRESETS = tuple(p.name for p in _PRESET_LIST if "course" in p.tags)


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (a :class:`TutorError` lists the names otherwise)."""
    if name not in PRESETS:
        raise TutorError("preset", f"unknown preset {name!r}", ", ".join(PRESETS))
    return PRESETS[name]
