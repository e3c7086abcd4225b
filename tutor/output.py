"""Shared helpers for CLI output: JSON that understands NumPy, and plain-text tables."""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def number(text: str, field: str, allowed: str, integer: bool = False) -> float:
    """Parse a command-line number, or raise :class:`core.errors.TutorError` naming the field."""
    from dltutor.core.errors import TutorError

    try:
        value = float(str(text).strip())
    except ValueError:
        raise TutorError(field, f"not a number: {text!r}", allowed) from None
    if not math.isfinite(value) or (integer and value != int(value)):
        raise TutorError(field, f"not a {'whole' if integer else 'finite'} number: {text!r}", allowed)
    return int(value) if integer else value


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _finite(float(obj))
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if hasattr(obj, "to_dict"):
        return _clean(obj.to_dict())
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def _finite(x: float) -> float | str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _clean(obj: Any) -> Any:
    """Replace non-finite floats by strings: JSON has no inf or nan."""
    if isinstance(obj, float):
        return _finite(obj)
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    """One JSON document; NumPy scalars and arrays become plain JSON, inf and nan become strings."""
    return json.dumps(_clean(obj), default=_default, allow_nan=False)


def print_json(obj: Any) -> None:
    """Print one JSON document on one line to standard output."""
    sys.stdout.write(dumps(obj) + "\n")


def table(rows: list[list[str]], header: list[str] | None = None) -> str:
    """A plain-text table with columns padded to their widest cell."""
    all_rows = ([header] if header else []) + rows
    if not all_rows:
        return ""
    widths = [max(len(str(r[i])) for r in all_rows) for i in range(len(all_rows[0]))]
    lines = []
    for n, row in enumerate(all_rows):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
        if header and n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
