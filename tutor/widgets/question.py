"""A multiple-choice question card: options chosen by key (a, b, c...) or mouse, then feedback."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from dltutor.tutor.quiz import without_verdict

LETTERS = "abcdefg"  # h stays "home"


def choice_note(correct: bool, chosen: bool, why: str) -> Content:
    """What the feedback says about one option: whether it was chosen and right, then why.

    An explanation that opens with its own verdict ("Right: ...") loses it, so the line never says "right"
    twice.
    """
    why = without_verdict(why)
    verdict = "correct" if correct else "wrong"
    if chosen:
        head = Content.assemble(("your choice: ", "bold"), (verdict, "bold"), ". ")
    else:
        head = Content(f"{verdict}{' (not chosen)' if correct else ''}. ")
    return head + Content(why)


@dataclass(frozen=True)
class Choice:
    """One option: its key letter and its text."""

    key: str
    text: str


class ChoiceRow(Horizontal):
    """One option of a question card: its letter and mark in a column of their own, so that a long option
    wraps under its text (a hanging indent); clicking it chooses it."""

    class Clicked(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, choice: Choice) -> None:
        super().__init__(classes="choice")
        self.choice = choice

    def compose(self) -> ComposeResult:
        yield Static("", classes="choice-key")
        yield Static(Content(self.choice.text), classes="choice-text")

    def show(self, mark: str) -> None:
        self.query_one(".choice-key", Static).update(
            Content.assemble((f"{self.choice.key}) ", "bold"), f"{mark} "))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.choice.key))


class NoteRow(Horizontal):
    """A line of feedback about one option (``b)`` and what to know about it), with a hanging indent."""

    def __init__(self, label: str, text: str | Content) -> None:
        super().__init__(classes="note")
        self.label = label
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(self.label, "bold"), classes="note-label")
        yield Static(self.text if isinstance(self.text, Content) else Content(self.text), classes="note-text")


class QuestionCard(VerticalScroll, can_focus=True):
    """Shows one question; posts :class:`Answered` with the chosen keys, then :class:`Next`.

    Single-answer questions are answered by one key (or click); multi-answer questions toggle options
    with their keys, space or clicks, and are submitted with enter. The owner grades the answer and calls
    :meth:`show_result`.

    Args:
        prompt: the question.
        choices: the options in order.
        multi: several options may be right.
        header: a line above the question ("Question 2 of 10").
        next_label: the label of the button that follows the feedback.
    """

    DEFAULT_CSS = """
    QuestionCard { height: 1fr; padding: 0 1; border: round $primary 50%; }
    QuestionCard:focus-within { border: round $primary; }
    QuestionCard #q-header { color: $text-muted; height: auto; }
    QuestionCard #q-prompt { text-style: bold; margin: 1 0; height: auto; }
    QuestionCard .choice { padding: 0 1; height: auto; }
    QuestionCard .choice .choice-key { width: 5; height: auto; }
    QuestionCard .choice .choice-text { width: 1fr; height: auto; }
    QuestionCard .choice:hover { background: $boost; }
    QuestionCard .choice.-cursor { background: $primary 30%; }
    QuestionCard .choice.-right Static { color: $success; text-style: bold; }
    QuestionCard .choice.-wrong Static { color: $error; }
    QuestionCard .choice.-missed Static { color: $warning; text-style: bold; }
    QuestionCard #q-feedback { margin: 1 0 0 0; height: auto; }
    QuestionCard #q-feedback.-right { color: $success; }
    QuestionCard #q-feedback.-wrong { color: $warning; }
    QuestionCard #q-notes { height: auto; }
    QuestionCard .note { height: auto; padding: 0 0 0 1; }
    QuestionCard .note .note-label { width: 4; height: auto; }
    QuestionCard .note .note-text { width: 1fr; height: auto; }
    QuestionCard #q-buttons { height: auto; margin: 1 0 0 0; }
    QuestionCard #q-buttons Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(k, f"choose('{k}')", show=False) for k in LETTERS),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("space", "toggle_option", "Toggle", show=False, tooltip="Choose or toggle the highlighted option"),
        # enter submits a select-all question (a single-answer one is answered by its letter at once) ...
        Binding("enter", "submit", "Submit", tooltip="Submit a select-all answer"),
        # ... or chooses the highlighted option of a single-answer one
        Binding("enter", "pick", "Choose", show=False, tooltip="Choose the highlighted option"),
        Binding("enter,n", "next", "Next", tooltip="Next question, after the feedback"),
    ]

    class Answered(Message):
        """The learner submitted an answer: the chosen option keys."""

        def __init__(self, card: QuestionCard, chosen: frozenset[str]) -> None:
            super().__init__()
            self.card = card
            self.chosen = chosen

        @property
        def control(self) -> QuestionCard:
            return self.card

    class Next(Message):
        """The learner read the feedback and wants to go on."""

        def __init__(self, card: QuestionCard) -> None:
            super().__init__()
            self.card = card

        @property
        def control(self) -> QuestionCard:
            return self.card

    def __init__(self, prompt: str, choices: Iterable[Choice], multi: bool = False, header: str = "",
                 next_label: str = "Next →", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.prompt = prompt
        self.choices = tuple(choices)
        self.multi = multi
        self.header = header
        self.next_label = next_label
        self.chosen: set[str] = set()
        self.cursor = 0
        self.answered = False
        self.right: set[str] = set()

    def compose(self) -> ComposeResult:
        hint = "several may be right: letters, then enter" if self.multi else "press its letter or click it"
        yield Static(Content(f"{self.header}   ({hint})".strip()), id="q-header")
        yield Static(Content(self.prompt), id="q-prompt")
        for choice in self.choices:
            yield ChoiceRow(choice)
        yield Static("", id="q-feedback", markup=False)
        yield Vertical(id="q-notes")
        with Horizontal(id="q-buttons"):
            if self.multi:
                yield Button("Submit (enter)", id="q-submit", variant="primary")
            yield Button(self.next_label, id="q-next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#q-next").display = False
        self.query_one("#q-feedback").display = False
        self._paint()

    # -- state -------------------------------------------------------------------------------------

    def _paint(self) -> None:
        for i, row in enumerate(self.query(ChoiceRow)):
            key = row.choice.key
            chosen = key in self.chosen
            if self.answered:
                # ✓ right and chosen, → right but not chosen, ✗ chosen but wrong
                mark = ("✓" if chosen else "→") if key in self.right else ("✗" if chosen else " ")
            elif self.multi:
                mark = "☑" if chosen else "☐"
            else:
                mark = "●" if chosen else "○"
            row.show(mark)
            row.set_class(i == self.cursor and not self.answered, "-cursor")
            row.set_class(self.answered and key in self.right and chosen, "-right")
            row.set_class(self.answered and key in self.right and not chosen, "-missed")
            row.set_class(self.answered and chosen and key not in self.right, "-wrong")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return not self.answered and self.multi
        if action == "pick":
            return not self.answered and not self.multi
        if action == "next":
            return self.answered
        return True

    def action_choose(self, key: str) -> None:
        keys = [c.key for c in self.choices]
        if self.answered or key not in keys:
            return
        self.cursor = keys.index(key)
        if self.multi:
            self.chosen ^= {key}
            self._paint()
        else:
            self.chosen = {key}
            self._submit()

    def action_move(self, delta: int) -> None:
        if not self.answered and self.choices:
            self.cursor = (self.cursor + delta) % len(self.choices)
            self._paint()

    def action_toggle_option(self) -> None:
        if self.answered:
            self.action_next()
        elif self.choices:
            self.action_choose(self.choices[self.cursor].key)

    def action_pick(self) -> None:
        if not self.answered and self.choices:
            self.action_choose(self.choices[self.cursor].key)

    def action_submit(self) -> None:
        if self.answered:
            return
        if not self.multi:
            self.action_choose(self.choices[self.cursor].key)
        elif not self.chosen:
            box = self.query_one("#q-feedback", Static)
            box.display = True
            box.update("Choose at least one option first (its letter or a click).")
        else:
            self._submit()

    def _submit(self) -> None:
        self._paint()
        self.post_message(self.Answered(self, frozenset(self.chosen)))

    def action_next(self) -> None:
        if self.answered:
            self.post_message(self.Next(self))

    def show_result(self, correct: bool, right: Iterable[str], feedback: str,
                    notes: Sequence[tuple[str, str | Content]] = ()) -> None:
        """Mark the right options and show the feedback; the card then waits for :class:`Next`.

        Args:
            correct: whether the answer was right.
            right: the keys of the right options.
            feedback: the verdict (and an explanation).
            notes: (label, text) lines below it, one per option (``("b)", "your choice: correct. ...")``),
                wrapped with a hanging indent.
        """
        self.answered = True
        self.right = set(right)
        box = self.query_one("#q-feedback", Static)
        box.display = True
        box.update(Content.assemble(("✓ " if correct else "✗ ", "bold"), feedback))
        box.set_class(correct, "-right")
        box.set_class(not correct, "-wrong")
        self.call_later(self._reveal, list(notes))
        if self.multi:
            self.query_one("#q-submit").display = False
        self.query_one("#q-next").display = True
        self._paint()

    async def _reveal(self, notes: list[tuple[str, str | Content]]) -> None:
        if notes:
            await self.query_one("#q-notes", Vertical).mount_all([NoteRow(label, text) for label, text in notes])
        self.call_after_refresh(self.scroll_end, animate=False)

    # -- mouse -------------------------------------------------------------------------------------

    @on(ChoiceRow.Clicked)
    def _clicked(self, event: ChoiceRow.Clicked) -> None:
        self.focus()
        self.action_choose(event.key)

    @on(Button.Pressed, "#q-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#q-next")
    def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_next()
