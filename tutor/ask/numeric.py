"""Questions that carry numbers, answered by the core: a diagnosis, a split, a gradient-check verdict.

The rules live in :mod:`core.diagnose` and :mod:`core.gradcheck`; this module only reads the numbers
(:mod:`tutor.ask.numbers`), calls those functions and words the result, saying what it read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dltutor.core.errors import TutorError
from dltutor.tutor.ask.answer import COURSE_QUESTIONS, DIAGNOSIS_SOURCE, GRADCHECK_SOURCE, SPLIT_SOURCE, Answer
from dltutor.tutor.ask.answer import source_of as _source
from dltutor.tutor.ask.numbers import DATA_WORDS, SPLIT_WORDS, read_difference, read_errors, read_size

if TYPE_CHECKING:
    from dltutor.tutor.ask.engine import Engine

_LABEL_NAMES = {"train": "train error", "dev": "dev error", "bayes": "Bayes (human-level) error",
                "train_dev": "train-dev error", "test": "test error"}
_ORDER = ("bayes", "train", "train_dev", "dev", "test")


def _pct(x: float) -> str:
    return f"{round(x * 100, 6):g}%"


def _related(engine: Engine, question: str, fallback: str) -> tuple[list[str], list[str]]:
    """The bank entries closest to the question itself (its words beside the numbers: "will flipped images
    help?"), or to ``fallback`` when it has none."""
    ranking = engine.index.search(question, exact=False)
    if not ranking.order:
        ranking = engine.index.search(fallback, exact=False)
    ids = [engine.entries[k].id for k in ranking.order[:3]]
    return ids, [engine.entry(i).question for i in ids]


def answer_numbers(question: str, engine: Engine) -> Answer | None:
    """The engine's answer when the question gives numbers it can compute with, else None."""
    diff = read_difference(question)
    if diff is not None:
        return _gradcheck(question, diff, engine)
    read = read_errors(question)
    if read is not None and "train" in read["errors"] and "dev" in read["errors"]:
        if _LOSS.search(question) and not _RATE.search(question):
            return _losses(question, read, engine)
        return _diagnosis(question, read, engine)
    if not set(re.findall(r"[a-z][a-z\-]*", question.lower())) & (SPLIT_WORDS | DATA_WORDS):
        return None
    m = read_size(question)
    if m is not None:
        try:
            return _split(question, m, engine)
        except TutorError:
            return _impossible_size(question, f"{m:,}" if m < 10**18 else f"{float(m):.3g}", engine)
    huge = _HUGE.search(question)  # read_size gives None for a size too large to hold: name it all the same
    if huge is not None and (huge.group("digits") or int(huge.group("exp")) > 15):
        digits = huge.group("digits")
        return _impossible_size(question, f"a number with {len(digits)} digits" if digits else huge.group(0),
                                engine)
    return None


_HUGE = re.compile(r"(?<![\w.])(?:(?P<digits>\d{16,})|\d+(?:\.\d+)?\s*(?:e\+?|x\s*10\^)(?P<exp>\d+))(?![\w.])",
                   re.I)


_LOSS = re.compile(r"\b(?:loss|losses|cost|costs|cross[- ]?entropy|log[- ]?loss|mse|j_train|j_dev|j)\b", re.I)
_RATE = re.compile(r"\b(?:error|errors|err|accuracy|accuracies|acc|accurate|misclassifi\w*|mistakes)\b|%|percent",
                   re.I)


def _losses(question: str, read: dict, engine: Engine) -> Answer:
    """Losses are not error rates: say so instead of diagnosing them as percentages."""

    raw = read["raw"]
    train, dev = raw.get("train", "?"), raw.get("dev", "?")
    text = (f"I read a training loss of {train} and a dev loss of {dev}. Those are values of the cost J, not error "
            "rates, so I won't read them as percentages of misclassified examples: a cross-entropy loss has no "
            "fixed scale (it depends on the loss function and on how confident the predictions are), and Bayes "
            "error is an error rate, not a loss.\n\n")
    try:
        t, d = float(train), float(dev)
    except ValueError:
        t = d = float("nan")
    if t == t and d == d and d > t:
        text += ("What the two numbers do say: the dev loss is well above the training loss, so the model does "
                 "better on examples it was trained on, the usual sign of variance (overfitting). " if d > 1.5 * t
                 else "The dev loss is close to the training loss, so there is little sign of variance. ")
    text += ("To diagnose bias and variance as the course does, compare the training and dev error rates (the share "
             "of examples misclassified) with human-level error: avoidable bias = train error − Bayes error, "
             "variance = dev error − train error.")
    related, questions = _related(engine, question, "how to read bias and variance from training and dev error")
    details = {"numbers_read": {"train_loss": raw.get("train"), "dev_loss": raw.get("dev")},
               "reason": "losses are not error rates"}
    return Answer(question, text, "diagnosis", _source(*DIAGNOSIS_SOURCE), 0.8, related,
                  details=details, related_questions=questions)


def _diagnosis(question: str, read: dict, engine: Engine) -> Answer:
    from dltutor.core.diagnose import diagnose
    from dltutor.tutor.text.diagnose import render_diagnosis

    errors = read["errors"]
    d = diagnose(errors["train"], errors["dev"], bayes_error=errors.get("bayes"),
                 train_dev_error=errors.get("train_dev"), test_error=errors.get("test"))
    said = ", ".join(f"{_LABEL_NAMES[k]} {_pct(errors[k])}" for k in _ORDER if k in errors)
    if read["accuracy"]:
        said += " (errors from the accuracies you gave: error = 100% − accuracy)"
    text = f"I read {said}.\n\n{render_diagnosis(d)}"
    related, questions = _related(engine, question, "how to read bias and variance from training and dev error")
    details = {"numbers_read": {k: errors[k] for k in _ORDER if k in errors}, "as_written": read["raw"],
               "accuracy": read["accuracy"], "diagnosis": d.to_dict()}
    return Answer(question, text, "diagnosis", _source(*DIAGNOSIS_SOURCE), 0.95, related,
                  details=details, related_questions=questions)


def _split(question: str, m: int, engine: Engine) -> Answer:
    from dltutor.core.split import render_split, split_advice

    advice = split_advice(m)
    table = render_split(advice)
    details = {"numbers_read": {"m": m}, "split": advice.to_dict()}
    course = next((q for q in COURSE_QUESTIONS if read_size(q.question) == m), None)
    if course is not None:
        # the course question on exactly this size has a model answer: give it first
        e = engine.entry(course.entry)
        text = f"{e.answer}\n\nThe engine's split for {m:,} examples:\n{table}"
        related = engine.related(e, None)
        return Answer(question, text, "course", _source(e.topic, e.section), 0.95, related, e.id, course.id,
                      details, [engine.entry(r).question for r in related])
    related, questions = _related(engine, question, "split ratios small data big data dev test size")
    text = f"I read {m:,} examples.\n\n{table}"
    return Answer(question, text, "split", _source(*SPLIT_SOURCE), 0.9, related, details=details,
                  related_questions=questions)


def _impossible_size(question: str, shown: str, engine: Engine) -> Answer:
    """A size no data set has (beyond 1e15): say so, then give the general rule from the bank."""

    e = engine.entry("dev-test-set-size")
    text = (f"I read {shown} as the number of examples, which is beyond any real data set (allowed: 1 to 1e15 "
            f"examples). The rule in general:\n\n{e.answer}")
    related = engine.related(e, None)
    return Answer(question, text, "bank", _source(e.topic, e.section), 0.6, related, e.id,
                  details={"numbers_read": {"m": shown}}, related_questions=[engine.entry(r).question for r in related])


def _gradcheck(question: str, diff: float, engine: Engine) -> Answer:
    from dltutor.core.bands import describe, verdict_band

    band = verdict_band(diff)
    verdicts = {"right": "the gradient is right", "look": "look carefully", "bug": "probably a bug"}
    text = (f"I read a gradient-check difference of {diff:.3g} (the relative difference "
            f"‖gradapprox − grad‖₂ / (‖gradapprox‖₂ + ‖grad‖₂), with epsilon 1e-7).\n\n"
            f"Verdict: {verdicts.get(band.name, band.name)}: {describe(diff)}.\n"
            f"{band.advice[:1].upper() + band.advice[1:]}.")
    related, questions = _related(engine, question, "gradient check fails look at the components")
    details = {"numbers_read": {"difference": diff}, "band": band.to_dict()}
    return Answer(question, text, "gradcheck", _source(*GRADCHECK_SOURCE), 0.9, related, details=details,
                  related_questions=questions)
