"""A bank answer's leading "Yes."/"No." is shown only when the learner asked the question it answers.

Answers to yes/no questions open with the verdict ("No, they are the same initialization"). The verdict is
right for the entry's canonical question, and wrong for a learner who asked the same thing the other way
round ("is Glorot the same as Xavier?" against "Are Xavier and Glorot different?") or did not ask a yes/no
question at all ("Xavier vs Glorot"). The opener is kept only when the learner's question is a yes/no
question of the same form as the canonical one: the same negation and the same side of each opposite pair
(same/different, on/off, with/without...) and mostly the same words; otherwise it is dropped and the
explanation that follows stands on its own.
"""

from __future__ import annotations

import re

_YES_NO = re.compile(
    r"^\s*(?:is|are|am|was|were|does|do|did|can|could|should|shall|will|would|may|might|must|has|have|had"
    r"|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|can'?t|cannot|couldn'?t|shouldn'?t|won'?t|wouldn'?t|hasn'?t"
    r"|haven'?t)\b")
_NEGATION = re.compile(r"n'?t\b|\b(?:not|never|no|cannot|without|nor)\b")
#: Opposite pairs: naming one side or the other changes what "yes" means.
_OPPOSITES = (
    ("same|identical|equal|equivalent|alike", "different|differ|differs|difference|distinct"),
    ("on|enabled|active", "off|disabled|inactive"),
    ("more|increase|increases|increasing|higher|larger|bigger|raise|grow|grows", "less|fewer|decrease|decreases|"
     "decreasing|lower|smaller|reduce|reduces|shrink|shrinks"),
    ("always", "never|sometimes"),
    ("help|helps|improve|improves|good|better", "hurt|hurts|harm|harms|worse|bad"),
    ("train|training", "test|testing|inference"),
    ("before", "after"),
    ("too|also", "only|instead"),
)
_OPPOSITE_PATTERNS = tuple((re.compile(rf"\b(?:{a})\b"), re.compile(rf"\b(?:{b})\b")) for a, b in _OPPOSITES)
_OPENER = re.compile(r"^\s*(?:yes|no)\b\s*[.,:;!—–-]*\s*", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9_]+")
#: Share of the learner's content words the canonical question must have for "the same question".
MIN_OVERLAP = 0.5


def _form(text: str) -> tuple:
    low = text.lower().replace("’", "'")
    sides = tuple((bool(a.search(low)), bool(b.search(low))) for a, b in _OPPOSITE_PATTERNS)
    return bool(_YES_NO.search(low)), len(_NEGATION.findall(low)) % 2, sides


def same_form(asked: str, canonical: str, tokens=None) -> bool:
    """Whether ``asked`` is a yes/no question the canonical question's verdict answers."""
    yes_no, negated, sides = _form(asked)
    c_yes_no, c_negated, c_sides = _form(canonical)
    if not (yes_no and c_yes_no) or negated != c_negated or sides != c_sides:
        return False
    if tokens is None:
        return True
    mine, theirs = set(tokens(asked)), set(tokens(canonical))
    return bool(mine) and len(mine & theirs) / len(mine) >= MIN_OVERLAP


def shown_answer(answer: str, asked: str | None, canonical: str, tokens=None) -> str:
    """The answer as shown for ``asked``: without a leading "Yes."/"No." the question does not call for."""
    m = _OPENER.match(answer)
    if m is None or asked is None or same_form(asked, canonical, tokens):
        return answer
    rest = answer[m.end():]
    return rest[:1].upper() + rest[1:] if rest else answer
