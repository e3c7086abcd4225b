"""The gradient-check workbench without its screen: what a check asks, what it finds, and the runs themselves.

UI-free (no Textual): :func:`run_bench` checks a catalogue variant or a learner's file beside ``fixed`` and
sweeps epsilon; :func:`file_sweep` sweeps a learner's file, one child process per epsilon;
:func:`read_path` turns the file field's text into a path or a :class:`core.errors.TutorError`. The screen
(:mod:`tutor.screens.workbench`) runs them in a thread worker and shows what they return;
:mod:`tutor.workbench_text` words the report. :mod:`core.gradcheck` and :mod:`core.learner` do the checking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dltutor.core.catalogue import DEFAULT_SWEEP, GRADCHECK_MODES, LEARNER_TIMEOUT, VARIANT_IDS, VARIANT_INFO

#: The variants as the workbench lists them: the exercise's code first, then the engine's order.
LISTED_VARIANTS = ("course",) + tuple(v for v in VARIANT_IDS if v != "course")
MODES = GRADCHECK_MODES
DEFAULT_TIMEOUT = LEARNER_TIMEOUT
SWEEP = DEFAULT_SWEEP
#: A learner's file is swept at fewer epsilons: each one is a child process.
FILE_SWEEP = (1e-1, 1e-3, 1e-5, 1e-7, 1e-9)
#: How the screen gives a learner's code longer (quoted in the timeout message instead of the CLI's option).
MORE_TIME = "the Time limit field gives it longer"
MODE_HELP = ("full: every element (the course's loop); sampled: 10 random elements per block; "
             "fast: one random direction, then every element if it fails")
FILE_HELP = ("Your file defines forward_propagation(X, Y, parameters) -> (cost, cache) and "
             "backward_propagation(X, Y, cache) -> gradients, as in the exercise. Optional: LAYER_DIMS or "
             "make_case(rng). It runs in a separate process with a time limit.")

#: One point of a sweep: ``{"epsilon", "difference"}``.
SweepPoint = dict[str, float]


@dataclass
class BenchRequest:
    """What to check: a variant id or a file, with the step, the mode and the learner's time limit."""

    token: int
    variant: str | None
    file: str | None
    epsilon: float
    mode: str
    timeout: float = DEFAULT_TIMEOUT
    chosen: bool = True  # asked for (run, enter, Try it), not just highlighted while browsing

    @property
    def source(self) -> str:
        return self.file or self.variant or "fixed"


@dataclass
class BenchResult:
    """What the worker found.

    Args:
        request: what was asked.
        report: the :class:`core.gradcheck.GradCheckReport` (None when the file could not be checked).
        fixed: the report of ``fixed`` with the same options (the side-by-side view's right half).
        sweep: ``[{"epsilon", "difference"}]`` of the selection; None when it could not be swept.
        fixed_sweep: the same for ``fixed``.
        problem: why there is no report (the learner's error, a timeout), shown beside the file field.
        problem_kind: ``timeout``, ``syntax``, ``path``, ... (:class:`core.learner.LearnerError` kinds).
        problem_field: the form's field the problem is about (``epsilon``, ``file``...).
        sweep_note: why the sweep is missing.
    """

    request: BenchRequest
    report: Any = None
    fixed: Any = None
    sweep: list[SweepPoint] | None = None
    fixed_sweep: list[SweepPoint] | None = None
    problem: str | None = None
    problem_kind: str | None = None
    problem_field: str | None = None
    sweep_note: str = ""


def variant_catalogue() -> dict[str, tuple[str, str]]:
    """id -> (description, lesson), from the NumPy-free :data:`core.catalogue.VARIANT_INFO`."""
    return {v.id: (v.description, v.lesson) for v in VARIANT_INFO.values()}


def _sweep_variant(variant: str) -> list[SweepPoint]:
    from dltutor.core.gradcheck import epsilon_sweep
    from dltutor.core.variants import DEFAULT_L2

    l2 = DEFAULT_L2 if VARIANT_INFO[variant].needs_l2 else 0.0
    return [{"epsilon": s["epsilon"], "difference": s["difference"]}
            for s in epsilon_sweep(backward_fn=variant, l2=l2, epsilons=SWEEP)]


def run_bench(request: BenchRequest, cancelled: Callable[[], bool] | None = None) -> BenchResult:
    """Check the request's variant or file, ``fixed`` beside it, and sweep epsilon (in a worker).

    A file's sweep is left to :func:`file_sweep` (one child process per epsilon), which the screen runs
    after showing the report. ``cancelled`` stops a learner's file early (the screen's cancel key).
    """
    import numpy as np

    from dltutor.core.errors import TutorError
    from dltutor.core.gradcheck import check_variant

    out = BenchResult(request)
    with np.errstate(all="ignore"):
        try:
            out.fixed = check_variant("fixed", epsilon=request.epsilon, mode=request.mode)
            out.fixed_sweep = _sweep_variant("fixed")
        except TutorError as exc:
            out.problem, out.problem_kind, out.problem_field = str(exc), "option", exc.field
            return out
        if request.file:
            from dltutor.core.learner import LearnerError, check_file

            try:
                out.report = check_file(request.file, epsilon=request.epsilon, mode=request.mode,
                                        timeout=request.timeout, cancelled=cancelled, more_time=MORE_TIME)
            except LearnerError as exc:
                out.problem, out.problem_kind, out.problem_field = exc.message, exc.kind, "file"
            except TutorError as exc:
                field_name = "epsilon" if exc.field in ("epsilon", "mode") else "file"
                out.problem, out.problem_kind, out.problem_field = str(exc), "path", field_name
            out.sweep_note = "the sweep of your file follows (one run per epsilon)" if out.report else ""
            return out
        variant = request.variant or "fixed"
        try:
            out.report = out.fixed if variant == "fixed" else check_variant(variant, epsilon=request.epsilon,
                                                                            mode=request.mode)
        except TutorError as exc:
            out.problem, out.problem_kind, out.problem_field = str(exc), "option", exc.field
            return out
        try:
            out.sweep = out.fixed_sweep if variant == "fixed" else _sweep_variant(variant)
        except (TutorError, ValueError) as exc:
            # A malformed gradient (a wrong shape) has no difference to sweep.
            out.sweep_note = ("no sweep: " + "; ".join(out.report.shape_errors)) if out.report.shape_errors \
                else f"no sweep: {exc}"
    return out


def sweep_file(path: str, epsilon: float, timeout: float,
               cancelled: Callable[[], bool] | None = None) -> SweepPoint | None:
    """The difference of a learner's file at one epsilon (full mode), or None when it failed."""
    import numpy as np

    from dltutor.core.errors import TutorError
    from dltutor.core.learner import LearnerError, check_file

    try:
        with np.errstate(all="ignore"):
            report = check_file(path, epsilon=epsilon, mode="full", timeout=timeout, cancelled=cancelled)
    except (LearnerError, TutorError):
        return None
    return {"epsilon": epsilon, "difference": report.difference}


def file_sweep(path: str, timeout: float, cancelled: Callable[[], bool]) -> Iterator[SweepPoint | None]:
    """Sweep a learner's file over :data:`FILE_SWEEP`, two child processes at a time, yielding each point
    (None where the file failed) as it comes; stops early once ``cancelled()``."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dltutor-sweep") as pool:
        futures = [pool.submit(sweep_file, path, eps, timeout, cancelled) for eps in FILE_SWEEP]
        for future in as_completed(futures):
            if cancelled():
                for other in futures:
                    other.cancel()
                return
            yield future.result()


def read_path(text: str) -> Path:
    """The file field's text as the path of an existing ``.py`` file.

    Raises:
        TutorError: naming the field, when it is empty, missing, not a file or not Python.
    """
    from dltutor.core.errors import TutorError

    text = text.strip()
    if not text:
        raise TutorError("file", "is empty", "the path of your .py file")
    path = Path(text).expanduser()
    try:
        exists = path.exists()
    except (OSError, ValueError):  # too long a name, a folder that cannot be entered, a NUL
        exists = True  # regular_file below names the problem
    if not exists:
        raise TutorError("file", f"{text} does not exist", "the path of a .py file")
    from dltutor.core.files import regular_file

    path = regular_file(text, "file", "the path of a .py file")
    if path.suffix != ".py":
        raise TutorError("file", f"{text} is not a .py file", "the path of a .py file")
    return path
