"""What a finished training run shows: the measurements :mod:`core.next_step` reads its symptoms from."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dltutor.core.train import Training


@dataclass(frozen=True)
class Evidence:
    """What a finished run shows.

    Attributes:
        costs: the recorded training costs, in order.
        first_grad_norms: ``||dW[l]||`` per layer at the first record.
        last_grad_norms: the same at the last record.
        feature_rms: the root mean square of each raw training feature.
        symmetric_layers: hidden layers (1-based) whose units all have the same weights.
        stopped: how the run ended (``completed``, ``early-stopping``, ``diverged``, ``cancelled``).
        iteration: the last iteration.
        best_iteration: for early stopping, the iteration whose weights were kept.
        train_error, dev_error: the final errors (dev None without a held-out set).
        heldout: the held-out split's name.
        generated: whether the data come from a generator (so more of it can be made).
        has_penalty: the recorded costs include an L2/L1 term.
        examples: the data's examples over every split (what a generator would make again).
    """

    costs: list[float]
    first_grad_norms: list[float]
    last_grad_norms: list[float]
    feature_rms: list[float]
    symmetric_layers: list[int]
    stopped: str
    iteration: int
    best_iteration: int | None
    train_error: float
    dev_error: float | None
    heldout: str | None
    generated: bool = False
    has_penalty: bool = False
    examples: int = 0

    @property
    def grad_ratio(self) -> float | None:
        """``||dW1|| / ||dW[L]||`` at the first record (None for one layer or a zero last gradient)."""
        g = self.first_grad_norms
        if len(g) < 3 or not g[-1] or not all(math.isfinite(x) for x in g):
            return None
        return g[0] / g[-1]

    @property
    def scale_spread(self) -> float:
        """The largest feature scale over the smallest (1 for one feature)."""
        rms = [x for x in self.feature_rms if x > 0]
        return max(rms) / min(rms) if len(rms) > 1 else 1.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of what the advice reads."""
        return {"costs_first_last": [self.costs[0], self.costs[-1]] if self.costs else [],
                "first_grad_norms": list(self.first_grad_norms), "grad_ratio": self.grad_ratio,
                "feature_rms": list(self.feature_rms), "scale_spread": self.scale_spread,
                "symmetric_layers": list(self.symmetric_layers), "stopped": self.stopped,
                "train_error": self.train_error, "dev_error": self.dev_error}


def gather_evidence(training: Training, generated: bool | None = None) -> Evidence:
    """The evidence of a finished :class:`core.train.Training`.

    Args:
        training: a run whose ``result`` is set.
        generated: whether its data come from a generator (default: the dataset is not a file or stand-in).
    """
    history = list(training.history)
    result = training.result
    if result is None:
        raise ValueError("the run has not ended: it has no evidence yet")
    X = training.dataset.splits()["train"][0]
    rms = [float(v) for v in np.sqrt(np.mean(np.square(X), axis=1))]
    params = result.params
    L = training.arch.L
    symmetric = []
    for l in range(1, L):  # noqa: E741
        W = params[f"W{l}"]
        if W.shape[0] > 1:
            spread = float(np.max(np.abs(W - W[:1])))
            if spread <= 1e-12 * (1.0 + float(np.max(np.abs(W)))):
                symmetric.append(l)
    heldout = training.heldout
    acc = result.accuracy
    if generated is None:
        generated = not training.dataset.stand_in and "generator" in training.dataset.source
    cfg = training.config
    return Evidence(
        costs=[r.train_cost for r in history],
        first_grad_norms=list(history[0].grad_norms) if history else [],
        last_grad_norms=list(history[-1].grad_norms) if history else [],
        feature_rms=rms,
        symmetric_layers=symmetric,
        stopped=result.stopped,
        iteration=result.iteration,
        best_iteration=result.best_iteration,
        train_error=1 - acc["train"],
        dev_error=(1 - acc[heldout]) if heldout is not None and heldout in acc else None,
        heldout=heldout,
        generated=bool(generated),
        has_penalty=bool(cfg.l2 or cfg.l1),
        examples=int(sum(Xs.shape[1] for Xs, _ in training.dataset.splits().values())),
    )
