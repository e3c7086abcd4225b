"""The diagnosis in words: the verdict phrases, the summary, the advice, the assumptions and the notes.

A :class:`~dltutor.core.diagnose.Diagnosis` carries these sentences as data (``dltutor diagnose --json``
publishes them, a finished run's verdict line quotes the summary), so they are written here, in the core,
from a :class:`~dltutor.core.diagnose.measure.Measurement`. How a diagnosis is laid out for a reader (the
table of numbers, the recipe list) is :mod:`dltutor.tutor.text.diagnose`.
"""

from __future__ import annotations

from dltutor.core.diagnose.measure import CLEARLY_LARGER, NEGLIGIBLE_GAP, Gap, High, Measurement

#: What a training error below the Bayes error estimate means (no model can really beat Bayes error).
BELOW_BAYES = ("the estimate may be too high, or the model fits noise in the training set (a sign of "
               "variance)")

#: What a dev error below the training error usually means.
DEV_BELOW_TRAIN = ("that usually means the {ref} set is easier or drawn from a different distribution than the "
                   "training set, the {ref} set is small (so its error is noisy: one example may be a point or "
                   "more), or regularization is active only in training (dropout masks, augmented copies) and "
                   "raises the training error it is measured with; it is not negative variance, so compare "
                   "the sets before reading variance from them")

#: Each gap's name as a focus (``Diagnosis.focus``) and its verdict phrases when high and when not.
FOCUS_NAMES = {Gap.AVOIDABLE_BIAS: "bias", Gap.VARIANCE: "variance", Gap.DATA_MISMATCH: "data mismatch",
               Gap.DEV_OVERFITTING: "overfitting the dev set"}
HIGH_PHRASES = {Gap.AVOIDABLE_BIAS: "high bias", Gap.VARIANCE: "high variance",
                Gap.DATA_MISMATCH: "data mismatch", Gap.DEV_OVERFITTING: "overfitting the dev set"}
LOW_PHRASES = {Gap.AVOIDABLE_BIAS: "low bias", Gap.VARIANCE: "low variance",
               Gap.DATA_MISMATCH: "no data mismatch", Gap.DEV_OVERFITTING: "dev set not overfit"}
#: Each gap's name in a sentence.
GAP_NAMES = {Gap.AVOIDABLE_BIAS: "avoidable bias", Gap.VARIANCE: "variance", Gap.DATA_MISMATCH: "data mismatch",
             Gap.DEV_OVERFITTING: "dev overfitting"}


def pct(x: float) -> str:
    """0.01 -> ``"1%"``, 0.005 -> ``"0.5%"``, 0.115 -> ``"11.5%"``, 0.0900474 -> ``"9%"`` (two decimals at most)."""
    return f"{round(x * 100, 2):g}%"


def points(x: float) -> str:
    """A gap in percentage points: 0.1 -> ``"10 points"``, 0.01 -> ``"1 point"``."""
    v = round(abs(x) * 100, 2)
    return f"{v:g} point" + ("" if v == 1 else "s")


def threshold_words(x: float) -> str:
    """0.02 -> ``"2-point"``."""
    return f"{round(x * 100, 2):g}-point"


def times(a: float, b: float) -> str:
    """How many times ``b`` is ``a``, as a reader says it: ``"4.4 times"``."""
    return f"{a / b:.2g} times"


def reference_name(m: Measurement) -> str:
    """The set variance is read from: ``"train-dev"`` when its error was given, else ``"dev"``."""
    return "train-dev" if m.train_dev is not None else "dev"


def phrases(m: Measurement) -> list[str]:
    """The verdicts: bias and variance always, data mismatch and dev overfitting only when high."""
    out = [HIGH_PHRASES[gap] if m.high[gap] else LOW_PHRASES[gap] for gap in (Gap.AVOIDABLE_BIAS, Gap.VARIANCE)]
    if m.variance < 0:  # dev (or train-dev) below training error: variance cannot be read, so not "low"
        out[1] = "variance not measurable"
    out += [HIGH_PHRASES[gap] for gap in (Gap.DATA_MISMATCH, Gap.DEV_OVERFITTING) if m.high[gap]]
    return out


def advice(m: Measurement) -> str:
    """One sentence: which gap to work on and why, by comparing them."""
    var_name = "variance"
    focus, gaps, thr = m.focus, m.gaps, m.threshold
    a, v = m.avoidable_bias, m.variance
    av = max(a, 0.0)
    vv = max(v, 0.0)
    pair = f"avoidable bias {points(av)}, {var_name} {points(vv)}" if v >= 0 else \
        f"avoidable bias {points(av)}; {var_name} not measurable (see the notes)"
    if focus is None:
        if max(av, vv) < NEGLIGIBLE_GAP:
            return f"Both gaps are negligible ({pair}): nothing in the basic recipe to fix."
        return (f"Both gaps are under the {threshold_words(thr)} threshold and about equal ({pair}): nothing in "
                "the basic recipe is pressing.")
    name = FOCUS_NAMES[focus]
    if not m.pressing:
        big, small = (av, vv) if focus == Gap.AVOIDABLE_BIAS else (vv, av)
        other = var_name if focus == Gap.AVOIDABLE_BIAS else "avoidable bias"
        this = "avoidable bias" if focus == Gap.AVOIDABLE_BIAS else var_name
        if focus == Gap.AVOIDABLE_BIAS and v < 0:
            ratio = f" ({other} not measurable: see the notes)"
        elif focus != Gap.AVOIDABLE_BIAS and a < 0:
            ratio = " (training error is below the Bayes estimate: see the notes)"
        elif small > 0:
            ratio = f", {times(big, small)} {other} ({points(small)})"
        else:
            ratio = f", and there is no {other}"
        return (f"Both gaps are under the {threshold_words(thr)} threshold, but {this} ({points(big)}) is the "
                f"larger{ratio}: to lower the error further, work on {name}.")
    size = _size(gaps, focus)
    others = [gap for gap in Gap if gap != focus and m.high[gap]]
    labels = {**GAP_NAMES, Gap.VARIANCE: var_name}
    if not others:
        rest = Gap.VARIANCE if focus == Gap.AVOIDABLE_BIAS else Gap.AVOIDABLE_BIAS
        rest_size = _size(gaps, rest)
        if rest_size < 0:
            against = ""
        elif not rest_size:
            against = f"; there is no {labels[rest]}"
        else:
            against = f", against {points(rest_size)} of {labels[rest]}"
        return f"Work on {name} first: {labels[focus]} ({points(size)}) is the high gap{against}."
    other_gap = others[0]
    other_size = _size(gaps, other_gap)
    if size >= CLEARLY_LARGER * other_size - 1e-12:
        return (f"Work on {name} first: {labels[focus]} ({points(size)}) is clearly larger than "
                f"{labels[other_gap]} ({points(other_size)}).")
    return (f"Work on {name} first: {labels[focus]} ({points(size)}) and {labels[other_gap]} "
            f"({points(other_size)}) are both high and comparable, and the basic recipe fixes "
            f"{'bias' if focus == Gap.AVOIDABLE_BIAS else name} first.")


def _size(gaps: dict[Gap, float | None], gap: Gap) -> float:
    size = gaps[gap]
    if size is None:  # pragma: no cover - a focus or a high gap is always measured
        raise ValueError(f"{gap} not measured")
    return size


def summary(m: Measurement, verdicts: list[str], advice_text: str) -> str:
    """The verdict and the numbers behind it, one clause per gap, then the advice."""
    thr = m.threshold
    t, d, b, td, te = m.train, m.dev, m.bayes, m.train_dev, m.test
    avoidable, variance = m.avoidable_bias, m.variance
    mismatch, dev_overfit = m.gaps[Gap.DATA_MISMATCH], m.gaps[Gap.DEV_OVERFITTING]

    def why_relative(gap: Gap, below: float, below_name: str) -> str:
        if m.high[gap] != High.RELATIVE:
            return ""
        return (f", {times(below + _size(m.gaps, gap), below)} {below_name} (under {points(thr)}, but the error "
                "at least triples)")

    bayes_txt = f"Bayes error ({pct(b)}{', assumed' if m.bayes_assumed else ''})"
    if m.high[Gap.AVOIDABLE_BIAS]:
        bias_clause = (f"training error {pct(t)} is {points(avoidable)} above {bayes_txt}"
                       + why_relative(Gap.AVOIDABLE_BIAS, b, "the Bayes error"))
    elif avoidable < 0:
        # Not "low bias" by luck: no model can beat Bayes error, so one of the two numbers is off.
        bias_clause = (f"training error {pct(t)} is below the Bayes error estimate ({pct(b)}): "
                       f"{BELOW_BAYES}")
    elif avoidable == 0:
        bias_clause = f"training error {pct(t)} equals {bayes_txt}"
    else:
        bias_clause = f"training error {pct(t)} is within {points(avoidable)} of {bayes_txt}"
    ref_txt = f"{reference_name(m)} error {pct(m.variance_ref)}"
    if m.high[Gap.VARIANCE]:
        var_clause = (f"{ref_txt} is {points(variance)} above training error"
                      + why_relative(Gap.VARIANCE, t, "training error"))
    elif variance < 0:
        var_clause = f"{ref_txt} is below training error {pct(t)}, so variance cannot be read (see the note)"
    elif variance == 0:
        var_clause = f"{ref_txt} equals training error"
    else:
        var_clause = f"{ref_txt} is within {points(variance)} of training error"
    clauses = [bias_clause, var_clause]
    if mismatch is not None and td is not None:
        if m.high[Gap.DATA_MISMATCH]:
            clauses.append(f"dev error {pct(d)} is {points(mismatch)} above train-dev error"
                           + why_relative(Gap.DATA_MISMATCH, td, "train-dev error"))
        elif mismatch <= 0:
            clauses.append(f"dev error {pct(d)} is not above train-dev error {pct(td)}: no data mismatch")
        else:
            clauses.append(f"dev error {pct(d)} is within {points(mismatch)} of train-dev error {pct(td)}")
    if dev_overfit is not None and te is not None:
        if m.high[Gap.DEV_OVERFITTING]:
            clauses.append(f"test error {pct(te)} is {points(dev_overfit)} above dev error"
                           + why_relative(Gap.DEV_OVERFITTING, d, "dev error"))
        elif dev_overfit <= 0:
            clauses.append(f"test error {pct(te)} is not above dev error {pct(d)}: the dev set is not overfit")
        else:
            clauses.append(f"test error {pct(te)} is within {points(dev_overfit)} of dev error {pct(d)}")

    head = verdicts[0].capitalize()
    rest = verdicts[1:]
    head = f"{head}, {', '.join(rest[:-1])} and {rest[-1]}" if len(rest) > 1 else f"{head} and {rest[0]}"
    return f"{head}: " + "; ".join(clauses) + ". " + advice_text


def assumptions(m: Measurement) -> list[str]:
    """What the verdict takes for granted, the threshold and the comparison rule included."""
    thr = m.threshold
    out = []
    if m.bayes_assumed:
        out.append("Bayes (optimal) error is near 0%: a human, or any good system, makes almost no "
                   "errors on this task (give the Bayes or human-level error if it is not)")
    else:
        out.append(f"Bayes (optimal) error is about {pct(m.bayes)} (human-level error is a good proxy); "
                   "avoidable bias is measured from it")
    if m.train_dev is None:
        out.append("training and dev sets come from the same distribution")
    else:
        out.append("the train-dev set comes from the training distribution (held out from training), "
                   "the dev set from the distribution you care about")
    if m.test is not None:
        out.append("dev and test sets come from the same distribution")
    out.append(f"a gap of {points(thr)} or more counts as high; so does a gap of {points(thr / 2)} or "
               "more that at least triples the error below it (relative judgement; not against an "
               "assumed Bayes error of 0)")
    out.append(f"the larger gap is worked on first when it is at least {CLEARLY_LARGER:g} times the "
               "other; comparable high gaps follow the recipe's order, bias first; gaps under "
               f"{points(NEGLIGIBLE_GAP)} are noise")
    return out


def notes(m: Measurement, dev_examples: int | None = None) -> list[str]:
    """Oddities in the numbers worth a look (dev below train, train below Bayes, a small dev set, ...)."""
    mismatch, dev_overfit = m.gaps[Gap.DATA_MISMATCH], m.gaps[Gap.DEV_OVERFITTING]
    out = []
    if m.avoidable_bias < 0:
        out.append(f"training error is below the Bayes error estimate: {BELOW_BAYES}")
    if m.variance < 0:
        ref_name = reference_name(m)
        out.append(f"{ref_name} error is below training error (by {points(m.variance)}): "
                   + DEV_BELOW_TRAIN.format(ref=ref_name))
    if mismatch is not None and mismatch < 0:
        out.append("dev error is below train-dev error: the dev data seem easier than the training data")
    if dev_overfit is not None and dev_overfit < 0:
        out.append("test error is below dev error: fine, but with small sets the difference may be noise")
    if dev_examples is not None and dev_examples > 0:
        step = 1 / dev_examples
        if step >= NEGLIGIBLE_GAP:
            out.append(f"the dev set has {dev_examples:,} examples, so one example is {points(step)} of dev "
                       "error: gaps of a few examples may be noise")
    return out
