"""Help: every key on every screen, generated from the screens' and widgets' bindings."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = ("dltutor teaches 'Practical aspects of deep learning'. Read a lesson, try its experiment, check "
         "yourself, then take the quiz. ctrl+p opens the command palette: it reaches every screen, lesson, "
         "quiz, course question and experiment. The mouse works everywhere too.")

Rows = list[tuple[str, str]]


def keys_of(app: App, *nodes: type[DOMNode]) -> Rows:
    """(keys, what they do) for the tutor's own bindings of these classes.

    Textual's built-in bindings (cursor keys, copy...) go without saying. A subclass's binding for a key
    replaces its base class's, as in Textual; a binding's tooltip, when set, is the longer description.
    """
    by_key: dict[str, Binding] = {}
    for node in nodes:
        for cls in reversed(node.__mro__):
            if cls.__module__.startswith("tutor.") and "BINDINGS" in cls.__dict__:
                for key, key_bindings in BindingsMap(cls.__dict__["BINDINGS"]).key_to_bindings.items():
                    for binding in key_bindings:
                        by_key[f"{key}:{binding.action}" if len(key_bindings) > 1 else key] = binding
    merged: dict[str, list[str]] = {}
    for binding in by_key.values():
        if binding.description and binding.action not in ("noop", "ignore"):
            shown = app.get_key_display(Binding(binding.key, binding.action))
            keys = merged.setdefault(binding.tooltip or binding.description, [])
            if shown not in keys:
                keys.append(shown)
    rows = []
    for description, keys in merged.items():
        if len(keys) > 3 and all(len(k) == 1 for k in keys):
            keys = [f"{keys[0]}-{keys[-1]}"]
        rows.append((" ".join(keys), description))
    return rows


def sections(app: App) -> list[tuple[str, Rows]]:
    """(title, rows) for the whole app, the moves every screen shares, each screen and the question cards."""
    from tutor.screens.ask import AskScreen
    from tutor.screens.base import TutorScreen
    from tutor.screens.diagnose import DiagnoseScreen
    from tutor.screens.home import HomeScreen
    from tutor.screens.lesson import LessonScreen
    from tutor.screens.quiz import QuizScreen
    from tutor.widgets.course_map import CourseMap
    from tutor.widgets.question import LETTERS, QuestionCard

    shared = keys_of(app, TutorScreen)

    def own(*nodes: type[DOMNode]) -> Rows:
        return [row for row in keys_of(app, *nodes) if row not in shared]

    card_rows = [(f"{LETTERS[0]}-{LETTERS[-1]}", "Choose that option (or toggle it)"),
                 ("↑ ↓", "Move between the options")] + keys_of(app, QuestionCard)
    return [
        ("Everywhere", keys_of(app, type(app)) + [("^p", "Command palette"), ("tab", "Next box or button")]),
        ("Every screen but home", shared),
        ("Home", own(HomeScreen, CourseMap)),
        ("Lesson", own(LessonScreen)),
        ("Check yourself and quiz questions", card_rows),
        ("Quiz", own(QuizScreen)),
        ("Ask", own(AskScreen)),
        ("Diagnose", own(DiagnoseScreen)),
    ]


def render_rows(rows: Rows) -> Content:
    width = max((len(k) for k, _ in rows), default=4)
    return Content("\n").join(Content.assemble((k.ljust(width + 2), "bold $accent"), d) for k, d in rows)


class HelpScreen(ModalScreen[None]):
    """The keys of every screen; escape, q or ? closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close help", key_display="esc")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(INTRO, id="help-intro", markup=False)
            with Grid(id="help-grid"):
                for title, rows in sections(self.app):
                    yield Static(Content.assemble((title, "bold underline"), "\n", render_rows(rows)),
                                 classes="help-section")

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.border_subtitle = "escape closes"
        box.focus()
