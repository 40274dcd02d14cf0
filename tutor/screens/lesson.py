"""The lesson screen: a lesson's prose with its quizzes, labs and engine code in place.

Prose segments are rendered with Textual's Markdown widget; each quiz is a live
QuizWidget, each lab block a LabCard, each engine block its source. Answers,
shown answers and hints used are saved as they happen; when every quiz of the
lesson has been solved (now or in an earlier visit; a shown answer is not
solved) the lesson is marked complete. n and p move to the next and previous
lesson, t shows the table of contents, whose quiz entries say each quiz's state
and the start of its prompt; choosing one puts the keyboard in that quiz.
Opened by Continue, the lesson scrolls to its first unsolved quiz.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from tutor import messages
from tutor.app import TutorApp
from tutor.course.display import block_text, prompt_lines
from tutor.course.model import (CompareBlock, EngineBlock, ExerciseBlock, GradcheckBlock, GraphBlock, LabBlock,
                                 Prose, Quiz, StepperBlock)
from tutor.widgets.lesson_blocks import (CompareCard, EngineSource, ExerciseCard, GradcheckCard, GraphCard, LabCard,
                                         LessonMarkdown, StepperCard)
from tutor.widgets.quiz import QuizWidget

if TYPE_CHECKING:
    from tutor.course.model import Lesson


class TableOfContents(OptionList):
    """The lesson's headings and quizzes; selecting one scrolls the lesson to it."""


# A quiz's mark in the contents, by its state.
TOC_MARKS = {"solved": "✓", "answer shown": "◐", "not yet": "✗", "": "?"}



class LessonScreen(Screen):
    """One lesson (see the module docstring)."""

    app = getters.app(TutorApp)   # self.app, typed as the tutor's app (its course, remember, ...)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        Binding("escape", "back", "Course", tooltip="Back to the course map"),
        Binding("n", "next_lesson", "Next"),
        Binding("p", "previous_lesson", "Previous"),
        Binding("t", "toggle_toc", "Contents"),
        Binding("j", "next_quiz", "Next quiz", show=False),
        Binding("k", "previous_quiz", "Previous quiz", show=False),
        Binding("l", "app.open_lab", "Lab", show=False),
    ]

    def __init__(self, lesson: Lesson, to_first_unsolved: bool = False) -> None:
        super().__init__()
        self.lesson = lesson
        self.to_first_unsolved = to_first_unsolved  # opened by Continue: go where the learner was
        self._toc_targets: list[Widget] = []

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        states = self.app.remember(lambda p: p.quiz_states(self.lesson.id), {})
        hints = self.app.remember(lambda p: p.hints_shown(self.lesson.id), {})
        last_right = self._last_right_answers() if states else {}
        yield Header()
        with Horizontal(id="lesson-main"):
            yield TableOfContents(id="toc")
            with VerticalScroll(id="lesson-body"):
                quiz_number = 0
                for segment in self.lesson.body:
                    if isinstance(segment, Prose):
                        yield LessonMarkdown(segment.text, classes="prose", open_links=False)
                    elif isinstance(segment, Quiz):
                        quiz_number += 1
                        yield QuizWidget(segment, quiz_number, state=states.get(segment.id),
                                         previous_answer=last_right.get(segment.id),
                                         hints_shown=hints.get(segment.id, 0))
                    elif isinstance(segment, LabBlock):
                        yield LabCard(segment)
                    elif isinstance(segment, EngineBlock):
                        yield EngineSource(segment)
                    elif isinstance(segment, CompareBlock):
                        yield CompareCard(segment)
                    elif isinstance(segment, StepperBlock):
                        yield StepperCard(segment)
                    elif isinstance(segment, GraphBlock):
                        yield GraphCard(segment)
                    elif isinstance(segment, ExerciseBlock):
                        yield ExerciseCard(segment)
                    elif isinstance(segment, GradcheckBlock):
                        yield GradcheckCard(segment)
                    else:   # a block kind with no widget of its own yet: what it holds, as text
                        yield Static(block_text(segment), classes="block-text", markup=False)
                yield Static(id="lesson-end")
                with Horizontal(id="lesson-nav"):
                    yield Button("← Previous", id="previous-lesson", compact=True)
                    yield Button("Course map", id="to-course", compact=True)
                    yield Button("Next →", id="next-lesson", variant="primary", compact=True)
        yield Footer()

    def _last_right_answers(self) -> dict[str, str]:
        """The last right answer typed for each quiz, to show it again in its field."""
        answers = self.app.remember(lambda p: p.answers(self.lesson.id), [])
        return {answer.quiz_id: answer.text for answer in answers
                if answer.correct and not answer.after_reveal and not answer.variant}

    def on_mount(self) -> None:
        course = self.app.course
        number = self._index() + 1
        self.sub_title = f"Lesson {number} of {len(course.lessons)}"
        self.query_one("#toc").border_title = "Contents"
        self._show_progress()
        previous, following = self._neighbour(-1), self._neighbour(+1)
        self.query_one("#previous-lesson", Button).disabled = previous is None
        next_button = self.query_one("#next-lesson", Button)
        next_button.disabled = following is None
        if following is not None:
            next_button.label = f"Next: {following.title}" if len(following.title) <= 40 else "Next →"
        self.query_one("#lesson-body").focus()
        if not self.lesson.quizzes:  # nothing to solve: reading it finishes it (Continue moves on)
            lesson_id = self.lesson.id
            self.app.remember(lambda p: p.complete_lesson(lesson_id))
        if self.to_first_unsolved:
            self.call_after_refresh(self.go_to_first_unsolved)

    def on_screen_resume(self) -> None:
        for card in self.query(ExerciseCard):   # back from the Exercises screen: states may have changed
            card.show_state()

    def go_to_first_unsolved(self) -> None:
        """Scroll to the first quiz that can still be solved and put the keyboard in it
        (a quiz whose answer was shown and has no fresh variant cannot: it is passed over)."""
        widgets = list(self.query(QuizWidget))
        open_ = [widget for widget in widgets if not widget.solved and not widget.shown]
        unsolved = open_ or [widget for widget in widgets if not widget.solved]
        if unsolved:
            self.query_one("#lesson-body").scroll_to_widget(unsolved[0], top=True, animate=False)
            unsolved[0].focus_answer()

    # ------------------------------------------------------------------ progress

    def _show_progress(self) -> None:
        """The lesson's state at the end of the page: solved count, or complete."""
        quizzes = self.lesson.quizzes
        widgets = list(self.query(QuizWidget))
        solved = sum(1 for widget in widgets if widget.solved)
        shown = sum(1 for widget in widgets if widget.status == "answer shown")
        end = self.query_one("#lesson-end", Static)
        if not quizzes:
            end.update(Content.from_markup("[dim]This lesson has no quizzes.[/]"))
        elif solved == len(quizzes):
            end.update(Content.from_markup(f"[b $text-success]✓ Lesson complete:[/] all {len(quizzes)} "
                                           "quizzes solved."))
        else:
            note = (f" {shown} with the answer shown: solve {'it' if shown == 1 else 'them'} "
                    "(with new numbers where there are some) to count." if shown else "")
            end.update(Content.from_markup(f"[dim]{solved} of {len(quizzes)} quizzes solved.{note} "
                                           "Solve them all to complete the lesson.[/]"))

    @on(messages.QuizAnswered)
    def _answered(self, message: messages.QuizAnswered) -> None:
        """Save the answer; complete the lesson once every quiz has been solved."""
        lesson = self.lesson
        app = self.app
        app.remember(lambda p: p.record_answer(
            lesson.id, message.quiz.id, message.text, message.verdict.correct, variant=message.variant))
        self._show_progress()
        self._rebuild_toc()  # the quiz's mark follows its state
        if not (message.verdict.correct and message.counts):
            return
        if all(widget.solved for widget in self.query(QuizWidget)) and len(self.query(QuizWidget)) == len(lesson.quizzes):
            already = app.remember(lambda p: p.is_complete(lesson.id), False)
            app.remember(lambda p: p.complete_lesson(lesson.id))
            if not already:
                self.notify(f"Lesson complete: {lesson.title}", title="Well done")

    @on(messages.QuizRevealed)
    def _revealed(self, message: messages.QuizRevealed) -> None:
        """Save that the answer was shown: that variant can no longer solve the quiz."""
        lesson = self.lesson
        self.app.remember(lambda p: p.record_reveal(
            lesson.id, message.quiz.id, message.variant))
        self._show_progress()
        self._rebuild_toc()

    @on(messages.QuizHintShown)
    def _hint_shown(self, message: messages.QuizHintShown) -> None:
        lesson = self.lesson
        self.app.remember(lambda p: p.record_hints(
            lesson.id, message.quiz.id, message.shown))

    # ------------------------------------------------------------------ table of contents

    @on(Markdown.TableOfContentsUpdated)
    def _rebuild_toc(self) -> None:
        """Headings of every prose block, and the quizzes, in page order."""
        toc = self.query_one("#toc", TableOfContents)
        highlighted = toc.highlighted
        toc.clear_options()
        self._toc_targets = []
        for child in self.query_one("#lesson-body").children:
            if isinstance(child, Markdown):
                for level, label, block_id in child.table_of_contents:
                    if block_id is None or level > 3:
                        continue
                    try:
                        target = child.query_one(f"#{block_id}")
                    except Exception:
                        continue
                    indent = "  " * (level - 1)
                    toc.add_option(Option(Content(f"{indent}{label}")))
                    self._toc_targets.append(target)
            elif isinstance(child, QuizWidget):
                lines = [f"  {TOC_MARKS[child.status]} Quiz {child.number}"]
                if child.status == "answer shown":
                    lines.append("    [$text-warning](answer shown)[/]")
                lines += [f"    [dim]{escape(line)}[/]" for line in prompt_lines(child.base_quiz.prompt)]
                toc.add_option(Option(Content.from_markup("\n".join(lines))))
                self._toc_targets.append(child)
        if highlighted is not None and highlighted < toc.option_count:
            toc.highlighted = highlighted

    @on(OptionList.OptionSelected, "#toc")
    def _toc_selected(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self._toc_targets):
            target = self._toc_targets[event.option_index]
            self.query_one("#lesson-body").scroll_to_widget(target, top=True)
            if self.has_class("-narrow"):
                self.remove_class("-toc-open")
            if isinstance(target, QuizWidget):
                target.focus_answer()  # the keyboard goes where the page went
            elif self.has_class("-narrow"):
                self.query_one("#lesson-body").focus()

    def action_toggle_toc(self) -> None:
        """Show or hide the contents (shown by default only on wide terminals)."""
        self.toggle_class("-toc-open" if self.has_class("-narrow") else "-toc-closed")
        toc = self.query_one("#toc", TableOfContents)
        if toc.display:
            toc.focus()
        else:
            self.query_one("#lesson-body").focus()

    # ------------------------------------------------------------------ moving around

    def _index(self) -> int:
        course = self.app.course
        ids = [lesson.id for lesson in course.lessons]
        return ids.index(self.lesson.id) if self.lesson.id in ids else 0

    def _neighbour(self, step: int) -> Lesson | None:
        lessons = self.app.course.lessons
        index = self._index() + step
        return lessons[index] if 0 <= index < len(lessons) else None

    def action_next_lesson(self) -> None:
        following = self._neighbour(+1)
        if following is None:
            self.notify("This is the last lesson.")
            return
        self.post_message(messages.OpenLesson(following.id))

    def action_previous_lesson(self) -> None:
        previous = self._neighbour(-1)
        if previous is None:
            self.notify("This is the first lesson.")
            return
        self.post_message(messages.OpenLesson(previous.id))

    def action_back(self) -> None:
        """Escape leaves an answer field first, then the lesson."""
        if isinstance(self.focused, Input) or self.has_class("-narrow", "-toc-open"):
            self.remove_class("-toc-open")
            self.query_one("#lesson-body").focus()
            return
        self.app.action_home()

    def _quiz_step(self, step: int) -> None:
        """Scroll to the next (or previous) quiz below (or above) the top of the view."""
        body = self.query_one("#lesson-body", VerticalScroll)
        quizzes = list(self.query(QuizWidget))
        if not quizzes:
            return
        top = body.scroll_offset.y
        positions = [(quiz.virtual_region.y, quiz) for quiz in quizzes]
        if step > 0:
            ahead = [quiz for y, quiz in positions if y > top + 1]
            target = ahead[0] if ahead else quizzes[-1]
        else:
            behind = [quiz for y, quiz in positions if y < top - 1]
            target = behind[-1] if behind else quizzes[0]
        body.scroll_to_widget(target, top=True)
        target.focus_answer()

    def action_next_quiz(self) -> None:
        self._quiz_step(+1)

    def action_previous_quiz(self) -> None:
        self._quiz_step(-1)

    @on(Button.Pressed, "#next-lesson")
    def _next_pressed(self) -> None:
        self.action_next_lesson()

    @on(Button.Pressed, "#previous-lesson")
    def _previous_pressed(self) -> None:
        self.action_previous_lesson()

    @on(Button.Pressed, "#to-course")
    def _course_pressed(self) -> None:
        self.app.action_home()
