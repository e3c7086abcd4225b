"""The dropout preset on the built-in stand-in shows what dropout does, and every report says which cost."""

from __future__ import annotations

import json

import pytest

from dltutor.core.presets import PRESETS, masks_for
from dltutor.core.train import Training
from dltutor.tutor import lab_runner
from dltutor.tutor.cli import main


@pytest.fixture(scope="module")
def runs():
    out = {}
    for name in ("course-reg-none", "course-reg-dropout"):
        preset = PRESETS[name]
        data = preset.data.load()
        config, _ = preset.config_for(data)
        training = Training(config, data)
        training.run()
        out[name] = training
    return out


def test_the_stand_in_draws_fresh_masks_and_the_course_file_keeps_the_quirk():
    preset = PRESETS["course-reg-dropout"]
    stand_in = preset.data.load()
    config, note = preset.config_for(stand_in)
    assert stand_in.stand_in and not config.fixed_masks and "fixed-mask quirk" in note
    course_file = type("CourseFile", (), {"stand_in": False})()
    assert preset.config_for(course_file) == (preset.config, None)  # published.json needs the quirk
    assert masks_for(PRESETS["course-reg-none"].config, stand_in)[1] is None


def test_dropout_beats_no_regularization_on_the_stand_in(runs):
    none, dropout = runs["course-reg-none"].result, runs["course-reg-dropout"].result
    assert dropout.cost["test"] < none.cost["test"]
    assert dropout.accuracy["test"] > none.accuracy["test"]


def test_recorded_costs_say_which_network(runs):
    dropout = runs["course-reg-dropout"]
    for record in dropout.history:
        assert record.eval_cost is not None and record.eval_cost != record.train_cost
    plain = runs["course-reg-none"]
    assert all(r.eval_cost == r.train_cost for r in plain.history)


def test_cli_reports_the_full_network_cost_and_the_masked_one_beside_it(capsys):
    assert main(["train", "--preset", "course-reg-dropout", "--iterations", "3000"]) == 0
    out = capsys.readouterr().out
    assert "iteration  train cost  dev cost  with masks" in out
    assert "costs: train and dev costs are the full network's, no dropout" in out
    assert "course's published, on football.npz: train 92.89%, dev ('test') 95.00%" in out
    assert "this run, on the stand-in: train" in out
    assert "accuracy: train" in out and ", dev " in out
    assert main(["train", "--preset", "course-reg-dropout", "--iterations", "3000", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["config"]["fixed_masks"] is False
    assert all("eval_cost" in h for h in d["history"])


def test_the_lab_says_the_same(runs):
    dropout = runs["course-reg-dropout"]
    lines = lab_runner.result_lines(dropout.result, dropout.heldout, "course-reg-dropout", dropout.dataset,
                                    dropout.config)
    text = "\n".join(lines)
    assert "(full network, no dropout)" in text
    assert "course: course's published, on football.npz" in text
    assert text.startswith("accuracy: train") and "dev " in lines[0]
    assert "plays the dev set" in text


def test_lab_plan_on_the_stand_in_uses_fresh_masks():
    plan = lab_runner.build_plan(lab_runner.preset_values("course-reg-dropout"))
    training, _data, notes = plan.prepare()
    assert not training.config.fixed_masks and any("fixed-mask quirk" in n for n in notes)
    # the comparison's dropout run too
    dropout = lab_runner.comparison_plans("reg", plan)[2]
    assert not dropout.prepare()[0].config.fixed_masks
