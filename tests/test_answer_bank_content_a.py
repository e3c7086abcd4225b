"""Content checks for the answer bank of lessons 01-07 (lessons/answers/01-*.toml ... 07-*.toml).

Every file parses, names its lesson, and every entry is complete: a unique id, a section that is a real
'## ' heading of that lesson, 4-8 paraphrases, known kinds, an answer of a few sentences in the course's
notation, and related ids that exist. The engine's own tests check that the entries are found; these check
that they are well formed and that no two entries share a phrasing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
ANSWERS = LESSONS / "answers"
NUMBERS = range(1, 8)
KINDS = {"definition", "why", "how", "implementation", "misconception", "comparison", "numeric"}
FIELDS = {"id", "section", "question", "paraphrases", "kinds", "answer", "related"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _lesson(number: int) -> tuple[str, set[str]]:
    """The lesson's id and its '## ' headings (outside code fences), from its Markdown file."""
    path = next(LESSONS.glob(f"{number:02d}-*.md"))
    _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
    headings, fenced = set(), False
    for line in body.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            headings.add(line[3:].strip())
    return tomllib.loads(front)["id"], headings


def _bank(number: int) -> tuple[str, dict, set[str]]:
    lesson_id, headings = _lesson(number)
    path = ANSWERS / f"{number:02d}-{lesson_id}.toml"
    assert path.is_file(), f"missing answer file {path.name}"
    return lesson_id, tomllib.loads(path.read_text(encoding="utf-8")), headings


def _all_ids() -> set[str]:
    return {entry["id"] for path in ANSWERS.glob("*.toml")
            for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("entry", [])}


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.mark.parametrize("number", NUMBERS)
def test_file_names_its_lesson_and_entries_are_complete(number: int) -> None:
    lesson_id, bank, headings = _bank(number)
    assert bank["topic"] == lesson_id
    entries = bank["entry"]
    assert len(entries) >= 18, f"{lesson_id}: only {len(entries)} entries"
    known = _all_ids()
    for entry in entries:
        where = f"{lesson_id}/{entry.get('id')}"
        assert set(entry) == FIELDS, f"{where}: fields {sorted(set(entry) ^ FIELDS)}"
        assert KEBAB.match(entry["id"]), where
        assert entry["section"] in headings, f"{where}: no section '## {entry['section']}'"
        assert 4 <= len(entry["paraphrases"]) <= 8, where
        assert entry["kinds"] and set(entry["kinds"]) <= KINDS, f"{where}: kinds {entry['kinds']}"
        words = len(entry["answer"].split())
        assert 35 <= words <= 125, f"{where}: answer has {words} words"
        assert entry["answer"].rstrip()[-1] in ".)", f"{where}: answer does not end a sentence"
        assert 1 <= len(entry["related"]) <= 3 and entry["id"] not in entry["related"], where
        unknown = set(entry["related"]) - known
        assert not unknown, f"{where}: related ids not in the bank: {sorted(unknown)}"


@pytest.mark.parametrize("number", NUMBERS)
def test_every_section_is_covered(number: int) -> None:
    lesson_id, bank, headings = _bank(number)
    covered = {entry["section"] for entry in bank["entry"]}
    missing = headings - covered - {"Check yourself", "Try it"}
    assert not missing, f"{lesson_id}: sections without an entry: {sorted(missing)}"


def test_ids_are_unique_and_no_phrasing_belongs_to_two_entries() -> None:
    owner: dict[str, str] = {}
    ids: list[str] = []
    for number in NUMBERS:
        for entry in _bank(number)[1]["entry"]:
            ids.append(entry["id"])
            for text in (entry["question"], *entry["paraphrases"]):
                key = _key(text)
                assert owner.setdefault(key, entry["id"]) == entry["id"], \
                    f"'{text}' is a phrasing of both {owner[key]} and {entry['id']}"
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("number", NUMBERS)
def test_answers_use_the_course_notation(number: int) -> None:
    """Regularization and dropout answers write the course's symbols, not ASCII stand-ins."""
    lesson_id, bank, _ = _bank(number)
    for entry in bank["entry"]:
        answer = entry["answer"]
        assert "||W||" not in answer and "lambda/" not in answer, f"{lesson_id}/{entry['id']}: ASCII notation"
        assert "keep-prob" not in answer, f"{lesson_id}/{entry['id']}: write keep_prob"
