"""Type aliases for the core's annotations: arrays of any dtype and the course's parameter dictionaries."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

#: An array of any dtype and shape (activations, labels, masks, indices); shapes go in docstrings.
Array: TypeAlias = npt.NDArray[Any]
#: A float64 array, where the dtype matters (flattened parameter vectors, finite differences).
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: ``W1, b1, W2, ...`` (or ``dW1, db1, ...``) in the course's order.
Params: TypeAlias = dict[str, Array]
