"""Where the course's links lead: the lesson panels, which lesson each one practises, and where a lesson's
Try it or a palette entry goes.

UI-free (no Textual): the widgets that draw the links (``widgets/panel_link.py``, ``widgets/try_panel.py``,
the palette) and the screens that follow them share this one table, and none of them imports another
screen for it.
"""

from __future__ import annotations

from typing import Any

#: The panel screens (their Navigate targets) and what they show.
PANELS: dict[str, tuple[str, str]] = {
    "vanishing": ("Vanishing and exploding gradients",
                  "Depth, width, activation and initialization (or W = a*I): per-layer activation spread "
                  "and gradient norms"),
    "numgrad": ("Numerical approximation of gradients",
                "One- against two-sided differences on theta^3, and their error against epsilon"),
    "normalization": ("Normalizing inputs",
                      "The same network on raw and on normalized badly scaled features: cost curves and "
                      "iterations to a target cost"),
}

#: Lesson id -> the panel that lets the learner play with the lesson's idea.
LESSON_PANELS: dict[str, str] = {
    "normalizing-inputs": "normalization",
    "vanishing-gradients": "vanishing",
    "weight-init": "vanishing",
    "numerical-gradients": "numgrad",
}

#: Lesson id -> what the workbench teaches there (lessons whose Try it lists gradcheck variants).
WORKBENCH_LESSONS = ("numerical-gradients", "gradient-checking")

#: Try-it ids that a panel teaches better than a headless run: preset -> panel.
PANEL_PRESETS = {"lesson-normalize": "normalization"}


def panel_for_try(lesson_id: str) -> str | None:
    """The panel a lesson's Try it should offer, or None."""
    return LESSON_PANELS.get(lesson_id)


def palette_entries() -> list[tuple[str, Any, str]]:
    """(name, Navigate message, help) for the command palette: the workbench, each variant in it, and the
    panels."""
    from dltutor.core.catalogue import VARIANT_INFO
    from dltutor.tutor.messages import Navigate

    entries: list[tuple[str, Any, str]] = [
        ("Gradient-check workbench", Navigate("workbench"),
         "Check a buggy variant or your own backward pass: verdict bands, blocks, heat map, epsilon sweep"),
    ]
    for variant in VARIANT_INFO.values():
        entries.append((f"Gradcheck: {variant.id}", Navigate("workbench", try_id=variant.id),
                        f"{variant.description} (lesson {variant.lesson})"))
    for name, (title, text) in PANELS.items():
        entries.append((f"Panel: {title}", Navigate(name), text))
    return entries


def try_navigation(try_id: str) -> Any:
    """Where a lesson's Try it should go for ``try_id`` instead of running it headless, or None.

    A gradcheck variant opens the workbench on it; ``lesson-normalize`` opens the normalization panel,
    which trains that preset raw and normalized side by side; every other preset opens the live lab on it.
    """
    from dltutor.core.catalogue import VARIANT_IDS
    from dltutor.core.presets import PRESETS
    from dltutor.tutor.messages import Navigate

    if try_id in VARIANT_IDS:
        return Navigate("workbench", try_id=try_id)
    if try_id in PANEL_PRESETS:
        return Navigate(PANEL_PRESETS[try_id])
    if try_id in PRESETS:
        return Navigate("lab", try_id=try_id)
    return None
