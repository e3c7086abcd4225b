"""Reading error rates as people type them: ``1%``, ``11``, ``0.01``, ``ten percent``.

Errors are fractions in ``[0, 1]`` once read; :func:`parse_error` turns what a user types into one. The rule,
also shown in ``dltutor diagnose --help``:

* a number with ``%`` (or the word ``percent``) is a percentage: ``"1%"`` -> 0.01, ``"0.5 percent"`` -> 0.005;
* a bare number above 1 is a percentage: ``"11"`` -> 0.11;
* a bare number at most 1 is a fraction: ``"0.01"`` -> 0.01, and so ``"1"`` alone is 100% (write ``1%``);
* but read together (:func:`parse_errors`, as ``dltutor diagnose``, its screen and ``dltutor ask`` do), when
  any error of the set is a percentage, every bare number is: ``1`` and ``11`` are 1% and 11%.
"""

from __future__ import annotations

import math
import re

from dltutor.core.diagnose.wording import pct
from dltutor.core.errors import TutorError

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
#: What an error-rate field takes, for messages.
ALLOWED_ERROR = (
    "a percentage such as 1% or 11 (bare numbers above 1 are percents), or a fraction such as 0.01"
)


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
        raise TutorError(field, f"expected an error rate, got {value!r}", ALLOWED_ERROR)
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
            raise TutorError(field, f"expected an error rate, got {shown}", ALLOWED_ERROR)
        try:
            number = float(text)
        except ValueError:
            words = _words_to_number(text)
            if words is None:
                raise TutorError(field, f"not a number: {shown}", ALLOWED_ERROR) from None
            number = words
    else:
        raise TutorError(field, f"expected an error rate, got {type(value).__name__}", ALLOWED_ERROR)
    if not math.isfinite(number):
        raise TutorError(field, f"not a finite number: {shown}", ALLOWED_ERROR)
    if number < 0:
        raise TutorError(field, f"an error rate cannot be negative, got {shown}", ALLOWED_ERROR)
    if percent or number > 1 or as_percent:
        if number > 100:
            raise TutorError(field, f"an error rate cannot exceed 100%, got {shown}", ALLOWED_ERROR)
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
                         f"for the fraction {text}, write {pct(number)}")
        elif not as_percent and number == 1:
            notes.append(f"{name} {text} was read as the fraction 1 (100%); write 1% for one percent")
    return notes
