"""Gradient checking, the course's way, and the localization of what is wrong.

The course's check: flatten the parameters to one vector ``theta`` (W1, b1, W2, b2, ... each reshaped to
``(-1, 1)``, row-major), estimate every component of the gradient by the two-sided difference
``(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)`` and compare with backpropagation's gradient through

    difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||)

Below 1e-7 the gradient is right (great), around 1e-5 it needs a careful look at each component, above about
1e-3 there is very likely a bug (the exercise's threshold is 2e-7 at ``eps = 1e-7``); the bands are defined
once, in :mod:`core.bands`.

Beyond the course, the package says *where* the mistake is: per parameter block (``dW1``, ``db1``, ...) and
per element, with the ratio analytic/numeric when it is a constant ("dW2 is 2.00 times the true gradient")
and the pattern otherwise, while ReLU kinks are reported instead of flagged; a block is flagged only when it
is off beyond the round-off of the perturbed costs.

The modules, in the order a check runs through them:

- :mod:`.api`: :func:`gradient_check` and :func:`check_variant`, the entry points;
- :mod:`.options`: the options, their allowed values and validation (:class:`CheckOptions`);
- :mod:`.budget`: the memory and work a check takes, and the budgets that refuse too much;
- :mod:`.vectors`: the course's vector view of the parameters and the relative difference;
- :mod:`.perturb`: the batched perturbation engine (the perturbed costs and their differences, kinks);
- :mod:`.roundoff`: the round-off bound of the perturbed costs;
- :mod:`.localize`: the gradients compared block by block and element by element;
- :mod:`.hints`: what a flagged block's numbers say, and the report's advice;
- :mod:`.verdict`: the relative tolerance, the "cannot tell" verdict, the fast check's verdict;
- :mod:`.assemble` and :mod:`.report`: the :class:`GradCheckReport` and its JSON;
- :mod:`.descent`: gradient descent before a second check;
- :mod:`.demos`: the lessons' epsilon sweep and one-dimensional demonstrations;
- :mod:`.words`: plurals and short numbers for the report's sentences.

Plain-text rendering of a report lives outside the core, in :mod:`tutor.text.gradcheck`.
"""

from __future__ import annotations

from dltutor.core.bands import BUG_THRESHOLD, COURSE_THRESHOLD, LIKELY_BUG, Band, band_name, verdict_band
from dltutor.core.catalogue import DEFAULT_SWEEP
from dltutor.core.catalogue import GRADCHECK_MODES as MODES
from dltutor.core.gradcheck.api import (
    COURSE_CASE_NAME,
    DROPOUT_WHY,
    BackwardFn,
    check_variant,
    gradient_check,
    sample_index,
)
from dltutor.core.gradcheck.assemble import assemble_report
from dltutor.core.gradcheck.budget import (
    FULL_FALLBACK_LIMIT,
    MAX_ACTIVATION_FLOATS,
    MAX_CHECK_WORK,
    MAX_TRAIN_WORK,
    check_budget,
    numeric_work,
    training_work,
)
from dltutor.core.gradcheck.demos import (
    MAX_THETA,
    course_one_dimensional_check,
    epsilon_sweep,
    one_dimensional_demo,
)
from dltutor.core.gradcheck.descent import train
from dltutor.core.gradcheck.hints import NEAR_CONSTANT
from dltutor.core.gradcheck.options import (
    DEFAULT_SAMPLES,
    FALLBACKS,
    MAX_EPSILON,
    MAX_ITERATIONS,
    METHODS,
    MIN_EPSILON,
    CheckOptions,
    check_epsilon,
)
from dltutor.core.gradcheck.perturb import LAYER_EXACT_LIMIT, MEMORY_BUDGET, STRATEGIES, WHOLE_LIMIT
from dltutor.core.gradcheck.report import BlockReport, GradCheckReport
from dltutor.core.gradcheck.roundoff import EPS_MACHINE, UNIT_ROUNDOFF
from dltutor.core.gradcheck.vectors import (
    COURSE_SHAPES,
    dictionary_to_vector,
    gradients_to_vector,
    parameter_names,
    relative_difference,
    vector_to_dictionary,
)
from dltutor.core.gradcheck.verdict import (
    CANNOT_TELL,
    COURSE_EPSILON,
    FLAG_RELATIVE,
    ROUNDOFF_SAFETY,
    cannot_tell_band,
    fast_verdict,
    relative_tolerance,
)
from dltutor.core.gradcheck.words import ratio_text

__all__ = [
    "BUG_THRESHOLD", "CANNOT_TELL", "COURSE_CASE_NAME", "COURSE_EPSILON", "COURSE_SHAPES", "COURSE_THRESHOLD",
    "DEFAULT_SAMPLES", "DEFAULT_SWEEP", "DROPOUT_WHY", "EPS_MACHINE", "FALLBACKS", "FLAG_RELATIVE",
    "FULL_FALLBACK_LIMIT", "LAYER_EXACT_LIMIT", "LIKELY_BUG", "MAX_ACTIVATION_FLOATS", "MAX_CHECK_WORK",
    "MAX_EPSILON", "MAX_ITERATIONS", "MAX_THETA", "MAX_TRAIN_WORK", "MEMORY_BUDGET", "METHODS", "MIN_EPSILON",
    "MODES", "NEAR_CONSTANT", "ROUNDOFF_SAFETY", "STRATEGIES", "UNIT_ROUNDOFF", "WHOLE_LIMIT",
    "BackwardFn", "Band", "BlockReport", "CheckOptions", "GradCheckReport",
    "assemble_report", "band_name", "cannot_tell_band", "check_budget", "check_epsilon", "check_variant",
    "course_one_dimensional_check", "dictionary_to_vector", "epsilon_sweep", "fast_verdict", "gradient_check",
    "gradients_to_vector", "numeric_work", "one_dimensional_demo", "parameter_names", "ratio_text",
    "relative_difference", "relative_tolerance", "sample_index", "train", "training_work",
    "vector_to_dictionary", "verdict_band",
]
