"""The gradient-check verdict bands: one definition for the CLI, the workbench, its widgets and ask.

The course's rule for the relative difference ``||g_approx - g||_2 / (||g_approx||_2 + ||g||_2)`` at
epsilon 1e-7: below 1e-7 great; around 1e-5 look carefully at each component; above about 1e-3 very likely a
bug. The assignment's own pass threshold is 2e-7: it fails only when ``difference > 2e-7``, so exactly 2e-7
passes (round-off alone reaches about 1e-7 at epsilon 1e-7).

The bands' edges on a log scale:

* ``right``: up to and including :data:`COURSE_THRESHOLD` (2e-7): below 1e-7 great, 1e-7 to 2e-7 passes the
  assignment's threshold (which fails only above 2e-7);
* ``look``: above 2e-7 up to :data:`LIKELY_BUG` (1e-4): "around 1e-5", look carefully at each component;
* ``bug``: from 1e-4: 1e-4 is the log midpoint between "look carefully" (~1e-5) and "very likely a bug"
  (~1e-3); from there on a difference is closer to 1e-3 than to 1e-5 (so 3e-4 is not "may be fine"), and
  above 1e-3 is very likely a bug.

Plain Python (no NumPy), so widgets can draw the scale without pulling in the engine. Colours are Textual
theme variables (``success``, ``warning``, ``error``), the same in every screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Below this the gradient is great (the course's "< 1e-7").
GREAT_BELOW = 1e-7
#: The course assignment's pass threshold: it fails only when the difference is above it (2e-7 passes).
COURSE_THRESHOLD = 2e-7
#: The log midpoint between "look carefully" (~1e-5) and "very likely a bug" (~1e-3); from here: very likely a bug.
LIKELY_BUG = 1e-4
#: Above this the course says there is very likely a bug.
BUG_THRESHOLD = 1e-3

#: The band names, best first.
BAND_NAMES = ("right", "look", "bug")
#: Theme colour of each band (and of "cannot tell").
BAND_COLOUR = {"right": "success", "look": "warning", "bug": "error", "cannot tell": "secondary"}
#: Rich colour of each band where no theme is at hand (plain terminals).
BAND_RICH = {"right": "green", "look": "yellow", "bug": "red", "cannot tell": "magenta"}
#: The headline of each band.
HEADLINE = {"right": "RIGHT", "look": "LOOK CAREFULLY", "bug": "BUG", "cannot tell": "CANNOT TELL"}
#: The zones of the picture: (band, upper edge, short label).
ZONES = (("right", COURSE_THRESHOLD, "right < 2e-7 (pass)"), ("look", LIKELY_BUG, "look carefully ~1e-5"),
         ("bug", math.inf, "bug ≳1e-3"))


@dataclass(frozen=True)
class Band:
    """Where a difference falls on the course's scale.

    Args:
        name: ``"right"``, ``"look"``, ``"bug"`` (or ``"cannot tell"``).
        label: where it falls, in the course's words.
        advice: what to do about it.
    """

    name: str
    label: str
    advice: str

    @property
    def colour(self) -> str:
        """The band's theme colour (``success``, ``warning``, ``error``)."""
        return BAND_COLOUR.get(self.name, "secondary")

    @property
    def headline(self) -> str:
        return HEADLINE.get(self.name, self.name.upper())

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "label": self.label, "advice": self.advice, "colour": self.colour}


def band_name(difference: float) -> str:
    """``right``, ``look`` or ``bug`` for a difference (not finite: ``bug``)."""
    d = float(difference)
    if not math.isfinite(d):
        return "bug"
    if d <= COURSE_THRESHOLD:
        return "right"
    return "look" if d < LIKELY_BUG else "bug"


def verdict_band(difference: float) -> Band:
    """The course's verdict for a relative difference at epsilon 1e-7, with its words and advice.

    Args:
        difference: the relative difference.

    Returns:
        A :class:`Band`; its label names the course's scale and, between 1e-7 and 2e-7 or just above, the
        assignment's 2e-7 threshold.
    """
    d = float(difference)
    if not math.isfinite(d):
        return Band("bug", "not a finite number",
                    "a gradient is missing, has the wrong shape, or holds nan/inf: fix that first")
    if d < GREAT_BELOW:
        return Band("right", "below 1e-7: great",
                    "the gradient is right: backpropagation agrees with the numerical gradient")
    if d <= COURSE_THRESHOLD:
        where = ("at the assignment's 2e-7 threshold (passes: it fails only above 2e-7)"
                 if math.isclose(d, COURSE_THRESHOLD, rel_tol=1e-9) else
                 "about 1e-7, under the assignment's 2e-7 threshold (passes)")
        return Band("right", where,
                    "the gradient is right: at epsilon 1e-7 round-off alone gives about 1e-7")
    if d < LIKELY_BUG:
        near = "just above the assignment's 2e-7 threshold (it would not pass); " if d < 1e-6 else ""
        return Band("look", f"{near}around 1e-5: look carefully",
                    "check each component, block by block, for the one that stands out: a ReLU kink or a large "
                    "epsilon can explain a difference this size, and so can a small bug in a small block")
    if d <= BUG_THRESHOLD:
        return Band("bug", "between 'look carefully' (~1e-5) and 'very likely a bug' (~1e-3), toward 1e-3: "
                           "very likely a bug",
                    "look at the flagged blocks and compare them component by component")
    return Band("bug", "above 1e-3: very likely a bug", "look at the flagged blocks of backpropagation")


def describe(difference: float) -> str:
    """Where a difference falls in words, exact at the edges (``1e-3`` is "at 1e-3", not "above")."""
    d = float(difference)
    for edge, words in ((BUG_THRESHOLD, "at 1e-3, where the course says a bug is very likely"),
                        (LIKELY_BUG, "at 1e-4, between 'look carefully' (~1e-5) and 'very likely a bug' (~1e-3): "
                                     "treat as very likely a bug"),
                        (COURSE_THRESHOLD, "at 2e-7, the assignment's pass threshold: passes (it fails only above "
                                           "2e-7)"),
                        (GREAT_BELOW, "at 1e-7, within the assignment's 2e-7 threshold (passes)")):
        if math.isfinite(d) and math.isclose(d, edge, rel_tol=1e-9):
            return words
    return verdict_band(d).label
