"""Run a learner's code in a child process that leaves nothing behind (UI-free, NumPy-free).

The learner's file runs with the user's own rights: it is their code on their machine, and this is not a
security boundary. What it contains is what a mistake can do: an endless loop, a runaway allocation, a flood
of output, processes started in the background and never stopped. Three processes take part:

* the **parent** (the tutor) starts a supervisor, waits with a time limit, watches the memory of the whole
  tree, and reads the result from a pipe whose descriptor only the worker is told about (no file in the
  working folder, nothing the learner's code can overwrite by accident);
* the **supervisor** (``python -m core.sandbox``) becomes a *child subreaper* (Linux), so every process the
  learner starts, even in a new session or by a double fork, stays its descendant; it joins a cgroup v2 of
  its own when the parent could create one, runs the worker, and when the worker ends it stops every
  descendant before it exits itself;
* the **worker** (a module such as :mod:`core.learner_child`) runs the learner's code under per-process limits
  and writes its result with a length prefix, then exits at once (``os._exit``), so a thread the learner left
  running cannot hold the check open.

Containment, by platform: on Linux every descendant is stopped (through ``cgroup.kill`` when a cgroup v2 is
writable, else by walking ``/proc`` from the supervisor), and memory is capped **in total** across all the
processes (``memory.max`` when the cgroup has the memory controller, else measured every
:data:`POLL` seconds and the tree stopped beyond the cap). Elsewhere only the process group is stopped and
memory is capped per process (``RLIMIT_AS``); :func:`containment` says which applies.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Seconds between two looks at whether the run has finished, and between two measures of its memory.
POLL = 0.05
MEMORY_POLL = 0.1
#: Largest result a worker may send (bytes); more is a broken worker.
RESULT_LIMIT = 256 * 2**20
#: Environment variable carrying the run's token: a last sweep finds processes that escaped by it.
MARKER = "DLTUTOR_SANDBOX_RUN"
_HEADER = 8  # the result's length, big-endian, before the result
_PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Finished:
    """How a sandboxed run ended.

    Attributes:
        returncode: the worker's exit code, negative for a signal (as :mod:`subprocess`), None when unknown.
        result: the bytes the worker sent (None when it sent nothing complete).
        stderr: the last bytes the worker and its processes wrote to standard error.
        timed_out: stopped at the time limit.
        memory_exceeded: stopped because the tree used more than the memory cap in total.
        memory: the cap in bytes.
        leftovers: processes still running when the worker ended (all stopped).
        cancelled: stopped because the caller's ``cancelled`` said so (a screen's cancel key).
    """

    returncode: int | None
    result: bytes | None
    stderr: bytes
    timed_out: bool = False
    memory_exceeded: bool = False
    memory: int = 0
    leftovers: int = 0
    cancelled: bool = False


# --- /proc: the process tree ---------------------------------------------------------------------------

def _proc_available() -> bool:
    return sys.platform.startswith("linux") and os.path.isdir("/proc/self/task")


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (Linux ``/proc``)."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            # the command name may hold spaces and parentheses: the fields start after the last ')'
            out[int(name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
    return out


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (children first, then theirs), read from ``/proc``; [] elsewhere."""
    if not _proc_available():
        return []
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _resident(pids: list[int]) -> int:
    """Resident memory of these processes in bytes (``/proc/PID/statm``)."""
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * page
    return total


def _signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.kill(pid, sig)


def stop_tree(root: int, include_root: bool = False) -> int:
    """Stop every descendant of ``root`` (and ``root`` itself when asked): SIGSTOP until no new process
    appears (so none can fork away meanwhile), then SIGKILL. Returns how many were found."""
    seen: set[int] = set()
    for _ in range(20):
        tree = [p for p in descendants(root) if p not in seen]
        if not tree:
            break
        _signal_all(tree, signal.SIGSTOP)
        seen.update(tree)
    _signal_all(sorted(seen), signal.SIGKILL)
    if include_root:
        _signal_all([root], signal.SIGKILL)
    return len(seen)


def _marked(token: str) -> list[int]:
    """Processes whose environment carries this run's token (the last sweep, for escapees)."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            with contextlib.suppress(OSError):
                with open(f"/proc/{name}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        found.append(int(name))
    return found


# --- cgroup v2 -----------------------------------------------------------------------------------------

def _own_cgroup() -> Path | None:
    """This process's cgroup v2 folder, when the unified hierarchy is mounted; else None."""
    try:
        line = next(x for x in Path("/proc/self/cgroup").read_text().splitlines() if x.startswith("0::"))
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    except (OSError, StopIteration):
        return None
    for mount in mounts:
        fields = mount.split(" - ")
        if len(fields) == 2 and fields[1].split()[0] == "cgroup2":
            point = Path(fields[0].split()[4])
            folder = point / line[3:].lstrip("/")
            return folder if folder.is_dir() else None
    return None


class Cgroup:
    """A cgroup v2 of the run's own, when the user may create one below theirs (None fields otherwise)."""

    def __init__(self, memory: int) -> None:
        self.path: Path | None = None
        self.memory_capped = False
        parent = _own_cgroup() if os.environ.get("DLTUTOR_SANDBOX") != "proc" else None
        if parent is None:
            return
        path = parent / f"dltutor-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
        except OSError:
            return
        self.path = path
        with contextlib.suppress(OSError):
            if "memory" in (path / "cgroup.controllers").read_text().split():
                (path / "memory.max").write_text(str(memory))
                with contextlib.suppress(OSError):
                    (path / "memory.swap.max").write_text("0")
                self.memory_capped = True

    def pids(self) -> list[int]:
        if self.path is None:
            return []
        with contextlib.suppress(OSError, ValueError):
            return [int(x) for x in (self.path / "cgroup.procs").read_text().split()]
        return []

    def oom_killed(self) -> bool:
        """Whether the kernel stopped a process of the group for going past ``memory.max``."""
        if self.path is None or not self.memory_capped:
            return False
        with contextlib.suppress(OSError, ValueError):
            for line in (self.path / "memory.events").read_text().splitlines():
                if line.startswith("oom_kill "):
                    return int(line.split()[1]) > 0
        return False

    def kill_and_remove(self) -> None:
        """Kill every process in the group (``cgroup.kill``, or one by one), then remove the group."""
        if self.path is None:
            return
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                break
            try:
                (self.path / "cgroup.kill").write_text("1")
            except OSError:
                _signal_all(pids, signal.SIGKILL)
            time.sleep(0.01)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def total_memory_capped() -> bool:
    """Whether this platform caps the memory of all the run's processes together (else each one alone)."""
    return _proc_available()


def containment(memory: int) -> str:
    """What this platform contains for a learner's run, in words (the README and the reports use it)."""
    gib = f"{memory / 2**30:g} GiB"
    if not _proc_available():
        return (f"memory is capped per process ({gib} each; this platform cannot cap the total), and the "
                "processes of the run's process group are stopped at the end")
    own = _own_cgroup() if os.environ.get("DLTUTOR_SANDBOX") != "proc" else None
    if own is not None and os.access(own, os.W_OK):
        return (f"memory is capped at {gib} across all its processes, and every process it starts is stopped "
                "at the end (a cgroup v2 of its own)")
    return (f"memory is capped at {gib} across all its processes (measured every {POLL:g} s), and every "
            "process it starts is stopped at the end (tracked through /proc)")


# --- the parent ----------------------------------------------------------------------------------------

def run(command: list[str], *, timeout: float, memory: int, cwd: str | os.PathLike[str],
        env: dict[str, str] | None = None, stderr_limit: int = 200_000,
        cancelled: Callable[[], bool] | None = None) -> Finished:
    """Run ``command`` (a worker that writes its result with :func:`send`) under the sandbox.

    Args:
        command: the worker's command line; ``{fd}`` in an argument becomes the result descriptor.
        timeout: seconds before the whole tree is stopped.
        memory: bytes the tree may use in total.
        cwd: the working folder of the learner's code.
        env: the environment (default: this process's); the run's token is added.
        stderr_limit: bytes of standard error kept (the last ones).
        cancelled: polled while the code runs; when it returns True the whole tree is stopped.

    Returns:
        A :class:`Finished`.
    """
    token = secrets.token_hex(8)
    env = dict(os.environ if env is None else env)
    env[MARKER] = token
    read_fd, write_fd = os.pipe()
    group = Cgroup(memory)
    spec = {"command": [a.replace("{fd}", str(write_fd)) for a in command], "fd": write_fd,
            "cgroup": str(group.path) if group.path else None}
    # The child imports dltutor as this process did: from an installed (or editable) package, which
    # site-packages already gives it; a plain copy on sys.path is passed on.
    root = Path(__file__).resolve().parents[2]
    if (root / "dltutor" / "core" / "sandbox.py").is_file():
        env["PYTHONPATH"] = str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    data, timed_out, memory_exceeded, status, stopped = b"", False, False, None, False
    with tempfile.TemporaryFile() as err:  # unlinked: the learner's code cannot delete or replace it
        try:
            proc = subprocess.Popen([sys.executable, "-m", "dltutor.core.sandbox", json.dumps(spec)],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env,
                                    cwd=cwd, pass_fds=(write_fd,), start_new_session=True)
        finally:
            os.close(write_fd)
        try:
            deadline = time.monotonic() + timeout
            measured, eof = 0.0, False
            while True:
                if eof:  # the worker closed its end: wait for the supervisor to finish stopping the rest
                    time.sleep(POLL)
                else:
                    ready, _, _ = select.select([read_fd], [], [], POLL)
                    if ready:
                        chunk = os.read(read_fd, 1 << 20)
                        eof = not chunk
                        data += chunk
                        if len(data) > RESULT_LIMIT + _HEADER:
                            break
                if proc.poll() is not None:
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                if cancelled is not None and cancelled():
                    stopped = True
                    break
                if not group.memory_capped and _proc_available() and time.monotonic() - measured > MEMORY_POLL:
                    measured = time.monotonic()
                    if _resident(descendants(proc.pid)) > memory:
                        memory_exceeded = True
                        break
            if proc.poll() is None:
                stop_tree(proc.pid, include_root=True)
            proc.wait()
            status = _status(proc)
            if proc.stdout is not None:  # always a pipe (stdout=PIPE above)
                proc.stdout.close()
            data += _drain(read_fd)
        finally:
            os.close(read_fd)
            memory_exceeded = memory_exceeded or group.oom_killed()
            group.kill_and_remove()
            if _proc_available():
                # the supervisor stopped its tree before exiting (and its pid may be reused by now): only
                # processes that escaped it, carrying this run's token, are left to find
                _signal_all(_marked(token), signal.SIGKILL)
            else:  # no /proc: the run's process group (the supervisor's session) is what can be stopped
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
            if proc.poll() is None:  # pragma: no cover - stop_tree killed it
                proc.kill()
                proc.wait()
        err.seek(0, os.SEEK_END)
        size = err.tell()
        err.seek(max(0, size - stderr_limit))
        stderr = err.read()
    result = None
    if len(data) >= _HEADER:
        length = int.from_bytes(data[:_HEADER], "big")
        if len(data) - _HEADER >= length:
            result = data[_HEADER:_HEADER + length]
    return Finished(returncode=status.get("returncode") if status else None, result=result, stderr=stderr,
                    timed_out=timed_out, memory_exceeded=memory_exceeded, memory=memory,
                    leftovers=status.get("leftovers", 0) if status else 0, cancelled=stopped)


def _drain(fd: int) -> bytes:
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0)
        if not ready:
            return out
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return out
        out += chunk


def _status(proc: subprocess.Popen[bytes]) -> dict[str, Any] | None:
    """The supervisor's report on its stdout: the worker's exit code and the leftovers it stopped."""
    if proc.stdout is None:
        return None
    with contextlib.suppress(OSError, ValueError, AttributeError):
        text = proc.stdout.read(4096).decode("ascii", "replace").strip().splitlines()
        if text:
            report = json.loads(text[-1])
            return report if isinstance(report, dict) else None
    return None


# --- the worker's side ---------------------------------------------------------------------------------

class Sender:
    """Sends one result to the parent and ends the process at once.

    Made **before** the learner's code runs: it keeps its own references to the JSON encoder, ``os.write``
    and ``os._exit``, so code that monkeypatches ``json.dumps`` or ``os`` cannot reach it by accident.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._encode = json.JSONEncoder(allow_nan=True).encode
        self._write = os.write
        self._exit = os._exit
        self._close = os.close

    def send(self, result: dict[str, Any]) -> None:
        """Write ``result`` (plain JSON types) and exit with code 0, without running any exit handlers."""
        try:
            data = self._encode(result).encode("utf-8", "replace")
        except (TypeError, ValueError) as exc:
            data = self._encode({"ok": False, "kind": "internal",
                                 "message": f"the result could not be sent ({type(exc).__name__})"}).encode()
        view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
        with contextlib.suppress(OSError):
            while view:
                view = view[self._write(self.fd, view):]
            self._close(self.fd)
        self._exit(0)


# --- the supervisor --------------------------------------------------------------------------------------

def _become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _supervise(spec: dict[str, Any]) -> int:
    if spec.get("cgroup"):
        with contextlib.suppress(OSError):
            Path(spec["cgroup"], "cgroup.procs").write_text(str(os.getpid()))
    _become_subreaper()
    fd = int(spec["fd"])
    worker = subprocess.Popen(spec["command"], pass_fds=(fd,), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL)
    os.close(fd)
    status = worker.wait()
    # Every process the learner's code left is now our descendant (we are its subreaper): stop them all.
    leftovers = stop_tree(os.getpid()) if _proc_available() else 0
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:  # reap them (they were our children, or became so)
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.005)
    sys.stdout.write(json.dumps({"returncode": status, "leftovers": leftovers}) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_supervise(json.loads(sys.argv[1])))
