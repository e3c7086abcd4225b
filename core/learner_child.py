"""The child process that checks a learner's backpropagation: ``python -m dltutor.core.learner_child REQUEST FD``.

Started by :func:`core.learner.check_file` (through :mod:`core.sandbox`), it loads the learner's file, draws
the case, calls their ``forward_propagation`` once per perturbation and their ``backward_propagation``, and sends
the numbers back on a pipe; the parent compares them and writes the report. Every mistake in their file
becomes a failure pointing at their own line (:mod:`core.learner_code`, shared with the exercises' child).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

from dltutor.core.errors import TutorError
from dltutor.core.learner import LEARNER_ROUNDOFF, tail
from dltutor.core.learner_code import _ANYTHING, _Failure, _Learner, _limit_resources

#: Full mode calls their forward_propagation twice per parameter: beyond this many, sampled or fast.
FULL_LIMIT = 20_000
_FORWARD_NAMES = ("forward_propagation", "forward_propagation_n")
_BACKWARD_NAMES = ("backward_propagation", "backward_propagation_n")


def _gc_utils() -> types.ModuleType:
    """A stand-in for the course's ``gc_utils`` so pasted exercise code imports."""
    from dltutor.core.gradcheck import dictionary_to_vector, gradients_to_vector, vector_to_dictionary

    mod = types.ModuleType("gc_utils")
    vars(mod).update(
        sigmoid=lambda x: 1 / (1 + np.exp(-x)),
        relu=lambda x: np.maximum(0, x),
        dictionary_to_vector=dictionary_to_vector,
        vector_to_dictionary=vector_to_dictionary,
        gradients_to_vector=gradients_to_vector,
    )
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
    def __init__(self, learner: _Learner, request: dict[str, Any]) -> None:
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
                case = learner.loaded().make_case(np.random.RandomState(seed))
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

    def cost(self, X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray]) -> tuple[float, Any]:
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

    def gradients(self, X: np.ndarray, Y: np.ndarray, cache: Any,
                  params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
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

    def check(self, X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray]) -> dict[str, Any]:
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
            v = rng.standard_normal((n,))
            v = (v / np.linalg.norm(v)).reshape(-1, 1)
            g = np.concatenate([grads["d" + k].reshape(-1) for k in names])
            (Jp, Zp), (Jm, Zm) = J(theta + eps * v), J(theta - eps * v)
            sigma = LEARNER_ROUNDOFF * (abs(cost) + 1)
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

    def train(self, X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], iterations: int,
              lr: float) -> dict[str, np.ndarray]:
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


def _child(request: dict[str, Any]) -> dict[str, Any]:
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
