"""Fuzz every subcommand and option with hostile values and crafted data files: no traceback, no hang.

A fixed budget (300 in-process cases, derandomized so CI sees the same cases every run, well under a
minute) plus a few runs of ``python -m tutor`` in a subprocess as a user would start it. The longer campaign
with counts is ``python bench/fuzz_cli.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_cli import APP_COMMANDS, NASTY, QUESTION_WORDS, command_options, crafted_files, run_case, run_subprocess

OPTIONS = command_options()
COMMANDS = sorted(name for name in OPTIONS if name not in APP_COMMANDS)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return crafted_files(tmp_path_factory.mktemp("fuzz-files"))


def _values(option, files: list[str]) -> st.SearchStrategy[str]:
    pool = NASTY + files + option.choices
    if option.flag in ("--data", "--file"):
        return st.sampled_from(files + ["", "x" * 300])
    return st.one_of(
        st.sampled_from(pool),
        # bounded: a valid large number of iterations or examples is legitimate work, not a hang
        st.integers(-1000, 1000).map(str),
        st.floats(-1000, 1000).map(repr),
        st.text(max_size=12),
    )


@st.composite
def argv(draw, files: list[str]) -> list[str]:
    command = draw(st.sampled_from(COMMANDS))
    opts, positional = OPTIONS[command]
    chosen = draw(st.lists(st.sampled_from(opts), max_size=4, unique_by=lambda o: o.flag)) if opts else []
    out = [command]
    for opt in chosen:
        if not opt.takes_value:
            out.append(opt.flag)
            continue
        value = draw(_values(opt, files))
        out += [f"{opt.flag}={value}"] if value.startswith("-") else [opt.flag, value]
    if positional:
        if command == "ask":
            out += draw(st.lists(st.sampled_from(QUESTION_WORDS), min_size=1, max_size=6))
        else:
            out.append(draw(st.sampled_from(NASTY)))
    return out


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_no_traceback_and_no_hang_from_any_option(files, data) -> None:
    case = data.draw(argv(files))
    outcome = run_case(case, limit=20.0)
    assert outcome.kind in ("ok", "error"), f"{outcome.kind} for {case!r}:\n{outcome.detail}"


@pytest.mark.parametrize("case", [
    ["lab", "--preset", "\x1b[31m" + "y" * 5000],
    ["tour", "--screenshots", "/dev/null/below"],
    ["train", "--data", "{files}/corrupt.npz"],
    ["gradcheck", "--file", "{files}/escape.py", "--timeout", "30"],
    ["progress", "--reset"],
    ["serve", "--host", "h" * 300],
    ["serve", "--port", "9" * 310],
])
def test_as_a_user_starts_it(files, tmp_path: Path, case: list[str]) -> None:
    folder = str(Path(files[0]).parent)
    outcome = run_subprocess([a.replace("{files}", folder) for a in case], limit=60.0, home=str(tmp_path))
    assert outcome.kind in ("ok", "error"), f"{outcome.kind} for {case!r}:\n{outcome.detail}"
