"""Parent side of the exercise checks: run one exercise's checks on a learner's file in a child process.

The child (:mod:`core.exercises.child`) is started through :func:`core.learner._run_child`, so it has the
learner-file limits of ``gradcheck --file``: its own session (everything it starts is killed), a time limit,
memory and file-size limits. All the checks of one exercise run in ONE child, so a check costs one
interpreter start plus the checks themselves.
"""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dltutor.core.errors import TutorError
from dltutor.core.exercises.catalogue import Exercise, get_exercise
from dltutor.core.exercises.checking import Check

#: Seconds a check may take in all (their code included), by default and at most.
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 600.0
CHILD_MODULE = "dltutor.core.exercises.child"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class ExerciseResult:
    """The outcome of checking one exercise.

    Args:
        id: the exercise id.
        file: the file as the learner named it.
        passed: every check passed.
        checks: the checks in order (the first failing one says what is wrong).
        hint: the level-1 hint when a check failed, else None.
        output: the last lines the learner's code printed.
        seconds: wall time of the whole check.
    """

    id: str
    file: str
    passed: bool
    checks: list[Check] = field(default_factory=list)
    hint: str | None = None
    output: str = ""
    seconds: float = 0.0

    @property
    def failing(self) -> Check | None:
        """The first failing check, or None."""
        return next((c for c in self.checks if not c.passed), None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "passed": self.passed, "checks": [c.to_dict() for c in self.checks],
                "hint": self.hint, "file": self.file, "output": self.output, "seconds": round(self.seconds, 3)}


def check_timeout(timeout: Any, field_name: str = "--timeout") -> float:
    """``timeout`` as seconds within ``0 < t <= MAX_TIMEOUT``, or a :class:`TutorError`."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) \
            or not 0 < timeout <= MAX_TIMEOUT:
        raise TutorError(field_name, f"{timeout!r} seconds is out of range", f"seconds, 0 < t <= {MAX_TIMEOUT:g}")
    return float(timeout)


def learner_file(path: str | os.PathLike[str], field_name: str = "FILE") -> Path:
    """The learner's file, or a :class:`TutorError` when the path is empty, missing or not a file."""
    display = str(path)
    if not display.strip():
        raise TutorError(field_name, "empty path", "the path of your .py file")
    file = Path(path).expanduser()
    if not file.exists():
        raise TutorError(field_name, f"{display} does not exist", "the path of your .py file (dltutor exercise "
                                                                   "start ID writes one)")
    if not file.is_file():
        raise TutorError(field_name, f"{display} is not a file", "the path of your .py file")
    return file


def alarm_for(timeout: float) -> float:
    """When the child interrupts the learner's code itself (to name their line), before the hard limit."""
    return max(0.2, timeout - min(2.0, timeout / 3))


def check_exercise(exercise_id: str, path: str | os.PathLike[str], *,
                   timeout: float = DEFAULT_TIMEOUT) -> ExerciseResult:
    """Check the learner's file for one exercise.

    Args:
        exercise_id: an id of :data:`core.exercises.catalogue.EXERCISES`.
        path: their ``.py`` file.
        timeout: seconds their code may take in all.

    Returns:
        An :class:`ExerciseResult` (a crash or a timeout is a failed check, not an exception).

    Raises:
        TutorError: an unknown exercise, a path that is not a file, a bad timeout.
    """
    from dltutor.core.learner import LearnerError, _run_child

    exercise = get_exercise(exercise_id)
    file = learner_file(path)
    timeout = check_timeout(timeout)
    display = str(path)
    started = time.perf_counter()
    request = {"exercise": exercise.id, "file": str(file.resolve()), "display": display, "mode": "check",
               "alarm": alarm_for(timeout)}
    try:
        result = _run_child(request, timeout, display, module=CHILD_MODULE)
    except LearnerError as exc:  # the hard limit: their code ignored the interruption
        result = {"ok": False, "kind": exc.kind, "message": exc.message}
    if result.get("ok"):
        checks = [Check(c["name"], bool(c["passed"]), c.get("message", "")) for c in result["checks"]]
    else:
        name = {"timeout": "finishes in time", "crash": "runs without crashing"}.get(str(result.get("kind")), "runs")
        message = result.get("message", "the check failed")
        if result.get("kind") == "timeout":
            message = (f"{display}: your code did not finish within {timeout:g} s and was stopped (an endless loop "
                       f"that also catches the interruption?)")
        checks = [Check(name, False, message)]
    return _result(exercise, display, checks, result.get("output", ""), time.perf_counter() - started)


def _result(exercise: Exercise, display: str, checks: list[Check], output: str, seconds: float) -> ExerciseResult:
    output = _ANSI.sub("", output)  # the notebook's coloured prints, shown as plain text
    passed = bool(checks) and all(c.passed for c in checks)
    return ExerciseResult(exercise.id, display, passed, checks, None if passed else exercise.hint(1), output,
                          seconds)


def check_in_process(exercise_id: str, path: str | os.PathLike[str]) -> ExerciseResult:
    """The same checks in this process, without limits: for tests of trusted fixture files only."""
    from dltutor.core.exercises.child import run_checks

    exercise = get_exercise(exercise_id)
    file = learner_file(path)
    started = time.perf_counter()
    result = run_checks({"exercise": exercise.id, "file": str(file.resolve()), "display": str(path)})
    checks = [Check(c["name"], bool(c["passed"]), c.get("message", "")) for c in result["checks"]]
    return _result(exercise, str(path), checks, result.get("output", ""), time.perf_counter() - started)
