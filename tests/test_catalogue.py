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


def test_the_engine_takes_its_tables_from_the_catalogue() -> None:
    # the engine's tables have exactly the catalogue's keys, in its order, and carry its words and limits
    from dltutor.core import activations, deep, gradcheck, variants
    from dltutor.core.gradcheck import demos, options

    assert tuple(activations.ACTIVATIONS) == catalogue.ACTIVATION_NAMES
    assert activations.HIDDEN_ACTIVATIONS == catalogue.ACTIVATION_NAMES
    assert tuple(deep.INIT_CHOICES) == catalogue.INIT_NAMES
    assert (deep.MAX_DEPTH, deep.MAX_WIDTH) == (catalogue.DEEP_MAX_DEPTH, catalogue.DEEP_MAX_WIDTH)
    assert tuple(variants.VARIANTS) == catalogue.VARIANT_IDS
    for variant_id, info in catalogue.VARIANT_INFO.items():
        v = variants.VARIANTS[variant_id]
        assert (v.id, v.description, v.lesson, v.expected_flags, v.needs_l2, v.dropout) == \
            (info.id, info.description, info.lesson, info.expected_flags, info.needs_l2, info.dropout)
    assert gradcheck.MODES is options.MODES is catalogue.GRADCHECK_MODES
    assert gradcheck.DEFAULT_SWEEP is demos.DEFAULT_SWEEP is catalogue.DEFAULT_SWEEP
