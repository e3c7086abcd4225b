"""Datasets: toy generators, the course stand-ins, files, splitting and augmentation.

Every array follows the course's convention: ``X`` is ``(n_x, m)`` (examples are columns) and ``Y`` is
``(1, m)``, both ``float64``. Labels are 0/1 for two classes, or class ids ``0..K-1`` (contiguous) for K.

Everything random takes an explicit ``rng``: a ``np.random.Generator``, a legacy ``RandomState`` (course
parity), an ``int`` seed, or ``None`` for the fixed :data:`DEFAULT_SEED`, so a run is repeatable unless the
caller asks otherwise.

The modules, by responsibility:

- :mod:`.dataset`: the :class:`Dataset` (train and optional dev and test sets);
- :mod:`.validate`: checks on arrays (:func:`validate_xy`) and on the functions' arguments;
- :mod:`.generators`: the 2-D toy datasets and :func:`make_dataset`;
- :mod:`.course`: stand-ins for the course exercises' data files;
- :mod:`.loading`: reading ``.npz``, ``.csv`` and ``.mat`` files;
- :mod:`.splitting`: shuffling and cutting into train/dev/test;
- :mod:`.augmentation`: reflections and jittered copies;
- :mod:`.lookup`: :func:`get_dataset`, any of the above by name or path (the CLI's and the lab's entry point).
"""

from dltutor.core.data.augmentation import MAX_AUGMENTED, MAX_COPIES, augment, reflect
from dltutor.core.data.course import COURSE_STANDINS, FOOTBALL_SEED, course_standin
from dltutor.core.data.dataset import Dataset
from dltutor.core.data.generators import (
    GENERATORS,
    M_RANGE,
    NOISE_RANGE,
    GeneratorSpec,
    blobs_generator,
    circles_generator,
    flower_generator,
    make_dataset,
    moons_generator,
    spiral_generator,
    xor_generator,
)
from dltutor.core.data.loading import MAX_FILE_BYTES, load_file
from dltutor.core.data.lookup import DATASET_NAMES, DEFAULT_M, DEFAULT_NOISE, DEFAULT_RATIOS, get_dataset
from dltutor.core.data.splitting import split, split_sizes
from dltutor.core.data.validate import DEFAULT_SEED, MAX_ABS_VALUE, MAX_CLASSES, REFLECTIONS, validate_xy

__all__ = [
    "COURSE_STANDINS", "DATASET_NAMES", "DEFAULT_M", "DEFAULT_NOISE", "DEFAULT_RATIOS", "DEFAULT_SEED",
    "FOOTBALL_SEED", "GENERATORS", "MAX_ABS_VALUE", "MAX_AUGMENTED", "MAX_CLASSES", "MAX_COPIES",
    "MAX_FILE_BYTES", "M_RANGE", "NOISE_RANGE", "REFLECTIONS", "Dataset", "GeneratorSpec", "augment",
    "blobs_generator", "circles_generator", "course_standin", "flower_generator", "get_dataset", "load_file",
    "make_dataset", "moons_generator", "reflect", "spiral_generator", "split", "split_sizes", "validate_xy",
    "xor_generator",
]
