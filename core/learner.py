"""Check a learner's own backpropagation: their file, run in a child process under a time limit.

The file is written with the course's own signatures, so exercise code can be pasted as it is::

    def forward_propagation(X, Y, parameters):    # -> (cost, cache)   (forward_propagation_n works too)
    def backward_propagation(X, Y, cache):        # -> {"dW1": ..., "db1": ..., ...}

Optional: ``LAYER_DIMS = [4, 5, 3, 1]`` (parameters drawn like the course's case) or ``make_case(rng) ->
(X, Y, parameters)`` (``rng`` a ``np.random.RandomState(seed)``); otherwise the course's case. ``from gc_utils
import sigmoid, relu, ...`` works: a stand-in for the course's helper module is provided.

Their code runs in a separate Python process (``python -m dltutor.core.learner_child``, see
:mod:`core.learner_child`) under :mod:`core.sandbox`, with a
time limit and a memory limit across every process it starts, so an endless loop, ``os._exit``, a
segmentation fault, a runaway allocation or a process they start in the background (even in a new session)
cannot take the tutor down or outlive the check. The result comes back on a pipe, not a file. Every failure
becomes a
:class:`LearnerError` whose message points at the learner's own file and line (only frames from their file;
never a traceback of dltutor). The numerical gradient calls their ``forward_propagation`` once per
perturbation in the child; the parent compares and localizes exactly as :mod:`core.gradcheck` does.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from dltutor.core.catalogue import LEARNER_TIMEOUT
from dltutor.core.errors import TutorError

if TYPE_CHECKING:
    from dltutor.core.gradcheck import GradCheckReport

#: Seconds the learner's code may run before it is stopped, by default and at most.
DEFAULT_TIMEOUT = LEARNER_TIMEOUT
MAX_TIMEOUT = 3600.0
#: The variables through which a user chooses the BLAS thread count: a value set is left alone.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                         "VECLIB_MAXIMUM_THREADS", "GOTO_NUM_THREADS")
CANCEL_POLL = 0.1  # seconds between looks at a cancel request while a learner's code runs
#: Characters of the learner's printed output kept in the report (its last lines).
OUTPUT_LIMIT = 4000
OUTPUT_CUT = "(earlier output cut)"
#: The child's address space beyond what Python and NumPy map: a runaway learner (a huge array, a leak in
#: a loop) fails with a MemoryError at their line instead of eating the machine.
MEMORY_LIMIT = 4 * 2**30
#: The round-off scale of J for code we cannot look inside: a generous multiple of the unit round-off.
LEARNER_ROUNDOFF = 64 * np.finfo(np.float64).eps / 2


class LearnerError(Exception):
    """The learner's file could not be checked: it does not load, lacks a function, raised, returned
    something unusable, timed out or crashed.

    Args:
        message: what happened, naming their file and line.
        kind: ``syntax``, ``import``, ``missing``, ``raised``, ``returns``, ``keys``, ``shapes``, ``nan``,
            ``size`` (a network too large to check), ``exit``, ``timeout``, ``cancelled``, ``crash`` or
            ``internal``.
        file: the file as the learner named it.
        line: the line of their file it points at, when known.
    """

    def __init__(self, message: str, kind: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.kind, self.file, self.line = message, kind, file, line

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "file": self.file, "line": self.line}


def check_file(
    path: str | os.PathLike[str],
    *,
    epsilon: float = 1e-7,
    mode: str = "full",
    k: int = 10,
    seed: int = 1,
    after_iterations: int = 0,
    learning_rate: float = 0.3,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = MEMORY_LIMIT,
    cancelled: Callable[[], bool] | None = None,
    more_time: str = "--timeout gives it longer",
) -> GradCheckReport:
    """Gradient-check the backward pass in a learner's file.

    Args:
        path: their ``.py`` file.
        epsilon: the step, ``0 < epsilon <= 1``.
        mode: ``full``, ``sampled`` or ``fast``.
        k: elements per block in sampled mode.
        seed: seeds the case drawn by ``make_case``/``LAYER_DIMS``, the samples and the fast direction.
        after_iterations: train this many gradient-descent steps with their own gradients and check again.
        learning_rate: for those steps.
        timeout: seconds their code may take in all.
        memory: bytes their code and every process it starts may use together (see :mod:`core.sandbox`).
        cancelled: polled about ten times a second while their code runs; when it returns True the child is
            stopped and a ``cancelled`` LearnerError raised (a screen's cancel key).
        more_time: how the caller gives their code longer, quoted when it times out (the CLI's option, a
            screen's field).

    Returns:
        A :class:`core.gradcheck.GradCheckReport` (``.file`` set; ``.initial`` when trained).

    Raises:
        TutorError: a bad option or a path that is not a file.
        LearnerError: their code failed (message names their file and line).
    """
    from dltutor.core.files import regular_file
    from dltutor.core.gradcheck import MAX_ITERATIONS, MODES, check_epsilon

    display = str(path)
    file = regular_file(path, "--file", "the path of a .py file")
    epsilon = check_epsilon(epsilon)
    if mode not in MODES:
        raise TutorError("mode", f"unknown mode {mode!r}", ", ".join(MODES))
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise TutorError("samples", f"{k!r} samples per block", "an integer >= 1")
    if not isinstance(after_iterations, int) or not 0 <= after_iterations <= MAX_ITERATIONS:
        raise TutorError("after-iterations", f"{after_iterations!r} is not a usable number of iterations",
                         f"a whole number from 0 to {MAX_ITERATIONS:,}")
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate) and learning_rate > 0):
        raise TutorError("learning-rate", f"{learning_rate!r} is not a usable step", "a finite number > 0")
    if not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise TutorError("seed", f"{seed!r} is out of range", "a whole number from 0 to 2**32 - 1")
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise TutorError("timeout", f"{timeout!r} seconds is out of range",
                         f"seconds, 0 < timeout <= {MAX_TIMEOUT:g}")
    started = time.perf_counter()
    request = {"file": str(file.resolve()), "display": display, "epsilon": float(epsilon), "mode": mode,
               "k": k, "seed": int(seed), "after_iterations": after_iterations,
               "learning_rate": float(learning_rate)}
    result = _run_child(request, timeout, display, memory, cancelled, more_time)
    if not result.get("ok"):
        raise LearnerError(printable(str(result.get("message", "the check failed"))),
                           str(result.get("kind", "internal")), display, result.get("line"))
    report = _report(result["checks"][-1], request, result)
    if len(result["checks"]) > 1:
        report.initial = _report(result["checks"][0], request, result)
        report.iterations = after_iterations
        report.advice.append(f"checked at the start ({report.initial.verdict}) and after {after_iterations:,} "
                             f"iteration{'' if after_iterations == 1 else 's'} of gradient descent with your "
                             f"gradients ({report.verdict})")
    report.learner_output = printable(tail(result.get("output", "")))
    from dltutor.core.sandbox import containment, total_memory_capped

    if not total_memory_capped():
        report.warnings.append(f"on this platform {containment(memory)}")
    report.seconds = time.perf_counter() - started
    return report


def tail(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """The last ``limit`` characters of ``text``, cut at a line boundary and marked when anything was cut."""
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    newline = cut.find("\n")
    if 0 <= newline < len(cut) - 1:
        cut = cut[newline + 1:]
    return f"{OUTPUT_CUT}\n{cut}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with terminal control codes shown escaped (``\\x1b[2J``), so what the learner's code prints
    cannot clear, recolour or retitle the terminal; newlines and tabs stay."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _run_child(request: dict[str, Any], timeout: float, display: str, memory: int = MEMORY_LIMIT,
               cancelled: Callable[[], bool] | None = None, more_time: str = "--timeout gives it longer",
               module: str = "dltutor.core.learner_child") -> dict[str, Any]:
    """Run ``python -m module REQUEST FD`` (default the gradient check of :mod:`core.learner_child`) in a
    sandboxed child (:mod:`core.sandbox`); the child's result dict, or a failure dict (``ok`` False) for a crash,
    a timeout is a :class:`LearnerError`."""
    from dltutor.core.sandbox import run

    env = dict(os.environ)
    if not any(env.get(name, "").strip() for name in BLAS_THREAD_VARIABLES):
        env["OPENBLAS_NUM_THREADS"] = "1"  # their course-sized network gains nothing from BLAS threads
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-X", "faulthandler", "-m", module, json.dumps(request), "{fd}"]
    # The learner's working folder holds nothing of ours: they may write in it, or even delete it.
    with tempfile.TemporaryDirectory(prefix="dltutor-learner-", ignore_cleanup_errors=True) as tmp:
        finished = run(command, timeout=timeout, memory=memory, cwd=tmp, env=env, cancelled=cancelled)
    if finished.cancelled:
        raise LearnerError(f"{display}: the check was cancelled and your code stopped", "cancelled", display)
    if finished.memory_exceeded:
        raise LearnerError(
            f"{display}: your code and the processes it started used more than {memory / 2**30:g} GiB of memory "
            "together and were stopped (a huge array, or memory kept growing in a loop)", "memory", display)
    if finished.timed_out:
        raise LearnerError(
            f"{display}: your code did not finish within {timeout:g} s and was stopped (an endless "
            f"loop, or a network too large for a per-element check; {more_time})",
            "timeout", display)
    if finished.result is not None:
        with contextlib.suppress(ValueError):
            result = json.loads(finished.result.decode("utf-8", "replace"))
            if isinstance(result, dict) and "ok" in result:
                return result
    stderr = finished.stderr.decode("utf-8", errors="replace")
    code = finished.returncode if finished.returncode is not None else -signal.SIGKILL
    return _crash(code, stderr, request["file"], display)


def _crash(code: int, stderr: str, path: str, display: str) -> dict[str, Any]:
    """The child ended without a result: os._exit, a signal, a crash in a C extension."""
    line = None
    for text in stderr.splitlines():  # faulthandler names the Python frames: File "...", line N in f
        text = text.strip()
        if text.startswith(f'File "{path}", line '):
            with contextlib.suppress(ValueError, IndexError):
                line = int(text.split(", line ")[1].split()[0])
                break
    where = f"{display}:{line}" if line else display
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        code_text = f"was killed by {name}" + (" (a segmentation fault)" if name == "SIGSEGV" else "")
    else:
        code_text = f"ended the process with exit code {code} (os._exit or a crash in a C extension)"
    return {"ok": False, "kind": "crash", "line": line,
            "message": f"{where}: your code {code_text} before the check could finish; the tutor is fine"}


def _report(check: dict[str, Any], request: dict[str, Any], result: dict[str, Any]) -> GradCheckReport:
    from dltutor.core.gradcheck import assemble_report

    names = result["names"]
    shapes = [tuple(s) for s in result["shapes"]]
    params = {k: np.asarray(v, dtype=np.float64).reshape(s)
              for (k, v), s in zip(check["params"].items(), shapes, strict=True)}
    grads = {k: np.asarray(v, dtype=np.float64) for k, v in check["grads"].items()}
    numeric = np.array([np.nan if v is None else v for v in check["numeric"]], dtype=np.float64)
    checked = np.asarray(check["checked"], dtype=bool)
    kinks = np.asarray(check["kinks"], dtype=bool)
    cost = float(check["cost"])
    sigma = LEARNER_ROUNDOFF * (abs(cost) + 1)
    return assemble_report(
        names, shapes, params, grads, numeric, checked, kinks, epsilon=request["epsilon"],
        mode=request["mode"], sigma=sigma, cost=cost, m=int(result["m"]), fast=check.get("fast"),
        fallback=check.get("fallback"),
        method="loop", case=result["case"], warnings=result.get("warnings", []), file=request["display"])
