"""How much memory and work a check takes, and the budgets that refuse one that would take too much."""

from __future__ import annotations

import math
from collections.abc import Sequence

from dltutor.core.errors import TutorError
from dltutor.core.gradcheck.options import DEFAULT_SAMPLES, MAX_ITERATIONS
from dltutor.core.gradcheck.words import plural
from dltutor.core.network import validate_layers

#: ``fast`` falls back to ``full`` below this many parameters (``auto``), to ``sampled`` above.
FULL_FALLBACK_LIMIT = 20_000
#: Activations held at once: ``sum(layers) * m`` floats (X and each layer's Z and A, for every check).
MAX_ACTIVATION_FLOATS = 5_000_000
#: The numerical gradient's work, in multiply-adds (see :func:`numeric_work`): about 5 to 10 seconds.
MAX_CHECK_WORK = 20_000_000_000
#: Gradient descent before the second check, in multiply-adds (see :func:`training_work`).
MAX_TRAIN_WORK = 20_000_000_000
#: What one perturbed cost or one training step costs beyond its arithmetic (Python and NumPy calls),
#: in multiply-adds, so that many tiny evaluations count too.
_OVERHEAD_PER_COST = 50
_OVERHEAD_PER_FORWARD = 20_000
_OVERHEAD_PER_STEP = 100_000


def _layer_counts(shapes: Sequence[tuple[int, ...]], k: int | None) -> list[int]:
    """Elements checked per layer: all of them (``k`` None) or ``k`` per block."""
    sizes = [math.prod(s) for s in shapes]
    if k is not None:
        sizes = [min(k, size) for size in sizes]
    return [sizes[i] + sizes[i + 1] for i in range(0, len(sizes), 2)]


def numeric_work(layers: Sequence[int], m: int, counts: Sequence[int] | None = None,
                 method: str = "batched") -> float:
    """About how many multiply-adds the two-sided differences take (each costs two evaluations of J).

    A perturbation of layer ``l`` recomputes from that layer up: the perturbed unit's row, the rank-one
    update of layer ``l + 1`` and full products above; ``loop`` recomputes the whole network each time.

    Args:
        layers: ``(n_x, n_1, ..., n_L)``.
        m: number of examples.
        counts: elements checked per layer (weights and biases together); all of them by default.
        method: ``batched`` or ``loop``.
    """
    L = len(layers) - 1
    weights = [layers[q] * layers[q - 1] for q in range(1, L + 1)]
    total = 0.0
    for l in range(1, L + 1):  # noqa: E741
        n, p = layers[l], layers[l - 1]
        count = n * p + n if counts is None else counts[l - 1]
        if method == "loop":
            per = m * sum(weights) + _OVERHEAD_PER_FORWARD
        else:
            above = layers[l + 1] if l < L else 0
            per = m * (p + n + above + sum(weights[l + 1:])) + _OVERHEAD_PER_COST
        total += 2.0 * count * per
    return total


def training_work(layers: Sequence[int], m: int, iterations: int) -> float:
    """About how many multiply-adds ``iterations`` steps of gradient descent take (forward and backward)."""
    weights = sum(layers[q] * layers[q - 1] for q in range(1, len(layers)))
    return float(iterations) * (3.0 * m * weights + _OVERHEAD_PER_STEP)


def check_budget(layers: Sequence[int], m: int, *, mode: str = "full", k: int = DEFAULT_SAMPLES,
                 fallback: str = "auto", after_iterations: int = 0, method: str = "batched",
                 sweep: int = 0) -> None:
    """Refuse a check that would hold too much memory or run too long, saying what fits.

    Args:
        layers: ``(n_x, n_1, ..., n_L)``.
        m: number of examples.
        mode: ``full``, ``sampled`` or ``fast`` (its fallback is checked here too); ``""`` for none (only
            the memory, the training and the sweep).
        k: elements per block in sampled mode.
        fallback: after a failed fast check.
        after_iterations: gradient-descent steps before the second check.
        method: ``batched`` or ``loop``.
        sweep: epsilons of an epsilon sweep (each a full check; none by default).

    Raises:
        TutorError: ``layers`` beyond :data:`core.network.MAX_PARAMETERS`, ``examples`` beyond
            :data:`MAX_ACTIVATION_FLOATS` floats held at once, ``mode``/``samples`` beyond
            :data:`MAX_CHECK_WORK`, ``after-iterations`` beyond :data:`MAX_TRAIN_WORK`.
    """
    layers = [int(n) for n in layers]
    validate_layers(layers)
    units = sum(layers)
    if units * m > MAX_ACTIVATION_FLOATS:
        most = MAX_ACTIVATION_FLOATS // units
        raise TutorError("examples", f"{m:,} examples through {units:,} units hold {units * m:,} activations "
                         f"at once: too much memory", f"at most {most:,} {plural(most, 'example')} for layers "
                         f"{','.join(map(str, layers))} ({MAX_ACTIVATION_FLOATS:,} activations)")
    n = sum(layers[q] * layers[q - 1] + layers[q] for q in range(1, len(layers)))
    full = numeric_work(layers, m, None, method)
    if mode == "full" or (mode == "fast" and fallback == "full"):
        if full > MAX_CHECK_WORK:
            raise TutorError("mode", f"full mode checks each of the {n:,} parameters on {m:,} "
                             f"{plural(m, 'example')} (about {full:.1e} multiply-adds): too much work",
                             "--mode sampled (K elements per block) or --mode fast for a network this size, "
                             f"or fewer examples (full mode up to about {MAX_CHECK_WORK:.0e} multiply-adds)")
    if mode == "sampled" or (mode == "fast" and fallback in ("sampled", "auto")):
        shapes = [s for q in range(1, len(layers)) for s in ((layers[q], layers[q - 1]), (layers[q], 1))]
        work = numeric_work(layers, m, _layer_counts(shapes, k), method)
        if work > MAX_CHECK_WORK:
            raise TutorError("samples" if mode == "sampled" else "examples",
                             f"{k:,} {plural(k, 'sample')} per block on {m:,} {plural(m, 'example')} take "
                             f"about {work:.1e} "
                             "multiply-adds: too much work",
                             f"fewer samples or examples (up to about {MAX_CHECK_WORK:.0e} multiply-adds)")
    if after_iterations:
        per_step = training_work(layers, m, 1)
        work = per_step * after_iterations
        if work > MAX_TRAIN_WORK:
            most = min(MAX_ITERATIONS, int(MAX_TRAIN_WORK // per_step))
            raise TutorError("after-iterations", f"{after_iterations:,} iterations of gradient descent on this "
                             f"network and {m:,} {plural(m, 'example')} take about {work:.1e} multiply-adds: "
                             "too much work", f"at most {most:,} {plural(most, 'iteration')} here")
    if sweep and full * sweep > MAX_CHECK_WORK:
        shapes = [s for q in range(1, len(layers)) for s in ((layers[q], layers[q - 1]), (layers[q], 1))]
        if numeric_work(layers, m, _layer_counts(shapes, k), method) * sweep > MAX_CHECK_WORK:
            raise TutorError("sweep", f"{sweep} epsilons on this network and {m:,} "
                             f"{plural(m, 'example')} are too much work, even {k} elements per block",
                             "a smaller network or fewer examples for --sweep")


def auto_fallback(n: int, layers: Sequence[int], m: int, method: str = "batched") -> str:
    """Where a failed fast check goes with ``fallback="auto"``: ``full`` for up to :data:`FULL_FALLBACK_LIMIT`
    parameters within :data:`MAX_CHECK_WORK`, else ``sampled``."""
    small = n <= FULL_FALLBACK_LIMIT and numeric_work(layers, m, None, method) <= MAX_CHECK_WORK
    return "full" if small else "sampled"


def sweeps_every_element(layers: Sequence[int], m: int, n_epsilons: int) -> bool:
    """Whether an epsilon sweep of ``n_epsilons`` steps can check every element within :data:`MAX_CHECK_WORK`
    (otherwise it samples the same elements at every step)."""
    return numeric_work(layers, m) * n_epsilons <= MAX_CHECK_WORK
