"""No orphans: a tab's app that will not quit is ended with everything it started (no browser needed)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.test_web import _alive


async def test_a_tab_app_that_ignores_quit_and_sigterm_is_still_ended_with_what_it_started(tmp_path):
    pytest.importorskip("textual_serve", reason="the web extra is not installed")
    from dltutor.tutor.web import server as web_server

    pids = tmp_path / "pids"
    stubborn = ("import os, signal, subprocess, sys, time\n"
                "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "child = subprocess.Popen(['sleep', '120'])\n"
                f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
                "print('__GANGLION__', flush=True)\n"
                "time.sleep(120)\n")

    async def ignore(*_args) -> None:
        return None

    tab = web_server.TabApp([sys.executable, "-c", stubborn], write_bytes=ignore, write_str=ignore, close=ignore,
                            download_manager=web_server.Server("x").download_manager)
    await tab.start(80, 24)
    for _ in range(200):
        if pids.exists() and pids.read_text():
            break
        await asyncio.sleep(0.05)
    app_pid, child_pid = map(int, pids.read_text().split())
    await asyncio.wait_for(tab.stop(), web_server.QUIT_GRACE + 2 * web_server.TERM_GRACE + 5)
    for pid in (app_pid, child_pid):
        for _ in range(100):
            if not _alive(pid):
                break
            await asyncio.sleep(0.05)
        assert not _alive(pid), f"process {pid} outlived its tab"
    await tab.stop()  # a second stop (the server calls it from two places) does nothing
