"""Checking a learner's own file in a child process: a correct file passes, every failure is a clear message.

Each check starts a Python process (about 0.2 s), so the files are few and the time limit test is short.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dltutor.core.errors import TutorError
from dltutor.core.gradcheck import check_variant
from dltutor.core.learner import LearnerError, check_file
from dltutor.tutor.cli import main
from dltutor.tutor.text.gradcheck import render_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "learner"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def failure(path: str, **options) -> LearnerError:
    with pytest.raises(LearnerError) as err:
        check_file(path, **options)
    message = err.value.message
    assert "Traceback" not in message and "core/" not in message and "learner.py" not in message
    return err.value


def test_correct_exercise_code_passes_and_trains():
    report = check_file(fixture("correct.py"), after_iterations=5)
    initial = report.initial
    # the course's case and the notebook's code: the published number, as the built-in fixed variant gives it
    assert initial.difference == pytest.approx(check_variant("fixed").difference, rel=1e-6)
    assert initial.verdict == "right" and not initial.flagged and initial.file == fixture("correct.py")
    assert "course" in initial.case and report.iterations == 5 and report.verdict == "right"
    assert report.cost < initial.cost
    assert [b.name for b in report.blocks] == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]


def test_buggy_exercise_code_is_localized_in_fast_mode():
    report = check_file(fixture("buggy.py"), mode="fast")
    assert not report.fast["passed"] and report.fallback == "full"
    assert report.flagged == ["db1", "dW2"]
    assert report.block("dW2").ratio == pytest.approx(2.0, rel=1e-4)
    assert report.block("db1").ratio == pytest.approx(4.0, rel=1e-4)
    assert report.difference == pytest.approx(0.2850931567761623, rel=1e-9)


def test_own_case_own_style_and_printed_output():
    report = check_file(fixture("tanh_make_case.py"), mode="sampled", k=3, seed=4)
    assert report.verdict == "right" and not report.flagged
    assert "make_case" in report.case and report.n_checked == 3 + 3 + 3 + 1
    assert "cost" in report.learner_output
    assert report.to_dict()["file"] == fixture("tanh_make_case.py")


def test_syntax_error_points_at_the_line(tmp_path):
    path = tmp_path / "my_backprop.py"
    path.write_text("import numpy as np\n\n\ndef forward_propagation(X, Y, parameters):\n"
                    "    return 0.0, (X,\n\n\ndef backward_propagation(X, Y, cache):\n    return {}\n")
    err = failure(str(path))
    assert err.kind == "syntax" and err.line == 5
    assert err.message.startswith(f"{path}:5: SyntaxError")


def test_missing_function_names_what_is_there():
    err = failure(fixture("missing_function.py"))
    assert err.kind == "missing"
    assert "backward_propagation(X, Y, cache)" in err.message and "backward_prop" in err.message


def test_exception_inside_their_function_points_at_their_line():
    err = failure(fixture("raises.py"))
    assert err.kind == "raised" and err.line == 12
    assert err.message.startswith(f"{fixture('raises.py')}:12 in backward_propagation: ValueError")
    assert "dW1 = np.dot(Z1, Z1)" in err.message


def test_wrong_keys():
    err = failure(fixture("wrong_keys.py"))
    assert err.kind == "keys" and "missing db1, db2" in err.message and err.line == 20


def test_wrong_shapes_point_at_the_assignment():
    err = failure(fixture("wrong_shapes.py"))
    assert err.kind == "shapes" and err.line == 24
    assert "db1 has shape (1, 3) but b1 is (2, 1)" in err.message and "axis=1" in err.message


def test_nan_cost():
    err = failure(fixture("nan_cost.py"))
    assert err.kind == "nan" and err.line == 7 and "cost of nan" in err.message


def test_endless_loop_times_out():
    err = failure(fixture("endless.py"), timeout=1.5)
    assert err.kind == "timeout" and "1.5 s" in err.message


def test_os_exit_and_segfault_do_not_take_the_tutor_down():
    err = failure(fixture("hard_exit.py"))
    assert err.kind == "crash" and "exit code 3" in err.message
    err = failure(fixture("segfault.py"))
    assert err.kind == "crash" and "SIGSEGV" in err.message and err.line == 5


def test_bad_options_are_tutor_errors():
    with pytest.raises(TutorError):
        check_file(fixture("correct.py"), epsilon=0)
    with pytest.raises(TutorError):
        check_file(fixture("correct.py"), timeout=0)
    with pytest.raises(TutorError):
        check_file(str(FIXTURES / "no_such_file.py"))


def test_cli_file(capsys):
    assert main(["gradcheck", "--file", fixture("buggy.py"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["file"] == fixture("buggy.py") and doc["flagged"] == ["db1", "dW2"] and doc["verdict"] == "bug"
    assert main(["gradcheck", "--file", fixture("raises.py")]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error in your file: ") and "raises.py:12" in captured.err
    assert "Traceback" not in captured.err
    assert main(["gradcheck", "--file", fixture("raises.py"), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["error"]["kind"] == "raised" and doc["error"]["line"] == 12


# --- regressions: what an adversarial review found ----------------------------------------------------------

CORRECT = (FIXTURES / "correct.py").read_text()


def test_base_exception_subclass_at_import_points_at_its_line(tmp_path):
    path = tmp_path / "stops.py"
    path.write_text("class Stop(BaseException):\n    pass\n\n\nraise Stop('not today')\n")
    err = failure(str(path))
    assert err.kind == "import" and err.line == 5
    assert err.message.startswith(f"{path}:5: Stop: not today") and "raise Stop" in err.message
    assert "exit code" not in err.message


def test_layer_dims_beyond_the_parameter_budget_is_refused_before_running(tmp_path):
    path = tmp_path / "huge.py"
    path.write_text(CORRECT + "\n\nLAYER_DIMS = [4, 5000, 5000, 1]\n")
    line = len(CORRECT.splitlines()) + 3
    err = failure(str(path))
    assert err.kind == "size" and err.line == line
    assert "25,035,001 parameters" in err.message and "2,000,000" in err.message
    assert "cost of nan" not in err.message


def test_layer_dims_too_large_for_full_mode_advises_sampled(tmp_path):
    path = tmp_path / "wide.py"
    path.write_text(CORRECT + "\n\nLAYER_DIMS = [4, 200, 200, 1]\n")
    err = failure(str(path))
    assert err.kind == "size" and "--mode sampled" in err.message


def test_a_background_process_does_not_outlive_the_check(tmp_path):
    pid_file = tmp_path / "pid"
    path = tmp_path / "spawns.py"
    path.write_text(f"import subprocess\n_p = subprocess.Popen(['sleep', '40'])\n"
                    f"open({str(pid_file)!r}, 'w').write(str(_p.pid))\n" + CORRECT)
    # the check ends with the child, not 40 s later with the sleep holding its output open
    report = check_file(str(path), timeout=30)
    assert report.verdict == "right"
    assert _gone(int(pid_file.read_text()))


def test_a_background_process_is_killed_on_timeout(tmp_path):
    pid_file = tmp_path / "pid"
    path = tmp_path / "spawns_and_loops.py"
    path.write_text(f"import subprocess\n_p = subprocess.Popen(['sleep', '40'])\n"
                    f"open({str(pid_file)!r}, 'w').write(str(_p.pid))\nwhile True:\n    pass\n")
    err = failure(str(path), timeout=5)  # room for a slow start before the pid file is written
    assert err.kind == "timeout"
    assert _gone(int(pid_file.read_text()))


def _gone(pid: int) -> bool:
    """The process has ended (gone, or a zombie waiting for init to reap it); waits a little for the kill."""
    import os
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    os.kill(pid, 9)  # do not leave it behind even when the test fails
    return False


def test_long_output_is_cut_at_a_line_and_says_so(tmp_path):
    path = tmp_path / "chatty.py"
    path.write_text("for _i in range(1000):\n    print('line', _i, 'of the output')\n" + CORRECT)
    report = check_file(str(path), mode="fast")
    out = report.learner_output
    first, *rest = out.splitlines()
    assert first == "(earlier output cut)"
    assert rest[0].startswith("line ") and rest[0].endswith(" of the output")
    assert rest[-1] == "line 999 of the output" and len(out) <= 4000 + len(first) + 1
    assert "your code printed:\n(earlier output cut)\nline" in render_report(report)


def test_tail_keeps_short_output_and_marks_cuts():
    from dltutor.core.learner import tail

    assert tail("a\nb\n") == "a\nb\n"
    text = "".join(f"{i:04d}\n" for i in range(2000))
    cut = tail(text, 100)
    assert cut.startswith("(earlier output cut)\n") and cut.endswith("1999\n")
    assert all(len(line) == 4 for line in cut.splitlines()[1:])


@pytest.mark.parametrize("options, field", [
    ({"timeout": 1e7}, "timeout"), ({"timeout": float("inf")}, "timeout"), ({"epsilon": 1e-320}, "epsilon"),
    ({"after_iterations": 100_001}, "after-iterations"), ({"learning_rate": float("nan")}, "learning-rate"),
    ({"seed": 2**40}, "seed"),
])
def test_options_out_of_range_are_tutor_errors(options, field):
    with pytest.raises(TutorError) as err:
        check_file(fixture("correct.py"), **options)
    assert err.value.field == field and err.value.allowed


def test_empty_path_says_so():
    with pytest.raises(TutorError, match="--file: empty path"):
        check_file("")


def test_cli_timeout_is_bounded(capsys):
    assert main(["gradcheck", "--file", fixture("correct.py"), "--timeout", "1e7"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --timeout: ") and "3600" in err and "Traceback" not in err
    assert main(["gradcheck", "--file", ""]) == 2
    assert capsys.readouterr().err.startswith("error: --file: empty path")


def test_diverging_training_in_their_file_is_explained():
    err = failure(fixture("correct.py"), after_iterations=5, learning_rate=1e300)
    assert err.kind == "nan" and "after 1 iteration of gradient descent" in err.message
    assert "smaller --learning-rate" in err.message


def test_a_learner_gradient_1e300_times_too_large_prints_no_warning(tmp_path, capsys):
    path = tmp_path / "huge_gradient.py"
    path.write_text(CORRECT.replace("dW1 = 1. / m * np.dot(dZ1, X.T)", "dW1 = 1. / m * np.dot(dZ1, X.T) * 1e300"))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a NumPy warning would fail the command
        assert main(["gradcheck", "--file", str(path)]) == 0
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "dW1 is 1e+300 times the true gradient" in captured.out


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the memory limit is set where Linux allows")
def test_a_runaway_allocation_is_a_memory_error_at_their_line(tmp_path):
    path = tmp_path / "hog.py"
    # 8 GB, past the 4 GB limit; np.empty touches nothing, so without the limit it would not eat memory
    # either, only succeed (and this test fail)
    path.write_text("import numpy as np\n\nbig = np.empty((1000, 1_000_000))\n" + CORRECT)
    err = failure(str(path))
    assert err.kind == "import" and err.line == 3 and "MemoryError" in err.message


def test_a_cancelled_check_stops_the_learner_code_at_once(tmp_path: Path) -> None:
    import time

    path = tmp_path / "endless.py"
    path.write_text("def forward_propagation(X, Y, parameters):\n    while True:\n        pass\n\n\n"
                    "def backward_propagation(X, Y, cache):\n    return {}\n")
    started = time.monotonic()
    with pytest.raises(LearnerError) as caught:
        check_file(str(path), timeout=60, cancelled=lambda: time.monotonic() - started > 1.0)
    assert caught.value.kind == "cancelled" and "cancelled" in caught.value.message
    assert time.monotonic() - started < 10


def test_a_timeout_names_how_the_caller_gives_more_time(tmp_path: Path) -> None:
    path = tmp_path / "endless.py"
    path.write_text("def forward_propagation(X, Y, parameters):\n    while True:\n        pass\n\n\n"
                    "def backward_propagation(X, Y, cache):\n    return {}\n")
    with pytest.raises(LearnerError) as caught:
        check_file(str(path), timeout=0.5, more_time="the Time limit field gives it longer")
    assert caught.value.kind == "timeout" and "the Time limit field gives it longer" in caught.value.message
    assert "--timeout" not in caught.value.message
