"""A lesson as Markdown and as terminal text, with the check questions and (on request) their answers.

Rich is imported only by :func:`render_text`, so loading lessons never pulls it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dltutor.tutor.lessons.model import CheckQuestion, Lesson

#: The line under the check questions of a lesson's body: where the answers are (never in the body itself).
ANSWERS_HINT = ("*Answer them in the app's Check yourself tab (press k) or with `dltutor lesson {id} --check`, "
                "which explain every option; `dltutor lesson {id} --answers` prints the answers.*")


def render_checks(checks: Iterable[CheckQuestion], lesson_id: str = "ID") -> str:
    """The checks as Markdown: the questions with lettered options and where to find the answers (not the
    answers themselves, which :func:`render_answers` writes)."""
    out = []
    for n, check in enumerate(checks, 1):
        out.append(f"**{n}. {check.question}**\n")
        out.extend(f"- {chr(97 + i)}) {option}" for i, option in enumerate(check.options))
        out.append("")
    out.append(ANSWERS_HINT.format(id=lesson_id))
    return "\n".join(out).rstrip() + "\n"


def render_answers(checks: Iterable[CheckQuestion]) -> str:
    """The answers to the checks as Markdown: each right option with the explanation, then a note on every
    other option (why it is wrong)."""
    out = ["**Answers.**", ""]
    for n, check in enumerate(checks, 1):
        out.append(f"{n}. {check.answer_key}) {check.options[check.answer]}. {check.explanation}")
        for i, note in enumerate(check.why):
            if i != check.answer:
                out.append(f"    - {chr(97 + i)}) is wrong: {note}")
    return "\n".join(out).rstrip() + "\n"


def render_text(lesson: Lesson, width: int = 100, answers: bool = False) -> str:
    """The lesson as plain text for a terminal: Rich's Markdown rendering, without colour (the checks'
    answers only with ``answers=True``)."""
    from io import StringIO

    from rich.console import Console
    from rich.markdown import Markdown

    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, no_color=True, force_terminal=False,
                      highlight=False, emoji=False)
    console.print(markdown_of(lesson, Markdown, answers=answers))
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n")).strip("\n") + "\n"


def markdown_of(lesson: Lesson, markdown_class: Any = None, answers: bool = False) -> Any:
    """The lesson's full Markdown (title line + body), or a ``rich.markdown.Markdown`` of it.

    Args:
        lesson: the lesson.
        markdown_class: e.g. ``rich.markdown.Markdown``; ``None`` returns the text.
        answers: append the answers to the check questions (the body never shows them: the learner
            answers first).
    """
    text = f"# {lesson.title}\n\n{lesson.body}"
    if answers and lesson.checks:
        # the answers take the place of the line that says where to find them, right under the questions
        hint, key = ANSWERS_HINT.format(id=lesson.id), render_answers(lesson.checks).rstrip("\n")
        text = text.replace(hint, key) if hint in text else text.rstrip("\n") + "\n\n" + key + "\n"
    return text if markdown_class is None else markdown_class(text)
