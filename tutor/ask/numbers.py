"""Numbers in questions: error rates or accuracies by set, a dataset size, a gradient-check difference.

Pure text reading (no NumPy): the answering calls :func:`core.diagnose.diagnose`,
:func:`core.split.split_advice` and :func:`core.gradcheck.verdict_band` with what these readers find, so
the rules live in one place (the core) and the Ask screen, ``dltutor ask`` and the lab never disagree.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_NUMWORD = "|".join(_UNITS + list(_TENS) + ["hundred"])
_WORD_NUMBER = re.compile(
    rf"\b((?:{_NUMWORD})(?:[\s-]+(?:{_NUMWORD}|and(?=[\s-]+(?:{_NUMWORD}))))*)"
    rf"(?=\s*(?:%|percent\b|per\s*cent\b|million\b|thousand\b|billion\b|k\b))"
)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mln": 1e6, "million": 1e6, "b": 1e9,
           "billion": 1e9}
_TOKEN = re.compile(
    r"(?P<num>(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?)"
    r"(?:\s*(?P<suf>%|percent\b|per\s*cent\b|pct\b|k\b|mm\b|mln\b|m\b|million\b|thousand\b|billion\b|b\b))?"
    r"|(?P<word>[a-z][a-z0-9_'\-]*)"
    r"|(?P<sep>[,;:!?()/]|\.(?=\s|$)|—|–)"
)
_CLAUSE_WORDS = {"and", "but", "while", "whereas", "vs", "versus", "with", "although", "though", "yet"}
_LABELS = {
    "train": {"train", "training", "trainset", "train-set", "training-set", "tr"},
    "dev": {"dev", "development", "validation", "val", "valid", "holdout", "hold-out", "cv",
            "cross-validation", "devset", "dev-set", "validation-set"},
    "test": {"test", "testing", "test-set", "testset"},
    "train_dev": {"train-dev", "training-dev", "traindev", "train-dev-set"},
    "bayes": {"bayes", "human", "human-level", "humans", "optimal", "bayes-optimal", "expert", "experts"},
}
_LABEL_OF = {w: label for label, words in _LABELS.items() for w in words}
DATA_WORDS = {"examples", "example", "samples", "sample", "images", "pictures", "photos", "data",
              "datapoints", "points", "records", "rows", "instances", "observations", "labelled", "labeled",
              "items", "documents", "utterances", "clips", "recordings", "cases", "entries", "datasets",
              "dataset"}
SPLIT_WORDS = {"split", "splitting", "divide", "dividing", "partition", "allocate", "ratio", "ratios",
               "proportion", "proportions", "percentages", "dev", "test", "validation", "holdout", "hold-out"}
_GRAD_WORDS = {"gradient", "gradients", "grad", "gradcheck", "grad-check", "gradient-check", "backprop",
               "backpropagation", "derivative", "derivatives", "gradapprox"}
_DIFF_WORDS = {"difference", "diff", "relative", "discrepancy", "gives", "got", "get", "reports", "returns",
               "result", "shows", "says"}
_CHECK_WORDS = {"check", "checking", "checker", "gradcheck", "grad-check", "gradient-check", "difference", "diff",
                "discrepancy", "relative", "gradapprox", "approx", "numerical", "numeric"}
_EPS_WORDS = {"epsilon", "eps"}
_ACC_WORDS = {"accuracy", "accurate", "accuracies", "correct", "acc", "right"}
_ERR_WORDS = {"error", "errors", "err", "misclassification", "mistakes", "wrong", "loss"}


def _words_to_int(text: str) -> int | None:
    total, seen = 0, False
    for w in re.split(r"[\s-]+", text.strip()):
        if not w or w == "and":
            continue
        if w in _UNITS:
            total += _UNITS.index(w)
        elif w in _TENS:
            total += _TENS[w]
        elif w == "hundred":
            total = (total or 1) * 100
        else:
            return None
        seen = True
    return total if seen else None


def normalize_numbers(text: str) -> str:
    """Rewrite numbers the way the readers expect.

    ``3 x 10^-4`` -> ``3e-4``, ``one percent`` -> ``1 percent``, ``a million`` -> ``1 million``,
    ``half a percent`` -> ``0.5 percent``, ``training-dev`` -> ``train-dev``.
    """
    t = text.lower().replace("×", "x").replace("−", "-").replace("’", "'")
    t = re.sub(r"(\d+(?:\.\d+)?)\s*(?:x|\*)\s*10\s*(?:\^|\*\*)\s*\(?([-+]?\d+)\)?", r"\1e\2", t)
    t = re.sub(r"(?<![\w.])10\s*(?:\^|\*\*)\s*\(?([-+]?\d+)\)?", r"1e\1", t)
    t = re.sub(r"(\d)\s*e\s*([-+]\d+)", r"\1e\2", t)
    t = re.sub(r"\bhalf\s+(?:a\s+|of\s+a\s+|of\s+one\s+)?(?=percent\b|per\s*cent\b|%)", "0.5 ", t)
    t = re.sub(r"\ban?\s+(?=(?:million|thousand|billion)\b)", "1 ", t)
    t = _WORD_NUMBER.sub(lambda m: str(_words_to_int(m.group(1))) if _words_to_int(m.group(1)) is not None
                         else m.group(1), t)
    t = re.sub(r"\btrain(?:ing)?\s*-\s*dev\b", "train-dev", t)
    return t


@dataclass
class _Tok:
    kind: str  # num | word | sep
    text: str
    value: float = 0.0
    suffix: str = ""
    grouped: bool = False


def _tokens(text: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN.finditer(text):
        if m.group("num"):
            raw = m.group("num")
            value = float(raw.replace(",", ""))  # a 310-digit number is inf, never an error
            suf = re.sub(r"\s+", "", m.group("suf") or "")
            toks.append(_Tok("num", raw, value, suf, "," in raw))
        elif m.group("word"):
            toks.append(_Tok("word", m.group("word")))
        else:
            toks.append(_Tok("sep", m.group("sep")))
    return toks


def _is_percent(tok: _Tok) -> bool:
    return tok.suffix in ("%", "pct") or tok.suffix.startswith("per")


def _is_whole(value: float) -> bool:
    return math.isfinite(value) and value == int(value)


def _is_size(tok: _Tok, toks: list[_Tok], i: int) -> bool:
    if tok.suffix == "m" and i > 0 and toks[i - 1].text in ("/", "by", "over"):
        return False  # "λ/2m", "divide by 2m": the formula's m (the number of examples), not 2 million
    if tok.suffix in _SCALES or tok.grouped:
        return True
    if "e" in tok.text and tok.value >= 100:
        return True
    if _is_percent(tok) or not _is_whole(tok.value) or tok.value < 10:
        return False
    following = [t.text for t in toks[i + 1: i + 4] if t.kind == "word"]
    preceding = [t.text for t in toks[max(0, i - 2): i] if t.kind == "word"]
    return bool(set(following) & DATA_WORDS) or "m" in preceding


def read_size(text: str) -> int | None:
    """The dataset size a question mentions (``"2 million examples"``, ``"2M"``, ``"50k"``, ``"1e6"``).

    Returns:
        The number of examples, or None when the question gives none (or only an impossible one).
    """
    toks = _tokens(normalize_numbers(text))
    for i, tok in enumerate(toks):
        if tok.kind == "num" and _is_size(tok, toks, i):
            value = tok.value * _SCALES.get(tok.suffix, 1.0)
            if math.isfinite(value) and value >= 1 and value == round(value):
                return int(round(value))
    return None


def _clauses(toks: list[_Tok]) -> list[int]:
    clause, out = 0, []
    for t in toks:
        if t.kind == "sep" or (t.kind == "word" and t.text in _CLAUSE_WORDS):
            clause += 1
        out.append(clause)
    return out


def _pair(labels: list[tuple[int, str]], nums: list[int], clause_of: list[int]) -> dict[int, int]:
    """Tie numbers to set labels: within a clause first, then in order, then to the nearest free label."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for c in sorted(set(clause_of)):
        ls = [k for k, (i, _) in enumerate(labels) if clause_of[i] == c]
        ns = [i for i in nums if clause_of[i] == c]
        if ls and len(ls) == len(ns):
            for k, i in zip(ls, ns):
                pairs[i] = k
                used.add(k)
    rest_l = [k for k in range(len(labels)) if k not in used]
    rest_n = [i for i in nums if i not in pairs]
    if rest_n and len(rest_l) == len(rest_n):
        pairs.update(zip(rest_n, rest_l))
    elif rest_n and rest_l:
        for i in rest_n:
            free = [k for k in rest_l if k not in pairs.values()]
            if not free:
                break
            # The nearest free label, the one before the number on a tie ("train 1% 2% dev").
            pairs[i] = min(free, key=lambda k: (abs(labels[k][0] - i), labels[k][0] > i))
    return pairs


#: Ways of naming the Bayes (best achievable) error without the words "Bayes" or "human".
_BAYES_PHRASES = re.compile(
    r"\b(?:the )?(?:best|lowest|minimum) (?:error )?(?:that )?(?:anyone|anybody|any model|any classifier|a human|"
    r"people|an expert|one|we|you|a person|the experts) (?:can|could) (?:ever |possibly )?(?:do|get|achieve|reach|"
    r"manage)\b|\b(?:the )?(?:best|lowest|minimum) (?:possible|achievable|attainable) (?:error(?: rate)?)?|"
    r"\birreducible error\b|\bhuman[- ]level(?: performance)?\b|\b(?:a |the )?(?:doctor|doctors|radiologist|"
    r"radiologists|annotator|annotators|labeler|labelers|labeller|labellers|people|person)\b(?= (?:get|gets|make|"
    r"makes|achieve|achieves|have|has|are at|is at|reach|reaches)\b)", re.IGNORECASE)


def read_errors(text: str) -> dict[str, Any] | None:
    """The error rates a question gives, by set: ``{"errors": {"train": 0.01, "dev": 0.11}, ...}``, or None.

    Understands "train error 1%, dev 11%", "0.5% training and 7% dev", "training error is 0.01 and dev error
    0.11", "one percent train, eleven percent dev", the Bayes/human level, train-dev and test errors, and
    accuracies: "99% train accuracy, 80% dev", "98% train acc and 75% val acc", and numbers with no word for
    what they measure but all of them 50% or more ("99% on training, 80% on dev"), which no sensible
    classifier's *error* would be: those are read as accuracies, so 99%/80% is 1%/20% error. Bare numbers are
    percents when any number in the question is above 1 or carries a %, fractions otherwise.

    Returns:
        ``{"errors": {set: fraction}, "raw": {set: text as read}, "accuracy": bool}``; None when no number
        could be tied to a set.
    """
    toks = _tokens(normalize_numbers(_BAYES_PHRASES.sub(" bayes ", text)))
    words = {t.text for t in toks if t.kind == "word"}
    labels = [(i, _LABEL_OF[t.text]) for i, t in enumerate(toks) if t.kind == "word" and t.text in _LABEL_OF]
    nums = []
    for i, t in enumerate(toks):
        if t.kind != "num" or _is_size(t, toks, i) or "e-" in t.text or not math.isfinite(t.value):
            continue
        if t.value > 100 and not _is_percent(t):
            continue
        if i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text in _EPS_WORDS | {"lambda", "keep_prob"}:
            continue
        nums.append(i)
    if not labels or not nums:
        return None
    pairs = _pair(labels, nums, _clauses(toks))
    if not pairs:
        return None
    any_percent = any(_is_percent(toks[i]) or toks[i].value > 1 for i in pairs)
    values: dict[str, float] = {}
    raw: dict[str, str] = {}
    for i, k in sorted(pairs.items()):
        label = labels[k][1]
        if label in values:
            continue
        t = toks[i]
        value = t.value / 100 if (_is_percent(t) or any_percent) else t.value
        if not 0 <= value <= 1:
            return None
        values[label] = value
        raw[label] = t.text + ("%" if _is_percent(t) else "")
    said_accuracy = bool(words & _ACC_WORDS) and not words & _ERR_WORDS
    unsaid = not words & (_ACC_WORDS | _ERR_WORDS)
    # Human-level performance is often given as an error even beside accuracies ("humans get 1%").
    measured = [v for label, v in values.items() if label != "bayes"]
    accuracy = said_accuracy or (unsaid and bool(measured) and min(measured) >= 0.5)
    if accuracy:
        errors = {label: (v if label == "bayes" and v < 0.5 else 1 - v) for label, v in values.items()}
    else:
        errors = dict(values)
    return {"errors": {k: round(v, 12) for k, v in errors.items()}, "raw": raw, "accuracy": accuracy}


def read_difference(text: str) -> float | None:
    """The gradient-check difference a question reports ("difference 3e-4", "grad check gives 2 x 10^-7").

    Returns:
        The difference, or None when the question is not about a gradient check result.
    """
    toks = _tokens(normalize_numbers(text))
    words = {t.text for t in toks if t.kind == "word"}
    if not words & _GRAD_WORDS or not words & _CHECK_WORDS:
        return None  # a gradient's size ("5.8e-16 gradient at layer 1") is not a check's result
    if words & _EPS_WORDS and not words & {"difference", "diff", "discrepancy"}:
        return None  # a question about epsilon itself, not a result
    candidates = []
    for i, t in enumerate(toks):
        if t.kind != "num" or _is_percent(t) or t.suffix or not math.isfinite(t.value):
            continue
        before = [x.text for x in toks[max(0, i - 2): i] if x.kind == "word"]
        if set(before) & _EPS_WORDS:
            continue
        near_diff = any(x.kind == "word" and x.text in _DIFF_WORDS for x in toks[max(0, i - 4): i])
        if "e-" in t.text or 0 < t.value < 0.1:
            candidates.append((not near_diff, i, t.value))
        elif near_diff and 0.1 <= t.value <= 1 and not _is_whole(t.value):
            # the difference is at most 1 by its definition; "difference is 0.28" is a (badly failed) check
            candidates.append((False, i, t.value))
    if not candidates:
        return None
    return sorted(candidates)[0][2]
