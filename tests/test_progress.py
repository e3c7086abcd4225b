"""Saved progress: atomic, merged writes; corrupted files moved aside; the `dltutor progress` command."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from dltutor.tutor.cli import main
from dltutor.tutor.progress import FILENAME, MIXED, Progress, ProgressStore, data_dir, load


class Clock:
    """A clock the test moves by hand, so "newest" is unambiguous."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        self.t += 1.0
        return self.t


def read_file(home: Path) -> dict:
    return json.loads((home / FILENAME).read_text())


def test_data_dir_follows_dltutor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"
    store, notice = load()
    assert store.path == tmp_path / "x" / FILENAME and notice is None


def test_fresh_store_is_empty_and_writes_nothing(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    assert store.load() is None
    assert store.progress == Progress()
    assert not (tmp_path / FILENAME).exists()


def test_changes_are_saved_and_read_back(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path, clock=Clock())
    store.load()
    assert store.mark_read("dropout") is None
    store.mark_practised("dropout")
    store.record_quiz("dropout", 3, 4)
    store.record_quiz("dropout", 4, 4)
    store.record_quiz(MIXED, 6, 10)
    store.set_position("lesson", "dropout")
    data = read_file(tmp_path)
    assert data["read"] == ["dropout"] and data["practised"] == ["dropout"]
    assert [a["score"] for a in data["quiz"]["dropout"]] == [3, 4]
    assert data["position"]["lesson"] == "dropout"
    again = ProgressStore(tmp_path)
    assert again.load() is None
    p = again.progress
    assert p.status("dropout") == "practised" and p.status("other") == "not started"
    assert (p.best("dropout").score, p.latest("dropout").score) == (4, 4)
    assert p.best(MIXED).total == 10 and p.best("nothing") is None
    # the write is atomic: only the file and the lock remain, no temporary files
    assert sorted(f.name for f in tmp_path.iterdir()) == [FILENAME, "progress.lock"]


def test_best_prefers_the_higher_fraction(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path, clock=Clock())
    store.record_quiz("x", 9, 10)
    store.record_quiz("x", 2, 2)
    store.record_quiz("x", 1, 4)
    assert (store.progress.best("x").score, store.progress.best("x").total) == (2, 2)
    assert store.progress.latest("x").score == 1


BAD_FILES = ["{not json", "[1, 2]", '{"read": "dropout"}', '{"quiz": {"x": [{"score": 1}]}}',
             "\xff\xfe garbage"]


@pytest.mark.parametrize("content", BAD_FILES)
def test_corrupted_file_is_moved_aside(tmp_path: Path, content: str) -> None:
    (tmp_path / FILENAME).write_text(content, encoding="latin-1")
    store = ProgressStore(tmp_path)
    notice = store.load()
    assert notice is not None and "progress.json.bak" in notice and "starts fresh" in notice
    assert store.progress == Progress()
    assert (tmp_path / "progress.json.bak").read_text(encoding="latin-1") == content
    assert not (tmp_path / FILENAME).exists()
    store.mark_read("a")
    assert read_file(tmp_path)["read"] == ["a"]


def test_backups_are_numbered(tmp_path: Path) -> None:
    for n in range(3):
        (tmp_path / FILENAME).write_text(f"broken {n}")
        assert ProgressStore(tmp_path).load() is not None
    assert (tmp_path / "progress.json.bak").read_text() == "broken 0"
    assert (tmp_path / "progress.json.bak.2").read_text() == "broken 1"
    assert (tmp_path / "progress.json.bak.3").read_text() == "broken 2"


def test_two_tutors_do_not_erase_each_other(tmp_path: Path) -> None:
    clock = Clock()
    a, b = ProgressStore(tmp_path, clock=clock), ProgressStore(tmp_path, clock=clock)
    a.load()
    b.load()
    a.mark_read("one")
    a.record_quiz("one", 1, 2)
    a.set_position("lesson", "one")
    b.mark_read("two")  # b never saw a's changes
    b.record_quiz("one", 2, 2)
    data = read_file(tmp_path)
    assert data["read"] == ["one", "two"]
    assert [q["score"] for q in data["quiz"]["one"]] == [1, 2]
    assert data["position"]["lesson"] == "one"
    b.set_position("quiz", None)  # newer wins
    a.mark_practised("one")  # a's older position must not come back
    data = read_file(tmp_path)
    assert data["position"]["screen"] == "quiz" and data["practised"] == ["one"]
    assert a.progress.read == {"one", "two"}


def test_reset_is_not_undone_by_a_stale_tutor(tmp_path: Path) -> None:
    clock = Clock()
    a, b = ProgressStore(tmp_path, clock=clock), ProgressStore(tmp_path, clock=clock)
    a.mark_read("one")
    b.load()
    assert b.progress.read == {"one"}
    a.reset()
    assert read_file(tmp_path)["read"] == []
    b.mark_read("two")  # b still remembers "one" in memory, but the reset came after it loaded
    assert read_file(tmp_path)["read"] == ["two"]


def _hammer(home: str, prefix: str) -> None:
    store = ProgressStore(home)
    for i in range(15):
        store.mark_read(f"{prefix}{i}")


def test_concurrent_processes_keep_every_change(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), p)) for p in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert all(p.exitcode == 0 for p in procs)
    assert len(read_file(tmp_path)["read"]) == 30


def test_unwritable_home_gives_a_notice_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = ProgressStore(blocker / "home")
    assert store.load() is not None
    notice = store.mark_read("x")
    assert notice is not None and "not saved" in notice
    assert store.progress.read == {"x"}  # kept for this session


# -- the command ----------------------------------------------------------------------------------


def test_progress_command_text_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    store = ProgressStore(tmp_path)
    store.mark_read("bias-variance")
    store.record_quiz("bias-variance", 4, 5)
    store.record_quiz(MIXED, 7, 10)
    store.set_position("lesson", "bias-variance")
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "Bias and variance" in out and "4/5" in out and "mixed quiz: best 7/10" in out
    assert "dltutor lesson bias-variance --open" in out
    assert main(["progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["read"] == ["bias-variance"] and data["path"] == str(tmp_path / FILENAME)
    row = next(r for r in data["lessons"] if r["id"] == "bias-variance")
    assert row["status"] == "read" and row["quiz_best"]["score"] == 4


def test_reset_asks_and_does_nothing_without_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    ProgressStore(tmp_path).mark_read("dropout")
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # not a tty: must not be taken as an answer
    assert main(["progress", "--reset"]) == 2
    assert capsys.readouterr().err.strip() == ("error: --reset: there is no terminal to ask for confirmation on "
                                               "(allowed: --reset --yes, which resets without asking)")
    assert read_file(tmp_path)["read"] == ["dropout"]
    assert main(["progress", "--reset", "--json"]) == 2  # a script gets an error, never a question
    assert capsys.readouterr().err.startswith("error: --reset:")
    assert read_file(tmp_path)["read"] == ["dropout"]
    assert main(["progress", "--reset", "--yes"]) == 0
    assert "progress reset" in capsys.readouterr().out
    assert read_file(tmp_path)["read"] == []
    ProgressStore(tmp_path).mark_read("dropout")
    assert main(["progress", "--reset", "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"path": str(tmp_path / FILENAME), "reset": True}
    assert read_file(tmp_path)["read"] == []


def test_a_home_that_is_a_file_is_named_as_the_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("my notes")
    monkeypatch.setenv("DLTUTOR_HOME", str(blocker))
    assert main(["progress", "--json"]) == 0
    captured = capsys.readouterr()
    assert "DLTUTOR_HOME" in captured.err and "is not a folder" in captured.err
    assert "progress file" not in captured.err
    assert blocker.read_text() == "my notes"  # nothing moved aside or overwritten
    assert json.loads(captured.out)["read"] == []


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "reset"), [("y\n", True), ("n\n", False), ("", False)])
def test_reset_on_a_terminal_follows_the_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture, answer: str,
                                                reset: bool) -> None:
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    ProgressStore(tmp_path).mark_read("dropout")
    monkeypatch.setattr("sys.stdin", FakeTty(answer))
    assert main(["progress", "--reset"]) == (0 if reset else 1)
    out = capsys.readouterr().out
    assert "[y/N]" in out
    assert read_file(tmp_path)["read"] == ([] if reset else ["dropout"])
    if not answer:
        assert "no answer" in out


def test_progress_command_reports_a_corrupted_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    (tmp_path / FILENAME).write_text("{oops")
    assert main(["progress", "--json"]) == 0
    captured = capsys.readouterr()
    assert "moved to progress.json.bak" in captured.err
    assert json.loads(captured.out)["read"] == []
    assert os.path.exists(tmp_path / "progress.json.bak")
