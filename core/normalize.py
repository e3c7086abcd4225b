"""Input normalization: zero mean and unit variance per feature, fitted on the training set only.

The course's recipe: ``mu = (1/m) sum x``, ``x := x - mu``, ``sigma^2 = (1/m) sum x**2``, ``x := x / sigma``.
Features on very different scales give an elongated cost surface where gradient descent needs a small learning
rate and many steps; normalized features make it rounder, so a larger rate works.

The dev and test sets are transformed with the *training* ``mu`` and ``sigma``, never their own: the network
learned its weights for inputs scaled one particular way, so every input it sees must be scaled that same way.
Refitting on the dev or test set would shift their inputs differently (and would peek at data that is meant to
be unseen); with a single example, at prediction time, it would not even be possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.types import Array, FloatArray

#: A feature whose standard deviation is at most this (relative to its scale) is treated as constant.
_CONSTANT_TOL = 1e-12


@dataclass
class Normalizer:
    """Per-feature mean and standard deviation of a training set.

    Args:
        mu: feature means ``(n_x, 1)``.
        sigma: feature standard deviations ``(n_x, 1)``; 1 for constant features.
        constant: indices of the features with zero variance in the training set (left centred, not
            scaled, since dividing by 0 is undefined and they carry no information anyway).
    """

    mu: FloatArray
    sigma: FloatArray
    constant: tuple[int, ...] = ()

    @property
    def n_features(self) -> int:
        """``n_x``."""
        return int(self.mu.shape[0])

    @classmethod
    def fit(cls, X: Array) -> Normalizer:
        """Fit on the training inputs.

        Args:
            X: training inputs ``(n_x, m)``, ``m >= 1``, finite.

        Returns:
            A :class:`Normalizer` with ``mu`` and ``sigma`` of shape ``(n_x, 1)``.
        """
        X = _check(X)
        mu = np.mean(X, axis=1, keepdims=True)
        sigma = np.sqrt(np.mean(np.square(X - mu), axis=1, keepdims=True))
        tiny = sigma[:, 0] <= _CONSTANT_TOL * np.maximum(1.0, np.abs(mu[:, 0]))
        sigma[tiny] = 1.0
        return cls(mu=mu, sigma=sigma, constant=tuple(int(i) for i in np.flatnonzero(tiny)))

    def transform(self, X: Array) -> FloatArray:
        """``(X - mu) / sigma`` with the fitted statistics, unchanged whatever ``X`` is.

        Args:
            X: inputs ``(n_x, m)`` from any split.

        Returns:
            Normalized inputs ``(n_x, m)``.

        Raises:
            TutorError: when ``X`` has a different number of features than the training set.
        """
        X = _check(X)
        if X.shape[0] != self.n_features:
            raise TutorError("X", f"has {X.shape[0]} features but the normalizer was fitted on "
                             f"{self.n_features}", f"{self.n_features} features (rows)")
        return (X - self.mu) / self.sigma

    def inverse_transform(self, Xn: Array) -> FloatArray:
        """Undo :meth:`transform`: ``Xn * sigma + mu``, ``(n_x, m)``."""
        return np.asarray(Xn, dtype=np.float64) * self.sigma + self.mu

    @classmethod
    def fit_transform(cls, X: Array) -> tuple[Normalizer, FloatArray]:
        """Fit on training inputs ``(n_x, m)`` and return the normalizer and the normalized inputs."""
        norm = cls.fit(X)
        return norm, norm.transform(X)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists for JSON: ``{"mu": [...], "sigma": [...], "constant": [...]}``."""
        return {"mu": self.mu[:, 0].tolist(), "sigma": self.sigma[:, 0].tolist(),
                "constant": list(self.constant)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Normalizer:
        """Rebuild from :meth:`to_dict`'s output."""
        mu = np.asarray(data["mu"], dtype=np.float64).reshape(-1, 1)
        sigma = np.asarray(data["sigma"], dtype=np.float64).reshape(-1, 1)
        if mu.shape != sigma.shape or np.any(sigma <= 0):
            raise TutorError("normalizer", "mu and sigma must have the same length and sigma > 0",
                             "the output of Normalizer.to_dict()")
        return cls(mu=mu, sigma=sigma, constant=tuple(int(i) for i in data.get("constant", ())))


def _check(values: Array) -> FloatArray:
    try:
        X = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TutorError("X", "is not numeric", "an (n_features, m) array of numbers") from None
    if X.ndim != 2 or X.shape[1] < 1 or X.shape[0] < 1:
        raise TutorError("X", f"must be 2-D (n_x, m) with m >= 1, got shape {X.shape}",
                         "an (n_features, m) array, examples as columns")
    if not np.all(np.isfinite(X)):
        raise TutorError("X", f"contains {int(np.count_nonzero(~np.isfinite(X)))} NaN or inf entries",
                         "finite numbers only")
    return X
