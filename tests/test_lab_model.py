"""The lab's model without a terminal: it imports no UI, its state machine follows a run from start to
finish, stale reports are told apart, and its words match the screen's."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from dltutor.tutor import lab, lab_runner
from dltutor.tutor.lab import text
from dltutor.tutor.lab.model import LabModel
from dltutor.tutor.lab.training import prepare_runs, train_chunks


def test_the_lab_model_imports_no_ui_module() -> None:
    modules = [f"dltutor.tutor.lab.{m.name}" for m in pkgutil.iter_modules(lab.__path__)]
    assert {"dltutor.tutor.lab.model", "dltutor.tutor.lab.training", "dltutor.tutor.lab.text"} <= set(modules)
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    loaded = json.loads(out.stdout)
    assert [m for m in loaded if m.split(".")[0] in {"textual", "plotext", "textual_plotext", "rich"}] == []


def _start(model: LabModel, **changes: str) -> int:
    values = {**lab_runner.preset_values("course-reg-none"), "iterations": "300", "log_every": "100", **changes}
    plans = [lab_runner.build_plan(values)]
    token = model.start(values, plans, None)
    assert model.state == "preparing" and model.active and model.runs == []
    assert model.prepared(prepare_runs(plans)) is None  # the course's sizes fit its data
    assert model.state == "running"
    return token


def test_a_run_goes_from_idle_to_finished_with_a_next_step() -> None:
    model = LabModel()
    assert model.state == "idle" and not model.active and model.toggle() == "start"
    token = _start(model)
    assert model.toggle() == "pause"
    updates = list(train_chunks(model.runs[0], token, 0, None, lambda: False, lambda: False))
    assert updates[-1].done and updates[-1].iteration == 300 and updates[-1].grid is not None
    assert sum(len(u.records) for u in updates) == 3  # every record reported once, in batches
    assert all(model.accepts(u) for u in updates)
    assert model.run_done(0) and model.state == "finished"
    assert model.next is not None and model.can_apply
    status = text.finished_status(model, 0)
    assert status == "finished: completed 300 iterations"
    lines = ["".join(span if isinstance(span, str) else span[0] for span in line)
             for line in text.result_lines(model.runs[0], model.diagnosis, model.next)]
    assert lines[0].startswith("accuracy: train") and any(line.startswith("next: ") for line in lines)


def test_a_step_pauses_and_a_reset_makes_old_reports_stale() -> None:
    model = LabModel()
    token = _start(model, iterations="100000")
    run = model.runs[0]
    updates = list(train_chunks(run, token, 0, 100, model.pause.is_set, lambda: False))
    assert updates[-1].paused and run.training.iteration == 100
    model.progressed(updates[-1])
    assert model.state == "paused" and model.toggle() == "resume" and model.step_limit(True) == 100
    assert model.cancel() == "restart" and model.state == "running"  # a worker finishes the cancelled run
    model.reset()
    assert model.state == "idle" and model.runs == [] and model.stale(token)
    assert not model.accepts(updates[-1])


def test_cancelling_while_preparing_makes_the_worker_stale() -> None:
    model = LabModel()
    values = lab_runner.preset_values("course-reg-none")
    token = model.start(values, [lab_runner.build_plan(values)], None)
    assert model.cancel() == "stopped" and model.state == "idle" and model.stale(token)
