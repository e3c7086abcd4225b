"""The exercise checks: every correct fixture passes, every buggy one fails with a message naming its bug.

The fixtures in ``tests/fixtures/exercises/<id>/`` are written in the course's signatures, as a learner
would write them (``bug_*.py`` holds one typical mistake each). Most run in this process for speed
(``check_in_process``); the files that crash, loop, exit or print run in the real child process.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dltutor.core.errors import TutorError
from dltutor.core.exercises.catalogue import EXERCISES, get_exercise, starter_text
from dltutor.core.exercises.runner import check_exercise, check_in_process

FIXTURES = Path(__file__).parent / "fixtures" / "exercises"

#: bug fixture -> (the failing check's name, words its message must contain)
BUGS = {
    "init-zeros": {
        "bug_zeros_two_args": ("initialize_parameters_zeros runs", ["TypeError", "np.zeros(layers_dims[l]"]),
        "bug_transposed": ("shapes", ["W1", "transposed"]),
        "bug_bias_1d": ("shapes", ["b1", "(2,)", "(2, 1)"]),
        "bug_last_layer_missing": ("keys W1, b1, ..., WL, bL", ["last layer", "missing"]),
        "bug_small_random": ("weights are zero", ["W1", "not all zeros"]),
    },
    "init-random": {
        "bug_no_times_10": ("the weights' scale", ["W1", "no scaling", "10"]),
        "bug_no_seed": ("seeds np.random.seed(3) itself", ["np.random.seed(3)", "different weights"]),
        "bug_random_bias": ("biases are zero", ["b1", "np.zeros((n[l], 1))"]),
        "bug_seed_in_loop": ("the course's draws", ["W2", "inside the loop"]),
        "bug_uniform": ("the course's draws", ["np.random.rand", "randn"]),
        "bug_other_seed": ("the course's draws", ["np.random.seed(1)", "seeds with 3"]),
    },
    "init-he": {
        "bug_xavier": ("the weights' scale", ["Xavier", "sqrt(2 / n[l-1])"]),
        "bug_wrong_layer": ("the weights' scale", ["sqrt(2 / n[l])", "THIS layer"]),
        "bug_no_sqrt": ("the weights' scale", ["np.sqrt is missing"]),
        "bug_no_seed": ("seeds np.random.seed(3) itself", ["np.random.seed(3)"]),
        "bug_transposed_draw": ("the course's draws", ["transposed", "randn(layers_dims[l], layers_dims[l-1])"]),
        "bug_float32": ("the weights' dtype", ["float32", "float64", ".astype(np.float32)"]),
    },
    "l2-cost": {
        "bug_missing_half": ("the penalty's factor", ["lambd/m instead of lambd/(2m)", "1/2 is missing"]),
        "bug_missing_1_over_m": ("the penalty's factor", ["without the 1/m"]),
        "bug_missing_W3": ("W3's term", ["W3 does not count"]),
        "bug_norm_not_squared": ("W1's term", ["not squared", "multiply its penalty by 4"]),
        "bug_biases_penalized": ("biases not penalized", ["counts the biases"]),
        "bug_W2_twice": ("W3's term", ["W3 does not count"]),
        "bug_spectral_norm": ("W1's term", ["np.linalg.norm(W1, 2)", "spectral norm", "np.sum(np.square(W1))"]),
        "bug_hardcoded_lambd": ("uses lambd", ["lambd is hard-coded", "lambd = 0.7"]),
        "bug_precedence": ("the penalty's factor", ["check operator precedence", "lambd/2*m is (lambd/2)*m"]),
    },
    "l1-cost": {
        "bug_squares": ("W1's term", ["squares", "np.abs"]),
        "bug_half": ("the penalty's factor", ["lambd/(2m) instead of lambd/m"]),
        "bug_missing_W3": ("W3's term", ["W3 does not count"]),
    },
    "l2-backward": {
        "bug_half_l2_term": ("gradients", ["(lambd/(2m)) * W2", "the 2 of the square comes down"]),
        "bug_missing_l2_term": ("gradients", ["(lambd/m) * W1 is missing", "dW3, db3, dW2, db2 are right"]),
        "bug_bias_regularized": ("gradients", ["db3", "biases are not regularized"]),
        "bug_no_relu_derivative": ("gradients", ["dW2", "relu's derivative is missing", "(A2 > 0)"]),
        "bug_wrong_sign": ("gradients", ["subtracted", "W3"]),
        "bug_relu_ge": ("gradients", ["(A2 >= 0) is true everywhere", "A2 >= 0"]),
        "bug_z_for_a": ("gradients", ["dW3 uses Z2", "np.dot(dZ3, Z2.T)"]),
        "bug_hardcoded_lambd": ("gradients", ["lambd is hard-coded", "lambd = 0.7"]),
    },
    "dropout-forward": {
        "bug_missing_divide": ("A1 with dropout", ["A1 is not divided by keep_prob"]),
        "bug_flipped_mask": ("mask D2", ["1 - keep_prob", "D2 < keep_prob"]),
        "bug_no_seed": ("seeds np.random.seed(1) itself", ["np.random.seed(1)", "different masks"]),
        "bug_mask_per_unit": ("mask D1", ["(2, 1)", "(2, 5)", "per unit AND example"]),
        "bug_multiply_keep_prob": ("A2 with dropout", ["multiplied by keep_prob"]),
        "bug_cache_without_masks": ("returns (A3, cache)", ["14-tuple", "12 items"]),
        "bug_other_seed": ("mask D1", ["np.random.seed(0)", "seeds with 1"]),
        "bug_hardcoded_keep_prob": ("uses keep_prob", ["keep_prob is hard-coded", "keep_prob = 0.86"]),
        "bug_cache_order": ("cache layout", ["another order", "(Z1, A1, D1,", "(Z1, D1, A1,"]),
        "bug_mask_on_z": ("Z1", ["applied to Z1, before relu", "Z1 = Z1 * D1"]),
    },
    "dropout-backward": {
        "bug_missing_divide": ("gradients", ["dA2 is not divided by keep_prob"]),
        "bug_multiply_keep_prob": ("gradients", ["dA1 is multiplied by keep_prob"]),
        "bug_scaled_twice": ("gradients", ["1/keep_prob", "extra / keep_prob", "dA2"]),
        "bug_db_wrong_axis": ("shapes", ["db1", "axis=1"]),
        "bug_missing_mask": ("mask D1 on dA1", ["dA1 is not multiplied by D1", "dA1 = dA1 * D1"]),
        "bug_relu_ge": ("gradients", ["(A2 >= 0) is true everywhere", "A2 >= 0"]),
        "bug_z_for_a": ("gradients", ["dW3 uses Z2", "np.dot(dZ3, Z2.T)"]),
        "bug_hardcoded_keep_prob": ("gradients", ["keep_prob is hard-coded", "keep_prob = 0.86"]),
        "bug_extra_keep_prob_dz": ("gradients", ["dZ2 has an extra factor keep_prob", "dA2 is right",
                                                 "np.int64(A2 > 0)) * keep_prob"]),
    },
    "gradcheck-1d": {
        "bug_one_sided": ("two-sided difference", ["one-sided", "O(eps)"]),
        "bug_no_2_in_denominator": ("the difference", ["divided by epsilon instead of 2 * epsilon"]),
        "bug_numerator_only": ("the difference", ["numerator alone"]),
        "bug_backward_returns_theta": ("backward_propagation", ["that is theta"]),
        "bug_forward_adds": ("forward_propagation", ["theta * x = 8"]),
        "bug_precedence": ("the difference", ["/ 2 * epsilon", "/ (2 * epsilon)"]),
    },
    "gradcheck-n": {
        "bug_no_copy": ("two-sided difference", ["np.copy"]),
        "bug_plus_from_base": ("two-sided difference", ["theta + epsilon", "theta_plus"]),
        "bug_one_sided": ("two-sided difference", ["one-sided"]),
        "bug_denominator_grad_only": ("difference for the corrected backward pass", ["||grad|| only"]),
        "bug_fixed_epsilon": ("uses epsilon", ["fixed inside the function"]),
        "bug_divide_by_epsilon": ("difference for the corrected backward pass",
                                  ["divided by epsilon instead of 2 * epsilon"]),
        "bug_hardcoded_size": ("other layer sizes", ["hard-coded", "num_parameters = 47"]),
        "bug_hardcoded_zeros": ("other layer sizes", ["hard-coded", "np.zeros((47, 1))"]),
        "bug_precedence_denominator": ("difference for the corrected backward pass",
                                       ["check operator precedence", "numerator / (||grad|| + ||gradapprox||)"]),
        "bug_skips_last": ("every parameter", ["last parameter", "range(num_parameters - 1)"]),
    },
    "weight-decay": {
        "bug_missing_m": ("weights decay by (1 - alpha lambd / m)", ["the /m is missing"]),
        "bug_decays_bias": ("biases are not decayed", ["b1", "not regularized"]),
        "bug_grows": ("weights decay by (1 - alpha lambd / m)", ["the weights grow"]),
        "bug_no_decay": ("weights decay by (1 - alpha lambd / m)", ["not decayed at all"]),
        "bug_precedence": ("plain gradient descent when lambd = 0", ["check operator precedence",
                                                                     "(1 - learning_rate * lambd) / m"]),
        "bug_decay_twice": ("weights decay by (1 - alpha lambd / m)", ["1 - 2 alpha lambd / m", "applied twice"]),
    },
    "normalize-inputs": {
        "bug_test_own_stats": ("test set with the training statistics", ["TEST set's own"]),
        "bug_wrong_axis": ("normalize_inputs runs", ["ValueError"]),
        "bug_divide_by_variance": ("training set normalized", ["variance"]),
        "bug_in_place": ("inputs left unchanged", ["in place"]),
    },
}


def _dir(exercise_id: str) -> Path:
    return FIXTURES / exercise_id.replace("-", "_")


def test_every_exercise_has_a_correct_file_and_at_least_three_bugs():
    assert set(BUGS) == set(EXERCISES)
    for exercise_id, bugs in BUGS.items():
        assert (_dir(exercise_id) / "correct.py").is_file()
        assert len(bugs) >= 3, exercise_id
        on_disk = {p.stem for p in _dir(exercise_id).glob("bug_*.py")}
        assert on_disk == set(bugs), exercise_id


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_correct_file_passes(exercise_id):
    result = check_in_process(exercise_id, _dir(exercise_id) / "correct.py")
    assert result.passed, result.failing
    assert result.hint is None
    assert len(result.checks) >= 3


@pytest.mark.parametrize(("exercise_id", "bug"), [(e, b) for e, bugs in BUGS.items() for b in bugs])
def test_buggy_file_fails_naming_the_bug(exercise_id, bug):
    name, words = BUGS[exercise_id][bug]
    result = check_in_process(exercise_id, _dir(exercise_id) / f"{bug}.py")
    assert not result.passed
    failing = result.failing
    assert failing.name == name, failing
    for word in words:
        assert word in failing.message, (word, failing.message)
    assert f"{bug}.py:" in failing.message  # the learner's own line
    assert result.hint == get_exercise(exercise_id).hint(1)


def test_the_course_numbers_appear_in_passing_checks():
    gc = check_in_process("gradcheck-n", _dir("gradcheck-n") / "correct.py")
    text = " ".join(c.message for c in gc.checks)
    assert "1.189091302e-07" in text and "0.2850931568" in text
    one = check_in_process("gradcheck-1d", _dir("gradcheck-1d") / "correct.py")
    assert "2.919335883e-10" in one.checks[-1].message and "exactly the notebook's" in one.checks[-1].message
    cost = check_in_process("l2-cost", _dir("l2-cost") / "correct.py")
    assert "1.786485945159076" in cost.checks[-1].message
    rnd = check_in_process("init-random", _dir("init-random") / "correct.py")
    assert "17.88628473" in rnd.checks[-1].message


def test_course_numbers_match_the_published_reference():
    import json

    from tests.helpers import reference

    published = json.loads(reference("published.json").read_text())
    from dltutor.core.exercises import reference as ref
    from dltutor.core.exercises.checks_grad import _fixed_gradients, ref_1d
    from dltutor.core.exercises.course_utils import backward_propagation_n, forward_propagation_n
    from dltutor.core.exercises.helpers import compute_cost_with_regularization_test_case, gradient_check_n_test_case

    gc = published["gradient_checking"]
    assert ref_1d() == gc["one_dimensional"]["difference"]
    X, Y, params = gradient_check_n_test_case()
    cost, cache = forward_propagation_n(X, Y, params)
    assert cost == gc["n_dimensional"]["cost_at_case"]
    buggy = backward_propagation_n(X, Y, cache)
    buggy_difference = gc["n_dimensional"]["buggy_backprop"]["difference"]
    assert ref.gradient_check_n(params, buggy, X, Y) == pytest.approx(buggy_difference, rel=1e-9)
    fixed = _fixed_gradients(X, Y, cache)
    assert ref.gradient_check_n(params, fixed, X, Y) == pytest.approx(gc["n_dimensional"]["fixed_backprop_difference"],
                                                                      rel=1e-6)
    a3, Yc, p = compute_cost_with_regularization_test_case()
    assert ref.compute_cost_with_regularization(a3, Yc, p, 0.1) == pytest.approx(
        published["regularization"]["unit_checks"]["l2_cost_lambd_0.1_on_exercise_test_case"], rel=1e-12)
    init = published["initialization"]["unit_checks"]
    assert ref.initialize([3, 2, 1], "random")["W1"].tolist() == init["random_init_layers_3_2_1_W1"]
    assert ref.initialize([2, 4, 1], "he")["W1"][0].tolist() == pytest.approx(init["he_init_layers_2_4_1_W1_first_row"])


def test_a_pasted_notebook_cell_runs_unchanged(tmp_path):
    result = check_exercise("gradcheck-n", FIXTURES / "misc" / "notebook_paste.py")
    assert result.passed, result.failing
    assert "Your backward propagation works perfectly fine!" in result.output
    assert "\x1b[" not in result.output


@pytest.mark.parametrize(("fixture", "name", "words"), [
    ("loop", "finishes in time", ["loop.py:", "in initialize_parameters_zeros", "still running"]),
    ("os_exit", "runs without crashing", ["exit code 3", "the tutor is fine"]),
    ("sys_exit", "initialize_parameters_zeros runs", ["sys.exit('bye')", "sys_exit.py:5"]),
    ("segfault", "runs without crashing", ["SIGSEGV"]),
    ("syntax_error", "loads", ["SyntaxError", "syntax_error.py:4"]),
    ("import_error", "loads", ["not_a_module_anywhere", "import_error.py:2"]),
    ("wrong_name", "defines initialize_parameters_zeros", ["initialise_parameters_zeros", "meant to be"]),
])
def test_files_that_crash_loop_or_exit_fail_in_the_child(fixture, name, words):
    result = check_exercise("init-zeros", FIXTURES / "misc" / f"{fixture}.py", timeout=4)
    assert not result.passed
    assert result.failing.name == name
    for word in words:
        assert word in result.failing.message, (word, result.failing.message)


def test_a_helper_of_the_same_name_does_not_count_as_the_learners_function():
    result = check_in_process("gradcheck-1d", FIXTURES / "misc" / "helper_only.py")
    assert result.failing.name == "defines forward_propagation"


def test_printing_is_captured_and_passes():
    result = check_exercise("init-zeros", FIXTURES / "misc" / "prints.py")
    assert result.passed
    assert result.output.startswith("loading my file")


def test_the_starter_file_fails_with_not_written_yet(tmp_path):
    for exercise in EXERCISES.values():
        path = tmp_path / exercise.file_name
        path.write_text(starter_text(exercise))
        compile(path.read_text(), str(path), "exec")
        result = check_in_process(exercise.id, path)
        assert not result.passed
        assert result.failing.name.endswith("is written"), (exercise.id, result.failing)
        assert "# YOUR CODE HERE" in path.read_text()


def test_bad_input_is_a_tutor_error(tmp_path):
    with pytest.raises(TutorError, match="unknown exercise"):
        check_exercise("init-hex", tmp_path)
    with pytest.raises(TutorError, match="does not exist"):
        check_exercise("init-he", tmp_path / "nope.py")
    with pytest.raises(TutorError, match="not a file"):
        check_exercise("init-he", tmp_path)
    with pytest.raises(TutorError, match="out of range"):
        check_exercise("init-he", FIXTURES / "init_he" / "correct.py", timeout=0)
    with pytest.raises(TutorError, match="hint level"):
        get_exercise("init-he").hint(4)


def test_the_exercise_engine_imports_no_ui_module():
    import json
    import subprocess
    import sys

    code = ("import importlib, json, pkgutil, sys, dltutor.core.exercises as e\n"
            "for m in pkgutil.iter_modules(e.__path__): importlib.import_module('dltutor.core.exercises.' + m.name)\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    loaded = json.loads(out.stdout)
    assert "dltutor.core.exercises.child" in loaded
    assert [m for m in loaded if m.split(".")[0] in {"textual", "plotext", "textual_plotext", "rich"}
            or m.startswith("dltutor.tutor")] == []


def test_notebook_cells_with_their_test_calls_run_unchanged():
    result = check_in_process("dropout-forward", FIXTURES / "misc" / "notebook_cells.py")
    assert result.passed, result.failing
    assert "A3 = [[0.36974721 0.00305176 0.04565099 0.49683389 0.36974721]]" in result.output
    assert any("0.36974721" in c.message for c in result.checks if c.name == "the notebook's case")


def test_keyword_calls_reach_the_probes(tmp_path):
    source = (FIXTURES / "gradcheck_1d" / "correct.py").read_text()
    path = tmp_path / "kw.py"
    path.write_text(source.replace("forward_propagation(x, theta_plus)", "forward_propagation(x=x, theta=theta_plus)"))
    assert check_in_process("gradcheck-1d", path).passed


def test_notebook_helpers_follow_the_parameters_given():
    from dltutor.core.exercises import helpers

    ns = helpers.namespace()  # what a learner's file finds already defined

    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((6, 3)), "b1": rng.standard_normal((6, 1)), "W2": rng.standard_normal((4, 6)),
              "b2": rng.standard_normal((4, 1)), "W3": rng.standard_normal((1, 4)), "b3": rng.standard_normal((1, 1))}
    theta, _ = ns["dictionary_to_vector"](params)
    assert theta.shape == (57, 1)
    back = ns["vector_to_dictionary"](theta)
    assert all(np.array_equal(back[k], params[k]) for k in params)
    X, Y = rng.standard_normal((3, 4)), np.array([[1, 0, 1, 1]])
    cost, cache = ns["forward_propagation_n"](X, Y, back)
    grads = ns["backward_propagation_n"](X, Y, cache)
    assert np.isfinite(cost) and ns["gradients_to_vector"](grads).shape == (57, 1)
    course, _ = ns["dictionary_to_vector"](ns["gradient_check_n_test_case"]()[2])
    assert ns["vector_to_dictionary"](course)["W1"].shape == (5, 4)


def test_gradcheck_n_with_the_notebooks_own_47_number_helpers_passes():
    # a file that pastes gc_utils' helpers (written for 47 numbers) is not failed by the other-size case
    result = check_in_process("gradcheck-n", FIXTURES / "misc" / "gradcheck_n_own_helpers.py")
    assert result.passed, result.failing
    assert any(c.name == "other layer sizes" and c.passed for c in result.checks)
