"""One entry point for the CLI and the UI: any dataset by generator name, stand-in name or file path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dltutor.core.data.course import COURSE_STANDINS, course_standin
from dltutor.core.data.dataset import Dataset, dataset_from_parts
from dltutor.core.data.generators import GENERATORS, make_dataset
from dltutor.core.data.loading import FILE_TYPES, load_file
from dltutor.core.data.splitting import split
from dltutor.core.errors import TutorError
from dltutor.core.files import regular_file
from dltutor.core.rng import Rng

#: Names accepted by :func:`get_dataset` besides file paths.
DATASET_NAMES: tuple[str, ...] = tuple(GENERATORS) + tuple(f"course-{k}" for k in COURSE_STANDINS)

DEFAULT_M = 400
DEFAULT_NOISE = 0.1
DEFAULT_RATIOS = (0.7, 0.3)


def get_dataset(
    name_or_path: str | Path,
    *,
    m: int | None = None,
    noise: float | None = None,
    rng: Rng | int | None = None,
    ratios: Sequence[float] | None = None,
) -> Dataset:
    """A dataset by generator name, course stand-in name, or file path.

    Args:
        name_or_path: a key of :data:`GENERATORS`, ``course-circles``/``course-football``, or a path
            (ending in .npz/.csv/.mat, or an existing file).
        m: examples to generate (generators only; default 400).
        noise: generator noise (generators only; default 0.1).
        rng: Generator/RandomState/seed for generating and splitting; None is the fixed default.
        ratios: split fractions for generators (default (0.7, 0.3)) and for a file holding one set only.

    Data that comes with its own splits keeps them: the course stand-ins (always the course's fixed data,
    whatever ``rng``) and files with dev/test sets ignore ``rng`` and ``ratios``.

    Returns:
        A :class:`Dataset`.
    """
    text = str(name_or_path)
    if text in GENERATORS:
        return make_dataset(text, m=DEFAULT_M if m is None else m,
                            noise=DEFAULT_NOISE if noise is None else noise,
                            rng=rng, ratios=DEFAULT_RATIOS if ratios is None else ratios)
    is_standin = text in DATASET_NAMES
    try:
        is_file = Path(text).suffix.lower() in (".npz", ".csv", ".mat") or Path(text).expanduser().is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: say so, as a path
        regular_file(text, "data", f"an existing {FILE_TYPES} file")
        raise  # pragma: no cover - regular_file raised already
    if not is_standin and not is_file:
        raise TutorError("dataset", f"unknown dataset {text!r}",
                         f"{', '.join(DATASET_NAMES)}, or a {FILE_TYPES} file")
    for field, value in (("m", m), ("noise", noise)):
        if value is not None:
            raise TutorError(field, f"only generated datasets take {field}, not {text!r}",
                             f"{field} with one of {', '.join(GENERATORS)}")
    if is_standin:
        # The stand-ins ignore rng and ratios on purpose: they always give the course's fixed splits.
        return course_standin(text)
    ds = load_file(text)
    if ds.heldout is not None:
        return ds
    parts = split(ds.train_X, ds.train_Y, DEFAULT_RATIOS if ratios is None else ratios, rng)
    return dataset_from_parts(ds.name, parts, source=f"{ds.source}, split at random")
