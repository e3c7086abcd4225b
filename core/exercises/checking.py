"""What every exercise check uses: the list of checks, calling the learner's code, and naming a difference.

A check compares what the learner's function returns with the reference on a seeded case and says what is
wrong in the learner's terms: which key, which shape, which factor (2x, 1/2, m, keep_prob), a wrong sign.
"""

from __future__ import annotations

import ast
import math
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

import numpy as np

from dltutor.core.learner_code import _ANYTHING, _Failure
from dltutor.core.types import Array, Params


@dataclass
class Check:
    """One check: its name, whether it passed, and what it found (empty when it passed silently)."""

    name: str
    passed: bool
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message}


class Stop(Exception):
    """Raised by a check that cannot go on (the function is missing, or returned nothing usable)."""


class TimeUp(BaseException):
    """Raised inside the learner's code when the check's time is up (a BaseException, so that ``except
    Exception`` in their loop does not swallow it)."""


class LearnerFile(Protocol):
    """What the checks need of the learner's loaded file (:class:`core.exercises.child.ExerciseLearner`)."""

    tree: ast.Module | None
    lines: list[str]
    module: types.ModuleType | None

    def own_function(self, name: str) -> Callable[..., Any] | None: ...

    def missing_message(self, name: str, signature: str) -> str: ...

    def failure(self, exc: BaseException, during: str, kind: str = "raised") -> _Failure: ...

    def at(self, line: int | None) -> str: ...

    def quote(self, line: int | None) -> str: ...

    def assign_line(self, name: str, key: str) -> int | None: ...

    def return_line(self, name: str) -> int | None: ...

    def _function_node(self, name: str) -> ast.FunctionDef | None: ...


class Tester:
    """Runs the learner's functions for one exercise's checks and collects the results.

    Args:
        learner: the child's loaded learner file (a :class:`core.exercises.child.ExerciseLearner`).
    """

    def __init__(self, learner: LearnerFile) -> None:
        self.learner = learner
        self.checks: list[Check] = []
        self.notes: list[str] = []

    # --- recording -----------------------------------------------------------------------------------------

    def add(self, name: str, passed: bool, message: str = "") -> bool:
        self.checks.append(Check(name, bool(passed), message))
        return bool(passed)

    def fail(self, name: str, message: str) -> NoReturn:
        """Record a failed check and stop this exercise's checks."""
        self.add(name, False, message)
        raise Stop(message)

    # --- the learner's code ----------------------------------------------------------------------------------

    def function(self, name: str, signature: str) -> Callable[..., Any]:
        """The learner's own ``name`` (defined in their file, not a helper of the same name)."""
        fn = self.learner.own_function(name)
        if fn is None:
            self.fail(f"defines {name}", self.learner.missing_message(name, signature))
        self.add(f"defines {name}", True, "")
        return fn

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the learner's function ``name``; an exception they raise becomes a failed check at their line."""
        fn = self.learner.own_function(name)
        if fn is None:
            self.fail(f"defines {name}", self.learner.missing_message(name, ""))
        try:
            with np.errstate(all="ignore"):
                return fn(*args, **kwargs)
        except (Stop, TimeUp):
            raise
        except _ANYTHING as exc:  # their code may raise anything, sys.exit included
            if isinstance(exc, NotImplementedError) and str(exc) == name:
                self.fail(f"{name} is written", f"{name} is not written yet: replace the starter's raise "
                                                 f"NotImplementedError with your code (# YOUR CODE HERE)"
                                                 f"{self.line_of(name)}")
            failure = self.learner.failure(exc, f"in {name}")
            self.fail(f"{name} runs", failure.message)

    def line_of(self, function: str, key: str | None = None) -> str:
        """Where in their file: ``\n  at file:line`` and the line itself, for their assignment of ``key``
        (``dW1 = ...``, ``parameters['W' + str(l)] = ...``) or else their function's last return."""
        learner = self.learner
        line = None
        if key:
            line = _key_line(learner, function, key) or learner.assign_line(function, key)
        else:
            line = learner.return_line(function)
        return f"\n  at {learner.at(line)}{learner.quote(line)}" if line else ""

    def line_mentioning(self, function: str, *words: str) -> str:
        """Like :meth:`line_of`, for the last line of ``function`` that mentions one of ``words``."""
        learner = self.learner
        node = learner._function_node(function) if learner.tree is not None else None
        if node is None:
            return self.line_of(function)
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        for line in range(end, node.lineno, -1):
            text = learner.lines[line - 1] if line - 1 < len(learner.lines) else ""
            code = text.split("#", 1)[0]
            if any(w in code for w in words):
                return f"\n  at {learner.at(line)}{learner.quote(line)}"
        return self.line_of(function)


def _key_line(learner: LearnerFile, function: str, key: str) -> int | None:
    """The last line of ``function`` that assigns ``key`` by name, by ``d["key"]`` or by ``d["W" + str(l)]``."""
    node = learner._function_node(function) if learner.tree is not None else None
    if node is None:
        return None
    prefix = key.rstrip("0123456789")
    exact: list[int] = []
    built: list[int] = []
    for n in ast.walk(node):
        targets: list[ast.expr]
        if isinstance(n, ast.Assign):
            targets = n.targets
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)):
            targets = [n.target]
        else:
            continue
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id == key:
                    exact.append(n.lineno)
                elif isinstance(leaf, ast.Subscript):
                    consts = [c.value for c in ast.walk(leaf.slice) if isinstance(c, ast.Constant)]
                    if key in consts:
                        exact.append(n.lineno)
                    elif prefix and prefix in consts and isinstance(leaf.slice, ast.BinOp):
                        built.append(n.lineno)
    found = exact or built
    return max(found) if found else None


# --- naming a difference ---------------------------------------------------------------------------------

def as_array(value: Any) -> Array | None:
    """``value`` as a float array, or None when it is not numbers."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr


def close(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Same shape and the same numbers up to round-off."""
    x, y = as_array(a), as_array(b)
    if x is None or y is None or x.shape != y.shape:
        return False
    return bool(np.all(np.isfinite(x) == np.isfinite(y)) and np.allclose(x, y, rtol=rtol, atol=atol))


def constant_ratio(got: Array, want: Array) -> float | None:
    """``got / want`` when it is one constant over the elements where ``want`` is not tiny, else None."""
    mask = np.abs(want) > 1e-12 * max(1.0, float(np.max(np.abs(want), initial=0.0)))
    if not np.any(mask) or np.any(np.abs(got[~mask]) > 1e-9 * max(1.0, float(np.max(np.abs(got), initial=0.0)))):
        return None
    r = got[mask] / want[mask]
    if not np.all(np.isfinite(r)):
        return None
    mid = float(np.median(r))
    if np.allclose(r, mid, rtol=1e-6, atol=1e-12):
        return mid
    return None


def factor_text(r: float, m: int | None = None, keep_prob: float | None = None, lambd: float | None = None) -> str:
    """Name a constant ratio yours/expected: ``2x too large``, ``1/m``, ``a factor keep_prob``..."""
    candidates: list[tuple[float, str]] = [(-1.0, "the wrong sign (exactly minus the expected)"),
                                           (2.0, "twice the expected (an extra factor 2)"),
                                           (0.5, "half the expected (a factor 1/2 too many, or a missing 2)"),
                                           (0.0, "zero where it should not be")]
    if m and m > 2:
        candidates += [(float(m), f"m = {m} times the expected (a 1/m is missing)"),
                       (1.0 / m, f"1/m = 1/{m} of the expected (an extra 1/m)"),
                       (2.0 * m, f"2m = {2 * m} times the expected (the 1/(2m) is missing)"),
                       (-float(m), f"minus m = -{m} times the expected (a 1/m missing and the wrong sign)"),
                       (float(m * m), f"m^2 = {m * m} times the expected: check operator precedence: a/2*m is "
                                      f"(a/2)*m, so the m multiplies; write a/(2*m)")]
    if keep_prob and keep_prob != 1:
        candidates += [(keep_prob, f"keep_prob = {keep_prob:g} times the expected (a missing / keep_prob)"),
                       (1.0 / keep_prob, "1/keep_prob times the expected (an extra / keep_prob)"),
                       (keep_prob ** 2, "keep_prob^2 times the expected (multiplied by keep_prob instead of "
                                        "divided)")]
    if lambd and lambd not in (1.0, 2.0, 0.5):
        candidates += [(lambd, f"lambd = {lambd:g} times the expected"),
                       (1.0 / lambd, "1/lambd times the expected")]
    for value, text in candidates:
        if math.isclose(r, value, rel_tol=1e-6, abs_tol=1e-12):
            return text
    return f"{r:.4g} times the expected"


def shape_text(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """Why two shapes differ: transposed, a missing keepdims, or just different."""
    if len(got) == 2 and got == want[::-1]:
        return f"shape {got} but it should be {want}: transposed (rows are layer l's units, columns layer l-1's)"
    if len(got) == 1 and len(want) == 2 and got[0] == want[0] and want[1] == 1:
        return f"shape {got} but it should be {want}: a column vector ((n, 1), as in np.zeros((n, 1)))"
    if math.prod(got) == math.prod(want):
        return f"shape {got} but it should be {want} (a reshape or keepdims=True is missing)"
    return f"shape {got} but it should be {want}"


def describe(got: Any, want: Array, *, m: int | None = None, keep_prob: float | None = None,
             lambd: float | None = None) -> str | None:
    """None when ``got`` matches ``want``; otherwise what is wrong, in words."""
    arr = as_array(got)
    if arr is None:
        return f"is a {type(got).__name__}, not an array of numbers"
    want = np.asarray(want, dtype=np.float64)
    if arr.shape != want.shape:
        if arr.size == 1 and want.size == 1:
            arr = arr.reshape(want.shape)
        else:
            return "has " + shape_text(arr.shape, want.shape)
    if not np.all(np.isfinite(arr)):
        return "holds nan or inf"
    if np.allclose(arr, want, rtol=1e-6, atol=1e-9):
        return None
    r = constant_ratio(arr, want)
    if r is not None:
        return "is " + factor_text(r, m, keep_prob, lambd)
    diff = np.abs(arr - want)
    idx = np.unravel_index(int(np.argmax(diff)), arr.shape)
    where = f"[{', '.join(map(str, idx))}]" if arr.ndim else ""
    return (f"has wrong values: at {where or 'its value'} yours is {arr[idx]:.6g}, expected {want[idx]:.6g}"
            if arr.ndim else f"is {float(arr):.6g}, expected {float(want):.6g}")


def relative_difference(a: Array, b: Array) -> float:
    """The course's metric ``||a - b|| / (||a|| + ||b||)`` (0 when both are 0)."""
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / den) if den else 0.0


def central_differences(J: Callable[[Params], float], params: Params, keys: Iterable[str],
                        epsilon: float = 1e-7) -> Params:
    """Two-sided differences of ``J(params)`` for the parameters ``keys`` (the oracle for backward passes)."""
    out: Params = {}
    for key in keys:
        base = params[key]
        grad = np.zeros_like(base, dtype=np.float64)
        for idx in np.ndindex(base.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][idx] += epsilon
            minus[key][idx] -= epsilon
            grad[idx] = (J(plus) - J(minus)) / (2 * epsilon)
        out["d" + key] = grad
    return out
