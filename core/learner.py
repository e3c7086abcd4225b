"""Check a learner's own backpropagation: their file, run in a child process under a time limit.

The file is written with the course's own signatures, so exercise code can be pasted as it is::

    def forward_propagation(X, Y, parameters):    # -> (cost, cache)   (forward_propagation_n works too)
    def backward_propagation(X, Y, cache):        # -> {"dW1": ..., "db1": ..., ...}

Optional: ``LAYER_DIMS = [4, 5, 3, 1]`` (parameters drawn like the course's case) or ``make_case(rng) ->
(X, Y, parameters)`` (``rng`` a ``np.random.RandomState(seed)``); otherwise the course's case. ``from gc_utils
import sigmoid, relu, ...`` works: a stand-in for the course's helper module is provided.

Their code runs in a separate Python process (``python -m core.learner``) under :mod:`core.sandbox`, with a
time limit and a memory limit across every process it starts, so an endless loop, ``os._exit``, a
segmentation fault, a runaway allocation or a process they start in the background (even in a new session)
cannot take the tutor down or outlive the check. The result comes back on a pipe, not a file. Every failure
becomes a
:class:`LearnerError` whose message points at the learner's own file and line (only frames from their file;
never a traceback of dltutor). The numerical gradient calls their ``forward_propagation`` once per
perturbation in the child; the parent compares and localizes exactly as :mod:`core.gradcheck` does.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
import os
import re
import signal
import sys
import tempfile
import time
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dltutor.core.catalogue import LEARNER_TIMEOUT
from dltutor.core.errors import TutorError

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
#: Bytes per file the child may write (its stderr, their stray output, the result).
FILE_LIMIT = 256 * 2**20
#: Full mode calls their forward_propagation twice per parameter: beyond this many, sampled or fast.
FULL_LIMIT = 20_000
#: The round-off scale of J for code we cannot look inside: a generous multiple of the unit round-off.
_LEARNER_ROUNDOFF = 64 * np.finfo(np.float64).eps / 2
_FORWARD_NAMES = ("forward_propagation", "forward_propagation_n")
#: What the learner's code may raise: anything, their own BaseException subclasses and sys.exit included.
_ANYTHING = (BaseException,)
_BACKWARD_NAMES = ("backward_propagation", "backward_propagation_n")


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


# --- parent side -----------------------------------------------------------------------------------------

def check_file(
    path: str | os.PathLike,
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
):
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


def _run_child(request: dict, timeout: float, display: str, memory: int = MEMORY_LIMIT,
               cancelled: Callable[[], bool] | None = None, more_time: str = "--timeout gives it longer",
               module: str = "dltutor.core.learner") -> dict:
    """Run ``python -m module REQUEST FD`` (default this module's check) in a sandboxed child
    (:mod:`core.sandbox`); the child's result dict, or a failure dict (``ok`` False) for a crash, a timeout is a
    :class:`LearnerError`."""
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


def _crash(code: int, stderr: str, path: str, display: str) -> dict:
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


def _report(check: dict, request: dict, result: dict):
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
    sigma = _LEARNER_ROUNDOFF * (abs(cost) + 1)
    return assemble_report(
        names, shapes, params, grads, numeric, checked, kinks, epsilon=request["epsilon"],
        mode=request["mode"], sigma=sigma, cost=cost, m=int(result["m"]), fast=check.get("fast"),
        fallback=check.get("fallback"),
        method="loop", case=result["case"], warnings=result.get("warnings", []), file=request["display"])


# --- child side: runs the learner's code -----------------------------------------------------------------

class _Failure(Exception):
    def __init__(self, kind: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.line = kind, message, line


class _Learner:
    """The learner's module, its source and how to point at its lines."""

    def __init__(self, path: str, display: str) -> None:
        self.path, self.display = path, display
        self.source = Path(path).read_text(encoding="utf-8", errors="replace")
        self.lines = self.source.splitlines()
        self.tree: ast.Module | None = None
        self.module: types.ModuleType | None = None

    def at(self, line: int | None) -> str:
        return f"{self.display}:{line}" if line else self.display

    def quote(self, line: int | None) -> str:
        if line and 0 < line <= len(self.lines):
            return f"\n    {self.lines[line - 1].strip()}"
        return ""

    def load(self) -> None:
        try:
            code = compile(self.source, self.path, "exec")
            self.tree = ast.parse(self.source)
        except SyntaxError as exc:
            raise _Failure("syntax", f"{self.at(exc.lineno)}: SyntaxError: {exc.msg}{self.quote(exc.lineno)}",
                           exc.lineno) from None
        module = types.ModuleType("learner_backprop")
        module.__file__ = self.path
        try:
            exec(code, module.__dict__)  # running their code is the point, in a child
        except _ANYTHING as exc:  # anything their module does while loading
            raise self.failure(exc, "while loading the file", "import") from None
        self.module = module

    def failure(self, exc: BaseException, during: str, kind: str = "raised") -> _Failure:
        """A failure pointing at the last frame of the learner's own file in the traceback."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == self.path]
        line = frames[-1].lineno if frames else None
        func = f" in {frames[-1].name}" if frames and frames[-1].name != "<module>" else ""
        if isinstance(exc, SystemExit):
            return _Failure("exit", f"{self.at(line)}{func}: your code called sys.exit({exc.code!r}) {during}"
                            f"{self.quote(line)}", line)
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        context = "" if func else f" ({during})"
        return _Failure(kind, f"{self.at(line)}{func}: {text}{context}{self.quote(line)}", line)

    def function(self, names: tuple[str, ...], signature: str):
        for name in names:
            fn = getattr(self.module, name, None)
            if callable(fn):
                return name, fn
        defined = sorted(k for k, v in vars(self.module).items() if isinstance(v, types.FunctionType))
        raise _Failure("missing", f"{self.display} defines no {names[0]}{signature} (nor {names[1]}); it "
                       f"defines {', '.join(defined) or 'no functions'}")

    def global_line(self, name: str) -> int | None:
        """The last top-level line assigning ``name`` (``LAYER_DIMS = [...]``)."""
        found = [node.lineno for node in self.tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                 for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                 if isinstance(target, ast.Name) and target.id == name]
        return found[-1] if found else None

    def _function_node(self, name: str) -> ast.FunctionDef | None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
        return None

    def return_line(self, name: str) -> int | None:
        """The last ``return`` of their function ``name`` (the line that returned something wrong)."""
        node = self._function_node(name)
        if node is None:
            return None
        returns = [n.lineno for n in ast.walk(node) if isinstance(n, ast.Return)]
        return max(returns) if returns else node.lineno

    def assign_line(self, name: str, key: str) -> int | None:
        """The last line of function ``name`` assigning ``key`` (``db1 = ...`` or ``grads["db1"] = ...``)."""
        node = self._function_node(name)
        if node is None:
            return None
        assigned, in_dict = [], []
        for n in ast.walk(node):
            targets = n.targets if isinstance(n, ast.Assign) else \
                [n.target] if isinstance(n, ast.AugAssign) else []
            for t in targets:
                for leaf in ast.walk(t):
                    if isinstance(leaf, ast.Name) and leaf.id == key:
                        assigned.append(n.lineno)
                    if isinstance(leaf, ast.Subscript) and isinstance(leaf.slice, ast.Constant) \
                            and leaf.slice.value == key:
                        assigned.append(n.lineno)
            if isinstance(n, ast.Dict):
                in_dict += [k.lineno for k in n.keys if isinstance(k, ast.Constant) and k.value == key]
        found = assigned or in_dict
        return max(found) if found else self.return_line(name)


def _gc_utils() -> types.ModuleType:
    """A stand-in for the course's ``gc_utils`` so pasted exercise code imports."""
    from dltutor.core.gradcheck import dictionary_to_vector, gradients_to_vector, vector_to_dictionary

    mod = types.ModuleType("gc_utils")
    mod.sigmoid = lambda x: 1 / (1 + np.exp(-x))
    mod.relu = lambda x: np.maximum(0, x)
    mod.dictionary_to_vector = dictionary_to_vector
    mod.vector_to_dictionary = vector_to_dictionary
    mod.gradients_to_vector = gradients_to_vector
    return mod


def _arrays(obj: Any, m: int, out: list[np.ndarray], depth: int = 0) -> list[np.ndarray]:
    """The ``(n, m)`` arrays of a cache (its Z and A), for spotting ReLU kinks."""
    if depth > 4:
        return out
    if isinstance(obj, np.ndarray):
        if obj.ndim == 2 and obj.shape[1] == m and obj.dtype.kind == "f":
            out.append(obj)
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            _arrays(item, m, out, depth + 1)
    elif isinstance(obj, dict):
        for item in obj.values():
            _arrays(item, m, out, depth + 1)
    return out


class _Runner:
    def __init__(self, learner: _Learner, request: dict) -> None:
        self.learner, self.request = learner, request
        self.forward_name, self.forward = learner.function(_FORWARD_NAMES,
                                                           "(X, Y, parameters) -> (cost, cache)")
        self.backward_name, self.backward = learner.function(_BACKWARD_NAMES, "(X, Y, cache) -> gradients")
        self.warnings: list[str] = []

    def case(self) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], str]:
        from dltutor.core.gradcheck import parameter_names
        from dltutor.core.variants import course_case

        module, learner = self.learner.module, self.learner
        seed = self.request["seed"]
        if callable(getattr(module, "make_case", None)):
            try:
                case = module.make_case(np.random.RandomState(seed))
            except _ANYTHING as exc:  # their code may raise anything
                raise learner.failure(exc, "in make_case") from None
            try:
                X, Y, params = case
                X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y)
                params = {k: np.asarray(v, dtype=np.float64) for k, v in dict(params).items()}
                if X.ndim != 2:
                    raise ValueError("X must be (n_x, m)")
                if Y.ndim == 1:
                    Y = Y.reshape(1, -1)
                if Y.shape[-1] != X.shape[1]:
                    raise ValueError(f"Y has {Y.shape[-1]} column{'' if Y.shape[-1] == 1 else 's'}, X has "
                                     f"{X.shape[1]} example{'' if X.shape[1] == 1 else 's'}")
                names = parameter_names({k: v for k, v in params.items() if k[:1] in "Wb"})
            except (TypeError, ValueError, TutorError) as exc:
                line = learner.return_line("make_case")
                raise _Failure("returns", f"{learner.at(line)}: make_case must return (X, Y, parameters) "
                               f"with X (n_x, m), Y (1, m) and parameters W1, b1, ...: {exc}"
                               f"{learner.quote(line)}", line) from None
            params = {k: params[k] for k in names}
            weights = [params[k] for k in names if k.startswith("W")]
            units = [X.shape[0]] + [int(W.shape[0]) if W.ndim else 1 for W in weights]
            self.budget(units, X.shape[1], "your make_case", learner.return_line("make_case"),
                        n_parameters=sum(int(v.size) for v in params.values()))
            return X, Y, params, f"your make_case(RandomState({seed}))"
        dims = getattr(module, "LAYER_DIMS", None)
        if dims is not None:
            line = learner.global_line("LAYER_DIMS")
            try:
                dims = [int(d) for d in dims]
                if len(dims) < 2 or min(dims) < 1:
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                raise _Failure("returns", f"{learner.at(line)}: LAYER_DIMS must be a list of positive sizes "
                               f"such as [4, 5, 3, 1], got {dims!r}{learner.quote(line)}", line) from None
            self.budget(dims, 3, f"LAYER_DIMS {dims}", line)
            rng = np.random.RandomState(seed)
            X = rng.randn(dims[0], 3)
            params = {}
            for l in range(1, len(dims)):  # noqa: E741
                params[f"W{l}"] = rng.randn(dims[l], dims[l - 1])
                params[f"b{l}"] = rng.randn(dims[l], 1)
            case = f"LAYER_DIMS {dims}, drawn from RandomState({seed}), m = 3"
            return X, np.array([[1, 1, 0]]), params, case
        _, params, X, Y = course_case()
        return X, Y, params, "the course's case (X 4x3, layers 4-5-3-1, Y = [1, 1, 0])"

    def budget(self, layers: list[int], m: int, what: str, line: int | None,
               n_parameters: int | None = None) -> None:
        """Refuse a network beyond the parameter and activation budgets, or too large for full mode."""
        from dltutor.core.gradcheck import MAX_ACTIVATION_FLOATS
        from dltutor.core.network import MAX_PARAMETERS, count_parameters

        learner = self.learner
        n = count_parameters(layers) if n_parameters is None else n_parameters
        where = f"{learner.at(line)}: {what}"
        if n > MAX_PARAMETERS:
            raise _Failure("size", f"{where} has {n:,} parameters, beyond the budget of {MAX_PARAMETERS:,}: "
                           "gradient checking is for small networks (the course checks 47 numbers)"
                           f"{learner.quote(line)}", line)
        if sum(layers) * m > MAX_ACTIVATION_FLOATS:
            raise _Failure("size", f"{where} holds {sum(layers) * m:,} activations at once ({m:,} examples "
                           f"through {sum(layers):,} units), beyond the budget of {MAX_ACTIVATION_FLOATS:,}: "
                           f"use fewer examples{learner.quote(line)}", line)
        if self.request["mode"] == "full" and n > FULL_LIMIT:
            raise _Failure("size", f"{where} has {n:,} parameters: full mode would call your "
                           f"{self.forward_name} {2 * n:,} times; use --mode sampled or --mode fast (full mode "
                           f"up to {FULL_LIMIT:,} parameters){learner.quote(line)}", line)

    def cost(self, X: np.ndarray, Y: np.ndarray, params: dict) -> tuple[float, Any]:
        learner = self.learner
        try:
            out = self.forward(X, Y, params)
        except _ANYTHING as exc:  # their code may raise anything
            raise learner.failure(exc, f"in {self.forward_name}") from None
        line = learner.return_line(self.forward_name)
        try:
            cost, cache = out
            cost = float(np.squeeze(np.asarray(cost, dtype=np.float64)))
        except (TypeError, ValueError):
            raise _Failure("returns", f"{learner.at(line)}: {self.forward_name} must return (cost, cache) "
                           f"with a number as cost; it returned {type(out).__name__}{learner.quote(line)}",
                           line) from None
        if not math.isfinite(cost):
            raise _Failure("nan", f"{learner.at(line)}: {self.forward_name} returned a cost of {cost} "
                           f"(check the log of 0 or of a negative number, or an overflow)"
                           f"{learner.quote(line)}", line)
        return cost, cache

    def gradients(self, X: np.ndarray, Y: np.ndarray, cache: Any, params: dict) -> dict[str, np.ndarray]:
        learner, name = self.learner, self.backward_name
        try:
            grads = self.backward(X, Y, cache)
        except _ANYTHING as exc:  # their code may raise anything
            raise learner.failure(exc, f"in {name}") from None
        line = learner.return_line(name)
        if not isinstance(grads, dict):
            raise _Failure("returns", f"{learner.at(line)}: {name} must return a dict of gradients "
                           f"(dW1, db1, ...); it returned {type(grads).__name__}{learner.quote(line)}", line)
        wanted = ["d" + k for k in params]
        missing = [k for k in wanted if k not in grads]
        if missing:
            raise _Failure("keys", f"{learner.at(line)}: {name} returned keys {sorted(map(str, grads))}; "
                           f"missing {', '.join(missing)} (it must return {', '.join(wanted)})"
                           f"{learner.quote(line)}", line)
        out = {}
        for key in wanted:
            try:
                arr = np.asarray(grads[key], dtype=np.float64)
            except (TypeError, ValueError):
                at = learner.assign_line(name, key)
                raise _Failure("shapes", f"{learner.at(at)}: {key} is not an array of numbers"
                               f"{learner.quote(at)}", at) from None
            shape = params[key[1:]].shape
            if arr.shape != shape:
                at = learner.assign_line(name, key)
                hint = ""
                if key.startswith("db") and arr.shape == (1, X.shape[1]):
                    hint = (" (summed over axis=0; the examples are columns: "
                            "np.sum(dZ, axis=1, keepdims=True))")
                elif arr.size == math.prod(shape):
                    hint = " (keepdims=True or a reshape is missing)"
                raise _Failure("shapes", f"{learner.at(at)}: {key} has shape {arr.shape} but {key[1:]} is "
                               f"{shape}{hint}{learner.quote(at)}", at)
            if not np.all(np.isfinite(arr)):
                at = learner.assign_line(name, key)
                raise _Failure("nan", f"{learner.at(at)}: {key} holds nan or inf{learner.quote(at)}", at)
            out[key] = arr
        return out

    def check(self, X: np.ndarray, Y: np.ndarray, params: dict) -> dict:
        from dltutor.core.gradcheck import (
            FULL_FALLBACK_LIMIT,
            dictionary_to_vector,
            fast_verdict,
            sample_index,
            vector_to_dictionary,
        )

        eps, mode = self.request["epsilon"], self.request["mode"]
        rng = np.random.default_rng(self.request["seed"])
        names = list(params)
        shapes = {k: params[k].shape for k in names}
        cost, cache = self.cost(X, Y, params)
        grads = self.gradients(X, Y, cache, params)
        theta, _ = dictionary_to_vector(params, names)
        n, m = theta.shape[0], X.shape[1]

        def J(t: np.ndarray) -> tuple[float, list[np.ndarray]]:
            c, cache_t = self.cost(X, Y, vector_to_dictionary(t, shapes))
            return c, _arrays(cache_t, m, [])

        fast, fallback, index = None, None, None
        if mode == "fast":
            v = rng.standard_normal(n)
            v = (v / np.linalg.norm(v)).reshape(-1, 1)
            g = np.concatenate([grads["d" + k].reshape(-1) for k in names])
            (Jp, Zp), (Jm, Zm) = J(theta + eps * v), J(theta - eps * v)
            sigma = _LEARNER_ROUNDOFF * (abs(cost) + 1)
            fast = fast_verdict(float(g @ v[:, 0]), (Jp - Jm) / (2 * eps), eps, sigma)
            fast["kink"] = any(np.any((a > 0) != (b > 0)) for a, b in zip(Zp, Zm, strict=False))
            if not fast["passed"] or fast["kink"]:
                fallback = "full" if n <= FULL_FALLBACK_LIMIT else "sampled"
            else:
                index = np.array([], dtype=np.intp)
        if index is None:
            sampled = mode == "sampled" or fallback == "sampled"
            index = sample_index([shapes[k] for k in names], self.request["k"], rng) if sampled \
                else np.arange(n)
        numeric: list[float | None] = [None] * n
        kinks = [False] * n
        for i in index:
            theta_plus = np.copy(theta)
            theta_plus[i][0] = theta_plus[i][0] + eps
            J_plus, Zp = J(theta_plus)
            theta_minus = np.copy(theta)
            theta_minus[i][0] = theta_minus[i][0] - eps
            J_minus, Zm = J(theta_minus)
            numeric[int(i)] = (J_plus - J_minus) / (2 * eps)
            kinks[int(i)] = bool(any(np.any((a > 0) != (b > 0)) for a, b in zip(Zp, Zm, strict=False)))
        checked = [False] * n
        for i in index:
            checked[int(i)] = True
        return {"params": {k: params[k].tolist() for k in names},
                "grads": {k: v.tolist() for k, v in grads.items()}, "numeric": numeric, "checked": checked,
                "kinks": kinks, "cost": cost, "fast": fast, "fallback": fallback}

    def train(self, X: np.ndarray, Y: np.ndarray, params: dict, iterations: int, lr: float) -> dict:
        params = {k: v.copy() for k, v in params.items()}
        for it in range(iterations):
            try:
                cost, cache = self.cost(X, Y, params)
                grads = self.gradients(X, Y, cache, params)
            except _Failure as failure:
                failure.message = f"after {it} {'iteration' if it == 1 else 'iterations'} of gradient descent: " \
                                  f"{failure.message}"
                if failure.kind == "nan" and it:
                    failure.message += (f"\n  gradient descent diverged (learning rate {lr:g}): use a smaller "
                                        "--learning-rate or fewer --after-iterations")
                raise
            for k in params:
                params[k] = params[k] - lr * grads["d" + k]
        return params


def _child(request: dict) -> dict:
    learner = _Learner(request["file"], request["display"])
    sys.path.insert(0, str(Path(request["file"]).parent))
    if "gc_utils" not in sys.modules:
        with contextlib.suppress(ImportError):
            __import__("gc_utils")
        sys.modules.setdefault("gc_utils", _gc_utils())
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            learner.load()
            runner = _Runner(learner, request)
            X, Y, params, case = runner.case()
            checks = [runner.check(X, Y, params)]
            if request["after_iterations"]:
                trained = runner.train(X, Y, params, request["after_iterations"], request["learning_rate"])
                checks.append(runner.check(X, Y, trained))
    except _Failure as failure:
        return {"ok": False, "kind": failure.kind, "message": failure.message, "line": failure.line,
                "output": tail(output.getvalue())}
    return {"ok": True, "names": list(params), "shapes": [list(params[k].shape) for k in params],
            "m": X.shape[1], "case": case, "checks": checks, "warnings": runner.warnings,
            "output": tail(output.getvalue()),
            "functions": {"forward": runner.forward_name, "backward": runner.backward_name}}


def _mapped_bytes() -> int:
    """The address space this process already maps (Linux), 0 when unknown."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit_resources(memory: int = MEMORY_LIMIT, files: int = FILE_LIMIT) -> None:
    """Cap this (child) process where the platform allows it: ``memory`` bytes of address space beyond what
    the interpreter and NumPy already map, and ``files`` bytes per file written (their stray output)."""
    try:
        import resource
    except ImportError:
        return
    for which, limit in ((resource.RLIMIT_AS, _mapped_bytes() + memory), (resource.RLIMIT_FSIZE, files)):
        with contextlib.suppress(ValueError, OSError):
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            if soft == resource.RLIM_INFINITY or soft > limit:
                resource.setrlimit(which, (limit, hard))
    with contextlib.suppress(AttributeError, ValueError, OSError):
        # beyond the file limit a write fails (an OSError at their line) instead of killing the process
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _main(argv: list[str]) -> int:
    """The worker: ``argv`` is the request (JSON) and the descriptor to send the result on."""
    from dltutor.core.sandbox import Sender

    request_text, fd = argv
    sender = Sender(int(fd))  # before their code runs: it cannot patch what sends the result
    request = json.loads(request_text)
    _limit_resources()
    try:
        result = _child(request)
    except _ANYTHING as exc:  # never a traceback: the parent reports it
        display = request.get("display")
        result = {"ok": False, "kind": "internal",
                  "message": f"{display}: the check could not run ({type(exc).__name__}: {exc})"}
    sender.send(result)  # exits at once: a thread their code left running cannot keep the check open
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
