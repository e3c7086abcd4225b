"""Answers to free-form questions on the unit (UI-free): ``dltutor ask`` and the app's Ask screen.

How a question is answered, in order:

1. **Intent.** A question that carries numbers is answered by the engine, not by search: error rates with
   their sets ("train error 1%, dev 11%") go to the diagnostic assistant (:func:`core.diagnose.diagnose`),
   a dataset size ("2 million examples, how should I split?") to the split advice
   (:func:`core.diagnose.split_advice`), a gradient-check difference ("is my gradient right, difference
   3e-4") to the verdict bands (:func:`core.gradcheck.verdict_band`). The answer says which numbers it read.
2. **Search.** Otherwise the nine course questions with their curated answers (``lessons/questions.toml``)
   and every lesson section are ranked with BM25 (``bm25s``, Snowball stemming via ``PyStemmer``), after
   expanding the query with the field's synonyms (weight decay = L2 = Frobenius penalty, dev = validation =
   hold-out, Xavier = Glorot...). A curated answer gets a boost when the question resembles its course
   question. A question that asks what to do about a problem ("how do I prevent exploding gradients?") or
   which value to take ("what epsilon should I use?") favours the sections headed so ("What helps",
   "Choosing ε") in the lessons it names; its verbs ("prevent", "fix") weigh less than its topic.
3. **Honesty.** A question whose content words barely occur in the unit ("what is the capital of France"),
   or that names a topic from another part of the course ("how do transformers work"), or whose best match
   is weak, gets "I don't know that one" and the closest topics instead of a made-up answer.

Every answer names its source lesson and section so the learner can read on. The index is built on the
first :func:`answer` call and cached (:func:`get_engine`), so importing this module stays cheap.
"""

from __future__ import annotations

import math
import re
import threading
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from core.errors import TutorError

SUMMARY_ID = "summary"
KINDS = ("curated", "lesson", "diagnosis", "split", "gradcheck", "unknown")
UNKNOWN_TEXT = "I don't know that one."

# ------------------------------------------------------------------------------------------ course questions


@dataclass(frozen=True)
class CourseQuestion:
    """One of the nine questions the unit ends with, with its model answer.

    Args:
        id: 1..9.
        question: the question as the learner reads it.
        answer: the model answer (a few sentences with the reason).
        lessons: lesson ids the answer draws on, most relevant first.
        key_points: what a good answer contains.
        keywords: other words for the question's topic; indexed to help search find it, never shown.
    """

    id: int
    question: str
    answer: str
    lessons: tuple[str, ...]
    key_points: tuple[str, ...]
    keywords: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "question": self.question, "answer": self.answer,
                "lessons": list(self.lessons), "key_points": list(self.key_points),
                "keywords": list(self.keywords)}


def load_course_questions(source: Path | str | None = None) -> tuple[CourseQuestion, ...]:
    """Read and check ``questions.toml``.

    Args:
        source: the file, or a directory holding ``questions.toml``; default the installed ``lessons``.

    Returns:
        The questions in id order.

    Raises:
        TutorError: a missing file or field, or ids that are not 1..N in order.
    """
    if source is None:
        text = resources.files("lessons").joinpath("questions.toml").read_text(encoding="utf-8")
        where = "lessons/questions.toml"
    else:
        path = Path(source)
        path = path / "questions.toml" if path.is_dir() else path
        if not path.is_file():
            raise TutorError("questions", f"no file {path}", "a questions.toml file")
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        raw = tomllib.loads(text).get("question") or []
    except tomllib.TOMLDecodeError as exc:
        raise TutorError("questions", f"{where} is not valid TOML: {exc}") from None
    out = []
    for n, q in enumerate(raw, start=1):
        field_name = f"{where} question {n}"
        if q.get("id") != n:
            raise TutorError(field_name, f"id {q.get('id')!r} out of order", "ids 1..N in file order")
        for key in ("question", "answer"):
            if not isinstance(q.get(key), str) or not q[key].strip():
                raise TutorError(field_name, f"missing {key}", "a non-empty string")
        for key in ("lessons", "key_points"):
            if not isinstance(q.get(key), list) or not q[key] or not all(isinstance(x, str) for x in q[key]):
                raise TutorError(field_name, f"missing {key}", "a non-empty list of strings")
        keywords = q.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(x, str) for x in keywords):
            raise TutorError(field_name, "keywords must be a list of strings", "a list of strings")
        answer_text = " ".join(q["answer"].split())
        out.append(CourseQuestion(n, q["question"].strip(), answer_text, tuple(q["lessons"]),
                                  tuple(q["key_points"]), tuple(keywords)))
    if not out:
        raise TutorError("questions", f"{where} has no [[question]] tables")
    return tuple(out)


#: The nine course questions (lessons/questions.toml); a small TOML file, cheap to read at import.
COURSE_QUESTIONS: tuple[CourseQuestion, ...] = load_course_questions()


# ------------------------------------------------------------------------------------------------ answers


@dataclass
class Answer:
    """An answer to one question.

    Args:
        question: the question as asked.
        answer: the answer text (plain text, may span several lines).
        kind: ``curated`` | ``lesson`` | ``diagnosis`` | ``split`` | ``gradcheck`` | ``unknown``.
        source: ``{"lesson": id, "section": heading}`` to read on (both ``None`` for unknown).
        confidence: in [0, 1]: how sure the tutor is that this answers the question.
        related: lesson ids worth reading next (for ``unknown``: the closest topics).
        course_question: the course question number for a curated answer, else ``None``.
        details: what the engine computed (the diagnosis, split or band as a dict; the numbers read).
    """

    question: str
    answer: str
    kind: str
    source: dict
    confidence: float
    related: list[str] = field(default_factory=list)
    course_question: int | None = None
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "source": dict(self.source),
            "confidence": round(float(self.confidence), 3),
            "related": list(self.related),
            "course_question": self.course_question,
            "details": self.details,
        }


# --------------------------------------------------------------------------------------------- vocabulary

# Words that say what kind of question it is but not what it is about.
_FILLER = (
    "what how when which who whom whose where does do did doing done should would could can may might "
    "must shall i im i'm me my mine we us our you your yours she him her its is are was were been being "
    "have has had get gets got getting means meant meaning explain explanation tell about please know "
    "need want use uses using used some any thing things way ways exactly really actually just also "
    "work works working happen happens happening idea ok okay so very much many more most less good bad "
    "better best one ones like give example show help question answer understand between "
    "vs versus than whats hows whys there here from out up down make makes making made neural "
    "define definition describe description well behind against"
).split()
_BM25_STOPWORDS = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
    "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to",
    "was", "will", "with",
]
STOPWORDS: tuple[str, ...] = tuple(dict.fromkeys(_BM25_STOPWORDS + _FILLER))

#: Groups of phrases that mean the same thing in this unit; a query naming one is expanded by the others.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("weight decay", "l2 regularization", "l2", "frobenius norm", "frobenius", "ridge"),
    ("dev set", "dev", "validation set", "validation", "hold-out", "holdout", "cross-validation",
     "cross validation"),
    ("keep_prob", "keep prob", "keep probability"),
    ("xavier", "glorot"),
    ("he initialization", "he init", "kaiming"),
    ("vanishing", "exploding"),
    ("gradient checking", "grad check", "gradcheck", "gradient check", "grad checking"),
    ("numerical gradient", "numerical approximation", "finite difference", "two-sided difference",
     "two sided difference", "central difference", "centered difference", "gradapprox"),
    ("overfitting", "overfit", "overfits", "highvariance"),
    ("reduce overfitting", "reduces overfitting", "prevent overfitting", "prevents overfitting"),
    ("underfitting", "underfit", "underfits", "highbias"),
    ("bayes error", "optimal error", "human-level error", "human level", "human error"),
    ("normalize", "normalization", "standardize", "standardization", "feature scaling"),
    ("early stopping", "stop early", "stopping early"),
    ("lambda", "regularization parameter", "regularization strength"),
    ("l1", "lasso", "sparsity"),
    ("test time", "inference", "prediction time"),
    ("cost", "loss", "cost function"),
    ("orthogonalization", "orthogonal"),
    ("backprop", "backpropagation", "backward pass"),
    ("test set", "test data"),
    ("training set", "train set", "training data"),
    ("mean", "mu", "average"),
    ("standard deviation", "sigma", "std"),
    ("ml", "machine learning"),
    # The shape of an unnormalized cost (lesson normalizing-inputs): learners describe it many ways.
    ("elongated", "stretched", "elliptical", "ellipses", "narrow valley", "long narrow valley", "contours",
     "contour", "squashed", "oval"),
)

#: One-way aliases: a query naming an alias also searches for the canonical phrase (not the reverse, since
#: the aliases are narrower or vaguer: "flip" is one kind of augmentation, "drop out" reduces to "drop").
ALIASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dropout", ("drop out", "drop-out", "dropping units", "dropping neurons", "dropped units")),
    ("keep_prob", ("dropout rate", "drop rate", "drop probability", "dropout probability")),
    ("data augmentation", ("flip", "flipping", "flipped", "mirror", "mirroring", "crop", "cropping",
                           "distortion", "distortions", "rotation", "rotations", "synthetic data")),
    ("zero initialization", ("all zeros", "initialize to zero", "initialized to zero", "zero weights",
                             "symmetry", "symmetric")),
    ("initialization", ("initial weights", "initialise", "initialisation", "starting weights")),
    ("bigger network", ("larger network", "more hidden units", "more layers", "deeper network")),
    ("split", ("divide", "partition", "ratio", "ratios", "proportions")),
    ("remedies", ("what to do", "what should i do", "how to fix", "how do i fix", "cure", "remedy")),
    ("vanishing gradients", ("very deep network", "very deep networks")),
    ("tanh", ("hyperbolic tangent",)),
    ("relu", ("rectified linear",)),
)

#: Topics of other parts of the course (or other courses): search must not pretend the unit covers them.
OUTSIDE_UNIT: dict[str, str] = {
    r"transformers?|attention|self-attention|bert|gpt|llms?|language models?": "sequence models (Course 5)",
    r"rnns?|lstms?|grus?|recurrent|word embeddings?|word2vec|glove": "sequence models (Course 5)",
    r"(?:cnns?|convolution(?:al|s)?|pooling|yolo|object detection|resnets?|inception)"
    r"(?: neural)?(?: networks?| layers?| nets?)?": "convolutional networks (Course 4)",
    r"(?:adam|rmsprop|momentum|mini-?batch(?:es)?|learning rate decay)"
    r"(?: optimi[sz]ers?| optimi[sz]ation| algorithms?| gradient descent)?":
        "optimization algorithms (Course 2, Week 2)",
    r"(?:batch norm(?:alization)?|batchnorm|softmax regression|softmax|hyperparameter search"
    r"|hyperparameter tuning)(?: layers?)?": "Course 2, Week 3",
    r"reinforcement|q-learning|gans?|generative adversarial|diffusion":
        "outside the specialization's first courses",
    r"neural networks?|backprop(?:agation)?|forward propagation|gradient descent|logistic regression|"
    r"activation functions?|sigmoid|relu|tanh": "the basics of neural networks (Course 1)",
}
_OUTSIDE = [(re.compile(rf"\b(?:{pat})\b"), where) for pat, where in OUTSIDE_UNIT.items()]

#: Stems of question words kept in the index (headings say "Why ...") but weighted down in queries.
QUESTION_WORDS = {"whi"}

#: Stems of the verbs that ask for a remedy ("how do I prevent exploding gradients?", "how to fix ..."):
#: like "why", they say what kind of answer is wanted, not what it is about, and are weighted down in
#: queries. At full weight "prevent" made the early-stopping section (it "prevents overfitting") the answer
#: to "how do I prevent exploding gradients". ("Remedies" stays a topic word: sections say "Remedies for".)
REMEDY_WORDS = {"prevent", "avoid", "fix", "cure", "solv", "mitig", "tackl", "overcom", "combat", "counteract"}

#: Stems of filler words that are also words of the field ("means" is filler, "mean" is not).
KEEP_STEMS = {"mean"}

#: Stems that Snowball leaves apart but the field uses as one word (British spellings, abbreviations).
STEM_ALIASES = {
    "init": "initi", "initialis": "initi", "regularis": "regular", "normalis": "normal",
    "generalis": "general", "optimis": "optim", "grad": "gradient", "var": "varianc", "std": "deviat",
    "ep": "epsilon", "sparsiti": "spars",
}

# Section headings that are not explanations (exercises and lab pointers).
_SKIP_HEADINGS = {"try it", "check yourself"}


_SUBJECT = re.compile(r"(?:^|(?<=[.!?:]\s))\s*(?:\*\*)?(?!(?i:so|since|because|if|when|while|although|then|thus|"
                      r"hence|here|this|these|that|it)\b)([A-Za-z][\w\-\[\]]*(?:\s+[\w\-\[\]]+){0,3}?)(?:\*\*)?"
                      r"\s+(?:is|are|means)\s+(?:the|a|an|one|called)\b", re.MULTILINE)


def _defined_subjects(text: str) -> list[str]:
    """The subjects of a text's defining sentences: "keep_prob is the probability..." -> "keep_prob".

    Only sentences that open with at most four words before "is/are/means the/a/an" count, so "the dev set
    is the data you tune on" does and "if the weights are large" does not.
    """
    prose = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    return [m.group(1) for m in _SUBJECT.finditer(" ".join(prose.split()))]


def _phrase_pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])")


@dataclass(frozen=True)
class _Rule:
    """A query expansion: when a trigger phrase occurs, the expansion phrases not in the query are added."""

    triggers: tuple[tuple[str, re.Pattern], ...]
    expansions: tuple[str, ...]
    alias: bool = False


#: "Why does dropout work?", "how does L2 help?": the question asks for the intuition behind a method (the
#: lessons give them under that word), not for its mechanics. Matched on the cleaned question.
_MECHANISM = re.compile(
    # "why does X ...", "how does X help", not "how can I ..." (that asks what to do, which a course
    # question answers) nor "how does X work" (that asks for the procedure: see _HOW_IT_WORKS).
    r"\bwhy\s+(?!(?:\w+\s+)?(?:i|we|you|one)\b).*\b(?:works?|help|helps|regulari[sz]es?|"
    r"(?:prevents?|reduces?|fights?|avoids?)\s+(?:overfitting|variance)|effective|so\s+well)\b"
    r"|\bhow\s+(?!(?:\w+\s+)?(?:i|we|you|one)\b).*\b(?:help|helps|regulari[sz]es?|"
    r"(?:prevents?|reduces?|fights?|avoids?)\s+(?:overfitting|variance))\b"
    r"|\bintuitions?\b"
)
#: "How do I prevent exploding gradients?", "how to fix X", "what helps against X": the question asks what
#: to do about a problem, which a section headed by a remedy ("What helps") gives when its lesson is about
#: that problem. Matched on the cleaned question.
_REMEDY = re.compile(
    r"\b(?:prevent(?:s|ing)?|avoid(?:s|ing)?|fix(?:es|ing)?|cure|solve|mitigate|tackle|overcome|combat|"
    r"counteract|deal\s+with|get\s+rid\s+of|helps?\s+(?:against|with)|remed(?:y|ies)\s+(?:for|against))\b"
)
#: Section headings that give a remedy.
_REMEDY_HEADING = re.compile(r"\b(?:helps?|remed(?:y|ies)|fix(?:es|ing)?|prevent(?:s|ing)?|avoid(?:s|ing)?|"
                             r"cures?)\b", re.IGNORECASE)
#: "What epsilon should I use?", "which epsilon for gradient checking", "how to choose lambda": it asks for a
#: value or a choice, which a section headed "Choosing ..." gives when it names the thing chosen.
_CHOICE = re.compile(
    r"\b(?:what|which)\s+(?:\S+\s+){1,4}?(?:should|do|would|could|to)\s+(?:i\s+|we\s+|you\s+|one\s+)?"
    r"(?:use|pick|choose|select|set|take)\b"
    r"|\bhow\s+(?:(?:do|should|can|would)\s+(?:i|we|you|one)\s+|to\s+)?(?:choose|pick|select)\b"
    r"|\bwhich\s+\S+\s+(?:\S+\s+)?(?:for|in|with)\b|\bwhat\s+values?\s+(?:of|for)\b|\bbest\s+values?\b"
)
#: Section headings that discuss a choice.
_CHOICE_HEADING = re.compile(r"\b(?:choos(?:e|ing)|choices?|picking|selecting)\b", re.IGNORECASE)

#: "How does gradient checking work?" asks what the method does: answered like "what is gradient checking?".
_HOW_IT_WORKS = re.compile(r"\bhow\s+(?:does|do|is|are)\s+(?!(?:i|we|you|one)\b)\S.*\b(?:works?|done)\s*[?.!]*\s*$")

_RULES: tuple[_Rule, ...] = tuple(
    [_Rule(tuple((p, _phrase_pattern(p)) for p in group), group) for group in SYNONYMS]
    + [_Rule(tuple((p, _phrase_pattern(p)) for p in aliases), (canonical,), alias=True)
       for canonical, aliases in ALIASES]
    # The trigger's phrase is empty: no word of the question is a synonym of "intuition".
    + [_Rule((("", _MECHANISM),), ("intuition",), alias=True)]
)


_DEFINITION = re.compile(r"^\s*(?:what\s+(?:is|are)|what's|whats|define|definition\s+of|describe|"
                         r"tell\s+me\s+about)\b(?!.*\b(?:difference|between|when|why|how)\b)", re.IGNORECASE)
_MEAN_VERB = re.compile(r"\b(?:mean(?=\s*[?.!]*\s*$)|mean(?=\s+by\b)|mean(?=\s+in\s+))", re.IGNORECASE)
_HIGH_LOW = re.compile(r"\b(high|low)[\s-]+(bias|variance)\b")
_DEVELOPMENT_SET = re.compile(r"\bdevelopment(?=\s+(?:and\s+test\s+)?sets?\b)")


def _clean_text(text: str) -> str:
    """Lower case, Greek letters spelled out (the tokenizer drops one-letter words)."""
    text = text.lower().replace("λ", " lambda ").replace("μ", " mu ").replace("σ", " sigma ")
    text = text.replace("ε", " epsilon ").replace("θ", " theta ").replace("α", " alpha ")
    text = text.replace("’", "'").replace("−", "-")
    # Snowball stems "normally" like "normalize": "the input layer normally gets..." is not about normalizing.
    text = re.sub(r"\bnormally\b", "usually", text)
    # "development set" is the dev set; left alone, "development" would match "development decisions".
    text = _DEVELOPMENT_SET.sub("dev", text)
    # "high bias" and "high variance" are opposite diagnoses that share the word "high": one token each.
    return _HIGH_LOW.sub(lambda m: f"{m.group(2)} {m.group(1)}{m.group(2)}", text)


def expand_query_groups(text: str) -> tuple[str, list[list[str]]]:
    """The query expansions a question triggers.

    Returns:
        (cleaned original text, for every rule the query triggers: the phrases to add, in
        :data:`_RULES` order; a triggered rule with nothing to add gives an empty list).
    """
    base = _clean_text(text)
    return base, [[p for p in rule.expansions if not _phrase_pattern(p).search(base)]
                  for rule in _triggered_rules(base)]


def _triggered_rules(base: str) -> list[_Rule]:
    return [rule for rule in _RULES if any(pat.search(base) for _, pat in rule.triggers)]


def expand_query(text: str) -> tuple[str, list[str]]:
    """The query and the synonyms of every phrase it names (``"weight decay"`` adds ``"l2"``, ...).

    Returns:
        (cleaned original text, list of added phrases).
    """
    base, groups = expand_query_groups(text)
    return base, [p for g in groups for p in g]


def _outside_topic(text: str) -> tuple[str | None, str]:
    """The other part of the course a question names, and the words that name it ("" when none)."""
    low = _clean_text(text)
    where, words = None, []
    for pat, place in _OUTSIDE:
        found = [m.group(0) for m in pat.finditer(low)]
        if found:
            where = where or place
            words += found
    return where, " ".join(words)


# ---------------------------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class Doc:
    """One indexed document: a curated answer or a lesson section."""

    kind: str  # "curated" or "lesson"
    lesson: str
    section: str
    anchor: str
    text: str
    qid: int | None = None


@dataclass(frozen=True)
class Hit:
    """A ranked search result.

    Args:
        doc: the document.
        score: its score for the question.
        match: the idf share of the question's words (or their synonyms) the document contains.
        on_topic: the document names every concept of the question that has synonyms ("weight decay" or
            "L2", not "weight" here and "decay" there).
    """

    doc: Doc
    score: float
    match: float = 0.0
    on_topic: bool = True


def _contains(seq: list[str], part: list[str]) -> bool:
    """Whether ``part`` occurs in ``seq`` as consecutive items."""
    n = len(part)
    return any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


class Engine:
    """The BM25 index over the curated answers and the lesson sections, and the lessons it came from."""

    #: A curated answer's score is multiplied by 1 + CURATED_BOOST * (how much the query reads like its
    #: course question, see :meth:`_resemblance`), so a course question in other words gets its model answer.
    CURATED_BOOST = 0.6
    #: Weight of a course question's own wording (its question field) in its curated answer's score.
    QUESTION_WEIGHT = 1.0
    #: Weight of a synonym group's best-matching term relative to a word the learner typed.
    SYNONYM_WEIGHT = 0.5
    #: Weight of an alias's canonical phrase ("flip" -> "data augmentation"): it says what the words mean.
    ALIAS_WEIGHT = 0.8
    #: The summary lesson repeats every topic in brief; the topic lessons are the better place to read on.
    SUMMARY_WEIGHT = 0.6
    #: A lesson's introduction says what the lesson covers, not the answer: short, so BM25 favours it.
    INTRO_WEIGHT = 0.5
    #: ... except for a definition question ("what is dropout?"), which the introduction answers.
    DEFINITION_INTRO_WEIGHT = 1.1
    #: ... and above all the introduction of the first lesson named after the term ("what is dropout?":
    #: lesson dropout's opening, which says what dropout is, not lesson understanding-dropout's).
    DEFINING_INTRO_WEIGHT = 1.7
    #: When no lesson is named after the term ("what is He initialization?"), a section whose heading
    #: names it is where it is defined: its score is multiplied by 1 + this * (idf share of the question's
    #: words its lesson title and heading name).
    DEFINITION_HEADING_BOOST = 0.5
    #: ... and more so a section with a sentence "X is ..." that defines it ("keep_prob is the probability
    #: of keeping a unit"), over the sections that only use it.
    DEFINING_SENTENCE_WEIGHT = 1.4
    #: ... and a course question that asks what to do is not a definition.
    DEFINITION_CURATED_WEIGHT = 0.7
    #: Nor does it say why a method works ("why does dropout reduce overfitting?").
    MECHANISM_CURATED_WEIGHT = 0.5
    #: For such a question, a section's score is multiplied by 1 + this * (idf share of the question's words
    #: its lesson title and heading name): "Why regularization reduces overfitting" explains L2.
    MECHANISM_HEADING_BOOST = 0.5
    #: For a question that asks for a remedy or a choice (see :data:`_REMEDY`, :data:`_CHOICE`), a section
    #: headed by one ("What helps", "Choosing ε") has its score multiplied by 1 + this * (idf share of the
    #: question's words its lesson title and heading name): "What helps" in the lesson on exploding gradients.
    INTENT_HEADING_BOOST = 1.0
    #: Weight of a question word that is not filler ("why", "prevent") against a topic word.
    QUESTION_WORD_WEIGHT = 0.5
    #: Power of the coordination factor (the idf share of the query's words a document has): below 1 so
    #: that a document missing a qualifier ("principle") is not sunk by it.
    COORD_POWER = 0.75

    def __init__(self, lessons: list[Any], questions: tuple[CourseQuestion, ...]) -> None:
        import bm25s
        import numpy as np
        import Stemmer

        self._np = np
        self._bm25s = bm25s
        self.stemmer = Stemmer.Stemmer("english")
        # Other forms of the filler words ("helps", "tells") are filler too; "mean" stays a field word.
        self.filler_stems = set(self.stemmer.stemWords(list(_FILLER))) - KEEP_STEMS
        self.lessons = {lesson.id: lesson for lesson in lessons}
        self.titles = {lesson.id: lesson.title for lesson in lessons}
        self.questions = questions
        docs: list[Doc] = []
        texts: list[str] = []
        for q in questions:
            docs.append(Doc("curated", q.lessons[0], "", "", q.answer, q.id))
            texts.append(" ".join([q.question, q.answer] + list(q.key_points)))
        for lesson in lessons:
            for s in lesson.sections:
                if s.heading.strip().lower() in _SKIP_HEADINGS:
                    continue
                docs.append(Doc("lesson", lesson.id, s.heading, s.anchor, s.text))
                head = [s.heading] if s.heading == lesson.title else [lesson.title, s.heading, s.heading]
                texts.append(" ".join(head + [_strip_markdown(s.text)]))
        self.docs = docs
        # Each course question is also indexed on its own (with its keywords) after the real documents, as
        # a "question field": a query that reads like the question scores high there even when the answer
        # uses other words. Its score is added to the curated answer's.
        self.question_doc = {q.id: len(docs) + k for k, q in enumerate(questions)}
        texts += [" ".join([q.question] + list(q.keywords)) for q in questions]
        tokens = self.tokenize(texts)
        self.doc_tokens = [set(t) for t in tokens[: len(docs)]]
        # Token sequences, to find a phrase's words side by side ("weight decay", not "weight ... decay").
        self.doc_sequences = [list(t) for t in tokens[: len(docs)]]
        for k in range(len(questions)):
            self.doc_sequences[k] += ["|"] + list(tokens[len(docs) + k])
        self._concept_cache: dict[int, Any] = {}
        for k, q in enumerate(questions):
            self.doc_tokens[k] |= set(tokens[self.question_doc[q.id]])
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)
        self.vocab = {t for t in self.retriever.vocab_dict if t}
        self.doc_weight = np.array([self._weight(d) for d in docs])
        self.is_curated_how = np.array(
            [d.kind == "curated" and not _DEFINITION.search(questions[d.qid - 1].question) for d in docs])
        self.title_tokens = {lesson.id: set(self.tokenize([lesson.title])[0]) for lesson in lessons}
        self.is_intro = np.array(
            [d.kind == "lesson" and d.section == self.titles.get(d.lesson) for d in docs])
        self.order = {lesson.id: k for k, lesson in enumerate(lessons)}
        # What a section is about by name: its heading (and its lesson's title, which every section shares).
        self.heading_tokens = [set(self.tokenize([d.section])[0]) if d.kind == "lesson" else set()
                               for d in docs]
        # What a section defines: the subjects of its "X is ..." sentences ("keep_prob is the probability").
        self.defined_tokens = [set(self.tokenize([" ; ".join(_defined_subjects(d.text))])[0])
                               if d.kind == "lesson" else set() for d in docs]
        # Sections headed by a remedy ("What helps") or a choice ("Choosing ε"), for questions asking for one.
        self.intent_headings = [
            (pattern, np.array([d.kind == "lesson" and bool(heading.search(d.section)) for d in docs]))
            for pattern, heading in ((_REMEDY, _REMEDY_HEADING), (_CHOICE, _CHOICE_HEADING))
        ]
        self.question_tokens = {q.id: set(self.tokenize([q.question])[0]) for q in questions}
        self.keyword_tokens = {q.id: set(self.tokenize([" ".join(q.keywords)])[0]) for q in questions}
        # Every word of a rule (triggers and expansions): a query word among them has synonyms.
        self.group_tokens = []
        for rule in _RULES:
            words = [p for p, _ in rule.triggers] + list(rule.expansions)
            self.group_tokens.append(set(self.tokenize([" ".join(words)])[0]))
        n = len(docs)
        df: dict[str, int] = {}
        for toks in self.doc_tokens[len(questions):] + [set(t) for t in tokens[: len(questions)]]:
            for t in toks:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.curated_sizes = {q.id: read_size(q.question) for q in questions}

    def _weight(self, doc: Doc) -> float:
        if doc.kind != "lesson":
            return 1.0
        if doc.lesson == SUMMARY_ID:
            return self.SUMMARY_WEIGHT
        if doc.section == self.titles.get(doc.lesson):
            return self.INTRO_WEIGHT
        return 1.0

    # -- text

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        """bm25s tokenization with the unit's stopwords and Snowball stemming (plus a few stem aliases)."""
        out = self._bm25s.tokenize([_clean_text(t) for t in texts], stopwords=list(STOPWORDS),
                                   stemmer=self.stemmer, return_ids=False, show_progress=False)
        return [[STEM_ALIASES.get(t, t) for t in doc if t not in self.filler_stems] for doc in out]

    # -- ranking

    def term_scores(self, terms: list[str]) -> Any:
        """BM25 score of every document for every term: array (n_terms, n_docs).

        A curated answer's score includes its question field's (see ``QUESTION_WEIGHT``).
        """
        np = self._np
        n = len(self.docs)
        out = np.zeros((len(terms), n))
        for k, t in enumerate(terms):
            if t in self.vocab:
                row = np.asarray(self.retriever.get_scores([t]), dtype=float)
                out[k] = row[:n]
                for i, q in enumerate(self.questions):
                    out[k, i] += self.QUESTION_WEIGHT * row[self.question_doc[q.id]]
        return out

    def rank(self, question: str) -> tuple[list[Hit], dict]:
        """Rank every document for a question.

        Returns:
            (hits sorted best first, analysis dict: ``terms`` (the question's content stems), ``known``
            (those the unit's vocabulary has, directly or through a synonym), ``coverage`` (share known),
            ``matched`` (idf share of the terms the best document contains), ``specificity`` (total idf of
            the known terms), ``outside`` (another part of the course the question names, or None) and
            ``own`` (the known terms that are not that other topic's name)).
        """
        np = self._np
        # "What does X mean?" asks for a meaning, not for the mean of the inputs.
        question = _MEAN_VERB.sub(" ", question)
        base, groups = expand_query_groups(question)
        original = list(dict.fromkeys(self.tokenize([base])[0]))
        outside, outside_words = _outside_topic(question)
        if not original:
            empty = {"terms": [], "known": [], "coverage": 0.0, "matched": 0.0, "specificity": 0.0,
                     "outside": outside, "own": []}
            return [Hit(d, 0.0) for d in self.docs], empty
        per_term = self.term_scores(original)
        # "Why" says the question wants a reason, which the "Why ..." sections give, but it says nothing
        # about the topic: at full weight it made every "why" course question a match for "why does
        # dropout work". The same for the verbs asking for a remedy ("prevent", "fix").
        term_weight = np.array([self.QUESTION_WORD_WEIGHT if t in QUESTION_WORDS | REMEDY_WORDS else 1.0
                                for t in original])
        scores = term_weight @ per_term
        matches = per_term > 0
        triggered = self._triggered(base)
        group_terms: list[set[str]] = []
        rules = _triggered_rules(base)
        for phrases, g_all, rule in zip(groups, triggered, rules):
            # A synonym phrase matches a document only with all its words ("feature scaling" is not
            # "features"); it is worth its words' mean score, and a group counts once, by its best phrase,
            # so five synonyms never outweigh the word the learner typed.
            best = np.zeros(len(self.docs))
            terms_of_group: set[str] = set()
            for phrase in phrases:
                words = list(dict.fromkeys(self.tokenize([phrase])[0]))
                terms = [t for t in words if t not in original]
                if not terms:
                    continue
                terms_of_group |= set(terms)
                ts = self.term_scores(words)
                new_rows = [k for k, t in enumerate(words) if t not in original]
                phrase_score = np.where((ts > 0).all(axis=0), ts[new_rows].mean(axis=0), 0.0)
                best = np.maximum(best, phrase_score)
            group_terms.append(terms_of_group)
            scores = scores + (self.ALIAS_WEIGHT if rule.alias else self.SYNONYM_WEIGHT) * best
            hit = best > 0
            for k, t in enumerate(original):
                if t in g_all:
                    matches[k] |= hit
        # On topic: a document that expresses every concept the question names through a synonym group
        # (one of its phrases, words side by side). Only related topics need it.
        on_topic = np.ones(len(self.docs), dtype=bool)
        for rule in rules:
            if not rule.alias:
                on_topic &= self._expresses(_RULES.index(rule))
        # Coordination: a document that contains the question's rare words beats one that repeats its
        # common words (idf-weighted share of the question's terms each document matches).
        idf_w = np.array([self.idf.get(t, self.max_idf) for t in original]) * term_weight
        match = (idf_w @ matches) / idf_w.sum()
        coord = match ** self.COORD_POWER
        weight = self.doc_weight
        if _DEFINITION.search(question) or _HOW_IT_WORKS.search(base):
            weight = self._definition_weight(self._namer(original, idf_w, group_terms, triggered), weight)
        elif _MECHANISM.search(base):
            weight = self._mechanism_weight(self._namer(original, idf_w, group_terms, triggered), weight)
        else:
            for pattern, headed in self.intent_headings:
                if pattern.search(base):
                    weight = self._intent_weight(self._namer(original, idf_w, group_terms, triggered), weight,
                                                 headed)
        scores = scores * coord * weight
        query = set(original)
        for i, d in enumerate(self.docs):
            if d.kind == "curated":
                scores[i] *= 1.0 + self.CURATED_BOOST * self._resemblance(d.qid, query)
        order = np.argsort(-scores, kind="stable")
        hits = [Hit(self.docs[i], float(scores[i]), float(match[i]), bool(on_topic[i])) for i in order]

        def synonyms_of(term: str) -> set[str]:
            # The triggered groups' tokens for a term that belongs to them.
            out: set[str] = set()
            for g_terms, g_all in zip(group_terms, triggered):
                if term in g_all:
                    out |= g_terms
            return out

        known = [t for t in original if t in self.vocab or synonyms_of(t) & self.vocab]
        idf = {t: self.idf.get(t, self.max_idf) for t in original}
        best_tokens = self.doc_tokens[order[0]]
        matched = sum(v for t, v in idf.items() if t in best_tokens or synonyms_of(t) & best_tokens)
        outside_terms = set(self.tokenize([outside_words])[0]) if outside_words else set()
        info = {
            "terms": original,
            "known": known,
            "coverage": len(known) / len(original),
            "matched": min(1.0, matched / (sum(idf.values()) or 1.0)),
            # How specific the known words are: a question made only of words found everywhere in the
            # unit ("network", "training") points nowhere in particular.
            "specificity": sum(idf[t] for t in known if t not in outside_terms),
            "outside": outside,
            # The question's words that are not the other topic's name ("L2 for logistic regression").
            "own": [t for t in known if t not in outside_terms],
        }
        return hits, info

    def _namer(self, original: list[str], idf_w: Any, group_terms: list[set[str]],
               triggered: list[set[str]]) -> Any:
        """A function giving the idf share of the question's terms that a set of tokens names.

        Args:
            original: the question's content terms; idf_w: their (weighted) idf.
            group_terms, triggered: the synonym tokens added per triggered rule and each rule's tokens, so
                that a heading naming a synonym names the term ("glorot": "Xavier and He").
        """
        alternatives = []
        for t in original:
            alt = {t}
            for g_terms, g_all in zip(group_terms, triggered):
                if t in g_all:
                    alt |= g_terms
            alternatives.append(alt)
        total = float(idf_w.sum()) or 1.0

        def share(tokens: set[str]) -> float:
            return sum(w for alt, w in zip(alternatives, idf_w) if alt & tokens) / total

        return share

    def _definition_weight(self, share: Any, weight: Any) -> Any:
        """Document weights for a definition question ("what is X?"): the place that defines X first.

        Args:
            share: from :meth:`_namer`.
            weight: the usual document weights.

        Returns:
            The weights to use instead.
        """
        np = self._np
        title_share = {lid: share(toks) for lid, toks in self.title_tokens.items()}
        named_lessons = [lid for lid, v in title_share.items() if v >= 1.0 and lid != SUMMARY_ID]
        weight = weight.copy()
        if named_lessons:
            # "What is dropout?": the introduction of the first lesson named after it says what it is; the
            # intros of later lessons named after it ("Understanding dropout") come next.
            first = min(named_lessons, key=self.order.get)
            for i, d in enumerate(self.docs):
                if self.is_intro[i] and d.lesson in named_lessons:
                    weight[i] = self.DEFINING_INTRO_WEIGHT if d.lesson == first else self.DEFINITION_INTRO_WEIGHT
        else:
            for i, d in enumerate(self.docs):
                if d.kind != "lesson":
                    continue
                if self.is_intro[i]:
                    if title_share[d.lesson] > 0:
                        weight[i] = self.DEFINITION_INTRO_WEIGHT
                elif share(self.heading_tokens[i]) > 0:
                    # "What is He initialization?": the section headed "...: Xavier and He" defines it.
                    named = share(self.heading_tokens[i] | self.title_tokens[d.lesson])
                    weight[i] *= 1 + self.DEFINITION_HEADING_BOOST * named
                if share(self.defined_tokens[i]) >= 1.0:
                    weight[i] *= self.DEFINING_SENTENCE_WEIGHT
        return np.where(self.is_curated_how, self.DEFINITION_CURATED_WEIGHT, weight)

    def _mechanism_weight(self, share: Any, weight: Any) -> Any:
        """Document weights for a question on why a method works ("why does L2 reduce overfitting?").

        The sections whose lesson title and heading name the method explain it; a course question that asks
        what to do about overfitting does not.
        """
        np = self._np
        weight = weight.copy()
        for i, d in enumerate(self.docs):
            if d.kind == "lesson":
                weight[i] *= 1 + self.MECHANISM_HEADING_BOOST * share(self.heading_tokens[i]
                                                                      | self.title_tokens[d.lesson])
        return np.where(self.is_curated_how, self.MECHANISM_CURATED_WEIGHT, weight)

    def _intent_weight(self, share: Any, weight: Any, headed: Any) -> Any:
        """Document weights for a question asking for a remedy or a choice ("how do I prevent exploding
        gradients?", "what epsilon should I use?"): the sections headed by one (``headed``), in proportion to
        how much of the question their lesson title and heading name ("What helps" in the lesson
        "Vanishing and exploding gradients"; "Choosing ε")."""
        weight = weight.copy()
        for i in self._np.flatnonzero(headed):
            d = self.docs[i]
            weight[i] *= 1 + self.INTENT_HEADING_BOOST * share(self.heading_tokens[i]
                                                               | self.title_tokens[d.lesson])
        return weight

    def _expresses(self, rule_index: int) -> Any:
        """Which documents contain one of a synonym group's phrases, its words side by side (cached)."""
        cached = self._concept_cache.get(rule_index)
        if cached is None:
            rule = _RULES[rule_index]
            phrases = [p for p, _ in rule.triggers] + list(rule.expansions)
            seqs = [t for t in self.tokenize(phrases) if t]
            cached = self._np.array([any(_contains(doc, seq) for seq in seqs) for doc in self.doc_sequences])
            self._concept_cache[rule_index] = cached
        return cached

    def _resemblance(self, qid: int, query: set[str]) -> float:
        """How much a query reads like course question ``qid``: the F1 of their shared words (the
        question's keywords count as question words for precision only)."""
        own = self.question_tokens[qid]
        if not own or not query:
            return 0.0
        recall = len(own & query) / len(own)
        precision = len((own | self.keyword_tokens[qid]) & query) / len(query)
        return 0.0 if recall + precision == 0 else 2 * recall * precision / (recall + precision)

    def _triggered(self, base: str) -> list[set[str]]:
        return [self.group_tokens[_RULES.index(rule)] for rule in _triggered_rules(base)]

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The ``k`` best documents for a question (curated answers and lesson sections)."""
        return [h for h in self.rank(question)[0][:k] if h.score > 0]

    def best_section(self, lesson_id: str, query: str) -> Doc | None:
        """The section of ``lesson_id`` that best matches ``query`` (its first section if none does)."""
        hits, _ = self.rank(query)
        for h in hits:
            if h.doc.kind == "lesson" and h.doc.lesson == lesson_id and h.score > 0:
                return h.doc
        for d in self.docs:
            if d.kind == "lesson" and d.lesson == lesson_id:
                return d
        return None

    #: A related topic scores at least this share of the best answer's score...
    RELATED_MIN_SHARE = 0.4
    #: ... and contains at least this idf share of the question's words: "why does dropout work" is not
    #: related to "why" course questions on the test set.
    RELATED_MIN_MATCH = 0.5

    def related(self, hits: list[Hit], exclude: set[str], limit: int = 3, top: float | None = None,
                min_match: float | None = None) -> list[str]:
        """Distinct topic lessons of the good hits (never the summary), best first.

        Args:
            hits: ranked hits.
            exclude: lesson ids to leave out (the answer's own).
            limit: at most this many.
            top: the best score of the question (default: the first hit's); hits far below it are weak.
            min_match: the idf share of the question's words a hit must contain (default
                :attr:`RELATED_MIN_MATCH`; 0 for the closest topics of a question the unit does not cover,
                whose other words are unknown anyway).
        """
        min_match = self.RELATED_MIN_MATCH if min_match is None else min_match
        out: list[str] = []
        best = hits[0].score if top is None and hits else (top or 0.0)
        for h in hits:
            if h.score <= 0 or h.score < self.RELATED_MIN_SHARE * best or len(out) >= limit:
                break
            lesson = h.doc.lesson
            if h.match < min_match or not h.on_topic:
                continue
            if lesson not in exclude and lesson not in out and lesson != SUMMARY_ID:
                out.append(lesson)
        return out


_ENGINES: dict[Any, Engine] = {}
_ENGINE_LOCK = threading.Lock()


def get_engine(source: Path | str | None = None) -> Engine:
    """The search engine, built on first use and cached (per lessons source).

    Args:
        source: a directory of lesson files (tests); default the installed lessons.
    """
    key = str(source) if source is not None else None
    with _ENGINE_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            from tutor.lessons import load_lessons

            engine = Engine(load_lessons(source), COURSE_QUESTIONS)
            _ENGINES[key] = engine
    return engine


# ----------------------------------------------------------------------------------- numbers in questions

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
    r"|(?P<sep>[,;:!?()]|\.(?=\s|$))"
)
_CLAUSE_WORDS = {"and", "but", "while", "whereas", "vs", "versus", "with", "although", "though"}
_LABELS = {
    "train": {"train", "training", "trainset", "train-set", "training-set"},
    "dev": {"dev", "development", "validation", "val", "valid", "holdout", "hold-out", "cv",
            "cross-validation", "devset", "dev-set", "validation-set"},
    "test": {"test", "testing", "test-set", "testset"},
    "train_dev": {"train-dev", "training-dev", "traindev", "train-dev-set"},
    "bayes": {"bayes", "human", "human-level", "humans", "optimal", "bayes-optimal", "expert", "experts"},
}
_LABEL_OF = {w: label for label, words in _LABELS.items() for w in words}
_DATA_WORDS = {"examples", "example", "samples", "sample", "images", "pictures", "photos", "data",
               "datapoints", "points", "records", "rows", "instances", "observations", "labelled", "labeled",
               "items", "documents", "utterances", "clips", "recordings", "cases", "entries", "datasets",
               "dataset"}
_SPLIT_WORDS = {"split", "splitting", "divide", "dividing", "partition", "allocate", "ratio", "ratios",
                "proportion", "proportions", "percentages", "dev", "test", "validation", "holdout",
                "hold-out"}
_GRAD_WORDS = {"gradient", "gradients", "grad", "gradcheck", "grad-check", "gradient-check", "backprop",
               "backpropagation", "derivative", "derivatives"}
_DIFF_WORDS = {"difference", "diff", "relative", "discrepancy", "gives", "got", "get", "reports", "returns",
               "result", "shows", "says"}
_EPS_WORDS = {"epsilon", "eps"}
_ACC_WORDS = {"accuracy", "accurate", "accuracies", "correct"}
_ERR_WORDS = {"error", "errors", "err", "misclassification", "mistakes"}


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
    t = _clean_text(text).replace("×", "x")
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
    pos: int
    value: float = 0.0
    suffix: str = ""
    grouped: bool = False


def _tokens(text: str) -> list[_Tok]:
    toks = []
    for i, m in enumerate(_TOKEN.finditer(text)):
        if m.group("num"):
            raw = m.group("num")
            try:
                value = float(raw.replace(",", ""))
            except ValueError:
                continue
            if not math.isfinite(value):  # a 310-digit number: too large to be a size, an error or a step
                continue
            suf = re.sub(r"\s+", "", m.group("suf") or "")
            toks.append(_Tok("num", raw, i, value, suf, "," in raw))
        elif m.group("word"):
            toks.append(_Tok("word", m.group("word"), i))
        else:
            toks.append(_Tok("sep", m.group("sep"), i))
    return toks


def _is_percent(tok: _Tok) -> bool:
    return tok.suffix in ("%", "pct") or tok.suffix.startswith("per")


def _is_size(tok: _Tok, toks: list[_Tok], i: int) -> bool:
    if tok.suffix in _SCALES:
        return True
    if tok.grouped:
        return True
    if "e" in tok.text and tok.value >= 100:
        return True
    if _is_percent(tok) or tok.value != int(tok.value) or tok.value < 10:
        return False
    following = [t.text for t in toks[i + 1: i + 4] if t.kind == "word"]
    preceding = [t.text for t in toks[max(0, i - 2): i] if t.kind == "word"]
    return bool(set(following) & _DATA_WORDS) or "m" in preceding


def read_size(text: str) -> int | None:
    """The dataset size a question mentions (``"2 million examples"``, ``"2M"``, ``"50k"``, ``"1e6"``).

    Returns:
        The number of examples, or None when the question gives none.
    """
    toks = _tokens(normalize_numbers(text))
    for i, tok in enumerate(toks):
        if tok.kind == "num" and _is_size(tok, toks, i):
            value = tok.value * _SCALES.get(tok.suffix, 1.0)
            if math.isfinite(value) and value >= 1 and value == round(value):
                return int(round(value))
    return None


def read_errors(text: str) -> dict[str, Any] | None:
    """The error rates a question gives, by set: ``{"train": 0.01, "dev": 0.11, ...}``, or None.

    Understands "train error 1%, dev 11%", "0.5% training and 7% dev", "training error is 0.01 and dev error
    0.11", "one percent train, eleven percent dev", accuracies ("99% train accuracy") and the Bayes/human
    level, train-dev and test errors. Bare numbers are percents when any number in the question is above 1
    or carries a %, fractions otherwise.

    Returns:
        ``{"errors": {set: fraction}, "raw": {set: text as read}, "accuracy": bool}``; None when no number
        could be tied to a set.
    """
    toks = _tokens(normalize_numbers(text))
    words = {t.text for t in toks if t.kind == "word"}
    accuracy = bool(words & _ACC_WORDS) and not bool(words & _ERR_WORDS)
    # Clauses: split at punctuation and at conjunctions.
    clause, clause_of = 0, []
    for t in toks:
        if t.kind == "sep" or (t.kind == "word" and t.text in _CLAUSE_WORDS):
            clause += 1
        clause_of.append(clause)
    labels = [(i, _LABEL_OF[t.text]) for i, t in enumerate(toks)
              if t.kind == "word" and t.text in _LABEL_OF]
    nums = []
    for i, t in enumerate(toks):
        if t.kind != "num" or _is_size(t, toks, i) or "e-" in t.text:
            continue
        if t.value > 100 and not _is_percent(t):
            continue
        if i > 0 and toks[i - 1].kind == "word" and toks[i - 1].text in _EPS_WORDS | {"lambda", "keep_prob"}:
            continue
        nums.append(i)
    if not labels or not nums:
        return None
    pairs: dict[int, int] = {}  # num index -> label position in `labels`
    used_labels: set[int] = set()
    for c in sorted(set(clause_of)):
        ls = [k for k, (i, _) in enumerate(labels) if clause_of[i] == c]
        ns = [i for i in nums if clause_of[i] == c]
        if ls and len(ls) == len(ns):
            for k, i in zip(ls, ns):
                pairs[i] = k
                used_labels.add(k)
    rest_l = [k for k in range(len(labels)) if k not in used_labels]
    rest_n = [i for i in nums if i not in pairs]
    if rest_n and len(rest_l) == len(rest_n):
        for k, i in zip(rest_l, rest_n):
            pairs[i] = k
    elif rest_n and rest_l:
        for i in rest_n:
            free = [k for k in rest_l if k not in pairs.values()]
            if not free:
                break
            # The nearest free label, the one before the number on a tie ("train 1% 2% dev").
            k = min(free, key=lambda k, i=i: (abs(labels[k][0] - i), labels[k][0] > i))
            pairs[i] = k
    if not pairs:
        return None
    any_percent = any(_is_percent(toks[i]) or toks[i].value > 1 for i in pairs)
    errors: dict[str, float] = {}
    raw: dict[str, str] = {}
    for i, k in sorted(pairs.items()):
        label = labels[k][1]
        if label in errors:
            continue
        t = toks[i]
        value = t.value / 100 if (_is_percent(t) or any_percent) else t.value
        if not 0 <= value <= 1:
            return None
        errors[label] = 1 - value if accuracy else value
        raw[label] = t.text + ("%" if _is_percent(t) else "")
    return {"errors": errors, "raw": raw, "accuracy": accuracy}


def read_difference(text: str) -> float | None:
    """The gradient-check difference a question reports ("difference 3e-4", "grad check gives 2 x 10^-7").

    Returns:
        The difference, or None when the question is not about a gradient check result.
    """
    toks = _tokens(normalize_numbers(text))
    words = {t.text for t in toks if t.kind == "word"}
    has_grad = bool(words & _GRAD_WORDS)
    if not has_grad:
        return None
    if words & _EPS_WORDS and not words & {"difference", "diff", "discrepancy"}:
        return None  # a question about epsilon itself, not a result
    candidates = []
    for i, t in enumerate(toks):
        if t.kind != "num" or _is_percent(t) or t.suffix:
            continue
        before = [x.text for x in toks[max(0, i - 2): i] if x.kind == "word"]
        if set(before) & _EPS_WORDS:
            continue
        if "e-" in t.text or 0 < t.value < 0.1:
            near_diff = any(x.kind == "word" and x.text in _DIFF_WORDS for x in toks[max(0, i - 4): i])
            candidates.append((not near_diff, i, t.value))
    if not candidates:
        return None
    return sorted(candidates)[0][2]


# ------------------------------------------------------------------------------------------ the answering


def _pct(x: float) -> str:
    return f"{round(x * 100, 6):g}%"


_LABEL_NAMES = {"train": "train error", "dev": "dev error", "bayes": "Bayes (human-level) error",
                "train_dev": "train-dev error", "test": "test error"}


def _strip_markdown(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return text.replace("**", "").replace("__", "").replace("`", "")


#: Widest line of a code block an answer may quote (indent included): wider ones wrap into a mess in the
#: terminal and in the app's answer panel, so they are left out like tables.
CODE_WIDTH = 72
#: Longest code block an answer may quote, in lines.
CODE_LINES = 8


def _blocks(text: str) -> list[tuple[str, str]]:
    """A section's blocks in order as (text, kind), kind ``prose``, ``code`` or ``table``: prose paragraphs
    with Markdown emphasis removed and list items on their own lines, code blocks indented by four spaces,
    tables as their rows (answers leave them out); headings are dropped."""
    blocks: list[tuple[str, str]] = []
    lines: list[str] = []
    fenced = False
    in_table = False

    def flush(kind: str) -> None:
        if lines:
            if kind == "code":
                blocks.append(("\n".join("    " + ln.rstrip() for ln in lines), "code"))
            elif kind == "table":
                blocks.append(("\n".join(ln.strip() for ln in lines), "table"))
            else:
                items = []
                for ln in lines:
                    if ln.startswith(("- ", "* ")) or not items:
                        items.append(ln)
                    else:
                        items[-1] += " " + ln
                blocks.append(("\n".join(_strip_markdown(it) for it in items), "prose"))
            lines.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            flush("code" if fenced else "prose")
            fenced = not fenced
            continue
        if fenced:
            lines.append(line)
            continue
        if stripped.startswith("|") != in_table:
            flush("table" if in_table else "prose")
            in_table = not in_table
        if in_table:
            if not re.fullmatch(r"\|[\s:|-]+\|?", stripped):  # the |---|---| rule says nothing
                lines.append(stripped)
            continue
        if not stripped or stripped.startswith("#"):
            flush("prose")
            continue
        lines.append(stripped)
    flush("code" if fenced else "table" if in_table else "prose")
    return [b for b in blocks if b[0].strip()]


#: Where a wide formula line may break: before a "+" or "−" set off by two spaces ("L(ŷ, y)  +  (λ/2m)...").
_FORMULA_BREAK = re.compile(r"\s{2,}(?=[+−-]\s)")


def _wrap_formula(line: str) -> list[str]:
    """A formula line wider than :data:`CODE_WIDTH` broken before its spaced-out "+" or "−" terms, each
    continuation aligned under the first "=" (``J = A`` / ``  + B``); the line as it is if it has no such
    break that makes it fit."""
    if len(line) <= CODE_WIDTH:
        return [line]
    breaks = [m for m in _FORMULA_BREAK.finditer(line) if m.start() <= CODE_WIDTH and line[:m.start()].strip()]
    if not breaks:
        return [line]
    cut = breaks[-1]
    equals = line.find(" = ")
    indent = equals + 1 if 0 <= equals < cut.start() else len(line) - len(line.lstrip()) + 4
    return [line[:cut.start()].rstrip()] + _wrap_formula(" " * indent + line[cut.end():])


def _quotable(block: tuple[str, str]) -> tuple[str, str] | None:
    """The block as an answer may quote it, or None: prose as it is; a short code block (a formula) if it
    fits in :data:`CODE_WIDTH` columns, with its trailing comments dropped if that makes it fit, and then
    its long sums broken before a "+" (see :func:`_wrap_formula`); never a table, whose rows wrap into a
    mess in a narrow panel."""
    text, kind = block
    if kind == "prose":
        return block
    if kind != "code" or len(text.split("\n")) > CODE_LINES:
        return None
    bare = "\n".join(re.sub(r"\s{2,}#.*$", "", ln) for ln in text.split("\n"))
    wrapped = "\n".join(part for ln in bare.split("\n") for part in _wrap_formula(ln))
    for candidate in (text, bare, wrapped):
        lines = candidate.split("\n")
        if len(lines) <= CODE_LINES and max(len(ln) for ln in lines) <= CODE_WIDTH:
            return candidate, kind
    return None


#: The last sentence of a paragraph, when it announces what follows ("... the engine's actual draws:").
_ANNOUNCING = re.compile(r"(?:^|(?<=[.!?)])\s+)[^.!?]*:\s*$")
#: A sentence that points at something shown next ("Here is the engine's normalizer applied to...").
_POINTING = re.compile(r"(?:^|(?<=[.!?)])\s+)(?:Here (?:is|are)|The following|Below)\b[^.!?]*[.!?]?\s*$")
#: The last sentence of a paragraph, however it ends (to drop one that a formula finishes).
_LAST_SENTENCE = re.compile(r"(?:^|(?<=[.!?)])\s+)[^.!?]*$")
#: How a finished sentence ends: ".", "!", "?" or "…", maybe inside quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
#: A list item (a line of its own in a prose block): it may end without a full stop.
_LIST_ITEM = re.compile(r"^(?:[-*]|\d+[.)])\s")


def _leads_on(text: str) -> bool:
    """Whether a paragraph ends by leading on to what follows it: a sentence ending in ':' ("... the
    regularized cost adds the squared norm of w:") or one that a formula block finishes ("Each layer
    computes a[l] = W[l]·a[l−1], so the output is simply"). A list item need not end with a full stop."""
    last = text.rstrip().split("\n")[-1].strip()
    if last.endswith(":"):
        return True
    return bool(last) and not _LIST_ITEM.match(last) and not _SENTENCE_END.search(last)


def _without_announcement(text: str) -> str:
    """A paragraph without its closing sentences that announce or point at a table or figure, or that a
    formula was to finish ("" if that is all it says)."""
    text = text.rstrip()
    while True:
        trimmed = _ANNOUNCING.sub("", text).rstrip()
        trimmed = _POINTING.sub("", trimmed).rstrip()
        if trimmed and _leads_on(trimmed):
            trimmed = _LAST_SENTENCE.sub("", trimmed).rstrip()
        if trimmed == text:
            return text
        text = trimmed


def _excerpt(engine: Engine, doc: Doc, question: str, limit: int = 900) -> str:
    """The paragraph of a section that best answers the question, with what it introduces (a paragraph
    ending in ':' or in a sentence that a formula finishes brings the formula) and, when short, the
    paragraph after it. Plain text: tables and wide code blocks are left out, and so is the sentence that
    announces one ("The engine's draws:") or that one was to finish: an answer never ends mid-sentence."""
    blocks = _blocks(doc.text)
    if doc.section == engine.titles.get(doc.lesson):
        # A lesson's introduction is short: continue into its first section's first paragraph, with the
        # blocks that paragraph leads on to ("... so the output is simply" and its formula).
        following = [d for d in engine.docs if d.kind == "lesson" and d.lesson == doc.lesson]
        k = following.index(doc) if doc in following else -1
        if 0 <= k < len(following) - 1:
            more = _blocks(following[k + 1].text)
            first = next((j for j, b in enumerate(more) if b[1] == "prose"), len(more))
            end = first + 1
            while end < len(more) and _leads_on(more[end - 1][0]):
                end += 1
            blocks += more[first:end]
    # A paragraph announcing something the answer leaves out (a table, or a caption that was itself left
    # out) loses its announcing sentences; a paragraph that is nothing but an announcement is dropped.
    kept: list[tuple[str, str]] = []
    next_dropped = False
    for block in reversed(blocks):
        quoted = _quotable(block)
        if quoted is not None and quoted[1] == "prose" and _leads_on(quoted[0]) and (next_dropped or not kept):
            quoted = (_without_announcement(quoted[0]), "prose")
            quoted = quoted if quoted[0] else None
        next_dropped = quoted is None
        if quoted is not None:
            kept.append(quoted)
    blocks = kept[::-1]
    prose = [i for i, (_, kind) in enumerate(blocks) if kind == "prose"]
    if not prose:  # no lesson section is like this; keep the answer plain text all the same
        lines = [ln.strip() for ln in _strip_markdown(doc.text).split("\n")]
        return " ".join(ln for ln in lines if ln and not ln.startswith(("|", "```", "#")))[:limit]
    terms = set(engine.tokenize([expand_query(question)[0]])[0])
    # For "what is X?", the paragraph that says "X is ..." is the answer.
    definition = bool(_DEFINITION.search(question))

    def score(i: int) -> float:
        toks = set(engine.tokenize([blocks[i][0]])[0])
        found = sum(engine.idf.get(t, 0.0) for t in terms & toks)
        if definition and terms & set(engine.tokenize([" ; ".join(_defined_subjects(blocks[i][0]))])[0]):
            found += engine.max_idf
        return found

    best = max(prose, key=lambda i: (score(i), -i))
    chosen = [best]
    followed = False  # whether a short answer was continued with the next paragraph (once at most)
    while True:
        nxt = chosen[-1] + 1
        if nxt >= len(blocks):
            break
        if blocks[chosen[-1]][1] == "prose" and _leads_on(blocks[chosen[-1]][0]):
            chosen.append(nxt)
            continue
        said = sum(len(blocks[i][0].strip()) for i in chosen if blocks[i][1] == "prose")
        if not followed and said < 250 and blocks[nxt][1] == "prose":
            chosen.append(nxt)
            followed = True
            continue
        break
    # A paragraph that announces something ("...like this:") without it is left out, and a lone one loses
    # the sentence that leads on.
    while len(chosen) > 1 and blocks[chosen[-1]][1] == "prose" and _leads_on(blocks[chosen[-1]][0]):
        chosen.pop()
    parts = [blocks[i][0] for i in chosen]
    if blocks[chosen[-1]][1] == "prose" and _leads_on(parts[-1]):
        parts[-1] = _without_announcement(parts[-1]) or parts[-1]
    text = "\n\n".join(parts)
    if len(text) > limit:
        cut = text[:limit]
        end = max(cut.rfind(". "), cut.rfind(".\n"))
        text = cut[: end + 1] if end > limit // 3 else cut.rstrip() + "..."
    return text


def _source(doc: Doc | None) -> dict:
    if doc is None:
        return {"lesson": None, "section": None}
    return {"lesson": doc.lesson, "section": doc.section}


def _confidence(hits: list[Hit], info: dict) -> float:
    """A calibrated confidence in [0, 1] from how much of the question the unit covers and the best match."""
    if not hits or hits[0].score <= 0 or not info["terms"]:
        return 0.0
    top = hits[0].score
    second = hits[1].score if len(hits) > 1 else 0.0
    margin = (top - second) / top if top > 0 else 0.0
    # Scores of a good match on this corpus are about 2 to 10 (median about 5); saturate.
    strength = 1 - math.exp(-top / 4.0)
    conf = 0.45 * info["matched"] + 0.25 * info["coverage"] + 0.2 * strength + 0.1 * margin
    conf *= min(1.0, info["specificity"] / (2 * MIN_SPECIFICITY))
    return max(0.0, min(1.0, conf))


#: Below this confidence the answer is "I don't know that one".
MIN_CONFIDENCE = 0.4
#: Below this share of the question's content words found in the unit, the answer is "I don't know".
MIN_COVERAGE = 0.5
#: Below this total idf of the question's known words (one word found in about a third of the sections,
#: like "network" or "training"), the question does not point at any part of the unit.
MIN_SPECIFICITY = 1.0


def _unknown(question: str, engine: Engine, hits: list[Hit], info: dict, confidence: float) -> Answer:
    # Closest topics by the question's own words; a question only about another course has none. The text
    # stays free of CLI commands: the app shows it too (render_answer adds them for the terminal).
    about_unit = hits and hits[0].score > 0 and not (info.get("outside") and not info.get("own"))
    related = engine.related(hits, exclude=set(), limit=3, min_match=0.0) if about_unit else []
    lines = [UNKNOWN_TEXT]
    if info.get("outside"):
        lines[0] += f" It is not part of this unit (it belongs to {info['outside']})."
    else:
        lines[0] += (" I only know the unit 'Practical aspects of deep learning', and I could not find this "
                     "in it.")
    if related:
        lines.append("Closest topics: " + "; ".join(engine.titles.get(r, r) for r in related) + ".")
    return Answer(question, "\n".join(lines), "unknown", _source(None), round(confidence, 3), related)


def _answer_diagnosis(question: str, read: dict, engine: Engine) -> Answer | None:
    errors = read["errors"]
    if "train" not in errors or "dev" not in errors:
        return None
    from core.diagnose import diagnose, render_diagnosis

    d = diagnose(errors["train"], errors["dev"], bayes_error=errors.get("bayes"),
                 train_dev_error=errors.get("train_dev"), test_error=errors.get("test"))
    order = ["bayes", "train", "train_dev", "dev", "test"]
    said = ", ".join(f"{_LABEL_NAMES[k]} {_pct(errors[k])}" for k in order if k in errors)
    if read["accuracy"]:
        said += " (from the accuracies you gave)"
    text = f"I read {said}.\n\n{render_diagnosis(d)}"
    section = engine.best_section("bias-variance", "reading bias and variance from training and dev error")
    details = {"numbers_read": {k: errors[k] for k in order if k in errors}, "as_written": read["raw"],
               "diagnosis": d.to_dict()}
    return Answer(question, text, "diagnosis", _source(section), 0.95, ["basic-recipe", "regularization"],
                  details=details)


def _answer_split(question: str, m: int, engine: Engine, hits: list[Hit]) -> Answer:
    from core.diagnose import render_split, split_advice

    advice = split_advice(m)
    section = engine.best_section("train-dev-test", "split ratios small big data dev test size")
    table = render_split(advice)
    details = {"numbers_read": {"m": m}, "split": advice.to_dict()}
    # The course question on exactly this size has a curated answer: give it first.
    curated = [h for h in hits if h.doc.kind == "curated"]
    if curated and engine.curated_sizes.get(curated[0].doc.qid) == m:
        q = engine.questions[curated[0].doc.qid - 1]
        text = f"{q.answer}\n\nThe engine's split for {m:,} examples:\n{table}"
        return Answer(question, text, "curated", _source(section), 0.95, list(q.lessons[1:]),
                      course_question=q.id, details=details)
    text = f"I read {m:,} examples.\n\n{table}"
    return Answer(question, text, "split", _source(section), 0.9, ["bias-variance"], details=details)


def _answer_gradcheck(question: str, diff: float, engine: Engine) -> Answer:
    from core.gradcheck import verdict_band

    band = verdict_band(diff)
    section = engine.best_section("gradient-checking", "difference threshold 1e-7 bug verdict")
    verdicts = {"right": "the gradient is right", "look": "look carefully", "bug": "probably a bug"}
    text = (f"I read a gradient-check difference of {diff:.3g} (relative difference, epsilon 1e-7).\n\n"
            f"Verdict: {verdicts.get(band.name, band.name)}: {band_wording(diff, band.label)}.\n"
            f"{band.advice[:1].upper() + band.advice[1:]}.")
    details = {"numbers_read": {"difference": diff}, "band": band.to_dict()}
    return Answer(question, text, "gradcheck", _source(section), 0.9, ["numerical-gradients"],
                  details=details)


def band_wording(diff: float, label: str) -> str:
    """Where a difference falls, exact at the band edges (:func:`core.bands.describe`: 1e-3 itself is "at
    1e-3", not "above 1e-3").

    Args:
        diff: the relative difference.
        label: the band's label, used for a difference that is not finite.
    """
    from core.bands import describe

    return describe(diff) if math.isfinite(diff) else label


#: Longer text is not a question (and the query expansion's patterns would take seconds on it).
MAX_QUESTION = 2000



def course_number(text: str) -> int | None:
    """The course question a submitted text asks for (a lone digit 1-9), or None (the CLI and the Ask
    screen share this rule)."""
    text = text.strip()
    return int(text) if len(text) == 1 and text in "123456789" else None

def answer(question: str, source: Path | str | None = None) -> Answer:
    """Answer one free-form question on the unit.

    Args:
        question: the question, in any words.
        source: a directory of lesson files (tests); default the installed lessons.

    Returns:
        An :class:`Answer`; ``kind`` says where it came from, ``unknown`` when the unit does not cover it.

    Raises:
        TutorError: for an empty question.
    """
    if not isinstance(question, str) or not question.strip():
        raise TutorError("question", "empty question", "a question about the unit, e.g. 'what is dropout?'")
    question = question.strip()
    if re.fullmatch(r"[0-9]+", question):
        # Not a question: the UIs read 1-9 as the course questions before asking (the app's Ask screen,
        # `dltutor ask 3`), and nothing else is read into a bare number (it used to get a confident answer
        # from whichever section held it).
        raise TutorError("question", f"a number on its own is not a question, and {question} is not a course "
                         "question number", "a question in words; the shortcuts for the course questions are "
                         f"1-{len(COURSE_QUESTIONS)}")
    if len(question) > MAX_QUESTION:
        raise TutorError("question", f"{len(question):,} characters is too long to be one question",
                         f"at most {MAX_QUESTION:,} characters")
    engine = get_engine(source)

    diff = read_difference(question)
    if diff is not None:
        return _answer_gradcheck(question, diff, engine)
    read = read_errors(question)
    if read is not None:
        diagnosed = _answer_diagnosis(question, read, engine)
        if diagnosed is not None:
            return diagnosed
    hits, info = engine.rank(question)
    m = read_size(question)
    if m is not None:
        words = set(re.findall(r"[a-z][a-z\-]*", question.lower()))
        if words & (_SPLIT_WORDS | _DATA_WORDS):
            try:
                return _answer_split(question, m, engine, hits)
            except TutorError:
                pass  # an impossible size: answer from the lessons instead
    return _answer_search(question, engine, hits, info)


def _answer_search(question: str, engine: Engine, hits: list[Hit], info: dict) -> Answer:
    confidence = _confidence(hits, info)
    if (not hits or hits[0].score <= 0 or info["coverage"] < MIN_COVERAGE or confidence < MIN_CONFIDENCE
            or info["specificity"] < MIN_SPECIFICITY or (info["outside"] and not info["own"])):
        return _unknown(question, engine, hits, info, confidence)
    top = hits[0].doc
    if top.kind == "curated":
        q = engine.questions[top.qid - 1]
        section = _best_of_lessons(engine, hits, q.lessons)
        src_lesson = section.lesson if section else q.lessons[0]
        related = [x for x in q.lessons if x != src_lesson]
        related += engine.related(hits, exclude={src_lesson, *related}, limit=2)
        return Answer(question, q.answer, "curated", _source(section), round(confidence, 3), related[:4],
                      course_question=q.id)
    text = _excerpt(engine, top, question)
    related = engine.related(hits[1:], exclude={top.lesson}, limit=3, top=hits[0].score)
    return Answer(question, text, "lesson", _source(top), round(confidence, 3), related)


def _best_of_lessons(engine: Engine, hits: list[Hit], lessons: tuple[str, ...]) -> Doc | None:
    for h in hits:
        if h.doc.kind == "lesson" and h.doc.lesson in lessons and h.score > 0:
            return h.doc
    for d in engine.docs:
        if d.kind == "lesson" and d.lesson == lessons[0]:
            return d
    return None


def render_answer(a: Answer) -> str:
    """Plain text for the terminal: the answer, where to read on (as ``dltutor`` commands), the confidence."""
    lines = []
    if a.course_question:
        course = COURSE_QUESTIONS[a.course_question - 1]
        lines.append(f"Course question {a.course_question}: {course.question}")
        lines.append("")
    lines.append(a.answer)
    lines.append("")
    if a.source.get("lesson"):
        lines.append(f"Read on: lesson {a.source['lesson']}, section \"{a.source['section']}\" "
                     f"(dltutor lesson {a.source['lesson']})")
    if a.kind == "unknown":
        if a.related:
            lines.append("Read on: " + ", ".join(f"dltutor lesson {r}" for r in a.related))
        else:
            lines.append("See the topics I cover with `dltutor lessons`, or the course questions with "
                         "`dltutor ask --list`.")
    elif a.related:
        lines.append("Related: " + ", ".join(a.related))
    lines.append(f"({a.kind}, confidence {a.confidence:.2f})")
    return "\n".join(lines)
