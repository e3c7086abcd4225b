"""The diagnostic assistant: bias and variance from errors, the basic recipe, and train/dev/test split advice.

Everything here is deterministic and explains itself, so the CLI (``dltutor diagnose``, ``dltutor split``)
and the app's screen show the same verdicts with the same words.

Errors are fractions in ``[0, 1]`` everywhere inside this module; :func:`parse_error` turns what a user
types into one. The rule, also shown in ``dltutor diagnose --help``:

* a number with ``%`` (or the word ``percent``) is a percentage: ``"1%"`` -> 0.01, ``"0.5 percent"`` -> 0.005;
* a bare number above 1 is a percentage: ``"11"`` -> 0.11;
* a bare number at most 1 is a fraction: ``"0.01"`` -> 0.01, and so ``"1"`` alone is 100% (write ``1%``);
* but read together (:func:`parse_errors`, as ``dltutor diagnose``, its screen and ``dltutor ask`` do), when
  any error of the set is a percentage, every bare number is: ``1`` and ``11`` are 1% and 11%.

Verdicts (course Week 1, "Bias / Variance", and the human-level comparison of Course 3):

* avoidable bias = training error - Bayes error (Bayes error assumed 0 when not given);
* variance = dev error - training error, or train-dev error - training error when a train-dev error is
  given (train-dev is held out from the training distribution, so it isolates variance);
* data mismatch = dev error - train-dev error (only with a train-dev error);
* overfitting the dev set = test error - dev error (only with a test error).

A gap is "high" when it is at least :data:`HIGH_GAP` (2 percentage points), or when it is at least half
that and at least triples the error it sits on (train 0.5%, dev 2.2%: dev error 4.4 times training error).
Then the gaps are compared and the larger is worked on first (:func:`diagnose`'s ``focus``); with both gaps
small the larger is still named, as the place to look for a lower error, unless they are about equal.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from dltutor.core.errors import TutorError
from dltutor.core.split import (  # noqa: F401  (split advice lived here; its users import it from either)
    BIG_DATA,
    MAX_EXAMPLES,
    SMALL_DATA,
    SplitAdvice,
    pad_rows,
    parse_count,
    render_split,
    split_advice,
)

#: A gap (in fraction units) at or above this is "high": 2 percentage points.
HIGH_GAP = 0.02


_PERCENT_WORDS = ("percent", "per cent", "pct", "%")
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
_ALLOWED_ERROR = (
    "a percentage such as 1% or 11 (bare numbers above 1 are percents), or a fraction such as 0.01"
)


# --------------------------------------------------------------------------------------------------------
# Parsing


def _words_to_number(text: str) -> float | None:
    """``"one"`` -> 1, ``"twenty five"`` -> 25, ``"a half"``/``"half a"`` -> 0.5, ``"one hundred"`` -> 100."""
    words = [w for w in re.split(r"[\s-]+", text.strip()) if w and w not in ("and", "a", "an")]
    if words == ["half"]:
        return 0.5
    if not words:
        return None
    total = 0
    for w in words:
        if w in _UNITS:
            total += _UNITS[w]
        elif w in _TENS:
            total += _TENS[w]
        elif w == "hundred":
            total = (total or 1) * 100
        else:
            return None
    return float(total)


def _is_percent_text(text: str) -> bool | None:
    """True when ``text`` reads as a percentage on its own (a % sign, or a bare number above 1), False for a
    bare number at most 1, None when it is not a number at all."""
    t = str(text).strip().lower()
    if any(t.endswith(w) for w in _PERCENT_WORDS):
        return True
    try:
        number = float(t)
    except ValueError:
        words = _words_to_number(t)
        return None if words is None else words > 1
    return number > 1 if math.isfinite(number) else None


def parse_errors(raw: dict[str, str | None]) -> tuple[dict[str, float | None], dict[str, TutorError]]:
    """Several error rates read together: when any is a percentage, bare numbers at most 1 are too.

    ``train 1, dev 11`` means 1% and 11% (nobody means a 100% training error next to an 11% dev error),
    while ``0.01, 0.11`` stay fractions. One bad field does not stop the others.

    Args:
        raw: field name -> the text typed (None or blank: not given).

    Returns:
        ``(values, problems)``: field -> fraction (None when not given or bad), field -> the error.
    """
    texts = {name: str(t).strip() for name, t in raw.items() if t is not None and str(t).strip()}
    as_percent = any(_is_percent_text(t) for t in texts.values())
    values: dict[str, float | None] = dict.fromkeys(raw)
    problems: dict[str, TutorError] = {}
    for name, text in texts.items():
        try:
            values[name] = parse_error(text, name, as_percent=as_percent)
        except TutorError as exc:
            problems[name] = exc
    return values, problems


def parse_error(value: str | float | int, field: str = "error", as_percent: bool = False) -> float:
    """An error rate as a fraction in ``[0, 1]``.

    Args:
        value: ``"1%"``, ``"1 percent"``, ``"ten percent"``, ``"11"`` (bare numbers above 1 are percents),
            ``"0.01"`` (bare numbers at most 1 are fractions), or an int/float following the same rule.
        field: the option name for the error message (``--train-error``).
        as_percent: read bare numbers at most 1 as percentages too (other errors of its set are).

    Returns:
        The error as a fraction, e.g. 0.01 for 1%.

    Raises:
        TutorError: for text that is not a number, negative or non-finite values, or more than 100%.
    """
    if isinstance(value, bool):
        raise TutorError(field, f"expected an error rate, got {value!r}", _ALLOWED_ERROR)
    percent = False
    if isinstance(value, (int, float)):
        number = float(value)
        shown = repr(value)
    elif isinstance(value, str):
        shown = repr(value)
        text = value.strip().lower()
        for word in _PERCENT_WORDS:
            if text.endswith(word):
                text = text[: -len(word)].strip()
                percent = True
                break
        if not text:
            raise TutorError(field, f"expected an error rate, got {shown}", _ALLOWED_ERROR)
        try:
            number = float(text)
        except ValueError:
            words = _words_to_number(text)
            if words is None:
                raise TutorError(field, f"not a number: {shown}", _ALLOWED_ERROR) from None
            number = words
    else:
        raise TutorError(field, f"expected an error rate, got {type(value).__name__}", _ALLOWED_ERROR)
    if not math.isfinite(number):
        raise TutorError(field, f"not a finite number: {shown}", _ALLOWED_ERROR)
    if number < 0:
        raise TutorError(field, f"an error rate cannot be negative, got {shown}", _ALLOWED_ERROR)
    if percent or number > 1 or as_percent:
        if number > 100:
            raise TutorError(field, f"an error rate cannot exceed 100%, got {shown}", _ALLOWED_ERROR)
        return number / 100.0
    return number


def unit_warnings(raw: dict[str, str]) -> list[str]:
    """Notes on inputs whose unit the reader had to decide, as :func:`parse_errors` reads them.

    A bare ``1`` with no percentage beside it is 100% (probably a slip), and bare numbers at most 1 next to
    percentages are read as percentages (``--train-error 0.5 --dev-error 11`` reads 0.5% and 11%).

    Args:
        raw: option name -> the text the user typed (``None`` values are skipped).

    Returns:
        Zero or more one-line notes.
    """
    texts = {name: str(t).strip() for name, t in raw.items() if t is not None and str(t).strip()}
    kinds = {name: _is_percent_text(t) for name, t in texts.items()}
    as_percent = any(kinds.values())
    notes: list[str] = []
    for name, text in texts.items():
        if kinds[name] is not False:
            continue
        try:
            number = float(text)
        except ValueError:
            continue
        if as_percent and number > 0:
            notes.append(f"{name} {text} was read as {text}% because the other errors are percents; "
                         f"for the fraction {text}, write {_pct(number)}")
        elif not as_percent and number == 1:
            notes.append(f"{name} {text} was read as the fraction 1 (100%); write 1% for one percent")
    return notes


# --------------------------------------------------------------------------------------------------------
# Diagnosis


@dataclass(frozen=True)
class RecipeStep:
    """One step of the basic recipe.

    Args:
        title: what to do (``"Bigger network"``).
        why: one sentence on why it helps, in the course's terms.
        lab_preset: a preset id of the lab that demonstrates the step, or ``None``.
    """

    title: str
    why: str
    lab_preset: str | None = None


#: The bias half of the basic recipe, in the course's order.
BIAS_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "Bigger network",
        "more hidden units or layers let the network fit the training set; with proper regularization a "
        "bigger network almost never hurts",
        "lesson-underfit",
    ),
    RecipeStep("Train longer", "more iterations help while the training cost is still going down", None),
    RecipeStep(
        "Better optimization algorithm",
        "momentum, RMSprop or Adam (next week's topic) reach a lower training cost",
        None,
    ),
    RecipeStep(
        "Another architecture",
        "a different network architecture may fit this problem better (it may or may not help)",
        None,
    ),
)

#: The variance half of the basic recipe, in the course's order.
VARIANCE_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "More data",
        "the surest cure for variance, and it does not hurt bias, when you can get it",
        None,
    ),
    RecipeStep(
        "Regularization: L2",
        "penalizing large weights (lambda/2m sum ||W||^2) makes the network simpler and closer to linear",
        "course-reg-l2",
    ),
    RecipeStep(
        "Regularization: dropout",
        "randomly dropping units means no unit can rely on any one input, which spreads out the weights",
        "course-reg-dropout",
    ),
    RecipeStep(
        "Regularization: data augmentation",
        "flipped, cropped or distorted copies of training examples are cheap extra data",
        "lesson-augment",
    ),
    RecipeStep(
        "Early stopping",
        "stop where dev error is lowest; it couples fitting and regularizing (not orthogonal), so prefer L2 "
        "if you can afford to search lambda",
        "lesson-early-stopping",
    ),
    RecipeStep(
        "Another architecture",
        "a different network architecture may generalize better (it may or may not help)",
        None,
    ),
)

#: Steps for a gap between the training and the dev distributions.
MISMATCH_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "Error analysis of the mismatch",
        "look by hand at dev examples the network gets wrong to see how they differ from the training data",
        None,
    ),
    RecipeStep(
        "Make training data more like dev",
        "collect more data like the dev set, or synthesize it (without synthesizing from a tiny subset)",
        None,
    ),
)

#: Steps for a test error well above the dev error.
DEV_OVERFIT_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "Bigger dev set",
        "tuning many choices on the dev set overfits it; a bigger dev set (same distribution as test) "
        "gives a more reliable signal",
        None,
    ),
)

#: Lab presets that show a problem itself (rather than a cure).
PROBLEM_DEMOS = {"high bias": "lesson-underfit", "high variance": "lesson-overfit"}


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` found.

    Attributes:
        phrases: the verdicts, among ``"high bias"``/``"low bias"``, ``"high variance"``/``"low variance"``
            (``"variance not measurable"`` when dev error is below training error), ``"data mismatch"``,
            ``"overfitting the dev set"``.
        summary: the verdict and the numbers behind it, then :attr:`advice`.
        numbers: fractions: ``train_error``, ``dev_error``, ``bayes_error``, ``train_dev_error``,
            ``test_error`` (``None`` when not given), ``avoidable_bias``, ``variance``, ``data_mismatch``,
            ``dev_overfitting`` (``None`` when not measurable), ``threshold``, ``bayes_assumed``, and
            ``high``: gap name -> ``"absolute"`` (at least the threshold), ``"relative"`` (half the threshold or
            more and at least tripling the error below it) or ``None`` (not high).
        recipe: the basic recipe steps that apply, the focus's first, then the other high problems in the
            course's order (bias, variance, data mismatch, dev overfitting).
        assumptions: what the verdict takes for granted, the threshold and the comparison rule included.
        notes: oddities in the numbers worth a look (dev below train, train below Bayes, ...).
        focus: the problem to work on first (``"bias"``, ``"variance"``, ``"data mismatch"``,
            ``"overfitting the dev set"``), or ``None`` when there is nothing worth fixing.
        demos: phrase -> lab preset id that shows that problem.
        advice: one sentence comparing the gaps and saying what to work on (or that nothing is pressing).
        pressing: whether some gap is high (False when the focus is only the larger of two small gaps).
    """

    phrases: list[str]
    summary: str
    numbers: dict
    recipe: list[RecipeStep]
    assumptions: list[str]
    notes: list[str] = field(default_factory=list)
    focus: str | None = None
    demos: dict[str, str] = field(default_factory=dict)
    advice: str = ""
    pressing: bool = False

    @property
    def high_bias(self) -> bool:
        return "high bias" in self.phrases

    @property
    def high_variance(self) -> bool:
        return "high variance" in self.phrases

    def to_dict(self) -> dict:
        """A JSON-ready dict (recipe steps as dicts with ``title``, ``why``, ``lab_preset``)."""
        return {
            "phrases": list(self.phrases),
            "summary": self.summary,
            "focus": self.focus,
            "advice": self.advice,
            "pressing": self.pressing,
            "numbers": {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.numbers.items()},
            "recipe": [asdict(step) for step in self.recipe],
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "demos": dict(self.demos),
        }


#: What a training error below the Bayes error estimate means (no model can really beat Bayes error).
BELOW_BAYES = ("the estimate may be too high, or the model fits noise in the training set (a sign of "
               "variance)")

#: What a dev error below the training error usually means.
DEV_BELOW_TRAIN = ("that usually means the {ref} set is easier or drawn from a different distribution than the "
                   "training set, the {ref} set is small (so its error is noisy: one example may be a point or "
                   "more), or regularization is active only in training (dropout masks, augmented copies) and "
                   "raises the training error it is measured with; it is not negative variance, so compare "
                   "the sets before reading variance from them")

#: Relative judgement: a gap of at least half the threshold is also high when it is at least this many times
#: the error it sits on (the error at least triples: train 0.5%, dev 2.2%).
RELATIVE_FACTOR = 2.0
#: The larger of two gaps is "clearly larger" when it is at least this many times the other.
CLEARLY_LARGER = 1.5
#: Gaps below this (0.1 percentage point, about what a 10,000-example dev set can resolve) are noise.
NEGLIGIBLE_GAP = 0.001

#: The gaps in the course's order: (key in numbers, focus name, high phrase, low phrase).
_GAPS = (("avoidable_bias", "bias", "high bias", "low bias"),
         ("variance", "variance", "high variance", "low variance"),
         ("data_mismatch", "data mismatch", "data mismatch", "no data mismatch"),
         ("dev_overfitting", "overfitting the dev set", "overfitting the dev set", "dev set not overfit"))


def _gap(a: float, b: float) -> float:
    # Rounded so that 0.10 - 0.08 compares equal to 0.02 (2 points is "high", not 1.9999999 points).
    return round(a - b, 12)


def _pct(x: float) -> str:
    """0.01 -> ``"1%"``, 0.005 -> ``"0.5%"``, 0.115 -> ``"11.5%"``, 0.0900474 -> ``"9%"`` (two decimals at most)."""
    return f"{round(x * 100, 2):g}%"


def _points(x: float) -> str:
    """A gap in percentage points: 0.1 -> ``"10 points"``, 0.01 -> ``"1 point"``."""
    v = round(abs(x) * 100, 2)
    return f"{v:g} point" + ("" if v == 1 else "s")


def _threshold(x: float) -> str:
    """0.02 -> ``"2-point"``."""
    return f"{round(x * 100, 2):g}-point"


def _times(a: float, b: float) -> str:
    """How many times ``b`` is ``a``, as a reader says it: ``"4.4 times"``."""
    return f"{a / b:.2g} times"


def how_high(gap: float | None, below: float | None, threshold: float = HIGH_GAP) -> str | None:
    """Whether a gap is high: ``"absolute"``, ``"relative"`` or ``None``.

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
        return "absolute"
    if below is not None and below > 0 and gap >= round(threshold / 2, 12) and gap >= RELATIVE_FACTOR * below - 1e-12:
        return "relative"
    return None


def _choose_focus(gaps: dict[str, float | None], high: dict[str, str | None]) -> tuple[str | None, bool]:
    """(the gap key to work on first, whether it is pressing).

    Among the high gaps, the first in the course's order (bias, variance, data mismatch, dev overfitting),
    unless a later one is clearly larger (:data:`CLEARLY_LARGER` times). With no high gap, the larger of
    avoidable bias and variance when it is clearly larger and not negligible (to improve further), else None.
    """
    order = [key for key, *_ in _GAPS]
    highs = [k for k in order if high.get(k)]
    if highs:
        best = highs[0]
        for key in highs[1:]:
            if gaps[key] >= CLEARLY_LARGER * gaps[best] - 1e-12:
                best = key
        return best, True
    a, v = max(gaps["avoidable_bias"], 0.0), max(gaps["variance"], 0.0)
    if max(a, v) < NEGLIGIBLE_GAP:
        return None, False
    if a >= CLEARLY_LARGER * v - 1e-12:
        return "avoidable_bias", False
    if v >= CLEARLY_LARGER * a - 1e-12:
        return "variance", False
    return None, False


def _advice(focus: str | None, pressing: bool, gaps: dict, high: dict, thr: float, var_name: str) -> str:
    """One sentence: which gap to work on and why, by comparing them."""
    a, v = gaps["avoidable_bias"], gaps["variance"]
    av = max(a, 0.0)
    vv = max(v, 0.0)
    pair = f"avoidable bias {_points(av)}, {var_name} {_points(vv)}" if v >= 0 else \
        f"avoidable bias {_points(av)}; {var_name} not measurable (see the notes)"
    if focus is None:
        if max(av, vv) < NEGLIGIBLE_GAP:
            return f"Both gaps are negligible ({pair}): nothing in the basic recipe to fix."
        return (f"Both gaps are under the {_threshold(thr)} threshold and about equal ({pair}): nothing in the "
                "basic recipe is pressing.")
    name = {"avoidable_bias": "bias", "variance": "variance", "data_mismatch": "data mismatch",
            "dev_overfitting": "overfitting the dev set"}[focus]
    if not pressing:
        big, small = (av, vv) if focus == "avoidable_bias" else (vv, av)
        other = var_name if focus == "avoidable_bias" else "avoidable bias"
        this = "avoidable bias" if focus == "avoidable_bias" else var_name
        if focus == "avoidable_bias" and v < 0:
            ratio = f" ({other} not measurable: see the notes)"
        elif focus != "avoidable_bias" and a < 0:
            ratio = " (training error is below the Bayes estimate: see the notes)"
        elif small > 0:
            ratio = f", {_times(big, small)} {other} ({_points(small)})"
        else:
            ratio = f", and there is no {other}"
        return (f"Both gaps are under the {_threshold(thr)} threshold, but {this} ({_points(big)}) is the larger"
                f"{ratio}: to lower the error further, work on {name}.")
    others = [k for k, *_ in _GAPS if k != focus and high.get(k)]
    labels = {"avoidable_bias": "avoidable bias", "variance": var_name, "data_mismatch": "data mismatch",
              "dev_overfitting": "dev overfitting"}
    if not others:
        rest = [k for k in ("avoidable_bias", "variance") if k != focus][0]
        if gaps[rest] is not None and gaps[rest] < 0:
            against = ""
        elif not gaps[rest]:
            against = f"; there is no {labels[rest]}"
        else:
            against = f", against {_points(gaps[rest])} of {labels[rest]}"
        return f"Work on {name} first: {labels[focus]} ({_points(gaps[focus])}) is the high gap{against}."
    other = others[0]
    if gaps[focus] >= CLEARLY_LARGER * gaps[other] - 1e-12:
        return (f"Work on {name} first: {labels[focus]} ({_points(gaps[focus])}) is clearly larger than "
                f"{labels[other]} ({_points(gaps[other])}).")
    return (f"Work on {name} first: {labels[focus]} ({_points(gaps[focus])}) and {labels[other]} "
            f"({_points(gaps[other])}) are both high and comparable, and the basic recipe fixes "
            f"{'bias' if focus == 'avoidable_bias' else name} first.")


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
    error; work on the larger. Each gap is judged by :func:`how_high` (2 points, or relative to the error it
    sits on) and the focus chosen by comparing them (see :func:`_choose_focus`).

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
    bayes_assumed = bayes_error is None
    b = 0.0 if bayes_assumed else parse_error(bayes_error, "bayes_error")
    td = None if train_dev_error is None else parse_error(train_dev_error, "train_dev_error")
    te = None if test_error is None else parse_error(test_error, "test_error")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise TutorError("threshold", f"got {threshold!r}", "a fraction between 0 and 1, such as 0.02")
    thr = float(threshold)

    avoidable = _gap(t, b)
    variance_ref = td if td is not None else d
    variance = _gap(variance_ref, t)
    mismatch = _gap(d, td) if td is not None else None
    dev_overfit = _gap(te, d) if te is not None else None
    gaps = {"avoidable_bias": avoidable, "variance": variance, "data_mismatch": mismatch,
            "dev_overfitting": dev_overfit}
    high = {
        "avoidable_bias": how_high(avoidable, None if bayes_assumed else b, thr),
        "variance": how_high(variance, t, thr),
        "data_mismatch": how_high(mismatch, td, thr),
        "dev_overfitting": how_high(dev_overfit, d, thr),
    }
    phrases = [hi if high[key] else lo for key, _name, hi, lo in _GAPS[:2]]
    if variance < 0:  # dev (or train-dev) below training error: variance cannot be read, so not "low"
        phrases[1] = "variance not measurable"
    phrases += [hi for key, _name, hi, _lo in _GAPS[2:] if high[key]]

    # Summary: a verdict head, then one clause per gap with the numbers.
    def why_relative(key: str, below: float, below_name: str) -> str:
        if high[key] != "relative":
            return ""
        return (f", {_times(below + gaps[key], below)} {below_name} (under {_points(thr)}, but the error at "
                "least triples)")

    bayes_txt = f"Bayes error ({_pct(b)}{', assumed' if bayes_assumed else ''})"
    if high["avoidable_bias"]:
        bias_clause = (f"training error {_pct(t)} is {_points(avoidable)} above {bayes_txt}"
                       + why_relative("avoidable_bias", b, "the Bayes error"))
    elif avoidable < 0:
        # Not "low bias" by luck: no model can beat Bayes error, so one of the two numbers is off.
        bias_clause = (f"training error {_pct(t)} is below the Bayes error estimate ({_pct(b)}): "
                       f"{BELOW_BAYES}")
    elif avoidable == 0:
        bias_clause = f"training error {_pct(t)} equals {bayes_txt}"
    else:
        bias_clause = f"training error {_pct(t)} is within {_points(avoidable)} of {bayes_txt}"
    ref_name = "train-dev" if td is not None else "dev"
    ref_txt = f"{ref_name} error {_pct(variance_ref)}"
    if high["variance"]:
        var_clause = (f"{ref_txt} is {_points(variance)} above training error"
                      + why_relative("variance", t, "training error"))
    elif variance < 0:
        var_clause = f"{ref_txt} is below training error {_pct(t)}, so variance cannot be read (see the note)"
    elif variance == 0:
        var_clause = f"{ref_txt} equals training error"
    else:
        var_clause = f"{ref_txt} is within {_points(variance)} of training error"
    clauses = [bias_clause, var_clause]
    if mismatch is not None:
        if high["data_mismatch"]:
            clauses.append(f"dev error {_pct(d)} is {_points(mismatch)} above train-dev error"
                           + why_relative("data_mismatch", td, "train-dev error"))
        elif mismatch <= 0:
            clauses.append(f"dev error {_pct(d)} is not above train-dev error {_pct(td)}: no data mismatch")
        else:
            clauses.append(f"dev error {_pct(d)} is within {_points(mismatch)} of train-dev error {_pct(td)}")
    if dev_overfit is not None:
        if high["dev_overfitting"]:
            clauses.append(f"test error {_pct(te)} is {_points(dev_overfit)} above dev error"
                           + why_relative("dev_overfitting", d, "dev error"))
        elif dev_overfit <= 0:
            clauses.append(f"test error {_pct(te)} is not above dev error {_pct(d)}: the dev set is not overfit")
        else:
            clauses.append(f"test error {_pct(te)} is within {_points(dev_overfit)} of dev error {_pct(d)}")

    focus_key, pressing = _choose_focus(gaps, high)
    advice = _advice(focus_key, pressing, gaps, high, thr, "variance")
    head = phrases[0].capitalize()
    rest = phrases[1:]
    head = f"{head}, {', '.join(rest[:-1])} and {rest[-1]}" if len(rest) > 1 else f"{head} and {rest[0]}"
    summary = f"{head}: " + "; ".join(clauses) + ". " + advice

    steps_of = {"avoidable_bias": BIAS_STEPS, "variance": VARIANCE_STEPS, "data_mismatch": MISMATCH_STEPS,
                "dev_overfitting": DEV_OVERFIT_STEPS}
    recipe: list[RecipeStep] = []
    if focus_key is not None:
        recipe.extend(steps_of[focus_key])
        for key, *_ in _GAPS:
            if key != focus_key and high[key]:
                recipe.extend(steps_of[key])
    focus = None if focus_key is None else dict((k, n) for k, n, *_ in _GAPS)[focus_key]

    assumptions = []
    if bayes_assumed:
        assumptions.append("Bayes (optimal) error is near 0%: a human, or any good system, makes almost no "
                           "errors on this task (give the Bayes or human-level error if it is not)")
    else:
        assumptions.append(f"Bayes (optimal) error is about {_pct(b)} (human-level error is a good proxy); "
                           "avoidable bias is measured from it")
    if td is None:
        assumptions.append("training and dev sets come from the same distribution")
    else:
        assumptions.append("the train-dev set comes from the training distribution (held out from training), "
                           "the dev set from the distribution you care about")
    if te is not None:
        assumptions.append("dev and test sets come from the same distribution")
    assumptions.append(f"a gap of {_points(thr)} or more counts as high; so does a gap of {_points(thr / 2)} or "
                       "more that at least triples the error below it (relative judgement; not against an "
                       "assumed Bayes error of 0)")
    assumptions.append(f"the larger gap is worked on first when it is at least {CLEARLY_LARGER:g} times the "
                       "other; comparable high gaps follow the recipe's order, bias first; gaps under "
                       f"{_points(NEGLIGIBLE_GAP)} are noise")

    notes = []
    if avoidable < 0:
        notes.append(f"training error is below the Bayes error estimate: {BELOW_BAYES}")
    if variance < 0:
        notes.append(f"{ref_name} error is below training error (by {_points(variance)}): "
                     + DEV_BELOW_TRAIN.format(ref=ref_name))
    if mismatch is not None and mismatch < 0:
        notes.append("dev error is below train-dev error: the dev data seem easier than the training data")
    if dev_overfit is not None and dev_overfit < 0:
        notes.append("test error is below dev error: fine, but with small sets the difference may be noise")
    if dev_examples is not None and dev_examples > 0:
        step = 1 / dev_examples
        if step >= NEGLIGIBLE_GAP:
            notes.append(f"the dev set has {dev_examples:,} examples, so one example is {_points(step)} of dev "
                         "error: gaps of a few examples may be noise")

    numbers = {
        "train_error": t,
        "dev_error": d,
        "bayes_error": b,
        "bayes_assumed": bayes_assumed,
        "train_dev_error": td,
        "test_error": te,
        "avoidable_bias": avoidable,
        "variance": variance,
        "data_mismatch": mismatch,
        "dev_overfitting": dev_overfit,
        "threshold": thr,
        "high": high,
    }
    demos = {p: PROBLEM_DEMOS[p] for p in phrases if p in PROBLEM_DEMOS}
    return Diagnosis(phrases, summary, numbers, recipe, assumptions, notes, focus, demos, advice, pressing)


#: The course's bias/variance table (train error, dev error), Bayes error near 0, as in the lecture.
COURSE_TABLE: tuple[tuple[float, float], ...] = ((0.01, 0.11), (0.15, 0.16), (0.15, 0.30), (0.005, 0.01))


def course_table() -> list[Diagnosis]:
    """The diagnoses of :data:`COURSE_TABLE`'s rows: high variance; high bias; both; neither."""
    return [diagnose(train, dev) for train, dev in COURSE_TABLE]


def number_rows(d: Diagnosis) -> list[list[str]]:
    """``[name, value, how it is measured, verdict]`` rows for the numbers behind a diagnosis.

    The CLI, the ask answers and the app's screen all show these rows.
    """
    n = d.numbers
    rows = [["training error", _pct(n["train_error"]), "", ""]]
    if n["train_dev_error"] is not None:
        rows.append(["train-dev error", _pct(n["train_dev_error"]), "", ""])
    rows.append(["dev error", _pct(n["dev_error"]), "", ""])
    if n["test_error"] is not None:
        rows.append(["test error", _pct(n["test_error"]), "", ""])
    rows.append(["Bayes error", _pct(n["bayes_error"]) + (" (assumed)" if n["bayes_assumed"] else ""), "", ""])
    var_ref = "train-dev - train" if n["train_dev_error"] is not None else "dev - train"
    names = {"avoidable_bias": ("avoidable bias", "train - Bayes"), "variance": ("variance", var_ref),
             "data_mismatch": ("data mismatch", "dev - train-dev"), "dev_overfitting": ("dev overfitting",
                                                                                       "test - dev")}
    for key, _focus, hi, lo in _GAPS:
        gap = n[key]
        if gap is None:
            continue
        name, how = names[key]
        kind = n["high"][key]
        if key == "avoidable_bias" and gap < 0:
            value, verdict = f"{_points(gap)} below the Bayes estimate", "below the Bayes estimate (see notes)"
        elif key == "variance" and gap < 0:
            value, verdict = "not measurable", f"{var_ref.split(' - ')[0]} below train by {_points(gap)} (see notes)"
        else:
            value = _signed_points(gap)
            verdict = hi + (" (relative)" if kind == "relative" else "") if kind else lo
        rows.append([name, value, how, verdict])
    return rows


def render_diagnosis(d: Diagnosis) -> str:
    """Plain text: verdict, what to work on, numbers, assumptions, the recipe in order and the lab presets."""
    lines = [f"Diagnosis: {', '.join(d.phrases)}", d.summary, "", "Numbers"]
    lines += pad_rows(number_rows(d))
    lines += ["", "Assumptions"] + [f"  - {a}" for a in d.assumptions]
    if d.notes:
        lines += ["", "Notes"] + [f"  - {x}" for x in d.notes]
    if d.recipe:
        order = "in order" if d.pressing else "to lower the error further"
        lines += ["", f"Basic recipe, {order} (focus: {d.focus})"]
        for i, step in enumerate(d.recipe, 1):
            lab = f"  [lab: {step.lab_preset}]" if step.lab_preset else ""
            lines.append(f"  {i}. {step.title}: {step.why}{lab}")
    else:
        lines += ["", "Basic recipe", f"  nothing to do: {d.advice}"]
    lab_lines = [f"  {preset} shows {phrase}" for phrase, preset in d.demos.items()]
    lab_lines += [f"  {s.lab_preset} demonstrates '{s.title}'" for s in d.recipe if s.lab_preset]
    if lab_lines:
        lines += ["", "Try it in the lab (dltutor lab --preset NAME)"] + lab_lines
    return "\n".join(lines)


def _signed_points(x: float) -> str:
    return ("-" if x < 0 else "") + _points(x)
