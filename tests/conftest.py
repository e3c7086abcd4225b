"""Settings for every test: no animations, and a temporary DLTUTOR_HOME so no test touches a real home."""

from __future__ import annotations

import os

import pytest

# Textual reads TEXTUAL_ANIMATIONS when it is first imported, which may be before any fixture runs.
os.environ["TEXTUAL_ANIMATIONS"] = "none"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path_factory.mktemp("dltutor-home")))
