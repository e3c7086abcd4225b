"""The one Markdown layer (markdown-it-py, installed with Textual): headings and plain text of Markdown.

Shared by the lesson loader (:mod:`tutor.lessons` cuts lessons at their ``##`` headings) and the answer bank
(:mod:`tutor.ask`, which checks that every entry names a real section and indexes answers as plain text), so
neither scans for fences and headings by hand: a ``## `` line inside fenced code is code, not a heading.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    # Block structure only: headings, fences and paragraphs are all this layer reads (inline parsing of
    # every paragraph would triple the time).
    return MarkdownIt("commonmark").disable("inline")


def headings(text: str, level: int = 2) -> list[tuple[int, str]]:
    """The ATX/setext headings of one level: ``(line index, heading text)`` in order.

    Args:
        text: Markdown.
        level: 2 for ``##`` headings.
    """
    tokens = _parser().parse(text)
    tag = f"h{level}"
    out = []
    for k, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == tag and tok.map:
            inline = tokens[k + 1]
            out.append((tok.map[0], inline.content.strip()))
    return out


def sections(text: str, level: int = 2) -> list[tuple[str | None, str]]:
    """``text`` cut at its headings of ``level``: ``[(None, text before the first), (heading, body), ...]``."""
    lines = text.split("\n")
    marks = headings(text, level)
    out: list[tuple[str | None, str]] = []
    start, current = 0, None
    for line, heading in marks:
        out.append((current, "\n".join(lines[start:line])))
        start, current = line + 1, heading
    out.append((current, "\n".join(lines[start:])))
    return out


_INLINE = re.compile(r"\*\*|__|`|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


def plain(text: str) -> str:
    """Markdown as plain words for search and for the terminal: no emphasis marks, no link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return _INLINE.sub("", text)
