"""Shared test helpers: where the course reference lives, and a skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def reference(name: str) -> Path:
    """The path of a course reference file, or skip the test when ``../shared/reference`` is absent."""
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"{path} not present (the course reference lives in ../shared beside the project)")
    return path
