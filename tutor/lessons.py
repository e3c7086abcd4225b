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

UI-free: the CLI and the Textual screens both read lessons through this module. Rich is imported only by
:func:`render_text`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from dltutor.core.errors import TutorError

SUMMARY_ID = "summary"
CHECK_HEADING = "Check yourself"
TRY_HEADING = "Try it"

#: Course questions that ``related_questions`` may point at (lessons/questions.toml holds their text).
COURSE_QUESTION_IDS = range(1, 10)

_FILE_NAME = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DIRECTIVE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\s+[^\s{}]+)*)\s*\}\}")

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


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a lesson: the unit the question answering indexes.

    ``text`` is the section's Markdown without its heading line. The text before the first ``##``
    heading, if any, is a section whose heading is the lesson title.
    """

    lesson_id: str
    heading: str
    anchor: str
    text: str


@dataclass(frozen=True)
class CheckQuestion:
    """A multiple-choice question from a lesson's ``[[check]]`` table; ``answer`` is 0-based.

    ``why`` holds one note per option (why it is right or wrong), or is empty when the file gives none.
    """

    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    why: tuple[str, ...] = ()

    @property
    def answer_key(self) -> str:
        """The letter of the right option (``"a"`` for index 0)."""
        return chr(97 + self.answer)

    def to_dict(self) -> dict[str, Any]:
        """The question and its options, with everything that gives the answer away under ``solution``."""
        return {"question": self.question, "options": list(self.options),
                "solution": {"answer": self.answer, "key": self.answer_key, "explanation": self.explanation,
                             "why": list(self.why)}}


@dataclass(frozen=True)
class Lesson:
    """A loaded lesson.

    ``body`` is Markdown with the directives expanded and the checks rendered into the Check yourself
    section; it has no ``#`` title line (:func:`render_text` adds one). ``problems`` lists directives
    whose computation failed at load time (shown in the body as a short note instead of crashing the
    tutor); :func:`validate_lessons` turns any problem into an error, so tests catch them.
    """

    id: str
    title: str
    order: int
    objectives: tuple[str, ...]
    try_ids: tuple[str, ...]
    related_questions: tuple[int, ...]
    body: str
    sections: tuple[Section, ...]
    checks: tuple[CheckQuestion, ...]
    path: str
    problems: tuple[str, ...] = field(default=())

    def section(self, heading: str) -> Section:
        """The section with this heading or anchor (case-insensitive); TutorError naming the headings."""
        wanted = heading.strip().lower()
        for s in self.sections:
            if s.heading.lower() == wanted or s.anchor == wanted:
                return s
        raise TutorError("section", f"lesson {self.id!r} has no section {heading!r}",
                         "; ".join(s.heading for s in self.sections))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "order": self.order,
            "objectives": list(self.objectives),
            "try": list(self.try_ids),
            "related_questions": list(self.related_questions),
            "sections": [{"heading": s.heading, "anchor": s.anchor, "text": s.text} for s in self.sections],
            "checks": [c.to_dict() for c in self.checks],
            "body": self.body,
            "path": self.path,
        }


# --------------------------------------------------------------------------------------------------
# Loading


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
    meta, body = _split_front_matter(text, name)
    _check_fields(meta, name)
    if meta["id"] != match.group(2):
        raise TutorError(f"{name}:id", f"id {meta['id']!r} does not match the file name",
                         repr(match.group(2)))
    if meta["order"] != int(match.group(1)):
        raise TutorError(f"{name}:order", f"order {meta['order']} does not match the file name",
                         str(int(match.group(1))))
    checks = tuple(_parse_check(c, name, i) for i, c in enumerate(meta["check"]))
    problems: list[str] = []
    body = expand_directives(body, name, problems)
    body = _insert_checks(body, checks, meta["id"])
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


def _split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
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


def _check_fields(meta: dict[str, Any], name: str) -> None:
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


def _parse_check(table: Any, name: str, index: int) -> CheckQuestion:
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


# --------------------------------------------------------------------------------------------------
# Sections and checks


def slugify(heading: str) -> str:
    """``"Why L2 is called weight decay"`` -> ``"why-l2-is-called-weight-decay"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return slug or "section"


def split_sections(body: str, lesson_id: str, title: str) -> tuple[Section, ...]:
    """Cut ``body`` at its ``##`` headings (the shared Markdown layer: never inside fenced code); anchors are
    unique slugs."""
    from dltutor.tutor.mdtext import sections as markdown_sections

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


def _insert_checks(body: str, checks: tuple[CheckQuestion, ...], lesson_id: str = "ID") -> str:
    """Append the rendered checks to the end of the Check yourself section (created last if absent)."""
    from dltutor.tutor.mdtext import headings

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


# --------------------------------------------------------------------------------------------------
# Directives: Markdown computed by the core


class DirectiveError(TutorError):
    """A directive is unknown or has bad arguments: a mistake in the lesson file itself."""


@dataclass(frozen=True)
class Directive:
    """A directive's function (``args -> Markdown``), its allowed arguments and what it shows."""

    func: Callable[[dict[str, str]], str]
    args: frozenset[str]
    description: str


DIRECTIVES: dict[str, Directive] = {}


def _directive(name: str, args: Iterable[str] = (), description: str = "") -> Callable:
    def register(func: Callable[[dict[str, str]], str]) -> Callable[[dict[str, str]], str]:
        DIRECTIVES[name] = Directive(func, frozenset(args), description or (func.__doc__ or "").strip())
        return func

    return register


def expand_directives(body: str, name: str = "<lesson>", problems: list[str] | None = None) -> str:
    """Replace every ``{{ directive key=value }}`` by the Markdown it computes.

    Args:
        body: lesson Markdown.
        name: the file name, for error fields.
        problems: if given, a failing computation (e.g. a core module missing) is appended here and a
            short note takes the directive's place; otherwise the exception propagates.

    Raises:
        TutorError: an unknown directive, a malformed or unknown argument, or a ``{{`` that is not a
            directive.
    """

    def replace(match: re.Match) -> str:
        directive_name, raw = match.group(1), match.group(2).split()
        where = f"{name}:{{{{ {directive_name} }}}}"
        if directive_name not in DIRECTIVES:
            raise DirectiveError(where, f"unknown directive {directive_name!r}",
                                 ", ".join(sorted(DIRECTIVES)))
        directive = DIRECTIVES[directive_name]
        args = {}
        for item in raw:
            key, eq, value = item.partition("=")
            if not eq or not value:
                raise DirectiveError(where, f"argument {item!r} is not key=value", "key=value")
            if key not in directive.args:
                raise DirectiveError(where, f"unknown argument {key!r}",
                                     ", ".join(sorted(directive.args)) or "none")
            args[key] = value
        try:
            return directive.func(args).strip("\n")
        except DirectiveError as exc:
            raise DirectiveError(where, exc.problem, exc.allowed) from None
        except Exception as exc:  # any failure of the engine must not crash a lesson view
            if problems is None:
                raise
            problems.append(f"{where}: {type(exc).__name__}: {exc}")
            return f"*(This part is computed by the engine, which could not run here: {type(exc).__name__}.)*"

    expanded = _DIRECTIVE.sub(replace, body)
    if "{{" in expanded:
        line = next(ln for ln in expanded.split("\n") if "{{" in ln)
        raise DirectiveError(f"{name}:directive", f"malformed directive in {line.strip()!r}",
                             "{{ name }} or {{ name key=value }}")
    return expanded


def _floats(args: dict[str, str], key: str, default: str) -> list[float]:
    try:
        return [float(v) for v in args.get(key, default).split(",")]
    except ValueError:
        raise DirectiveError(key, f"{args[key]!r} is not a comma-separated list of numbers",
                             "e.g. 0.01,0.001") from None


def _ints(args: dict[str, str], key: str, default: str) -> list[int]:
    try:
        return [int(v.replace("_", "")) for v in args.get(key, default).split(",")]
    except ValueError:
        raise DirectiveError(key, f"{args[key]!r} is not a comma-separated list of integers",
                             "e.g. 2,10,100") from None


def _num(x: float, digits: int = 6) -> str:
    """A number as a reader would write it: ``3.0301`` not ``3.0300999999999867``."""
    return f"{x:.{digits}g}"


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.4g}%"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@_directive("split_examples", ("sizes", "test"), "train/dev/test split advice for a few data-set sizes")
def _split_examples(args: dict[str, str]) -> str:
    from dltutor.core.diagnose import split_advice

    test = args.get("test", "yes").lower() not in ("no", "false", "0")
    rows, notes = [], []
    for m in _ints(args, "sizes", "10000,1000000,10000000"):
        advice = split_advice(m, test=test)
        sizes = advice.sizes

        def cell(part: str, fraction: float, sizes: dict = sizes) -> str:
            if not fraction:
                return "none"
            return f"{_pct(fraction)} ({int(sizes[part]):,})"

        rows.append([f"{m:,}", cell("train", advice.train), cell("dev", advice.dev),
                     cell("test", advice.test)])
        alt = getattr(advice, "alternative", None)
        if alt:
            shares = " / ".join(_pct(alt[part]) for part in ("train", "dev", "test") if alt[part])
            notes.append(f"For {m:,} examples even {shares} would do: the dev set still gets "
                         f"{int(alt['sizes']['dev']):,} examples.")
    return "\n\n".join([_table(["Examples m", "Train", "Dev", "Test"], rows)] + notes)


_BIAS_VARIANCE_ROWS = "1/11,14/15,14/30,0.5/1"


def _error_pairs(args: dict[str, str], key: str, default: str) -> list[tuple[str, str]]:
    pairs = []
    for item in args.get(key, default).split(","):
        train, slash, dev = item.partition("/")
        if not slash:
            raise DirectiveError(key, f"{item!r} is not train/dev in percent", "e.g. 1/11,14/15")
        pairs.append((train, dev))
    return pairs


@_directive("bias_variance_table", ("rows", "bayes"), "the engine's diagnosis of train/dev error pairs")
def _bias_variance_table(args: dict[str, str]) -> str:
    from dltutor.core.diagnose import diagnose, parse_error

    bayes = parse_error(args["bayes"] + "%", "bayes") if "bayes" in args else None
    rows = []
    for train, dev in _error_pairs(args, "rows", _BIAS_VARIANCE_ROWS):
        result = diagnose(parse_error(train + "%", "train"), parse_error(dev + "%", "dev"), bayes_error=bayes)
        rows.append([f"{train}%", f"{dev}%", ", ".join(result.phrases)])
    header = ["Train error", "Dev error", "Diagnosis"]
    note = f"\n\n(Bayes error taken as {args['bayes']}%.)" if bayes is not None else ""
    return _table(header, rows) + note


@_directive("recipe", ("train", "dev", "bayes"), "the engine's recipe steps for one train/dev error pair")
def _recipe(args: dict[str, str]) -> str:
    from dltutor.core.diagnose import diagnose, parse_error

    train, dev = args.get("train", "1"), args.get("dev", "11")
    bayes = parse_error(args["bayes"] + "%", "bayes") if "bayes" in args else None
    result = diagnose(parse_error(train + "%", "train"), parse_error(dev + "%", "dev"), bayes_error=bayes)
    lines = [f"Train {train}%, dev {dev}%: **{', '.join(result.phrases)}**.", ""]
    for n, step in enumerate(result.recipe, 1):
        preset = f" (lab preset `{step.lab_preset}`)" if getattr(step, "lab_preset", None) else ""
        lines.append(f"{n}. **{step.title}**: {step.why}{preset}")
    return "\n".join(lines)


@_directive("weight_decay", ("alpha", "lambd", "m"), "the L2 gradient measured as a weight-decay factor")
def _weight_decay(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.init import initialize
    from dltutor.core.network import Architecture, backward, forward
    from dltutor.core.rng import make_rng, randn

    alpha = _floats(args, "alpha", "0.3")[0]
    lambd = _floats(args, "lambd", "0.7")[0]
    m = _ints(args, "m", "211")[0]
    rng = make_rng(0)
    arch = Architecture((2, 20, 3, 1))
    params = initialize(arch.layers, "he", rng)
    X, Y = randn(rng, 2, m), (randn(rng, 1, m) > 0).astype(np.float64)
    AL, caches = forward(X, params, arch)
    plain = backward(AL, Y, caches, params, arch)
    with_l2 = backward(AL, Y, caches, params, arch, l2=lambd)
    # What the engine adds per weight, divided by the weight: should be lambda/m for every entry.
    extra = (with_l2["dW1"] - plain["dW1"]) / params["W1"]
    per_weight = float(np.median(extra))
    factor = 1 - alpha * per_weight
    return "\n".join([
        "```",
        f"α = {_num(alpha)}   λ = {_num(lambd)}   m = {m}",
        f"extra gradient from the L2 term, per weight:  dW_L2 − dW = {_num(per_weight, 5)} · W   (λ/m)",
        f"one step:  W ← W − α·(dW + (λ/m)·W) = {_num(factor, 7)} · W − α·dW",
        "```",
    ])


@_directive("tanh_linear_regime", ("z",), "how linear tanh is near zero")
def _tanh_linear_regime(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.activations import ACTIVATIONS

    tanh = ACTIVATIONS["tanh"]
    z = np.array([_floats(args, "z", "0.05,0.1,0.5,1,2,3")])
    a = tanh.forward(z)
    slope = tanh.backward(np.ones_like(z), z, a)
    rows = [[_num(zi, 3), f"{ai:.4f}", f"{ai / zi:.4f}", f"{si:.4f}"]
            for zi, ai, si in zip(z[0], a[0], slope[0])]
    return _table(["z", "tanh(z)", "tanh(z) / z", "slope 1 − tanh²(z)"], rows)


@_directive("inverted_dropout", ("keep_prob",), "mean activation with and without the 1/keep_prob scaling")
def _inverted_dropout(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.network import Architecture, forward
    from dltutor.core.rng import make_rng

    keep_prob = _floats(args, "keep_prob", "0.8")[0]
    if not 0 < keep_prob <= 1:
        raise DirectiveError("keep_prob", f"{keep_prob} is out of range", "0 < keep_prob <= 1")
    n, m = 50, 2000
    # Layer 1 is the identity on an input of ones, so its activations are exactly 1 before dropout.
    arch = Architecture((n, n, 1), activation="linear")
    params = {"W1": np.eye(n), "b1": np.zeros((n, 1)), "W2": np.zeros((1, n)), "b2": np.zeros((1, 1))}
    X = np.ones((n, m))
    _, test_caches = forward(X, params, arch, training=False)
    _, caches = forward(X, params, arch, training=True, keep_probs=[keep_prob], rng=make_rng(0))
    layer = caches[0]
    mask = layer.D if layer.D is not None else np.ones_like(layer.A)
    rows = [
        ["test time (no dropout)", f"{float(test_caches[0].out.mean()):.3f}"],
        ["training, units dropped but not rescaled", f"{float((layer.A * mask).mean()):.3f}"],
        [f"training, inverted dropout (÷ {_num(keep_prob)})", f"{float(layer.out.mean()):.3f}"],
    ]
    intro = (f"{n} units × {m:,} examples, every activation 1 before dropout, keep_prob = {_num(keep_prob)}; "
             f"fraction of units kept: {float(mask.mean()):.3f}.\n\n")
    return intro + _table(["Forward pass", "Mean activation a[1]"], rows)


@_directive("normalize_example", (), "feature statistics and cost elongation before and after normalizing")
def _normalize_example(args: dict[str, str]) -> str:
    import inspect

    import numpy as np

    from dltutor.core.normalize import Normalizer
    from dltutor.core.rng import make_rng, randn

    rng = make_rng(0)

    def draw(m: int) -> np.ndarray:
        # Feature 1 like a size in square metres, feature 2 like a fraction.
        return np.vstack([500 + 150 * randn(rng, 1, m), 0.5 + 0.1 * randn(rng, 1, m)])

    X_train, X_test = draw(1000), draw(200)
    if isinstance(inspect.getattr_static(Normalizer, "fit"), (classmethod, staticmethod)):
        norm = Normalizer.fit(X_train)
    else:
        norm = Normalizer()
        norm = norm.fit(X_train) or norm

    def stats(X: np.ndarray) -> list[str]:
        mean, var = X.mean(axis=1), X.var(axis=1)
        # A mean of 3e-16 after centring is round-off, and reads better as the 0 it is.
        return [f"{v if abs(v) > 1e-12 else 0.0:.3g}" for v in (mean[0], var[0], mean[1], var[1])]

    def elongation(X: np.ndarray) -> float:
        # For J(w) = (1/2m)‖wᵀX − y‖² the Hessian is X Xᵀ / m: the ratio of its extreme eigenvalues is
        # how much longer than wide the contour ellipses are, squared.
        eig = np.linalg.eigvalsh(X @ X.T / X.shape[1])
        return float(np.sqrt(eig[-1] / eig[0]))

    Xn, Xt = norm.transform(X_train), norm.transform(X_test)
    rows = [
        ["train, raw"] + stats(X_train) + [f"{elongation(X_train):,.0f}"],
        ["train, normalized"] + stats(Xn) + [f"{elongation(Xn):.2f}"],
        ["test, training μ and σ"] + stats(Xt) + [f"{elongation(Xt):.2f}"],
    ]
    return _table(["Data", "mean x₁", "var x₁", "mean x₂", "var x₂", "length / width"], rows)


@_directive("deep_linear_growth", ("a", "depths"), "a^L for a deep linear network with W[l] = a·I")
def _deep_linear_growth(args: dict[str, str]) -> str:
    from dltutor.core.deep import identity_experiment
    from dltutor.core.rng import make_rng

    scales = _floats(args, "a", "0.5,1.5")
    depths = _ints(args, "depths", "5,10,20,50,100")
    growth = {}
    for a in scales:
        report = identity_experiment(max(depths), a, make_rng(0))
        growth[a] = [layer.act_std / report.input_std for layer in report.layers]
    rows = [[str(L)] + [f"{growth[a][L - 1]:.3g}" for a in scales] for L in depths]
    header = ["Layers L"] + [f"a = {_num(a)}" for a in scales]
    return "Size of a[L] relative to x (ratio of standard deviations):\n\n" + _table(header, rows)


def _deep_rows(cases: list[tuple[str, str, str]], depth: int, width: int,
               value: Callable) -> tuple[list[list[str]], list[int]]:
    from dltutor.core.deep import run_deep
    from dltutor.core.rng import make_rng

    shown = sorted({1, 2, depth // 4, depth // 2, depth} - {0})
    rows = []
    for activation, init, label in cases:
        report = run_deep(depth, width, activation, init, make_rng(0), m=64)
        rows.append([label] + [f"{value(report.layers[k - 1]):.2g}" for k in shown])
    return rows, shown


@_directive("activation_scale", ("width", "depth"), "spread of ReLU activations through depth for each init")
def _activation_scale(args: dict[str, str]) -> str:
    width = _ints(args, "width", "100")[0]
    depth = _ints(args, "depth", "20")[0]
    cases = [("relu", "small", "randn × 0.01"), ("relu", "xavier", "Xavier √(1/n)"),
             ("relu", "he", "He √(2/n)")]
    rows, shown = _deep_rows(cases, depth, width, lambda layer: layer.act_std)
    intro = (f"Standard deviation of the activations a[l] of a {depth}-layer ReLU network with {width} units "
             "per layer, at initialization, for inputs of standard deviation 1:\n\n")
    return intro + _table(["Initialization"] + [f"layer {k}" for k in shown], rows)


@_directive("deep_gradients", ("width", "depth"), "size of dW[l] through depth for three networks")
def _deep_gradients(args: dict[str, str]) -> str:
    width = _ints(args, "width", "100")[0]
    depth = _ints(args, "depth", "20")[0]
    cases = [("sigmoid", "xavier", "sigmoid, Xavier init"), ("tanh", "normal", "tanh, randn (std 1)"),
             ("relu", "he", "ReLU, He init")]
    rows, shown = _deep_rows(cases, depth, width, lambda layer: layer.grad_norm)
    intro = (f"Frobenius norm of dW[l] in a {depth}-layer network with {width} units per layer, at "
             "initialization (the engine back-propagates the mean of the last layer's activations):\n\n")
    return intro + _table(["Network"] + [f"‖dW[{k}]‖" for k in shown], rows)


@_directive("init_variances", ("n_prev",), "Xavier and He weight variances, formula and measured")
def _init_variances(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.init import initialize, weight_scale
    from dltutor.core.rng import make_rng

    rows = []
    for n_prev in _ints(args, "n_prev", "2,10,100,1000"):
        xavier, he = weight_scale("xavier", n_prev), weight_scale("he", n_prev)
        drawn = initialize([n_prev, 500], "he", make_rng(0))["W1"]
        rows.append([str(n_prev), f"{xavier ** 2:.4g}", f"{xavier:.4g}", f"{he ** 2:.4g}", f"{he:.4g}",
                     f"{float(np.std(drawn)):.4g}"])
    header = ["n[l−1]", "Xavier Var(w) = 1/n", "Xavier std", "He Var(w) = 2/n", "He std", "He std measured"]
    return _table(header, rows)


@_directive("one_vs_two_sided", ("theta", "eps"), "one- and two-sided differences of θ³")
def _one_vs_two_sided(args: dict[str, str]) -> str:
    from dltutor.core.gradcheck import one_dimensional_demo

    theta = _floats(args, "theta", "1.0")[0]
    rows = []
    for eps in _floats(args, "eps", "0.01,0.001"):
        demo = one_dimensional_demo(theta=theta, eps=eps)
        exact = float(demo.get("true", 3 * theta ** 2))
        one, two = float(demo["one_sided"]), float(demo["two_sided"])
        errors = demo.get("errors") if isinstance(demo.get("errors"), dict) else {}
        e1 = float(errors.get("one_sided", abs(one - exact)))
        e2 = float(errors.get("two_sided", abs(two - exact)))
        rows.append([_num(eps), _num(one, 8), _num(e1, 4), _num(two, 8), _num(e2, 4)])
    intro = f"f(θ) = θ³ at θ = {_num(theta)}; the true derivative is 3θ² = {_num(3 * theta ** 2)}.\n\n"
    return intro + _table(["ε", "one-sided", "its error", "two-sided", "its error"], rows)


@_directive("epsilon_sweep", ("theta",), "two-sided error of θ³ as ε shrinks: truncation, then round-off")
def _epsilon_sweep(args: dict[str, str]) -> str:
    import math

    from dltutor.core.gradcheck import one_dimensional_demo

    theta = _floats(args, "theta", "1.0")[0]
    rows = []
    for point in one_dimensional_demo(theta=theta, eps=0.01)["sweep"]:
        exponent = math.log10(point["epsilon"])
        # Every other power of ten is enough to show the trend and keeps the table short.
        if abs(exponent - round(exponent)) < 1e-9 and round(exponent) % 2:
            rows.append([f"1e{round(exponent)}", f"{point['one_sided_error']:.1e}",
                         f"{point['two_sided_error']:.1e}"])
    return _table(["ε", "one-sided error", "two-sided error"], rows)


@_directive("gradcheck_bands", ("differences",), "the engine's verdict for a few relative differences")
def _gradcheck_bands(args: dict[str, str]) -> str:
    from dltutor.core.gradcheck import verdict_band

    rows = []
    for d in _floats(args, "differences", "1e-7,1e-5,3e-4,1e-2"):
        band = verdict_band(d)
        rows.append([f"{d:.0e}", band.label, band.advice])
    return _table(["Relative difference", "Verdict", "What to do"], rows)


# --------------------------------------------------------------------------------------------------
# Queries


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
