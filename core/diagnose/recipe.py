"""The basic recipe (course Week 1, "Basic recipe for machine learning"): what to try for each gap, in order."""

from __future__ import annotations

from dataclasses import dataclass

from dltutor.core.diagnose.measure import Gap, Measurement


@dataclass(frozen=True)
class RecipeStep:
    """One step of the basic recipe.

    Args:
        title: what to do (``"Bigger network"``).
        why: one sentence on why it helps, in the course's terms.
        lab_preset: a preset id of the lab that demonstrates the step, or ``None``.
    """

    title: str
    why: str
    lab_preset: str | None = None


#: The bias half of the basic recipe, in the course's order.
BIAS_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "Bigger network",
        "more hidden units or layers let the network fit the training set; with proper regularization a "
        "bigger network almost never hurts",
        "lesson-underfit",
    ),
    RecipeStep("Train longer", "more iterations help while the training cost is still going down", None),
    RecipeStep(
        "Better optimization algorithm",
        "momentum, RMSprop or Adam (next week's topic) reach a lower training cost",
        None,
    ),
    RecipeStep(
        "Another architecture",
        "a different network architecture may fit this problem better (it may or may not help)",
        None,
    ),
)

#: The variance half of the basic recipe, in the course's order.
VARIANCE_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "More data",
        "the surest cure for variance, and it does not hurt bias, when you can get it",
        None,
    ),
    RecipeStep(
        "Regularization: L2",
        "penalizing large weights (lambda/2m sum ||W||^2) makes the network simpler and closer to linear",
        "course-reg-l2",
    ),
    RecipeStep(
        "Regularization: dropout",
        "randomly dropping units means no unit can rely on any one input, which spreads out the weights",
        "course-reg-dropout",
    ),
    RecipeStep(
        "Regularization: data augmentation",
        "flipped, cropped or distorted copies of training examples are cheap extra data",
        "lesson-augment",
    ),
    RecipeStep(
        "Early stopping",
        "stop where dev error is lowest; it couples fitting and regularizing (not orthogonal), so prefer L2 "
        "if you can afford to search lambda",
        "lesson-early-stopping",
    ),
    RecipeStep(
        "Another architecture",
        "a different network architecture may generalize better (it may or may not help)",
        None,
    ),
)

#: Steps for a gap between the training and the dev distributions.
MISMATCH_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "Error analysis of the mismatch",
        "look by hand at dev examples the network gets wrong to see how they differ from the training data",
        None,
    ),
    RecipeStep(
        "Make training data more like dev",
        "collect more data like the dev set, or synthesize it (without synthesizing from a tiny subset)",
        None,
    ),
)

#: Steps for a test error well above the dev error.
DEV_OVERFIT_STEPS: tuple[RecipeStep, ...] = (
    RecipeStep(
        "Bigger dev set",
        "tuning many choices on the dev set overfits it; a bigger dev set (same distribution as test) "
        "gives a more reliable signal",
        None,
    ),
)

#: Lab presets that show a problem itself (rather than a cure).
PROBLEM_DEMOS = {"high bias": "lesson-underfit", "high variance": "lesson-overfit"}

#: The steps for each gap.
STEPS: dict[Gap, tuple[RecipeStep, ...]] = {Gap.AVOIDABLE_BIAS: BIAS_STEPS, Gap.VARIANCE: VARIANCE_STEPS,
                                             Gap.DATA_MISMATCH: MISMATCH_STEPS, Gap.DEV_OVERFITTING: DEV_OVERFIT_STEPS}


def recipe_for(m: Measurement) -> list[RecipeStep]:
    """The steps that apply: the focus's first, then the other high gaps' in the course's order."""
    recipe: list[RecipeStep] = []
    if m.focus is not None:
        recipe.extend(STEPS[m.focus])
        for gap in Gap:
            if gap != m.focus and m.high[gap]:
                recipe.extend(STEPS[gap])
    return recipe
