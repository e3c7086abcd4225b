"""What every main screen shares: the course data the app loaded, and the keys that move between screens."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from dltutor.tutor.messages import Navigate

if TYPE_CHECKING:
    from dltutor.tutor.app import DLTutorApp
    from dltutor.tutor.lessons import Lesson


class Course:
    """The lessons and quiz questions, loaded once per app on first use (thread-safe, so a worker can).

    Args:
        source: a directory of fixture lessons (tests), or None for the installed ``lessons`` package.
    """

    def __init__(self, source: Any = None) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._lessons: list[Lesson] | None = None
        self._quiz: list[Any] | None = None

    @property
    def loaded(self) -> bool:
        return self._lessons is not None

    def lessons(self) -> list[Lesson]:
        """All lessons in order, the summary last."""
        with self._lock:
            if self._lessons is None:
                from dltutor.tutor.lessons import load_lessons

                self._lessons = load_lessons(self.source)
            return self._lessons

    def topics(self) -> list[Lesson]:
        """The topic lessons (without the summary)."""
        from dltutor.tutor.lessons import SUMMARY_ID

        return [lesson for lesson in self.lessons() if lesson.id != SUMMARY_ID]

    def summary(self) -> Lesson | None:
        from dltutor.tutor.lessons import SUMMARY_ID

        return next((lesson for lesson in self.lessons() if lesson.id == SUMMARY_ID), None)

    def get(self, lesson_id: str) -> Lesson:
        """The lesson with this id; TutorError naming the known ids otherwise."""
        for lesson in self.lessons():
            if lesson.id == lesson_id:
                return lesson
        from dltutor.core.errors import TutorError

        raise TutorError("lesson", f"unknown lesson {lesson_id!r}", ", ".join(x.id for x in self.lessons()))

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        """The lessons before and after this one."""
        lessons = self.lessons()
        ids = [lesson.id for lesson in lessons]
        i = ids.index(lesson_id)
        return (lessons[i - 1] if i > 0 else None, lessons[i + 1] if i + 1 < len(lessons) else None)

    def lesson_trying(self, try_id: str) -> Lesson | None:
        """The lesson of this preset or variant (its own ``lesson`` in the engine's catalogue), else the first
        lesson whose Try it names it; None when no lesson does."""
        lessons = {lesson.id: lesson for lesson in self.lessons()}
        own = home_lesson(try_id)
        if own in lessons:
            return lessons[own]
        return next((lesson for lesson in self.lessons() if try_id in lesson.try_ids), None)

    def quiz(self) -> list[Any]:
        """All quiz questions (tutor.quiz), loaded on first use."""
        with self._lock:
            if self._quiz is None:
                from dltutor.tutor.quiz import load_quiz

                self._quiz = list(load_quiz(self.source))
            return self._quiz


class SteadyResize:
    """Mixin for screens: drop a resize that a later one has overtaken.

    Textual posts each terminal resize to every screen in the stack, and a screen that reflows posts a
    resize to itself for its new size. When the terminal changes size again before a screen under the
    current one has handled the first event (a fast drag, or the too-small notice lifted), that screen
    holds two events of different sizes, and each reflow re-posts its own: the two chase each other
    forever and the app burns a core. A screen always fills the terminal, so a resize whose size is not
    the terminal's any more is stale: it is dropped before Textual's handler reflows to it.
    """

    async def _on_resize(self, event: events.Resize) -> None:
        if event.size != self.app.size:
            event.prevent_default()  # Textual's Screen._on_resize, later in the MRO, does not run


class TutorScreen(SteadyResize, Screen):
    """A main screen: moves to the others with one key, goes back with escape and home with ``h``.

    Escape follows one rule on every screen: in a text field it leaves the field (the screen's keys work
    again), and only then does it leave the screen.
    """

    BINDINGS = [
        Binding("escape", "leave_field", "Leave field", key_display="esc",
                tooltip="Leave the text field (escape again goes back)"),
        Binding("escape", "back", "Back", key_display="esc", tooltip="Back to where you came from"),
        Binding("h", "home", "Home", tooltip="Home: the course map"),
        Binding("a", "go('ask')", "Ask"),
        Binding("q", "go('quiz')", "Quiz"),
        Binding("d", "go('diagnose')", "Diagnose"),
    ]

    NAME = "screen"
    """Short name used for the saved position and the help screen."""

    @property
    def tutor(self) -> DLTutorApp:
        return self.app  # type: ignore[return-value]

    @property
    def course(self) -> Course:
        return self.tutor.course

    def action_go(self, target: str) -> None:
        self.post_message(Navigate(target))

    def action_home(self) -> None:
        self.post_message(Navigate("home"))

    def action_leave_field(self) -> None:
        """Leave the text field: focus goes to :meth:`after_field`, or nowhere (the screen takes the keys)."""
        self.set_focus(self.after_field())

    def after_field(self) -> Widget | None:
        """Where focus goes when escape leaves a text field; None: the screen itself."""
        return None

    def action_back(self) -> None:
        """Back to the screen this one was opened over (a lesson, Ask), else home."""
        if len(self.app.screen_stack) > 2 and self.app.screen is self:
            self.app.pop_screen()
        else:
            self.action_home()

    def placement_of(self, request: Navigate) -> str | None:
        """Where a screen this one asks for should go (see :class:`Navigate`); None: ``main``."""
        return None

    @on(Navigate)
    def _place(self, request: Navigate) -> None:
        # Requests from this screen and its widgets pass here on their way to the app.
        if request.placement is None:
            request.placement = self.placement_of(request)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the learner types in a box, letters are text: hide the one-letter moves from the footer.
        if action in ("go", "home") and isinstance(self.focused, Input):
            return False
        if action == "leave_field":
            return isinstance(self.focused, Input)
        if action == "back":
            return not isinstance(self.focused, Input)
        return True

    def practised_lesson(self, own: str | None) -> str | None:
        """The lesson a run on this screen counts as practice for: the lesson whose Try it opened it (the
        screen right below this one), else ``own`` (the lesson the preset or variant belongs to)."""
        stack = self.app.screen_stack
        if self in stack:
            below = stack[stack.index(self) - 1] if stack.index(self) > 0 else None
            if isinstance(below, TutorScreen) and below.NAME == "lesson":
                return getattr(below, "lesson_id", None) or own
        return own

    def remember(self, lesson: str | None = None) -> None:
        """Save this screen as the learner's position (for "continue where you left off")."""
        self.tutor.save(lambda store: store.set_position(self.NAME, lesson))


def home_lesson(try_id: str) -> str | None:
    """The lesson the engine's catalogue gives a preset or gradcheck variant, or None."""
    try:
        from dltutor.core.presets import PRESETS

        if try_id in PRESETS:
            return PRESETS[try_id].lesson
        from dltutor.core.variants import VARIANTS

        if try_id in VARIANTS:
            return VARIANTS[try_id].lesson
    except ImportError:  # pragma: no cover - the engine ships with the package
        return None
    return None
