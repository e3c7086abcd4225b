"""Buttons in a lesson's Try it that open the lesson's interactive panel or the gradient-check workbench."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from dltutor.tutor.destinations import LESSON_PANELS, PANELS, WORKBENCH_LESSONS
from dltutor.tutor.messages import Navigate


def links_for(lesson_id: str) -> list[tuple[str, str]]:
    """(label, Navigate target) of the screens that let the learner play with this lesson's idea."""
    links = []
    panel = LESSON_PANELS.get(lesson_id)
    # Short labels: both buttons share one row, which must fit at 80 columns.
    if panel:
        links.append((f"▶ Panel: {PANELS[panel][0]}", panel))
    if lesson_id in WORKBENCH_LESSONS:
        links.append(("▶ Gradient-check workbench", "workbench"))
    return links


class PanelLink(Horizontal):
    """One button per screen that teaches ``lesson_id`` interactively; hidden when there is none."""

    DEFAULT_CSS = """
    PanelLink { height: auto; padding: 0 1; margin-top: 1; }
    PanelLink Button { margin-right: 2; }
    """

    def __init__(self, lesson_id: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.links = links_for(lesson_id)

    def compose(self) -> ComposeResult:
        for label, target in self.links:
            yield Button(label, name=target, compact=True, variant="primary")

    def on_mount(self) -> None:
        self.display = bool(self.links)

    @on(Button.Pressed)
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.post_message(Navigate(event.button.name))
