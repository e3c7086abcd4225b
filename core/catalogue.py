"""Names and limits that the core, the CLI and the app share: one NumPy-free definition.

The CLI's ``--help``, the app's forms and the palette list these before anything imports NumPy (start-up
stays quick); the engine modules take the same names from here, so there is nothing to keep in step. Plain
Python only: a test imports this module in a fresh interpreter and checks that NumPy stayed out.

Thresholds of the gradient-check verdict live in :mod:`core.bands` (also NumPy-free); the exercises'
catalogue in :mod:`core.exercises.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- gradient checking -------------------------------------------------------------------------------

#: How a check perturbs: every element (the course's loop), K random elements per block, or one random
#: direction first (``core.gradcheck``).
GRADCHECK_MODES = ("full", "sampled", "fast")
#: The epsilons of a sweep: 1e-1 down to 1e-10.
DEFAULT_SWEEP = tuple(10.0 ** -e for e in range(1, 11))
#: Seconds a learner's own backward pass may run in its child process (``core.learner``).
LEARNER_TIMEOUT = 20.0
#: The keep probability of the ``dropout-left-on`` variant.
DROPOUT_KEEP_PROB = 0.8


@dataclass(frozen=True)
class VariantInfo:
    """What a backprop variant is, without its code (``core.variants`` adds the backward function).

    Args:
        id: the name used on the command line (``--variant dW2-doubled``).
        description: one line.
        lesson: the lesson id it teaches.
        expected_flags: the gradient blocks the checker must flag on the course's case.
        needs_l2: the bug only shows when the cost has an L2 term.
        dropout: the variant leaves dropout on in backprop.
    """

    id: str
    description: str
    lesson: str
    expected_flags: tuple[str, ...]
    needs_l2: bool = False
    dropout: bool = False


#: The backprop variants, in the engine's order (``core.variants.VARIANTS``).
VARIANT_INFO: dict[str, VariantInfo] = {
    v.id: v
    for v in (
        VariantInfo("fixed", "the correct backward pass", "gradient-checking", ()),
        VariantInfo("course", "the exercise's code: dW2 with an extra factor 2 and db1 with 4/m instead of 1/m",
                    "gradient-checking", ("dW2", "db1")),
        VariantInfo("dW2-doubled", "dW2 = 1./m * np.dot(dZ2, A1.T) * 2 (an extra factor 2)",
                    "gradient-checking", ("dW2",)),
        VariantInfo("db1-times-4", "db1 = 4./m * np.sum(dZ1, axis=1, keepdims=True) (4/m instead of 1/m)",
                    "gradient-checking", ("db1",)),
        VariantInfo("missing-1-over-m", "dbL = np.sum(dZL, axis=1, keepdims=True) (the 1/m forgotten)",
                    "gradient-checking", ("db3",)),
        VariantInfo("wrong-activation-derivative", "sigmoid's derivative A*(1-A) used on the top ReLU layer",
                    "vanishing-gradients", ("dW1", "db1", "dW2", "db2")),
        VariantInfo("sign-flip", "dW1 = -1./m * np.dot(dZ1, X.T) (a minus sign slipped in)",
                    "gradient-checking", ("dW1",)),
        VariantInfo("forgot-l2-gradient", "the cost has the L2 term, dW lacks lambda/m * W", "regularization",
                    ("dW1", "dW2", "dW3"), needs_l2=True),
        VariantInfo("dropout-left-on", f"backprop still applies dropout masks (keep_prob {DROPOUT_KEEP_PROB})",
                    "dropout", ("dW1", "db1", "dW2", "db2"), dropout=True),
        VariantInfo("bias-summed-over-wrong-axis",
                    "db1 = 1./m * np.sum(dZ1, axis=0, keepdims=True) (shape error)", "gradient-checking",
                    ("db1",)),
    )
}
#: The variants' ids, in the engine's order.
VARIANT_IDS = tuple(VARIANT_INFO)

# -- networks and the deep-stack demo -------------------------------------------------------------------

#: The hidden activations, in the order of ``core.activations.ACTIVATIONS``.
ACTIVATION_NAMES = ("relu", "leaky_relu", "tanh", "sigmoid", "linear")
#: The deep demo's initializations, in the order of ``core.deep.INIT_CHOICES``.
INIT_NAMES = ("zeros", "normal", "small", "random", "xavier", "he", "inv-sqrt", "identity")
#: The same, as a menu: the ones that keep a deep stack stable first (the vanishing panel).
INIT_MENU = ("he", "xavier", "inv-sqrt", "small", "normal", "random", "zeros", "identity")
#: The deep demo's limits: layers and units per layer (``core.deep``).
DEEP_MAX_DEPTH = 200
DEEP_MAX_WIDTH = 2000
