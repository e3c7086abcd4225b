"""A training run as data: the record ``dltutor train --json`` prints and the lab exports (UI-free).

The lab's export (``e``) writes, for each run on show, this record as JSON and its history as CSV, beside an
SVG screenshot of the lab, in the exports folder of the learner's data directory.
"""

from __future__ import annotations

import csv
import io
import math
import time
from pathlib import Path
from typing import Any

#: The CSV's columns, one row per recorded iteration (per-layer gradient norms follow as dW1, dW2, ...).
CSV_COLUMNS = ("iteration", "train_cost", "dev_cost", "train_accuracy", "dev_accuracy", "seconds")


#: What each cost in a record is (the record states it, so no reader has to guess).
COST_FIELDS = {
    "final_cost": "same as final_eval_cost (kept for older readers)",
    "final_eval_cost": "cross-entropy of the full network (no dropout masks, no L2/L1 term) on each split at the "
                       "end, the held-out split under its report name",
    "final_objective": "the last recorded cost gradient descent minimizes: with that iteration's dropout masks and "
                       "with the L2/L1 term (what the course's exercise prints)",
    "history.train_cost": "the cost gradient descent minimizes (dropout masks, L2/L1 term)",
    "history.eval_cost": "training cost of the full network, no masks, no L2/L1 term",
    "history.dev_cost": "held-out cost of the full network, no masks, no L2/L1 term",
    "accuracy_by_split": "accuracy under the data's own split names (the course's file calls its held-out set test)",
}


def run_record(preset: str | None, config: Any, dataset: Any, training: Any, bayes: float | None = None) -> dict:
    """The run as ``dltutor train --json`` prints it: options, data, history, accuracy, how it ended, and the
    diagnosis and next step read from the run's own evidence (``bayes``: the data's Bayes error, if known)."""
    from dltutor.tutor.training_text import heldout_label, run_advice, run_diagnosis

    result = training.result
    heldout = training.heldout
    name = heldout_label(heldout)

    def by_name(values: dict) -> dict:  # the held-out split under its report name ("dev"), as heldout_name says
        return {(name if k == heldout else k): v for k, v in values.items()}

    records = list(training.history)  # History is iterable, not indexable
    last = records[-1] if records else None
    diagnosis = None
    if result is not None and result.stopped not in ("diverged", "cancelled"):
        diagnosis = run_diagnosis(result.accuracy, training.heldout, bayes, training)
    return {
        "preset": preset,
        "config": config.to_dict(),
        "data": {"name": dataset.name, "source": dataset.source, "stand_in": dataset.stand_in,
                 "sizes": {k: int(X.shape[1]) for k, (X, _) in dataset.splits().items()},
                 "dev_split": training.heldout},
        "history": [r.to_dict() for r in training.history],
        "accuracy": by_name(result.accuracy) if result else {},
        "accuracy_by_split": result.accuracy if result else {},
        "final_cost": by_name(result.cost) if result else None,
        "final_eval_cost": by_name(result.cost) if result else None,
        "final_objective": None if last is None else last.train_cost,
        "cost_fields": COST_FIELDS,
        "stopped": result.stopped if result else "running",
        "stop_iteration": result.iteration if result else training.iteration,
        "message": result.message if result else "",
        "best_iteration": result.best_iteration if result else None,
        "seconds": result.seconds if result else training.seconds,
        "heldout_name": heldout_label(training.heldout),
        "diagnosis": None if diagnosis is None else diagnosis.to_dict(),
        "next_step": run_advice(training, diagnosis).to_dict() if result is not None else None,
    }


def history_csv(record: dict) -> str:
    """The record's history as CSV text (blank cells where a value is missing)."""
    history = record["history"]
    layers = max((len(h.get("grad_norms") or []) for h in history), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *(f"dW{n + 1}" for n in range(layers))])
    for h in history:
        norms = list(h.get("grad_norms") or [])
        writer.writerow([_cell(h.get(c)) for c in CSV_COLUMNS] + [_cell(v) for v in norms])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value}"


def write_runs(records: list[tuple[str, dict]], folder: Path, stem: str | None = None) -> list[Path]:
    """Write each (label, record) as ``<stem>-<label>.json`` and ``.csv`` in ``folder``; returns the paths.

    Raises:
        TutorError: the folder cannot be made or written (named, with the reason).
    """
    from dltutor.core.errors import TutorError
    from dltutor.tutor.output import dumps

    stem = stem or time.strftime("lab-%Y%m%d-%H%M%S")
    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for label, record in records:
            safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in label) or "run"
            data = folder / f"{stem}-{safe}.json"
            data.write_text(dumps(record) + "\n", encoding="utf-8")  # as dltutor train --json prints it
            table = folder / f"{stem}-{safe}.csv"
            table.write_text(history_csv(record), encoding="utf-8")
            paths += [data, table]
    except OSError as exc:
        raise TutorError("export", f"cannot write to {folder}: {exc.strerror or exc}",
                         "a folder you can write to (DLTUTOR_HOME sets the data directory)") from None
    return paths
