"""The numbers behind a diagnosis: the gaps between error rates, which are high, and which to work on first.

Verdicts (course Week 1, "Bias / Variance", and the human-level comparison of Course 3):

* avoidable bias = training error - Bayes error (Bayes error assumed 0 when not given);
* variance = dev error - training error, or train-dev error - training error when a train-dev error is
  given (train-dev is held out from the training distribution, so it isolates variance);
* data mismatch = dev error - train-dev error (only with a train-dev error);
* overfitting the dev set = test error - dev error (only with a test error).

A gap is "high" when it is at least :data:`HIGH_GAP` (2 percentage points), or when it is at least half
that and at least triples the error it sits on (train 0.5%, dev 2.2%: dev error 4.4 times training error).
Then the gaps are compared and the larger is worked on first (:func:`choose_focus`); with both gaps small
the larger is still named, as the place to look for a lower error, unless they are about equal.

Everything here is numbers and labels; :mod:`.wording` says it in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: A gap (in fraction units) at or above this is "high": 2 percentage points.
HIGH_GAP = 0.02
#: Relative judgement: a gap of at least half the threshold is also high when it is at least this many times
#: the error it sits on (the error at least triples: train 0.5%, dev 2.2%).
RELATIVE_FACTOR = 2.0
#: The larger of two gaps is "clearly larger" when it is at least this many times the other.
CLEARLY_LARGER = 1.5
#: Gaps below this (0.1 percentage point, about what a 10,000-example dev set can resolve) are noise.
NEGLIGIBLE_GAP = 0.001


class Gap(StrEnum):
    """The gaps, in the course's order (also the recipe's: bias is fixed first)."""

    AVOIDABLE_BIAS = "avoidable_bias"
    VARIANCE = "variance"
    DATA_MISMATCH = "data_mismatch"
    DEV_OVERFITTING = "dev_overfitting"


class High(StrEnum):
    """Why a gap counts as high: at least the threshold, or relative to the error it sits on."""

    ABSOLUTE = "absolute"
    RELATIVE = "relative"


@dataclass(frozen=True)
class Measurement:
    """The error rates (fractions), the gaps between them and the verdict, as data.

    Attributes:
        train, dev: training and dev error.
        bayes: Bayes (or human-level) error; 0 when ``bayes_assumed``.
        bayes_assumed: no Bayes error was given.
        train_dev, test: train-dev and test error, or None when not given.
        threshold: the absolute threshold of a high gap.
        gaps: gap -> its size (None when its errors were not given).
        high: gap -> :class:`High`, or None when not high (or not measured).
        focus: the gap to work on first, or None when nothing is worth fixing.
        pressing: whether some gap is high (False when the focus is only the larger of two small gaps).
    """

    train: float
    dev: float
    bayes: float
    bayes_assumed: bool
    train_dev: float | None
    test: float | None
    threshold: float
    gaps: dict[Gap, float | None]
    high: dict[Gap, High | None]
    focus: Gap | None
    pressing: bool

    @property
    def avoidable_bias(self) -> float:
        """Training error - Bayes error (always measured)."""
        return _known(self.gaps[Gap.AVOIDABLE_BIAS])

    @property
    def variance(self) -> float:
        """Train-dev (or dev) error - training error (always measured)."""
        return _known(self.gaps[Gap.VARIANCE])

    @property
    def variance_ref(self) -> float:
        """The error variance is read from: train-dev error when given, else dev error."""
        return self.train_dev if self.train_dev is not None else self.dev

    def numbers(self) -> dict[str, object]:
        """The numbers as :attr:`Diagnosis.numbers <dltutor.core.diagnose.Diagnosis.numbers>` publishes them."""
        return {
            "train_error": self.train,
            "dev_error": self.dev,
            "bayes_error": self.bayes,
            "bayes_assumed": self.bayes_assumed,
            "train_dev_error": self.train_dev,
            "test_error": self.test,
            **{gap.value: self.gaps[gap] for gap in Gap},
            "threshold": self.threshold,
            "high": {gap.value: None if h is None else h.value for gap, h in self.high.items()},
        }


def _known(gap: float | None) -> float:
    if gap is None:  # pragma: no cover - avoidable bias and variance are always measured
        raise ValueError("gap not measured")
    return gap


def _gap(a: float, b: float) -> float:
    # Rounded so that 0.10 - 0.08 compares equal to 0.02 (2 points is "high", not 1.9999999 points).
    return round(a - b, 12)


def how_high(gap: float | None, below: float | None, threshold: float = HIGH_GAP) -> High | None:
    """Whether a gap is high: :attr:`High.ABSOLUTE`, :attr:`High.RELATIVE` or ``None``.

    A gap is high when it is at least ``threshold`` (2 points), or, judged relative to the error it sits on,
    when it is at least half the threshold (1 point) and at least :data:`RELATIVE_FACTOR` times that error
    (so the error at least triples: train 0.5%, dev 2.2% is high variance, dev error 4.4 times training
    error, while train 1%, dev 2% and train 15%, dev 16% are not). A zero or unknown error below (an assumed
    Bayes error of 0) allows no relative judgement: any gap would be infinitely many times it.

    Args:
        gap: the gap (a fraction), or None.
        below: the error the gap sits on (training error for variance, Bayes error for avoidable bias), or
            None when it is only assumed.
        threshold: the absolute threshold.
    """
    if gap is None:
        return None
    if gap >= threshold:
        return High.ABSOLUTE
    if below is not None and below > 0 and gap >= round(threshold / 2, 12) and gap >= RELATIVE_FACTOR * below - 1e-12:
        return High.RELATIVE
    return None


def choose_focus(gaps: dict[Gap, float | None], high: dict[Gap, High | None]) -> tuple[Gap | None, bool]:
    """(the gap to work on first, whether it is pressing).

    Among the high gaps, the first in the course's order (bias, variance, data mismatch, dev overfitting),
    unless a later one is clearly larger (:data:`CLEARLY_LARGER` times). With no high gap, the larger of
    avoidable bias and variance when it is clearly larger and not negligible (to improve further), else None.
    """
    highs = [(gap, size) for gap in Gap if high.get(gap) and (size := gaps[gap]) is not None]
    if highs:
        best, best_size = highs[0]
        for gap, size in highs[1:]:
            if size >= CLEARLY_LARGER * best_size - 1e-12:
                best, best_size = gap, size
        return best, True
    a = max(_known(gaps[Gap.AVOIDABLE_BIAS]), 0.0)
    v = max(_known(gaps[Gap.VARIANCE]), 0.0)
    if max(a, v) < NEGLIGIBLE_GAP:
        return None, False
    if a >= CLEARLY_LARGER * v - 1e-12:
        return Gap.AVOIDABLE_BIAS, False
    if v >= CLEARLY_LARGER * a - 1e-12:
        return Gap.VARIANCE, False
    return None, False


def measure(
    train: float,
    dev: float,
    bayes: float | None = None,
    train_dev: float | None = None,
    test: float | None = None,
    threshold: float = HIGH_GAP,
) -> Measurement:
    """The gaps, how high each is, and the focus, from error rates already read as fractions.

    Args:
        train: training-set error.
        dev: dev-set error.
        bayes: Bayes (or human-level) error; assumed 0 when None.
        train_dev: error on a held-out slice of the training distribution, or None.
        test: test-set error, or None.
        threshold: a gap at or above this is high.

    Returns:
        A :class:`Measurement`.
    """
    bayes_assumed = bayes is None
    b = 0.0 if bayes is None else bayes
    variance_ref = train_dev if train_dev is not None else dev
    gaps: dict[Gap, float | None] = {
        Gap.AVOIDABLE_BIAS: _gap(train, b),
        Gap.VARIANCE: _gap(variance_ref, train),
        Gap.DATA_MISMATCH: _gap(dev, train_dev) if train_dev is not None else None,
        Gap.DEV_OVERFITTING: _gap(test, dev) if test is not None else None,
    }
    high = {
        Gap.AVOIDABLE_BIAS: how_high(gaps[Gap.AVOIDABLE_BIAS], None if bayes_assumed else b, threshold),
        Gap.VARIANCE: how_high(gaps[Gap.VARIANCE], train, threshold),
        Gap.DATA_MISMATCH: how_high(gaps[Gap.DATA_MISMATCH], train_dev, threshold),
        Gap.DEV_OVERFITTING: how_high(gaps[Gap.DEV_OVERFITTING], dev, threshold),
    }
    focus, pressing = choose_focus(gaps, high)
    return Measurement(train, dev, b, bayes_assumed, train_dev, test, threshold, gaps, high, focus, pressing)
