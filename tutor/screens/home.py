"""Home: the course map with progress marks, "continue where you left off", and the objectives."""

from __future__ import annotations

import textwrap

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Header, LoadingIndicator, Static

from dltutor.tutor.messages import Navigate, ProgressChanged
from dltutor.tutor.progress import MIXED, Progress
from dltutor.tutor.reporting import reports
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.widgets.course_map import LEGEND, CourseMap

WELCOME = ("Welcome! Pick a topic with ↑/↓ and press enter to read it, or press c to start with the first. "
           "Press ? for every key.")


def welcome_text(progress: Progress, topics: list[str]) -> str:
    """The greeting: a first welcome, or a welcome back with how far the learner has come."""
    read = [t for t in topics if t in progress.read]  # opened; practising in a panel does not count
    practised = [t for t in topics if t in progress.practised]
    if not (read or practised or progress.quiz or progress.position):
        return WELCOME
    done = f"{len(read)} of {len(topics)} topics read, {len(practised)} practised"
    return (f"Welcome back! So far: {done}. Press c to continue where you left off, or pick a topic with "
            "↑/↓ and enter. Press ? for every key.")


def mixed_text(progress: Progress) -> str:
    """The mixed quiz's line under the map: its best score, or an invitation."""
    best = progress.best(MIXED)
    if best is None:
        return "Mixed quiz (every topic): not taken yet (q, then enter)."
    return f"Mixed quiz (every topic): best {best.score}/{best.total}."


class HomeScreen(TutorScreen):
    """The course map."""

    NAME = "home"
    CSS_PATH = "home.tcss"
    AUTO_FOCUS = "CourseMap"
    BINDINGS = [
        Binding("h", "noop", show=False),
        Binding("escape", "noop", show=False),
        Binding("c", "continue", "Continue", tooltip="Continue where you left off"),
        Binding("a", "go('ask')", "Ask"),
        Binding("q", "go('quiz')", "Quiz"),
        Binding("d", "go('diagnose')", "Diagnose"),
        Binding("g", "go('workbench')", "Gradcheck", tooltip="Gradient-check workbench"),
        Binding("l", "go('lab')", "Lab", tooltip="Training lab"),
        Binding("x", "go('exercises')", "Exercises", show=False, tooltip="Exercises: write the course's functions"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-body"):
            with Vertical(id="map-pane"):
                yield Static(WELCOME, id="welcome")
                yield LoadingIndicator(id="loading")
                yield CourseMap(id="course-map")
                yield Static(LEGEND, id="legend")
                yield Static("", id="mixed-best", markup=False)
                yield Button("Continue", id="continue", variant="primary")
            with VerticalScroll(id="side"):
                yield Static("", id="objectives")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Course map"
        self.query_one(CourseMap).border_title = "Course map: Practical aspects of deep learning"
        self.query_one("#side").border_title = "Objectives"
        if self.course.loaded:
            self._show()
        else:
            self.query_one(CourseMap).display = False
            self._load()

    @work(thread=True, exclusive=True, group="lessons")
    def _load(self) -> None:
        try:
            self.course.lessons()
        except Exception as exc:  # a broken lesson file must not take the tutor down
            self._failed(str(exc))
            return
        self._show()
        warm_up()

    @reports
    def _failed(self, problem: str) -> None:
        self.query_one("#loading").display = False
        self.query_one("#welcome", Static).update(f"The lessons could not be loaded: {problem}")

    @reports
    def _show(self) -> None:
        self.query_one("#loading").display = False
        # A hidden spinner keeps repainting 16 times a second, and so does any screen opened over home.
        self.query_one("#loading").auto_refresh = None
        course_map = self.query_one(CourseMap)
        course_map.display = True
        progress = self.tutor.store.progress
        target = self._continue_target()
        first = not course_map.row_count
        course_map.show(self.course.lessons(), progress, cursor=target if first else None)
        lesson = self.course.get(target)
        started = progress.position or progress.read or progress.practised
        self.query_one("#welcome", Static).update(welcome_text(progress, [t.id for t in self.course.topics()]))
        self.query_one("#mixed-best", Static).update(mixed_text(progress))
        self.query_one("#continue", Button).label = (
            f"▶ {'Continue' if started else 'Start'} with {lesson.order} · {lesson.title}  (c)")
        self._show_objectives(course_map.current or target)

    def _continue_target(self) -> str:
        """The lesson of the saved position, else the first topic not yet read."""
        position = self.tutor.store.progress.position
        ids = [lesson.id for lesson in self.course.lessons()]
        if position and position.lesson in ids:
            return position.lesson
        progress = self.tutor.store.progress
        return next((i for i in ids if progress.status(i) == "not started"), ids[0])

    def _show_objectives(self, lesson_id: str) -> None:
        self._objectives_of = lesson_id
        lesson = self.course.get(lesson_id)
        box = self.query_one("#objectives", Static)
        width = box.content_size.width or 28

        def bullets(items: tuple[str, ...]) -> list[str]:
            # wrapped by hand for a hanging indent, which terminal text has no style for
            return [textwrap.fill(o, width, initial_indent="• ", subsequent_indent="  ") for o in items]

        parts = [Content.styled(f"{lesson.order} · {lesson.title}", "bold"), Content("You will be able to:")]
        parts += [Content(b) for b in bullets(lesson.objectives)]
        box.update(Content("\n").join(parts))

    def on_resize(self) -> None:
        if self.course.loaded and getattr(self, "_objectives_of", None):
            self.call_after_refresh(self._show_objectives, self._objectives_of)

    def on_screen_resume(self) -> None:
        if self.course.loaded:
            self._show()

    @on(ProgressChanged)
    def _progress_changed(self) -> None:
        if self.course.loaded:
            self._show()

    @on(CourseMap.Highlighted)
    def _highlighted(self, event: CourseMap.Highlighted) -> None:
        self._show_objectives(event.lesson_id)

    @on(CourseMap.Chosen)
    def _chosen(self, event: CourseMap.Chosen) -> None:
        self.post_message(Navigate("lesson", event.lesson_id))

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        if self.course.loaded:
            self.post_message(Navigate("lesson", self._continue_target()))

    def action_noop(self) -> None:
        """Home is home: h and escape do nothing here."""


def warm_up() -> None:
    """Import what the main screens need (run in a worker after the first frame), so that the first
    lesson or form opens as quickly as the next ones."""
    import importlib

    for name in ("dltutor.tutor.screens.lesson", "dltutor.tutor.screens.ask", "dltutor.tutor.screens.quiz",
                 "dltutor.tutor.screens.diagnose", "dltutor.tutor.screens.help", "dltutor.core.diagnose",
                 "dltutor.tutor.quiz", "markdown_it", "textual.highlight"):
        importlib.import_module(name)
    from pygments.lexers import get_lexer_by_name

    get_lexer_by_name("text")  # the lexer of the lessons' plain code blocks
