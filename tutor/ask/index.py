"""The search index over the answer bank: BM25 (``bm25s``) on each entry's question and paraphrases, and on
its answer.

An entry's score is its best-matching phrasing (the canonical question or a paraphrase, each indexed as its
own short document, so one close paraphrase is enough) plus a smaller share of its answer's score (which
knows the words a learner may use that no phrasing has). Besides the ranking, :meth:`Index.search` reports how
much of the question the best entry accounts for (idf-weighted coverage), which the confidence is built on:
a BM25 score alone says nothing about whether a question is covered at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from tutor.ask.bank import Entry
from tutor.ask.vocab import Vocabulary, clean

#: Weight of the answer text's BM25 score beside the best phrasing's.
ANSWER_WEIGHT = 0.35
#: Bonus (a share of the score) for an entry whose kinds include what the question asks for (why, how...).
INTENT_BONUS = 0.12

_INTENTS = (
    ("why", re.compile(r"\bwhy\b|\bhow come\b|\bwhat is the (?:reason|point|intuition)\b|\bintuition\b")),
    ("implementation", re.compile(r"\b(?:code|implement\w*|numpy|np\.|python|line of|write|snippet)\b")),
    ("comparison", re.compile(r"\b(?:vs\.?|versus|differen\w*|compare\w*|better|same as|or)\b")),
    ("definition", re.compile(r"^\s*(?:what(?:'s| is| are| does)|define|meaning of|explain)\b")),
    ("how", re.compile(r"\bhow (?:do|should|can|to|much|big|many)\b|\bwhat should\b|\bwhich\b|\bsteps?\b")),
    ("misconception", re.compile(r"^\s*(?:is|are|does|do|can|should|will|isn't|doesn't)\b|\bright\?|\bok\b")),
)


def intents(question: str) -> set[str]:
    """The kinds of answer a question asks for (``why``, ``how``, ``definition``...), from its wording."""
    low = clean(question)
    return {kind for kind, pattern in _INTENTS if pattern.search(low)}


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9_]+", clean(text)))


@dataclass
class Ranking:
    """The entries ranked for one question.

    Args:
        order: entry indices, best first (entries that match no word at all are left out).
        scores: the score of each entry in ``order``.
        coverage: idf-weighted share of the question's words that the top entry's best phrasing has.
        reach: the same share over everything the top entry says (phrasings and answer).
        known: share of the question's words (idf-weighted) found anywhere in the bank.
        exact: the question is one of the top entry's phrasings, word for word.
        information: total idf of the question's words that the bank knows (a lone common word says little).
    """

    order: list[int]
    scores: list[float]
    coverage: float = 0.0
    reach: float = 0.0
    known: float = 0.0
    exact: bool = False
    information: float = 0.0


class Index:
    """BM25 indexes over the bank's phrasings and answers.

    Args:
        entries: the bank.
        vocab: the tokenizer.
    """

    def __init__(self, entries: tuple[Entry, ...], vocab: Vocabulary) -> None:
        import bm25s
        import numpy as np

        self._np = np
        self.entries = entries
        self.vocab = vocab
        texts, owner = [], []
        for k, e in enumerate(entries):
            for text in (e.question, *e.paraphrases):
                texts.append(text)
                owner.append(k)
        self.owner = np.array(owner)
        self.starts = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        self.phrase_tokens = [vocab.tokens(t) for t in texts]
        self.answer_tokens = [vocab.tokens(f"{e.section}. {e.answer}") for e in entries]
        self.phrases = bm25s.BM25()
        self.phrases.index(self.phrase_tokens, show_progress=False)
        self.answers = bm25s.BM25()
        self.answers.index(self.answer_tokens, show_progress=False)
        self.exact = {_key(t): k for t, k in zip(texts, owner)}
        # idf over the phrasings (what questions say), for the coverage shares
        n = len(texts)
        df: dict[str, int] = {}
        for toks in self.phrase_tokens:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        answer_vocab = {t for toks in self.answer_tokens for t in toks}
        self.known_tokens = set(df) | answer_vocab
        self.entry_tokens = [set() for _ in entries]
        for toks, k in zip(self.phrase_tokens, owner):
            self.entry_tokens[k] |= set(toks)
        for k, toks in enumerate(self.answer_tokens):
            self.entry_tokens[k] |= set(toks)
        self.kinds = [set(e.kinds) for e in entries]

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.unknown_idf if token not in self.known_tokens else 2.0)

    def _scores(self, retriever: Any, tokens: list[str]) -> Any:
        known = [t for t in tokens if t in retriever.vocab_dict]
        if not known:
            return self._np.zeros(retriever.scores["num_docs"])
        return self._np.asarray(retriever.get_scores(known), dtype=float)

    def search(self, question: str, exact: bool = True) -> Ranking:
        """Rank the entries for ``question``.

        Args:
            question: the question.
            exact: a question that is one of the bank's phrasings word for word goes straight to its entry
                (a related question picked in the app, a course question); False ranks it like any other.
        """
        np = self._np
        key = _key(question)
        tokens = self.vocab.tokens(question)
        if exact and key in self.exact:
            k = self.exact[key]
            return Ranking([k], [1.0], 1.0, 1.0, 1.0, exact=True)
        if not tokens:
            return Ranking([], [])
        phrase = self._scores(self.phrases, tokens)
        best_phrase = np.maximum.reduceat(phrase, self.starts)
        best_doc = np.zeros(len(self.entries), dtype=int)
        for k, (start, end) in enumerate(zip(self.starts, list(self.starts[1:]) + [len(phrase)])):
            best_doc[k] = start + int(np.argmax(phrase[start:end]))
        score = best_phrase + ANSWER_WEIGHT * self._scores(self.answers, tokens)
        wanted = intents(question)
        if not wanted and len(set(tokens)) <= 2:
            wanted = {"definition"}  # a bare term ("dropout", "weight decay") asks what it is
        bonus = np.array([bool(wanted & kinds) for kinds in self.kinds], dtype=float)
        if wanted:
            score = score * (1 + INTENT_BONUS * bonus)
        order = [int(k) for k in np.argsort(-score, kind="stable") if score[k] > 0]
        if not order:
            return Ranking([], [], known=self._share(tokens, self.known_tokens))
        top = order[0]
        return Ranking(order, [float(score[k]) for k in order],
                       coverage=self._share(tokens, set(self.phrase_tokens[best_doc[top]])),
                       reach=self._share(tokens, self.entry_tokens[top]),
                       known=self._share(tokens, self.known_tokens),
                       information=sum(self.idf.get(t, 0.0) for t in set(tokens)))

    def _share(self, tokens: list[str], have: set[str]) -> float:
        words = set(tokens)
        total = sum(self.weight(t) for t in words)
        return sum(self.weight(t) for t in words if t in have) / total if total else 0.0
