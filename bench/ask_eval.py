"""How often ``dltutor ask`` answers the development set right, per question type, and how well its
confidence is calibrated.

The development set (``tests/fixtures/ask_dev.toml``) holds learner questions with where a right answer comes
from (lesson and section), phrases it must contain, the engine answer kind for numeric questions, or
``decline`` for questions outside the unit. Questions at even positions are the development half (used while
tuning), odd positions the held-out half (checked at the end): ``--half dev|held-out|all``.

Prints the share right per question type, the out-of-unit declines, and a reliability table (confidence
bucket vs share right among in-unit questions). ``--failures`` lists the questions answered wrong.

Usage: python bench/ask_eval.py [--half dev|held-out|all] [--failures]
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV_SET = ROOT / "tests" / "fixtures" / "ask_dev.toml"
#: The second development set: fresh learner questions, each with the bank entries that answer it fully.
DEV_SET_2 = ROOT / "tests" / "fixtures" / "ask_dev2.toml"
BUCKETS = (0.0, 0.4, 0.55, 0.7, 0.85, 1.01)


def load(half: str = "all", path: Path = DEV_SET) -> list[dict]:
    """The questions of one half of the development set (``dev``, ``held-out`` or ``all``)."""
    items = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    if half == "dev":
        return items[0::2]
    if half == "held-out":
        return items[1::2]
    return items


def grade(item: dict, a: object) -> tuple[bool, str]:
    """Whether an answer is right for a development-set item, and why not."""
    kind = a.kind  # type: ignore[attr-defined]
    if item.get("decline"):
        return kind in ("unknown", "unsure"), f"answered ({kind}) instead of declining"
    text = a.answer.lower()  # type: ignore[attr-defined]
    allowed = {item["kind"]} | ({"course"} if item["kind"] == "split" else set()) if "kind" in item else set()
    if kind in allowed:
        pass
    elif "kind" in item and "accept" not in item and "entries" not in item:
        return False, f"kind {kind}, expected {item['kind']}"
    else:
        if kind not in ("bank", "course"):
            return False, f"kind {kind}"
        src = a.source  # type: ignore[attr-defined]
        here = f"{src['lesson']}#{src['section']}"
        if "entries" in item:
            if a.entry not in item["entries"]:  # type: ignore[attr-defined]
                return False, f"entry {a.entry}, expected {' or '.join(item['entries'])}"  # type: ignore[attr-defined]
        elif not any(acc == src["lesson"] or acc == here for acc in item["accept"]):
            return False, f"source {here} (entry {a.entry})"  # type: ignore[attr-defined]
    for phrase in item.get("must", []):
        if not any(p.lower() in text for p in phrase.split("|")):
            return False, f"missing {phrase!r}"
    return True, ""


def evaluate(items: list[dict]) -> dict:
    """Answer every item; return the per-type counts, declines, calibration rows and failures."""
    from dltutor.tutor.ask import answer, answer_entry

    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    buckets: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for item in items:
        a = answer(item["q"])
        ok, why = grade(item, a)
        counts = by_type[item["type"]]
        counts[0] += ok
        counts[1] += 1
        if not item.get("decline"):
            b = next(i for i in range(len(BUCKETS) - 1) if a.confidence < BUCKETS[i + 1])
            # an "unsure" is wrong in the unit; whether its best guess would have been right tells whether
            # the threshold holds back good answers
            guess_ok = ok
            if a.kind == "unsure" and a.related:
                guess_ok = grade(item, answer_entry(a.related[0]))[0]
            row = buckets[b]
            row[0] += ok
            row[1] += 1
            row.append(guess_ok)
        if not ok:
            failures.append((item["q"], item["type"], why, a.confidence))
    return {"by_type": dict(by_type), "buckets": dict(buckets), "failures": failures}


def report(result: dict, show_failures: bool) -> None:
    by_type = result["by_type"]
    inside = [v for k, v in by_type.items() if k != "outside"]
    right, total = sum(v[0] for v in inside), sum(v[1] for v in inside)
    print(f"{'type':<16}{'right':>8}{'total':>8}{'share':>9}")
    for kind in sorted(by_type):
        r, n = by_type[kind]
        print(f"{kind:<16}{r:>8}{n:>8}{r / n:>9.0%}")
    print(f"{'in-unit':<16}{right:>8}{total:>8}{right / max(total, 1):>9.0%}")
    if "outside" in by_type:
        r, n = by_type["outside"]
        print(f"out-of-unit declined: {r}/{n}")
    print("\nreliability (in-unit questions)")
    print(f"{'confidence':<14}{'answers':>8}{'right':>8}{'share':>9}{'best guess right':>18}")
    for i in range(len(BUCKETS) - 1):
        r, n, *guesses = result["buckets"].get(i, [0, 0])
        label = f"{BUCKETS[i]:.2f}-{min(BUCKETS[i + 1], 1.0):.2f}"
        share = f"{r / n:>9.0%}" if n else f"{'-':>9}"
        guess = f"{sum(guesses) / n:>18.0%}" if n else f"{'-':>18}"
        print(f"{label:<14}{n:>8}{r:>8}{share}{guess}")
    print(f"(answers below {BUCKETS[1]:.2f} are 'not sure' with the closest entries; 'best guess right' is the share"
          " whose first offered entry would have been right)")
    if show_failures:
        print("\nwrong:")
        for q, kind, why, conf in result["failures"]:
            print(f"  [{kind}] {q!r}: {why} (confidence {conf:.2f})")


def main() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("dev", "held-out", "all"), default="dev")
    parser.add_argument("--failures", action="store_true", help="list the questions answered wrong")
    parser.add_argument("--set", type=Path, default=DEV_SET, help="the question file (default ask_dev.toml; "
                        "tests/fixtures/ask_dev2.toml is the second set)")
    args = parser.parse_args()
    items = load(args.half, args.set)
    print(f"{len(items)} questions ({args.half}, {args.set.name})\n")
    report(evaluate(items), args.failures)


if __name__ == "__main__":
    main()
