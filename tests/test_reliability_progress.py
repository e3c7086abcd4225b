"""Progress that can never lock the learner out: hostile numbers, a held lock, leftovers, links, pipes, devices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dltutor.tutor.cli import main
from dltutor.tutor.progress import FILENAME, LOCKNAME, ProgressStore
from dltutor.tutor.progress import store as progress_module
from dltutor.tutor.tour import settle
from tests.test_app import SIZE, app_for

GOOD = {"version": 1, "read": ["dropout"], "practised": [], "quiz": {}, "position": None, "reset_at": 0.0}


def _write(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / FILENAME).write_text(text)


HOSTILE = {
    "score-300-digits": '{"version": 1, "quiz": {"mixed": [{"score": ' + "9" * 300 + ', "total": 10, "when": 1}]}}',
    "total-300-digits": '{"version": 1, "quiz": {"mixed": [{"score": 1, "total": ' + "9" * 300 + ', "when": 1}]}}',
    "score-above-total": '{"version": 1, "quiz": {"mixed": [{"score": 11, "total": 10, "when": 1}]}}',
    "score-negative": '{"version": 1, "quiz": {"mixed": [{"score": -1, "total": 10, "when": 1}]}}',
    "score-float": '{"version": 1, "quiz": {"mixed": [{"score": 1.5, "total": 10, "when": 1}]}}',
    "score-bool": '{"version": 1, "quiz": {"mixed": [{"score": true, "total": 10, "when": 1}]}}',
    "when-infinity": '{"version": 1, "quiz": {"mixed": [{"score": 1, "total": 10, "when": Infinity}]}}',
    "when-nan": '{"version": 1, "quiz": {"mixed": [{"score": 1, "total": 10, "when": NaN}]}}',
    "when-1e400": '{"version": 1, "quiz": {"mixed": [{"score": 1, "total": 10, "when": 1e400}]}}',
    "position-infinity": '{"version": 1, "position": {"screen": "lesson", "lesson": "dropout", "when": Infinity}}',
    "position-lesson-number": '{"version": 1, "position": {"screen": "lesson", "lesson": 5, "when": 1}}',
    "reset-nan": '{"version": 1, "reset_at": NaN}',
    "theme-at-minus-infinity": '{"version": 1, "theme": "nord", "theme_at": -Infinity}',
    "attempts-not-a-list": '{"version": 1, "quiz": {"mixed": 5}}',
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_out_of_range_numbers_are_moved_aside_with_a_notice(tmp_path: Path, monkeypatch, capsys, name) -> None:
    _write(tmp_path, HOSTILE[name])
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    assert main(["progress", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("note: Your progress file is damaged") and "moved to progress.json.bak" in \
        captured.err
    assert (tmp_path / "progress.json.bak").read_text() == HOSTILE[name]
    json.loads(captured.out)
    assert main(["progress"]) == 0  # and the next start is clean


async def test_the_app_starts_over_a_hostile_progress_file(tmp_path: Path) -> None:
    _write(tmp_path, HOSTILE["position-infinity"])
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert any("moved to progress.json.bak" in n.message for n in app._notifications)


def _hold_lock(home: Path) -> subprocess.Popen:
    """Another process that takes the progress lock (writing its pid, as a tutor does) and stops there."""
    code = ("import fcntl, os, sys, time\n"
            f"f = open({str(home / LOCKNAME)!r}, 'a+')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "f.seek(0); f.truncate(); f.write(str(os.getpid())); f.flush()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_lock_times_out_naming_the_holder_and_changes_are_saved_later(tmp_path: Path) -> None:
    _write(tmp_path, json.dumps(GOOD))
    holder = _hold_lock(tmp_path)
    try:
        store = ProgressStore(tmp_path)
        store.lock_timeout = 0.3
        started = time.monotonic()
        notice = store.load()
        assert time.monotonic() - started < 3
        assert notice and f"process {holder.pid}" in notice
        assert store.progress.read == {"dropout"}  # read without the lock: the file is replaced atomically
        store.lock_timeout = 5.0
        started = time.monotonic()
        notice = store.mark_read("l2")
        assert notice is None  # told once, not at every save
        assert time.monotonic() - started < 2  # and later saves do not wait the whole timeout again
        assert "l2" not in json.loads((tmp_path / FILENAME).read_text())["read"]
    finally:
        holder.kill()
        holder.wait()
    assert store.mark_read("init") is None
    assert set(json.loads((tmp_path / FILENAME).read_text())["read"]) == {"dropout", "l2", "init"}


async def test_the_app_starts_while_another_tutor_holds_the_lock(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(progress_module, "LOCK_TIMEOUT", 0.3)
    _write(tmp_path, json.dumps(GOOD))
    holder = _hold_lock(tmp_path)
    try:
        app = app_for(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert type(app.screen).__name__ == "HomeScreen"
            assert any(f"process {holder.pid}" in n.message for n in app._notifications)
    finally:
        holder.kill()
        holder.wait()


def test_leftover_temporary_files_are_removed_on_load(tmp_path: Path) -> None:
    _write(tmp_path, json.dumps(GOOD))
    for n in range(5):
        (tmp_path / f".progress-{n}abc.tmp").write_text("{half a wri")
    keep = tmp_path / "notes.tmp"
    keep.write_text("mine")
    store = ProgressStore(tmp_path)
    assert store.load() is None
    assert not list(tmp_path.glob(".progress-*.tmp")) and keep.exists()


def test_a_symlinked_progress_file_is_written_through_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "synced"
    real_dir.mkdir()
    real = real_dir / "my-progress.json"
    real.write_text(json.dumps(GOOD))
    home = tmp_path / "home"
    home.mkdir()
    (home / FILENAME).symlink_to(real)
    store = ProgressStore(home)
    assert store.load() is None and store.progress.read == {"dropout"}
    assert store.mark_read("l2") is None
    assert (home / FILENAME).is_symlink()
    assert set(json.loads(real.read_text())["read"]) == {"dropout", "l2"}
    assert not list(real_dir.glob(".progress-*.tmp"))


def test_a_fifo_in_place_of_the_file_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / FILENAME)
    store = ProgressStore(tmp_path)
    started = time.monotonic()
    notice = store.load()
    assert notice and "not a regular file" in notice
    assert store.mark_read("l2") is None  # said once; nothing written, nothing blocks
    assert time.monotonic() - started < 5
    assert (tmp_path / FILENAME).is_fifo()


def test_dev_zero_in_place_of_the_file_is_refused_and_left_alone(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / FILENAME).symlink_to("/dev/zero")
    store = ProgressStore(tmp_path)
    notice = store.load()
    assert notice and "not a regular file" in notice
    store.mark_read("l2")
    assert Path("/dev/zero").is_char_device() and (tmp_path / FILENAME).is_symlink()
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    assert main(["progress"]) == 0
    assert "not a regular file" in capsys.readouterr().err


def test_a_data_folder_the_user_cannot_enter_is_a_notice(tmp_path: Path, monkeypatch, capsys) -> None:
    home = tmp_path / "locked"
    _write(home, json.dumps(GOOD))
    if os.geteuid() == 0:  # root enters every folder: fail as the operating system does for a learner
        real_open = os.open

        def deny(path, *args, **kwargs):
            if str(path).startswith(str(home)):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(progress_module.os, "open", deny)
    else:
        home.chmod(0o300)
    try:
        store = ProgressStore(home)
        notice = store.load()
        assert notice and "not accessible" in notice
        store.mark_read("l2")
        monkeypatch.setenv("DLTUTOR_HOME", str(home))
        assert main(["progress"]) == 0
        assert "not accessible" in capsys.readouterr().err
    finally:
        home.chmod(0o755)
    assert json.loads((home / FILENAME).read_text()) == GOOD  # nothing lost, nothing moved


def test_a_byte_order_mark_is_not_corruption(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / FILENAME).write_bytes("\ufeff".encode() + json.dumps(GOOD).encode())
    store = ProgressStore(tmp_path)
    assert store.load() is None and store.progress.read == {"dropout"}
    assert not (tmp_path / "progress.json.bak").exists()
