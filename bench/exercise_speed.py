"""Time to check one exercise: the learner's file in its child process, all of its checks in that ONE child.

    python bench/exercise_speed.py [--repeat 5] [--exercise ID]

For each exercise, the correct fixture (tests/fixtures/exercises/<id>/correct.py) is checked as
``dltutor exercise check`` does (:func:`core.exercises.runner.check_exercise`: a child process with the
learner-file limits) and, for comparison, in this process (the checks alone, no interpreter start). Goal: under
1 s per exercise on a quiet 2-core machine. Timings are the best of ``--repeat`` runs (the machine may be
busy); speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dltutor.tutor.cli  # noqa: E402,F401  (loads as the dltutor command does)
from dltutor.core.exercises.catalogue import EXERCISES  # noqa: E402
from dltutor.core.exercises.runner import check_exercise, check_in_process  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "exercises"
GOAL = 1.0


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        assert result.passed, result.failing
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--exercise", default=None, help="one exercise id (default: all)")
    args = parser.parse_args(argv)
    ids = [args.exercise] if args.exercise else list(EXERCISES)
    print(f"{'exercise':18s} {'child (s)':>10s} {'in-process (s)':>15s}  goal < {GOAL:g} s")
    worst = 0.0
    for exercise_id in ids:
        path = FIXTURES / exercise_id.replace("-", "_") / "correct.py"
        child = best(lambda p=path, e=exercise_id: check_exercise(e, p), args.repeat)
        inproc = best(lambda p=path, e=exercise_id: check_in_process(e, p), args.repeat)
        worst = max(worst, child)
        print(f"{exercise_id:18s} {child:10.3f} {inproc:15.3f}  {'ok' if child < GOAL else 'SLOW'}")
    print(f"slowest: {worst:.3f} s ({'within' if worst < GOAL else 'above'} the goal on this machine now)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
