"""A learner's file leaves nothing behind: every descendant reaped, memory capped in total, results on a
private channel, and whatever their code prints shown escaped.

Each test runs under both ways of containing the run where they exist: a cgroup v2 of its own (when this
machine lets the user create one) and the /proc fallback (``DLTUTOR_SANDBOX=proc``).
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from pathlib import Path

import pytest

from dltutor.core.learner import LearnerError, check_file, printable
from dltutor.core.sandbox import _own_cgroup, containment, descendants
from tests.test_learner import CORRECT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process tracking reads /proc")


def _cgroup_writable() -> bool:
    own = _own_cgroup()
    return own is not None and os.access(own, os.W_OK)


@pytest.fixture(params=["cgroup", "proc"])
def mode(request, monkeypatch):
    if request.param == "cgroup":
        if not _cgroup_writable():
            pytest.skip("no writable cgroup v2 here: the /proc fallback is what runs")
        monkeypatch.delenv("DLTUTOR_SANDBOX", raising=False)
    else:
        monkeypatch.setenv("DLTUTOR_SANDBOX", "proc")
    return request.param


def _with_tag(tag: str) -> list[int]:
    """Processes whose command line carries ``tag`` (and are not zombies)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{name}/cmdline").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if tag.encode() in cmd and state not in ("Z", "X"):
            found.append(int(name))
    return found


def _wait_gone(tag: str, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _with_tag(tag)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # never leave them behind, even when the test fails
        os.kill(pid, 9)
    return left


SPAWN_50 = """\
import os, subprocess
for _i in range(25):   # in a new session, as a detached server would
    subprocess.Popen(['sleep', '{secs}'], start_new_session=True)
for _i in range(25):   # by a double fork: the grandchild is orphaned at once
    if os.fork() == 0:
        if os.fork() == 0:
            os.setsid()
            os.execvp('sleep', ['sleep', '{secs}'])
        os._exit(0)
    os.wait()
"""


def test_fifty_sleeps_in_new_sessions_and_double_forks_are_all_reaped(tmp_path, mode):
    secs = f"{60 + secrets.randbelow(1000) / 1000:.3f}"  # a tag no other process carries
    path = tmp_path / "spawns50.py"
    path.write_text(SPAWN_50.format(secs=secs) + CORRECT)
    report = check_file(str(path), timeout=60)
    assert report.verdict == "right"
    assert _wait_gone(secs) == []


def test_fifty_sleeps_are_reaped_on_timeout_too(tmp_path, mode):
    secs = f"{70 + secrets.randbelow(1000) / 1000:.3f}"
    path = tmp_path / "spawns50_loops.py"
    path.write_text(SPAWN_50.format(secs=secs) + "while True:\n    pass\n")
    with pytest.raises(LearnerError) as err:
        check_file(str(path), timeout=8)
    assert err.value.kind == "timeout"
    assert _wait_gone(secs) == []


HOGS = """\
import os, subprocess, sys
code = "import time\\nb = bytearray({each})\\nfor i in range(0, len(b), 4096): b[i] = 1\\ntime.sleep(30)"
_procs = [subprocess.Popen([sys.executable, '-c', code, '{tag}'], start_new_session=True) for _ in range(3)]
for p in _procs:
    p.wait()
"""


def test_memory_is_capped_across_all_the_processes(tmp_path, mode):
    tag = f"hog-{secrets.token_hex(4)}"
    path = tmp_path / "hogs.py"
    path.write_text(HOGS.format(each=200 * 2**20, tag=tag) + CORRECT)
    started = time.monotonic()
    with pytest.raises(LearnerError) as err:
        check_file(str(path), timeout=60, memory=400 * 2**20)
    assert err.value.kind == "memory" and "together" in err.value.message
    assert time.monotonic() - started < 30
    assert _wait_gone(tag) == []


def test_containment_says_what_the_platform_caps():
    text = containment(4 * 2**30)
    assert "4 GiB" in text and "across all its processes" in text


def test_monkeypatched_json_and_a_forged_result_file_do_not_reach_the_result(tmp_path, mode):
    path = tmp_path / "patches.py"
    path.write_text("import json, sys\n"
                    "json.dumps = lambda *a, **k: '{\"ok\": true}'\n"
                    "json.JSONEncoder.encode = lambda self, o: 'garbage'\n"
                    "for _name in sys.argv[1:] + ['result.json', 'request.json']:\n"
                    "    try:\n"
                    "        open(_name[:100], 'w').write('{\"ok\": true}')\n"
                    "    except OSError:\n"
                    "        pass\n" + CORRECT)
    report = check_file(str(path))
    assert report.verdict == "right"


def test_a_learner_who_deletes_its_working_folder(tmp_path, mode):
    path = tmp_path / "deletes.py"
    path.write_text("import os, shutil\nshutil.rmtree(os.getcwd())\n" + CORRECT)
    assert check_file(str(path)).verdict == "right"
    crash = tmp_path / "deletes_and_crashes.py"
    crash.write_text("import os, shutil\nshutil.rmtree(os.getcwd())\nos._exit(3)\n")
    with pytest.raises(LearnerError) as err:
        check_file(str(crash))
    assert err.value.kind == "crash" and "exit code 3" in err.value.message


def test_a_leftover_thread_does_not_turn_a_finished_check_into_a_timeout(tmp_path, mode):
    path = tmp_path / "thread.py"
    path.write_text("import threading, time\nthreading.Thread(target=time.sleep, args=(120,)).start()\n" + CORRECT)
    started = time.monotonic()
    report = check_file(str(path), timeout=20)
    assert report.verdict == "right" and time.monotonic() - started < 15


def test_escape_codes_the_learner_prints_are_shown_escaped(tmp_path, capsys):
    path = tmp_path / "colours.py"
    path.write_text("print('\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mred')\n" + CORRECT)
    report = check_file(str(path))
    assert "\x1b" not in report.learner_output and "\\x1b[2J" in report.learner_output
    raises = tmp_path / "raises_escape.py"
    raises.write_text("raise ValueError('\\x1b[2Jgone')\n")
    with pytest.raises(LearnerError) as err:
        check_file(str(raises))
    assert "\x1b" not in err.value.message and "\\x1b[2Jgone" in err.value.message
    from dltutor.tutor.cli import main

    assert main(["gradcheck", "--file", str(path)]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_printable_keeps_lines_and_tabs():
    assert printable("a\tb\nc\x1b[0m\x07") == "a\tb\nc\\x1b[0m\\x07"


def test_the_supervisor_leaves_no_child_of_the_tutor(tmp_path, mode):
    path = tmp_path / "plain.py"
    path.write_text(CORRECT)
    check_file(str(path))
    assert [p for p in descendants(os.getpid()) if Path(f"/proc/{p}/cmdline").exists()
            and b"dltutor.core.sandbox" in Path(f"/proc/{p}/cmdline").read_bytes()] == []
