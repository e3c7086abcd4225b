"""The direction of imports: no circles (function-level imports included), widgets never import screens, and
the core never imports the tutor or a terminal UI library.

Every module under ``core/`` and ``tutor/`` is parsed with :mod:`ast`; each ``import`` and ``from ... import``
anywhere in it (module level or inside a function), absolute (``dltutor.core.x``) or relative, becomes an
edge to the module's file. ``from package import name`` points at ``package/name.py`` when that is a module,
else at the package's ``__init__``. A package's ``__init__`` is not counted as imported by its submodules
(Python runs it first anyway, but that is not a dependency the author wrote).

Imports under ``if TYPE_CHECKING:`` never run: they are left out of the cycles (a screen may name the app's
type in an annotation) but count for the direction rules.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ("core", "tutor")
UI_LIBRARIES = ("textual", "plotext", "rich")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return "dltutor." + ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for top in TOP for p in sorted((ROOT / top).rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of the import nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out |= {id(n) for statement in node.body for n in ast.walk(statement)}
    return out


def _imports(path: Path, name: str, known: dict[str, Path],
             type_checking: bool) -> tuple[set[str], set[str]]:
    """(our modules imported by the file at ``path``, top-level names of outside packages it imports);
    with ``type_checking`` False, without the imports under ``if TYPE_CHECKING:``."""
    is_package = path.name == "__init__.py"
    ours: set[str] = set()
    outside: set[str] = set()

    def resolve(target: str) -> None:
        if target.startswith("dltutor."):
            # The longest prefix that is one of our modules.
            parts = target.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts:
                ours.add(".".join(parts))
        else:
            outside.add(target.split(".")[0])

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = set() if type_checking else _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                resolve(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                resolve(candidate if candidate in known else base)
    ours.discard(name)
    return ours, outside


def _graph(type_checking: bool = True) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module -> our modules it imports, module -> outside packages it imports)."""
    known = _modules()
    edges: dict[str, set[str]] = {}
    outside: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name], outside[name] = _imports(path, name, known, type_checking)
    return edges, outside


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_the_graph_sees_function_level_and_relative_imports() -> None:
    edges, _ = _graph()
    assert "dltutor.core.errors" in edges["dltutor.tutor.cli"]
    assert len(edges) > 100


def test_no_import_cycles() -> None:
    edges, _ = _graph(type_checking=False)
    cycles = _cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_widgets_never_import_screens_and_nothing_in_the_app_imports_the_tour() -> None:
    edges, _ = _graph()
    wrong = sorted(f"{a} -> {b}" for a, targets in edges.items() if a.startswith("dltutor.tutor.widgets")
                   for b in targets if b.startswith(("dltutor.tutor.screens", "dltutor.tutor.tour")))
    # The tour drives the screens; the screens, the widgets and the app know nothing of it.
    wrong += sorted(f"{a} -> {b}" for a, targets in edges.items()
                    if a.startswith(("dltutor.tutor.screens", "dltutor.tutor.widgets", "dltutor.tutor.app"))
                    for b in targets if b.startswith("dltutor.tutor.tour"))
    assert not wrong, "\n".join(wrong)


def test_the_core_never_imports_the_tutor_or_a_ui_library() -> None:
    edges, outside = _graph()
    wrong = sorted(f"{a} -> {b}" for a, targets in edges.items() if a.startswith("dltutor.core")
                   for b in targets if not b.startswith("dltutor.core"))
    wrong += sorted(f"{a} -> {lib}" for a, libs in outside.items() if a.startswith("dltutor.core")
                    for lib in libs if lib in UI_LIBRARIES)
    assert not wrong, "\n".join(wrong)
