"""The command line as a whole: discovery, the one-line errors, and no app without a terminal."""

from __future__ import annotations

import pytest

from tutor.cli import build_parser, main


def test_every_command_is_discovered():
    _, commands = build_parser()
    assert {"train", "lab", "gradcheck", "numgrad", "diagnose", "split", "deep", "lessons", "lesson", "ask",
            "quiz", "progress", "tour"} <= set(commands)


def test_without_a_terminal_the_app_does_not_open(capsys):
    # pytest's captured stdin is not a terminal: the tutor must say so instead of waiting for keys
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: terminal") and "dltutor tour" in err


def test_unknown_command_and_option_are_one_error_line(capsys):
    for argv in (["nope"], ["train", "--nope"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and len(err.strip().splitlines()) == 1


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
