"""Loading lessons: every ``NN-<id>.md`` of a folder or of the installed package, parsed, checked, queried."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import dltutor.tutor.lessons.computed  # noqa: F401  (importing it registers the directives)
from dltutor.core.errors import TutorError
from dltutor.tutor.lessons.body import insert_checks, split_sections
from dltutor.tutor.lessons.directives import expand_directives
from dltutor.tutor.lessons.front_matter import check_fields, parse_check, split_front_matter
from dltutor.tutor.lessons.model import CHECK_HEADING, SUMMARY_ID, TRY_HEADING, Lesson, Section

_FILE_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def load_lessons(source: Path | str | Traversable | None = None) -> list[Lesson]:
    """All lessons, sorted by order.

    Args:
        source: a directory holding ``NN-<id>.md`` files (tests and fixtures); default the installed
            ``lessons`` package, read through :mod:`importlib.resources` so a wheel works.

    Returns:
        The lessons in order ``1..N``.

    Raises:
        TutorError: a file's front matter is missing, malformed, mistyped or inconsistent; two lessons
            share an id; the orders are not ``1..N``; a check's answer index is out of range; the body
            names an unknown directive. The field is ``<file name>:<key>``.
    """
    if source is None:
        return list(_load_default())
    root = Path(source) if isinstance(source, str) else source
    return list(_load_dir(root))


@lru_cache(maxsize=1)
def _load_default() -> tuple[Lesson, ...]:
    # The packaged lessons never change while the process runs, and the directives cost a few ms each.
    return _load_dir(files("dltutor.lessons"))


def _load_dir(root: Traversable | Path) -> tuple[Lesson, ...]:
    if not root.is_dir():
        raise TutorError("lessons", f"{root} is not a directory", "a directory of NN-<id>.md files")
    lessons = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith(".md") and entry.name[:2].isdigit():
            lessons.append(parse_lesson(entry.read_text(encoding="utf-8"), entry.name, str(entry)))
    _check_collection(lessons)
    return tuple(sorted(lessons, key=lambda lesson: lesson.order))


def _check_collection(lessons: list[Lesson]) -> None:
    seen: dict[str, str] = {}
    for lesson in lessons:
        name = Path(lesson.path).name
        if lesson.id in seen:
            raise TutorError(f"{name}:id", f"id {lesson.id!r} is already used by {seen[lesson.id]}",
                             "a unique id per lesson")
        seen[lesson.id] = name
    orders: dict[int, str] = {}
    for lesson in lessons:
        name = Path(lesson.path).name
        if lesson.order in orders:
            raise TutorError(f"{name}:order",
                             f"order {lesson.order} is already used by {orders[lesson.order]}",
                             f"each of 1..{len(lessons)} exactly once")
        orders[lesson.order] = name
    for lesson in sorted(lessons, key=lambda item: item.order):
        if lesson.order > len(lessons):
            missing = min(set(range(1, len(lessons) + 1)) - set(orders))
            raise TutorError(f"{Path(lesson.path).name}:order",
                             f"order {lesson.order} leaves a gap (no lesson has order {missing})",
                             f"orders 1..{len(lessons)} without gaps")


def parse_lesson(text: str, name: str, path: str | None = None) -> Lesson:
    """Parse one lesson file's text.

    Args:
        text: the whole file, front matter included.
        name: the file name ``NN-<id>.md`` (used in error fields and checked against id and order).
        path: where the file lives, kept on the lesson.

    Returns:
        The lesson with directives expanded and checks rendered.
    """
    match = _FILE_NAME.match(name)
    if not match:
        raise TutorError(f"{name}:file name", "lesson files are named NN-<id>.md", "e.g. 02-bias-variance.md")
    meta, body = split_front_matter(text, name)
    check_fields(meta, name)
    if meta["id"] != match.group(2):
        raise TutorError(f"{name}:id", f"id {meta['id']!r} does not match the file name",
                         repr(match.group(2)))
    if meta["order"] != int(match.group(1)):
        raise TutorError(f"{name}:order", f"order {meta['order']} does not match the file name",
                         str(int(match.group(1))))
    checks = tuple(parse_check(c, name, i) for i, c in enumerate(meta["check"]))
    problems: list[str] = []
    body = expand_directives(body, name, problems)
    body = insert_checks(body, checks, meta["id"])
    lesson_id = meta["id"]
    return Lesson(
        id=lesson_id,
        title=meta["title"],
        order=meta["order"],
        objectives=tuple(meta["objectives"]),
        try_ids=tuple(meta["try"]),
        related_questions=tuple(meta["related_questions"]),
        body=body,
        sections=split_sections(body, lesson_id, meta["title"]),
        checks=checks,
        path=path or name,
        problems=tuple(problems),
    )


def get_lesson(lesson_id: str, source: Path | str | Traversable | None = None) -> Lesson:
    """The lesson with this id (or this order number, e.g. ``"2"``).

    Raises:
        TutorError: no such lesson; the message lists the known ids.
    """
    lessons = load_lessons(source)
    key = str(lesson_id).strip().lower()
    for lesson in lessons:
        if lesson.id == key or (key.isdigit() and int(key) == lesson.order):
            return lesson
    raise TutorError("lesson", f"unknown lesson {lesson_id!r}", ", ".join(lesson.id for lesson in lessons))


def lesson_ids(source: Path | str | Traversable | None = None) -> list[str]:
    """The lesson ids in order."""
    return [lesson.id for lesson in load_lessons(source)]


def topics(source: Path | str | Traversable | None = None) -> list[Lesson]:
    """The topic lessons in order, without the summary."""
    return [lesson for lesson in load_lessons(source) if lesson.id != SUMMARY_ID]


def section_for(lesson_id: str, heading: str, source: Path | str | Traversable | None = None) -> Section:
    """The section of a lesson by heading or anchor (case-insensitive)."""
    return get_lesson(lesson_id, source).section(heading)


def validate_lessons(lessons: Iterable[Lesson], known_ids: Iterable[str]) -> None:
    """Checks that need the rest of the product; the tests run them so a running tutor never has to.

    Args:
        lessons: loaded lessons.
        known_ids: every preset id and gradcheck variant id.

    Raises:
        TutorError: a ``try`` id that is not known, a try id the Try it section does not name, a missing
            Try it or Check yourself section, or a directive that failed to compute.
    """
    known = set(known_ids)
    for lesson in lessons:
        name = Path(lesson.path).name
        if lesson.problems:
            raise TutorError(f"{name}:directive", lesson.problems[0], "a directive the engine can compute")
        for try_id in lesson.try_ids:
            if try_id not in known:
                raise TutorError(f"{name}:try", f"unknown preset or variant {try_id!r}",
                                 ", ".join(sorted(known)))
        headings = {s.heading.lower(): s for s in lesson.sections}
        for heading in (TRY_HEADING, CHECK_HEADING):
            if heading.lower() not in headings:
                raise TutorError(f"{name}:body", f"no '## {heading}' section", f"a '## {heading}' section")
        try_text = headings[TRY_HEADING.lower()].text
        for try_id in lesson.try_ids:
            if f"`{try_id}`" not in try_text:
                raise TutorError(f"{name}:try", f"{try_id!r} is not named in the Try it section",
                                 f"`{try_id}` in '## {TRY_HEADING}'")
