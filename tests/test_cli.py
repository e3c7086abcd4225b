"""The command line as a whole: discovery, the one-line errors, and no app without a terminal."""

from __future__ import annotations

import pytest

from dltutor.tutor.cli import build_parser, main


def test_every_command_is_discovered():
    _, commands = build_parser()
    assert {"train", "lab", "gradcheck", "numgrad", "diagnose", "split", "deep", "lessons", "lesson", "ask",
            "quiz", "progress", "tour"} <= set(commands)


def test_without_a_terminal_the_app_does_not_open(capsys):
    # pytest's captured stdin is not a terminal: the tutor must say so instead of waiting for keys
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: terminal") and "dltutor tour" in err


def exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize(("argv", "message"), [
    (["nope"], "error: COMMAND: 'nope' is not one of the choices (allowed: 'train', "),
    (["train", "--nope"], "error: dltutor train: unknown option(s) --nope "
                          "(allowed: the options that dltutor train --help lists)"),
    (["train", "--iterations", "1e3"], "error: --iterations: '1e3' is not a whole number (allowed: digits only"),
    (["train", "--lr", "fast"], "error: --lr: 'fast' is not a number (allowed: numbers such as 0.01"),
    (["train", "--keep-prob", "-0.5,1"], "error: --keep-prob: needs a value (allowed: --keep-prob VALUE; "
                                         "a value that starts with '-' is written --keep-prob=-VALUE)"),
    (["quiz", "--lesson", "dropout", "--mixed"], "error: --mixed: cannot be used together with --lesson"),
])
def test_argument_errors_are_one_line_naming_the_field_and_what_is_allowed(capsys, argv, message):
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.strip().splitlines()) == 1


def test_tour_screenshots_into_a_file_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("")
    assert main(["tour", "--screenshots", str(target)]) == 2
    assert capsys.readouterr().err.startswith("error: --screenshots")


def test_progress_with_an_infinite_score_is_moved_aside(tmp_path, monkeypatch, capsys):
    (tmp_path / "progress.json").write_text('{"version": 1, "quiz": {"bias-variance": '
                                           '[{"score": Infinity, "total": 1, "at": 1}]}}')
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    assert main(["progress"]) == 0
    assert (tmp_path / "progress.json.bak").exists()
