"""Training speed on a busy machine: quiet against two busy processes, with and without the BLAS limit.

    python bench/busy_speed.py [--repeat 2] [--iterations 3000]

Runs ``dltutor train --preset lesson-overfit --m 320`` (the run of issue 11) in a child process, once on a
quiet machine and once while two other processes keep two cores busy, each time with the tutor's default
(one BLAS thread while training, :mod:`tutor.blas`) and with the BLAS free to use every core
(``OPENBLAS_NUM_THREADS`` set to the core count, which the tutor leaves alone). Prints seconds and the
slowdown side by side. Goal: with the limit, at most 2x slower when busy (a fair share of 2 cores among 3
processes is 1.5x), and no loss when quiet. Measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _spin(stop) -> None:  # a busy process: pure Python, one core
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _train(iterations: int, free: bool) -> float:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["PYTHONPATH"] = str(ROOT)
    if free:
        env["OPENBLAS_NUM_THREADS"] = str(os.cpu_count() or 2)
    command = [sys.executable, "-m", "dltutor.tutor", "train", "--preset", "lesson-overfit", "--m", "320",
               "--iterations", str(iterations), "--json"]
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return float(json.loads(out.stdout)["seconds"])


def _best(iterations: int, free: bool, repeat: int) -> float:
    return min(_train(iterations, free) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=3000)
    args = parser.parse_args()
    quiet = {free: _best(args.iterations, free, args.repeat) for free in (False, True)}
    stop = multiprocessing.Event()
    busy = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(2)]
    for p in busy:
        p.start()
    time.sleep(0.5)
    try:
        loaded = {free: _best(args.iterations, free, args.repeat) for free in (False, True)}
    finally:
        stop.set()
        for p in busy:
            p.join(5)
    print(f"lesson-overfit, m=320, {args.iterations:,} iterations, {os.cpu_count()} cores; best of {args.repeat}")
    print(f"{'BLAS threads':<28}{'quiet s':>10}{'2 busy s':>10}{'slowdown':>10}{'it/s quiet':>12}{'it/s busy':>11}")
    for free, label in ((False, "1 (tutor default)"), (True, f"{os.cpu_count()} (OPENBLAS_NUM_THREADS)")):
        q, b = quiet[free], loaded[free]
        n = args.iterations
        print(f"{label:<28}{q:>10.2f}{b:>10.2f}{b / q:>9.2f}x{n / q:>12,.0f}{n / b:>11,.0f}")
    print(f"quiet, limited against free: {quiet[False] / quiet[True]:.2f}x the time (below 1 is faster)")


if __name__ == "__main__":
    main()
