"""Training: the course's published numbers, stopping reasons, bad input, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from dltutor.core.data import Dataset, make_dataset
from dltutor.core.errors import TutorError
from dltutor.core.presets import COURSE_PRESETS, PRESETS, get_preset
from dltutor.core.train import History, Record, TrainConfig, Training, run_training
from dltutor.tutor.cli import main
from tests.helpers import reference


def _has_avx512() -> bool:
    try:
        flags = next(line for line in open("/proc/cpuinfo") if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return False
    return {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"} <= set(flags)


@pytest.mark.parametrize("preset", COURSE_PRESETS)
def test_course_presets_reproduce_published_numbers(preset):
    pub = json.loads(reference("published.json").read_text())
    p = get_preset(preset)
    exercise, run = p.published
    expected = pub[exercise]["runs"][run]
    if run == "random" and not _has_avx512():
        pytest.skip("the chaotic random-init run needs OpenBLAS's AVX-512 kernels to match bit for bit")
    data = reference(p.course_file)
    env = {k: v for k, v in os.environ.items() if k != "DLTUTOR_BLAS"}
    out = subprocess.run([sys.executable, "-m", "dltutor.tutor", "train", "--preset", preset, "--data", str(data),
                          "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["accuracy"]["train"] == expected["train_accuracy"]
    assert d["accuracy"]["dev"] == expected["test_accuracy"] == d["accuracy_by_split"]["test"]  # held out: "dev"
    costs = {h["iteration"]: h["train_cost"] for h in d["history"]}
    assert sorted(costs) == list(range(0, p.config.iterations, 1000))
    for it, cost in expected["cost"].items():
        got = costs[int(it)]
        if cost == "inf":
            assert got == "inf"
        else:
            assert got == pytest.approx(cost, rel=1e-9), it
    assert d["stopped"] == "completed"
    assert d["preset"] == preset and d["seconds"] > 0


def _tiny(**kw):
    ds = make_dataset("moons", m=120, noise=0.2, rng=1, ratios=(0.6, 0.4))
    options = {"layers": (2, 8, 1), "learning_rate": 0.5, "iterations": 400, "log_every": 20, "seed": 0, **kw}
    cfg = TrainConfig(**options)
    return cfg, ds


def test_training_reduces_cost_and_records_progress():
    cfg, ds = _tiny()
    result, records = run_training(cfg, ds)
    assert result.stopped == "completed" and result.iteration == 400
    assert [r.iteration for r in records] == list(range(0, 400, 20))
    assert records[-1].train_cost < records[0].train_cost
    assert all(len(r.grad_norms) == 2 and r.dev_cost is not None for r in records)
    assert set(result.accuracy) == {"train", "dev"}


def test_same_seed_same_run_and_minibatches():
    cfg, ds = _tiny(batch_size=16)
    a, ra = run_training(cfg, ds)
    b, rb = run_training(cfg, ds)
    assert [r.train_cost for r in ra] == [r.train_cost for r in rb]
    c, _ = run_training(replace(cfg, seed=1), ds)
    assert c.cost != a.cost


def test_early_stopping_restores_best_weights():
    ds = make_dataset("moons", m=80, noise=0.45, rng=3, ratios=(0.5, 0.5))
    cfg = TrainConfig(layers=(2, 64, 64, 1), learning_rate=0.2, iterations=20000, log_every=100,
                      early_stopping=5, seed=1)
    t = Training(cfg, ds)
    records = list(t.steps())
    r = t.result
    assert r.stopped == "early-stopping"
    best = min(records, key=lambda rec: rec.dev_cost)
    assert r.best_iteration == best.iteration
    assert records[-1].iteration == best.iteration + 5 * 100
    # the restored weights are those of the best record: their dev cost is the best one
    assert r.cost["dev"] == pytest.approx(best.dev_cost, rel=1e-12)
    assert "restored the best weights" in r.message


def test_divergence_is_detected_without_warnings():
    cfg, ds = _tiny(learning_rate=1e6, init="random", init_scale=10.0)
    result, records = run_training(cfg, ds)
    assert result.stopped == "diverged"
    assert "diverged at iteration" in result.message and "learning rate" in result.message


def test_cancel_between_steps():
    cfg, ds = _tiny(iterations=100000)
    t = Training(cfg, ds)
    t.run_chunk(50)
    t.cancel()
    t.run_chunk(50)
    assert t.result.stopped == "cancelled" and t.result.iteration == 50


def test_normalization_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    X = rng.normal(5, 3, (2, 60))
    Xd = rng.normal(50, 1, (2, 30))  # a dev set from elsewhere must not move mu and sigma
    Y = (X[:1] > 5).astype(float)
    ds = Dataset("t", X, Y, dev_X=Xd, dev_Y=np.zeros((1, 30)))
    t = Training(TrainConfig(layers=(2, 3, 1), normalize=True, iterations=1), ds)
    np.testing.assert_allclose(t.normalizer.mu.ravel(), X.mean(axis=1))
    np.testing.assert_allclose(t.splits["dev"][0], (Xd - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True))


def test_augmentation_grows_the_training_set():
    ds = make_dataset("circles", m=100, noise=0.05, rng=2)
    t = Training(TrainConfig(layers=(2, 3, 1), augment=True, iterations=1), ds)
    assert t.X.shape[1] > ds.train_X.shape[1]


def test_softmax_training_on_three_classes():
    rng = np.random.default_rng(0)
    centers = np.array([[0, 3, -3], [3, -2, -2]])
    Y = rng.integers(0, 3, (1, 300))
    X = centers[:, Y[0]] + rng.normal(0, 0.5, (2, 300))
    ds = Dataset("three", X[:, :200], Y[:, :200], dev_X=X[:, 200:], dev_Y=Y[:, 200:])
    result, _ = run_training(TrainConfig(layers=(2, 8, 3), iterations=500, learning_rate=0.5), ds)
    assert result.accuracy["dev"] > 0.9


def test_history_is_bounded():
    h = History(max_points=16)
    for i in range(1000):
        h.append(Record(i, 1.0, None, 1.0, None, [], 0.0))
    assert len(h) <= 16 and h.records[0].iteration == 0 and h.records[-1].iteration == 999


@pytest.mark.parametrize("changes,field", [
    ({"keep_probs": (1.5,)}, "keep_prob"),
    ({"keep_probs": (0.0,)}, "keep_prob"),
    ({"l2": -0.1}, "l2"),
    ({"l1": float("nan")}, "l1"),
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"learning_rate": -1.0}, "learning_rate"),
    ({"iterations": 0}, "iterations"),
    ({"init": "glorot-ish"}, "init"),
    ({"layers": (2, 3000, 3000, 1)}, "layers"),
])
def test_bad_options_name_their_field(changes, field):
    with pytest.raises(TutorError) as err:
        TrainConfig(**changes)
    assert err.value.field == field and "allowed" in str(err.value)


def test_layers_must_match_the_data():
    ds = make_dataset("moons", m=40, rng=0)
    with pytest.raises(TutorError, match="input size 3"):
        Training(TrainConfig(layers=(3, 4, 1)), ds)
    with pytest.raises(TutorError, match="1 output unit"):
        Training(TrainConfig(layers=(2, 4, 2)), ds)


@pytest.mark.parametrize("argv,needle", [
    (["--keep-prob", "1.5"], "keep_prob"),
    (["--l2", "-1"], "l2"),
    (["--lr", "0"], "learning_rate"),
    (["--layers", "3,4,1"], "layers"),
    (["--layers", "2,x,1"], "layers"),
    (["--data", "/nonexistent/file.npz"], "data"),
    (["--preset", "nope"], "preset"),
    (["--iterations", "abc"], "iterations"),
])
def test_cli_bad_input_is_one_error_line(capsys, argv, needle):
    assert main(["train", "--iterations", "5", *argv]) == 2 if argv[0] != "--iterations" else True
    if argv[0] == "--iterations":
        with pytest.raises(SystemExit) as exc:
            main(["train", *argv])
        assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_nan_and_bad_labels_in_a_file(tmp_path, capsys):
    X = np.random.default_rng(0).normal(size=(2, 10))
    X[0, 3] = np.nan
    np.savez(tmp_path / "nan.npz", X=X, Y=np.zeros((1, 10)))
    assert main(["train", "--data", str(tmp_path / "nan.npz"), "--iterations", "2"]) == 2
    assert "NaN" in capsys.readouterr().err
    np.savez(tmp_path / "labels.npz", X=np.ones((2, 10)), Y=np.full((1, 10), 0.5))
    assert main(["train", "--data", str(tmp_path / "labels.npz"), "--iterations", "2"]) == 2
    assert capsys.readouterr().err.startswith("error: data")


def test_cli_json_contract(capsys):
    assert main(["train", "--dataset", "xor", "--layers", "2,6,1", "--iterations", "300", "--log-every", "100",
                 "--l2", "0.1", "--keep-prob", "0.9", "--normalize", "--seed", "4", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) >= {"preset", "config", "history", "accuracy", "stopped", "seconds"}
    assert [h["iteration"] for h in d["history"]] == [0, 100, 200]
    assert {"iteration", "train_cost", "dev_cost"} <= set(d["history"][0])
    assert d["config"]["keep_probs"] == [0.9] and d["config"]["normalize"] is True
    assert set(d["accuracy"]) == {"train", "dev"}


def test_cli_text_output_and_standin_notice(capsys):
    assert main(["train", "--preset", "course-init-he", "--iterations", "2000"]) == 0
    out = capsys.readouterr().out
    assert "stand-in" in out and "accuracy: train" in out and "cost" in out


def test_every_preset_is_valid_and_runs_briefly():
    for name, preset in PRESETS.items():
        ds = preset.data.load()
        t = Training(replace(preset.config, iterations=3, log_every=1), ds)
        t.run()
        assert t.result.stopped in ("completed", "early-stopping"), name


def test_deep_preset_shows_vanishing_gradients_as_its_description_says():
    # What lesson 10 and the preset's description promise, checked on the preset's own full run.
    p = get_preset("lesson-deep-sigmoid")
    ds = p.data.load()
    training = Training(p.config, ds)
    start = training.net.params
    training.run()
    records, result = training.history.records, training.result
    norms = records[0].grad_norms
    assert len(norms) == 13
    # each layer shrinks the gradient by a factor of 3 or more: ||dW1|| about 3e-10, ||dW13|| about 0.1
    assert all(upper >= 3 * lower for lower, upper in zip(norms, norms[1:])), norms
    assert norms[0] < 1e-9 and norms[-1] > 0.05 and norms[-1] >= 1e8 * norms[0], norms
    # the early layers' weights barely move while the last one learns
    moved = {k: np.linalg.norm(result.params[f"W{k}"] - start[f"W{k}"]) / np.linalg.norm(start[f"W{k}"])
             for k in (1, 2, 13)}
    assert moved[1] < 1e-5 and moved[2] < 1e-5 and moved[13] > 0.1, moved
    # the cost settles at 0.693 (the class balance) within 50 iterations, and stays there; accuracy about 50%
    assert result.stopped == "completed" and result.iteration == 3000
    assert all(r.train_cost == pytest.approx(np.log(2), abs=1e-3) for r in records if r.iteration >= 50)
    assert 0.4 <= result.accuracy["train"] <= 0.6 and 0.4 <= result.accuracy["dev"] <= 0.6
    # switching the activation to tanh, the same network trains
    tanh, tanh_records = run_training(replace(p.config, activation="tanh"), ds)
    assert max(tanh_records[0].grad_norms) < 10 * min(tanh_records[0].grad_norms)
    assert tanh.accuracy["train"] > 0.9


def test_run_diagnosis_uses_the_data_noise_floor():
    from dltutor.tutor.training_text import diagnosis_line

    # course-reg-none on the course's data: 94.8% train, 91.5% test; its data's noise floor is about 5%
    bayes = get_preset("course-reg-none").data.bayes_error
    line = diagnosis_line({"train": 0.9478672985781991, "test": 0.915}, "test", bayes)
    assert "Low bias and high variance" in line and "Next:" in line
    line = diagnosis_line({"train": 0.9383886255924171, "test": 0.93}, "test", bayes)
    assert "Low bias and low variance" in line and "Next:" not in line
    assert "High bias" in diagnosis_line({"train": 0.87, "dev": 0.86}, "dev")


@pytest.mark.parametrize("argv,needle", [
    (["--seed", "-1"], "seed"),
    (["--layers", "2,,1"], "layers"),
    (["--keep-prob", "0.5,,0.5"], "keep_prob"),
    (["--layers", ""], "--layers"),
    (["--keep-prob", "0.5", "--layers", "2,1"], "hidden layer"),
    (["--fixed-masks"], "--fixed-masks"),
    (["--early-stopping", "5", "--split", "1,0"], "dev"),
    (["--m", "200000", "--iterations", "10000000"], "iterations"),
    (["--dataset", "course-football", "--noise", "1"], "noise"),
])
def test_cli_refuses_what_would_be_ignored_or_hang(capsys, argv, needle):
    assert main(["train", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and needle in err and len(err.strip().splitlines()) == 1


def test_cli_course_standins_by_name(capsys):
    assert main(["train", "--dataset", "course-circles", "--iterations", "50", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["data"]["stand_in"] and d["data"]["sizes"] == {"train": 300, "test": 100}


def test_one_class_and_unseen_dev_class_are_refused(tmp_path, capsys):
    np.savez(tmp_path / "one.npz", X=np.random.default_rng(0).normal(size=(2, 20)), Y=np.zeros((1, 20)))
    assert main(["train", "--data", str(tmp_path / "one.npz"), "--iterations", "2"]) == 2
    assert "one class" in capsys.readouterr().err
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "dev.npz", train_X=rng.normal(size=(2, 20)), train_Y=np.tile([0, 1], 10)[None, :],
             dev_X=rng.normal(size=(2, 6)), dev_Y=np.array([[0, 1, 2, 0, 1, 2]]))
    assert main(["train", "--data", str(tmp_path / "dev.npz"), "--iterations", "2"]) == 2
    assert "training set lacks" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "next_step"), [
    (["--preset", "course-reg-none", "--lr", "1e9", "--iterations", "2000"], "Lower learning rate"),
    (["--preset", "course-init-zeros", "--iterations", "2000"], "Random initialization (He)"),
    (["--preset", "course-init-random", "--iterations", "2000"], "Initialization: He"),
])
def test_gradient_descent_trouble_comes_before_the_recipe(capsys, argv, next_step) -> None:
    from dltutor.tutor.cli import main

    assert main(["train", *argv]) == 0
    out = capsys.readouterr().out
    assert f"Next: {next_step}." in out
    assert "Next: Bigger network" not in out  # more units cannot fix a step size or a symmetric start


def test_cli_json_keys_the_heldout_set_as_dev_and_names_each_cost(capsys):
    """accuracy and final_cost use heldout_name; the costs say which is which; no L2 term in the dev cost."""
    assert main(["train", "--dataset", "xor", "--layers", "2,6,1", "--iterations", "200", "--log-every", "100",
                 "--l2", "5", "--seed", "3", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    name = d["heldout_name"]
    assert name == "dev" and set(d["accuracy"]) == set(d["final_cost"]) == {"train", "dev"}
    assert d["final_eval_cost"] == d["final_cost"] and {"final_eval_cost", "final_objective"} <= set(d["cost_fields"])
    last = d["history"][-1]
    # The objective carries the (large) L2 term; the full network's costs, train and dev, do not.
    assert last["train_cost"] > last["eval_cost"] + 0.01
    assert last["dev_cost"] < last["train_cost"]
    assert d["final_objective"] == pytest.approx(last["train_cost"])
