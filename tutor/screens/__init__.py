"""The app's screens, one module each with its stylesheet beside it.

Screen modules are imported when first shown, so opening the tutor only loads the home screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from tutor.messages import Navigate

#: The screens :class:`tutor.messages.Navigate` can go to.
SCREEN_NAMES = ("home", "lesson", "ask", "quiz", "diagnose", "help",
                "workbench", "vanishing", "numgrad", "normalization")


def build_screen(request: Navigate) -> Screen:
    """A new screen for a navigation request (``target``, with ``lesson``, ``question``, ``chooser``...)."""
    target = request.target
    if target == "lesson":
        from tutor.screens.lesson import LessonScreen

        return LessonScreen(request.lesson, try_id=request.try_id)
    if target == "ask":
        from tutor.screens.ask import AskScreen

        return AskScreen(question=request.question)
    if target == "quiz":
        from tutor.screens.quiz import QuizScreen

        return QuizScreen(lesson=request.lesson, chooser=request.chooser)
    if target == "diagnose":
        from tutor.screens.diagnose import DiagnoseScreen

        return DiagnoseScreen()
    if target == "help":
        from tutor.screens.help import HelpScreen

        return HelpScreen()
    if target == "workbench":
        from tutor.screens.workbench import WorkbenchScreen

        return WorkbenchScreen(variant=request.try_id)
    if target in ("vanishing", "numgrad", "normalization"):
        from tutor.screens.panels import build_panel

        return build_panel(target)
    from tutor.screens.home import HomeScreen

    return HomeScreen()
