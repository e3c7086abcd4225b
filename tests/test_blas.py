"""BLAS threads: one for training and checking, restored after, and the user's own settings kept (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _blas_threads() -> int:
    from threadpoolctl import threadpool_info

    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_single_threaded_limits_the_blas_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy  # noqa: F401

    from dltutor.tutor.blas import single_threaded, user_choice

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert user_choice() is None
    before = _blas_threads()
    with single_threaded():  # the CLI: on the main thread
        assert _blas_threads() == 1
    assert _blas_threads() == before
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # no environment change


def test_overlapping_blocks_limit_once_and_the_last_one_out_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    from dltutor.tutor import blas

    events: list[str] = []

    class Limiter:
        def restore_original_limits(self) -> None:
            events.append("restore")

    monkeypatch.setattr(blas, "_limit", lambda: events.append("limit") or Limiter())
    monkeypatch.setattr(blas, "user_choice", lambda environ=None: None)
    first = blas.single_threaded()
    second = blas.single_threaded()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first worker ends while the second still trains
    assert events == ["limit"]
    second.__exit__(None, None, None)
    assert events == ["limit", "restore"]


def test_a_thread_count_the_user_set_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from dltutor.tutor.blas import single_threaded, user_choice

    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert user_choice() == "OMP_NUM_THREADS=2"
    before = _blas_threads()
    with single_threaded():
        assert _blas_threads() == before


def _coretype_after_cli(env: dict[str, str]) -> str:
    code = "import os, dltutor.tutor.cli; print(os.environ.get('OPENBLAS_CORETYPE', ''))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_an_openblas_coretype_the_user_set_is_kept() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DLTUTOR_BLAS", "OPENBLAS_CORETYPE")}
    env["PYTHONPATH"] = str(ROOT)
    assert _coretype_after_cli({**env, "OPENBLAS_CORETYPE": "Haswell"}) == "Haswell"
    flags = ""
    if Path("/proc/cpuinfo").exists():
        flags = next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")),
                     "")
    if "avx512f" in flags.split():
        assert _coretype_after_cli(env) == "SkylakeX"  # the pin still applies when nothing is set


def test_a_learner_child_gets_one_blas_thread_unless_the_user_chose(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from dltutor.core import learner

    seen: list[dict] = []

    class Stop(Exception):
        pass

    def fake_run(command, **kwargs):
        seen.append(kwargs["env"])
        raise Stop

    from dltutor.core import sandbox

    monkeypatch.setattr(sandbox, "run", fake_run)
    for name in learner.BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(Stop):
        learner._run_child({}, 1.0, "x.py")
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    with pytest.raises(Stop):
        learner._run_child({}, 1.0, "x.py")
    assert seen[0]["OPENBLAS_NUM_THREADS"] == "1"
    assert "OPENBLAS_NUM_THREADS" not in seen[1] and seen[1]["MKL_NUM_THREADS"] == "3"
