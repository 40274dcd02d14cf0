"""Generated derivative drills in the app, the due ones first (spaced repetition).

The same rules as `tutor drill` (tutor.maths.drill_plan): due families first,
the level follows the streak, the first judged answer to each drill moves its
family's Leitner box. Generating a drill (SymPy differentiates it) and judging
run in a worker thread.
"""
from __future__ import annotations

import secrets

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static
from textual.worker import get_current_worker

from tutor.app import TutorApp
from tutor.maths.drill_plan import DrillPlan


class DrillScreen(Screen):
    """One drill at a time: type d/dx, Enter checks, then the next one."""

    app = getters.app(TutorApp)   # self.app, typed as the tutor's app (its course, remember, ...)

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Leave the drills (results are saved)"),
        Binding("ctrl+n", "next_drill", "Next drill", tooltip="Skip to the next drill"),
        Binding("ctrl+r", "show_answer", "Show answer", tooltip="Show the answer (counts as a miss)"),
    ]

    def __init__(self, seed: int | None = None) -> None:
        super().__init__()
        self.plan = DrillPlan(secrets.randbelow(2**31) if seed is None else seed)
        self.drill = None
        self.recorded = False  # has the first judged answer to this drill been counted?
        self.done = False  # right, or answer shown: Enter moves on

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="drill-body"):
            yield Static(id="drill-intro")
            yield Static("Preparing a drill…", id="drill-prompt")
            yield Input(placeholder="d/dx = … (e.g. 2*x*exp(x^2))", id="drill-answer")
            with Horizontal(id="drill-buttons"):
                yield Button("Check", id="drill-check", variant="primary", compact=True)
                yield Button("Show answer", id="drill-reveal", compact=True)
                yield Button("Next drill", id="drill-next", compact=True)
            yield Static(id="drill-feedback")
            yield Static(id="drill-stats")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Drills"
        self.query_one("#drill-intro", Static).update(Content.from_markup(
            "[b]Derivative drills.[/b] Type d/dx of each function. Families that are due come first; "
            "the level follows your streak. [dim]Your first answer to each drill is what counts.[/]"))
        self._show_stats()
        self.next_drill()

    # ------------------------------------------------------------------ drills

    def next_drill(self) -> None:
        """Move on; a drill left without an answer counts as a miss (as in `tutor drill`)."""
        if self.drill is not None and not self.recorded:
            self._record(False)
        due = self.app.remember(lambda p: p.due_drills(), [])
        self.query_one("#drill-answer", Input).value = ""
        self.query_one("#drill-feedback", Static).update("")
        self.drill = None
        self.query_one("#drill-prompt", Static).update("Preparing a drill…")
        self._generate(*self.plan.next_spec(due))

    @work(thread=True, exclusive=True, group="drill")
    def _generate(self, number: int, family: str | None) -> None:
        drill = self.plan.generate(number, family)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_drill, drill, family is not None)

    def _show_drill(self, drill, due: bool) -> None:
        from tutor.maths.mathparse import parse

        self.drill = drill
        self.recorded = False
        self.done = False
        where = "[$text-warning]due for review[/]" if due else f"level {drill.level}"
        self.query_one("#drill-prompt", Static).update(Content.from_markup(
            f"[b]d/dx of {escape(parse(drill.function).pretty())}[/b]   [dim]{escape(drill.family)} · {where}[/]"))
        self.query_one("#drill-answer", Input).focus()

    def check(self) -> None:
        if self.drill is None:
            return
        if self.done:
            self.next_drill()
            return
        text = self.query_one("#drill-answer", Input).value.strip()
        if not text:
            self._feedback("[$text-warning]Type the derivative first.[/]")
            return
        self._judge(self.drill, text)

    @work(thread=True, exclusive=True, group="drill-judge")
    def _judge(self, drill, text: str) -> None:
        from tutor.maths.judge import judge

        try:
            judgement = judge(text, drill.expected, function=drill.function)
        except Exception as error:  # a judge bug must not end the session
            self.app.call_from_thread(self._feedback, f"[$text-error]This answer could not be judged "
                                                      f"({escape(type(error).__name__)}: {escape(str(error))}).[/]")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_judgement, drill, judgement)

    def _show_judgement(self, drill, judgement) -> None:
        if drill is not self.drill:
            return
        if not judgement.attempt:
            self._feedback(f"[$text-warning]{escape(judgement.feedback)}[/]")
            return
        if not self.recorded:
            self._record(judgement.correct)
        if judgement.correct:
            self.done = True
            self._feedback(f"[b $text-success]✓ Right.[/] {escape(judgement.detail)} "
                           "[dim]Enter for the next one.[/]")
        else:
            self._feedback(f"[b $text-error]✗ Not yet.[/] {escape(judgement.detail)} "
                           "[dim]Try again, or show the answer.[/]")

    def action_show_answer(self) -> None:
        from tutor.maths.mathparse import parse

        if self.drill is None:
            return
        if not self.recorded:
            self._record(False)
        self.done = True
        self._feedback(f"[b]The answer:[/b] {escape(parse(self.drill.expected).pretty())} "
                       "[dim]Enter for the next one.[/]")

    def _record(self, correct: bool) -> None:
        """Count the first judged answer, move the family's Leitner box, adjust the level."""
        self.recorded = True
        family = self.drill.family
        self.app.remember(lambda p: p.record_drill(family, correct))
        message = self.plan.count(correct)
        if message:
            self.notify(message)
        self._show_stats()

    def _show_stats(self) -> None:
        self.query_one("#drill-stats", Static).update(Content.from_markup(
            f"[dim]{self.plan.summary()} · level {self.plan.level}[/]"))

    def _feedback(self, markup: str) -> None:
        self.query_one("#drill-feedback", Static).update(Content.from_markup(markup))

    # ------------------------------------------------------------------ events

    def action_next_drill(self) -> None:
        self.next_drill()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted, "#drill-answer")
    def _submitted(self) -> None:
        self.check()

    @on(Button.Pressed, "#drill-check")
    def _check_pressed(self) -> None:
        self.check()

    @on(Button.Pressed, "#drill-reveal")
    def _reveal_pressed(self) -> None:
        self.action_show_answer()

    @on(Button.Pressed, "#drill-next")
    def _next_pressed(self) -> None:
        self.next_drill()
