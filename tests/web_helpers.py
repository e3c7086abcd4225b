"""Drive the served tutor in headless Chromium and read what its terminal shows.

The page draws the terminal on a canvas, so its text is not in the DOM. :class:`TerminalTab` reads it the
way the page does: every byte the page receives over its websocket is fed to a VT100 screen (pyte) of the
page's own size, and every resize the page sends resizes that screen. A screenshot of the page shows the
same thing (``tab.page.screenshot``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    """Debian's Chromium (``apt-get install chromium``), or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> object:
    """Poll ``condition`` until it returns something truthy; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def wait_for_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 30) -> None:
    def up() -> bool:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}: {proc.stdout and proc.stdout.read()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        return False

    wait_until(up, timeout, f"a server on port {port}", every=0.1)


def children_of(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc), zombies excluded."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z":
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def app_processes(server_pid: int) -> list[int]:
    """The tab apps (``python -m dltutor.tutor`` without ``serve``) under a server process."""
    found = []
    for pid in children_of(server_pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"dltutor.tutor" in argv and b"serve" not in argv:
                found.append(pid)
    return found


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def served(home: Path, extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """``dltutor serve`` on a free localhost port, with its own data folder; stopped (and checked) after."""
    port = free_port()
    env = dict(os.environ, DLTUTOR_HOME=str(home), PYTHONPATH=str(REPO), TEXTUAL_ANIMATIONS="none",
               **(extra_env or {}))
    proc = subprocess.Popen([sys.executable, "-m", "dltutor.tutor", "serve", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class TerminalTab:
    """One browser tab showing the tutor, with the terminal's text readable as :meth:`text`."""

    def __init__(self, context, url: str) -> None:  # context: a Playwright BrowserContext
        import pyte

        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.frames = 0
        self.first_frame_at: float | None = None
        self.outside_requests: list[str] = []
        self.page = context.new_page()
        self.page.route("**/*", self._only_local)
        self.page.on("websocket", self._on_websocket)
        self.opened_at = time.monotonic()
        self.page.goto(url)

    def _only_local(self, route) -> None:
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:  # the tutor is offline: nothing may leave the machine
            self.outside_requests.append(route.request.url)
            route.abort()

    def _on_websocket(self, ws) -> None:
        query = parse_qs(urlparse(ws.url).query)
        self.screen.resize(int(query.get("height", ["24"])[0]), int(query.get("width", ["80"])[0]))
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()
            self.frames += 1
            self.stream.feed(bytes(payload))

    def _sent(self, payload) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(int(size["height"]), int(size["width"]))

    def size(self) -> tuple[int, int]:
        """(columns, rows) of the page's terminal, after the frames that have arrived."""
        self.page.wait_for_timeout(30)
        return self.screen.columns, self.screen.lines

    def text(self) -> str:
        self.page.wait_for_timeout(30)  # let Playwright deliver the frames that have arrived
        return "\n".join(self.screen.display)

    def wait_for_text(self, needle: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.text()
            if needle in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never showed {needle!r}; it shows:\n{shown}")

    def click_text(self, needle: str) -> None:
        """Click the middle of the first place the terminal shows ``needle`` (a real mouse click)."""
        lines = self.text().splitlines()
        row = next((i for i, line in enumerate(lines) if needle in line), None)
        if row is None:
            raise AssertionError(f"the page does not show {needle!r} to click on")
        col = lines[row].index(needle) + len(needle) // 2
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None, "the terminal is not on the page"
        cols, rows = self.size()
        self.page.mouse.click(box["x"] + (col + 0.5) * box["width"] / cols,
                              box["y"] + (row + 0.5) * box["height"] / rows)

    def focus(self) -> None:
        """Give the keyboard to the terminal (xterm's input box), without a click the app would see."""
        self.page.focus("textarea.xterm-helper-textarea")

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(60)
