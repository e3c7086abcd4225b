"""What every main screen shares: the course data the app loaded, and the keys that move between screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from dltutor.tutor.course import Course
from dltutor.tutor.messages import Navigate

if TYPE_CHECKING:
    from dltutor.tutor.app import DLTutorApp


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
        if event.size != self.app.size:  # type: ignore[attr-defined]  # a mixin of Screen, which has app
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
