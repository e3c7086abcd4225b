"""The one project error type.

Every invalid value anywhere in dltutor raises :class:`TutorError`. Its message names the field and what
is allowed, so the CLI can print ``error: <message>`` and a screen can show it beside the field.
"""

from __future__ import annotations


class TutorError(ValueError):
    """A bad value given to dltutor.

    Args:
        field: the name of the option or field at fault, as the user wrote it (``keep_prob``, ``--lr``).
        problem: what is wrong with the value.
        allowed: the allowed values or range, in words (``"0 < keep_prob <= 1"``).
    """

    def __init__(self, field: str, problem: str, allowed: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.allowed = allowed
        message = f"{field}: {problem}"
        if allowed:
            message += f" (allowed: {allowed})"
        super().__init__(message)


def require(condition: bool, field: str, problem: str, allowed: str | None = None) -> None:
    """Raise :class:`TutorError` unless ``condition`` holds."""
    if not condition:
        raise TutorError(field, problem, allowed)
