"""The words of the unit (``vocab.toml``): tokenizing with synonyms, and spotting topics of other courses.

Texts of the bank and questions go through the same :func:`Vocabulary.tokens`: lower case, Greek letters
spelled out, Snowball stems, stop and filler words dropped, and one extra token per synonym group a text
names (``syn:l2`` for "weight decay", "L2", "Frobenius"...), so either phrasing finds the other.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

_GREEK = str.maketrans({"λ": " lambda ", "μ": " mu ", "σ": " sigma ", "ε": " epsilon ", "θ": " theta ",
                        "α": " alpha ", "’": "'", "−": "-", "–": "-", "—": " - ", "²": "^2 "})
_CONTRACTION = re.compile(r"n't\b|'(?:s|re|ve|ll|d|m)\b|\bnormally\b")
_EXPANDED = {"n't": " not", "normally": "usually"}
#: One-letter words that are names in this unit (the bias b, the weights W, the cost J); others are noise.
_LETTERS = {"b", "w", "j"}
_WORD = re.compile(r"\d+(?:\.\d+)?(?:e-?\d+)?|[a-z0-9]+(?:_[a-z0-9]+)*")
#: Words for matching phrases: "two-sided" and "two sided", "np.zeros" and "np zeros" are the same phrase.
_PHRASE_WORD = re.compile(r"[a-z0-9_^]+")
_LONGEST_PHRASE = 6


#: British spellings read as American ones ("regularisation", "normalise", "initialised").
_BRITISH = re.compile(r"(?<=[a-z]{4})is(ation|ations|e|ed|es|ing|er|ers)\b")


def clean(text: str) -> str:
    """Lower case with Greek letters spelled out and contractions undone ("can't" -> "ca not", "it's" ->
    "it"). Snowball stems "normally" like "normalize", so it becomes "usually" ("the input layer normally
    gets..." is not about normalizing)."""
    low = _CONTRACTION.sub(lambda m: _EXPANDED.get(m.group(0), ""), text.lower().translate(_GREEK))
    return _BRITISH.sub(r"iz\1", low)


def _whole_key(text: str) -> str:
    """A question as its words only, for the whole-question names of outside topics."""
    text = re.sub(r"\bwhat'?s\b", "what is", text.lower().replace("’", "'"))
    return " ".join(re.findall(r"[a-z0-9_-]+", clean(text)))


def _whole_topic(key: str) -> str:
    """The topic a whole-question name asks about: "what is an epoch" -> "epoch", "how does backprop work" ->
    "backprop"."""
    topic = re.sub(r"^(?:what is|what are|how does|how do|define|explain)\s+(?:an?\s+|the\s+)?", "", key)
    return re.sub(r"\s+work$", "", topic) or key


def _phrase_key(text: str) -> str:
    return " ".join(_PHRASE_WORD.findall(clean(text)))


def _pattern(phrases: list[str]) -> re.Pattern:
    alternatives = sorted({re.escape(clean(p).strip()) for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9_])(?:" + "|".join(alternatives) + r")(?![a-z0-9_])")


class Vocabulary:
    """Synonyms, aliases, filler and the out-of-unit topics from ``vocab.toml``, with a stemming tokenizer."""

    def __init__(self, data: dict[str, Any]) -> None:
        import Stemmer

        self.stemmer = Stemmer.Stemmer("english")
        self.stop = set(data["stopwords"].split())
        self.filler = set(data["filler"].split())
        self.filler_stems = set(self.stemmer.stemWords(sorted(self.filler)))
        self._stems: dict[str, str] = {}  # word -> stem, filled as texts are tokenized
        # A table from every synonym and alias phrase (as its words) to the tokens it adds; a text's runs of up
        # to six words are looked up in it (much faster than one regex alternation of every phrase).
        self.phrase_tokens: dict[str, set[str]] = {}
        for name, phrases in data["synonyms"].items():
            for p in phrases:
                self.phrase_tokens.setdefault(_phrase_key(p), set()).add(f"syn:{name}")
        group_of = {_phrase_key(p): name for name, phrases in data["synonyms"].items() for p in phrases}
        for canonical, words in data["aliases"].items():
            key = _phrase_key(canonical)
            extra = set(self.words(key)) | ({f"syn:{group_of[key]}"} if key in group_of else set())
            for w in words:
                self.phrase_tokens.setdefault(_phrase_key(w), set()).update(extra)
        self.phrase_tokens.pop("", None)
        self.longest = min(_LONGEST_PHRASE, max(len(k.split()) for k in self.phrase_tokens))
        self.phrase_starts = {k.split()[0] for k in self.phrase_tokens}
        self.question_filler = re.compile(
            r"(?<![a-z0-9_])(?:" + "|".join(sorted(data.get("question_filler", []), key=len, reverse=True))
            + r")(?![a-z0-9_])") if data.get("question_filler") else None
        # A name starting with "^" is a whole question ("^what is backpropagation"): it sends only that question
        # out of the unit, and is never cut out of a longer one ("what is backprop with dropout" stays whole).
        self.outside = [(block["where"], _pattern([n for n in block["names"] if not n.startswith("^")]))
                        for block in data["outside"]]
        self.outside_whole = {_whole_key(n[1:]): block["where"] for block in data["outside"]
                              for n in block["names"] if n.startswith("^")}
        # anchors match as word beginnings: "regulari" is regularize, regularized, regularization...
        self.anchors = re.compile(_pattern(data["unit"]["anchors"]).pattern.replace("(?![a-z0-9_])", ""))

    def words(self, text: str) -> list[str]:
        """Stemmed content words of a cleaned text (no stop or filler words)."""
        out = []
        stems = self._stems
        for w in _WORD.findall(text):
            if w in self.stop or w in self.filler or (len(w) == 1 and w not in _LETTERS and not w.isdigit()):
                continue
            s = stems.get(w)
            if s is None:
                s = stems[w] = self.stemmer.stemWord(w)
            if s not in self.filler_stems:
                out.append(s)
        return out

    def tokens(self, text: str, names: bool = False) -> list[str]:
        """Index tokens: stemmed content words plus one ``syn:<group>`` token per synonym group named; with
        ``names`` (a question), a code name counts as its words too."""
        low = clean(text)
        out = self.words(low)
        found: set[str] = set()
        words = _PHRASE_WORD.findall(low)
        if names and "_" in low:
            # a code name counts as its words too ("compute_cost" is about the cost, "backward_propagation" is
            # backprop), unless it is itself a term of the unit ("keep_prob")
            code = [w for w in words if "_" in w and w not in self.phrase_tokens]
            if code:
                parts = " ".join(n.replace("_", " ") for n in code)
                out += [t for t in self.words(parts) if t not in out]
                words = words + ["."] + _PHRASE_WORD.findall(parts)
        table = self.phrase_tokens
        for i, first in enumerate(words):
            if first not in self.phrase_starts:
                continue
            for n in range(1, min(self.longest, len(words) - i) + 1):
                hit = table.get(" ".join(words[i:i + n]))
                if hit:
                    found |= hit
        return out + sorted(found)

    def strip_filler(self, text: str) -> str:
        """A question without its conversational filler ("hey, quick question:", "in the course", "Andrew
        says"), which must not steer the ranking; the question itself when nothing else is left."""
        if self.question_filler is None:
            return text
        low = text.lower().replace("’", "'")
        stripped = self.question_filler.sub(" ", low)
        stripped = re.sub(r"^[\s,:;.!-]+", "", re.sub(r"\s+", " ", stripped)).strip()
        return stripped if re.search(r"[a-z0-9]", stripped) else text

    def _whole_outside(self, text: str) -> tuple[str, str] | None:
        """(where, topic) when the whole question is one of the outside names marked "^", else None."""
        key = _whole_key(text)
        where = self.outside_whole.get(key)
        return None if where is None else (where, _whole_topic(key))

    def outside_mentions(self, text: str) -> tuple[str | None, str]:
        """(where, names) of the first outside topic a question names, whether or not it also names the unit."""
        whole = self._whole_outside(text)
        if whole is not None:
            return whole
        low = clean(text)
        for place, pattern in self.outside:
            found = pattern.findall(low)
            if found:
                return place, ", ".join(dict.fromkeys(found))
        return None, ""

    def without_outside(self, text: str) -> str:
        """The text with the names of outside topics taken out."""
        low = clean(text)
        for _, pattern in self.outside:
            low = pattern.sub(" ", low)
        return low

    def outside_topic(self, text: str) -> tuple[str | None, str]:
        """Where a question's topic is taught when it is not in this unit.

        Returns:
            (where, the words that name it), or (None, "") when the question names no outside topic or also
            names a topic of the unit once the outside names are taken out ("does dropout work with Adam?":
            dropout is the unit's, so the question is too; "bias correction in Adam" is not about bias).
        """
        whole = self._whole_outside(text)
        if whole is not None:
            return whole
        low = clean(text)
        where, names = None, []
        for place, pattern in self.outside:
            found = pattern.findall(low)
            if found:
                where = where or place
                names += found
                low = pattern.sub(" ", low)
        if where is None or self.anchors.search(low):
            return None, ""
        return where, ", ".join(dict.fromkeys(names))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The installed vocabulary (read once)."""
    text = resources.files("dltutor.tutor.ask").joinpath("vocab.toml").read_text(encoding="utf-8")
    return Vocabulary(tomllib.loads(text))
