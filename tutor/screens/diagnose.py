"""Diagnose: type the errors (and the data set size); the diagnosis, its numbers, the recipe and the split
advice update as you type. A value that cannot be read is explained beside its field."""

from __future__ import annotations

import textwrap
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from dltutor.tutor.screens.base import TutorScreen

#: (input id, label, the field name in messages, placeholder)
FIELDS = [
    ("train", "Training error", "training error", "e.g. 1%"),
    ("dev", "Dev error", "dev error", "e.g. 11%"),
    ("bayes", "Bayes error (opt.)", "Bayes error", "e.g. 0.5%"),
    ("train_dev", "Train-dev (opt.)", "train-dev error", ""),
    ("test", "Test error (opt.)", "test error", ""),
    ("m", "Examples m (opt.)", "examples", "e.g. 10000"),
]

INTRO = ("Type error rates as 1%, 11 (read as 11%) or 0.01. Bayes error is the best possible error "
         "(human-level is a good stand-in); the rest is optional.")
WAITING = ("Enter the training and dev errors to see the diagnosis.\n\n"
           "Example: training error 1% and dev error 11% is high variance; 15% and 16% is high bias.")


class DiagnoseScreen(TutorScreen):
    """The diagnostic assistant as a form."""

    NAME = "diagnose"
    CSS_PATH = "diagnose.tcss"
    AUTO_FOCUS = "#train"
    BINDINGS = [
        Binding("ctrl+r", "clear", "Clear", tooltip="Clear the form"),
        # priority: the form scrolls when it overflows, and its scroll keys must not take ↑/↓ from the fields
        Binding("down", "field(1)", "Next field", show=False, priority=True),
        Binding("up", "field(-1)", "Previous field", show=False, priority=True),
        # Enter moves on as in a paper form. A priority binding runs as the app takes the key, so the keys
        # typed after it go to the next field even when they arrive before the screen catches up.
        Binding("enter", "field(1)", "Next field", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="diag-body"):
            with VerticalScroll(id="diag-form"):
                yield Static(INTRO, id="diag-intro", markup=False)
                for key, label, _name, placeholder in FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label, classes="field-label")
                        yield Input(id=key, compact=True, placeholder=placeholder, classes="field-input")
                    yield Static("", id=f"{key}-error", classes="field-error", markup=False)
            with VerticalScroll(id="diag-result"):
                yield Static(WAITING, id="diag-head", markup=False)
                for part in ("summary", "numbers", "recipe", "assumptions", "split"):
                    yield Static("", id=f"diag-{part}", classes="diag-part")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Diagnose bias and variance"
        self.query_one("#diag-form").border_title = "Your numbers"
        self.query_one("#diag-result").border_title = "Diagnosis"
        for key, *_ in FIELDS:
            self.query_one(f"#{key}-error").display = False
        self.query(".diag-part").set(display=False)

    def fill(self, **values: str) -> None:
        """Set fields by id (``train="1%"``) and update the diagnosis (the tour and tests use this)."""
        for key, value in values.items():
            self.query_one(f"#{key}", Input).value = value
        self.update()

    def on_resize(self) -> None:
        self.call_after_refresh(self.update)

    def action_field(self, step: int) -> None:
        """Focus the next (``step`` 1) or previous (-1) field, and scroll it and its message into view."""
        ids = [key for key, *_ in FIELDS]
        focused = self.focused
        at = ids.index(focused.id) if isinstance(focused, Input) and focused.id in ids else 0
        target = self.query_one(f"#{ids[max(0, min(len(ids) - 1, at + step))]}", Input)
        # At once, not Widget.focus's call_later: keys already queued would land in the old field.
        self.set_focus(target, scroll_visible=False)
        self.call_after_refresh(self._show_field, target)

    def _show_field(self, field: Input) -> None:
        """Scroll the form so the field, its label and its error message (when shown) are visible."""
        form = self.query_one("#diag-form", VerticalScroll)
        error = self.query_one(f"#{field.id}-error", Static)
        row = field.parent
        if not isinstance(row, Widget):
            return
        form.scroll_to_widget(error if error.display else row, animate=False, immediate=True)
        form.scroll_to_widget(row, animate=False, immediate=True)

    @on(Input.Changed)
    def update(self) -> None:
        """Read every field; show the diagnosis, or what is missing or wrong beside its field."""
        from dltutor.core.diagnose import diagnose, parse_errors, unit_warnings
        from dltutor.core.errors import TutorError
        from dltutor.core.split import pad_rows, parse_count, split_advice
        from dltutor.tutor.text.diagnose import number_rows, recipe_items

        texts = {key: self.query_one(f"#{key}", Input).value.strip() for key, *_ in FIELDS}
        names = {key: name for key, _label, name, _placeholder in FIELDS}
        # The errors are read together (1 next to 11 is 1%); the dataset size on its own.
        errors, problems = parse_errors({key: text for key, text in texts.items() if key != "m"})
        values: dict[str, Any] = dict(errors)
        values["m"] = None
        if texts["m"]:
            try:
                values["m"] = parse_count(texts["m"], names["m"])
            except TutorError as exc:
                problems["m"] = exc
        raw = {names[key]: text for key, text in texts.items() if key != "m" and key not in problems and text}
        wrong = [names[key] for key in problems]
        for key in texts:
            error = self.query_one(f"#{key}-error", Static)
            if key in problems:
                problem = problems[key]
                error.update(f"⚠ {TutorError(names[key], problem.problem, problem.allowed)}")
            error.display = key in problems
        if isinstance(self.focused, Input) and self.focused.id in values:
            self.call_after_refresh(self._show_field, self.focused)  # its message may have just appeared
        self.query(".diag-part").set(display=False)
        head = self.query_one("#diag-head", Static)
        if values["train"] is None or values["dev"] is None:
            head.update("Fix the field marked ⚠ to see the diagnosis." if wrong else WAITING)
            self._show_split(values["m"], split_advice)
            return
        d = diagnose(values["train"], values["dev"], values["bayes"], values["train_dev"], values["test"])
        verdict = ", ".join(d.phrases)
        style = "bold $success" if not d.pressing else "bold $warning"
        head.update(Content.styled(verdict[0].upper() + verdict[1:], style))
        width = max(20, self.query_one("#diag-result").content_size.width - 4)
        notes = [f"⚠ ignoring {name} until it is fixed" for name in wrong] + unit_warnings(raw)
        summary = "\n".join([d.summary] + [f"⚠ {w}" if not w.startswith("⚠") else w for w in notes])
        self._part("summary", summary)
        lines = pad_rows(number_rows(d), indent="")
        self._part("numbers", Content.assemble(("The numbers behind it\n", "bold"), "\n".join(lines)))
        if d.recipe:
            steps = [_wrap(item, width, "   ") for item in recipe_items(d, lab=" (lab: {})")]
            title = (f"What to do ({d.focus} first): the basic recipe, in order\n" if d.pressing else
                     f"To lower the error further ({d.focus}): the basic recipe\n")
            steps = [_wrap(d.advice, width, "")] + steps
        else:
            steps = [_wrap(d.advice, width, "")]
            title = "What to do\n"
        self._part("recipe", Content.assemble((title, "bold"), "\n".join(steps)))
        extra = [_wrap(f"- {a}", width, "  ") for a in d.assumptions + d.notes]
        self._part("assumptions", Content.assemble(("Assuming\n", "bold"), "\n".join(extra)))
        self._show_split(values["m"], split_advice, width)

    def _part(self, name: str, content: str | Content) -> None:
        part = self.query_one(f"#diag-{name}", Static)
        part.update(Content(content) if isinstance(content, str) else content)
        part.display = True

    def _show_split(self, m: int | None, split_advice: Any, width: int = 50) -> None:
        if m is None:
            return
        s = split_advice(int(m))
        names = ["train", "dev", "test"] if s.with_test else ["train", "dev"]
        shares = {"train": s.train, "dev": s.dev, "test": s.test}
        lines = [f"  {name:<6}{round(shares[name] * 100, 6):>7g}%  {s.sizes[name]:>14,}" for name in names]
        lines += [_wrap(f"- {note}", width, "  ") for note in s.notes]
        self._part("split", Content.assemble((f"Splitting {s.m:,} examples\n", "bold"), "\n".join(lines)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "field":
            # only between the form's fields; elsewhere (the diagnosis pane) ↑/↓ scroll as usual
            focused = self.focused
            return isinstance(focused, Input) and focused.id in {key for key, *_ in FIELDS}
        return super().check_action(action, parameters)

    def action_clear(self) -> None:
        for key, *_ in FIELDS:
            self.query_one(f"#{key}", Input).value = ""
        self.query_one("#train", Input).focus()


def _wrap(text: str, width: int, indent: str) -> str:
    # wrapped by hand for a hanging indent, which terminal text has no style for
    return textwrap.fill(text, width, subsequent_indent=indent)
