"""A learner's exercise file loaded as the notebook would run it (in the checking child)."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from dltutor.core.exercises.checking import TimeUp as _TimeUp
from dltutor.core.learner_code import _Learner


class ExerciseLearner(_Learner):
    """A learner's file loaded as the notebook would run it: ``np`` and the course's helpers already defined."""

    module_name = "learner_exercise"
    pass_through = (_TimeUp,)

    def preloaded(self) -> dict[str, Any]:
        from dltutor.core.exercises import helpers

        return helpers.namespace()

    def own_function(self, name: str) -> Callable[..., Any] | None:
        """Their function ``name``, defined in their file (a helper of the same name does not count)."""
        fn: object = vars(self.module).get(name) if self.module is not None else None
        code = getattr(fn, "__code__", None)
        if callable(fn) and code is not None and code.co_filename == self.path:
            return fn
        return None

    def missing_message(self, name: str, signature: str) -> str:
        defined = sorted(k for k, v in vars(self.module).items()
                         if isinstance(v, types.FunctionType) and v.__code__.co_filename == self.path)
        import difflib

        close = difflib.get_close_matches(name, defined, n=1, cutoff=0.8)
        spelled = f"; is {close[0]} meant to be {name}?" if close else ""
        return (f"{self.display} defines no {name}{signature}; it defines "
                f"{', '.join(defined) or 'no functions'} (the name must be exactly the course's{spelled})")
