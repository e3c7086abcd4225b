"""The :class:`Dataset`: train and optional dev and test sets, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dltutor.core.data.validate import check_contiguous, check_reflections, validate_xy
from dltutor.core.errors import TutorError
from dltutor.core.types import Array

#: The splits a dataset may hold, in order.
SPLIT_NAMES = ("train", "dev", "test")


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
    train_X: Array
    train_Y: Array
    dev_X: Array | None = None
    dev_Y: Array | None = None
    test_X: Array | None = None
    test_Y: Array | None = None
    source: str = ""
    reflections: tuple[str, ...] = ()
    stand_in: bool = False

    def __post_init__(self) -> None:
        self.reflections = check_reflections(self.reflections, field="reflections")
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
        check_contiguous(labels, "data", "labels")
        train_labels = np.unique(self.train_Y[0])
        if train_labels.size < 2:
            raise TutorError("data", f"the training set has only one class ({int(train_labels[0])})",
                             "examples of at least two classes to learn to tell apart")
        unseen = sorted(set(labels.astype(int)) - set(train_labels.astype(int)))
        if unseen:
            raise TutorError("data", f"the dev/test sets have class {unseen[0]}, which the training set lacks",
                             "every class present in the training set")

    def splits(self) -> dict[str, tuple[Array, Array]]:
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


def _n_classes(Y: Array) -> int:
    return max(2, int(Y.max()) + 1) if Y.size else 2


def dataset_from_parts(
    name: str, parts: dict[str, tuple[Array, Array]], *, source: str = "", reflections: tuple[str, ...] = ()
) -> Dataset:
    """A :class:`Dataset` from ``{"train": (X, Y), "dev": ..., "test": ...}`` (dev and test optional)."""
    dev: tuple[Array | None, Array | None] = parts.get("dev", (None, None))
    test: tuple[Array | None, Array | None] = parts.get("test", (None, None))
    return Dataset(name, parts["train"][0], parts["train"][1], dev_X=dev[0], dev_Y=dev[1], test_X=test[0],
                   test_Y=test[1], source=source, reflections=reflections)
