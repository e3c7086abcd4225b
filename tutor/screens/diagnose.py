"""Diagnose: type the errors (and the data set size); the diagnosis, its numbers, the recipe and the split
advice update as you type. A value that cannot be read is explained beside its field."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Input, Label, Static

from tutor.screens.base import TutorScreen

#: (input id, label, the field name in error messages, required)
FIELDS = [
    ("train", "Training error", "training error", True),
    ("dev", "Dev error", "dev error", True),
    ("bayes", "Bayes / human error", "Bayes error", False),
    ("train_dev", "Train-dev error", "train-dev error", False),
    ("test", "Test error", "test error", False),
    ("m", "Examples (m)", "examples", False),
]

INTRO = ("Type error rates as 1%, 11 (read as 11%) or 0.01. Bayes, train-dev, test and the number of "
         "examples are optional.")
WAITING = ("Enter the training and dev errors to see the diagnosis.\n\n"
           "Example: training error 1%, dev error 11% is high variance; 15% and 16% is high bias.")


class DiagnoseScreen(TutorScreen):
    """The diagnostic assistant as a form."""

    NAME = "diagnose"
    CSS_PATH = "diagnose.tcss"
    AUTO_FOCUS = "#train"
    BINDINGS = [
        Binding("ctrl+r", "clear", "Clear the form"),
        Binding("down", "app.focus_next", "Next field", show=False),
        Binding("up", "app.focus_previous", "Previous field", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="diag-body"):
            with VerticalScroll(id="diag-form"):
                yield Static(INTRO, id="diag-intro", markup=False)
                for key, label, _name, required in FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label + ("" if required else " (opt.)"), classes="field-label")
                        yield Input(id=key, compact=True, placeholder="e.g. 1%" if key != "m" else "e.g. 10000",
                                    classes="field-input")
                    yield Static("", id=f"{key}-error", classes="field-error", markup=False)
            with VerticalScroll(id="diag-result"):
                yield Static(WAITING, id="diag-text", markup=False)
                yield Static("", id="split-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Diagnose bias and variance"
        self.query_one("#diag-form").border_title = "Your numbers"
        self.query_one("#diag-result").border_title = "Diagnosis"
        for key, *_ in FIELDS:
            self.query_one(f"#{key}-error").display = False

    def fill(self, **values: str) -> None:
        """Set fields by id (``train="1%"``); the diagnosis updates (the tour and tests use this)."""
        for key, value in values.items():
            self.query_one(f"#{key}", Input).value = value
        self.update()

    @on(Input.Changed)
    def update(self) -> None:
        """Read every field and show the diagnosis, or what is missing or wrong."""
        from core.diagnose import diagnose, parse_count, parse_error, render_diagnosis, render_split, split_advice
        from core.diagnose import unit_warnings
        from core.errors import TutorError

        values: dict[str, float | int | None] = {}
        raw: dict[str, str] = {}
        bad = False
        for key, _label, name, _required in FIELDS:
            text = self.query_one(f"#{key}", Input).value.strip()
            error = self.query_one(f"#{key}-error", Static)
            values[key] = None
            if text:
                try:
                    values[key] = parse_count(text, name) if key == "m" else parse_error(text, name)
                    if key != "m":
                        raw[name] = text
                except TutorError as exc:
                    bad = True
                    error.update(f"⚠ {exc}")
            error.display = bool(text) and values[key] is None
        result = self.query_one("#diag-text", Static)
        split = self.query_one("#split-text", Static)
        if values["m"] is not None:
            split.update(render_split(split_advice(int(values["m"]))))
        else:
            split.update("")
        if values["train"] is None or values["dev"] is None:
            result.update("Fix the field marked ⚠ to see the diagnosis." if bad else WAITING)
            return
        try:
            d = diagnose(values["train"], values["dev"], values["bayes"], values["train_dev"], values["test"])
        except TutorError as exc:
            result.update(f"⚠ {exc}")
            return
        text = render_diagnosis(d)
        head, _, rest = text.partition("\n")
        warnings = unit_warnings(raw)
        notes = "".join(f"⚠ {w}\n" for w in warnings)
        style = "bold $success" if d.focus is None else "bold $warning"
        result.update(Content.assemble((head, style), "\n", notes, rest, "\n"))

    def action_clear(self) -> None:
        for key, *_ in FIELDS:
            self.query_one(f"#{key}", Input).value = ""
        self.query_one("#train", Input).focus()
