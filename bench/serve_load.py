"""Load on ``dltutor serve``: 20 tabs one after the other, then 5 at once, in headless Chromium.

Prints, side by side for the two patterns: time to the first frame in the browser and to the course map
(median and worst), memory per tab's app process (RSS, median and worst), and how many app processes were
left after every tab closed (must be 0). Needs the test extra and Debian's Chromium.

    python bench/serve_load.py [--sequential 20] [--parallel 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web_helpers import (  # noqa: E402
    CHROMIUM_ARGS,
    TerminalTab,
    app_processes,
    chromium_path,
    rss_mib,
    served,
    wait_until,
)

HOME_TEXT = "Train, dev and test sets"


def _open(context, url: str) -> TerminalTab:
    return TerminalTab(context, url)


def _ready(tab: TerminalTab, timeout: float = 120) -> tuple[float, float]:
    """(seconds to the first frame, seconds to the course map) for a tab that is loading."""
    tab.wait_for_text(HOME_TEXT, timeout=timeout)
    shown = time.monotonic()
    first = (tab.first_frame_at or shown) - tab.opened_at
    return first, shown - tab.opened_at


def run(sequential: int, parallel: int) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with tempfile.TemporaryDirectory() as home, served(Path(home)) as (url, server), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1000, "height": 650})

        firsts, readies, rss = [], [], []
        for _ in range(sequential):
            tab = _open(context, url)
            first, ready = _ready(tab)
            firsts.append(first)
            readies.append(ready)
            rss += [rss_mib(pid) for pid in app_processes(server.pid)]
            tab.page.close()
            wait_until(lambda: not app_processes(server.pid), 30, "the tab's app to end")
        out["sequential"] = _summary(firsts, readies, rss, len(app_processes(server.pid)))

        tabs = [_open(context, url) for _ in range(parallel)]
        times = [_ready(tab) for tab in tabs]
        rss = [rss_mib(pid) for pid in app_processes(server.pid)]
        for tab in tabs:
            tab.page.close()
        left = 0
        try:
            wait_until(lambda: not app_processes(server.pid), 30, "every app to end")
        except AssertionError:
            left = len(app_processes(server.pid))
        out["parallel"] = _summary([t[0] for t in times], [t[1] for t in times], rss, left)
        context.close()
        browser.close()
    return out


def _summary(firsts: list[float], readies: list[float], rss: list[float], left: int) -> dict:
    return {"tabs": len(firsts),
            "first_frame_s": {"median": statistics.median(firsts), "max": max(firsts)},
            "course_map_s": {"median": statistics.median(readies), "max": max(readies)},
            "rss_mib": {"median": statistics.median(rss), "max": max(rss)},
            "processes_left": left}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequential", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if chromium_path() is None:
        print("needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    result = run(args.sequential, args.parallel)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    seq, par = result["sequential"], result["parallel"]
    print(f"{'':28}{'one after another':>20}{'at once':>14}")
    print(f"{'tabs':28}{seq['tabs']:>20}{par['tabs']:>14}")
    for key, label in (("first_frame_s", "first frame, s (med/max)"), ("course_map_s", "course map, s (med/max)"),
                       ("rss_mib", "RSS per app, MiB (med/max)")):
        a, b = seq[key], par[key]
        print(f"{label:28}{a['median']:>12.2f} /{a['max']:>6.2f}{b['median']:>7.2f} /{b['max']:>5.2f}")
    print(f"{'app processes left':28}{seq['processes_left']:>20}{par['processes_left']:>14}")
    return 0 if seq["processes_left"] == par["processes_left"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
