"""The progress file on disk: atomic writes, a lock shared by every tutor, damaged files moved aside (UI-free).

The file is ``progress.json`` in the user data directory (``platformdirs.user_data_dir("dltutor")``, or
``$DLTUTOR_HOME`` when set, so tests and scripted runs never touch a real home). Writes are atomic (a
temporary file in the same directory, fsync, ``os.replace``) and merge with what is on disk under a lock,
so two tutors open at once do not erase each other's progress. A corrupted or unreadable file is moved
aside to ``progress.json.bak`` (numbered when that exists) and the learner starts fresh; the store
returns a notice for the caller to show instead of raising.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from dltutor.tutor.progress.model import MAX_ATTEMPTS, ExerciseRecord, Position, Progress, QuizAttempt

FILENAME = "progress.json"
LOCKNAME = "progress.lock"

#: Seconds to wait for another tutor's lock before reading without it (or skipping a save) with a notice.
LOCK_TIMEOUT = 3.0
#: A progress file is a few kB; anything larger than this is not one (and is not read into memory).
MAX_FILE_BYTES = 4 * 2**20


def data_dir() -> Path:
    """The directory that holds dltutor's saved state: ``$DLTUTOR_HOME`` or the user data directory."""
    env = os.environ.get("DLTUTOR_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("dltutor"))


def _move_aside(path: Path) -> Path | None:
    """Rename a bad progress file to ``.bak`` (``.bak.2``, ``.bak.3``... when taken); None if it fails."""
    try:
        target = path.with_name(path.name + ".bak")
        n = 2
        while os.path.lexists(target):
            target = path.with_name(f"{path.name}.bak.{n}")
            n += 1
        os.replace(path, target)
    except OSError:
        return None
    return target


class ProgressStore:
    """The progress file of one data directory, with the state as last read or written.

    Every change (``mark_read``, ``record_quiz``...) is applied in memory, then saved by re-reading the
    file under a lock and merging, so another tutor's changes survive. Changes return a notice string
    when something went wrong (a corrupted file moved aside, a failed write) and None otherwise; they
    never raise for a file problem.

    Args:
        home: the data directory; default :func:`data_dir`.
        clock: a function returning epoch seconds (tests pass a fixed clock).
    """

    def __init__(self, home: str | os.PathLike[str] | None = None, clock: Callable[[], float] = time.time):
        self.dir = Path(home) if home is not None else data_dir()
        self.path = self.dir / FILENAME
        self.clock = clock
        self.progress = Progress()
        self.notices: list[str] = []
        #: Why saving is off for this session (a pipe or device in the file's place, a folder the user cannot
        #: enter), or None.
        self.read_only: str | None = None
        self.lock_timeout = LOCK_TIMEOUT
        self._lock_timed_out = False

    # -- reading ---------------------------------------------------------------------------------

    def _target(self) -> Path:
        """The file read and replaced: ``progress.json`` itself, or the file it links to (the link is kept)."""
        return Path(os.path.realpath(self.path))

    def _read_disk(self) -> tuple[Progress, str | None]:
        target = self._target()
        try:
            # non-blocking, so a FIFO put in the file's place cannot stall the tutor before fstat refuses it
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return Progress(), None
        except NotADirectoryError as exc:  # the data folder itself is a file: not the progress file's fault
            return Progress(), self._unusable_dir(exc)
        except PermissionError as exc:  # a folder the user cannot enter, or a file they cannot read
            self.read_only = (f"Progress cannot be read or saved: {self.path} is not accessible "
                              f"({exc.strerror or 'permission denied'}); progress is kept for this session only.")
            return Progress(), self.read_only
        except OSError as exc:
            return Progress(), self._bad_file(f"could not be read ({exc.__class__.__name__})")
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                self.read_only = (f"Progress is not saved: {self.path} is not a regular file (a pipe or a device); "
                                  "remove it and dltutor starts a fresh progress file.")
                return Progress(), self.read_only
            if info.st_size > MAX_FILE_BYTES:
                return Progress(), self._bad_file(f"is {info.st_size / 2**20:,.0f} MiB, not a progress file")
            raw = b""
            while len(raw) <= MAX_FILE_BYTES:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                raw += chunk
        except OSError as exc:
            return Progress(), self._bad_file(f"could not be read ({exc.__class__.__name__})")
        finally:
            os.close(fd)
        try:
            # a byte-order mark (some editors add one) is not damage
            return Progress.from_dict(json.loads(raw.decode("utf-8-sig"))), None
        except UnicodeDecodeError:
            return Progress(), self._bad_file("is not UTF-8 text")
        except (ValueError, RecursionError) as exc:
            reason = "is not valid JSON" if isinstance(exc, json.JSONDecodeError) else f"is damaged ({exc})"
            return Progress(), self._bad_file(reason)

    def _unusable_dir(self, exc: OSError) -> str:
        source = "DLTUTOR_HOME" if os.environ.get("DLTUTOR_HOME") else "the data folder"
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            return (f"Progress is not saved: {self.dir} ({source}) is not a folder; "
                    "point DLTUTOR_HOME at a folder (it is created if missing).")
        return f"Progress is not saved: {self.dir} ({source}) is not writable ({exc.strerror or exc})."

    def _bad_file(self, reason: str) -> str:
        moved = _move_aside(self._target())
        where = f"moved to {moved.name}" if moved else "left in place (could not move it)"
        return f"Your progress file {reason}; it was {where} and progress starts fresh."

    def load(self) -> str | None:
        """Read the file into :attr:`progress`; returns a notice when the file was bad, else None.

        Under the lock, leftovers of writes that were killed midway (``.progress-*.tmp``) are removed.
        """
        with self._locked() as lock_notice:
            if lock_notice is None:
                self._clean_leftovers()
            progress, notice = self._read_disk()
        self.progress = progress
        return self._note(notice or lock_notice)

    def _clean_leftovers(self) -> None:
        """Remove temporary files of writes that never finished (only called while holding the lock, when no
        other tutor can be writing one)."""
        for folder in {self.dir, self._target().parent}:
            with contextlib.suppress(OSError):
                for leftover in folder.glob(".progress-*.tmp"):
                    with contextlib.suppress(OSError):
                        if leftover.is_file() and not leftover.is_symlink():
                            leftover.unlink()

    def _note(self, notice: str | None, once: bool = False) -> str | None:
        """Keep a notice and return it; with ``once``, a notice already given (a lock held for minutes, a pipe
        in the file's place) is not returned again, so the learner is told once and not at every save."""
        if not notice or (once and notice in self.notices):
            return None
        self.notices.append(notice)
        return notice

    # -- writing ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[str | None]:
        """Hold an exclusive lock on ``progress.lock`` (advisory; skipped where fcntl is missing).

        Waits at most :attr:`lock_timeout` seconds; then yields a notice naming the process that holds the lock
        (its pid is written in the lock file), and the caller reads without the lock or skips the save.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield None
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            handle = open(self.dir / LOCKNAME, "a+")
        except OSError as exc:
            yield self._unusable_dir(exc)
            return
        with handle:
            # once a wait has timed out, later saves only glance at the lock: a queue of saves behind a stopped
            # tutor must not hold the app's exit for seconds each
            wait = min(self.lock_timeout, 0.2) if self._lock_timed_out else self.lock_timeout
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self._lock_timed_out = False
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        self._lock_timed_out = True
                        yield self._lock_busy(handle)
                        return
                    time.sleep(0.05)
                except OSError:  # a file system without locks: carry on unlocked, as on Windows
                    yield None
                    return
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")
                handle.flush()
            try:
                yield None
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _lock_busy(self, handle: Any) -> str:
        holder = ""
        with contextlib.suppress(OSError, ValueError):
            handle.seek(0)
            pid = int(handle.read(32).split()[0])
            holder = f" (process {pid})"
        return (f"Another dltutor{holder} is holding {self.dir / LOCKNAME} (it may be stopped or busy); progress "
                "was read without it, and changes are kept in this session and saved once the lock is free.")

    def _write(self, progress: Progress) -> None:
        target = self._target()  # through a symlink, so the link stays a link
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".progress-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(progress.to_dict(), f, indent=1, sort_keys=True)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _save(self, change: Callable[[Progress], Progress], reset: bool = False) -> str | None:
        self.progress = change(self.progress)
        with self._locked() as lock_notice:
            if lock_notice:
                return self._note(lock_notice, once=lock_notice.startswith("Another dltutor"))
            if reset:
                merged, notice = self.progress, None
            else:
                disk, notice = self._read_disk()
                if disk.reset_at > self.progress.reset_at:
                    # progress was reset elsewhere since we read it: keep only this change
                    merged = change(disk)
                else:
                    merged = disk.merge(self.progress)
            if self.read_only:
                return self._note(self.read_only, once=True)
            try:
                self._write(merged)
            except OSError as exc:
                return self._note(f"Progress could not be saved ({exc.strerror or exc}).")
        self.progress = merged
        return self._note(notice)

    def mark_read(self, lesson_id: str) -> str | None:
        """Record that a lesson was opened and read."""
        return self._save(lambda p: replace(p, read=p.read | {lesson_id}))

    def mark_practised(self, lesson_id: str) -> str | None:
        """Record that the learner ran a lesson's practice (its "Try it")."""
        return self._save(lambda p: replace(p, practised=p.practised | {lesson_id}))

    def record_quiz(self, scope: str, score: int, total: int) -> str | None:
        """Record a finished quiz: ``score`` right out of ``total`` for a lesson id or ``"mixed"``."""
        attempt = QuizAttempt(int(score), int(total), self.clock())

        def change(p: Progress) -> Progress:
            quiz = dict(p.quiz)
            quiz[scope] = (list(quiz.get(scope, [])) + [attempt])[-MAX_ATTEMPTS:]
            return replace(p, quiz=quiz)

        return self._save(change)

    def record_exercise(self, exercise_id: str, passed: bool, file: str | None = None) -> str | None:
        """Record one check of an exercise (a pass stays a pass; ``file`` is kept for the passing check)."""
        stamp = self.clock()

        def change(p: Progress) -> Progress:
            exercises = dict(p.exercises)
            old = exercises.get(exercise_id)
            attempts = (old.attempts if old else 0) + 1
            keep_file = file if passed or old is None or not old.passed else old.file
            exercises[exercise_id] = ExerciseRecord(bool(passed) or bool(old and old.passed), attempts, stamp,
                                                    keep_file)
            return replace(p, exercises=exercises)

        return self._save(change)

    def set_position(self, screen: str, lesson: str | None = None) -> str | None:
        """Remember where the learner is, for "continue where you left off"."""
        position = Position(screen, lesson, self.clock())
        return self._save(lambda p: replace(p, position=position))

    def set_theme(self, theme: str) -> str | None:
        """Remember the learner's colour theme (a Textual theme name) for the next start."""
        stamp = self.clock()
        return self._save(lambda p: replace(p, theme=theme, theme_at=stamp))

    def reset(self) -> str | None:
        """Forget all progress but the theme (other open tutors keep only changes made after the reset)."""
        stamp = self.clock()
        return self._save(lambda p: Progress(reset_at=stamp, theme=p.theme, theme_at=p.theme_at), reset=True)


class Saver:
    """Runs progress changes on one background thread, in order, so a slow disk never blocks the caller.

    Args:
        store: the store the changes apply to.
        done: called on the saving thread after each change with its notice (or None).
    """

    def __init__(self, store: ProgressStore, done: Callable[[str | None], None]) -> None:
        self.store = store
        self.done = done
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dltutor-progress")

    def submit(self, change: Callable[[ProgressStore], str | None]) -> Future:
        """Queue ``change(store)``; the future completes after ``done`` has been called."""

        def job() -> None:
            self.done(change(self.store))

        return self._pool.submit(job)

    def close(self) -> None:
        """Finish the queued changes."""
        self._pool.shutdown(wait=True)


def load(home: str | os.PathLike[str] | None = None) -> tuple[ProgressStore, str | None]:
    """Open the progress store of ``home`` (default :func:`data_dir`) and read it; returns (store, notice)."""
    store = ProgressStore(home)
    return store, store.load()
