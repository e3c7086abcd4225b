"""Content checks for the answer bank of lessons 08-14 (lessons/answers/08-*.toml ... 14-*.toml).

Every file parses, names its lesson, and every entry is complete: a unique id, a section that is a real
'## ' heading of that lesson, 4-8 paraphrases, known kinds, an answer of a few sentences, and related ids
that exist. The engine's own tests check that the entries are found; these check that they are well formed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
ANSWERS = LESSONS / "answers"
NUMBERS = range(8, 15)
KINDS = {"definition", "why", "how", "implementation", "misconception", "comparison", "numeric"}
FIELDS = {"id", "section", "question", "paraphrases", "kinds", "answer", "related"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _lesson(number: int) -> tuple[str, set[str], Path]:
    """The lesson's id and its '## ' headings (outside code fences), from its Markdown file."""
    path = next(LESSONS.glob(f"{number:02d}-*.md"))
    _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
    headings, fenced = set(), False
    for line in body.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            headings.add(line[3:].strip())
    return tomllib.loads(front)["id"], headings, path


def _bank(number: int) -> tuple[str, dict, set[str]]:
    lesson_id, headings, _ = _lesson(number)
    path = ANSWERS / f"{number:02d}-{lesson_id}.toml"
    assert path.is_file(), f"missing answer file {path.name}"
    return lesson_id, tomllib.loads(path.read_text(encoding="utf-8")), headings


def _all_entries() -> list[tuple[int, dict]]:
    return [(n, entry) for n in NUMBERS for entry in _bank(n)[1]["entry"]]


@pytest.mark.parametrize("number", NUMBERS)
def test_file_names_its_lesson_and_entries_are_complete(number: int) -> None:
    lesson_id, bank, headings = _bank(number)
    assert bank["topic"] == lesson_id
    entries = bank["entry"]
    assert len(entries) >= (9 if lesson_id == "summary" else 18), f"{lesson_id}: only {len(entries)} entries"
    for entry in entries:
        where = f"{lesson_id}/{entry.get('id')}"
        assert set(entry) == FIELDS, f"{where}: fields {sorted(set(entry) ^ FIELDS)}"
        assert KEBAB.match(entry["id"]), where
        assert entry["section"] in headings, f"{where}: no section '## {entry['section']}'"
        assert 4 <= len(entry["paraphrases"]) <= 8, where
        assert len({p.lower() for p in entry["paraphrases"]} | {entry["question"].lower()}) == \
            len(entry["paraphrases"]) + 1, f"{where}: repeated phrasing"
        assert entry["kinds"] and set(entry["kinds"]) <= KINDS, f"{where}: kinds {entry['kinds']}"
        words = len(entry["answer"].split())
        assert 35 <= words <= 125, f"{where}: answer has {words} words"
        assert entry["answer"].rstrip()[-1] in ".)", f"{where}: answer does not end a sentence"
        assert 1 <= len(entry["related"]) <= 3 and entry["id"] not in entry["related"], where


@pytest.mark.parametrize("number", NUMBERS)
def test_every_section_is_covered(number: int) -> None:
    lesson_id, bank, headings = _bank(number)
    covered = {entry["section"] for entry in bank["entry"]}
    missing = headings - covered - {"Check yourself", "Try it"}
    assert not missing, f"{lesson_id}: sections without an entry: {sorted(missing)}"


def test_ids_unique_and_related_exist() -> None:
    entries = _all_entries()
    ids = [entry["id"] for _, entry in entries]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert len(ids) >= 125
    for _, entry in entries:
        unknown = set(entry["related"]) - set(ids)
        assert not unknown, f"{entry['id']}: related ids {sorted(unknown)} do not exist"
    others = [p for p in ANSWERS.glob("*.toml") if not p.name.startswith(tuple(f"{n:02d}-" for n in NUMBERS))]
    other_ids = {entry["id"] for p in others for entry in tomllib.loads(p.read_text(encoding="utf-8")).get("entry", [])}
    assert not other_ids & set(ids), f"ids also used in lessons 01-07: {sorted(other_ids & set(ids))}"


def test_no_entry_repeats_a_course_question() -> None:
    course = tomllib.loads((LESSONS / "questions.toml").read_text(encoding="utf-8"))["question"]
    norm = {re.sub(r"[^a-z ]", "", q["question"].lower()).strip() for q in course}
    for _, entry in _all_entries():
        for text in [entry["question"], *entry["paraphrases"]]:
            assert re.sub(r"[^a-z ]", "", text.lower()).strip() not in norm, f"{entry['id']}: '{text}'"
