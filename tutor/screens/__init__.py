"""The app's screens, one module each with its stylesheet beside it.

Screen modules are imported when first shown, so opening the tutor only loads the home screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from dltutor.tutor.app import DLTutorApp
    from dltutor.tutor.messages import Navigate

#: The screens :class:`tutor.messages.Navigate` can go to.
SCREEN_NAMES = ("home", "lesson", "ask", "quiz", "diagnose", "help",
                "workbench", "vanishing", "numgrad", "normalization", "lab", "progress", "exercises")


#: How many screens may stand above home (screens opened over others); deeper requests replace them all.
MAX_DEPTH = 5


async def navigate(app: DLTutorApp, request: Navigate) -> None:
    """Go where ``request`` says: help opens over the current screen; home closes every screen; another
    screen replaces whatever is above home, or opens over the current one (``placement="over"``: escape
    comes back to it), or replaces just the current one (``placement="swap"``)."""
    from dltutor.tutor.screens.too_small import TooSmallScreen

    if isinstance(app.screen, TooSmallScreen):
        app.paging_to = None  # that lesson will not open
        return
    if request.target == "help":
        await app.run_action("help")
        return
    placement = request.placement or "main"
    if request.target == "home" or placement == "main" or len(app.screen_stack) > MAX_DEPTH:
        while len(app.screen_stack) > 1:
            await app.pop_screen()
    elif placement == "swap" and len(app.screen_stack) > 1:
        # In one step: between a pop and a push the screen below would get the keys pressed meanwhile.
        await app.switch_screen(build_screen(request))
        return
    if request.target != "home":
        await app.push_screen(build_screen(request))


def build_screen(request: Navigate) -> Screen:
    """A new screen for a navigation request (``target``, with ``lesson``, ``question``, ``chooser``...)."""
    target = request.target
    if target == "lesson":
        from dltutor.tutor.screens.lesson import LessonScreen

        return LessonScreen(request.lesson, try_id=request.try_id, section=request.section)
    if target == "ask":
        from dltutor.tutor.screens.ask import AskScreen

        return AskScreen(question=request.question)
    if target == "quiz":
        from dltutor.tutor.screens.quiz import QuizScreen

        return QuizScreen(lesson=request.lesson, chooser=request.chooser)
    if target == "diagnose":
        from dltutor.tutor.screens.diagnose import DiagnoseScreen

        return DiagnoseScreen()
    if target == "help":
        from dltutor.tutor.screens.help import HelpScreen

        return HelpScreen()
    if target == "workbench":
        from dltutor.tutor.screens.workbench import WorkbenchScreen

        return WorkbenchScreen(variant=request.try_id)
    if target == "lab":
        from dltutor.tutor.screens.lab import LabScreen

        return LabScreen(preset=request.try_id)
    if target == "progress":
        from dltutor.tutor.screens.progress import ProgressScreen

        return ProgressScreen()
    if target == "exercises":
        from dltutor.tutor.screens.exercises import ExercisesScreen

        return ExercisesScreen(exercise=request.try_id, lesson=request.lesson)
    if target == "vanishing":
        from dltutor.tutor.screens.vanishing import VanishingScreen

        return VanishingScreen()
    if target == "numgrad":
        from dltutor.tutor.screens.numgrad import NumgradScreen

        return NumgradScreen()
    if target == "normalization":
        from dltutor.tutor.screens.normalization import NormalizationScreen

        return NormalizationScreen()
    from dltutor.tutor.screens.home import HomeScreen

    return HomeScreen()
