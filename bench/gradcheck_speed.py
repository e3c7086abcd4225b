"""Speed of the gradient checker against the course's per-element loop, side by side in one run.

    python bench/gradcheck_speed.py [--repeat 7] [--data-dir ../shared/reference]

The loop below is the exercise's ``gradient_check_n`` written for any network: flatten the parameters,
then for every element copy theta, nudge one entry by +-epsilon, rebuild the dict and run a full forward
pass and the cost. :func:`core.gradcheck.gradient_check` does the whole check (backprop, every perturbed
cost, round-off estimate, per-block localization, kinks) in vectorized batches.

Goals: at least 10 times as fast as the loop on the course's 47-parameter case and on the [2, 20, 3, 1]
football-sized network (m = 211; the football data when ../shared is present, a stand-in drawn from an rng
otherwise); a ``fast`` check of a 100,000-parameter network in well under a second. Timings are the best
of ``--repeat`` runs (the machine may be busy); speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import dltutor.tutor.cli  # noqa: E402,F401  (loads as the dltutor command does)
from dltutor.core.gradcheck import (  # noqa: E402
    dictionary_to_vector,
    gradient_check,
    gradients_to_vector,
    vector_to_dictionary,
)
from dltutor.core.init import initialize  # noqa: E402
from dltutor.core.network import Architecture, backward, compute_cost, forward  # noqa: E402
from dltutor.core.rng import make_rng  # noqa: E402
from dltutor.core.variants import course_case  # noqa: E402


def loop_check(arch, params, X, Y, epsilon=1e-7) -> float:
    """The course's ``gradient_check_n``, one forward pass per perturbed element."""
    AL, caches = forward(X, params, arch)
    gradients = backward(AL, Y, caches, params, arch)
    parameters_values, _ = dictionary_to_vector(params)
    grad = gradients_to_vector(gradients)
    shapes = {k: v.shape for k, v in params.items()}
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i][0] = theta_plus[i][0] + epsilon
        J_plus[i] = compute_cost(forward(X, vector_to_dictionary(theta_plus, shapes), arch)[0], Y)
        theta_minus = np.copy(parameters_values)
        theta_minus[i][0] = theta_minus[i][0] - epsilon
        J_minus[i] = compute_cost(forward(X, vector_to_dictionary(theta_minus, shapes), arch)[0], Y)
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return float(numerator / denominator)


def best(fn, repeat: int, inner: int = 1) -> tuple[float, object]:
    """Best-of-``repeat`` seconds per call (each timing averages ``inner`` calls) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            result = fn()
        times.append((time.perf_counter() - start) / inner)
    return min(times), result


def football(data_dir: Path):
    """The regularization exercise's network and data (or a stand-in of the same size)."""
    arch = Architecture((2, 20, 3, 1), "relu")
    rng = make_rng(3, legacy=True)
    params = initialize(arch.layers, "inv-sqrt", rng)
    path = data_dir / "football.npz"
    if path.is_file():
        with np.load(path) as data:
            X, Y = data["train_X"].astype(np.float64), data["train_Y"].astype(np.int64)
        source = "football.npz"
    else:
        draw = np.random.default_rng(0)
        X = draw.uniform(-0.75, 0.75, (2, 211))
        Y = (draw.random((1, 211)) < 0.5).astype(np.int64)
        source = "stand-in (../shared absent)"
    return arch, params, X, Y, source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--data-dir", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "reference")
    args = parser.parse_args(argv)

    rows = []
    arch, params, X, Y = course_case()
    cases = [("course case, 47 parameters", arch, params, X, Y, 50)]
    f_arch, f_params, f_X, f_Y, source = football(args.data_dir)
    name = f"[2,20,3,1] m=211, {f_arch.n_parameters} parameters ({source})"
    cases.append((name, f_arch, f_params, f_X, f_Y, 5))
    for name, arch, params, X, Y, inner in cases:
        t_loop, d_loop = best(lambda a=arch, p=params, x=X, y=Y: loop_check(a, p, x, y), args.repeat,
                              max(1, inner // 10))
        t_ours, report = best(lambda a=arch, p=params, x=X, y=Y: gradient_check(a, p, x, y), args.repeat,
                              inner)
        rows.append((name, "full", t_loop, t_ours, d_loop, report.difference))

    rng = np.random.default_rng(0)
    big = Architecture((200, 400, 50, 1), "relu")
    b_params = initialize(big.layers, "he", rng)
    b_X = rng.standard_normal((200, 64))
    b_Y = (rng.random((1, 64)) < 0.5).astype(np.int64)
    t_fast, fast = best(lambda: gradient_check(big, b_params, b_X, b_Y, mode="fast", rng=make_rng(1)),
                        args.repeat)
    t_sampled, sampled = best(lambda: gradient_check(big, b_params, b_X, b_Y, mode="sampled", k=10,
                                                     rng=make_rng(1)), max(1, args.repeat // 2))
    t_bug, bug = best(lambda: gradient_check(big, b_params, b_X, b_Y, "dW2-doubled", mode="fast",
                                             rng=make_rng(1)), max(1, args.repeat // 2))

    print(f"{'case':<58} {'mode':<7} {'loop (ms)':>10} {'dltutor (ms)':>13} {'speed-up':>9}  "
          f"difference loop / dltutor")
    for name, mode, t_loop, t_ours, d_loop, d_ours in rows:
        print(f"{name:<58} {mode:<7} {t_loop * 1e3:>10.2f} {t_ours * 1e3:>13.3f} {t_loop / t_ours:>8.1f}x  "
              f"{d_loop:.6g} / {d_ours:.6g}")
    n = big.n_parameters
    extra = [(f"{n:,} parameters, one random direction", "fast", t_fast,
              f"{fast.difference:.3g} ({fast.verdict}; goal: well under 1000 ms)"),
             (f"{n:,} parameters, 10 elements per block", "sampled", t_sampled,
              f"{sampled.difference:.3g} ({sampled.n_checked} elements)"),
             (f"{n:,} parameters, dW2 doubled: fails, then localizes", "fast", t_bug,
              f"flagged {', '.join(bug.flagged)} via {bug.fallback}")]
    for name, mode, seconds, note in extra:
        print(f"{name:<58} {mode:<7} {'':>10} {seconds * 1e3:>13.1f} {'':>9}  {note}")
    ok = all(t_loop / t_ours >= 10 for _, _, t_loop, t_ours, _, _ in rows) and t_fast < 1.0
    print(f"goals (>= 10x on both, fast < 1 s): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
