"""Generated derivative drills in the app, the due ones first (spaced repetition).

The same rules as `tutor drill`: families the progress store says are due come
first, otherwise a new drill at the current level; the level rises after
LEVEL_UP right answers in a row and falls after LEVEL_DOWN misses in a row; the
first judged answer to each drill moves its family's Leitner box. Generating a
drill (SymPy differentiates it) and judging run in a worker thread.
"""
from __future__ import annotations

import secrets

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static
from textual.worker import get_current_worker

from tutor.commands.drill import LEVEL_DOWN, LEVEL_UP


class DrillScreen(Screen):
    """One drill at a time: type d/dx, Enter checks, then the next one."""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Leave the drills (results are saved)"),
        Binding("ctrl+n", "next_drill", "Next drill", tooltip="Skip to the next drill"),
        Binding("ctrl+r", "show_answer", "Show answer", tooltip="Show the answer (counts as a miss)"),
    ]

    def __init__(self, seed: int | None = None) -> None:
        super().__init__()
        self.seed = secrets.randbelow(2**31) if seed is None else seed
        self.level = 1
        self.streak = 0  # > 0: right answers in a row; < 0: misses in a row
        self.shown = 0  # drills generated so far: drill n uses seed + n
        self.asked = 0  # drills with a counted answer
        self.right_first_time = 0
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
        from tutor.course import drills

        if self.drill is not None and not self.recorded:
            self._record(False)
        due = self.app.remember(lambda p: p.due_drills(), [])  # type: ignore[attr-defined]
        due = [family for family in due if family in drills.FAMILIES]
        self.query_one("#drill-answer", Input).value = ""
        self.query_one("#drill-feedback", Static).update("")
        self.drill = None
        self.query_one("#drill-prompt", Static).update("Preparing a drill…")
        self._generate(self.seed + self.shown, due[0] if due else None)
        self.shown += 1

    @work(thread=True, exclusive=True, group="drill")
    def _generate(self, number: int, family: str | None) -> None:
        from tutor.course import drills

        drill = drills.generate(number, family=family) if family else drills.generate(number, level=self.level)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_drill, drill, family is not None)

    def _show_drill(self, drill, due: bool) -> None:
        from tutor.course.mathparse import parse

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
        from tutor.course.judge import judge

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
        if judgement.diagnosis == "parse-error":
            self._feedback(f"[$text-warning]{escape(judgement.feedback)}[/]")
            return
        if not self.recorded:
            self._record(judgement.correct)
        if judgement.correct:
            self.done = True
            self._feedback(f"[b $text-success]✓ Right.[/] {escape(judgement.feedback)} "
                           "[dim]Enter for the next one.[/]")
        else:
            self._feedback(f"[b $text-error]✗ Not yet.[/] {escape(judgement.feedback)} "
                           "[dim]Try again, or show the answer.[/]")

    def action_show_answer(self) -> None:
        from tutor.course.mathparse import parse

        if self.drill is None:
            return
        if not self.recorded:
            self._record(False)
        self.done = True
        self._feedback(f"[b]The answer:[/b] {escape(parse(self.drill.expected).pretty())} "
                       "[dim]Enter for the next one.[/]")

    def _record(self, correct: bool) -> None:
        """Count the first judged answer, move the family's Leitner box, adjust the level."""
        from tutor.course import drills

        self.recorded = True
        self.asked += 1
        if correct:
            self.right_first_time += 1
        family = self.drill.family
        self.app.remember(lambda p: p.record_drill(family, correct))  # type: ignore[attr-defined]
        self.streak = max(self.streak, 0) + 1 if correct else min(self.streak, 0) - 1
        if self.streak >= LEVEL_UP and self.level < max(drills.LEVELS):
            self.level += 1
            self.streak = 0
            self.notify(f"Level {self.level}.")
        elif self.streak <= -LEVEL_DOWN and self.level > min(drills.LEVELS):
            self.level -= 1
            self.streak = 0
            self.notify(f"Back to level {self.level}.")
        self._show_stats()

    def _show_stats(self) -> None:
        self.query_one("#drill-stats", Static).update(Content.from_markup(
            f"[dim]{self.asked} drill{'s' if self.asked != 1 else ''} answered, "
            f"{self.right_first_time} right at the first try · level {self.level}[/]"))

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
