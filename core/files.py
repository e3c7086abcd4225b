"""Opening a file the learner names: every way a path can fail becomes one :class:`TutorError`.

A path from the command line or a form may be missing, a folder, a FIFO or a device (reading would block
or never end), longer than the file system allows, or inside a folder the user cannot enter. Each gives an
operating-system error of its own; :func:`regular_file` turns them all into one message that names the
field, shows the path (shortened when it is long) and says what is allowed.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from dltutor.core.errors import TutorError

#: Characters of a user's value shown in a message; longer values are cut in the middle.
SHOWN = 80


def shorten(text: str, limit: int = SHOWN) -> str:
    """``text`` cut to about ``limit`` characters, keeping its start and end (a path keeps its extension)."""
    text = str(text)
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head - 1
    return f"{text[:head]}…{text[-tail:]}"


def _describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot be opened: permission denied (a folder on the way cannot be entered, or the file is " \
               "not readable)"
    if exc.errno == errno.ENAMETOOLONG:
        return "has a name longer than the file system allows"
    return f"cannot be opened ({exc.strerror or type(exc).__name__})"


def regular_file(path: str | os.PathLike[str], field: str, allowed: str) -> Path:
    """The path as a :class:`Path` when it names an existing regular file the user can read.

    Args:
        path: what the user gave.
        field: the option or field named in the error (``--data``).
        allowed: what is allowed, in words.

    Raises:
        TutorError: empty, missing, a folder, a FIFO or device, too long, unreadable or not enterable.
    """
    text = os.fspath(path)
    shown = shorten(text)
    if not str(text).strip():
        raise TutorError(field, "empty path", allowed)
    if "\0" in str(text):
        raise TutorError(field, f"{shown!r} holds a NUL character", allowed)
    p = Path(text).expanduser()
    try:
        info = p.stat()
    except FileNotFoundError:
        raise TutorError(field, f"no file at {shown}", allowed) from None
    except NotADirectoryError:
        raise TutorError(field, f"no file at {shown} (a part of the path is a file, not a folder)",
                         allowed) from None
    except (OSError, ValueError) as exc:
        problem = _describe(exc) if isinstance(exc, OSError) else "is not a usable path"
        raise TutorError(field, f"{shown} {problem}", allowed) from None
    if stat.S_ISDIR(info.st_mode):
        raise TutorError(field, f"{shown} is not a file (it is a folder)", allowed)
    if not stat.S_ISREG(info.st_mode):
        raise TutorError(field, f"{shown} is not a regular file (a pipe, socket or device)", allowed)
    if not os.access(p, os.R_OK):
        raise TutorError(field, f"{shown} cannot be read: permission denied", allowed)
    return p


def read_bytes(path: Path, field: str, allowed: str, limit: int) -> bytes:
    """The bytes of a file checked by :func:`regular_file`, refusing one larger than ``limit`` bytes.

    Raises:
        TutorError: too large, or an error while reading (permission, a disk error).
    """
    shown = shorten(str(path))
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise TutorError(field, f"{shown} {_describe(exc)}", allowed) from None
    if len(data) > limit:
        raise TutorError(field, f"{shown} is larger than {limit / 2**20:g} MiB", allowed)
    return data
