"""Checking a learner's own file in a child process: a correct file passes, every failure is a clear message.

Each check starts a Python process (about 0.2 s), so the files are few and the time limit test is short.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import TutorError
from core.gradcheck import check_variant
from core.learner import LearnerError, check_file
from tutor.cli import main

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
