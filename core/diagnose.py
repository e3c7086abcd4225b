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

Verdicts (course Week 1, "Bias / Variance"): each gap is "high" when it is at least :data:`HIGH_GAP`
(2 percentage points):

* avoidable bias = training error - Bayes error (Bayes error assumed 0 when not given);
* variance = dev error - training error, or train-dev error - training error when a train-dev error is
  given (train-dev is held out from the training distribution, so it isolates variance);
* data mismatch = dev error - train-dev error (only with a train-dev error);
* overfitting the dev set = test error - dev error (only with a test error).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from core.errors import TutorError

#: A gap (in fraction units) at or above this is "high": 2 percentage points.
HIGH_GAP = 0.02

#: The course's boundaries between small, medium and big data for splitting.
SMALL_DATA = 10_000
BIG_DATA = 1_000_000
#: Largest m that :func:`split_advice` accepts (beyond any real data set; guards against typos like 1e40).
MAX_EXAMPLES = 10**15

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


def parse_count(value: str | int | float, field: str = "m") -> int:
    """A number of examples: a positive integer, written ``1000000``, ``1,000,000``, ``1_000_000``, ``1e6``.

    Args:
        value: the text or number.
        field: the option name for the error message.

    Returns:
        The count as an int.

    Raises:
        TutorError: for non-numbers, non-integers, counts below 1 or absurdly large counts.
    """
    allowed = f"a whole number of examples from 1 to {MAX_EXAMPLES:.0e}, such as 10000 or 1,000,000"
    if isinstance(value, bool):
        raise TutorError(field, f"expected a number of examples, got {value!r}", allowed)
    if isinstance(value, int):
        number = float(value)
        exact = value
    elif isinstance(value, (float, str)):
        text = value.strip().replace(",", "").replace("_", "") if isinstance(value, str) else value
        try:
            number = float(text)
        except ValueError:
            raise TutorError(field, f"not a number: {value!r}", allowed) from None
        exact = None
    else:
        raise TutorError(field, f"expected a number of examples, got {type(value).__name__}", allowed)
    if not math.isfinite(number):
        raise TutorError(field, f"not a finite number: {value!r}", allowed)
    if number != math.floor(number):
        raise TutorError(field, f"a number of examples must be a whole number, got {value!r}", allowed)
    if number < 1:
        raise TutorError(field, f"need at least one example, got {value!r}", allowed)
    if number > MAX_EXAMPLES:
        raise TutorError(field, f"{value!r} is beyond any real data set", allowed)
    return exact if exact is not None else int(number)


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
        phrases: the verdicts, among ``"high bias"``/``"low bias"``, ``"high variance"``/``"low variance"``,
            ``"data mismatch"``, ``"overfitting the dev set"``.
        summary: one sentence with the verdict and the numbers behind it.
        numbers: fractions: ``train_error``, ``dev_error``, ``bayes_error``, ``train_dev_error``,
            ``test_error`` (``None`` when not given), ``avoidable_bias``, ``variance``, ``data_mismatch``,
            ``dev_overfitting`` (``None`` when not measurable), ``threshold``, ``bayes_assumed``.
        recipe: the basic recipe steps that apply, bias first, then variance, data mismatch, dev overfitting.
        assumptions: what the verdict takes for granted.
        notes: oddities in the numbers worth a look (dev below train, train below Bayes, ...).
        focus: the first problem to work on (``"bias"``, ``"variance"``, ``"data mismatch"``,
            ``"overfitting the dev set"``) or ``None`` when there is nothing to fix.
        demos: phrase -> lab preset id that shows that problem.
    """

    phrases: list[str]
    summary: str
    numbers: dict
    recipe: list[RecipeStep]
    assumptions: list[str]
    notes: list[str] = field(default_factory=list)
    focus: str | None = None
    demos: dict[str, str] = field(default_factory=dict)

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
            "numbers": dict(self.numbers),
            "recipe": [asdict(step) for step in self.recipe],
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "demos": dict(self.demos),
        }


#: What a training error below the Bayes error estimate means (no model can really beat Bayes error).
BELOW_BAYES = ("the estimate may be too high, or the model fits noise in the training set (a sign of "
               "variance)")


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


def diagnose(
    train_error: float | str,
    dev_error: float | str,
    bayes_error: float | str | None = None,
    train_dev_error: float | str | None = None,
    test_error: float | str | None = None,
    *,
    threshold: float = HIGH_GAP,
) -> Diagnosis:
    """Bias, variance, data mismatch and dev-set overfitting from error rates.

    Args:
        train_error: training-set error (a fraction, or anything :func:`parse_error` accepts).
        dev_error: dev-set error.
        bayes_error: Bayes (optimal) error, or human-level error as its proxy; assumed 0 when ``None``.
        train_dev_error: error on a held-out slice of the training distribution (isolates variance from
            data mismatch when dev data differ from training data).
        test_error: test-set error (a test error well above dev error means the dev set was overfit).
        threshold: a gap at or above this (a fraction) is high; 0.02 (2 percentage points) by default.

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

    high_bias = avoidable >= thr
    high_var = variance >= thr
    has_mismatch = mismatch is not None and mismatch >= thr
    has_dev_overfit = dev_overfit is not None and dev_overfit >= thr

    phrases = ["high bias" if high_bias else "low bias", "high variance" if high_var else "low variance"]
    if has_mismatch:
        phrases.append("data mismatch")
    if has_dev_overfit:
        phrases.append("overfitting the dev set")

    # Summary: a verdict head, then one clause per gap with the numbers.
    bayes_txt = f"Bayes error ({_pct(b)}{', assumed' if bayes_assumed else ''})"
    if high_bias:
        bias_clause = f"training error {_pct(t)} is {_points(avoidable)} above {bayes_txt}"
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
    if high_var:
        var_clause = f"{ref_txt} is {_points(variance)} above training error"
    elif variance < 0:
        var_clause = f"{ref_txt} is below training error {_pct(t)}"
    elif variance == 0:
        var_clause = f"{ref_txt} equals training error"
    else:
        var_clause = f"{ref_txt} is within {_points(variance)} of training error"
    clauses = [bias_clause, var_clause]
    if mismatch is not None:
        if has_mismatch:
            clauses.append(f"dev error {_pct(d)} is {_points(mismatch)} above train-dev error")
        elif mismatch <= 0:
            clauses.append(f"dev error {_pct(d)} is not above train-dev error {_pct(td)}: no data mismatch")
        else:
            clauses.append(f"dev error {_pct(d)} is within {_points(mismatch)} of train-dev error {_pct(td)}")
    if dev_overfit is not None:
        if has_dev_overfit:
            clauses.append(f"test error {_pct(te)} is {_points(dev_overfit)} above dev error")
        elif dev_overfit <= 0:
            clauses.append(f"test error {_pct(te)} is not above dev error {_pct(d)}: the dev set is not overfit")
        else:
            clauses.append(f"test error {_pct(te)} is within {_points(dev_overfit)} of dev error {_pct(d)}")
    head = phrases[0].capitalize()
    rest = phrases[1:]
    head = f"{head}, {', '.join(rest[:-1])} and {rest[-1]}" if len(rest) > 1 else f"{head} and {rest[0]}"
    summary = f"{head}: " + "; ".join(clauses) + "."

    recipe: list[RecipeStep] = []
    if high_bias:
        recipe.extend(BIAS_STEPS)
    if high_var:
        recipe.extend(VARIANCE_STEPS)
    if has_mismatch:
        recipe.extend(MISMATCH_STEPS)
    if has_dev_overfit:
        recipe.extend(DEV_OVERFIT_STEPS)
    focus = None
    for flag, name in ((high_bias, "bias"), (high_var, "variance"), (has_mismatch, "data mismatch"),
                       (has_dev_overfit, "overfitting the dev set")):
        if flag:
            focus = name
            break

    assumptions = []
    if bayes_assumed:
        assumptions.append("Bayes (optimal) error is near 0%: a human, or any good system, makes almost no "
                           "errors on this task")
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
    assumptions.append(f"a gap of {_points(thr)} or more counts as high")

    notes = []
    if avoidable < 0:
        notes.append(f"training error is below the Bayes error estimate: {BELOW_BAYES}")
    if variance < 0:
        notes.append(f"{ref_name} error is below training error, which is unusual: check that the {ref_name} "
                     "set is not easier than the training set or drawn differently")
    if mismatch is not None and mismatch < 0:
        notes.append("dev error is below train-dev error: the dev data seem easier than the training data")
    if dev_overfit is not None and dev_overfit < 0:
        notes.append("test error is below dev error: fine, but with small sets the difference may be noise")
    if not recipe:
        notes.append("nothing in the basic recipe to apply: both errors are close to where they can be")

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
    }
    demos = {p: PROBLEM_DEMOS[p] for p in phrases if p in PROBLEM_DEMOS}
    return Diagnosis(phrases, summary, numbers, recipe, assumptions, notes, focus, demos)


#: The course's bias/variance table (train error, dev error), Bayes error near 0, as in the lecture.
COURSE_TABLE: tuple[tuple[float, float], ...] = ((0.01, 0.11), (0.15, 0.16), (0.15, 0.30), (0.005, 0.01))


def course_table() -> list[Diagnosis]:
    """The diagnoses of :data:`COURSE_TABLE`'s rows: high variance; high bias; both; neither."""
    return [diagnose(train, dev) for train, dev in COURSE_TABLE]


def _pad_rows(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def render_diagnosis(d: Diagnosis) -> str:
    """Plain text: verdict, numbers, assumptions, the recipe in order and the lab presets that show it."""
    n = d.numbers
    lines = [f"Diagnosis: {', '.join(d.phrases)}", d.summary, "", "Numbers"]

    def verdict(gap: float | None, high: str, low: str) -> str:
        return high if gap is not None and gap >= n["threshold"] else low

    rows = [["training error", _pct(n["train_error"]), "", ""]]
    if n["train_dev_error"] is not None:
        rows.append(["train-dev error", _pct(n["train_dev_error"]), "", ""])
    rows.append(["dev error", _pct(n["dev_error"]), "", ""])
    if n["test_error"] is not None:
        rows.append(["test error", _pct(n["test_error"]), "", ""])
    bayes = _pct(n["bayes_error"]) + (" (assumed)" if n["bayes_assumed"] else "")
    rows.append(["Bayes error", bayes, "", ""])
    below_bayes = n["avoidable_bias"] < 0
    rows.append(["avoidable bias", _signed_points(n["avoidable_bias"]), "train - Bayes",
                 "below the Bayes estimate (see notes)" if below_bayes
                 else verdict(n["avoidable_bias"], "high bias", "low bias")])
    var_ref = "train-dev - train" if n["train_dev_error"] is not None else "dev - train"
    rows.append(["variance", _signed_points(n["variance"]), var_ref,
                 verdict(n["variance"], "high variance", "low variance")])
    if n["data_mismatch"] is not None:
        rows.append(["data mismatch", _signed_points(n["data_mismatch"]), "dev - train-dev",
                     verdict(n["data_mismatch"], "data mismatch", "no data mismatch")])
    if n["dev_overfitting"] is not None:
        rows.append(["dev overfitting", _signed_points(n["dev_overfitting"]), "test - dev",
                     verdict(n["dev_overfitting"], "overfitting the dev set", "dev set not overfit")])
    lines += _pad_rows(rows)
    lines += ["", "Assumptions"] + [f"  - {a}" for a in d.assumptions]
    if d.notes:
        lines += ["", "Notes"] + [f"  - {x}" for x in d.notes]
    lines += ["", "Basic recipe, in order (bias first, then variance, then data mismatch, then the dev set)"]
    if d.recipe:
        for i, step in enumerate(d.recipe, 1):
            lab = f"  [lab: {step.lab_preset}]" if step.lab_preset else ""
            lines.append(f"  {i}. {step.title}: {step.why}{lab}")
    else:
        lines.append("  nothing to do: low bias and low variance")
    lab_lines = [f"  {preset} shows {phrase}" for phrase, preset in d.demos.items()]
    lab_lines += [f"  {s.lab_preset} demonstrates '{s.title}'" for s in d.recipe if s.lab_preset]
    if lab_lines:
        lines += ["", "Try it in the lab (dltutor lab --preset NAME)"] + lab_lines
    return "\n".join(lines)


def _signed_points(x: float) -> str:
    return ("-" if x < 0 else "") + _points(x)


# --------------------------------------------------------------------------------------------------------
# Train / dev / test split advice


@dataclass(frozen=True)
class SplitAdvice:
    """How to split ``m`` examples.

    Attributes:
        m: the number of examples.
        train, dev, test: fractions summing to 1 (``test`` is 0 without a test set).
        sizes: ``{"train": int, "dev": int, "test": int}`` example counts summing to ``m``.
        notes: the reasoning and the rules that always hold.
        regime: ``"small"`` (m <= 10,000), ``"medium"`` or ``"big"`` (m >= 1,000,000).
        with_test: whether a test set is kept.
        alternative: a smaller-fraction split that is fine too for very big data (same keys as the main
            split), or ``None``.
    """

    m: int
    train: float
    dev: float
    test: float
    sizes: dict[str, int]
    notes: list[str]
    regime: str
    with_test: bool = True
    alternative: dict | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict with ``train``, ``dev``, ``test`` (fractions), ``sizes`` (counts), ``notes``."""
        return {
            "m": self.m,
            "train": self.train,
            "dev": self.dev,
            "test": self.test,
            "sizes": dict(self.sizes),
            "notes": list(self.notes),
            "regime": self.regime,
            "with_test": self.with_test,
            "alternative": None if self.alternative is None else dict(self.alternative),
        }


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _sizes(m: int, dev: float, test: float) -> dict[str, int]:
    n_dev = _round_half_up(m * dev)
    n_test = _round_half_up(m * test)
    return {"train": m - n_dev - n_test, "dev": n_dev, "test": n_test}


def _fmt_split(train: float, dev: float, test: float, with_test: bool) -> str:
    parts = [train, dev, test] if with_test else [train, dev]
    return "/".join(f"{round(p * 100, 6):g}" for p in parts)


def split_advice(m: int | str, test: bool = True) -> SplitAdvice:
    """Train/dev/test split advice for ``m`` examples, following the course.

    * small data (m <= 10,000): the classic 60/20/20, or 70/30 without a test set;
    * big data (m >= 1,000,000): 98/1/1 (or 99/1), since 10,000 dev and test examples are plenty; beyond
      that smaller fractions are fine too (e.g. 99.5/0.25/0.25 for 10,000,000);
    * in between, the dev (and test) share falls smoothly: the dev *size* is interpolated geometrically
      between its small-data value at 10,000 (2,000, or 3,000 without test) and 10,000 at 1,000,000, and
      the share rounded to half a percent. So the dev set never shrinks as m grows.

    Args:
        m: number of examples (an int, or text :func:`parse_count` accepts).
        test: keep a test set; without one, the dev set takes the test set's share on small data.

    Returns:
        A :class:`SplitAdvice`.

    Raises:
        TutorError: when ``m`` is not a whole number >= 1.
    """
    m = parse_count(m, "m")
    if not isinstance(test, bool):
        raise TutorError("test", f"expected True or False, got {test!r}", "True or False")
    small_dev = 0.2 if test else 0.3
    notes: list[str] = []
    alternative = None
    if m <= SMALL_DATA:
        regime = "small"
        dev = small_dev
        notes.append(
            f"small data (m <= {SMALL_DATA:,}): the classic rule of thumb "
            + ("60/20/20 train/dev/test" if test else "70/30 train/dev")
            + " is reasonable"
        )
    elif m >= BIG_DATA:
        regime = "big"
        dev = 0.01
        if test:
            notes.append(
                "big data (m >= 1,000,000): dev and test only need to be big enough to compare models (dev) "
                "and to trust the final estimate (test), about 10,000 examples each, so 98/1/1 is plenty "
                "(the course's answer)"
            )
        else:
            notes.append(
                "big data (m >= 1,000,000): the dev set only needs to be big enough to compare models, about "
                "10,000 examples, so 99/1 is plenty (the course's 98/1/1 without its test share)"
            )
        if m > BIG_DATA:
            alt_dev = None
            for pct in (0.5, 0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.0025, 0.001):
                # The smallest tidy share that still leaves 25,000 examples (well above the ~10,000 needed).
                if m * pct / 100 < 25_000:
                    break
                alt_dev = pct / 100
            if alt_dev is not None:
                alt_test = alt_dev if test else 0.0
                alt_train = round(1 - alt_dev - alt_test, 10)
                alternative = {"train": alt_train, "dev": alt_dev, "test": alt_test,
                               "sizes": _sizes(m, alt_dev, alt_test)}
                each = alternative["sizes"]["dev"]
                notes.append(
                    f"smaller fractions are fine too: {_fmt_split(alt_train, alt_dev, alt_test, test)} still "
                    f"gives {each:,} examples {'each ' if test else ''}for dev{' and test' if test else ''}"
                )
            else:
                notes.append("smaller fractions are fine too, down to about 10,000 examples each for dev "
                             "and test")
    else:
        regime = "medium"
        small_size = small_dev * SMALL_DATA
        big_size = 0.01 * BIG_DATA
        # Geometric interpolation of the dev size between the two anchors, then back to a share.
        w = math.log(m / SMALL_DATA) / math.log(BIG_DATA / SMALL_DATA)
        size = small_size * (big_size / small_size) ** w
        dev = max(0.01, round(size / m * 200) / 200)  # nearest half percent
        notes.append(
            f"medium data: between the classic split at {SMALL_DATA:,} and 98/1/1 at {BIG_DATA:,}, dev"
            + (" and test get" if test else " gets")
            + f" a smaller share but more examples ({_round_half_up(m * dev):,}"
            + (" each)" if test else ")")
        )
    test_frac = dev if test else 0.0
    train = round(1 - dev - test_frac, 10)
    sizes = _sizes(m, dev, test_frac)
    if sizes["dev"] < 1 or (test and sizes["test"] < 1):
        notes.append(f"with only {m} example{'s' if m != 1 else ''} there is nothing to hold out: collect "
                     "more data before comparing models")
    elif m < 100:
        notes.append("with under 100 examples, dev and test errors are very noisy (one example is several "
                     "percent); consider collecting more data")
    notes.append(("dev and test sets must come from the same distribution, the one" if test else
                  "the dev set must come from the same distribution as the data")
                 + " you expect the system to face (e.g. phone photos if users upload phone photos), even if "
                 "training data come from elsewhere")
    if test:
        notes.append("the test set gives an unbiased estimate of the final system's error; if you do not "
                     "need that estimate you may skip it (--no-test)")
    else:
        notes.append("without a test set you tune on the dev set, so its error is an optimistic (biased) "
                     "estimate; people sometimes call such a dev set the 'test set', which is misleading")
    return SplitAdvice(m, train, dev, test_frac, sizes, notes, regime, test, alternative)


def render_split(s: SplitAdvice) -> str:
    """Plain text: the split as percentages and example counts, then the notes."""
    names = ["train", "dev", "test"] if s.with_test else ["train", "dev"]
    fractions = {"train": s.train, "dev": s.dev, "test": s.test}
    head = f"Split for {s.m:,} examples: {_fmt_split(s.train, s.dev, s.test, s.with_test)} " + "/".join(names)
    rows = [[name, f"{round(fractions[name] * 100, 6):g}%", f"{s.sizes[name]:,}"] for name in names]
    lines = [head, ""] + _pad_rows([["set", "share", "examples"]] + rows)
    lines += ["", "Notes"] + [f"  - {x}" for x in s.notes]
    return "\n".join(lines)
