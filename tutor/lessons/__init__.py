"""The lessons: Markdown files with TOML front matter in the ``lessons`` package.

A lesson file is ``lessons/NN-<id>.md``::

    +++
    id = "bias-variance"
    title = "Bias and variance"
    order = 2
    objectives = ["..."]
    try = ["lesson-overfit"]
    related_questions = [5]

    [[check]]
    question = "..."
    options = ["...", "..."]
    answer = 1
    explanation = "..."
    why = ["why option a is wrong", "why option b is right"]
    +++
    Markdown body with ``##`` sections and directives such as {{ bias_variance_table }}.

Directives (``{{ name }}`` or ``{{ name key=value ... }}``) are replaced by Markdown that the NumPy core
computes, so a number in a lesson can never drift from the engine that the lab and the CLI use. The
``[[check]]`` questions are rendered into the body's ``## Check yourself`` section, so the Markdown on its
own shows them too, without their answers: those are shown only when the learner asks
(:func:`markdown_of` with ``answers=True``, ``dltutor lesson ID --answers``, the app's Check yourself tab).

UI-free: the CLI and the Textual screens both read lessons through this package, which holds

- :mod:`.model`: ``Lesson``, ``Section``, ``CheckQuestion`` and the shared headings;
- :mod:`.loader`: loading a folder or the installed package, the collection's checks, the queries;
- :mod:`.front_matter`: splitting and checking the TOML front matter and its ``[[check]]`` tables;
- :mod:`.body`: the ``##`` sections and where the checks go in the body;
- :mod:`.directives`: the directive registry and expansion; :mod:`.computed`: what each directive computes;
- :mod:`.render`: Markdown and terminal text (Rich is imported only by :func:`render_text`).
"""

from dltutor.tutor.lessons.body import slugify, split_sections
from dltutor.tutor.lessons.directives import DIRECTIVES, Directive, DirectiveError, expand_directives
from dltutor.tutor.lessons.loader import (
    get_lesson,
    lesson_ids,
    load_lessons,
    parse_lesson,
    section_for,
    topics,
    validate_lessons,
)
from dltutor.tutor.lessons.model import (
    CHECK_HEADING,
    COURSE_QUESTION_IDS,
    SUMMARY_ID,
    TRY_HEADING,
    CheckQuestion,
    Lesson,
    Section,
)
from dltutor.tutor.lessons.render import ANSWERS_HINT, markdown_of, render_answers, render_checks, render_text

__all__ = [
    "ANSWERS_HINT", "CHECK_HEADING", "COURSE_QUESTION_IDS", "DIRECTIVES", "SUMMARY_ID", "TRY_HEADING",
    "CheckQuestion", "Directive", "DirectiveError", "Lesson", "Section", "expand_directives", "get_lesson",
    "lesson_ids", "load_lessons", "markdown_of", "parse_lesson", "render_answers", "render_checks", "render_text",
    "section_for", "slugify", "split_sections", "topics", "validate_lessons",
]
