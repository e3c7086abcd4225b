"""The result of a gradient check: one :class:`BlockReport` per gradient block and the :class:`GradCheckReport`,
with their JSON form (``--json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dltutor.core.bands import COURSE_THRESHOLD, Band
from dltutor.core.types import Array


@dataclass
class BlockReport:
    """How one gradient block (``dW2``) compares with the numerical gradient.

    Element arrays have the parameter's shape; ``numeric`` and ``element_difference`` are nan where the
    element was not checked (sampled and fast modes).

    Args:
        name: the gradient key, ``dW2``.
        shape: the parameter's shape.
        relative_difference: the course's metric over this block's checked elements (kinks left out).
        ratio: analytic/numeric by least squares, when it is a near-constant; else None.
        flagged: really off (beyond round-off).
        hint: what the pattern says, in words.
        pattern: a short code: ``ok``, ``scaled``, ``sign``, ``missing-1/m``, ``zero``, ``rows``, ``layer``,
            ``l2``, ``l1``, ``shape``, ``missing``, ``nan``, ``other``, ``unchecked``, ``not-finite`` (the
            numerical gradient overflowed: the block cannot be judged), ``roundoff`` (off, but only within
            the round-off of J: too small to judge; not flagged).
    """

    name: str
    shape: tuple[int, ...]
    relative_difference: float | None
    ratio: float | None
    flagged: bool
    hint: str
    pattern: str
    analytic: Array = field(repr=False)
    n_checked: int = 0
    abs_error: float = 0.0
    tolerance: float = 0.0
    n_kinks: int = 0
    #: flat views into the report's vectors (numeric with nan where unchecked, checked, kinks)
    vectors: tuple[Array, Array, Array] | None = field(default=None, repr=False, compare=False)

    def _view(self, i: int) -> Array:
        if self.vectors is None:  # only a report built by hand lacks them
            raise ValueError(f"{self.name} carries no element vectors")
        return self.vectors[i].reshape(self.shape)

    @property
    def numeric(self) -> Array:
        """The numerical gradient of this block, nan where not checked."""
        return self._view(0)

    @property
    def checked(self) -> Array:
        """Which elements were checked (bool, the parameter's shape)."""
        return self._view(1)

    @property
    def kinks(self) -> Array:
        """Which checked elements sit on a kink (bool, the parameter's shape)."""
        return self._view(2)

    @property
    def element_difference(self) -> Array:
        """``|analytic - numeric| / (|analytic| + |numeric|)`` per element (0 if both 0, nan unchecked)."""
        g = self.analytic if np.shape(self.analytic) == tuple(self.shape) else np.full(self.shape, np.nan)
        n = self.numeric
        with np.errstate(invalid="ignore", divide="ignore"):
            denom = np.abs(g) + np.abs(n)
            out = np.where(denom > 0, np.abs(g - n) / np.where(denom > 0, denom, 1.0), 0.0)
        return np.where(np.isnan(g) | np.isnan(n), np.nan, out)

    def to_dict(self, elements: bool = False) -> dict[str, Any]:
        """The block in the ``--json`` document; with ``elements`` also its element arrays as lists."""
        out: dict[str, Any] = {
            "name": self.name,
            "shape": list(self.shape),
            "relative_difference": self.relative_difference,
            "ratio": self.ratio,
            "flagged": self.flagged,
            "hint": self.hint,
            "pattern": self.pattern,
            "checked": self.n_checked,
            "kinks": self.n_kinks,
            "abs_error": self.abs_error,
        }
        if elements:
            out["analytic"] = np.asarray(self.analytic).tolist()
            out["numeric"] = self.numeric.tolist()
            out["element_difference"] = self.element_difference.tolist()
        return out


@dataclass
class GradCheckReport:
    """The result of a gradient check.

    Args:
        difference: the course's relative difference over every checked element (nan when a gradient
            is malformed; the directional difference when a ``fast`` check passed).
        verdict: the band's name, ``right``, ``look`` or ``bug`` (of the difference without kink elements),
            or ``cannot tell`` when J, the parameters or the numerical gradient are not finite.
        band: the :class:`Band`.
        blocks: one :class:`BlockReport` per gradient key, in parameter order.
        kinks: elements whose two-sided difference straddles a ReLU (or L1) kink.
        roundoff: the round-off scale of one numerical derivative (sigma_J / epsilon); a cheap lower bound
            unless some block needed the full estimate to decide whether it is off.
        initial: with ``after_iterations``, the report at the starting parameters.
    """

    variant: str | None
    epsilon: float
    mode: str
    difference: float
    verdict: str
    band: Band
    blocks: list[BlockReport]
    kinks: list[dict[str, Any]]
    seconds: float = 0.0
    difference_excluding_kinks: float | None = None
    cost: float = float("nan")
    n_parameters: int = 0
    n_checked: int = 0
    roundoff: float = 0.0
    warnings: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    shape_errors: list[str] = field(default_factory=list)
    fast: dict[str, Any] | None = None
    fallback: str | None = None
    method: str = "batched"
    case: str = "custom"
    lesson: str | None = None
    description: str | None = None
    expected_flags: tuple[str, ...] | None = None
    file: str | None = None
    l2: float = 0.0
    l1: float = 0.0
    iterations: int = 0
    initial: GradCheckReport | None = None
    learner_output: str = ""

    @property
    def flagged(self) -> list[str]:
        """Names of the flagged blocks."""
        return [b.name for b in self.blocks if b.flagged]

    @property
    def passed(self) -> bool:
        """Right band and nothing flagged."""
        return self.verdict == "right" and not self.flagged

    def block(self, name: str) -> BlockReport:
        """The block called ``name`` (``dW2``)."""
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)

    def to_dict(self, elements: bool = False) -> dict[str, Any]:
        """The ``--json`` document: ``{variant, epsilon, mode, difference, verdict, blocks, kinks, seconds}``
        and more (band, advice, warnings, flagged, file, ...)."""
        out: dict[str, Any] = {
            "variant": self.variant,
            "file": self.file,
            "epsilon": self.epsilon,
            "mode": self.mode,
            "difference": self.difference,
            "verdict": self.verdict,
            "band": self.band.to_dict(),
            "passed": self.passed,
            "flagged": self.flagged,
            "blocks": [b.to_dict(elements) for b in self.blocks],
            "kinks": self.kinks,
            "seconds": self.seconds,
            "difference_excluding_kinks": self.difference_excluding_kinks,
            "course_threshold": COURSE_THRESHOLD,
            "cost": self.cost,
            "n_parameters": self.n_parameters,
            "n_checked": self.n_checked,
            "roundoff": self.roundoff,
            "warnings": self.warnings,
            "advice": self.advice,
            "shape_errors": self.shape_errors,
            "fast": self.fast,
            "fallback": self.fallback,
            "method": self.method,
            "case": self.case,
            "lesson": self.lesson,
            "description": self.description,
            "expected_flags": list(self.expected_flags) if self.expected_flags is not None else None,
            "l2": self.l2,
            "l1": self.l1,
            "iterations": self.iterations,
        }
        if self.learner_output:
            out["learner_output"] = self.learner_output
        if self.initial is not None:
            out["initial"] = self.initial.to_dict(elements)
        return out
