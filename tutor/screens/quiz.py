"""Quiz: by lesson or mixed, one question at a time, feedback after each, the score saved at the end."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from dltutor.tutor.progress import MIXED
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.widgets.question import Choice, QuestionCard, choice_note

MIXED_COUNT = 10


def option_note(option: Any, chosen: bool) -> Content:
    """What the feedback says about one quiz option (see :func:`tutor.widgets.question.choice_note`)."""
    return choice_note(option.correct, chosen, option.explanation)


class QuizScreen(TutorScreen):
    """A quiz session.

    Args:
        lesson: quiz on this lesson's questions; None for a mixed quiz.
        chooser: with no lesson, show the list of quizzes first (else start a mixed quiz at once).
    """

    NAME = "quiz"
    CSS_PATH = "quiz.tcss"
    BINDINGS = [
        Binding("q", "choose", "Quizzes", tooltip="Choose another quiz"),
        Binding("r", "retry", "Try again"),
    ]

    def __init__(self, lesson: str | None = None, chooser: bool = True) -> None:
        super().__init__()
        self.lesson = lesson
        self.chooser = chooser and lesson is None
        self.questions: list[Any] = []
        self.index = 0
        self.grades: list[Any] = []
        self.state = "choose"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="quiz-body"):
            yield Static("", id="quiz-status", markup=False)
            yield Vertical(id="quiz-area")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self.sub_title = "Quiz"
        if self.chooser:
            await self.show_chooser()
        else:
            await self.start(self.lesson)

    # -- states ------------------------------------------------------------------------------------

    async def _clear(self) -> Vertical:
        area = self.query_one("#quiz-area", Vertical)
        await area.remove_children()
        return area

    async def show_chooser(self) -> None:
        """The list of quizzes: mixed first, then one per lesson with its best score."""
        self.state = "choose"
        progress = self.tutor.store.progress
        questions = self.course.quiz()
        counts: dict[str, int] = {}
        for q in questions:
            counts[q.lesson] = counts.get(q.lesson, 0) + 1

        def best(scope: str) -> str:
            b = progress.best(scope)
            return f"   best {b.score}/{b.total}" if b else ""

        options = [Option(Content.assemble(("Mixed", "bold"),
                                           f": {min(MIXED_COUNT, len(questions))} questions from every topic",
                                           (best(MIXED), "dim")), id=MIXED)]
        for lesson in self.course.lessons():
            if counts.get(lesson.id):
                options.append(Option(Content.assemble(
                    (f"{lesson.order:>2} · {lesson.title}", "bold"), f": {counts[lesson.id]} questions",
                    (best(lesson.id), "dim")), id=lesson.id))
        self.query_one("#quiz-status", Static).update(
            "Choose a quiz with ↑/↓ and enter (or click). Each answer is explained; your score is saved.")
        chooser = OptionList(*options, id="quiz-chooser")
        chooser.border_title = "Quizzes"
        await (await self._clear()).mount(chooser)
        chooser.focus()
        self.refresh_bindings()

    async def start(self, lesson: str | None) -> None:
        """Start a quiz on ``lesson`` (None: mixed, drawn with a seed that changes with each attempt)."""
        from dltutor.core.errors import TutorError
        from dltutor.tutor.quiz import select_questions

        all_questions = self.course.quiz()
        try:
            if lesson is None:
                seed = len(self.tutor.store.progress.quiz.get(MIXED, []))
                self.questions = select_questions(all_questions, None, MIXED_COUNT, seed=seed)
            else:
                self.questions = select_questions(all_questions, lesson)
        except TutorError:
            self.notify("That lesson has no quiz questions; choose another quiz.", severity="warning")
            await self.show_chooser()
            return
        self.lesson = lesson
        self.index = 0
        self.grades = []
        title = "mixed" if lesson is None else self.course.get(lesson).title
        self.sub_title = f"Quiz: {title}"
        await self.show_question()

    async def show_question(self) -> None:
        self.state = "question"
        q = self.questions[self.index]
        right = sum(g.correct for g in self.grades)
        self.query_one("#quiz-status", Static).update(
            f"Question {self.index + 1} of {len(self.questions)}   ·   {right} right so far")
        last = self.index == len(self.questions) - 1
        lesson = self._lesson_title(q.lesson)
        card = QuestionCard(q.prompt, [Choice(o.key, o.text) for o in q.options], multi=q.kind == "multi",
                            header=f"From: {lesson}",
                            next_label="See my score" if last else "Next question →", id="quiz-card")
        await (await self._clear()).mount(card)
        card.focus()
        self.refresh_bindings()

    def _lesson_title(self, lesson_id: str) -> str:
        try:
            lesson = self.course.get(lesson_id)
        except Exception:
            return lesson_id
        return f"{lesson.order} · {lesson.title}"

    async def show_score(self) -> None:
        self.state = "score"
        right = sum(g.correct for g in self.grades)
        total = len(self.grades)
        scope = self.lesson or MIXED
        self.tutor.save(lambda store: store.record_quiz(scope, right, total))
        self.query_one("#quiz-status", Static).update("Quiz finished; your score is saved.")
        area = await self._clear()
        pct = round(100 * right / total) if total else 0
        lines = [Content.assemble((f"You scored {right} of {total} ({pct}%).", "bold"))]
        for n, (q, g) in enumerate(zip(self.questions, self.grades, strict=True), 1):
            mark = ("✓", "green") if g.correct else ("✗", "red")
            answer = "+".join(sorted(g.right))
            lines.append(Content.assemble(mark, f" {n}. {q.prompt}  (answer {answer})"))
        scroll = VerticalScroll(id="quiz-score")
        scroll.border_title = "Score"
        await area.mount(scroll)
        await scroll.mount_all([Static(line, classes="score-line") for line in lines])
        buttons = Horizontal(id="score-buttons")
        await area.mount(buttons)
        again = Button("Try again (r)", id="again", variant="primary")
        await buttons.mount_all([again, Button("Choose another quiz (q)", id="choose"),
                                 Button("Home (h)", id="home")])
        again.focus()
        self.refresh_bindings()

    # -- events ------------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#quiz-chooser")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        await self.start(None if choice == MIXED else choice)

    @on(QuestionCard.Answered)
    def _answered(self, event: QuestionCard.Answered) -> None:
        from dltutor.tutor.quiz import grade

        question = self.questions[self.index]
        g = grade(question, set(event.chosen))
        self.grades.append(g)
        verdict = g.feedback.split("\n", 1)[0]  # then one line per option, written here for the app
        notes = [(f"{o.key})", option_note(o, o.key in g.chosen)) for o in question.options]
        event.card.show_result(g.correct, g.right, verdict, notes)
        right = sum(x.correct for x in self.grades)
        self.query_one("#quiz-status", Static).update(
            f"Question {self.index + 1} of {len(self.questions)}   ·   {right} right so far")

    @on(QuestionCard.Next)
    async def _next(self) -> None:
        self.index += 1
        if self.index < len(self.questions):
            await self.show_question()
        else:
            await self.show_score()

    @on(Button.Pressed, "#again")
    async def action_retry(self) -> None:
        if self.state == "score":
            await self.start(self.lesson)

    @on(Button.Pressed, "#choose")
    async def action_choose(self) -> None:
        await self.show_chooser()

    @on(Button.Pressed, "#home")
    def _home(self) -> None:
        self.action_go("home")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.state == "score"
        if action == "choose":
            return self.state != "choose"
        return super().check_action(action, parameters)
