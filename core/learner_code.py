"""A learner's file inside a child process: loaded as a module, failures that point at their own lines, limits.

Shared by the two children that run a learner's code: the backpropagation check (:mod:`core.learner_child`)
and the exercises (:mod:`core.exercises.child`).
"""

from __future__ import annotations

import ast
import contextlib
import signal
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dltutor.core.learner import MEMORY_LIMIT

#: Bytes per file the child may write (its stderr, their stray output, the result).
FILE_LIMIT = 256 * 2**20
#: What the learner's code may raise: anything, their own BaseException subclasses and sys.exit included.
_ANYTHING = (BaseException,)


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

    #: The name their file runs under.
    module_name = "learner_backprop"
    #: Exceptions that pass through loading unreported (a child's own time-up signal).
    pass_through: tuple[type[BaseException], ...] = ()

    def preloaded(self) -> dict[str, Any]:
        """Names defined in their module before it runs (none here; the exercises preload the notebook's)."""
        return {}

    def load(self) -> None:
        try:
            code = compile(self.source, self.path, "exec")
            self.tree = ast.parse(self.source)
        except SyntaxError as exc:
            raise _Failure("syntax", f"{self.at(exc.lineno)}: SyntaxError: {exc.msg}{self.quote(exc.lineno)}",
                           exc.lineno) from None
        module = types.ModuleType(self.module_name)
        module.__file__ = self.path
        module.__dict__.update(self.preloaded())
        try:
            exec(code, module.__dict__)  # running their code is the point, in a child
        except self.pass_through:
            raise
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

    def function(self, names: tuple[str, ...], signature: str) -> tuple[str, Callable[..., Any]]:
        for name in names:
            fn = getattr(self.module, name, None)
            if callable(fn):
                return name, fn
        defined = sorted(k for k, v in vars(self.module).items() if isinstance(v, types.FunctionType))
        raise _Failure("missing", f"{self.display} defines no {names[0]}{signature} (nor {names[1]}); it "
                       f"defines {', '.join(defined) or 'no functions'}")

    def parsed(self) -> ast.Module:
        """The file's syntax tree (:meth:`load` parses it before anything asks for a line)."""
        if self.tree is None:
            raise RuntimeError(f"{self.display} is not loaded yet")
        return self.tree

    def loaded(self) -> types.ModuleType:
        """The learner's module (:meth:`load` runs it before any of their functions is looked up)."""
        if self.module is None:
            raise RuntimeError(f"{self.display} is not loaded yet")
        return self.module

    def global_line(self, name: str) -> int | None:
        """The last top-level line assigning ``name`` (``LAYER_DIMS = [...]``)."""
        found = [node.lineno for node in self.parsed().body if isinstance(node, (ast.Assign, ast.AnnAssign))
                 for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                 if isinstance(target, ast.Name) and target.id == name]
        return found[-1] if found else None

    def _function_node(self, name: str) -> ast.FunctionDef | None:
        for node in ast.walk(self.parsed()):
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
            if isinstance(n, (ast.Assign, ast.AugAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
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
