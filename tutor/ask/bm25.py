"""BM25 in plain Python, the Lucene variant that ``bm25s`` computes by default (same scores; a test checks).

Why not ``bm25s`` itself: importing it pulls in SciPy's sparse matrices and takes about 0.7 s on a 2-core
machine, more than the whole budget for the first answer in the app (0.5 s); the bank is small (a few
thousand short documents), so postings lists in dicts score a question in well under a millisecond.

Scoring: ``idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))`` and, for a term occurring ``tf`` times in a
document of length ``dl`` (average ``avgdl``), ``idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))``, summed
over the query's terms (a repeated query term counts each time).
"""

from __future__ import annotations

import math
from collections import Counter


class BM25:
    """A BM25 index over tokenized documents.

    Args:
        docs: each document as its list of tokens.
        k1: term-frequency saturation.
        b: document-length normalization.
    """

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.n = len(docs)
        avgdl = sum(len(d) for d in docs) / max(self.n, 1) or 1.0
        df = Counter(t for d in docs for t in set(d))
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, d in enumerate(docs):
            norm = k1 * (1 - b + b * len(d) / avgdl)
            for t, f in Counter(d).items():
                self.postings.setdefault(t, []).append((i, self.idf[t] * f / (f + norm)))

    def scores(self, tokens: list[str]) -> list[float]:
        """The score of every document for a query's tokens."""
        out = [0.0] * self.n
        for t in tokens:
            for i, s in self.postings.get(t, ()):
                out[i] += s
        return out
