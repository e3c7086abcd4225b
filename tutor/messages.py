"""App-wide messages: requests any screen or widget can post for the app to handle."""

from __future__ import annotations

from textual.message import Message


class Navigate(Message):
    """Go to a main screen.

    Args:
        target: ``home``, ``lesson``, ``ask``, ``quiz``, ``diagnose`` or ``help``.
        lesson: the lesson to open (``lesson``) or to quiz on (``quiz``; None for a mixed quiz).
        question: a question to ask at once (``ask``).
        chooser: for ``quiz`` without a lesson, show the choice of quizzes rather than start a mixed quiz.
        try_id: for ``lesson``, a lab preset or gradcheck variant to run at once in the lesson's Try it
            (without ``lesson``, the lesson that names it opens).
        section: for ``lesson``, the heading of a section to scroll to.
        placement: where the new screen goes: ``main`` (the default: it replaces every screen above home, as
            the one-key moves and the palette do), ``over`` (over the current screen, so escape comes back to
            it: a lesson's experiment, a lesson opened from Ask) or ``swap`` (it replaces the current screen
            and keeps the ones below: the next lesson). None lets the screen the request comes from decide
            (see :meth:`tutor.screens.base.TutorScreen.placement_of`), else ``main``.
    """

    def __init__(
        self,
        target: str,
        lesson: str | None = None,
        question: str | None = None,
        chooser: bool = True,
        try_id: str | None = None,
        section: str | None = None,
        placement: str | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.lesson = lesson
        self.question = question
        self.chooser = chooser
        self.try_id = try_id
        self.section = section
        self.placement = placement


class ProgressChanged(Message):
    """The saved progress changed (a lesson read, a practice run, a quiz finished)."""
