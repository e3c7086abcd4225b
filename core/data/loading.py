"""Reading a dataset file: ``.npz``, ``.csv`` or the course's ``.mat``, every failure a :class:`TutorError`."""

from __future__ import annotations

import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from dltutor.core.data.dataset import SPLIT_NAMES, Dataset, dataset_from_parts
from dltutor.core.data.validate import as_float
from dltutor.core.errors import TutorError
from dltutor.core.files import regular_file, shorten
from dltutor.core.types import Array

#: Data files larger than this are refused before they are read (the largest sensible course file is a few MB).
MAX_FILE_BYTES = 512 * 2**20

FILE_TYPES = ".npz, .csv or .mat"


def load_file(path: str | Path) -> Dataset:
    """Read a dataset file.

    Formats:
        ``.npz``: keys ``train_X, train_Y`` with optional ``dev_X, dev_Y`` and ``test_X, test_Y`` (examples as
        columns, as the course's arrays), or a single set under ``X, Y``.
        ``.csv``: one example per row, the label in the last column, an optional header line, comma or
        whitespace separated; ``#`` lines are comments. It becomes a train set only.
        ``.mat``: the course's ``data.mat`` keys ``X, y, Xval, yval`` (optionally ``Xtest, ytest``), one
        example per row. ``Xval`` is the test set when there is no ``Xtest`` (the Regularization exercise
        evaluates on it), else the dev set. Needs scipy (the ``mat`` extra).

    Labels may be ``(m,)``, ``(m, 1)`` or ``(1, m)``; ``X`` is transposed when its rows are the examples
    (decided by matching m).

    Returns:
        A :class:`Dataset` named after the file, ``float64`` arrays.

    Raises:
        TutorError: field ``data``, for a missing or unreadable file, unknown extension, missing keys,
            mismatched shapes, NaN/inf, or labels that are not class ids.
    """
    suffix = Path(str(path)).suffix.lower()
    if suffix not in (".npz", ".csv", ".mat"):
        raise TutorError("data", f"unknown file type {shorten(suffix or '(none)', 20)!r} for "
                         f"{shorten(Path(str(path)).name)}", FILE_TYPES)
    p = regular_file(path, "data", f"an existing {FILE_TYPES} file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TutorError("data", f"{shorten(p.name)} is {size / 2**20:,.0f} MiB, larger than the tutor reads",
                         f"a {FILE_TYPES} file of at most {MAX_FILE_BYTES // 2**20} MiB")
    try:
        if suffix == ".npz":
            parts = _read_npz(p)
        elif suffix == ".csv":
            parts = _read_csv(p)
        else:
            parts = _read_mat(p)
        return dataset_from_parts(shorten(p.name), parts, source=f"file {shorten(str(p))}")
    except TutorError as e:
        if e.problem.startswith(shorten(p.name)) or e.field != "data":
            raise
        raise TutorError(e.field, f"{shorten(p.name)}: {e.problem}", e.allowed) from None


def _orient(X: Array, Y: Array, xname: str, yname: str, rows_are_examples: bool) -> tuple[Array, Array]:
    """Return ``X`` ``(n_x, m)`` and ``Y`` ``(1, m)`` from labels of shape (m,), (m, 1) or (1, m)."""
    X = as_float(X, "data", xname)
    Y = as_float(Y, "data", yname)
    if Y.ndim == 2 and 1 in Y.shape:
        Y = Y.reshape(-1)
    if Y.ndim != 1:
        raise TutorError("data", f"{yname} has shape {Y.shape}", "labels of shape (m,), (m, 1) or (1, m)")
    m = Y.shape[0]
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2:
        raise TutorError("data", f"{xname} must be 2-D, got shape {X.shape}",
                         "an (n_features, m) or (m, n_features) array")
    rows, cols = X.shape
    if rows == m and (cols != m or rows_are_examples):
        X = X.T
    elif cols != m:
        raise TutorError("data", f"{xname} has shape {X.shape} but {yname} holds {m} labels",
                         "one dimension of X equal to the number of labels")
    return X, Y[None, :]


def _npz_members_fit(p: Path) -> None:
    """Read each array's header in the archive and refuse one that declares more data than a file may hold
    (a crafted or damaged header would otherwise ask NumPy for hundreds of GiB before reading a byte)."""
    total = 0
    with zipfile.ZipFile(p) as z:
        for info in z.infolist():
            if not info.filename.endswith(".npy"):
                continue
            with z.open(info) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            total += math.prod(shape) * dtype.itemsize
            if total > MAX_FILE_BYTES * 4:
                raise TutorError("data", f"{shorten(p.name)}: {info.filename[:-4]} declares shape {shape}, "
                                 f"{total / 2**30:,.1f} GiB in all", "arrays of at most "
                                 f"{MAX_FILE_BYTES * 4 // 2**20:,} MiB in all")


_NPZ_ALLOWED = "a NumPy .npz archive written by np.savez"


def _read_npz(p: Path) -> dict[str, tuple[Array, Array]]:
    if not zipfile.is_zipfile(p):
        with open(p, "rb") as f:
            npy = f.read(6) == b"\x93NUMPY"
        raise TutorError("data", f"cannot read {shorten(p.name)}: " + ("it is a single-array .npy file, not an "
                         ".npz archive" if npy else "it is not an .npz archive (not a zip file)"), _NPZ_ALLOWED)
    try:
        _npz_members_fit(p)
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except TutorError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, zlib.error, MemoryError,
            NotImplementedError, TypeError, SyntaxError) as e:
        why = "its compressed data is damaged" if isinstance(e, zlib.error) else f"{type(e).__name__}: {e}"
        raise TutorError("data", f"cannot read {shorten(p.name)} as .npz ({shorten(why)})", _NPZ_ALLOWED) from None
    if "train_X" in arrays or "train_Y" in arrays:
        names = [s for s in SPLIT_NAMES if f"{s}_X" in arrays or f"{s}_Y" in arrays]
        parts = {}
        for s in names:
            if f"{s}_X" not in arrays or f"{s}_Y" not in arrays:
                missing = f"{s}_X" if f"{s}_X" not in arrays else f"{s}_Y"
                raise TutorError("data", f"{p.name} has no {missing} key", _NPZ_KEYS)
            parts[s] = _orient(arrays[f"{s}_X"], arrays[f"{s}_Y"], f"{s}_X", f"{s}_Y",
                               rows_are_examples=False)
        return parts
    if "X" in arrays and ("Y" in arrays or "y" in arrays):
        Y = arrays["Y"] if "Y" in arrays else arrays["y"]
        return {"train": _orient(arrays["X"], Y, "X", "Y", rows_are_examples=False)}
    raise TutorError("data", f"{p.name} has keys {sorted(arrays) or 'none'}", _NPZ_KEYS)


_NPZ_KEYS = "train_X, train_Y with optional dev_X, dev_Y, test_X, test_Y; or X, Y"


def _read_csv(p: Path) -> dict[str, tuple[Array, Array]]:
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise TutorError("data", f"cannot read {p.name} as text ({type(e).__name__})",
                         "a UTF-8 .csv file of numbers") from None
    rows: list[list[float]] = []
    width = None
    allowed = "numbers, one example per row, label last, comma or whitespace separated, optional header"
    seen_first = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")] if "," in line else line.split()
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if not seen_first:
                seen_first = True  # a header line
                continue
            bad = next(c for c in cells if not _is_float(c))
            raise TutorError("data", f"line {lineno}: {bad!r} is not a number", allowed) from None
        seen_first = True
        if width is None:
            width = len(values)
        elif len(values) != width:
            raise TutorError("data", f"line {lineno} has {len(values)} values, earlier rows have {width}",
                             allowed)
        rows.append(values)
    if not rows:
        raise TutorError("data", "no data rows", allowed)
    if width is None or width < 2:
        raise TutorError("data", "each row needs at least one feature and a label", allowed)
    arr = np.array(rows)
    return {"train": (arr[:, :-1].T.copy(), arr[:, -1][None, :].copy())}


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_mat(p: Path) -> dict[str, tuple[Array, Array]]:
    try:
        import scipy.io
    except ImportError:
        raise TutorError("data", "reading .mat files needs the mat extra",
                         "pip install 'dltutor[mat]'") from None
    try:
        mat = scipy.io.loadmat(str(p))
    except Exception as e:  # scipy raises many exception types for a bad file; all mean "unreadable"
        raise TutorError("data", f"cannot read {p.name} as a MATLAB .mat file ({type(e).__name__})",
                         "a .mat file with X, y (and Xval, yval)") from None
    keys = sorted(k for k in mat if not k.startswith("__"))
    allowed = "keys X, y, optionally Xval, yval and Xtest, ytest (one example per row)"
    if "X" not in mat or "y" not in mat:
        raise TutorError("data", f"{p.name} has keys {keys or 'none'}", allowed)
    parts = {"train": _orient(mat["X"], mat["y"], "X", "y", rows_are_examples=True)}
    val_name = "dev" if "Xtest" in mat else "test"
    for xk, yk, s in (("Xval", "yval", val_name), ("Xtest", "ytest", "test")):
        if (xk in mat) != (yk in mat):
            raise TutorError("data", f"{p.name} has {xk if xk in mat else yk} without its partner", allowed)
        if xk in mat:
            parts[s] = _orient(mat[xk], mat[yk], xk, yk, rows_are_examples=True)
    return {s: parts[s] for s in SPLIT_NAMES if s in parts}
