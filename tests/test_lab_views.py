"""The lab's views (issue 11): one panel at a time on small terminals, error curves beside the cost, the run
before an applied step kept faded, the weights of each run, dev cost in compare mode, and the export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from dltutor.tutor.cli import main
from dltutor.tutor.tour import settle
from dltutor.tutor.training_text import heldout_label
from tests.test_lab import finish, lab_app, open_lab

PANELS = ("cost", "error", "boundary", "grad", "weights", "results")


def shown(lab) -> list[str]:
    return [key for key in PANELS if lab.query_one(f"#lab-{key}").display]


async def test_at_80x24_the_lab_shows_one_readable_view_at_a_time(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(pilot)
        await settle(pilot)
        assert lab.one_view and shown(lab) == ["cost"]
        seen = []
        for _ in PANELS:
            seen.append(shown(lab)[0])
            panel = lab.query_one(f"#lab-{shown(lab)[0]}")
            assert panel.size.height >= 14 and panel.size.width >= 40  # a plot, not 2-3 rows
            await pilot.press("v")
            await pilot.pause()
        assert seen == list(PANELS) and shown(lab) == ["cost"]
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        assert not lab.one_view and shown(lab) == list(PANELS)  # room for all six at once


async def test_a_run_draws_error_curves_and_its_weights_then_shows_the_results(tmp_path: Path) -> None:
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "2000", "log_every": "100"})
        await pilot.press("space")
        await finish(pilot, lab)
        assert set(lab.error_plot.curves) == {"train", "dev"}  # the held-out set is named "dev" everywhere
        xs, ys = lab.error_plot.curves["train"]
        result = lab.model.runs[0].training.result
        assert len(xs) >= 10 and 0 <= ys[-1] <= 100
        assert shown(lab) == ["results"]  # the diagnosis and the next step, once the run is done
        assert list(lab.weights.runs) == [lab.model.runs[0].label]
        assert "W1" in lab.weights.summaries[0] and "~0" in lab.weights.summaries[0]
        assert result.accuracy["train"] > 0.5


async def test_applying_the_step_keeps_the_run_before_faded(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "lesson-underfit")
    async with app.run_test(size=(120, 40)) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "300"})
        await pilot.press("space")
        await finish(pilot, lab)
        before = dict(lab.cost_plot.curves)
        assert lab.model.next is not None
        await pilot.press("x")
        await settle(pilot)
        await finish(pilot, lab)
        assert set(lab.cost_plot.previous) == {f"before: {name}" for name in before}
        assert set(lab.error_plot.previous) and set(lab.cost_plot.curves) == set(before)
        assert "before: train" in lab.cost_plot.text()
        await pilot.press("r")  # a reset forgets the old run too
        assert not lab.cost_plot.previous


async def test_compare_regularizers_shows_dev_cost_and_the_weights_of_each_run(tmp_path: Path) -> None:
    app = lab_app(tmp_path, "course-reg-none")
    async with app.run_test(size=(160, 50)) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "300", "log_every": "100"})
        await pilot.press("2")
        await finish(pilot, lab)
        labels = [r.label for r in lab.model.runs]
        heldout = heldout_label(lab.model.runs[0].training.heldout)  # "dev", also for the course file's "test"
        assert set(lab.cost_plot.curves) == {*labels, *(f"{label} {heldout}" for label in labels)}
        assert list(lab.weights.runs) == labels and len(lab.weights.summaries) == 3


async def test_export_writes_the_train_json_record_the_curves_and_an_svg(tmp_path: Path, capsys) -> None:
    app = lab_app(tmp_path, "course-reg-l2")
    async with app.run_test(size=(100, 30)) as pilot:
        lab = await open_lab(pilot)
        lab.controls.set_values({"iterations": "2000"})
        exports = tmp_path / "exports"  # beside the progress file
        await pilot.press("e")  # nothing to export yet: a notice, no files
        assert not exports.exists() or not any(exports.iterdir())
        await pilot.press("space")
        await finish(pilot, lab)
        await pilot.press("e")
        await settle(pilot)
        exported = sorted(exports.iterdir())
        names = sorted(p.suffix for p in exported)
        assert names == [".csv", ".json", ".svg"] and all(p.is_file() for p in exported)
        assert all(p.name.startswith("lab-") for p in exported)
        record = json.loads(next(p for p in exported if p.suffix == ".json").read_text())
        rows = list(csv.DictReader(next(p for p in exported if p.suffix == ".csv").open()))
        svg = next(p for p in exported if p.suffix == ".svg").read_text()
    assert "<svg" in svg and "Training" in svg
    assert len(rows) == len(record["history"]) and rows[0]["iteration"] == "0"
    capsys.readouterr()
    assert main(["train", "--preset", "course-reg-l2", "--iterations", "2000", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert set(record) == set(cli)  # the same record as dltutor train --json
    timeless = [[{k: v for k, v in h.items() if k != "seconds"} for h in d["history"]] for d in (record, cli)]
    assert record["accuracy"] == cli["accuracy"] and timeless[0] == timeless[1]
