"""The ``dltutor`` command line: discovers the subcommands in :mod:`tutor.commands`.

Bad input never shows a traceback: a :class:`core.errors.TutorError` or an argument error prints
``error: <message>`` on one line and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import re
import sys
from types import ModuleType


def _pin_blas_kernels() -> None:
    """Use OpenBLAS's AVX-512 (SkylakeX) kernels wherever the CPU has them, before NumPy loads.

    OpenBLAS picks its kernels by CPU vendor, and different kernels round matrix products differently.
    That is invisible on most runs, but the course's random-initialization experiment (weights times 10) is
    chaotic enough to turn it into a different cost curve. The course's published numbers were measured
    with these kernels, so pinning them makes every AVX-512 machine reproduce them exactly (only rounding
    differs between kernels). An ``OPENBLAS_CORETYPE`` the user has set is their choice and is kept;
    ``DLTUTOR_BLAS=native`` turns the pin off.
    """
    if os.environ.get("DLTUTOR_BLAS") == "native" or "numpy" in sys.modules:
        return
    if os.environ.get("OPENBLAS_CORETYPE", "").strip():
        return
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
            else:
                return
    except OSError:
        return
    if {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"} <= flags:
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"


_pin_blas_kernels()

from dltutor.core.errors import TutorError  # noqa: E402  (after the pin: nothing may load NumPy before it)
from dltutor.tutor import __version__, commands  # noqa: E402

USAGE_ERROR = 2
#: Commands that train or check course-sized networks: one BLAS thread while they run (:mod:`tutor.blas`).
#: The app's screens limit their own workers.
COMPUTING = frozenset({"train", "gradcheck", "deep", "numgrad"})


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one ``error: ...`` line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _print_error(_plain(message))
        raise SystemExit(USAGE_ERROR)


#: argparse's own messages, reworded in the project's form: the field, the problem, what is allowed.
_ARGPARSE_WORDING = [
    (re.compile(r"argument (\S+?): invalid int value: (.*)"),
     r"\1: \2 is not a whole number (allowed: digits only, such as 1000; not 1e3 or 1.5)"),
    (re.compile(r"argument (\S+?): invalid float value: (.*)"),
     r"\1: \2 is not a number (allowed: numbers such as 0.01, 1e-3 or 5)"),
    (re.compile(r"argument (\S+?): expected one argument"),
     r"\1: needs a value (allowed: \1 VALUE; a value that starts with '-' is written \1=-VALUE)"),
    (re.compile(r"argument (\S+?): invalid choice: (.*?) \(choose from (.*)\)"),
     r"\1: \2 is not one of the choices (allowed: \3)"),
    (re.compile(r"argument (\S+?): not allowed with argument (\S+)"),
     r"\1: cannot be used together with \2 (allowed: one of the two)"),
    # a type= callable's ArgumentTypeError already says the problem and what is allowed
    (re.compile(r"argument (\S+?): (.*\(allowed: .*\))", re.S), r"\1: \2"),
]


#: A word of an error message longer than this (a pasted file, a runaway argument) is cut in the middle.
_WORD_LIMIT = 80
_MESSAGE_LIMIT = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _print_error(message: str) -> None:
    """Print ``error: message`` as one line: control characters escaped, overlong words and message cut."""
    from dltutor.core.files import shorten

    message = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)
    message = re.sub(r"\S{%d,}" % (_WORD_LIMIT + 1), lambda m: shorten(m.group(), _WORD_LIMIT), message)
    sys.stderr.write(f"error: {shorten(message, _MESSAGE_LIMIT)}\n")


def _plain(message: str) -> str:
    for pattern, wording in _ARGPARSE_WORDING:
        if pattern.fullmatch(message):
            return pattern.sub(wording, message)
    return message


def _commands() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(commands.__path__):
        if info.name.startswith("_"):
            continue
        modules.append(importlib.import_module(f"dltutor.tutor.commands.{info.name}"))
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The top-level parser with one subparser per discovered command."""
    parser = _Parser(
        prog="dltutor",
        description="Offline tutor and diagnostic assistant for 'Practical aspects of deep learning'. "
        "Run without a command to open the tutor.",
    )
    parser.add_argument("--version", action="version", version=f"dltutor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    by_name = {}
    for module in _commands():
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        by_name[module.NAME] = module
    return parser, by_name


def _open_app(argv_rest: list[str] | None = None) -> int:
    try:
        from dltutor.tutor.app import run_app
    except ImportError:
        build_parser()[0].print_help()
        return 0
    return run_app()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``dltutor`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        where = f"{parser.prog} {args.command}" if args.command else parser.prog
        _print_error(f"{where}: unknown option(s) {' '.join(unknown)} "
                     f"(allowed: the options that {where} --help lists)")
        return USAGE_ERROR
    try:
        if args.command is None:
            return _open_app()
        if args.command not in COMPUTING:
            return int(commands[args.command].run(args) or 0)
        from dltutor.tutor.blas import single_threaded

        with single_threaded():
            return int(commands[args.command].run(args) or 0)
    except TutorError as exc:
        _print_error(str(exc))
        return USAGE_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
