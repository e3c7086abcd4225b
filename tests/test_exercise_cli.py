"""The exercise commands: list, start, check (exit 0/1/2 and the JSON contract), hint and watch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dltutor.core.exercises.catalogue import EXERCISES
from dltutor.tutor.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "exercises"


def run(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_exercises_lists_every_exercise_with_status(capsys):
    code, out, _ = run(["exercises"], capsys)
    assert code == 0
    for exercise_id in ("init-zeros", "init-random", "init-he", "l2-cost", "l2-backward", "dropout-forward",
                        "dropout-backward", "gradcheck-1d", "gradcheck-n"):
        assert exercise_id in out
    assert f"0 of {len(EXERCISES)} passed" in out and "initialize_parameters_he" in out
    code, out, _ = run(["exercises", "--json"], capsys)
    rows = json.loads(out)["exercises"]
    assert {"id", "title", "lesson", "function", "status"} <= set(rows[0])
    assert {r["status"] for r in rows} == {"not started"}


def test_start_writes_the_starter_and_never_overwrites(tmp_path, capsys):
    code, out, _ = run(["exercise", "start", "dropout-forward", "--dir", str(tmp_path)], capsys)
    path = tmp_path / "dropout_forward.py"
    assert code == 0 and path.is_file() and str(path) in out
    text = path.read_text()
    assert "def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):" in text
    assert "# YOUR CODE HERE" in text and "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)" in text
    path.write_text("# my work\n")
    code, out, _ = run(["exercise", "start", "dropout-forward", "--dir", str(tmp_path), "--json"], capsys)
    assert code == 0 and json.loads(out) == {"id": "dropout-forward", "path": str(path), "written": False}
    assert path.read_text() == "# my work\n"


def test_check_exit_codes_json_contract_and_progress(capsys):
    good = FIXTURES / "l2_cost" / "correct.py"
    bad = FIXTURES / "l2_cost" / "bug_missing_half.py"
    code, out, _ = run(["exercise", "check", "l2-cost", str(bad), "--json"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert {"id", "passed", "checks", "hint"} <= set(doc)
    assert doc["id"] == "l2-cost" and doc["passed"] is False and doc["hint"]
    failing = [c for c in doc["checks"] if not c["passed"]]
    assert set(failing[0]) == {"name", "passed", "message"} and "1/2 is missing" in failing[0]["message"]
    code, out, _ = run(["exercises", "--json"], capsys)
    assert {r["id"]: r["status"] for r in json.loads(out)["exercises"]}["l2-cost"] == "attempted"
    code, out, _ = run(["exercise", "check", "l2-cost", str(good)], capsys)
    assert code == 0 and "PASSED" in out and "ok   the notebook's case" in out
    code, out, _ = run(["exercise", "check", "l2-cost", str(bad)], capsys)  # a pass stays a pass
    assert code == 1 and "FAIL the penalty's factor" in out and "hint (level 1 of 3)" in out
    code, out, _ = run(["exercises"], capsys)
    assert f"1 of {len(EXERCISES)} passed" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["exercise", "check", "nope", "x.py"], "error: exercise: unknown exercise 'nope'"),
    (["exercise", "check", "init-he", "/no/such/file.py"], "error: FILE: /no/such/file.py does not exist"),
    (["exercise", "check", "init-he", str(FIXTURES), ], "is not a file"),
    (["exercise", "check", "init-he", str(FIXTURES / "init_he" / "correct.py"), "--timeout", "0"],
     "error: --timeout: 0.0 seconds is out of range"),
    (["exercise", "hint", "init-he", "--level", "9"], "error: --level: 9 is too large (allowed: a whole number"),
    (["exercise", "start", "init-he", "--dir", ""], "error: --dir: is empty"),
    (["exercise"], "error: ACTION: missing"),
    (["exercise", "check", "init-he"], "error: the following arguments are required: FILE"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert err.startswith(message) or message in err, err
    assert "Traceback" not in err


def test_hints_come_in_levels(capsys):
    code, one, _ = run(["exercise", "hint", "dropout-backward"], capsys)
    assert code == 0 and "hint 1 of 3" in one and "--level 2" in one
    code, two, _ = run(["exercise", "hint", "dropout-backward", "--level", "2", "--json"], capsys)
    doc = json.loads(two)
    assert doc["level"] == 2 and doc["levels"] == 3 and "keep_prob" in doc["hint"]


def test_a_crashing_file_is_a_failed_check_not_a_traceback(capsys):
    code, out, err = run(["exercise", "check", "init-zeros", str(FIXTURES / "misc" / "os_exit.py")], capsys)
    assert code == 1 and "FAIL runs without crashing" in out and "Traceback" not in out + err


def test_watch_rechecks_on_save_until_it_passes(tmp_path):
    import threading

    path = tmp_path / "init_zeros.py"
    path.write_text((FIXTURES / "init_zeros" / "bug_transposed.py").read_text())
    env = dict(os.environ, PYTHONPATH=str(ROOT), DLTUTOR_HOME=str(tmp_path / "home"))
    proc = subprocess.Popen([sys.executable, "-m", "dltutor.tutor", "exercise", "watch", "init-zeros", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("save it to check again" in ln for ln in lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any("FAIL shapes" in ln for ln in lines), lines
        time.sleep(0.5)  # the watcher starts right after the first check
        path.write_text((FIXTURES / "init_zeros" / "correct.py").read_text())
        code = proc.wait(timeout=60)
        reader.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, "".join(lines) + proc.stderr.read()
    assert any("PASSED" in ln for ln in lines)


def _pass(capsys, exercise_id, fixture):
    code, _, _ = run(["exercise", "check", exercise_id, str(FIXTURES / fixture)], capsys)
    assert code == 0


def test_train_with_exercises_needs_passed_exercises(capsys):
    code, _, err = run(["train", "--preset", "course-reg-dropout", "--with-exercises"], capsys)
    assert code == 2 and "dropout-forward has not passed yet" in err
    code, _, err = run(["train", "--preset", "lesson-overfit", "--with-exercises"], capsys)
    assert code == 2 and "--preset course-reg-l2 or --preset course-reg-dropout" in err
    code, _, err = run(["train", "--preset", "course-init-he", "--with-exercises"], capsys)
    assert code == 2 and "init-he has not passed yet" in err


def test_train_with_exercises_reproduces_the_reference(capsys):
    _pass(capsys, "dropout-forward", "dropout_forward/correct.py")
    _pass(capsys, "dropout-backward", "dropout_backward/correct.py")
    code, out, _ = run(["train", "--preset", "course-reg-dropout", "--with-exercises", "--iterations", "1001",
                        "--json"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["reproduced"] is True and doc["diverged_at"] is None
    assert [c["iteration"] for c in doc["costs"]] == [0, 1000]
    assert doc["costs"][0]["yours"] == doc["costs"][0]["reference"]
    code, out, _ = run(["train", "--preset", "course-reg-dropout", "--with-exercises", "--l2", "0.7"], capsys)
    assert code == 2


def test_train_with_exercises_shows_where_a_run_diverges(capsys):
    from dltutor.tutor.progress import load

    _pass(capsys, "l2-cost", "l2_cost/correct.py")
    store, _ = load()  # as if a buggy backward had passed: the run must part from the reference
    store.record_exercise("l2-backward", True, str(FIXTURES / "l2_backward" / "bug_half_l2_term.py"))
    code, out, _ = run(["train", "--preset", "course-reg-l2", "--with-exercises", "--iterations", "1001"], capsys)
    assert code == 1
    assert "DIFFERS" in out and "parts from the reference at iteration 1,000" in out


def test_progress_counts_passed_exercises(capsys):
    _pass(capsys, "init-he", "init_he/correct.py")
    code, out, _ = run(["progress"], capsys)
    assert code == 0 and f"1 of {len(EXERCISES)} exercises passed" in out
    code, out, _ = run(["progress", "--json"], capsys)
    assert json.loads(out)["exercises"]["init-he"]["passed"] is True


def test_exercise_records_merge_between_two_tutors(tmp_path):
    from dltutor.tutor.progress import Progress, ProgressStore

    times = iter(range(1, 100))
    a, b = ProgressStore(tmp_path, clock=lambda: next(times)), ProgressStore(tmp_path, clock=lambda: next(times))
    a.load()
    b.load()
    a.record_exercise("init-he", True, "/a/init_he.py")
    b.record_exercise("init-he", False, "/b/init_he.py")  # b had not seen the pass: a pass stays a pass
    b.record_exercise("l2-cost", False, "/b/l2_cost.py")
    record = b.progress.exercises["init-he"]
    assert record.passed and record.file == "/a/init_he.py" and record.attempts == 1
    assert b.progress.exercise_status("l2-cost") == "attempted"
    assert b.progress.exercise_status("gradcheck-n") == "not started"
    again = Progress.from_dict(json.loads(b.path.read_text()))
    assert again.exercises == b.progress.exercises
    a.reset()
    assert a.progress.exercises == {}


def test_a_malformed_exercise_record_is_moved_aside(tmp_path):
    from dltutor.tutor.progress import FILENAME, ProgressStore

    (tmp_path / FILENAME).write_text(json.dumps({"version": 1, "exercises": {"init-he": {"passed": True}}}))
    store = ProgressStore(tmp_path)
    notice = store.load()
    assert notice and store.progress.exercises == {}


def test_train_with_exercises_runs_the_initialization_experiment_with_your_init(capsys):
    _pass(capsys, "init-he", "init_he/correct.py")
    code, out, _ = run(["train", "--preset", "course-init-he", "--with-exercises", "--iterations", "2001"], capsys)
    assert code == 0 and "verdict: reproduced" in out and "init-he:" in out
    assert "0.8830537463" in out  # the published first cost of the He run (the circles stand-in is the course's data)


def test_the_stand_in_note_names_the_presets_own_course_file_and_the_app_names_the_command() -> None:
    from types import SimpleNamespace

    from dltutor.tutor.exercise_train import comparison_text

    def run(preset: str) -> SimpleNamespace:
        return SimpleNamespace(preset=preset, files={"init-he": "init_he.py"}, stand_in=True, rows=[(0, 0.7, 0.7)],
                               accuracy={"train": (0.9, 0.9)}, seconds=0.1, reproduced=True, diverged_at=None,
                               output="")

    assert "pass --data with the course's circles.npz" in comparison_text(run("course-init-he"))
    assert "pass --data with the course's football.npz" in comparison_text(run("course-reg-l2"))
    in_app = comparison_text(run("course-init-he"), in_app=True)
    assert "dltutor train --preset course-init-he --with-exercises --data circles.npz" in in_app
    assert "pass --data" not in in_app
