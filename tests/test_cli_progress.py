"""Headless reading and quizzing count in the saved progress, and every count speaks of the 13 topics."""

from __future__ import annotations

import json

from dltutor.tutor.cli import main


def _progress(capsys) -> dict:
    capsys.readouterr()
    assert main(["progress", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_lesson_read_in_the_terminal_counts_as_read(capsys) -> None:
    assert main(["lesson", "bias-variance"]) == 0
    rows = {r["id"]: r["status"] for r in _progress(capsys)["lessons"]}
    assert rows["bias-variance"] == "read"
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "1 of 13 topics read, 0 practised, summary not read yet" in out


def test_graded_answers_are_saved_like_a_quiz(capsys) -> None:
    assert main(["quiz", "--answers", "1:a,2:b"]) == 0
    assert "Score saved" in capsys.readouterr().out
    saved = _progress(capsys)
    assert len(saved["quiz"]["mixed"]) == 1 and saved["quiz"]["mixed"][0]["total"] == 2
    assert main(["quiz", "--answers", "1:a", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["total"] == 1  # JSON stays JSON: the saving says nothing on stdout
    assert len(_progress(capsys)["quiz"]["mixed"]) == 2


def test_the_summary_is_listed_but_not_counted_as_a_topic(capsys) -> None:
    assert main(["lesson", "summary"]) == 0
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "0 of 13 topics read, 0 practised, summary read" in out
