"""Ask: a question box, the answer with its source lesson (o opens it), related questions to ask next, this
session's history, and the nine course questions as one-key shortcuts."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from dltutor.tutor.ask import course_number
from dltutor.tutor.messages import Navigate
from dltutor.tutor.reporting import reports
from dltutor.tutor.screens.base import TutorScreen

PLACEHOLDER = "Ask, e.g. why does dropout regularize?"
COURSE_TITLE = "Course questions"
COURSE_HINT = "type 1-9 and enter"
INTRO = ("Ask anything about train/dev/test sets, bias and variance, regularization, dropout, normalization, "
         "initialization or gradient checking, in your own words; numbers work too (\"99% on training, 80% "
         "on dev\"). Each answer names the lesson section it comes from.\n\n"
         "For one of the course questions on the right, type its number (1-9) and press enter, or pick it "
         "with the mouse.")


class AskScreen(TutorScreen):
    """Questions and answers. A lone digit 1-9 submitted in the box (or pressed outside it) asks that course
    question.

    Args:
        question: a question to ask at once.
    """

    NAME = "ask"
    CSS_PATH = "ask.tcss"
    AUTO_FOCUS = "#question"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "focus_question", "Ask", show=False),
        Binding("slash,i", "focus_question", "Type", key_display="/", tooltip="Type a question"),
        Binding("ctrl+o", "open_source", "Open lesson", tooltip="Open the answer's source lesson"),
        Binding("o", "open_source_key", "Open lesson", show=False, tooltip="Open the answer's source lesson"),
        Binding("q", "go('quiz')", "Quiz", show=False),
        Binding("d", "go('diagnose')", "Diagnose", show=False),
        *(Binding(str(n), f"course_question({n})", "Course question", show=False) for n in range(1, 10)),
    ]

    def __init__(self, question: str | None = None) -> None:
        super().__init__()
        self.first_question = question
        self.current: Any = None  # the tutor.ask.Answer on show

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="ask-body"):
            with Vertical(id="ask-main"):
                yield Input(placeholder=PLACEHOLDER, id="question")
                yield Static("", id="ask-status", markup=False)
                with VerticalScroll(id="answer-box"):
                    yield Static(INTRO, id="answer-text", markup=False)
                    yield Static("", id="answer-source", markup=False)
                    with Horizontal(id="answer-actions"):
                        yield Button("Open source lesson (^o)", id="open-source", variant="primary")
                    yield Static("", id="related-label", markup=False)
                    yield OptionList(id="related")
            with Vertical(id="ask-side"):
                yield OptionList(id="course-questions")
                yield OptionList(id="history")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Ask a question"
        self.query_one("#answer-box").border_title = "Answer"
        self.query_one("#course-questions").border_title = COURSE_TITLE
        self.query_one("#course-questions").border_subtitle = COURSE_HINT
        self.query_one("#history").border_title = "Asked this session"
        self.query_one("#open-source").display = False
        self.query_one("#answer-actions").display = False
        from dltutor.tutor.ask import COURSE_QUESTIONS

        self.query_one("#course-questions", OptionList).add_options(
            [Option(Content.assemble((f"{q.id} ", "bold"), q.question), id=str(q.id))
             for q in COURSE_QUESTIONS])
        self._show_history()
        if self.tutor.asked and not self.first_question:
            self._show(self.tutor.asked[-1])
        if self.first_question:
            self.ask(self.first_question)
        else:
            self._warm()

    @work(thread=True, exclusive=True, group="ask")
    def _warm(self) -> None:
        """Build the search index off the UI thread, so the first answer comes quickly."""
        from dltutor.tutor.ask import get_engine

        self._status("Preparing the search index…")
        try:
            get_engine(self.course.source)
        except Exception as exc:
            self._status(f"The search index could not be built: {exc}")
            return
        self._status("")

    # -- asking ------------------------------------------------------------------------------------

    def ask(self, question: str) -> None:
        """Answer ``question`` in a worker; the answer replaces the one on show."""
        question = question.strip()
        if not question:
            self._status("Type a question first, or a number 1-9 and enter for a course question.")
            return
        number = course_number(question)
        if number is not None:
            self.action_course_question(number)
            return
        self._status(f"Thinking about: {question}")
        self._answer(question)

    @work(thread=True, exclusive=True, group="ask")
    def _answer(self, question: str) -> None:
        from dltutor.core.errors import TutorError
        from dltutor.tutor.ask import answer

        try:
            result = answer(question, self.course.source)
        except TutorError as exc:
            self._status(str(exc))
            return
        self._answered(result)

    @work(thread=True, exclusive=True, group="ask")
    def _answer_entry(self, entry_id: str) -> None:
        """Show one bank entry (a related question picked below an answer)."""
        from dltutor.tutor.ask import answer_entry

        result = answer_entry(entry_id, source=self.course.source)
        self._answered(result)

    @reports
    def _answered(self, result: Any) -> None:
        self._status("")
        self.tutor.asked.append(result)
        self._show_history()
        self._show(result)

    @reports
    def _status(self, text: str) -> None:
        self.query_one("#ask-status", Static).update(text)

    def _show(self, result: Any) -> None:
        self.current = result
        box = self.query_one("#answer-box", VerticalScroll)
        box.border_title = "Answer"
        lines = result.answer.split("\n")
        lesson_id = result.source.get("lesson")
        if result.kind in ("unsure", "unknown") and result.related:
            lines = lines[:1]  # the closest questions are listed below, as questions to pick
        head = [Content.styled(result.question, "bold")]
        if result.course_question:
            head.append(Content.styled(f"Course question {result.course_question}", "italic"))
        self.query_one("#answer-text", Static).update(
            Content("\n").join(head + [Content("")] + [Content(line) for line in lines]))
        source = self.query_one("#answer-source", Static)
        button = self.query_one("#open-source", Button)
        if lesson_id:
            name = self._lesson_name(lesson_id)
            section = result.source.get("section")
            source.update(f"Source: lesson {name or lesson_id}" + (f", section “{section}”" if section else "")
                          + f"   (confidence {result.confidence:.2f})")
            button.display = name is not None  # a lesson this course does not have cannot be opened
            self.query_one("#answer-actions").display = name is not None
        else:
            source.update("No lesson covers this. Try other words, or a course question on the right."
                          if not result.related else "No lesson section answers this for sure.")
            button.display = False
            self.query_one("#answer-actions").display = False
        self._show_related(result)
        self.refresh_bindings()
        box.scroll_home(animate=False)

    def _lesson_name(self, lesson_id: str) -> str | None:
        """"N · Title" of a lesson of this course, or None. From the answer engine's lesson headings: the
        course's lessons may still be loading in a worker, and waiting for them here would block the UI."""
        from dltutor.tutor.ask import get_engine

        return get_engine(self.course.source).lesson_names.get(lesson_id)

    def _show_related(self, result: Any) -> None:
        related = self.query_one("#related", OptionList)
        related.clear_options()
        if result.kind == "unsure":
            label = "Did you mean (enter or a click asks it):"
        elif result.kind == "unknown":
            label = "Closest questions I can answer (enter or a click asks one):"
        else:
            label = "Related questions (enter or a click asks one):"
        pairs = list(zip(result.related, result.related_questions))
        self.query_one("#related-label", Static).update(label if pairs else "")
        related.add_options([Option(Content(question), id=entry_id) for entry_id, question in pairs])
        related.display = bool(pairs)

    def _show_history(self) -> None:
        history = self.query_one("#history", OptionList)
        history.clear_options()
        history.add_options([Option(Content(a.question), id=str(n)) for n, a in enumerate(self.tutor.asked)])
        history.display = bool(self.tutor.asked)

    # -- events ------------------------------------------------------------------------------------

    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        self.ask(event.value)
        event.input.clear()

    @on(OptionList.OptionSelected, "#course-questions")
    def _course_chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_course_question(int(event.option.id or 1))

    @on(OptionList.OptionSelected, "#history")
    def _history_chosen(self, event: OptionList.OptionSelected) -> None:
        self._show(self.tutor.asked[int(event.option.id or 0)])

    @on(Button.Pressed, "#open-source")
    def action_open_source(self) -> None:
        if self.check_action("open_source", ()):
            source = self.current.source
            self.post_message(Navigate("lesson", source["lesson"], section=source.get("section")))

    @on(OptionList.OptionSelected, "#related")
    def _related(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._status(f"Thinking about: {event.option.prompt}")
            self._answer_entry(event.option.id)

    def action_open_source_key(self) -> None:
        self.action_open_source()

    def action_course_question(self, number: int) -> None:
        from dltutor.tutor.ask import COURSE_QUESTIONS

        if 1 <= number <= len(COURSE_QUESTIONS):
            self.ask(COURSE_QUESTIONS[number - 1].question)

    def action_focus_question(self) -> None:
        self.query_one("#question", Input).focus()

    def placement_of(self, request: Navigate) -> str | None:
        # a lesson opened from an answer opens over Ask: escape comes back to the answer
        return "over" if request.target == "lesson" else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_source":
            lesson_id = self.current.source.get("lesson") if self.current is not None else None
            return isinstance(lesson_id, str) and bool(lesson_id) and self._lesson_name(lesson_id) is not None
        if action == "open_source_key":
            return self.check_action("open_source", parameters) and not isinstance(self.focused, Input)
        if action in ("course_question", "focus_question"):
            return not isinstance(self.focused, Input)
        return super().check_action(action, parameters)
