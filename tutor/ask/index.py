"""The search index over the answer bank: BM25 (:mod:`tutor.ask.bm25`) on each entry's question and
paraphrases, and on its answer.

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

from dltutor.tutor.ask.bank import Entry
from dltutor.tutor.ask.bm25 import BM25
from dltutor.tutor.ask.typos import Corrector
from dltutor.tutor.ask.vocab import Vocabulary, clean

#: Weight of the answer text's BM25 score beside the best phrasing's.
ANSWER_WEIGHT = 0.35
#: Bonus (a share of the score) for an entry whose kinds include what the question asks for (why, how...).
INTENT_BONUS = 0.12

#: "X - what is it exactly", "keep_prob, what does it even mean": a term named first, then asked what it is.
_WHAT_IS_IT = (r"\bwhat (?:is|are|does|do) (?:it|that|this|they|those)(?: even| really| actually)?"
               r"(?: mean| stand for)?(?: exactly| anyway| actually| even| again)?\W*$")
#: "what ε should I use", "which keep_prob do I start with": choosing a value is a how-to question.
_CHOICE = re.compile(r"^\s*(?:what|which)(?: \S+){1,4}? (?:should|do|would|could|can|shall|must) (?:i|we|you|one) "
                     r"(?:be )?(?:use|using|pick|picking|choose|choosing|go with|going with|start with"
                     r"|starting with|set|setting|try|trying|take|taking)\b")

_INTENTS = (
    ("why", re.compile(r"\bwhy\b|\bhow come\b|\bwhat is the (?:reason|point|intuition)\b|\bintuition\b")),
    ("implementation", re.compile(r"\b(?:code|implement\w*|numpy|np\.|python|line of|write|snippet)\b")),
    ("comparison", re.compile(r"\b(?:vs\.?|versus|differen\w*|compare\w*|better|same as|or|the same|same thing)\b"
                              r"|\bif (?:i|we|you) (?:already )?(?:have|use|do)\b")),
    ("definition", re.compile(r"^\s*(?:what(?:'s| is| are| does)|define|meaning of|explain)\b|" + _WHAT_IS_IT)),
    ("how", re.compile(r"\bhow (?:do|should|can|to|much|big|many)\b|\bwhat should\b|\bwhich\b|\bsteps?\b")),
    ("misconception", re.compile(r"^\s*(?:is|are|does|do|can|should|will|isn't|doesn't)\b|\bright\?|\bok\b"
                                 r"|\bshould (?:i|we)\b|\b(?:good|bad) idea\b|\bworth it\b|\bmakes? sense\b")),
)

#: "..., is that ok?", "did I mess up?", "will this train?": the learner shows their own code or numbers and
#: asks whether it is right. The answer that names the mistake (a misconception entry) is wanted, not the
#: entry giving the correct code.
_CHECK = re.compile(
    r"\b(?:is|was|are) (?:that|this|it|these|those|mine) (?:ok|okay|right|correct|fine|wrong|a problem|a bug|bad"
    r"|legit|valid|allowed|expected|normal)\b(?!\s+(?:to|if|for|when|that|with)\b)"
    r"|\bdid i (?:mess|screw|get (?:it|this|that) (?:right|wrong)|do (?:it|this|that|something) (?:right|wrong)"
    r"|make a mistake|break)"
    r"|\b(?:am i|are we) doing (?:it|this|that|something) (?:right|wrong)\b"
    r"|\bwill (?:this|that|it) (?:work|train|break)\b|\bwhat did i do wrong\b|\bis (?:something|anything) wrong\b"
    r"|\b(?:ok|okay|fine|correct|legit)\s*\?[?!.\s]*$")
#: When the learner asks whether their own work is right: bonus for a misconception entry, penalty for others
#: (shares of the score).
CHECK_BONUS = 0.25
CHECK_PENALTY = 0.1


def checks_own_work(question: str) -> bool:
    """Whether the learner asks if their own code, formula or numbers are right ("... is that ok?")."""
    return bool(_CHECK.search(clean(question)))


#: A question showing code: an assignment, a call, a NumPy name or an operator between names.
_CODE = re.compile(r"\w\s*=\s*\S|\bnp\.|\w\(|\w\s*[*/]\s*\w")


def shows_code(question: str) -> bool:
    """Whether a question shows code or a formula ("D1 = np.random.rand(...) < keep_prob")."""
    return bool(_CODE.search(question))


#: What a how-question wants done (vocab.toml groups): fix a problem, or tell that it is there.
_AIMS = {"syn:remedy", "syn:detect"}
#: Bonus (a share of the score) for an entry whose canonical question has the learner's question form.
FORM_BONUS = 0.06
_FORMS = (
    ("why", re.compile(r"^\s*(?:why|how come)\b")),
    ("howto", re.compile(r"^\s*how (?:do|can|should|would|could|must|shall) (?:i|we|you|one)\b|^\s*how to\b")),
    ("howworks", re.compile(r"^\s*how\b")),
    ("when", re.compile(r"^\s*(?:when|at what point)\b")),
    ("what", re.compile(r"^\s*(?:what|which)\b")),
    ("yesno", re.compile(r"^\s*(?:is|are|am|was|were|does|do|did|can|could|should|shall|will|would|may|might|must"
                         r"|has|have|isn|aren|doesn|don|didn|can't|cannot|shouldn|won|wouldn)\b")),
)


def form(question: str) -> str | None:
    """The question's form from its opening words: ``why``, ``howto`` (how do I..., and choosing a value:
    "what ε should I use"), ``howworks`` (how does X...), ``when``, ``what`` (also "X - what is it
    exactly"), ``yesno``; None for a bare phrase ("dropout intuition")."""
    low = clean(_WHATS.sub("what is", question))
    if _CHOICE.search(low):
        return "howto"
    found = next((name for name, pattern in _FORMS if pattern.search(low)), None)
    if found is None and re.search(_WHAT_IS_IT, low):
        return "what"
    return found


_PURPOSE = re.compile(r"\bwhat is the (?:point|purpose|use|reason|intuition|idea)\b")
_WHATS = re.compile(r"\bwhat['’]s\b", re.IGNORECASE)


def intents(question: str) -> set[str]:
    """The kinds of answer a question asks for (``why``, ``how``, ``definition``...), from its wording."""
    low = clean(_WHATS.sub("what is", question))
    found = {kind for kind, pattern in _INTENTS if pattern.search(low)}
    if _PURPOSE.search(low):  # "what is the point of X": why X, not what X is
        found.discard("definition")
    if _CHOICE.search(low):  # choosing a value: how to, not what it is
        found = (found - {"definition"}) | {"how"}
    return found


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
        self.entries = entries
        self.vocab = vocab
        texts, owner = [], []
        for k, e in enumerate(entries):
            for text in (e.question, *e.paraphrases):
                texts.append(text)
                owner.append(k)
        self.owner = owner
        self.phrase_tokens = [vocab.tokens(t) for t in texts]
        self.answer_tokens = [vocab.tokens(f"{e.section}. {e.answer}") for e in entries]
        self.phrases = BM25(self.phrase_tokens)
        self.answers = BM25(self.answer_tokens)
        self.exact = {_key(t): k for t, k in zip(texts, owner)}
        # idf over the phrasings (what questions say), for the coverage shares
        self.idf = self.phrases.idf
        self.unknown_idf = math.log(1 + (len(texts) + 0.5) / 0.5)
        self.known_tokens = set(self.idf) | set(self.answers.idf)
        self.entry_tokens: list[set[str]] = [set() for _ in entries]
        for toks, k in zip(self.phrase_tokens, owner):
            self.entry_tokens[k] |= set(toks)
        for k, toks in enumerate(self.answer_tokens):
            self.entry_tokens[k] |= set(toks)
        self.kinds = [set(e.kinds) for e in entries]
        self.forms = [form(e.question) for e in entries]
        # what the canonical question wants done: fix something, or tell that it is happening
        self.aims = [set(vocab.tokens(e.question)) & _AIMS for e in entries]
        self._corrector: Corrector | None = None

    @property
    def corrector(self) -> Corrector:
        """The typo corrector over every word the bank, the vocabulary and the outside topics use (built on
        first use)."""
        if self._corrector is None:
            vocab = self.vocab
            texts = [t for e in self.entries for t in (e.question, *e.paraphrases, e.section, e.answer)]
            texts += list(vocab.phrase_tokens)
            texts += [p.pattern for _, p in vocab.outside] + [vocab.anchors.pattern]
            self._corrector = Corrector(texts, vocab.stop | vocab.filler)
        return self._corrector

    def prepare(self, question: str) -> str:
        """The question as the engine reads it: conversational filler out, misspelled unit words corrected."""
        return self.corrector.correct(self.vocab.strip_filler(question))

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.unknown_idf if token not in self.known_tokens else 2.0)

    def search(self, question: str, exact: bool = True) -> Ranking:
        """Rank the entries for ``question``.

        Args:
            question: the question.
            exact: a question that is one of the bank's phrasings word for word goes straight to its entry
                (a related question picked in the app, a course question); False ranks it like any other.
        """
        key = _key(question)
        check = checks_own_work(question)
        # "did I mess up?" says what kind of question it is, not what it is about
        tokens = self.vocab.tokens(_CHECK.sub(" ", clean(question)) if check else question, names=True)
        # a code name the bank never uses ("backward_propagation") is read as its words alone
        tokens = [t for t in tokens if "_" not in t or t in self.known_tokens] or tokens
        if exact and key in self.exact:
            k = self.exact[key]
            return Ranking([k], [1.0], 1.0, 1.0, 1.0, exact=True)
        if not tokens:
            return Ranking([], [])
        n = len(self.entries)
        best = [0.0] * n
        best_doc = [-1] * n
        for doc, score in enumerate(self.phrases.scores(tokens)):
            k = self.owner[doc]
            if best_doc[k] < 0 or score > best[k]:
                best[k], best_doc[k] = score, doc
        wanted = intents(question)
        if not wanted and len(set(tokens)) <= 2:
            wanted = {"definition"}  # a bare term ("dropout", "weight decay") asks what it is
        asked = form(question)
        aims = set(tokens) & _AIMS
        # the aim counts only for an entry about every topic the question names ("avoid overfitting" is not
        # "prevent vanishing gradients")
        topics = {t for t in tokens if t.startswith("syn:")} - _AIMS
        scores = [(b + ANSWER_WEIGHT * a) * (1 + INTENT_BONUS * bool(wanted & kinds))
                 * (1.0 if not check else 1 + CHECK_BONUS if "misconception" in kinds else 1 - CHECK_PENALTY)
                 * (1 + FORM_BONUS * (asked is not None and asked == shape)
                    - FORM_BONUS * (asked not in (None, "yesno") and shape == "yesno"))
                 * (1 + INTENT_BONUS * bool(aims & aim and topics <= have))
                 for b, a, kinds, shape, aim, have in zip(best, self.answers.scores(tokens), self.kinds, self.forms,
                                                          self.aims, self.entry_tokens)]
        order = sorted((k for k in range(n) if scores[k] > 0), key=lambda k: -scores[k])
        if not order:
            return Ranking([], [], known=self._share(tokens, self.known_tokens))
        top = order[0]
        reach = self._share(tokens, self.entry_tokens[top])
        coverage = self._share(tokens, set(self.phrase_tokens[best_doc[top]]))
        if shows_code(question):
            # the learner's own code (variable names, calls) is in the entry's answer, not its phrasings
            coverage = max(coverage, reach)
        return Ranking(order, [scores[k] for k in order], coverage=coverage, reach=reach,
                       known=self._share(tokens, self.known_tokens),
                       information=sum(self.idf.get(t, 0.0) for t in set(tokens)))

    def _share(self, tokens: list[str], have: set[str]) -> float:
        words = set(tokens)
        total = sum(self.weight(t) for t in words)
        return sum(self.weight(t) for t in words if t in have) / total if total else 0.0
