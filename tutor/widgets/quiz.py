"""A live quiz inside a lesson: the prompt, an answer field, hints, the verdict.

Typed answers (derivative, expression, numeric) go in an input line; choice and
predict quizzes show their options, and picking one (a click, or Enter or Space
on the highlighted one) answers with it. The answer is judged by
tutor.course.answers.check_answer, the same function the plain-text `tutor quiz`
uses, in a worker thread (a predict quiz trains a network to find out). Hints
come one at a time; the explanation appears after a right answer or on giving up.

A quiz is in one of four states: new, tried ("not yet"), solved, or "answer
shown". Once solved it stays solved: a later answer is judged and shown as a
try. A shown answer (Show answer, or a wrong prediction whose feedback gives it
away) never solves the quiz when retyped; a quiz with fresh variants
(tutor.course.variants) then offers new numbers or a new seed, and solving that
variant does.

The widget judges and shows; it posts QuizAnswered, QuizRevealed and
QuizHintShown, and the lesson screen saves them and decides when the lesson is
complete.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.widgets import Button, Input, RadioButton, RadioSet, SelectionList, Static
from textual.worker import get_current_worker

from tutor import messages
from tutor.course.model import Quiz
from tutor.course.variants import has_variants, variant

if TYPE_CHECKING:
    from tutor.progress import QuizState

KIND_LABELS = {
    "derivative": "derivative",
    "expression": "expression",
    "choice": "multiple choice",
    "numeric": "number",
    "predict": "predict the run",
}

FRESH_LABELS = {"numeric": "New numbers", "predict": "New seed"}


def _letter_index(event: events.Key, count: int) -> int | None:
    """The 0-based choice a letter key names (a for the first), if there is that many."""
    from tutor.course.choices import LETTERS

    key = event.character or ""
    index = LETTERS.find(key) if len(key) == 1 else -1
    return index if 0 <= index < count else None


class ChoiceButtons(RadioSet):
    """One-answer choices: Enter or Space on the highlighted choice answers with it
    (RadioSet alone only ticks it, which left a keyboard learner without a verdict),
    and so does a choice's letter key."""

    BINDINGS = [Binding("enter,space", "choose", "Answer with this choice", show=False)]

    class Chosen(Message):
        """The already-ticked choice was chosen again: answer with it again."""

    def on_key(self, event: events.Key) -> None:
        index = _letter_index(event, len(self.query(RadioButton))) if self.has_class("-lettered") else None
        if index is not None:
            event.stop()
            event.prevent_default()
            self._selected = index
            self.action_choose()

    def action_choose(self) -> None:
        if self._selected is None:
            return
        button = self.query(RadioButton)[self._selected]
        if button.value:
            self.post_message(self.Chosen())
        else:
            button.value = True  # RadioSet.Changed follows, and the quiz answers with it


class ChoiceTicks(SelectionList[int]):
    """Several-answer choices: Space (or a choice's letter key) ticks one, Enter answers
    with the ticked ones."""

    BINDINGS = [Binding("enter", "answer", "Answer with the ticked choices", show=False)]

    class Submitted(Message):
        """Enter: answer with the ticked choices."""

    def on_key(self, event: events.Key) -> None:
        index = _letter_index(event, self.option_count)
        if index is not None:
            event.stop()
            event.prevent_default()
            self.highlighted = index
            self.toggle(self.get_option_at_index(index))

    def action_answer(self) -> None:
        self.post_message(self.Submitted())


class QuizWidget(Vertical):
    """One quiz. `state` (from the progress store) and `hints_shown` restore an earlier
    visit; `previous_answer` is put back in the answer field."""

    can_focus = False

    def __init__(self, quiz: Quiz, number: int, state: QuizState | None = None,
                 previous_answer: str | None = None, hints_shown: int = 0) -> None:
        super().__init__(id=f"quiz-{quiz.id}", classes="quiz")
        self.base_quiz = quiz
        self.number = number
        self.solved = bool(state and state.solved)
        self.answer_was_shown = bool(state and state.answer_shown)  # some variant's answer was shown
        # A shown quiz with variants is asked with one never shown; without, its answer stays shown.
        self.variant = state.reveals if self.answer_was_shown and has_variants(quiz) else 0
        self.quiz = variant(quiz, self.variant)
        self.shown = self.answer_was_shown and not has_variants(quiz)  # this variant's answer was shown
        self.previous_answer = previous_answer if not self.answer_was_shown else None
        self.hints_shown = min(hints_shown, len(quiz.hints))
        self.revealed = False  # shown in this visit
        self.busy = False  # judging or revealing in a worker: presses wait for it

    @property
    def status(self) -> str:
        """"solved", "answer shown", "not yet" (tried) or "" (new)."""
        if self.solved:
            return "solved"
        if self.answer_was_shown:
            return "answer shown"
        return "not yet" if self.has_class("-wrong") else ""

    # ------------------------------------------------------------------ layout

    @property
    def typed(self) -> bool:
        """Is the answer typed (as opposed to picked among choices)?"""
        return self.quiz.kind in ("derivative", "expression", "numeric")

    def compose(self) -> ComposeResult:
        from tutor.course.choices import labelled
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
            yield Static("Several choices are right: Space or a letter ticks one, Enter answers.",
                         classes="quiz-context")
            yield ChoiceTicks(*[(escape(text), n) for n, text in enumerate(labelled(quiz.spec.choices))],
                              classes="quiz-answer")
        elif quiz.kind == "choice":
            yield ChoiceButtons(*[RadioButton(escape(text)) for text in labelled(quiz.spec.choices)],
                                classes="quiz-answer -lettered")
        else:  # a prediction's choices are words (converges, stalls ...): picked, never typed as values
            yield ChoiceButtons(*[RadioButton(escape(choice)) for choice in quiz.spec.choices],
                                classes="quiz-answer")
        with Horizontal(classes="quiz-buttons"):
            yield Button("Check", classes="quiz-check", variant="primary", compact=True)
            yield Button(self._hint_label(), classes="quiz-hint", compact=True,
                         disabled=self.hints_shown >= len(quiz.hints))
            yield Button("Show answer", classes="quiz-giveup", compact=True)
            if has_variants(quiz):
                yield Button(FRESH_LABELS.get(quiz.kind, "New variant"), classes="quiz-fresh", compact=True)
        yield Static(classes="quiz-hints")
        yield Static(classes="quiz-feedback")
        yield Static(classes="quiz-explanation")

    def on_mount(self) -> None:
        self.border_title = f"Quiz {self.number} · {KIND_LABELS.get(self.quiz.kind, self.quiz.kind)}"
        self._reset_panels()
        if self.solved:
            self._feedback("[$text-success]✓ You solved this one before.[/] [dim]Try it again if you like.[/]",
                           reveal=False)
            self._show_explanation(reveal=False)
        elif self.answer_was_shown and not self.shown:
            self._feedback(f"[$text-warning]You were shown the answer of this quiz before.[/] "
                           f"[dim]Here it is with {self._fresh_words()}: solve it to count it.[/]", reveal=False)
        elif self.shown:
            self._feedback("[$text-warning]You were shown this answer before, so the quiz stays "
                           "\"answer shown\".[/] [dim]Answering it again is practice; it has no fresh "
                           "variant to solve.[/]", reveal=False)
        self._show_state()

    def _reset_panels(self) -> None:
        for name in (".quiz-hints", ".quiz-explanation", ".quiz-feedback"):
            self.query_one(name).display = False
        if self.hints_shown:
            self._show_hints(reveal=False)

    def _show_state(self) -> None:
        """The border and its subtitle say the quiz's state; the state never contradicts itself."""
        self.set_class(self.solved, "-solved")
        self.set_class(not self.solved and self.answer_was_shown, "-shown")
        if self.solved or self.answer_was_shown:
            self.remove_class("-wrong")
        self.border_subtitle = self.status
        for fresh in self.query(".quiz-fresh"):
            fresh.display = self.shown and not self.solved

    def _fresh_words(self) -> str:
        return "another seed" if self.quiz.kind == "predict" else "new numbers"

    def focus_answer(self) -> None:
        """Put the keyboard in the answer field (or the choices)."""
        self.query(".quiz-answer").first().focus()

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
        """The learner's answer as text check_answer reads: typed text, choice letters
        ("b", "a, c"), or a prediction's number."""
        from tutor.course.answers import numbered
        from tutor.course.choices import letter

        if self.typed:
            return self.query_one(".quiz-answer", Input).value
        if self.quiz.kind == "choice" and self.quiz.spec.multiple:
            picked = sorted(self.query_one(".quiz-answer", SelectionList).selected)
            return ", ".join(letter(n) for n in picked)
        index = self.query_one(".quiz-answer", RadioSet).pressed_index
        if index < 0:
            return ""
        if self.quiz.kind == "choice" or numbered(self.quiz.spec.values):
            return letter(index)   # learning rates: "2" would be read as lr 2, not the 2nd choice
        return str(index + 1)

    def check(self) -> None:
        """Judge the current answer (in a worker thread)."""
        if self.busy:
            return
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
        from tutor.course.answers import verdict_line

        self._busy(False)
        if not verdict.understood:
            self._feedback(f"[$text-warning]{escape(verdict.feedback)}[/]")
            return
        mark, feedback = verdict_line(verdict)
        counts = not self.shown
        if verdict.correct:
            if self.solved or counts:
                self.solved = True
                self._feedback(f"[b $text-success]{mark}[/] {escape(feedback)}".rstrip())
            else:
                self._feedback(f"[b $text-success]{mark}[/] {escape(feedback)} [$text-warning]You were "
                               f"shown this answer, so it does not solve the quiz.[/]{self._fresh_offer()}")
            self._show_explanation()
        elif self.solved:  # a try after solving it: judged, and the quiz stays solved
            self._feedback(f"[b $text-error]✗ Not this one.[/] {escape(feedback)} "
                           "[dim]The quiz stays solved: you solved it before.[/]")
        else:
            self.add_class("-wrong")
            if verdict.shows_answer:
                more = f" That gives the answer away, so this quiz now counts as \"answer shown\".{self._fresh_offer()}"
            elif self.hints_shown < len(self.quiz.hints):
                more = " Try again, or take a hint."
            else:
                more = " Try again."
            self._feedback(f"[b $text-error]{mark}[/] {escape(feedback)}{more}")
        self.post_message(messages.QuizAnswered(self.base_quiz, text, verdict, self.variant, counts))
        if verdict.shows_answer and not self.solved:
            self._mark_shown()
        self._show_state()

    def _fresh_offer(self) -> str:
        if not has_variants(self.quiz):
            return ""
        label = FRESH_LABELS.get(self.quiz.kind, "New variant")
        return f" Press {label} to solve it with {self._fresh_words()}."

    def _mark_shown(self) -> None:
        """This variant's answer was shown: save that, and offer a fresh variant."""
        self.shown = self.answer_was_shown = self.revealed = True
        self.post_message(messages.QuizRevealed(self.base_quiz, self.variant))

    async def fresh_variant(self) -> None:
        """Ask the next variant (new numbers or a new seed): solving it solves the quiz."""
        if self.busy or not has_variants(self.base_quiz):
            return
        self.variant += 1
        self.quiz = variant(self.base_quiz, self.variant)
        self.shown = False
        self.previous_answer = None
        await self.recompose()
        self._reset_panels()
        self.remove_class("-wrong")
        self._show_state()
        self._feedback(f"[$text-accent]Variant {self.variant}:[/] the same question with {self._fresh_words()}.")
        self.focus_answer()

    def show_hint(self) -> None:
        """Show the next hint (they come one at a time, in the author's order)."""
        if self.hints_shown >= len(self.quiz.hints):
            return
        self.hints_shown += 1
        self._show_hints()
        self.post_message(messages.QuizHintShown(self.base_quiz, self.hints_shown))

    def _show_hints(self, reveal: bool = True) -> None:
        hints = self.query_one(".quiz-hints", Static)
        hints.display = True
        total = len(self.quiz.hints)
        note = " [dim](about the original numbers)[/]" if self.variant else ""
        hints.update(Content.from_markup("\n".join(
            f"[b]Hint {n}/{total}:[/b] {escape(hint)}{note}"
            for n, hint in enumerate(self.quiz.hints[:self.hints_shown], start=1))))
        if reveal:
            self.call_after_refresh(hints.scroll_visible, animate=False)
        button = self.query_one(".quiz-hint", Button)
        button.label = self._hint_label()
        if self.hints_shown >= total and button.has_focus:
            self.focus_answer()  # a disabled button loses the focus: keep it in the quiz
        button.disabled = self.hints_shown >= total

    def give_up(self) -> None:
        """Show the right answer and the explanation (in a thread: a predict quiz trains to know)."""
        if self.busy:
            return
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
        if not self.solved:
            self._mark_shown()
            self._show_state()
            text = text.rstrip()
            text += ("" if text.endswith((".", "!", "?")) else ".") + " Retyping it will not solve the quiz." + self._fresh_offer()
        self._feedback(f"[b]{escape(text)}[/b]")
        self._show_explanation()

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
        note = " [dim](about the original numbers)[/]" if self.variant else ""
        explanation.update(Content.from_markup(f"[b]Why:[/b] {escape(self.quiz.explanation)}{note}"))
        if reveal:
            self.call_after_refresh(explanation.scroll_visible, animate=False)

    def _busy(self, busy: bool) -> None:
        """While judging, the buttons ignore presses. They are not disabled: disabling the
        focused button would throw the keyboard learner's focus out of the quiz."""
        self.busy = busy

    # ------------------------------------------------------------------ events

    @on(Input.Submitted, ".quiz-answer")
    @on(RadioSet.Changed, ".quiz-answer")
    @on(ChoiceButtons.Chosen)
    @on(ChoiceTicks.Submitted)
    def _answered(self, event: Message) -> None:
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

    @on(Button.Pressed, ".quiz-fresh")
    async def _fresh_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.fresh_variant()
