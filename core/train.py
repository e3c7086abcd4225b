"""Training: batch and mini-batch gradient descent as a generator of progress records.

The loop knows nothing about who listens: the CLI prints the records, the lab screen plots them, tests
assert on them. It is lean on purpose (a course-sized step is a few tens of microseconds, so Python
overhead is the cost): parameters and gradients live in two flat vectors with the dict entries as views,
every buffer is allocated once, the ``1/m`` of every gradient is one multiplication of the flat gradient,
the update is one subtraction, and the cost is computed only on iterations that are recorded. The
arithmetic is the course's, operation for operation, so the course's published numbers come out exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from dltutor.core import network
from dltutor.core.errors import require
from dltutor.core.init import initialize
from dltutor.core.lean import LeanNet as LeanNet  # re-exported: the training loop's network
from dltutor.core.rng import Rng
from dltutor.core.train_config import TrainConfig as TrainConfig  # re-exported: a run's options

if TYPE_CHECKING:  # the loop imports data and normalize only when a run prepares its data
    from dltutor.core.data import Dataset
    from dltutor.core.normalize import Normalizer
from dltutor.core.types import Array, Params

STOP_REASONS = ("completed", "early-stopping", "diverged", "cancelled")

#: Upper bounds that keep a typo from hanging the tutor.
MAX_ACTIVATION_FLOATS = 50_000_000
#: iterations x examples per step x parameters: about the multiply-adds of a run; beyond this a run would
#: take many minutes on a laptop, so it is refused with advice rather than left to look hung.
MAX_WORK = 5e11


@dataclass
class Record:
    """Progress at one recorded iteration, before that iteration's update.

    ``train_cost`` is computed as the course prints it: the cost gradient descent minimizes, with this
    iteration's dropout masks when dropout is on (``inf`` where the output saturates on a wrong label, as in
    its random-initialization run), plus the L2/L1 penalty when there is one (the course's printed cost
    J). ``eval_cost`` is the training cost of the full network, no dropout, as at test time, and without the
    penalty; ``dev_cost`` is the full network's too, without the penalty (the penalty is a training term, not
    part of how well the network predicts), from the output's pre-activations, so an overconfident wrong dev
    prediction keeps the dev curve finite. Screens and the CLI plot ``eval_cost`` beside ``dev_cost`` so the
    two compare like with like.
    """

    iteration: int
    train_cost: float
    dev_cost: float | None
    train_accuracy: float
    dev_accuracy: float | None
    grad_norms: list[float]
    seconds: float
    eval_cost: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrainResult:
    """How a run ended."""

    stopped: str
    iteration: int
    message: str
    params: Params
    accuracy: dict[str, float]
    cost: dict[str, float]
    seconds: float
    best_iteration: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("params")
        return d


class History:
    """Recorded progress with a bounded length: past ``max_points`` every other point is dropped.

    Long lab runs then keep memory flat, while the first and the latest records always stay.
    """

    def __init__(self, max_points: int = 4000) -> None:
        self.max_points = max(16, max_points)
        self.records: list[Record] = []

    def append(self, record: Record) -> None:
        self.records.append(record)
        if len(self.records) > self.max_points:
            last = self.records[-1]
            self.records = self.records[:-1:2] + [last]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def prepare_data(config: TrainConfig, dataset: Dataset, rng: Rng
                 ) -> tuple[dict[str, tuple[Array, Array]], Normalizer | None]:
    """Check the data against the network and apply augmentation and normalization.

    Returns:
        ``(splits, normalizer)`` where ``splits`` maps split names to ``(X, Y)`` ready for the network.
    """
    from dltutor.core.data import augment, validate_xy

    splits = dict(dataset.splits())
    for name, (X, Y) in splits.items():
        validate_xy(X, Y, field=f"data ({name})", contiguous=False)
    X, Y = splits["train"]
    n_x = X.shape[0]
    require(config.layers[0] == n_x, "layers",
            f"the input size {config.layers[0]} does not match the data's {n_x} features",
            f"a first size of {n_x}")
    labels = np.concatenate([s[1].ravel() for s in splits.values()])
    n_classes = int(labels.max()) + 1 if labels.size else 2
    if n_classes <= 2:
        require(config.layers[-1] == 1, "layers", f"binary labels need 1 output unit, not {config.layers[-1]}",
                "a last size of 1")
    else:
        require(config.layers[-1] == n_classes, "layers",
                f"{n_classes} classes need {n_classes} output units, not {config.layers[-1]}",
                f"a last size of {n_classes}")
    m = X.shape[1]
    batch = min(config.batch_size or m, m)
    require(sum(config.layers[1:]) * batch <= MAX_ACTIVATION_FLOATS, "batch_size",
            f"{batch} examples through {sum(config.layers[1:])} units is too much memory",
            "use mini-batches or a smaller network")
    work = float(config.iterations) * batch * config.architecture.n_parameters
    require(work <= MAX_WORK, "iterations",
            f"{config.iterations:,} iterations of {batch:,} examples through {config.architecture.n_parameters:,} "
            f"parameters would take a very long time", "fewer iterations, mini-batches or a smaller network "
            f"(iterations x batch x parameters at most {MAX_WORK:.0e})")
    if config.early_stopping:
        require(dataset.heldout is not None, "early_stopping", "early stopping watches the dev cost, and this "
                "data has no dev or test set", "a train/dev split such as 0.7,0.3")
    if config.augment:
        X, Y = augment(X, Y, rng, jitter=0.05 * float(np.std(X)), reflections=dataset.reflections)
        splits["train"] = (X, Y)
    normalizer = None
    if config.normalize:
        from dltutor.core.normalize import Normalizer

        normalizer = Normalizer.fit(splits["train"][0])
        splits = {k: (normalizer.transform(Xs), Ys) for k, (Xs, Ys) in splits.items()}
    return {k: (np.ascontiguousarray(Xs, dtype=np.float64), np.ascontiguousarray(Ys, dtype=np.float64))
            for k, (Xs, Ys) in splits.items()}, normalizer


def _labels(AL: Array) -> Array:
    """Predicted classes ``(m,)`` from the output ``(n_L, m)``."""
    labels: Array = (AL > 0.5)[0] if AL.shape[0] == 1 else np.argmax(AL, axis=0)
    return labels


class Training:
    """One training run, advanced in chunks of iterations.

    Iterate :meth:`steps` for the records, or call :meth:`run_chunk` repeatedly (the lab's worker does, and
    checks for cancellation between chunks); :meth:`cancel` stops it at the next iteration boundary.
    :attr:`result` is set once the run has ended.

    Args:
        config: the options.
        dataset: a :class:`core.data.Dataset` (its ``heldout`` split is the dev curve).
        max_history: the bound of :class:`History`.
    """

    def __init__(self, config: TrainConfig, dataset: Dataset, max_history: int = 4000) -> None:
        self.config = config
        self.dataset = dataset
        self.arch = config.architecture
        self.rng = config.parity.rng(config.seed)
        params = initialize(self.arch.layers, config.init, self.rng, scale=config.init_scale)
        self.splits, self.normalizer = prepare_data(config, dataset, self.rng)
        keep_probs = config.keep_probs or ()
        dropout_layers = [l for l in range(1, self.arch.L)  # noqa: E741
                          if config.dropout and keep_probs[l - 1] < 1]
        self.net = LeanNet(self.arch, params, dropout_layers)
        self.initial_params = params
        self.X, self.Y = self.splits["train"]
        self.m = self.X.shape[1]
        self.heldout = dataset.heldout if dataset.heldout in self.splits else None
        self.history = History(max_history)
        self.iteration = 0
        self.seconds = 0.0
        self.result: TrainResult | None = None
        self._cancelled = False
        self._onehot = network.one_hot(self.Y, self.arch.layers[-1]) if self.arch.output == "softmax" else None
        self._fixed_masks: list[Array | None] | None = None
        if config.dropout and config.parity.fixed_masks:
            mask_rng = config.parity.rng(config.parity.mask_seed)
            self._fixed_masks = network.dropout_masks(self.arch, self.m, keep_probs, mask_rng)
        self._best: tuple[float, int, Array] | None = None
        self._wait = 0
        self._order: Array | None = None
        self._batch_pos = 0

    # -- the loop --------------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the run to stop before its next iteration (thread-safe: a flag read between iterations)."""
        self._cancelled = True

    @property
    def done(self) -> bool:
        return self.result is not None

    def steps(self, chunk: int | None = None) -> Iterator[Record]:
        """Run to the end, yielding each record as it is made."""
        chunk = chunk or self.config.log_every
        while not self.done:
            yield from self.run_chunk(chunk)

    def run(self) -> TrainResult:
        """Run to the end and return the result."""
        for _ in self.steps():
            pass
        assert self.result is not None  # steps() ends when the run has
        return self.result

    def _next_batch(self) -> tuple[Array, Array, Array | None]:
        bs = self.config.batch_size
        if bs is None or bs >= self.m:
            return self.X, self.Y, self._onehot
        if self._order is None or self._batch_pos >= self.m:
            self._order = self.rng.permutation(self.m)
            self._batch_pos = 0
        idx = self._order[self._batch_pos:self._batch_pos + bs]
        self._batch_pos += bs
        onehot = self._onehot[:, idx] if self._onehot is not None else None
        return self.X[:, idx], self.Y[:, idx], onehot

    def run_chunk(self, n: int) -> list[Record]:
        """Advance at most ``n`` iterations; return the records made on the way."""
        if self.done:
            return []
        cfg = self.config
        net = self.net
        records: list[Record] = []
        end = min(self.iteration + n, cfg.iterations)
        full_batch = cfg.batch_size is None or cfg.batch_size >= self.m
        kps: tuple[float, ...] = cfg.keep_probs or ()
        dropout = cfg.dropout
        fixed = self._fixed_masks
        log_every, lr, l2, l1 = cfg.log_every, cfg.learning_rate, cfg.l2, cfg.l1
        first = cfg.parity.scale_delta_first
        forward, backward, update = net.forward, net.backward, net.update
        X, Y, onehot = self.X, self.Y, self._onehot
        buf = net.buffers(self.m)  # mini-batches swap in their own below
        masks = fixed if (dropout and full_batch) else None
        i = self.iteration
        start = time.perf_counter()
        with np.errstate(all="ignore"):
            while i < end:
                if self._cancelled:
                    self.iteration = i
                    self._finish("cancelled", f"cancelled at iteration {i}")
                    break
                if not full_batch:
                    X, Y, onehot = self._next_batch()
                    buf = net.buffers(X.shape[1])
                if dropout and (fixed is None or not full_batch):
                    masks = network.dropout_masks(self.arch, X.shape[1], kps, self.rng)
                AL = forward(X, buf, masks, kps)
                if i % log_every:
                    backward(X, Y, buf, masks, kps, l2, l1, onehot, first)
                else:
                    self.iteration = i
                    train_cost = network.cross_entropy(AL, Y) if full_batch else None
                    backward(X, Y, buf, masks, kps, l2, l1, onehot, first)
                    record = self._record(train_cost, start)
                    records.append(record)
                    if self._check_stop(record):
                        break
                update(lr)
                i += 1
                self.iteration = i
            else:
                if self.iteration >= cfg.iterations:
                    if not np.isfinite(net.theta).all():
                        self._finish("diverged", self._diverged_message(self.iteration))
                    else:
                        self._finish("completed", f"completed {cfg.iterations:,} iterations")
        self.seconds += time.perf_counter() - start
        if self.result is not None:
            self.result.seconds = self.seconds
        return records

    # -- records and stopping --------------------------------------------------------------------------

    def _record(self, train_cost: float | None, start: float) -> Record:
        cfg = self.config
        params = None
        pen = 0.0
        if cfg.l2 or cfg.l1:
            params = {f"W{l}": self.net.W[l] for l in range(1, self.arch.L + 1)}  # noqa: E741
            pen = network.penalty(params, self.m, cfg.l2, cfg.l1)
        if cfg.dropout:
            train_AL = self.net.forward(self.X, self.net.buffers(self.m))
        else:
            train_AL = self.net.buffers(self.X.shape[1]).A[self.arch.L] \
                if train_cost is not None else self.net.forward(self.X, self.net.buffers(self.m))
        if train_cost is None:
            train_cost = network.cross_entropy(train_AL, self.Y)
        eval_cost = network.cross_entropy(train_AL, self.Y) if cfg.dropout else train_cost
        train_acc = float(np.mean(_labels(train_AL) == self.Y[0]))
        dev_cost = dev_acc = None
        if self.heldout:
            Xd, Yd = self.splits[self.heldout]
            AL = self.net.forward(Xd, self.net.buffers(Xd.shape[1]))
            # from the logits: an overconfident wrong dev prediction must not turn the dev curve into inf
            dev_cost = network.cross_entropy_from_logits(self.net.buffers(Xd.shape[1]).Z[self.arch.L], Yd)
            dev_acc = float(np.mean(_labels(AL) == Yd[0]))
        record = Record(self.iteration, float(train_cost + pen), dev_cost, train_acc, dev_acc,
                        self.net.grad_norms(), self.seconds + time.perf_counter() - start, float(eval_cost))
        self.history.append(record)
        return record

    def _check_stop(self, record: Record) -> bool:
        cfg = self.config
        if math.isnan(record.train_cost) or not np.isfinite(self.net.theta).all() \
                or not np.isfinite(self.net.grad).all():
            self._finish("diverged", self._diverged_message(record.iteration))
            return True
        if cfg.early_stopping and record.dev_cost is not None:
            if self._best is None or record.dev_cost < self._best[0] - cfg.min_delta:
                self._best = (record.dev_cost, record.iteration, self.net.theta.copy())
                self._wait = 0
            else:
                self._wait += 1
                if self._wait >= cfg.early_stopping:
                    best_cost, best_it, theta = self._best
                    self.net.theta[...] = theta
                    self._finish("early-stopping",
                                 f"early stopping at iteration {record.iteration:,}: the dev cost has not improved "
                                 f"for {cfg.early_stopping} checks; restored the best weights, from iteration "
                                 f"{best_it:,} (dev cost {best_cost:.4f})", best_iteration=best_it)
                    return True
        return False

    def _diverged_message(self, iteration: int) -> str:
        advice = ["a lower learning rate (try a tenth of it)"]
        if self.config.init in ("random", "zeros"):
            advice.append("He initialization (--init he)")
        if not self.config.normalize:
            advice.append("normalized inputs (--normalize)")
        return (f"diverged at iteration {iteration:,}: the cost or the weights stopped being finite numbers. "
                f"Try {', or '.join(advice)}.")

    def _finish(self, reason: str, message: str, best_iteration: int | None = None) -> None:
        params = self.net.params
        accuracy, cost = {}, {}
        with np.errstate(all="ignore"):
            for name, (X, Y) in self.splits.items():
                AL = self.net.forward(X, self.net.buffers(X.shape[1]))
                accuracy[name] = float(np.mean(_labels(AL) == Y[0]))
                cost[name] = network.cross_entropy_from_logits(self.net.buffers(X.shape[1]).Z[self.arch.L], Y)
        self.result = TrainResult(reason, self.iteration, message, params, accuracy, cost, self.seconds,
                                  best_iteration)


def run_training(config: TrainConfig, dataset: Dataset) -> tuple[TrainResult, list[Record]]:
    """Train to the end: the result and every record (for scripts and tests)."""
    training = Training(config, dataset)
    records = list(training.steps())
    assert training.result is not None  # steps() ends when the run has
    return training.result, records


@dataclass
class PredictGrid:
    """Predicted class over a grid of the input plane, for decision-boundary plots."""

    xs: Array
    ys: Array
    labels: Array = field(repr=False)


def decision_grid(net: LeanNet, X: Array, nx: int = 60, ny: int = 30,
                  normalizer: Normalizer | None = None) -> PredictGrid:
    """Predicted labels on an ``ny x nx`` grid spanning the (raw) 2-D data ``X`` with a margin."""
    x0, x1 = X[0].min(), X[0].max()
    y0, y1 = X[1].min(), X[1].max()
    px, py = 0.1 * (x1 - x0 or 1), 0.1 * (y1 - y0 or 1)
    xs = np.linspace(x0 - px, x1 + px, nx)
    ys = np.linspace(y0 - py, y1 + py, ny)
    gx, gy = np.meshgrid(xs, ys)
    G = np.vstack([gx.ravel(), gy.ravel()])
    if normalizer is not None:
        G = normalizer.transform(G)
    with np.errstate(all="ignore"):
        AL = net.forward(G, net.buffers(G.shape[1]))
    return PredictGrid(xs, ys, _labels(AL).reshape(ny, nx))
