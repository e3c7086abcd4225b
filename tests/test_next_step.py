"""The next step from a run's own evidence: each preset's step, what applying it does, and the trail."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from dltutor.core.next_step import Evidence, advise, attempt_of, gather_evidence, symptom_steps, variance_steps
from dltutor.core.presets import PRESETS
from dltutor.core.train import TrainConfig, Training
from dltutor.tutor.cli import main
from dltutor.tutor.training_text import run_diagnosis


def _run(config, spec):
    training = Training(config, spec.load())
    training.run()
    diagnosis = run_diagnosis(training.result.accuracy, training.heldout, spec.bayes_error, training)
    return training, diagnosis


def _errors(training):
    acc = training.result.accuracy
    return 1 - acc["train"], 1 - acc[training.heldout]


def _apply(step, config, spec):
    changes = dict(step.changes)
    m = changes.pop("m", None)
    return replace(config, **changes), (replace(spec, m=m) if m else spec)


#: preset -> (the first step's key, what applying it must do: a check on (before, after) errors).
EXPECTED = {
    "course-init-zeros": ("random-init", lambda b, a: a[0] < b[0] - 0.3),
    "course-init-random": ("init", lambda b, a: a[0] < b[0] - 0.05),
    "course-init-he": ("l2", lambda b, a: a[1] <= b[1]),
    "course-reg-none": ("l2", lambda b, a: a[1] < b[1]),
    "course-reg-l2": ("l2", None),
    "course-reg-dropout": ("l2", None),
    "lesson-overfit": ("l2", lambda b, a: a[1] < b[1] - 0.02),
    "lesson-underfit": ("bigger-network", lambda b, a: a[0] < b[0] - 0.05),
    "lesson-early-stopping": ("l2", None),
    "lesson-normalize": ("normalize", lambda b, a: a[0] < b[0] - 0.02),
    "lesson-augment": ("l2", None),
    "lesson-l1": ("l2", lambda b, a: a[1] < b[1]),
    "lesson-deep-sigmoid": ("activation-tanh", lambda b, a: a[0] < 0.1 and b[0] > 0.4),
}


def test_every_preset_is_covered():
    assert set(EXPECTED) == set(PRESETS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_preset_gets_the_step_its_evidence_calls_for(name):
    preset = PRESETS[name]
    key, check = EXPECTED[name]
    training, diagnosis = _run(preset.config, preset.data)
    advice = advise(preset.config, gather_evidence(training), diagnosis)
    assert advice.step is not None and advice.step.key == key, advice.step
    assert advice.step.changes and advice.step.why
    if name != "lesson-underfit":
        assert advice.step.key != "bigger-network"
    if advice.problem == "variance":
        # regularization options are offered, not only more data
        titles = [advice.step.title] + [s.title for s in advice.alternatives]
        assert titles[0].startswith("Regularization") and any("dropout" in t or "Early" in t for t in titles)
    if check is not None:
        config, spec = _apply(advice.step, preset.config, preset.data)
        after, _ = _run(config, spec)
        assert check(_errors(training), _errors(after)), (_errors(training), _errors(after))


def test_deep_sigmoid_vanishing_gradients_get_an_activation_step_that_trains():
    preset = PRESETS["lesson-deep-sigmoid"]
    training, diagnosis = _run(preset.config, preset.data)
    ev = gather_evidence(training)
    assert ev.grad_ratio < 1e-6 and ev.first_grad_norms[0] < 1e-8
    advice = advise(preset.config, ev, diagnosis)
    assert advice.step.problem == "gradients" and "vanish" in advice.step.why
    assert advice.step.changes == {"activation": "tanh", "init": "xavier"}
    assert [s.key for s in advice.alternatives] == ["activation-relu"]
    config, spec = _apply(advice.step, preset.config, preset.data)
    after, _ = _run(config, spec)
    assert after.result.accuracy["train"] > 0.9
    # The next advice says it helped and moves on to what the new run shows.
    follow = advise(config, gather_evidence(after), run_diagnosis(after.result.accuracy, after.heldout,
                                                                  spec.bayes_error),
                    [attempt_of(advice.step, preset.config, ev)])
    assert follow.note.startswith("Activation: tanh with Xavier initialization helped")
    assert follow.step.key != "activation-tanh"


def test_a_step_that_did_not_help_is_undone_and_the_next_one_tried_never_looping():
    preset = PRESETS["lesson-overfit"]
    config, spec, tried = replace(preset.config, iterations=4000), preset.data, []
    seen = []
    for _ in range(5):
        training, diagnosis = _run(config, spec)
        ev = gather_evidence(training)
        advice = advise(config, ev, diagnosis, tried)
        if advice.step is None or not advice.step.changes:
            break
        assert advice.step.key not in seen  # never the same step twice
        seen.append(advice.step.key)
        if tried and "did not help" in advice.note:
            assert "undone" in advice.note and advice.step.reverts
        tried.append(attempt_of(advice.step, config, ev, diagnosis, tried))
        config, spec = _apply(advice.step, config, spec)
    assert seen[0] == "l2" and len(seen) >= 3


def _evidence(**kw) -> Evidence:
    base = dict(costs=[0.69, 0.5, 0.4], first_grad_norms=[0.1, 0.2, 0.3], last_grad_norms=[0.01, 0.01, 0.01],
                feature_rms=[1.0, 1.0], symmetric_layers=[], stopped="completed", iteration=100,
                best_iteration=None, train_error=0.2, dev_error=0.22, heldout="dev")
    base.update(kw)
    return Evidence(**base)


def test_symptoms_in_the_course_order():
    cfg = TrainConfig(layers=(2, 8, 8, 1), activation="tanh", init="random", init_scale=0.3, learning_rate=1.0)
    ev = _evidence(costs=[0.69, 0.9, 1.4], first_grad_norms=[1e-9, 1e-5, 0.1], feature_rms=[1.0, 300.0],
                   symmetric_layers=[2])
    keys = [s.key for s in symptom_steps(cfg, ev)]
    assert keys == ["lower-lr", "init", "activation-relu", "normalize", "random-init"]
    # Exploding gradients with ReLU: He initialization.
    relu = TrainConfig(layers=(2, 8, 8, 1), init="random", init_scale=10)
    steps = symptom_steps(relu, _evidence(first_grad_norms=[1e4, 10.0, 1.0]))
    assert steps[0].key == "init" and steps[0].changes == {"init": "he"} and "explode" in steps[0].why
    # A cost that went from finite to inf is a step-size problem; one that starts at inf is saturation.
    assert symptom_steps(relu, _evidence(costs=[0.69, math.inf]))[0].key == "lower-lr"
    assert symptom_steps(relu, _evidence(costs=[math.inf, 0.6, 0.4]))[0].key == "init"


def test_normalize_is_only_a_step_when_something_needs_fixing():
    from dltutor.core.diagnose import diagnose

    cfg = TrainConfig(layers=(2, 8, 1))
    ev = _evidence(feature_rms=[1.0, 50.0], train_error=0.005, dev_error=0.01)
    assert advise(cfg, ev, diagnose(0.005, 0.01)).step is None
    assert advise(cfg, ev, diagnose(0.2, 0.21)).step.key == "normalize"


def test_early_stopping_that_stops_before_fitting_is_told_to_train_longer():
    from dltutor.core.diagnose import diagnose

    cfg = TrainConfig(layers=(2, 64, 64, 1), early_stopping=8)
    ev = _evidence(stopped="early-stopping", best_iteration=250, train_error=0.2, dev_error=0.21)
    step = advise(cfg, ev, diagnose(0.2, 0.21)).step
    assert step.key == "no-early-stopping" and step.changes["early_stopping"] is None
    assert "not orthogonal" in step.why


def test_more_data_only_for_generated_data():
    from dltutor.core.diagnose import diagnose

    cfg = TrainConfig(layers=(2, 8, 1), l2=0.7, keep_probs=None, augment=True, early_stopping=8)
    first = advise(cfg, _evidence(), diagnose(0.0, 0.2))
    for generated, want in ((True, {"m": 320}), (False, {})):
        ev = _evidence(generated=generated, examples=160)
        tried = [attempt_of(s, cfg, ev, diagnose(0.0, 0.2)) for s in [first.step, *first.alternatives]
                 if s.key != "more-data"]
        step = advise(cfg, ev, diagnose(0.0, 0.2), tried).step
        assert step.key == "more-data" and step.changes == want


def test_cli_train_prints_the_step_and_the_options_that_apply_it(capsys):
    assert main(["train", "--preset", "lesson-deep-sigmoid", "--iterations", "300"]) == 0
    out = capsys.readouterr().out
    assert "Next: Activation: tanh with Xavier initialization." in out
    assert "(add --activation tanh --init xavier)" in out
    assert "Next: Bigger network" not in out
    assert main(["train", "--preset", "lesson-normalize"]) == 0
    out = capsys.readouterr().out
    assert "Next: Normalize inputs." in out and "(add --normalize)" in out


def test_cli_early_stopping_zero_turns_it_off(capsys):
    import json

    assert main(["train", "--preset", "lesson-early-stopping", "--early-stopping", "0", "--iterations", "200",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["early_stopping"] is None


def _moons_bayes(noise: float, n: int, rng) -> float:
    t = np.linspace(0, np.pi, 400)
    centres = [np.stack([np.cos(t) - 0.5, np.sin(t) - 0.25], 1),
               np.stack([1 - np.cos(t) - 0.5, 1 - np.sin(t) - 0.75], 1)]
    wrong = 0.0
    for c in (0, 1):
        X = centres[c][rng.integers(0, 400, n)] + noise * rng.standard_normal((n, 2))
        dens = [np.exp(-((X[:, None, :] - cs[None]) ** 2).sum(-1) / (2 * noise**2)).sum(1) for cs in centres]
        wrong += np.mean(dens[1 - c] > dens[c])
    return wrong / 2


@pytest.mark.parametrize("name", ["lesson-overfit", "lesson-underfit", "lesson-normalize"])
def test_preset_bayes_errors_match_their_generators(name):
    spec = PRESETS[name].data
    estimate = _moons_bayes(spec.noise, 3000, np.random.default_rng(0))
    assert abs(estimate - spec.bayes_error) < 0.015


def test_xor_bayes_error_matches_its_generator():
    rng = np.random.default_rng(0)
    u = rng.uniform(-1, 1, (200_000, 2))
    x = u + 0.1 * rng.standard_normal(u.shape)
    estimate = np.mean((x[:, 0] * x[:, 1] < 0) != (u[:, 0] * u[:, 1] < 0))
    assert abs(estimate - PRESETS["lesson-deep-sigmoid"].data.bayes_error) < 0.005


async def test_lab_x_applies_the_activation_step_and_the_run_trains(tmp_path: Path) -> None:
    from tests.test_lab import SIZE, finish, lab_app, open_lab, until

    app = lab_app(tmp_path, "lesson-deep-sigmoid")
    async with app.run_test(size=SIZE) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "1500"})
        await pilot.press("space")
        await finish(pilot, lab)
        assert lab.model.next is not None and lab.model.next.key == "activation-tanh"
        assert "press x to switch the hidden activation to tanh" in lab.results.text()
        await pilot.press("x")
        await until(pilot, lambda: lab.state == "finished" and lab.model.runs
                    and lab.model.runs[0].training.config.activation == "tanh", timeout=60)
        assert lab.controls.values()["activation"] == "tanh" and lab.controls.values()["init"] == "xavier"
        assert lab.model.runs[0].training.result.accuracy["train"] > 0.8
        assert "helped" in lab.results.text() and lab.model.next.key != "activation-tanh"


# --- The trail after a step that did not help (the restored best run is what counts) --------------------------


def _variance_run():
    from dltutor.core.diagnose import diagnose

    cfg = TrainConfig(layers=(2, 32, 32, 1))
    ev = _evidence(train_error=0.01, dev_error=0.20, costs=[0.69, 0.3, 0.2, 0.19, 0.19, 0.19])
    return cfg, ev, diagnose(0.01, 0.20)


def test_after_an_undone_step_the_next_comes_from_the_restored_run():
    from dltutor.core.diagnose import diagnose

    cfg, ev, diag = _variance_run()
    l2 = advise(cfg, ev, diag).step
    assert l2.key == "l2"
    tried = [attempt_of(l2, cfg, ev, diag)]
    # The L2 run fits worse everywhere: on its own evidence it reads as high bias ("bigger network").
    bad_cfg = replace(cfg, l2=l2.changes["l2"])
    bad_ev = _evidence(train_error=0.30, dev_error=0.31, costs=[0.69, 0.6, 0.6, 0.6, 0.6, 0.6])
    after = advise(bad_cfg, bad_ev, diagnose(0.30, 0.31), tried)
    assert "did not help" in after.note and "best run so far" in after.note
    assert after.step.problem == "variance" and after.step.key == "dropout"  # the restored run's problem
    assert after.step.changes["l2"] == 0.0  # the undo, not L2 again


def test_helped_is_measured_against_the_best_run_not_the_failed_one():
    from dltutor.core.diagnose import diagnose

    cfg, ev, diag = _variance_run()
    l2 = advise(cfg, ev, diag).step
    tried = [attempt_of(l2, cfg, ev, diag)]
    bad_cfg, bad_ev = replace(cfg, l2=l2.changes["l2"]), _evidence(train_error=0.02, dev_error=0.25)
    dropout = advise(bad_cfg, bad_ev, diagnose(0.02, 0.25), tried).step
    tried.append(attempt_of(dropout, bad_cfg, bad_ev, diagnose(0.02, 0.25), tried))
    assert tried[-1].dev_error == pytest.approx(0.20)  # recorded against the restored best run
    # Dropout's run: 22% is better than the failed L2 run's 25%, but worse than the best run's 20%.
    drop_cfg = replace(cfg, keep_probs=dropout.changes["keep_probs"])
    after = advise(drop_cfg, _evidence(train_error=0.02, dev_error=0.22), diagnose(0.02, 0.22), tried)
    assert "did not help" in after.note and "20% -> 22%" in after.note


def test_an_undone_change_never_comes_back_inside_another_step():
    from dltutor.core.diagnose import diagnose

    cfg = TrainConfig(layers=(2, 16, 16, 1), early_stopping=8)
    ev = _evidence(stopped="early-stopping", best_iteration=200, train_error=0.2, dev_error=0.21)
    l2_step = variance_steps(cfg, ev)[0]
    tried = [attempt_of(l2_step, cfg, ev, diagnose(0.2, 0.21))]
    bad_cfg = replace(cfg, l2=0.7)
    after = advise(bad_cfg, _evidence(stopped="early-stopping", train_error=0.25, dev_error=0.26),
                   diagnose(0.25, 0.26), tried)
    step = after.step
    assert step.key == "no-early-stopping" and step.changes["early_stopping"] is None
    assert step.changes.get("l2") == 0.0 and "L2" not in step.action  # L2 0.7 did not help: not re-added


def test_low_bias_and_low_variance_is_done_not_nothing_left():
    from dltutor.core.diagnose import diagnose

    advice = advise(TrainConfig(layers=(2, 8, 1)), _evidence(train_error=0.005, dev_error=0.01),
                    diagnose(0.005, 0.01))
    assert advice.step is None and advice.problem == "done"
    assert advice.note.startswith("done: low bias and low variance") and "Nothing left" not in advice.note


def test_a_cost_still_falling_gets_train_longer_before_every_step_tried():
    from dltutor.core.diagnose import diagnose

    cfg = TrainConfig(layers=(2, 8, 1), l2=0.7, augment=True, early_stopping=8)
    falling = _evidence(train_error=0.0, dev_error=0.2, costs=[1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
    first = advise(cfg, falling, diagnose(0.0, 0.2))
    tried: list = []
    for s in [first.step, *first.alternatives]:
        tried.append(attempt_of(s, cfg, falling, diagnose(0.0, 0.2), tried))
    after = advise(cfg, falling, diagnose(0.0, 0.2), tried)
    assert after.step is not None and after.step.key == "train-longer", after.note
    assert "Every step" not in after.note
