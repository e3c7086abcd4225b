"""Help: every key on every screen, generated from the screens' and widgets' bindings."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from dltutor.tutor.screens.base import SteadyResize

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
            if cls.__module__.startswith("dltutor.tutor.") and "BINDINGS" in cls.__dict__:
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


def _screen_class(module: str, name: str | None = None, base: type | None = None) -> type | None:
    """A screen class, imported when the help opens: ``name`` from ``tutor.screens.<module>``, or the one
    subclass of ``base`` defined there. None when it cannot be imported (a screen being worked on must not
    take the help down)."""
    import importlib

    try:
        found = importlib.import_module(f"dltutor.tutor.screens.{module}")
    except Exception:
        return None
    if name is not None:
        return getattr(found, name, None)
    classes = [c for c in vars(found).values()
               if isinstance(c, type) and base is not None and issubclass(c, base) and c is not base
               and c.__module__ == found.__name__]
    return classes[0] if classes else None


def panel_titles(app: App) -> dict[str, str]:
    """Panel name -> its help title with the lessons it belongs to ("Normalizing inputs (lesson 9)")."""
    from dltutor.tutor.destinations import LESSON_PANELS, PANELS

    orders: dict[str, int] = {}
    course = getattr(app, "course", None)
    if course is not None and course.loaded:
        orders = {lesson.id: lesson.order for lesson in course.lessons()}
    titles = {}
    for name, (title, _text) in PANELS.items():
        numbers = sorted(orders[i] for i, panel in LESSON_PANELS.items() if panel == name and i in orders)
        which = (f" (lesson{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))})"
                 if numbers else "")
        titles[name] = f"Panel: {title}{which}"
    return titles


def sections(app: App) -> list[tuple[str, Rows]]:
    """(title, rows) for the whole app, the moves most screens share, each screen and the question cards.

    A row whose keys are empty is a note about the section.
    """
    from dltutor.tutor.screens.ask import AskScreen
    from dltutor.tutor.screens.base import TutorScreen
    from dltutor.tutor.screens.diagnose import DiagnoseScreen
    from dltutor.tutor.screens.home import HomeScreen
    from dltutor.tutor.screens.lesson import LessonScreen
    from dltutor.tutor.screens.quiz import QuizScreen
    from dltutor.tutor.widgets.course_map import CourseMap
    from dltutor.tutor.widgets.question import LETTERS, QuestionCard

    shared = keys_of(app, TutorScreen)

    def own(*nodes: type[DOMNode]) -> Rows:
        return [row for row in keys_of(app, *nodes) if row not in shared]

    card_rows = [(f"{LETTERS[0]}-{LETTERS[-1]}", "Choose that option (or toggle it)"),
                 ("↑ ↓", "Move between the options")] + keys_of(app, QuestionCard)
    found = [
        ("Everywhere", keys_of(app, type(app)) + [("^p", "Command palette"), ("tab", "Next box or button")]),
        ("Moving around", shared + [
            ("", "Not on home, nor while you type in a box. On a question card a-g choose options; a "
                 "screen's own keys (below) come first.")]),
        ("Home", own(HomeScreen, CourseMap)),
        ("Lesson", own(LessonScreen)),
        ("Check yourself and quiz questions", card_rows),
        ("Quiz", own(QuizScreen)),
        ("Ask", own(AskScreen) + [("1-9 ⏎", "In the box: that course question")]),
        ("Diagnose", own(DiagnoseScreen)),
    ]
    from dltutor.tutor.screens.panels import PanelScreen

    workbench = _screen_class("workbench", "WorkbenchScreen")
    if workbench is not None:
        found.append(("Gradient-check workbench (g on home)", own(workbench)))
    lab = _screen_class("lab", "LabScreen")
    if lab is not None:
        found.append(("Training lab (l on home)", own(lab)))
    exercises = _screen_class("exercises", "ExercisesScreen")
    if exercises is not None:
        found.append(("Exercises (x on home)", own(exercises)))
    for name, title in panel_titles(app).items():
        panel = _screen_class(name, base=PanelScreen)
        if panel is not None:
            found.append((title, own(panel) or [("", "Edit a field: the panel runs again by itself.")]))
    return found


def render_rows(rows: Rows) -> Content:
    width = max((len(k) for k, _ in rows), default=4)
    return Content("\n").join(Content.assemble((k.ljust(width + 2), "bold $accent"), d) if k
                              else Content.styled(d, "italic $text-muted") for k, d in rows)


class HelpScreen(SteadyResize, ModalScreen[None]):
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
