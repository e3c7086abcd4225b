"""The child process that runs a learner's exercise file: ``python -m core.exercises.child REQUEST RESULT``.

It is started by :func:`core.learner.run_child` with the learner-file limits (its own session, a time limit,
memory and file-size limits). It loads the file with the notebook's helpers preloaded, runs every check of
one exercise (or trains the course's experiment with the learner's functions) and writes one JSON result.
An endless loop is interrupted shortly before the parent's limit so the message can name the learner's line.
"""

from __future__ import annotations

import contextlib
import io
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from dltutor.core.exercises.checking import Tester
from dltutor.core.exercises.checking import TimeUp as _TimeUp
from dltutor.core.exercises.loaded import ExerciseLearner
from dltutor.core.learner import tail
from dltutor.core.learner_code import _ANYTHING, _Failure, _limit_resources


def _checker(exercise_id: str) -> Callable[[Tester], None]:
    from dltutor.core.exercises import checks_backprop, checks_cost, checks_grad, checks_init

    return {
        "init-zeros": checks_init.check_init_zeros, "init-random": checks_init.check_init_random,
        "init-he": checks_init.check_init_he, "l2-cost": checks_cost.check_l2_cost,
        "l1-cost": checks_cost.check_l1_cost, "normalize-inputs": checks_cost.check_normalize_inputs,
        "weight-decay": checks_cost.check_weight_decay,
        "l2-backward": checks_backprop.check_l2_backward, "dropout-forward": checks_backprop.check_dropout_forward,
        "dropout-backward": checks_backprop.check_dropout_backward,
        "gradcheck-1d": checks_grad.check_gradcheck_1d, "gradcheck-n": checks_grad.check_gradcheck_n,
    }[exercise_id]


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _TimeUp()


def _time_up_message(learner: ExerciseLearner, exc: BaseException, seconds: float) -> tuple[str, int | None]:
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == learner.path]
    line = frames[-1].lineno if frames else None
    func = f" in {frames[-1].name}" if frames and frames[-1].name != "<module>" else ""
    return (f"{learner.at(line)}{func}: still running after {seconds:.1f} s and stopped there (an endless loop? a "
            f"while whose condition never changes?){learner.quote(line)}", line)


def run_checks(request: dict[str, Any]) -> dict[str, Any]:
    """Load the learner's file and run one exercise's checks (in this process); the JSON-ready result."""
    from dltutor.core.exercises.checking import Stop
    from dltutor.core.exercises.helpers import install_modules

    install_modules()
    learner = ExerciseLearner(request["file"], request["display"])
    sys.path.insert(0, str(Path(request["file"]).parent))
    output = io.StringIO()
    tester = Tester(learner)
    budget = float(request.get("alarm", 0) or 0)
    if budget and hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        with contextlib.redirect_stdout(output):
            try:
                if request.get("mode") == "train":
                    return _train(request, output, budget)
                learner.load()
                _checker(request["exercise"])(tester)
            except Stop:
                pass
            except _Failure as failure:
                tester.add("loads", False, failure.message)
            except _TimeUp as exc:
                message, _ = _time_up_message(learner, exc, budget)
                tester.add("finishes in time", False, message)
    finally:
        if budget and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)
    checks = [c.to_dict() for c in tester.checks]
    return {"ok": True, "checks": checks, "passed": bool(checks) and all(c["passed"] for c in checks),
            "output": tail(output.getvalue())}


def _train(request: dict[str, Any], output: io.StringIO, budget: float) -> dict[str, Any]:
    from dltutor.core.exercises.course_child import train_in_child

    try:
        return {"ok": True, "train": train_in_child(request), "output": tail(output.getvalue())}
    except _Failure as failure:
        return {"ok": False, "kind": failure.kind, "message": failure.message, "line": failure.line,
                "output": tail(output.getvalue())}
    except _TimeUp:
        return {"ok": False, "kind": "timeout", "output": tail(output.getvalue()),
                "message": f"training with your functions did not finish within {budget:g} s"}


def _main(argv: list[str]) -> int:
    """The worker: ``argv`` is the request (JSON) and the descriptor to send the result on."""
    from dltutor.core.sandbox import Sender

    request_text, fd = argv
    sender = Sender(int(fd))  # before their code runs: it cannot patch what sends the result
    request = json.loads(request_text)
    _limit_resources()
    result: dict[str, Any]
    try:
        result = run_checks(request)
    except _ANYTHING as exc:  # never a traceback: the parent reports it
        result = {"ok": False, "kind": "internal",
                  "message": f"{request.get('display')}: the check could not run ({type(exc).__name__}: {exc})"}
    sender.send(result)  # exits at once: a thread their code left running cannot keep the check open
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
