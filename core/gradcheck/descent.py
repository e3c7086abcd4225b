"""Plain gradient descent before a second check (``after_iterations``).

Not :mod:`core.train`'s loop: that one keeps its parameters in flat buffers, records progress and stops on
divergence with a message; the check needs :mod:`core.network`'s own forward and backward (the gradients it
checks against) and parameters that may overflow, which the check that follows reports as "cannot tell".
"""

from __future__ import annotations

import numpy as np

from dltutor.core.network import Architecture, backward, forward
from dltutor.core.types import Array, Params


def train(arch: Architecture, params: Params, X: Array, Y: Array, iterations: int,
          learning_rate: float = 0.3, *, l2: float = 0.0, l1: float = 0.0) -> Params:
    """Plain gradient descent with :mod:`core.network`'s forward and backward (no dropout).

    Returns:
        New parameters; ``params`` is left as it was.
    """
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    # A learning rate far too large overflows: the check that follows says so ("cannot tell"), and once a
    # parameter is nan or inf every further step only keeps it there.
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            AL, caches = forward(X, params, arch)
            grads = backward(AL, Y, caches, params, arch, l2=l2, l1=l1)
            for name in params:
                params[name] = params[name] - learning_rate * grads["d" + name]
            if not all(np.isfinite(v).all() for v in params.values()):
                break
    return params
