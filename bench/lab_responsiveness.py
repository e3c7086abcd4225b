"""Responsiveness of the live training lab, measured by driving the real app headless (``App.run_test``).

    python bench/lab_responsiveness.py [--preset course-reg-none] [--repeat 3] [--json]

Prints three figures (one JSON line with ``--json``):

* ``throughput_ratio``: iterations per second of the preset trained in the lab (space pressed, until the
  run has finished: data, training and every UI update included) over iterations per second of the same
  preset trained headless as ``dltutor train`` does (data, ``Training``, ``run()``). Goal: at least 0.7.
* ``refresh_hz``: renders of the cost plot per second while training. Goal: at least 10.
* ``cancel_ms``: from escape pressed during a long run until the run has stopped and the lab shows it.
  Goal: at most 200.

A benchmark, not a test: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dltutor.tutor.cli  # noqa: E402,F401  (pins the BLAS kernels as the dltutor command does, before NumPy loads)

SIZE = (120, 40)


def headless_rate(preset_name: str) -> float:
    """Iterations per second of ``dltutor train --preset`` (data, training, no printing)."""
    from dltutor.core.presets import get_preset
    from dltutor.core.train import Training

    preset = get_preset(preset_name)
    start = time.perf_counter()
    training = Training(preset.config, preset.data.load())
    training.run()
    return training.iteration / (time.perf_counter() - start)


def _key(app, key: str) -> None:
    """Send a key press the way the terminal driver does (pilot.press would wait for an idle process)."""
    from textual import events

    app._driver.send_message(events.Key(key, " " if key == "space" else None))


async def _wait(pilot, condition, timeout: float, step: float = 0.1) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the lab did not get there in time")
        await asyncio.sleep(step)
    return time.perf_counter()


async def _open_lab(app, pilot):
    from dltutor.tutor.screens.lab import LabScreen

    await _wait(pilot, lambda: isinstance(app.screen, LabScreen), 30, 0.01)
    # The home screen beneath loads the lessons in a worker at start; measure once the app is at rest.
    await _wait(pilot, lambda: app.course.loaded, 60)
    await pilot.pause(0.2)
    return app.screen


async def app_figures(preset_name: str, home: str) -> dict:
    """Throughput and refresh rate of one run in the lab, and the latency of a cancel."""
    from dltutor.tutor.app import make_app

    app = make_app(home=home, screen="lab", preset=preset_name)
    async with app.run_test(size=SIZE) as pilot:
        lab = await _open_lab(app, pilot)
        finished: list[float] = []  # when the lab showed a run finished (its reactive state)
        lab.watch(lab, "state", lambda state: state == "finished" and finished.append(time.perf_counter()),
                  init=False)
        renders = lab.cost_plot.renders
        pressed = time.perf_counter()
        _key(app, "space")
        await _wait(pilot, lambda: lab.state == "finished", 120)
        iterations = lab.model.runs[0].training.iteration
        seconds = finished[-1] - pressed
        refresh_hz = (lab.cost_plot.renders - renders) / seconds

        # Cancel: a run that would take minutes, cancelled after half a second.
        lab.controls.set_values({"iterations": "10000000"})
        _key(app, "space")
        await _wait(pilot, lambda: lab.state == "running" and lab.model.runs
                    and lab.model.runs[0].training.iteration > 0, 30)
        await asyncio.sleep(0.5)
        pressed = time.perf_counter()
        _key(app, "escape")
        await _wait(pilot, lambda: lab.state == "finished", 10)
        result = lab.model.runs[0].training.result
        if result is None or result.stopped != "cancelled":
            raise RuntimeError(f"the long run did not end by cancelling: {result}")
        return {"rate": iterations / seconds, "refresh_hz": refresh_hz,
                "cancel_ms": 1000 * (finished[-1] - pressed)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="course-reg-none")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the median is kept)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)

    # Headless and lab runs alternate so that a busy machine slows both alike; medians are kept.
    headless, figures = [], []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(args.repeat):
            headless.append(headless_rate(args.preset))
            figures.append(asyncio.run(app_figures(args.preset, home)))
    ratios = [f["rate"] / h for f, h in zip(figures, headless, strict=True)]
    out = {
        "throughput_ratio": round(statistics.median(ratios), 3),
        "refresh_hz": round(statistics.median(f["refresh_hz"] for f in figures), 1),
        "cancel_ms": round(statistics.median(f["cancel_ms"] for f in figures), 1),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"preset {args.preset}: headless {statistics.median(headless):,.0f} it/s, "
              f"in the lab {statistics.median(f['rate'] for f in figures):,.0f} it/s")
        print(f"throughput ratio {out['throughput_ratio']:.2f} (goal >= 0.7)")
        print(f"cost plot refreshed {out['refresh_hz']:.1f} times a second while training (goal >= 10)")
        print(f"cancel took effect in {out['cancel_ms']:.0f} ms (goal <= 200)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
