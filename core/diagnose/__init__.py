"""The diagnostic assistant: bias and variance from errors, the basic recipe, and train/dev/test split advice.

Everything here is deterministic and explains itself, so the CLI (``dltutor diagnose``, ``dltutor split``),
``dltutor ask`` and the app's screen show the same verdicts with the same words. The modules:

- :mod:`.rates`: reading error rates as typed (``1%``, ``11``, ``0.01``, ``ten percent``);
- :mod:`.measure`: the gaps, which are high, and which to work on first, as numbers and enums;
- :mod:`.recipe`: the basic recipe's steps for each gap;
- :mod:`.wording`: the verdict, summary, advice, assumptions and notes in words (a :class:`Diagnosis` carries
  them);
- :mod:`.diagnosis`: :func:`diagnose`, which puts them together.

How a diagnosis is laid out for a reader (``dltutor diagnose``'s text, the table of numbers) is
:mod:`dltutor.tutor.text.diagnose`. The split advice is :mod:`dltutor.core.split`, importable from here too.
"""

from dltutor.core.diagnose.diagnosis import COURSE_TABLE, Diagnosis, course_table, diagnose
from dltutor.core.diagnose.measure import (
    CLEARLY_LARGER,
    HIGH_GAP,
    NEGLIGIBLE_GAP,
    RELATIVE_FACTOR,
    Gap,
    High,
    Measurement,
    how_high,
    measure,
)
from dltutor.core.diagnose.rates import parse_error, parse_errors, unit_warnings
from dltutor.core.diagnose.recipe import (
    BIAS_STEPS,
    DEV_OVERFIT_STEPS,
    MISMATCH_STEPS,
    PROBLEM_DEMOS,
    VARIANCE_STEPS,
    RecipeStep,
)
from dltutor.core.diagnose.wording import BELOW_BAYES, DEV_BELOW_TRAIN
from dltutor.core.split import (  # split advice lived here; its users import it from either
    BIG_DATA,
    MAX_EXAMPLES,
    SMALL_DATA,
    SplitAdvice,
    pad_rows,
    parse_count,
    render_split,
    split_advice,
)

__all__ = [
    "BELOW_BAYES", "BIAS_STEPS", "BIG_DATA", "CLEARLY_LARGER", "COURSE_TABLE", "DEV_BELOW_TRAIN",
    "DEV_OVERFIT_STEPS", "HIGH_GAP", "MAX_EXAMPLES", "MISMATCH_STEPS", "NEGLIGIBLE_GAP", "PROBLEM_DEMOS",
    "RELATIVE_FACTOR", "SMALL_DATA", "VARIANCE_STEPS", "Diagnosis", "Gap", "High", "Measurement", "RecipeStep",
    "SplitAdvice", "course_table", "diagnose", "how_high", "measure", "pad_rows", "parse_count", "parse_error",
    "parse_errors", "render_split", "split_advice", "unit_warnings",
]
