"""BLAS threads for training and checking: one thread while the work runs, unless the learner chose.

Course-sized matrices (a few hundred examples, layers of tens of units) gain nothing from BLAS threads, and
on a busy machine OpenBLAS's spinning threads make a run several times slower. :func:`single_threaded`
limits the loaded BLAS to one thread for the duration of a ``with`` block (threadpoolctl, in this process,
restored afterwards): no environment variable is changed. A BLAS thread variable the learner set
(``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ...: :data:`core.learner.BLAS_THREAD_VARIABLES`) is their
choice and is left alone.

The limit is process-wide while it holds, and the app runs training and checking in several worker threads
at once: the blocks are counted, the first one in sets the limit and the last one out restores it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

_lock = threading.Lock()
_holders = 0
_limiter: Any = None


def user_choice(environ: Mapping[str, str] | None = None) -> str | None:
    """The BLAS thread variable the user set (``NAME=value``), or None."""
    from dltutor.core.learner import BLAS_THREAD_VARIABLES  # one list: a learner's child process follows it too

    env = os.environ if environ is None else environ
    return next((f"{name}={env[name]}" for name in BLAS_THREAD_VARIABLES if env.get(name, "").strip()), None)


def _limit() -> Any:
    import numpy  # noqa: F401  (its BLAS must be loaded for threadpoolctl to find it)

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it the work runs as before
        return None
    return threadpool_limits(limits=1, user_api="blas")


@contextlib.contextmanager
def single_threaded() -> Iterator[None]:
    """Run the block with one BLAS thread (unless the user set a BLAS thread variable)."""
    global _holders, _limiter
    if user_choice() is not None:
        yield
        return
    with _lock:
        _holders += 1
        if _holders == 1:
            _limiter = _limit()
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _limiter is not None:
                _limiter.restore_original_limits()
                _limiter = None
