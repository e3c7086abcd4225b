"""Option text to values for the CLI commands: whole numbers and epsilon read exactly as typed, and core
errors renamed to the option the learner typed (UI-free, shared by every command)."""

from __future__ import annotations

import math

from dltutor.core.errors import TutorError
from dltutor.tutor.output import number

#: Core field names -> the commands' options, so that an error names what the learner typed.
OPTION_OF = {"epsilon": "--epsilon", "mode": "--mode", "samples": "--samples",
             "after-iterations": "--after-iterations", "learning-rate": "--learning-rate", "lambda": "--l2",
             "examples": "--examples", "layers": "--layers", "activation": "--activation", "variant": "--variant",
             "sweep": "--sweep", "timeout": "--timeout", "theta": "--theta", "seed": "--seed"}


def whole_number(text: str, field: str, low: int, high: int) -> int:
    """Parse a whole number exactly (``99999999999999999999999`` stays itself; ``1e3`` is 1000) within
    ``low..high``, or raise :class:`core.errors.TutorError` naming the field and the range."""
    allowed = f"a whole number from {low:,} to {high:,}"
    raw = str(text).strip()
    try:
        value = int(raw)
    except ValueError:
        try:
            as_float = float(raw)
        except ValueError:
            raise TutorError(field, f"not a whole number: {text!r}", allowed) from None
        if not math.isfinite(as_float) or as_float != int(as_float):
            raise TutorError(field, f"not a whole number: {text!r}", allowed) from None
        value = int(as_float)
    if not low <= value <= high:
        shown = raw if len(raw) <= 40 else raw[:20] + "..." + raw[-8:]
        raise TutorError(field, f"{shown} is too {'large' if value > high else 'small'}", allowed)
    return value


def epsilon_option(text: str) -> float:
    """``--epsilon`` as a float within 1e-12..1, or a :class:`core.errors.TutorError` that echoes the text
    as typed (``1e-320``, not the denormal it parses to)."""
    from dltutor.core.gradcheck import check_epsilon  # NumPy: loaded only when a command reads an epsilon

    value = number(text, "--epsilon", "1e-12 <= epsilon <= 1 (the course uses 1e-7)")
    try:
        return check_epsilon(value, "--epsilon")
    except TutorError as exc:
        raise TutorError(exc.field, exc.problem.replace(f"{value:g}", str(text).strip(), 1),
                         exc.allowed) from None


def as_option(exc: TutorError, mapping: dict[str, str] = OPTION_OF) -> TutorError:
    """The same :class:`core.errors.TutorError` with a core field name replaced by the option's name."""
    if exc.field in mapping:
        return TutorError(mapping[exc.field], exc.problem, exc.allowed)
    return exc
