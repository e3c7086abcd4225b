"""A lesson file's TOML front matter: cut it from the body and check every field and ``[[check]]`` table.

Every mistake becomes a :class:`~dltutor.core.errors.TutorError` whose field is ``<file name>:<key>``, so a
lesson author is told which file and which key to fix.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from dltutor.core.errors import TutorError
from dltutor.tutor.lessons.model import COURSE_QUESTION_IDS, CheckQuestion

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: key -> (python type, words for the error message)
_FIELDS: dict[str, tuple[type, str]] = {
    "id": (str, "a lowercase id such as 'bias-variance'"),
    "title": (str, "a string"),
    "order": (int, "an integer >= 1"),
    "objectives": (list, "a list of strings"),
    "try": (list, "a list of preset or gradcheck variant ids"),
    "related_questions": (list, "a list of course question numbers 1..9"),
    "check": (list, "one or more [[check]] tables"),
}
_CHECK_FIELDS: dict[str, tuple[type, str]] = {
    "question": (str, "a string"),
    "options": (list, "a list of at least two strings"),
    "answer": (int, "the 0-based index of the right option"),
    "explanation": (str, "a string"),
}
#: optional check fields: ``why`` says, for each option in order, why it is right or wrong
_CHECK_OPTIONAL: dict[str, tuple[type, str]] = {
    "why": (list, "one string per option saying why it is right or wrong"),
}


def split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """The TOML between the two ``+++`` lines, parsed, and the body after them (ending in one newline)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "+++":
        raise TutorError(f"{name}:front matter", "the file must start with a '+++' line",
                         "TOML front matter between two '+++' lines")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise TutorError(f"{name}:front matter", "no closing '+++' line",
                         "TOML front matter between two '+++' lines") from None
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise TutorError(f"{name}:front matter", f"invalid TOML: {exc}", "TOML front matter") from None
    return meta, "\n".join(lines[end + 1:]).strip("\n") + "\n"


def _is(value: Any, kind: type) -> bool:
    # bool is an int in Python; an order of `true` is a typo, not a number.
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def check_fields(meta: dict[str, Any], name: str) -> None:
    """Every front-matter field present, of its type and in range, and no unknown field."""
    for key, (kind, words) in _FIELDS.items():
        if key not in meta:
            raise TutorError(f"{name}:{key}", "missing field", words)
        if not _is(meta[key], kind):
            raise TutorError(f"{name}:{key}", f"wrong type {type(meta[key]).__name__}", words)
    unknown = sorted(set(meta) - set(_FIELDS))
    if unknown:
        raise TutorError(f"{name}:{unknown[0]}", "unknown field", ", ".join(_FIELDS))
    if not _ID.match(meta["id"]):
        raise TutorError(f"{name}:id", f"{meta['id']!r} is not a valid id", _FIELDS["id"][1])
    if not meta["title"].strip():
        raise TutorError(f"{name}:title", "empty title", "a non-empty string")
    if meta["order"] < 1:
        raise TutorError(f"{name}:order", f"order {meta['order']} is below 1", _FIELDS["order"][1])
    for key in ("objectives", "try"):
        for item in meta[key]:
            if not isinstance(item, str) or not item.strip():
                raise TutorError(f"{name}:{key}", f"item {item!r} is not a non-empty string", _FIELDS[key][1])
    for item in meta["related_questions"]:
        if not _is(item, int) or item not in COURSE_QUESTION_IDS:
            raise TutorError(f"{name}:related_questions", f"{item!r} is not a course question number",
                             "integers 1..9")
    if not meta["check"]:
        raise TutorError(f"{name}:check", "no [[check]] questions", _FIELDS["check"][1])


def parse_check(table: Any, name: str, index: int) -> CheckQuestion:
    """One ``[[check]]`` table (the ``index``-th) as a question, its fields checked."""
    where = f"{name}:check[{index}]"
    if not isinstance(table, dict):
        raise TutorError(where, "not a table", "[[check]] with question, options, answer, explanation")
    for key, (kind, words) in _CHECK_FIELDS.items():
        if key not in table:
            raise TutorError(f"{where}.{key}", "missing field", words)
        if not _is(table[key], kind):
            raise TutorError(f"{where}.{key}", f"wrong type {type(table[key]).__name__}", words)
    unknown = sorted(set(table) - set(_CHECK_FIELDS) - set(_CHECK_OPTIONAL))
    if unknown:
        raise TutorError(f"{where}.{unknown[0]}", "unknown field", ", ".join([*_CHECK_FIELDS, *_CHECK_OPTIONAL]))
    options = table["options"]
    if len(options) < 2 or not all(isinstance(o, str) and o.strip() for o in options):
        raise TutorError(f"{where}.options", "need at least two non-empty strings",
                         _CHECK_FIELDS["options"][1])
    if not 0 <= table["answer"] < len(options):
        raise TutorError(f"{where}.answer", f"answer {table['answer']} is out of range",
                         f"0..{len(options) - 1} (0-based index into options)")
    why = table.get("why", [])
    if not isinstance(why, list) or (why and (len(why) != len(options)
                                              or not all(isinstance(w, str) and w.strip() for w in why))):
        raise TutorError(f"{where}.why", f"{len(why) if isinstance(why, list) else 'no list of'} notes for "
                         f"{len(options)} options", _CHECK_OPTIONAL["why"][1])
    return CheckQuestion(table["question"].strip(), tuple(o.strip() for o in options), table["answer"],
                         table["explanation"].strip(), tuple(w.strip() for w in why))
