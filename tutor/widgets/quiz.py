"""A live quiz inside a lesson: the prompt, an answer field, hints, the verdict.

Typed answers (derivative, expression, numeric) go in an input line; choice and
predict quizzes show their options. The answer is judged by
tutor.course.answers.check_answer, the same function the plain-text `tutor quiz`
uses, in a worker thread (a predict quiz trains a network to find out). Hints
come one at a time; the explanation appears after a right answer or on giving up.

The widget judges and shows; it posts QuizAnswered and QuizRevealed, and the
lesson screen saves the answer and decides when the lesson is complete.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.markup import escape
from textual.widgets import Button, Input, RadioButton, RadioSet, SelectionList, Static
from textual.worker import get_current_worker

from tutor import messages
from tutor.course.model import Quiz

KIND_LABELS = {
    "derivative": "derivative",
    "expression": "expression",
    "choice": "multiple choice",
    "numeric": "number",
    "predict": "predict the run",
}


class QuizWidget(Vertical):
    """One quiz. `solved_before` and `previous_answer` restore a quiz solved in an earlier visit."""

    can_focus = False

    def __init__(self, quiz: Quiz, number: int, solved_before: bool = False,
                 previous_answer: str | None = None) -> None:
        super().__init__(id=f"quiz-{quiz.id}", classes="quiz")
        self.quiz = quiz
        self.number = number
        self.solved = solved_before
        self.previous_answer = previous_answer
        self.hints_shown = 0
        self.revealed = False

    # ------------------------------------------------------------------ layout

    @property
    def typed(self) -> bool:
        """Is the answer typed (as opposed to picked among choices)?"""
        return self.quiz.kind in ("derivative", "expression", "numeric")

    def compose(self) -> ComposeResult:
        from tutor.course.display import answer_format

        quiz = self.quiz
        yield Static(Content.from_markup(escape(quiz.prompt)), classes="quiz-prompt")
        context = self._context_lines()
        if context:
            yield Static("\n".join(context), classes="quiz-context", markup=False)
        if self.typed:
            yield Input(value=self.previous_answer or "", placeholder=answer_format(quiz),
                        classes="quiz-answer")
        elif quiz.kind == "choice" and quiz.spec.multiple:
            yield Static("Several choices are right: tick all of them.", classes="quiz-context")
            yield SelectionList[int](*[(escape(choice), n) for n, choice in enumerate(quiz.spec.choices)],
                                     classes="quiz-answer")
        else:
            yield RadioSet(*[RadioButton(escape(choice)) for choice in quiz.spec.choices],
                           classes="quiz-answer")
        with Horizontal(classes="quiz-buttons"):
            yield Button("Check", classes="quiz-check", variant="primary", compact=True)
            yield Button(self._hint_label(), classes="quiz-hint", compact=True,
                         disabled=not quiz.hints)
            yield Button("Show answer", classes="quiz-giveup", compact=True)
        yield Static(classes="quiz-hints")
        yield Static(classes="quiz-feedback")
        yield Static(classes="quiz-explanation")

    def on_mount(self) -> None:
        self.border_title = f"Quiz {self.number} · {KIND_LABELS.get(self.quiz.kind, self.quiz.kind)}"
        self.query_one(".quiz-hints").display = False
        self.query_one(".quiz-explanation").display = False
        self.query_one(".quiz-feedback").display = False
        if self.solved:
            self.add_class("-solved")
            self.border_subtitle = "solved"
            self._feedback("[$text-success]✓ You solved this one before.[/] [dim]Try it again if you like.[/]",
                           reveal=False)
            self._show_explanation(reveal=False)

    def _context_lines(self) -> list[str]:
        """The network of a numeric quiz, or the run(s) of a predict quiz."""
        from tutor.course.display import predict_runs, quiz_context

        if self.quiz.kind == "numeric":
            return quiz_context(self.quiz)
        if self.quiz.kind == "predict":
            return predict_runs(self.quiz.spec)  # the choices are buttons here
        return []

    def _hint_label(self) -> str:
        left = len(self.quiz.hints) - self.hints_shown
        if not self.quiz.hints:
            return "No hints"
        return f"Hint ({left} left)" if left else "No more hints"

    # ------------------------------------------------------------------ the answer

    def answer_text(self) -> str:
        """The learner's answer as text check_answer reads: typed text, or choice numbers."""
        if self.typed:
            return self.query_one(".quiz-answer", Input).value
        if self.quiz.kind == "choice" and self.quiz.spec.multiple:
            picked = sorted(self.query_one(".quiz-answer", SelectionList).selected)
            return ", ".join(str(n + 1) for n in picked)
        index = self.query_one(".quiz-answer", RadioSet).pressed_index
        return "" if index < 0 else str(index + 1)

    def check(self) -> None:
        """Judge the current answer (in a worker thread)."""
        text = self.answer_text()
        if not text.strip():
            self._feedback("[$text-warning]" + ("Type an answer first." if self.typed else "Pick an answer first.") + "[/]")
            return
        self._busy(True)
        self._feedback("[dim]Checking…[/]" if self.quiz.kind != "predict"
                       else "[dim]Training the network to find out…[/]")
        self._judge(text)

    @work(thread=True, exclusive=True, group="judge")
    def _judge(self, text: str) -> None:
        from tutor.course.answers import Verdict, check_answer

        try:
            verdict = check_answer(self.quiz, text)
        except Exception as error:  # a judge bug must not end the lesson
            verdict = Verdict(False, f"This answer could not be judged ({type(error).__name__}: {error}); "
                                     "please report it.", understood=False)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_verdict, text, verdict)

    def _show_verdict(self, text: str, verdict) -> None:
        self._busy(False)
        if not verdict.understood:
            self._feedback(f"[$text-warning]{escape(verdict.feedback)}[/]")
            return
        if verdict.correct:
            self.solved = True
            self.remove_class("-wrong")
            self.add_class("-solved")
            self.border_subtitle = "solved"
            self._feedback(f"[b $text-success]✓ Right.[/] {escape(verdict.detail)}")
            self._show_explanation()
        else:
            self.remove_class("-solved")
            self.add_class("-wrong")
            self.border_subtitle = "not yet"
            more = " Try again, or take a hint." if self.hints_shown < len(self.quiz.hints) else " Try again."
            self._feedback(f"[b $text-error]✗ Not yet.[/] {escape(verdict.detail)}{more}")
        self.post_message(messages.QuizAnswered(self.quiz, text, verdict))

    def show_hint(self) -> None:
        """Show the next hint (they come one at a time, in the author's order)."""
        if self.hints_shown >= len(self.quiz.hints):
            return
        self.hints_shown += 1
        hints = self.query_one(".quiz-hints", Static)
        hints.display = True
        total = len(self.quiz.hints)
        hints.update(Content.from_markup("\n".join(
            f"[b]Hint {n}/{total}:[/b] {escape(hint)}"
            for n, hint in enumerate(self.quiz.hints[:self.hints_shown], start=1))))
        self.call_after_refresh(hints.scroll_visible, animate=False)
        button = self.query_one(".quiz-hint", Button)
        button.label = self._hint_label()
        button.disabled = self.hints_shown >= total

    def give_up(self) -> None:
        """Show the right answer and the explanation (in a thread: a predict quiz trains to know)."""
        self._busy(True)
        self._reveal()

    @work(thread=True, exclusive=True, group="judge")
    def _reveal(self) -> None:
        from tutor.course.display import reveal

        try:
            text = reveal(self.quiz)
        except Exception as error:
            text = f"The answer could not be shown ({type(error).__name__}: {error})."
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_revealed, text)

    def _show_revealed(self, text: str) -> None:
        self._busy(False)
        self.revealed = True
        if not self.solved:
            self.border_subtitle = "answer shown"
        self._feedback(f"[b]{escape(text)}[/b]")
        self._show_explanation()
        self.post_message(messages.QuizRevealed(self.quiz))

    # ------------------------------------------------------------------ helpers

    def _feedback(self, markup: str, reveal: bool = True) -> None:
        """Show `markup` under the buttons, scrolled into view unless `reveal` is False."""
        feedback = self.query_one(".quiz-feedback", Static)
        feedback.display = True
        feedback.update(Content.from_markup(markup))
        if reveal:
            self.call_after_refresh(feedback.scroll_visible, animate=False)

    def _show_explanation(self, reveal: bool = True) -> None:
        if not self.quiz.explanation:
            return
        explanation = self.query_one(".quiz-explanation", Static)
        explanation.display = True
        explanation.update(Content.from_markup(f"[b]Why:[/b] {escape(self.quiz.explanation)}"))
        if reveal:
            self.call_after_refresh(explanation.scroll_visible, animate=False)

    def _busy(self, busy: bool) -> None:
        for button in self.query(".quiz-check, .quiz-giveup").results(Button):
            button.disabled = busy

    # ------------------------------------------------------------------ events

    @on(Input.Submitted, ".quiz-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.check()

    @on(Button.Pressed, ".quiz-check")
    def _check_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.check()

    @on(Button.Pressed, ".quiz-hint")
    def _hint_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.show_hint()

    @on(Button.Pressed, ".quiz-giveup")
    def _giveup_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.give_up()
