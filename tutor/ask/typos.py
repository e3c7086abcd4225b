"""Typo tolerance: an unknown word of a question becomes the closest word the unit knows.

"dropuot", "stoping", "gradiants", "varience" are one edit (a swap of two neighbours counts as one) from a
word of the bank; a learner means that word. Words of six letters or more that the lexicon does not know are
replaced by the closest known word within one edit (two for words of nine letters or more); ties go to the
word the bank uses most. Words shorter than seven letters are corrected only for a missing, extra or swapped
letter (a replaced letter there often makes another real word). Each unknown word is looked up once and cached.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

#: Shorter words are left alone (too many real words are one edit from each other).
MIN_LENGTH = 6
#: Shorter words are corrected only for a missing, extra or swapped letter.
SUBSTITUTE_LENGTH = 7
_WORD = re.compile(r"[a-z]+")


def distance(a: str, b: str, limit: int, substitute: int = 1) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), or ``limit + 1``
    as soon as it must exceed ``limit``; ``substitute`` is the cost of replacing one letter."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = substitute if a[i - 1] != b[j - 1] else 0
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class Corrector:
    """The lexicon of known words and the correction of one text.

    Args:
        texts: the texts whose words are known (the bank, the vocabulary's phrases, the outside topics).
        extra: more known words (stop and filler words).
    """

    def __init__(self, texts: Iterable[str], extra: Iterable[str] = ()) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_WORD.findall(text.lower()))
        counts.update(w for w in extra if w)
        self.counts = counts
        self.by_length: dict[int, list[str]] = {}
        for w in counts:
            if len(w) >= MIN_LENGTH - 1:
                self.by_length.setdefault(len(w), []).append(w)
        self._cache: dict[str, str | None] = {}

    def closest(self, word: str) -> str | None:
        """The known word a misspelled ``word`` stands for, or None (known, short, or nothing close)."""
        if len(word) < MIN_LENGTH or word in self.counts:
            return None
        if word in self._cache:
            return self._cache[word]
        limit = 1 if len(word) < 9 else 2
        # in short words one replaced letter often makes another real word ("bread", "break"): there only a
        # missing, extra or swapped letter counts
        substitute = 1 if len(word) >= SUBSTITUTE_LENGTH else 2
        best: tuple[int, int, str] | None = None
        for n in range(len(word) - limit, len(word) + limit + 1):
            for cand in self.by_length.get(n, ()):
                d = distance(word, cand, limit, substitute)
                if d <= limit and (best is None or (d, -self.counts[cand]) < best[:2]):
                    best = (d, -self.counts[cand], cand)
        found = best[2] if best else None
        self._cache[word] = found
        return found

    def correct(self, text: str) -> str:
        """``text`` in lower case with each misspelled word replaced by the known word it stands for."""
        def fix(m: re.Match) -> str:
            return self.closest(m.group(0)) or m.group(0)
        return _WORD.sub(fix, text.lower())
