"""Help: every key on every screen, generated from the screens' and widgets' bindings."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = ("dltutor teaches 'Practical aspects of deep learning'. Read a lesson, try its experiment, check "
         "yourself, then take the quiz. ctrl+p opens the command palette: it reaches every screen, lesson, "
         "quiz, course question and experiment.")


def sections(app: App) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, what they do)]) for every screen and the widgets with their own keys."""
    from tutor.screens.ask import AskScreen
    from tutor.screens.diagnose import DiagnoseScreen
    from tutor.screens.home import HomeScreen
    from tutor.screens.lesson import LessonScreen
    from tutor.screens.quiz import QuizScreen
    from tutor.widgets.course_map import CourseMap
    from tutor.widgets.question import LETTERS, QuestionCard

    def keys_of(*nodes: type[DOMNode]) -> list[tuple[str, str]]:
        # Only the tutor's own bindings (Textual's built-in ones, like cursor keys, go without saying);
        # a subclass's binding for a key replaces its base class's, as in Textual.
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
                keys = merged.setdefault(binding.description, [])
                if shown not in keys:
                    keys.append(shown)
        rows = []
        for description, keys in merged.items():
            if len(keys) > 3 and all(len(k) == 1 for k in keys):
                keys = [f"{keys[0]}-{keys[-1]}"]
            rows.append((" ".join(keys), description))
        return rows

    card_rows = [(f"{LETTERS[0]}-{LETTERS[-1]}", "Choose an option (multi-answer: toggle it)"),
                 ("space", "Toggle the highlighted option")] + keys_of(QuestionCard)
    return [
        ("Everywhere", keys_of(type(app)) + [("^p", "Command palette: any screen, lesson or question"),
                                             ("tab", "Move to the next box or button")]),
        ("Home", keys_of(HomeScreen, CourseMap)),
        ("Lesson", keys_of(LessonScreen)),
        ("Ask", keys_of(AskScreen)),
        ("Quiz", keys_of(QuizScreen)),
        ("Questions (quiz and Check yourself)", card_rows),
        ("Diagnose", keys_of(DiagnoseScreen)),
    ]


class HelpScreen(ModalScreen[None]):
    """The keys of every screen; escape, q or ? closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close help", key_display="esc")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(INTRO, id="help-intro", markup=False)
            for title, rows in sections(self.app):
                yield Static(Content.styled(title, "bold"), classes="help-title")
                width = max((len(k) for k, _ in rows), default=4)
                text = Content("\n").join(
                    Content.assemble((k.ljust(width + 2), "bold $accent"), d) for k, d in rows)
                yield Static(text, classes="help-keys")

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.border_subtitle = "escape closes"
        box.focus()
