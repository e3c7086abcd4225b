"""Exercises: the course's graded functions, written by the learner in their own file and checked offline.

A list with each exercise's status on the left; on the right its task, the file to edit (the starter file,
or the last file checked), and Start / Check / Watch / Hint / Train buttons above the result, whose failing
check is highlighted. Checks run in a worker (a child process per check); watching re-checks on every save.
"""

from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from dltutor.tutor.messages import ProgressChanged
from dltutor.tutor.screens.base import TutorScreen

MARKS = {"passed": "✔", "attempted": "✘", "not started": "·"}


class ExercisesScreen(TutorScreen):
    """The exercise track.

    Args:
        exercise: the exercise to select at start.
        lesson: select the first exercise of this lesson (from a lesson's page).
    """

    NAME = "exercises"
    CSS_PATH = "exercises.tcss"
    AUTO_FOCUS = "#exercise-list"
    BINDINGS = [
        Binding("s", "start", "Start", tooltip="Write the starter file (never overwrites yours)"),
        Binding("c", "check", "Check", tooltip="Check your file"),
        Binding("w", "watch", "Watch", tooltip="Check again on every save, until it passes"),
        Binding("i", "hint", "Hint", tooltip="The next hint: a nudge, then the formula"),
        Binding("t", "train", "Train", show=False, tooltip="Train the course's experiment with your functions"),
    ]

    selected: reactive[str | None] = reactive(None)
    watching: reactive[bool] = reactive(False, bindings=True)

    class Checked(Message):
        """A check finished (from the checking worker)."""

        def __init__(self, exercise_id: str, path: str, result=None, error: str | None = None,
                     watching: bool = False) -> None:
            super().__init__()
            self.exercise_id, self.path, self.result, self.error, self.watching = (exercise_id, path, result,
                                                                                     error, watching)

    class Trained(Message):
        """A training run with the learner's functions finished."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, exercise: str | None = None, lesson: str | None = None) -> None:
        super().__init__()
        from dltutor.core.exercises.catalogue import EXERCISES, exercises_for_lesson

        first = exercise if exercise in EXERCISES else None
        if first is None and lesson:
            first = next((e.id for e in exercises_for_lesson(lesson)), None)
        self._initial = first or next(iter(EXERCISES))
        self._hint_level: dict[str, int] = {}
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="exercises-body"):
            yield OptionList(id="exercise-list")
            with Vertical(id="exercise-pane"):
                yield Static("", id="exercise-task", markup=False)
                with Horizontal(id="file-row"):
                    yield Static("Your file:", id="file-label")
                    yield Input(id="exercise-file", placeholder="path of your .py file", compact=True)
                with Horizontal(id="exercise-buttons"):
                    yield Button("Start (s)", id="start", compact=True)
                    yield Button("Check (c)", id="check", compact=True, variant="primary")
                    yield Button("Watch (w)", id="watch", compact=True)
                    yield Button("Hint (i)", id="hint", compact=True)
                    yield Button("Train (t)", id="train", compact=True,
                                 tooltip="Train the course's experiment with your functions")
                yield Static("", id="exercise-status", markup=False)
                with VerticalScroll(id="exercise-result"):
                    yield Static("", id="exercise-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Exercises"
        self.query_one("#exercise-list").border_title = "Exercises"
        self.query_one("#exercise-result").border_title = "Result"
        self._fill_list()
        self.selected = self._initial
        self.remember()

    def on_unmount(self) -> None:
        self._stop.set()

    # --- the list ----------------------------------------------------------------------------------------

    def _fill_list(self) -> None:
        from dltutor.core.exercises.catalogue import EXERCISES

        progress = self.tutor.store.progress
        options = self.query_one("#exercise-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        # ids, as the commands take them; the title heads the task beside the list
        options.add_options([Option(f"{MARKS[progress.exercise_status(e.id)]} {e.id}", id=e.id)
                             for e in EXERCISES.values()])
        if highlighted is not None:
            options.highlighted = highlighted

    @on(ProgressChanged)
    def _progress_changed(self) -> None:
        self._fill_list()  # the status line keeps the last check's verdict

    @on(OptionList.OptionHighlighted, "#exercise-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.selected:
            self.selected = event.option.id

    def watch_selected(self, old: str | None, new: str | None) -> None:
        if new is None:
            return
        from dltutor.core.exercises.catalogue import EXERCISES

        if old is not None and self.watching:
            self._stop_watching()
        exercise = EXERCISES[new]
        options = self.query_one("#exercise-list", OptionList)
        index = list(EXERCISES).index(new)
        if options.highlighted != index:
            options.highlighted = index
        functions = "\n".join(f"  def {f.name}({f.signature})" for f in exercise.functions)
        self.query_one("#exercise-task", Static).update(
            f"{exercise.title}  ({exercise.id}, lesson {exercise.lesson})\n{functions}\n\n{exercise.task}")
        self.query_one("#exercise-file", Input).value = self._file_for(new)
        self.query_one("#train", Button).display = exercise.trains is not None
        self._clear_result()
        self._show_status()

    def _file_for(self, exercise_id: str) -> str:
        """The last file checked for this exercise, else where its starter file goes."""
        from dltutor.tutor.exercise_session import starter_path

        record = self.tutor.store.progress.exercises.get(exercise_id)
        return record.file if record and record.file else str(starter_path(exercise_id, self._starter_dir()))

    def _starter_dir(self):
        from dltutor.tutor.exercise_session import default_dir

        return default_dir(self.tutor.store.dir)

    def _show_status(self, text: str | None = None) -> None:
        if self.selected is None:
            return
        progress = self.tutor.store.progress
        record = progress.exercises.get(self.selected)
        if text is None:
            text = {"passed": f"Passed ({record.attempts} checks so far)." if record else "",
                    "attempted": f"Not passed yet ({record.attempts} checks so far)." if record else "",
                    "not started": "Not started: press s for the starter file, edit it, then c to check."
                    }[progress.exercise_status(self.selected)]
        if self.watching:
            text += "  Watching your file: save it to check again."
        self.query_one("#exercise-status", Static).update(text)

    def _clear_result(self):
        """Remove the shown result (awaitable: the removal completes on a later tick)."""
        self.query_one("#exercise-hint", Static).update("")
        return self.query_one("#exercise-result").query(".check, .output").remove()

    # --- actions --------------------------------------------------------------------------------------------

    def _path(self) -> str:
        return self.query_one("#exercise-file", Input).value.strip()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        from dltutor.core.errors import TutorError
        from dltutor.tutor.exercise_session import write_starter

        if self.selected is None:  # before the list is filled
            return
        directory = self._starter_dir()
        current = self._path()
        if current:
            from pathlib import Path

            directory = Path(current).expanduser().parent
        try:
            path, written = write_starter(self.selected, directory)
        except TutorError as exc:
            self._show_status(f"error: {exc}")
            return
        self.query_one("#exercise-file", Input).value = str(path)
        self._show_status(f"Wrote {path}: open it in your editor, fill in # YOUR CODE HERE, then check (c)."
                          if written else f"{path} already exists: kept as it is. Check it with c.")

    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        if self.watching:
            return
        self._show_status("Checking…")
        self._run_check(self.selected, self._path())

    @on(Input.Submitted, "#exercise-file")
    def _submitted(self) -> None:
        self.action_check()

    @work(thread=True, exclusive=True, group="exercise-check")
    def _run_check(self, exercise_id: str, path: str) -> None:
        from dltutor.core.errors import TutorError
        from dltutor.core.exercises.runner import check_exercise

        try:
            result = check_exercise(exercise_id, path)
        except TutorError as exc:
            self.post_message(self.Checked(exercise_id, path, error=str(exc)))
            return
        self.post_message(self.Checked(exercise_id, path, result))

    @on(Button.Pressed, "#watch")
    def action_watch(self) -> None:
        if self.watching:
            self._stop_watching()
            return
        from dltutor.core.errors import TutorError
        from dltutor.core.exercises.runner import learner_file

        try:
            learner_file(self._path())
        except TutorError as exc:
            self._show_status(f"error: {exc}")
            return
        self._stop = threading.Event()
        self.watching = True
        self.query_one("#watch", Button).label = "Stop watching (w)"
        self._show_status("Checking…")
        self._watch(self.selected, self._path(), self._stop)

    def _stop_watching(self) -> None:
        self._stop.set()
        self.watching = False
        self.query_one("#watch", Button).label = "Watch (w)"
        self._show_status()

    @work(thread=True, exclusive=True, group="exercise-watch")
    def _watch(self, exercise_id: str, path: str, stop: threading.Event) -> None:
        from dltutor.core.errors import TutorError
        from dltutor.core.exercises.runner import check_exercise
        from dltutor.tutor.exercise_session import changes

        def once() -> bool:
            try:
                result = check_exercise(exercise_id, path)
            except TutorError as exc:
                self.post_message(self.Checked(exercise_id, path, error=str(exc), watching=True))
                return False
            if not stop.is_set():
                self.post_message(self.Checked(exercise_id, path, result, watching=True))
            return result.passed

        if once():
            return
        for _ in changes(path, stop):
            if stop.is_set() or once():
                return

    @on(Checked)
    async def _checked(self, message: Checked) -> None:
        from dltutor.core.exercises.catalogue import EXERCISES
        from dltutor.tutor.exercise_text import result_text

        if message.exercise_id != self.selected:
            return
        if message.error:
            self._show_status(f"error: {message.error}")
            return
        result = message.result
        from pathlib import Path

        file = str(Path(message.path).expanduser().resolve())
        self.tutor.save(lambda store: store.record_exercise(result.id, result.passed, file))
        await self._clear_result()
        box = self.query_one("#exercise-result")
        widgets = []
        for check in result.checks:
            widget = Static(f"{'✔' if check.passed else '✘'} {check.name}"
                            + (f"\n{check.message}" if check.message and not check.passed else ""),
                            classes="check " + ("-passed" if check.passed else "-failed"), markup=False)
            widgets.append(widget)
        if result.output.strip():
            widgets.append(Static("your code printed:\n" + result.output.rstrip()[-1500:], classes="output",
                                  markup=False))
        await box.mount_all(widgets, before=self.query_one("#exercise-hint"))
        passed = sum(c.passed for c in result.checks)
        text = (f"PASSED: all {passed} checks ({result.seconds:.2f} s)." if result.passed else
                f"Not yet: {passed} of {len(result.checks)} checks pass ({result.seconds:.2f} s). Press i for a hint.")
        if message.watching and result.passed:
            self.watching = False
            self.query_one("#watch", Button).label = "Watch (w)"
        self._show_status(text)
        failing = box.query(".check.-failed")
        if failing:
            box.scroll_to_widget(failing.first(), animate=False)
        self.log(result_text(result, len(EXERCISES[result.id].hints)))

    @on(Button.Pressed, "#hint")
    def action_hint(self) -> None:
        from dltutor.core.exercises.catalogue import EXERCISES

        if self.selected is None:
            return
        exercise = EXERCISES[self.selected]
        level = min(self._hint_level.get(exercise.id, 0) + 1, len(exercise.hints))
        self._hint_level[exercise.id] = level
        shown = [f"Hint {n} of {len(exercise.hints)}:\n{exercise.hint(n)}" for n in range(1, level + 1)]
        self.query_one("#exercise-hint", Static).update("\n\n".join(shown))
        self.query_one("#exercise-result").scroll_end(animate=False)

    @on(Button.Pressed, "#train")
    def action_train(self) -> None:
        from dltutor.core.exercises.catalogue import EXERCISES, TRAINABLE
        from dltutor.tutor.exercise_train import passed_files

        if self.selected is None:
            return
        preset = EXERCISES[self.selected].trains
        if preset is None:
            return
        files = passed_files(self.tutor.store.progress, preset)
        missing = [e for e in TRAINABLE[preset] if e not in files]
        if missing:
            self._show_status(f"{preset} needs {', '.join(missing)} passed first.")
            return
        self._show_status(f"Training {preset} with your functions (and the reference beside it)…")
        self._train(preset, files)

    @work(thread=True, exclusive=True, group="exercise-train")
    def _train(self, preset_name: str, files: dict) -> None:
        from dltutor.core.errors import TutorError
        from dltutor.core.exercises.course_run import train_with_exercises
        from dltutor.core.learner import LearnerError
        from dltutor.core.presets import get_preset
        from dltutor.tutor.exercise_train import comparison_text

        preset = get_preset(preset_name)
        try:
            comparison = train_with_exercises(preset_name, preset.config, preset.data.load(), files)
            text = comparison_text(comparison, in_app=True)
        except (TutorError, LearnerError) as exc:
            text = f"error: {exc}"
        self.post_message(self.Trained(text))

    @on(Trained)
    async def _trained(self, message: Trained) -> None:
        await self._clear_result()
        await self.query_one("#exercise-result").mount(Static(message.text, classes="output", markup=False),
                                                 before=self.query_one("#exercise-hint"))
        self._show_status("Training finished.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "check", "watch", "hint", "train") and isinstance(self.focused, Input):
            return False
        if action == "check" and self.watching:
            return None
        return super().check_action(action, parameters)
