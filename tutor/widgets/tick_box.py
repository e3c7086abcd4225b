"""A checkbox whose mark says its state: ``▐✔▌`` when on, ``▐ ▌`` when off (not the colour alone)."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """A :class:`~textual.widgets.Checkbox` that draws a tick only when it is on.

    Textual's checkbox draws the same ``X`` either way and tells on from off by colour, which some themes
    and terminals make hard to see. It posts :class:`Checkbox.Changed` like any checkbox.
    """

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802  (Textual reads this name)
        return "✔" if self.value else " "
