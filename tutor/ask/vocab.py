"""The words of the unit (``vocab.toml``): tokenizing with synonyms, and spotting topics of other courses.

Texts of the bank and questions go through the same :func:`Vocabulary.tokens`: lower case, Greek letters
spelled out, Snowball stems, stop and filler words dropped, and one extra token per synonym group a text
names (``syn:l2`` for "weight decay", "L2", "Frobenius"...), so either phrasing finds the other.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_GREEK = {"λ": " lambda ", "μ": " mu ", "σ": " sigma ", "ε": " epsilon ", "θ": " theta ", "α": " alpha ",
          "’": "'", "−": "-", "–": "-", "—": " - ", "²": "^2 "}
_HIGH_LOW = re.compile(r"\b(high|low)[\s-]+(bias|variance)\b")
_WORD = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


def clean(text: str) -> str:
    """Lower case with Greek letters spelled out; "high bias"/"low variance" also as one word each."""
    text = text.lower()
    for k, v in _GREEK.items():
        text = text.replace(k, v)
    # Snowball stems "normally" like "normalize": "the input layer normally gets..." is not about normalizing.
    text = re.sub(r"\bnormally\b", "usually", text)
    return _HIGH_LOW.sub(lambda m: f"{m.group(0)} {m.group(1)}{m.group(2)}", text)


def _pattern(phrases: list[str]) -> re.Pattern:
    alternatives = sorted({re.escape(clean(p).strip()) for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9_])(?:" + "|".join(alternatives) + r")(?![a-z0-9_])")


@dataclass(frozen=True)
class Outside:
    """A topic taught outside this unit: where, and the phrase of the question that names it."""

    where: str
    names: tuple[str, ...]


class Vocabulary:
    """Synonyms, aliases, filler and the out-of-unit topics from ``vocab.toml``, with a stemming tokenizer."""

    def __init__(self, data: dict[str, Any]) -> None:
        import Stemmer

        self.stemmer = Stemmer.Stemmer("english")
        self.stop = set(data["stopwords"].split())
        self.filler = set(data["filler"].split())
        self.filler_stems = set(self.stemmer.stemWords(sorted(self.filler)))
        self.groups = [(name, _pattern(phrases)) for name, phrases in data["synonyms"].items()]
        group_of = {clean(p).strip(): name for name, phrases in data["synonyms"].items() for p in phrases}
        self.aliases = [(canonical, group_of.get(clean(canonical).strip()), _pattern(words))
                        for canonical, words in data["aliases"].items()]
        self.outside = [(block["where"], _pattern(block["names"])) for block in data["outside"]]
        self.anchors = _pattern(data["unit"]["anchors"])

    def words(self, text: str) -> list[str]:
        """Stemmed content words of a cleaned text (no stop or filler words)."""
        raw = [w for w in _WORD.findall(text) if w not in self.stop and w not in self.filler]
        return [s for s in self.stemmer.stemWords(raw) if s not in self.filler_stems]

    def tokens(self, text: str) -> list[str]:
        """Index tokens: stemmed content words plus one ``syn:<group>`` token per synonym group named."""
        low = clean(text)
        out = self.words(low)
        extra = []
        for canonical, group, pattern in self.aliases:
            if pattern.search(low):
                extra += self.words(clean(canonical)) + ([f"syn:{group}"] if group else [])
        out += extra
        seen_groups = {t for t in extra if t.startswith("syn:")}
        for name, pattern in self.groups:
            if f"syn:{name}" not in seen_groups and pattern.search(low):
                out.append(f"syn:{name}")
        return out

    def outside_topic(self, text: str) -> tuple[str | None, str]:
        """Where a question's topic is taught when it is not in this unit.

        Returns:
            (where, the words that name it), or (None, "") when the question names no outside topic or also
            names a topic of the unit once the outside names are taken out ("does dropout work with Adam?":
            dropout is the unit's, so the question is too; "bias correction in Adam" is not about bias).
        """
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
    text = resources.files("tutor.ask").joinpath("vocab.toml").read_text(encoding="utf-8")
    return Vocabulary(tomllib.loads(text))
