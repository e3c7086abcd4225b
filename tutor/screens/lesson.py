"""A lesson: its Markdown with a table of contents, its Try it experiments, its Check yourself questions."""

from __future__ import annotations

import asyncio
import textwrap

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Button, Footer, Header, MarkdownViewer, OptionList, Static, TabbedContent, TabPane
from textual.widgets.markdown import Markdown, MarkdownTableOfContents
from textual.widgets.option_list import Option

from dltutor.tutor.messages import Navigate
from dltutor.tutor.reporting import showing
from dltutor.tutor.screens.base import TutorScreen
from dltutor.tutor.widgets.exercise_link import ExerciseLink
from dltutor.tutor.widgets.panel_link import PanelLink
from dltutor.tutor.widgets.question import Choice, QuestionCard, choice_note
from dltutor.tutor.widgets.try_panel import TryPanel

LETTERS = "abcdefg"
CONTENTS_WIDTH = 26  # the contents column's text (lesson.tcss gives the column 30 with padding and scroll bar)


def display_chunks(markdown: str) -> list[str]:
    """The lesson Markdown cut before each ``##`` heading (never inside a code fence): the first part is
    shown at once, the whole lesson after the first frame."""
    chunks: list[list[str]] = [[]]
    inside = False
    for line in markdown.split("\n"):
        if line.strip().startswith(("```", "~~~")):
            inside = not inside
        if not inside and line.startswith("## ") and any(x.strip() for x in chunks[-1]):
            chunks.append([])
        chunks[-1].append(line)
    return ["\n".join(chunk) for chunk in chunks]


def plain_fences(markdown: str) -> str:
    """Mark code fences without a language as plain text.

    Textual guesses the language of an unmarked fence by trying every Pygments lexer, which costs about
    50 ms a block (most of a lesson's opening time) and colours tables and program output at random.
    """
    lines, inside = [], False
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            if not inside and stripped in ("```", "~~~"):
                line = line + "text"
            inside = not inside
        lines.append(line)
    return "\n".join(lines)


#: Columns a code block loses around its text beside the viewer: its padding, the Markdown's, the scroll bar.
FENCE_CHROME = 8
#: The contents column with its padding and scroll bar (lesson.tcss).
CONTENTS_COLUMN = 30


def widest_code(markdown: str) -> int:
    """The longest line inside the lesson's code fences (tables of numbers, formulas), in cells."""
    from rich.cells import cell_len

    widest, inside = 0, False
    for line in markdown.split("\n"):
        if line.strip().startswith(("```", "~~~")):
            inside = not inside
        elif inside:
            widest = max(widest, cell_len(line))
    return widest


def contents_fit(width: int, markdown: str) -> bool:
    """Show the contents sidebar at this terminal width? Only when it leaves every code block whole (a
    number cut at the edge reads as another number); without it, code that is still too wide wraps."""
    return width >= 100 and width - CONTENTS_COLUMN - FENCE_CHROME >= widest_code(markdown)


def contents_entry(level: int, heading: str, width: int = CONTENTS_WIDTH) -> str:
    """A heading as the contents list shows it: a bullet, indented by level, wrapped with a hanging indent."""
    lead = "  " * max(0, level - 2) + ("• " if level <= 2 else "◦ ")
    return textwrap.fill(heading, width, initial_indent=lead, subsequent_indent=" " * len(lead),
                         break_on_hyphens=False)


class LessonContents(MarkdownTableOfContents):
    """The lesson's sections as a list whose long headings wrap (a tree would cut them at its edge); the
    lesson's own title is left out, the header shows it."""

    def compose(self) -> ComposeResult:
        yield OptionList(id="contents")

    def rebuild_table_of_contents(self, table_of_contents) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Content(contents_entry(level, str(name))), id=block_id)
                             for level, name, block_id in table_of_contents or [] if level > 1])

    @on(OptionList.OptionSelected)
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            await self._post_message(Markdown.TableOfContentsSelected(self.markdown, event.option.id))


class LessonViewer(MarkdownViewer):
    """A Markdown viewer with :class:`LessonContents` for its table of contents."""

    def compose(self) -> ComposeResult:
        markdown = Markdown(parser_factory=self._parser_factory, open_links=self._open_links)
        markdown.can_focus = True
        yield markdown
        yield LessonContents(markdown)


class LessonScreen(TutorScreen):
    """One lesson in three tabs: Read, Try it, Check yourself.

    Args:
        lesson_id: the lesson to show (None: the lesson whose Try it names ``try_id``, else the first).
        try_id: a preset or variant to run at once in the Try it tab.
        section: a section heading to scroll to.
    """

    NAME = "lesson"
    CSS_PATH = "lesson.tcss"
    AUTO_FOCUS = "#lesson-md Markdown"
    BINDINGS = [
        Binding("n", "neighbour(1)", "Next", tooltip="Next lesson"),
        Binding("p", "neighbour(-1)", "Prev", show=False, tooltip="Previous lesson"),
        Binding("r", "tab('read')", "Read", show=False, tooltip="Read the lesson"),
        Binding("t", "tab('try')", "Try it", tooltip="Try it: run the lesson's experiments"),
        Binding("k", "tab('check')", "Check", tooltip="Check yourself: the lesson's questions"),
        Binding("q", "quiz", "Quiz", tooltip="This lesson's quiz"),
        Binding("o", "toggle_contents", "Contents", show=False, tooltip="Show or hide the contents"),
        Binding("a", "go('ask')", "Ask", show=False),
        Binding("d", "go('diagnose')", "Diagnose", show=False),
    ]

    def __init__(self, lesson_id: str | None = None, try_id: str | None = None, section: str | None = None):
        super().__init__()
        self.lesson_id = lesson_id
        self.try_id = try_id
        self.section = section
        self.check_index = 0
        self.check_right = 0
        self.resumed = 0

    def compose(self) -> ComposeResult:
        lesson = self.lesson = self._resolve()
        from dltutor.tutor.lessons import markdown_of

        self._markdown = plain_fences(markdown_of(lesson))
        first = display_chunks(self._markdown)[0]
        yield Header()
        with TabbedContent(initial="read", id="tabs"):
            with TabPane("Read", id="read"):
                yield LessonViewer(first, id="lesson-md", open_links=False,
                                   show_table_of_contents=contents_fit(self.app.size.width, self._markdown))
            with TabPane("Try it", id="try"):
                yield PanelLink(lesson.id, id="try-links")
                yield ExerciseLink(lesson.id, id="exercise-link")
                yield TryPanel(lesson.try_ids, selected=self.try_id, id="try-panel")
            with TabPane("Check yourself", id="check"):
                with Vertical(id="check-area"):
                    yield Static("", id="check-score")
        yield Footer(compact=True)

    def _resolve(self):
        if self.lesson_id is None and self.try_id:
            found = self.course.lesson_trying(self.try_id)
            if found is None:
                self.notify(f"No lesson runs {self.try_id!r}.", severity="warning")
                self.try_id = None
            else:
                self.lesson_id = found.id
        if self.lesson_id is None:
            self.lesson_id = self.course.lessons()[0].id
        return self.course.get(self.lesson_id)

    async def on_mount(self) -> None:
        lesson = self.lesson
        if self.tutor.paging_to == lesson.id:
            self.tutor.paging_to = None
        topics = self.course.topics()
        if lesson in topics:
            self.sub_title = f"Lesson {lesson.order} of {len(topics)} · {lesson.title}"
        else:
            self.sub_title = lesson.title
        self.query_one("#lesson-md").border_title = lesson.title
        lesson_id = lesson.id
        self.tutor.save(lambda store: store.mark_read(lesson_id) or store.set_position("lesson", lesson_id))
        if self.try_id:
            self.action_tab("try")
            self.query_one(TryPanel).run(self.try_id)
        self.call_after_refresh(self._fill)

    @work(exclusive=True, group="lesson-body")
    async def _fill(self) -> None:
        """Show the whole lesson after the first frame (which shows only its opening section, so the screen
        appears at once), then the check questions."""
        # The learner may already have moved on (n pressed quickly): a screen being removed has lost its
        # widgets, and filling it would fail.
        try:
            await asyncio.sleep(0)
            if not showing(self):
                return
            await self.query_one("#lesson-md", MarkdownViewer).document.update(self._markdown)
            if not showing(self):
                return
            await self._show_check()
        except NoMatches:
            if self.is_attached and self.app.screen is self:
                raise
            return
        if self.section and not self.try_id:
            self.call_after_refresh(self._goto_section, self.section)

    def on_screen_resume(self) -> None:
        # Back from a screen opened over this one (an experiment, this lesson's quiz): the learner is here
        # again. The first resume is the opening, which on_mount records.
        self.resumed += 1
        if self.resumed > 1:
            lesson_id = self.lesson.id
            self.tutor.save(lambda store: store.set_position("lesson", lesson_id))

    def placement_of(self, request: Navigate) -> str | None:
        # An experiment or this lesson's quiz opens over the lesson (escape comes back to it); the next
        # lesson or a linked one takes this lesson's place.
        if request.target in ("workbench", "lab", "vanishing", "numgrad", "normalization", "exercises"):
            return "over"
        if request.target == "quiz" and request.lesson is not None:
            return "over"
        if request.target == "lesson":
            return "swap"
        return None

    def _goto_section(self, heading: str) -> None:
        document = self.query_one("#lesson-md", MarkdownViewer).document
        wanted = heading.strip().lower()
        for _level, name, block_id in document.table_of_contents or []:
            if str(name).strip().lower() == wanted:
                self.query_one("#lesson-md", MarkdownViewer).scroll_to_widget(
                    document.query_one(f"#{block_id}"), top=True, animate=False)
                return

    # -- actions -----------------------------------------------------------------------------------

    def action_neighbour(self, step: int) -> None:
        # Keys pressed faster than lessons open reach this screen again: page on from the lesson already
        # asked for, so n pressed four times moves four lessons.
        start = self.tutor.paging_to or self.lesson.id
        before, after = self.course.neighbours(start)
        target = after if step > 0 else before
        if target is None:
            self.notify("This is the last lesson." if step > 0 else "This is the first lesson.")
            return
        self.tutor.paging_to = target.id
        self.post_message(Navigate("lesson", target.id))

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus = {"read": "#lesson-md Markdown", "try": "#try-list", "check": "QuestionCard"}[tab]
        self.call_after_refresh(self._focus, focus)

    def _focus(self, selector: str) -> None:
        found = self.query(selector)
        if found:
            found.first().focus()

    def action_quiz(self) -> None:
        self.post_message(Navigate("quiz", self.lesson.id, chooser=False))

    def on_resize(self, event: events.Resize) -> None:
        # the sidebar follows the width (o still shows or hides it until the next resize)
        self.query_one("#lesson-md", MarkdownViewer).show_table_of_contents = contents_fit(
            event.size.width, self._markdown)

    def action_toggle_contents(self) -> None:
        viewer = self.query_one("#lesson-md", MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        # Lessons link to each other as "lesson:<id>" or "NN-<id>.md"; the web is not reachable offline.
        event.stop()
        href = event.href.strip()
        ids = {lesson.id for lesson in self.course.lessons()}
        target = href.removeprefix("lesson:").removesuffix(".md")
        target = target[3:] if target[:2].isdigit() and target[2:3] == "-" else target
        if target in ids:
            self.post_message(Navigate("lesson", target))
        else:
            self.notify(f"Link: {href}")

    # -- Try it ------------------------------------------------------------------------------------

    @on(TryPanel.Finished)
    def _tried(self, event: TryPanel.Finished) -> None:
        if event.ok:
            lesson_id = self.lesson.id
            self.tutor.save(lambda store: store.mark_practised(lesson_id))
            self.notify(f"{self.lesson.title}: marked practised.", timeout=3)

    # -- Check yourself ----------------------------------------------------------------------------

    async def _show_check(self) -> None:
        area = self.query_one("#check-area")
        await area.query("QuestionCard, #check-again").remove()
        checks = self.lesson.checks
        score = self.query_one("#check-score", Static)
        score.display = True
        if not checks:
            score.update("This lesson has no check questions.")
            return
        if self.check_index >= len(checks):
            score.update(f"You answered {self.check_right} of {len(checks)} right. "
                         "Go through them again, or press q for this lesson's quiz.")
            self.check_index = self.check_right = 0
            again = Button("Go through them again", id="check-again", variant="primary")
            await area.mount(again)
            again.focus()
            return
        check = checks[self.check_index]
        score.display = False
        last = self.check_index == len(checks) - 1
        choices = [Choice(k, t) for k, t in zip(LETTERS, check.options, strict=False)]  # at most 7 shown
        card = QuestionCard(check.question, choices,
                            header=f"Check {self.check_index + 1} of {len(checks)}",
                            next_label="Finish" if last else "Next question →")
        await area.mount(card, before=score)
        if self.query_one(TabbedContent).active == "check":
            card.focus()

    @on(QuestionCard.Answered)
    def _answered(self, event: QuestionCard.Answered) -> None:
        check = self.lesson.checks[self.check_index]
        right = LETTERS[check.answer]
        correct = event.chosen == {right}
        self.check_right += correct
        verdict = "Correct." if correct else f"Not quite: the answer is {right}."
        # a note on every option (why it is right or wrong), as the quiz gives, when the lesson has them
        notes = [(f"{key})", choice_note(key == right, key in event.chosen, why))
                 for key, why in zip(LETTERS, check.why, strict=False)]
        event.card.show_result(correct, {right}, f"{verdict}\n{check.explanation}", notes)

    @on(QuestionCard.Next)
    async def _next_check(self) -> None:
        self.check_index += 1
        await self._show_check()

    @on(Button.Pressed, "#check-again")
    async def _again(self) -> None:
        await self._show_check()
