"""The shared catalogue (``core/catalogue.py``) stays NumPy-free, so the CLI's ``--help`` and the app's
forms can list its names without loading the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dltutor.core import catalogue


def test_the_catalogue_imports_no_numpy() -> None:
    code = ("import json, sys\n"
            "import dltutor.core.catalogue\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    loaded = json.loads(out.stdout)
    assert "dltutor.core.catalogue" in loaded
    heavy = [m for m in loaded if m.split(".")[0] in {"numpy", "textual", "rich", "plotext"}]
    assert heavy == []


def test_the_menu_order_holds_the_same_initializations() -> None:
    assert sorted(catalogue.INIT_MENU) == sorted(catalogue.INIT_NAMES)
    assert len(set(catalogue.INIT_NAMES)) == len(catalogue.INIT_NAMES)


def test_variant_ids_follow_the_info_table() -> None:
    assert catalogue.VARIANT_IDS == tuple(v.id for v in catalogue.VARIANT_INFO.values())
    assert catalogue.VARIANT_IDS[:2] == ("fixed", "course")
