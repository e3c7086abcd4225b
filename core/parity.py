"""The switches that reproduce the course's published numbers, in one explicit object.

The course's notebooks have quirks a tutor would not choose, but its published costs and accuracies need
them. Each one is off by default and turned on by the course presets (:mod:`core.presets`); the training
loop (:mod:`core.train`) reads them from :attr:`TrainConfig.parity <core.train.TrainConfig>`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from dltutor.core.rng import Rng, make_rng


@dataclass(frozen=True)
class CourseParity:
    """How closely a run follows the course's own code.

    Args:
        legacy_rng: draw with ``np.random.RandomState(seed)`` as the course does (``randn``/``rand``
            order), instead of a PCG64 ``Generator``.
        fixed_masks: draw the dropout masks once and reuse them every iteration: the dropout exercise
            reseeds before every forward pass, so its masks never change.
        mask_seed: the seed of the fixed masks (the course reseeds with 1).
        scale_delta_first: apply the ``1/m`` to ``dZ[L]`` before backpropagating, as the Initialization
            exercise does, instead of to each gradient, as the Regularization exercise does. Same maths,
            rounded differently; the chaotic random-init run (weights times 10) needs the exercise's order
            to reproduce its published costs.
    """

    legacy_rng: bool = False
    fixed_masks: bool = False
    mask_seed: int = 1
    scale_delta_first: bool = False

    def rng(self, seed: int) -> Rng:
        """The run's generator for ``seed``: legacy ``RandomState`` or PCG64, as :attr:`legacy_rng` says."""
        return make_rng(seed, legacy=self.legacy_rng)

    def to_dict(self) -> dict[str, bool | int]:
        return asdict(self)


#: The names of :class:`CourseParity`'s switches (``TrainConfig`` accepts them as keywords too).
PARITY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CourseParity))
