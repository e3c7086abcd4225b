"""How fast ``dltutor ask`` answers: warm answer time, index build time, and the first answer in the app.

* **warm**: every development-set question (``tests/fixtures/ask_dev.toml``) answered in one process once
  the index is built; median and 90th percentile per answer. Goal: median below 50 ms.
* **build**: in a fresh process, importing ``tutor.ask`` and building the index (bank loading and checks,
  tokenizing, BM25), what the Ask screen's worker does when the screen opens.
* **first answer in the app**: in a fresh process, the app (headless, 100x30) opens on the Ask screen and a
  question is submitted the moment the screen is mounted (the worst case: the index is still being built);
  time from the screen's mount to the answer on show. Goal: below 0.5 s.

This prints figures; it is not a test and asserts nothing. Usage: python bench/ask_speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_BUILD = """
import time, json
t0 = time.perf_counter()
from dltutor.tutor import ask as tutor_ask
t1 = time.perf_counter()
tutor_ask.get_engine()
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "build": t2 - t1}))
"""

_APP = """
import asyncio, json, tempfile, time
from pathlib import Path
from dltutor.tutor.app import make_app

async def main():
    app = make_app(home=Path(tempfile.mkdtemp()), screen="ask")
    async with app.run_test(size=(100, 30)) as pilot:
        while type(app.screen).__name__ != "AskScreen":
            await asyncio.sleep(0.005)
        t0 = time.perf_counter()
        app.screen.ask("why do we divide by keep_prob in inverted dropout")
        while app.screen.current is None:
            await asyncio.sleep(0.005)
        t1 = time.perf_counter()
        await pilot.pause()
        t2 = time.perf_counter()
    print(json.dumps({"answer": t1 - t0, "painted": t2 - t0}))

asyncio.run(main())
"""


def _fresh(code: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TEXTUAL_ANIMATIONS="none", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def warm(repeats: int = 3) -> list[float]:
    """Seconds per answer over the development set, index already built."""
    sys.path.insert(0, str(ROOT))
    from bench.ask_eval import load
    from dltutor.tutor.ask import answer, get_engine

    get_engine()
    questions = [item["q"] for item in load("all")]
    times = []
    for _ in range(repeats):
        for q in questions:
            t = time.perf_counter()
            answer(q)
            times.append(time.perf_counter() - t)
    return times


def _ms(xs: list[float]) -> str:
    xs = sorted(xs)
    return (f"median {statistics.median(xs) * 1e3:7.1f} ms   p90 {xs[int(0.9 * (len(xs) - 1))] * 1e3:7.1f} ms   "
            f"max {xs[-1] * 1e3:7.1f} ms   (n={len(xs)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes for build and app (default 3)")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}   python: {sys.version.split()[0]}")
    print(f"warm answer                         {_ms(warm())}   goal < 50 ms")
    builds = [_fresh(_BUILD) for _ in range(args.runs)]
    print(f"import tutor.ask (fresh process)    {_ms([b['import'] for b in builds])}")
    print(f"build the index (fresh process)     {_ms([b['build'] for b in builds])}")
    apps = [_fresh(_APP) for _ in range(args.runs)]
    print(f"app: Ask opened -> first answer     {_ms([a['answer'] for a in apps])}   goal < 500 ms")
    print(f"app: Ask opened -> answer painted   {_ms([a['painted'] for a in apps])}")


if __name__ == "__main__":
    main()
