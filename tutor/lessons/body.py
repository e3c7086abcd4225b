"""A lesson body's structure: its ``##`` sections, and the check questions placed in Check yourself."""

from __future__ import annotations

import re

from dltutor.tutor.lessons.model import CHECK_HEADING, CheckQuestion, Section
from dltutor.tutor.lessons.render import render_checks
from dltutor.tutor.mdtext import headings
from dltutor.tutor.mdtext import sections as markdown_sections


def slugify(heading: str) -> str:
    """``"Why L2 is called weight decay"`` -> ``"why-l2-is-called-weight-decay"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return slug or "section"


def split_sections(body: str, lesson_id: str, title: str) -> tuple[Section, ...]:
    """Cut ``body`` at its ``##`` headings (the shared Markdown layer: never inside fenced code); anchors are
    unique slugs."""
    parts = [(title if heading is None else heading, text) for heading, text in markdown_sections(body)]
    sections, used = [], set()
    for n, (heading, text) in enumerate(parts):
        text = text.strip()
        if n == 0 and not text:
            continue
        anchor = base = "introduction" if n == 0 else slugify(heading)
        k = 2
        while anchor in used:
            anchor, k = f"{base}-{k}", k + 1
        used.add(anchor)
        sections.append(Section(lesson_id, heading, anchor, text))
    return tuple(sections)


def insert_checks(body: str, checks: tuple[CheckQuestion, ...], lesson_id: str = "ID") -> str:
    """Append the rendered checks to the end of the Check yourself section (created last if absent)."""
    lines = body.rstrip("\n").split("\n")
    start, end = None, len(lines)
    for i, heading in headings(body):
        if heading.lower() == CHECK_HEADING.lower():
            start = i
        elif start is not None:
            end = i
            break
    rendered = render_checks(checks, lesson_id).rstrip("\n").split("\n")
    if start is None:
        return "\n".join(lines + ["", f"## {CHECK_HEADING}", ""] + rendered) + "\n"
    before, after = lines[:end], lines[end:]
    while before and not before[-1].strip():
        before.pop()
    joined = before + [""] + rendered + ([""] + after if after else [])
    return "\n".join(joined) + "\n"
