"""Startup and key latency of the tutor app, measured from outside as a terminal would see them.

Runs ``python -m tutor`` in a fresh process on a pseudo-terminal (100x30, a temporary DLTUTOR_HOME) and
times:

* cold start to the first painted frame of the home screen (the first output that shows the course map's
  title), and to the lesson list (the first lesson's title);
* a key press to the next frame: ``down`` on the course map (the cursor moves); and a key press to the
  frame that shows the new screen: ``d`` (Diagnose), ``h`` (home), enter (a lesson), escape (home; Textual
  waits a moment after a lone escape byte, which could start an escape sequence). Medians over the runs.

Goals: first frame within 1.0 s on a 2-core machine, key to frame under 50 ms. This prints figures; it is
not a test and asserts nothing.

Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZE = (100, 30)


class Session:
    """The app on a pseudo-terminal."""

    def __init__(self, home: str) -> None:
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.chdir(ROOT)
            env = dict(os.environ, DLTUTOR_HOME=home, TERM="xterm-256color", COLUMNS=str(SIZE[0]),
                       LINES=str(SIZE[1]), TEXTUAL_ANIMATIONS="none")
            os.execvpe(sys.executable, [sys.executable, "-m", "dltutor.tutor"], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.buffer = b""

    def read_until(self, needle: bytes, timeout: float = 20.0) -> float:
        """Seconds from now until ``needle`` appears in the output (the frame that painted it)."""
        start = time.perf_counter()
        while needle not in self.buffer:
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"{needle!r} did not appear in {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.buffer += os.read(self.fd, 65536)
                except OSError:
                    raise TimeoutError("the app exited") from None
        return time.perf_counter() - start

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the app has been quiet for ``quiet`` seconds."""
        while True:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                return
            try:
                os.read(self.fd, 65536)
            except OSError:
                return

    def key_to_frame(self, key: bytes, quiet: float = 0.3) -> float:
        """Seconds from writing ``key`` to the first output after it."""
        self.drain(quiet)
        start = time.perf_counter()
        os.write(self.fd, key)
        ready, _, _ = select.select([self.fd], [], [], 5.0)
        elapsed = time.perf_counter() - start
        if ready:
            os.read(self.fd, 65536)
        return elapsed

    def key_to_text(self, key: bytes, needle: bytes, quiet: float = 0.3) -> float:
        """Seconds from writing ``key`` until the output shows ``needle`` (the new screen is painted)."""
        self.drain(quiet)
        self.buffer = b""
        start = time.perf_counter()
        os.write(self.fd, key)
        self.read_until(needle, timeout=10.0)
        return time.perf_counter() - start

    def close(self) -> None:
        try:
            os.write(self.fd, b"\x11")  # ctrl+q
            deadline = time.time() + 3
            while time.time() < deadline:
                if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                    return
                self.drain(0.05)
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass
        finally:
            os.close(self.fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts to time (default 5)")
    args = parser.parse_args()
    first, lessons, down, open_screen, open_lesson, back, escape = [], [], [], [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            s = Session(home)
            try:
                s.read_until(b"Course map")
                first.append(time.perf_counter() - s.t0)
                s.read_until(b"Train, dev and test sets")
                lessons.append(time.perf_counter() - s.t0)
                for _ in range(5):
                    down.append(s.key_to_frame(b"\x1b[B"))
                open_screen.append(s.key_to_text(b"d", b"Your numbers"))
                s.key_to_frame(b"\x1b")  # the first escape leaves the text field Diagnose focuses
                escape.append(s.key_to_text(b"\x1b", b"Course map"))
                open_lesson.append(s.key_to_text(b"\r", b"of 13"))
                back.append(s.key_to_text(b"h", b"Course map"))
            finally:
                s.close()

    def fmt(values: list[float]) -> str:
        ms = sorted(v * 1000 for v in values)
        median = statistics.median(ms)
        return f"median {median:7.1f} ms   min {ms[0]:7.1f}   max {ms[-1]:7.1f}   (n={len(ms)})"

    print(f"cpus: {os.cpu_count()}   terminal: {SIZE[0]}x{SIZE[1]}   python: {sys.version.split()[0]}")
    print(f"cold start -> first frame of home    {fmt(first)}   goal < 1000 ms")
    print(f"cold start -> course map with titles {fmt(lessons)}")
    print(f"key 'down' -> next frame             {fmt(down)}   goal < 50 ms")
    print(f"key 'd' -> Diagnose painted          {fmt(open_screen)}   goal < 50 ms")
    print(f"key 'h' -> home painted              {fmt(back)}   goal < 50 ms")
    print(f"key enter -> lesson painted          {fmt(open_lesson)}   goal < 50 ms")
    print(f"key escape -> home painted           {fmt(escape)}   (includes the terminal's escape-key delay)")


if __name__ == "__main__":
    main()
