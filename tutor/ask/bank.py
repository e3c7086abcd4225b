"""The answer bank: ``lessons/answers/NN-<lesson>.toml`` plus the nine course questions, loaded and checked.

An entry is a question learners ask, with paraphrases in their words, the lesson section it comes from and a
complete answer of a few sentences (see ``lessons/answers/*.toml`` for the format). The nine course questions
(``lessons/questions.toml``) are entries too, with their model answers and key points: they compete with the
others on equal terms. Loading checks every field, that ids are unique and that each section is a real
``##`` heading of its lesson (read with the shared Markdown layer, :mod:`tutor.mdtext`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from dltutor.core.errors import TutorError

KINDS = ("definition", "why", "how", "implementation", "misconception", "comparison", "numeric")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CourseQuestion:
    """One of the nine questions the unit ends with, with its model answer.

    Args:
        id: 1..9.
        question: the question as the learner reads it.
        answer: the model answer (a few sentences with the reason).
        lessons: lesson ids the answer draws on, most relevant first.
        key_points: what a good answer contains.
        keywords: other words for the question's topic (indexed as paraphrases, never shown).
        entry: the id of its answer-bank entry.
        section: the section of ``lessons[0]`` it comes from.
        paraphrases: learner phrasings of the question.
        kinds: the question types it answers.
        related: follow-up entry ids.
    """

    id: int
    question: str
    answer: str
    lessons: tuple[str, ...]
    key_points: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    entry: str = ""
    section: str = ""
    paraphrases: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "question": self.question, "answer": self.answer,
                "lessons": list(self.lessons), "key_points": list(self.key_points),
                "keywords": list(self.keywords), "entry": self.entry, "section": self.section}


@dataclass(frozen=True)
class Entry:
    """One answer of the bank.

    Args:
        id: unique kebab-case id.
        topic: the lesson id.
        section: the lesson's ``##`` heading the answer comes from.
        question: the canonical question.
        paraphrases: other phrasings.
        kinds: question types (:data:`KINDS`).
        answer: the complete answer.
        related: follow-up entry ids.
        course_question: 1..9 for a course question's entry.
        key_points: what a good answer contains (course questions).
    """

    id: str
    topic: str
    section: str
    question: str
    paraphrases: tuple[str, ...]
    kinds: tuple[str, ...]
    answer: str
    related: tuple[str, ...] = ()
    course_question: int | None = None
    key_points: tuple[str, ...] = field(default=())


# ------------------------------------------------------------------------------------------ reading files


def _root(source: Path | str | Traversable | None) -> Traversable:
    if source is None:
        return resources.files("dltutor.lessons")
    path = Path(source) if isinstance(source, str | Path) else source
    return path


def _read_toml(path: Traversable, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TutorError("answers", f"{where} is not valid TOML: {exc}") from None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)


def _text(value: str) -> str:
    """Answer text as written, with the TOML line continuations' runs of spaces made single."""
    return "\n".join(" ".join(line.split()) for line in value.strip().split("\n"))


def load_course_questions(source: Path | str | Traversable | None = None) -> tuple[CourseQuestion, ...]:
    """Read and check ``questions.toml``.

    Args:
        source: the file, or a directory holding ``questions.toml``; default the installed ``lessons``.

    Returns:
        The questions in id order.

    Raises:
        TutorError: a missing file or field, or ids that are not 1..N in order.
    """
    root = _root(source)
    path = root if root.name.endswith(".toml") else root.joinpath("questions.toml")
    where = "lessons/questions.toml" if source is None else str(path)
    if not path.is_file():
        raise TutorError("questions", f"no file {path}", "a questions.toml file")
    raw = _read_toml(path, where).get("question") or []
    out = []
    for n, q in enumerate(raw, start=1):
        name = f"{where} question {n}"
        if q.get("id") != n:
            raise TutorError(name, f"id {q.get('id')!r} out of order", "ids 1..N in file order")
        for key in ("question", "answer"):
            if not isinstance(q.get(key), str) or not q[key].strip():
                raise TutorError(name, f"missing {key}", "a non-empty string")
        for key in ("lessons", "key_points"):
            if not _strings(q.get(key)) or not q[key]:
                raise TutorError(name, f"missing {key}", "a non-empty list of strings")
        for key in ("keywords", "paraphrases", "kinds", "related"):
            if not _strings(q.get(key, [])):
                raise TutorError(name, f"{key} must be a list of strings", "a list of strings")
        for key in ("entry", "section"):
            if not isinstance(q.get(key, ""), str):
                raise TutorError(name, f"{key} must be a string", "a string")
        out.append(CourseQuestion(
            n, q["question"].strip(), " ".join(q["answer"].split()), tuple(q["lessons"]), tuple(q["key_points"]),
            tuple(q.get("keywords", [])), q.get("entry") or f"course-question-{n}", q.get("section", ""),
            tuple(q.get("paraphrases", [])), tuple(q.get("kinds", [])), tuple(q.get("related", []))))
    if not out:
        raise TutorError("questions", f"{where} has no [[question]] tables")
    return tuple(out)


def lesson_headings(source: Path | str | Traversable | None = None) -> dict[str, tuple[str, list[str], int]]:
    """``{lesson id: (title, its '##' headings, order)}`` from the lesson files' front matter and Markdown
    (cheap: no directive is computed, unlike :func:`tutor.lessons.load_lessons`)."""
    # mypy does not count object's __hash__ as part of the Traversable protocol; every Traversable is hashable
    return _lesson_headings(_root(source))  # type: ignore[arg-type]


@lru_cache(maxsize=4)
def _lesson_headings(root: Traversable) -> dict[str, tuple[str, list[str], int]]:
    from dltutor.tutor.mdtext import headings

    out: dict[str, tuple[str, list[str], int]] = {}
    for path in sorted((p for p in root.iterdir() if re.match(r"^\d{2}-.*\.md$", p.name)), key=lambda p: p.name):
        text = path.read_text(encoding="utf-8")
        parts = text.split("+++", 2)
        if len(parts) < 3:
            continue
        try:
            meta = tomllib.loads(parts[1])
        except tomllib.TOMLDecodeError:
            continue
        if isinstance(meta.get("id"), str):
            given = meta.get("order")
            order = given if isinstance(given, int) else int(path.name[:2])
            out[meta["id"]] = (str(meta.get("title", meta["id"])), [h for _, h in headings(parts[2])], order)
    return out


def _entry(raw: Any, topic: str, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise TutorError(where, "an entry must be a table", "[[entry]] tables")
    name = f"{where} entry {raw.get('id', '?')!r}"
    if not isinstance(raw.get("id"), str) or not _ID.match(raw["id"]):
        raise TutorError(name, "id must be kebab-case", "lower-case words joined by '-'")
    for key in ("section", "question", "answer"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TutorError(name, f"missing {key}", "a non-empty string")
    for key in ("paraphrases", "kinds"):
        if not _strings(raw.get(key)) or not raw[key]:
            raise TutorError(name, f"missing {key}", "a non-empty list of strings")
    if not _strings(raw.get("related", [])):
        raise TutorError(name, "related must be a list of entry ids", "a list of strings")
    unknown = sorted(set(raw["kinds"]) - set(KINDS))
    if unknown:
        raise TutorError(name, f"unknown kinds {unknown}", ", ".join(KINDS))
    return Entry(raw["id"], topic, raw["section"].strip(), raw["question"].strip(),
                 tuple(p.strip() for p in raw["paraphrases"]), tuple(raw["kinds"]), _text(raw["answer"]),
                 tuple(raw.get("related", [])))


def _course_entry(q: CourseQuestion) -> Entry:
    # The keywords (short topic words, "diagnose", "properties") would match far too much as paraphrases.
    paraphrases = tuple(q.paraphrases)
    return Entry(q.entry, q.lessons[0], q.section, q.question, paraphrases or (q.question,),
                 q.kinds or ("why",), q.answer, q.related or tuple(q.lessons[1:]), q.id, q.key_points)


def load_bank(source: Path | str | Traversable | None = None, strict: bool = True) -> tuple[Entry, ...]:
    """Every entry of the answer bank, checked.

    Args:
        strict: raise for an entry whose section is not (or no longer) a heading of its lesson; False leaves
            such entries out instead (the app: a heading renamed in a lesson must not take Ask down; the tests
            load strictly, so the bank is fixed before it ships).
        source: a lessons directory holding ``answers/``; default the installed ``lessons``. A directory
            without ``answers/`` (a test's lesson fixtures) gets the installed bank's entries on its lessons.

    Returns:
        The course questions' entries, then the bank files' entries in file order.

    Raises:
        TutorError: an invalid file or entry: bad TOML, a missing field, an unknown topic or section, a
            duplicate id.
    """
    root = _root(source)
    only: set[str] | None = None
    if source is not None and not root.joinpath("answers").is_dir():
        # a lessons directory without its own bank (a test's few lessons): the installed bank's entries
        # on the lessons it has, so that every answer's source can be opened
        only = set(_lesson_headings(root))  # type: ignore[arg-type]  # hashable: see lesson_headings
        root = _root(None)
    lessons = _lesson_headings(root)  # type: ignore[arg-type]  # hashable: see lesson_headings
    entries = [_course_entry(q) for q in load_course_questions(root)]
    answers = root.joinpath("answers")
    files = sorted((p for p in answers.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name) \
        if answers.is_dir() else []
    for path in files:
        where = f"answers/{path.name}"
        data = _read_toml(path, where)
        topic = data.get("topic")
        if topic not in lessons:
            raise TutorError(where, f"topic {topic!r} is not a lesson id", ", ".join(lessons))
        entries += [_entry(raw, topic, where) for raw in data.get("entry") or []]
    seen: set[str] = set()
    stale: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise TutorError("answers", f"duplicate entry id {e.id!r}", "ids unique across the bank")
        seen.add(e.id)
        if e.topic not in lessons:
            raise TutorError(f"entry {e.id!r}", f"topic {e.topic!r} is not a lesson id", ", ".join(lessons))
        if e.section not in lessons[e.topic][1]:
            if strict:
                raise TutorError(f"entry {e.id!r}", f"section {e.section!r} is not a heading of {e.topic}",
                                 "; ".join(lessons[e.topic][1]))
            stale.add(e.id)
    entries = [e for e in entries if e.id not in stale]
    if only is not None:
        entries = [e for e in entries if e.topic in only or e.course_question]  # the nine are always there
    return tuple(entries)
