"""The diagnosis: bias, variance, data mismatch and dev-set overfitting from error rates, with its recipe.

:func:`diagnose` reads the error rates (:mod:`.rates`), measures the gaps and picks the focus (:mod:`.measure`),
chooses the recipe's steps (:mod:`.recipe`) and says it all in words (:mod:`.wording`). The CLI
(``dltutor diagnose``), the app's screen, ``dltutor ask`` and a finished run's verdict all use it, so they
show the same verdicts with the same words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from dltutor.core.diagnose import wording
from dltutor.core.diagnose.measure import HIGH_GAP, Gap, Measurement, measure
from dltutor.core.diagnose.rates import parse_error
from dltutor.core.diagnose.recipe import PROBLEM_DEMOS, RecipeStep, recipe_for
from dltutor.core.errors import TutorError


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` found: the measurement, and what it means in words.

    Attributes:
        measurement: the error rates, the gaps, which are high and the focus, as data.
        phrases: the verdicts, among ``"high bias"``/``"low bias"``, ``"high variance"``/``"low variance"``
            (``"variance not measurable"`` when dev error is below training error), ``"data mismatch"``,
            ``"overfitting the dev set"``.
        summary: the verdict and the numbers behind it, then :attr:`advice`.
        recipe: the basic recipe steps that apply, the focus's first, then the other high problems in the
            course's order (bias, variance, data mismatch, dev overfitting).
        assumptions: what the verdict takes for granted, the threshold and the comparison rule included.
        notes: oddities in the numbers worth a look (dev below train, train below Bayes, ...).
        demos: phrase -> lab preset id that shows that problem.
        advice: one sentence comparing the gaps and saying what to work on (or that nothing is pressing).
    """

    measurement: Measurement
    phrases: list[str]
    summary: str
    recipe: list[RecipeStep]
    assumptions: list[str]
    notes: list[str]
    demos: dict[str, str]
    advice: str

    @property
    def numbers(self) -> dict[str, object]:
        """Fractions: ``train_error``, ``dev_error``, ``bayes_error``, ``train_dev_error``, ``test_error``
        (``None`` when not given), ``avoidable_bias``, ``variance``, ``data_mismatch``, ``dev_overfitting``
        (``None`` when not measurable), ``threshold``, ``bayes_assumed``, and ``high``: gap name ->
        ``"absolute"`` (at least the threshold), ``"relative"`` (half the threshold or more and at least
        tripling the error below it) or ``None`` (not high)."""
        return self.measurement.numbers()

    @property
    def focus(self) -> str | None:
        """The problem to work on first (``"bias"``, ``"variance"``, ``"data mismatch"``, ``"overfitting the
        dev set"``), or ``None`` when there is nothing worth fixing."""
        gap = self.measurement.focus
        return None if gap is None else wording.FOCUS_NAMES[gap]

    @property
    def pressing(self) -> bool:
        """Whether some gap is high (False when the focus is only the larger of two small gaps)."""
        return self.measurement.pressing

    @property
    def high_bias(self) -> bool:
        return self.measurement.high[Gap.AVOIDABLE_BIAS] is not None

    @property
    def high_variance(self) -> bool:
        return self.measurement.high[Gap.VARIANCE] is not None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (recipe steps as dicts with ``title``, ``why``, ``lab_preset``)."""
        return {
            "phrases": list(self.phrases),
            "summary": self.summary,
            "focus": self.focus,
            "advice": self.advice,
            "pressing": self.pressing,
            "numbers": self.numbers,
            "recipe": [asdict(step) for step in self.recipe],
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "demos": dict(self.demos),
        }


def diagnose(
    train_error: float | str,
    dev_error: float | str,
    bayes_error: float | str | None = None,
    train_dev_error: float | str | None = None,
    test_error: float | str | None = None,
    *,
    threshold: float = HIGH_GAP,
    dev_examples: int | None = None,
) -> Diagnosis:
    """Bias, variance, data mismatch and dev-set overfitting from error rates, and which to work on first.

    The course's method: avoidable bias = training error - Bayes error, variance = dev error - training
    error; work on the larger. Each gap is judged by :func:`~.measure.how_high` (2 points, or relative to the
    error it sits on) and the focus chosen by comparing them (see :func:`~.measure.choose_focus`).

    Args:
        train_error: training-set error (a fraction, or anything :func:`parse_error` accepts).
        dev_error: dev-set error.
        bayes_error: Bayes (optimal) error, or human-level error as its proxy; assumed 0 when ``None``.
        train_dev_error: error on a held-out slice of the training distribution (isolates variance from
            data mismatch when dev data differ from training data).
        test_error: test-set error (a test error well above dev error means the dev set was overfit).
        threshold: a gap at or above this (a fraction) is high; 0.02 (2 percentage points) by default.
        dev_examples: the dev set's size, when known: a note says how much one example moves its error.

    Returns:
        A :class:`Diagnosis`.

    Raises:
        TutorError: for any error rate that is not a valid rate, or a threshold outside (0, 1).
    """
    t = parse_error(train_error, "train_error")
    d = parse_error(dev_error, "dev_error")
    b = None if bayes_error is None else parse_error(bayes_error, "bayes_error")
    td = None if train_dev_error is None else parse_error(train_dev_error, "train_dev_error")
    te = None if test_error is None else parse_error(test_error, "test_error")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise TutorError("threshold", f"got {threshold!r}", "a fraction between 0 and 1, such as 0.02")
    m = measure(t, d, b, td, te, float(threshold))
    phrases = wording.phrases(m)
    advice = wording.advice(m)
    demos = {p: PROBLEM_DEMOS[p] for p in phrases if p in PROBLEM_DEMOS}
    return Diagnosis(m, phrases, wording.summary(m, phrases, advice), recipe_for(m), wording.assumptions(m),
                     wording.notes(m, dev_examples), demos, advice)


#: The course's bias/variance table (train error, dev error), Bayes error near 0, as in the lecture.
COURSE_TABLE: tuple[tuple[float, float], ...] = ((0.01, 0.11), (0.15, 0.16), (0.15, 0.30), (0.005, 0.01))


def course_table() -> list[Diagnosis]:
    """The diagnoses of :data:`COURSE_TABLE`'s rows: high variance; high bias; both; neither."""
    return [diagnose(train, dev) for train, dev in COURSE_TABLE]
