"""``core/`` is pure NumPy: importing all of it pulls in no UI module (as harlequin checks its core)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

from dltutor import core


def test_core_imports_no_ui_module():
    modules = [f"dltutor.core.{m.name}" for m in pkgutil.iter_modules(core.__path__)]
    assert "dltutor.core.train" in modules and "dltutor.core.network" in modules
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    loaded = json.loads(out.stdout)
    ui = [m for m in loaded if m.split(".")[0] in {"textual", "plotext", "textual_plotext", "rich"}
          or m.startswith("dltutor.tutor")]
    assert ui == []
