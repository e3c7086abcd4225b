"""Answering one question: numbers first, then the topic check, then the bank, with an honest "not sure".

1. **Numbers.** A gradient-check difference ("difference 3e-4") gets the verdict band of
   :func:`core.gradcheck.verdict_band`; error rates or accuracies by set ("99% on training, 80% on dev") the
   diagnosis of :func:`core.diagnose.diagnose`; a dataset size with a split question the advice of
   :func:`core.split.split_advice`. The answer says which numbers it read.
2. **Topic.** A question about a topic taught elsewhere (Adam, batch norm, CNNs...) that names nothing of this
   unit is declined with where it is taught (:meth:`tutor.ask.vocab.Vocabulary.outside_topic`).
3. **The bank.** The entries are ranked (:class:`tutor.ask.index.Index`); the confidence comes from how much
   of the question the best entry accounts for and how far ahead of a different section it is. A weak match,
   or two sections neck and neck, gets "not sure" with the closest entries instead of a guess.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from dltutor.core.errors import TutorError
from dltutor.tutor.ask import numeric
from dltutor.tutor.ask.answer import COURSE_QUESTIONS, Answer
from dltutor.tutor.ask.answer import source_of as _source
from dltutor.tutor.ask.bank import Entry, load_bank
from dltutor.tutor.ask.index import Index, Ranking
from dltutor.tutor.ask.vocab import vocabulary

UNKNOWN_TEXT = "I don't know that one."
#: Longer text is not a question.
MAX_QUESTION = 2000
#: Below this confidence the tutor says it is not sure and offers the closest entries.
MIN_CONFIDENCE = 0.4
#: Below this share of the question's words found anywhere in the bank, the unit does not cover it.
MIN_KNOWN = 0.5
#: The information (total idf of its known words) of a question specific enough for full confidence: about
#: two distinctive words. A lone common word ("layers", "numbers") is answered only when nothing else is close.
FULL_INFORMATION = 8.0
RELATED = 3

class Engine:
    """The bank, its index and the lesson titles, built once per lessons source (:func:`get_engine`)."""

    def __init__(self, source: Path | str | None = None) -> None:
        from dltutor.tutor.ask.bank import lesson_headings

        self.entries = load_bank(source, strict=False)
        self.by_id = {e.id: k for k, e in enumerate(self.entries)}
        self.index = Index(self.entries, vocabulary())
        #: {lesson id: "N · Title"} of the course's lessons, for the screens (no lesson loading needed)
        self.lesson_names = {lid: f"{order} · {title}" for lid, (title, _, order) in lesson_headings(source).items()}

    def entry(self, entry_id: str) -> Entry:
        try:
            return self.entries[self.by_id[entry_id]]
        except KeyError:
            raise TutorError("entry", f"no entry {entry_id!r}", "an id from the answer bank") from None

    def related(self, entry: Entry | None, ranking: Ranking | None, limit: int = RELATED) -> list[str]:
        """The entry's own follow-ups first, then the next best matches of the question (other entries)."""
        out: list[str] = []
        if entry is not None:
            out += [r for r in entry.related if r in self.by_id and r != entry.id]
        if ranking is not None:
            for k in ranking.order[1:]:
                e = self.entries[k]
                if e.id not in out and (entry is None or e.id != entry.id):
                    out.append(e.id)
                if len(out) >= limit:
                    break
        return out[:limit]


_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def get_engine(source: Path | str | None = None) -> Engine:
    """The engine for a lessons source, built on first use (about half a second) and cached."""
    key = str(source)
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = Engine(source)
        return _ENGINES[key]


def confidence(ranking: Ranking, engine: Engine) -> float:
    """How sure the top entry answers the question, in [0, 1].

    Built from the share of the question the best phrasing accounts for (most of the weight), the share the
    whole entry accounts for, and the lead over the best entry of *another section* (two sections close
    means the question could be either).
    """
    if ranking.exact:
        return 1.0
    if not ranking.order:
        return 0.0
    top = engine.entries[ranking.order[0]]
    rival = next((s for k, s in zip(ranking.order[1:], ranking.scores[1:])
                  if (engine.entries[k].topic, engine.entries[k].section) != (top.topic, top.section)), 0.0)
    lead = (ranking.scores[0] - rival) / ranking.scores[0] if ranking.scores[0] > 0 else 0.0
    conf = 0.5 * ranking.coverage + 0.3 * ranking.reach + 0.4 * min(1.0, 2 * lead)
    # words of the question that the bank never uses ("bake bread", a topic of lessons not installed) make
    # any match less sure
    conf *= min(1.0, ranking.information / FULL_INFORMATION)
    return max(0.0, min(1.0, conf * ranking.known))


def answer_entry(entry_id: str, question: str | None = None, source: Path | str | None = None,
                 ranking: Ranking | None = None, conf: float = 1.0) -> Answer:
    """The answer of one bank entry (a related entry picked in the app, or the best match of a question)."""
    engine = get_engine(source)
    e = engine.entry(entry_id)
    kind = "course" if e.course_question else "bank"
    related = engine.related(e, ranking)
    from dltutor.tutor.ask.opener import shown_answer

    text = shown_answer(e.answer, question, e.question, engine.index.vocab.tokens)
    return Answer(question or e.question, text, kind, _source(e.topic, e.section), round(conf, 3), related,
                  e.id, e.course_question, related_questions=[engine.entry(r).question for r in related])


def course_number(text: str) -> int | None:
    """The course question a submitted text asks for (a lone digit 1-9), or None (the CLI and the Ask
    screen share this rule)."""
    text = text.strip()
    return int(text) if len(text) == 1 and text in "123456789" else None


def _checked(question: Any) -> str:
    if not isinstance(question, str) or not question.strip():
        raise TutorError("question", "empty question", "a question about the unit, e.g. 'what is dropout?'")
    question = question.strip()
    if question.isdigit():
        # the UIs read 1-9 as the course questions before asking; nothing else is read into a bare number
        raise TutorError("question", f"a number on its own is not a question, and {question[:20]} is not a "
                         "course question number", "a question in words; the shortcuts for the course "
                         "questions are 1-9")
    if len(question) > MAX_QUESTION:
        raise TutorError("question", f"{len(question):,} characters is too long to be one question",
                         f"at most {MAX_QUESTION:,} characters")
    return question


def answer(question: str, source: Path | str | None = None) -> Answer:
    """Answer one free-form question on the unit.

    Args:
        question: the question, in any words (1-9 alone are shortcuts the UIs resolve first).
        source: a lessons directory (tests); default the installed lessons and bank.

    Returns:
        An :class:`Answer`.

    Raises:
        TutorError: an empty, numeric-only or overlong question.
    """

    question = _checked(question)
    engine = get_engine(source)
    ranking = engine.index.search(question)
    if ranking.exact:  # one of the bank's own phrasings (a course question, a related question picked)
        return answer_entry(engine.entries[ranking.order[0]].id, question, source, ranking, 1.0)
    asked = question
    question = engine.index.prepare(question)
    ranking = engine.index.search(question)
    if ranking.exact:
        return answer_entry(engine.entries[ranking.order[0]].id, asked, source, ranking, 1.0)
    computed = numeric.answer_numbers(question, engine)
    if computed is not None:
        computed.question = asked
        return computed
    where, names = engine.index.vocab.outside_topic(question)
    if where is not None:
        return _unknown(asked, engine, None, 0.0, outside=(where, names))
    if engine.index.vocab.outside_mentions(question)[0] is not None:
        # a unit question naming another course's topic: rank on the unit's part ("batch norm" is not the
        # Frobenius norm)
        ranking = engine.index.search(engine.index.vocab.without_outside(question), exact=False)
    conf = confidence(ranking, engine)
    if not ranking.order or ranking.known < MIN_KNOWN:
        return _unknown(asked, engine, ranking, conf)
    if conf < MIN_CONFIDENCE:
        return _unsure(asked, engine, ranking, conf)
    top = engine.entries[ranking.order[0]]
    return _flag_outside(answer_entry(top.id, asked, source, ranking, conf), question, engine)


def _flag_outside(a: Answer, question: str, engine: Engine) -> Answer:
    """A unit question that also names a topic taught elsewhere ("does dropout work with batch norm?"): the
    answer covers the unit's part, and one sentence says where the other topic is taught."""
    where, names = engine.index.vocab.outside_mentions(question)
    if where is None or where in a.answer:
        return a
    named = names[:1].upper() + names[1:]
    if where.startswith("outside"):
        note = (f"{named} itself is not covered in this unit or elsewhere in this tutor; the answer above is this "
                "unit's part.")
    else:
        note = (f"{named} itself is not part of this unit (Practical aspects of deep learning); it is taught in "
                f"{where}. The answer above covers this unit's part.")
    a.answer = f"{a.answer}\n\n{note}"
    a.details = {**a.details, "outside": where, "named": names}
    return a


def _closest(engine: Engine, ranking: Ranking, limit: int = RELATED) -> list[str]:
    """The best entries of different sections (the learner picks the one meant)."""
    out, seen = [], set()
    for k in ranking.order:
        e = engine.entries[k]
        if (e.topic, e.section) not in seen:
            seen.add((e.topic, e.section))
            out.append(e.id)
        if len(out) >= limit:
            break
    return out


def _unsure(question: str, engine: Engine, ranking: Ranking, conf: float) -> Answer:
    closest = _closest(engine, ranking)
    questions = [engine.entry(r).question for r in closest]
    text = ("I'm not sure which answer you want: your question fits several of them about equally, or none "
            "of them well.\nDid you mean one of these?\n" + "\n".join(f"- {q}" for q in questions))
    return Answer(question, text, "unsure", _source(None, None), round(conf, 3), closest,
                  related_questions=questions, details={"reason": "weak or ambiguous match"})


def _unknown(question: str, engine: Engine, ranking: Ranking | None, conf: float,
             outside: tuple[str, str] | None = None) -> Answer:
    details: dict[str, Any] = {}
    if outside is not None:
        where, names = outside
        text = (f"{UNKNOWN_TEXT} {names[:1].upper() + names[1:]} is not covered in this unit (Practical aspects "
                f"of deep learning); it is taught in {where}." if not where.startswith("outside")
                else f"{UNKNOWN_TEXT} That is not covered in this unit (Practical aspects of deep learning), "
                f"nor elsewhere in this tutor.")
        details = {"reason": "outside", "outside": where, "named": names}
        closest: list[str] = []
    else:
        text = (f"{UNKNOWN_TEXT} I only know the unit 'Practical aspects of deep learning', and I could not find "
                "this in it.")
        details = {"reason": "not found"}
        closest = _closest(engine, ranking) if ranking is not None and ranking.order and ranking.known > 0 else []
    questions = [engine.entry(r).question for r in closest]
    if questions:
        text += "\nClosest questions I can answer:\n" + "\n".join(f"- {q}" for q in questions)
    return Answer(question, text, "unknown", _source(None, None), round(conf, 3), closest,
                  related_questions=questions, details=details)


def render_answer(a: Answer) -> str:
    """Plain text for the terminal: the answer, where to read on (a ``dltutor`` command), related entries."""
    lines = []
    if a.course_question:
        lines += [f"Course question {a.course_question}: {COURSE_QUESTIONS[a.course_question - 1].question}", ""]
    lines.append(a.answer)
    lines.append("")
    if a.source.get("lesson"):
        lines.append(f"Source: lesson {a.source['lesson']}, section \"{a.source['section']}\" "
                     f"(dltutor lesson {a.source['lesson']})")
    if a.related and a.kind not in ("unsure", "unknown"):
        lines.append("Related questions:")
        lines += [f"  - {q}" for q in a.related_questions]
    if a.kind == "unknown" and not a.related:
        lines.append("See the topics I cover with `dltutor lessons`, or the course questions with "
                     "`dltutor ask --list`.")
    lines.append(f"({a.kind}{', entry ' + a.entry if a.entry else ''}, confidence {a.confidence:.2f})")
    return "\n".join(lines)

