"""A learner's exercise file loaded as the notebook would run it (in the checking child)."""

from __future__ import annotations

import ast
import types
from collections.abc import Callable
from typing import Any

from dltutor.core.exercises.checking import TimeUp as _TimeUp
from dltutor.core.learner_code import _ANYTHING, _Failure, _Learner


class ExerciseLearner(_Learner):
    """A learner's file loaded as the notebook would run it: ``np`` and the course's helpers already defined."""

    def load(self) -> None:
        from dltutor.core.exercises import helpers

        try:
            code = compile(self.source, self.path, "exec")
            self.tree = ast.parse(self.source)
        except SyntaxError as exc:
            raise _Failure("syntax", f"{self.at(exc.lineno)}: SyntaxError: {exc.msg}{self.quote(exc.lineno)}",
                           exc.lineno) from None
        module = types.ModuleType("learner_exercise")
        module.__file__ = self.path
        module.__dict__.update(helpers.namespace())
        try:
            exec(code, module.__dict__)  # running their code is the point, in a child
        except _TimeUp:
            raise
        except _ANYTHING as exc:  # anything their module does while loading
            raise self.failure(exc, "while loading the file", "import") from None
        self.module = module

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
