"""A labelled input with its error message beside it (the workbench's and the panels' form fields)."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static


class PanelField(Vertical):
    """``label [input]`` on one line and, when the value cannot be used, ``⚠ why`` under it.

    Up and Down move to the previous and next field, as on the diagnose form. They are bound here rather
    than on the screen because the scrolling form around the field would take them first; past the first
    or the last field they scroll that form instead.

    Args:
        label: the field's label.
        value: the initial text.
        id: the field's id; the input is ``#<id>-input``.
        placeholder: shown while empty.
        tooltip: a longer explanation on hover.
    """

    DEFAULT_CSS = """
    PanelField { height: auto; margin-bottom: 1; }
    PanelField > Horizontal { height: 1; }
    PanelField Label { width: 14; color: $text; }
    PanelField Input { width: 1fr; }
    PanelField .field-error { height: auto; color: $error; display: none; }
    PanelField.-invalid .field-error { display: block; }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Next field", show=False),
        Binding("up", "move(-1)", "Previous field", show=False),
    ]

    def __init__(self, label: str, value: str = "", *, id: str, placeholder: str = "",  # noqa: A002
                 tooltip: str | None = None, label_width: int | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.initial = value
        self.placeholder = placeholder
        self.help = tooltip
        self.label_width = label_width

    def compose(self) -> ComposeResult:
        with Horizontal():
            label = Label(self.label)
            if self.label_width:
                label.styles.width = self.label_width
            yield label
            yield Input(self.initial, id=f"{self.id}-input", compact=True, placeholder=self.placeholder,
                        tooltip=self.help)
        yield Static("", classes="field-error", markup=False)

    def action_move(self, step: int) -> None:
        """Focus the next (``step`` 1) or previous (-1) control of the form this field is in."""
        form = next((a for a in self.ancestors if isinstance(a, VerticalScroll)), self.screen)
        focusable = [w for w in self.screen.focus_chain if form in w.ancestors]
        # Controls only: not a container that holds some of them.
        chain = [w for w in focusable if not any(w in other.ancestors for other in focusable)]
        here = self.input
        if here not in chain:
            raise SkipAction()
        target = chain.index(here) + step
        if not 0 <= target < len(chain):
            raise SkipAction()  # the scrolling form around takes the key
        chain[target].focus()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    @property
    def error(self) -> str:
        """The error on show ("" when the value is fine)."""
        return str(self.query_one(".field-error", Static).content) if self.has_class("-invalid") else ""

    def set_error(self, message: str | None) -> None:
        """Show ``⚠ message`` under the field, or clear it (None)."""
        self.query_one(".field-error", Static).update(f"⚠ {message}" if message else "")
        self.set_class(bool(message), "-invalid")
