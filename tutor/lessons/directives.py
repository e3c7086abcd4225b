"""Directives: ``{{ name key=value }}`` in a lesson body, replaced by Markdown that the NumPy core computes.

This module is the machinery (the registry, the expansion, argument parsing and table formatting); the
directives themselves register in :mod:`dltutor.tutor.lessons.computed`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dltutor.core.errors import TutorError

_DIRECTIVE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)((?:\s+[^\s{}]+)*)\s*\}\}")


class DirectiveError(TutorError):
    """A directive is unknown or has bad arguments: a mistake in the lesson file itself."""


@dataclass(frozen=True)
class Directive:
    """A directive's function (``args -> Markdown``), its allowed arguments and what it shows."""

    func: Callable[[dict[str, str]], str]
    args: frozenset[str]
    description: str


DIRECTIVES: dict[str, Directive] = {}


def directive(name: str, args: Iterable[str] = (), description: str = "") -> Callable:
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


def float_list(args: dict[str, str], key: str, default: str) -> list[float]:
    try:
        return [float(v) for v in args.get(key, default).split(",")]
    except ValueError:
        raise DirectiveError(key, f"{args[key]!r} is not a comma-separated list of numbers",
                             "e.g. 0.01,0.001") from None


def int_list(args: dict[str, str], key: str, default: str) -> list[int]:
    try:
        return [int(v.replace("_", "")) for v in args.get(key, default).split(",")]
    except ValueError:
        raise DirectiveError(key, f"{args[key]!r} is not a comma-separated list of integers",
                             "e.g. 2,10,100") from None


def num(x: float, digits: int = 6) -> str:
    """A number as a reader would write it: ``3.0301`` not ``3.0300999999999867``."""
    return f"{x:.{digits}g}"


def pct(fraction: float) -> str:
    return f"{100 * fraction:.4g}%"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
