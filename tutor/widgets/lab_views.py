"""The lab's error and weights views: train/dev error beside the cost, and the weights of each layer.

The error plot is the cost plot's series drawn as error rates in percent (the course reads accuracies; a
learner from TensorFlow Playground expects the curves). The weights view answers lesson 4's "compare the
weights of L1 and L2": a histogram of log10 |w| over every layer, one series per run, with each layer's
mean |w| and the share of weights that are (nearly) zero under it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from dltutor.tutor.widgets.lab_plots import COLORS, LabCostPlot, LabPlot

#: Below this |w| a weight counts as zero in the summary (L1 drives weights to exactly 0, L2 only near it).
NEAR_ZERO = 1e-3
#: log10 |w| of an exact zero on the histogram's axis (its left edge).
ZERO_AT = -8.0
EMPTY_WEIGHTS = "the weights appear when a run ends or is paused (space, s)"


class LabErrorPlot(LabCostPlot):
    """Error (1 - accuracy, in percent) against iterations: train and dev, or one per compared run."""

    TITLE = "error % (100 - accuracy)"

    def add_accuracy(self, name: str, xs: Sequence[float], accuracies: Sequence[float | None]) -> None:
        self.add_points(name, xs, [None if a is None else 100.0 * (1.0 - a) for a in accuracies])

    def set_logy(self, logy: bool) -> None:  # error rates stay on a linear axis
        self.refresh()


def weight_summary(params: Mapping[str, object]) -> list[tuple[str, float, float, int]]:
    """(layer, mean |w|, share of |w| below :data:`NEAR_ZERO`, count) for each ``W`` in ``params``."""
    import numpy as np

    rows = []
    for name, value in params.items():
        if not name.startswith("W"):
            continue
        w = np.abs(np.asarray(value, dtype=float)).ravel()
        rows.append((name, float(w.mean()) if w.size else 0.0,
                     float((w < NEAR_ZERO).mean()) if w.size else 0.0, int(w.size)))
    return rows


def summary_text(label: str, params: Mapping[str, object]) -> str:
    """``he: W1 0.41 (2% ~0) · W2 0.22 (0% ~0)``: mean |w| and the share near zero per layer."""
    parts = [f"{name} {mean:.3g} ({near:.0%} ~0)" for name, mean, near, _ in weight_summary(params)]
    return f"{label}: " + " · ".join(parts)


class LabWeightsPlot(LabPlot):
    """A histogram of log10 |w| over every layer, one series per run (the compared runs side by side)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.runs: dict[str, list[float]] = {}
        self.summaries: list[str] = []
        self.empty_text = EMPTY_WEIGHTS

    def clear(self) -> None:
        self.runs = {}
        self.summaries = []
        self.border_subtitle = ""
        self.refresh()

    def show_runs(self, runs: Sequence[tuple[str, Mapping[str, object]]]) -> None:
        """Show the weights of these (label, parameters) runs."""
        import numpy as np

        self.runs = {}
        self.summaries = []
        for label, params in runs:
            ws = [np.abs(np.asarray(v, dtype=float)).ravel() for k, v in params.items() if k.startswith("W")]
            if not ws:
                continue
            w = np.concatenate(ws)
            logs = np.where(w > 0, np.log10(np.maximum(w, 1e-300)), ZERO_AT)
            self.runs[label] = [float(max(ZERO_AT, x)) for x in logs if math.isfinite(x)]
            self.summaries.append(summary_text(label, params))
        self.border_subtitle = "  ".join(self.summaries) if len(self.summaries) == 1 else ""
        self.refresh()

    def rebuild(self, plt) -> bool:
        if not self.runs:
            return False
        bins = max(8, min(40, (self.size.width - 10) // 2))
        for n, (label, logs) in enumerate(self.runs.items()):
            if logs:
                plt.hist(logs, bins=bins, label=label, color=COLORS[n % len(COLORS)])
        plt.title(f"weights: log10 |w|, every layer (exact zeros at {ZERO_AT:g})")
        plt.xlabel("log10 |w|")
        return True
