"""Working on an exercise, UI-free: write the starter file, check and record progress, watch a file.

The ``exercise`` command and the Exercises screen both call these, so the two can never disagree.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from dltutor.core.errors import TutorError


def default_dir(home: str | os.PathLike | None = None) -> Path:
    """Where the app keeps starter files: ``exercises/`` in the tutor's data directory (or in ``home``)."""
    from dltutor.tutor.progress import data_dir

    return Path(home if home is not None else data_dir()) / "exercises"


def starter_path(exercise_id: str, directory: str | os.PathLike | None = None) -> Path:
    """The starter file of an exercise in ``directory`` (default :func:`default_dir`)."""
    from dltutor.core.exercises.catalogue import get_exercise

    exercise = get_exercise(exercise_id)
    return Path(directory if directory is not None else default_dir()).expanduser() / exercise.file_name


def write_starter(exercise_id: str, directory: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Write the starter file unless it exists (the learner's work is never overwritten).

    Returns:
        ``(path, written)``: ``written`` is False when a file was already there and was kept.

    Raises:
        TutorError: an unknown exercise, or a directory that cannot be written.
    """
    from dltutor.core.exercises.catalogue import get_exercise, starter_text

    exercise = get_exercise(exercise_id)
    path = starter_path(exercise.id, directory)
    if path.exists():
        if not path.is_file():
            raise TutorError("--dir", f"{path} exists and is not a file", "a directory without that name in it")
        return path, False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(starter_text(exercise))
        os.replace(tmp, path)  # atomic: a half-written starter never appears
    except OSError as exc:
        raise TutorError("--dir", f"cannot write {path} ({exc.strerror or exc})", "a writable directory") from None
    return path, True


def check_and_record(exercise_id: str, path: str | os.PathLike, store=None, timeout: float | None = None):
    """Check a file and record the outcome in the progress store (``store`` None: the default store).

    Returns:
        ``(result, notice)``: the :class:`core.exercises.runner.ExerciseResult` and a progress notice or None.
    """
    from dltutor.core.exercises.runner import DEFAULT_TIMEOUT, check_exercise

    result = check_exercise(exercise_id, path, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    loaded = None
    if store is None:
        from dltutor.tutor.progress import load

        store, loaded = load()
    notice = store.record_exercise(result.id, result.passed, str(Path(path).expanduser().resolve()))
    return result, " ".join(n for n in (loaded, notice) if n) or None


def changes(path: str | os.PathLike, stop: threading.Event | None = None) -> Iterator[None]:
    """Yield once every time ``path`` is saved (watchfiles; editors that replace the file are followed too)."""
    from watchfiles import watch

    target = Path(path).resolve()

    def same_file(_change, changed: str) -> bool:
        return Path(changed).resolve() == target

    for _ in watch(target.parent, watch_filter=same_file, stop_event=stop, debounce=200, step=50,
                   raise_interrupt=False):
        if target.is_file():
            yield None


def watch_until_passed(exercise_id: str, path: str | os.PathLike, on_result: Callable, store=None,
                       stop: threading.Event | None = None, timeout: float | None = None):
    """Check now and after every save until the checks pass (or ``stop`` is set); ``on_result(result,
    notice)`` after each check. Returns the last result."""
    result, notice = check_and_record(exercise_id, path, store, timeout)
    on_result(result, notice)
    if result.passed:
        return result
    for _ in changes(path, stop):
        result, notice = check_and_record(exercise_id, path, store, timeout)
        on_result(result, notice)
        if result.passed:
            break
    return result
