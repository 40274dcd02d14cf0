"""The Exercises screen: build the engine yourself, checked on every save (issue 16).

The list of exercises with their state (passed, tried, open, locked), and the one
shown: its title, the file to edit (full path), its task (the starter file's
docstring). The screen polls the workspace's files a few times a second (as
`tutor exercises watch` does) and, when the learner saves, re-checks that exercise
in a thread worker: tutor.exercises.checker.check_file runs the learner's code in a
subprocess with a time and a memory limit, so an endless loop or a crash is one
line and the screen never waits. One check at a time: saves during a check ask for
one more check after it. Each check is saved in the progress store; a pass unlocks
the next exercise and moves to it. h shows the hints one at a time, s the reference
solution (after a failed check, asked first), r puts the starter file back (the
learner's kept as .bak, asked first), i creates a missing workspace where it says.
"""
from __future__ import annotations

from pathlib import Path

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app import TutorApp
from tutor.exercises import by_name, exercises
from tutor.exercises import workspace

# The state marks of `tutor exercises`, coloured.
MARKS = {"passed": "[$text-success]✓[/]", "tried": "[$text-error]✗[/]", "open": "[$text-primary]·[/]",
         "locked": "[dim]-[/]"}
POLL_S = 0.25   # how often the files' mtimes are read: a save is checked within two polls


class ExerciseList(OptionList):
    """The exercises in course order; Enter or a click shows one."""


class ExercisesScreen(Screen):
    """The exercises (see the module docstring)."""

    app = getters.app(TutorApp)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("c", "check", "Check now", tooltip="Check the exercise shown now (a save does it too)"),
        Binding("h", "hint", "Hint", tooltip="The next hint of the exercise shown"),
        Binding("s", "solution", "Solution", tooltip="The reference solution, after a failed check (asks first)"),
        Binding("r", "reset", "Reset", tooltip="Put the starter file back; yours is kept as .bak (asks first)"),
        Binding("i", "init", "Create workspace", tooltip="Create the workspace where the screen says"),
    ]

    def __init__(self, name: str | None = None, directory: str | Path | None = None) -> None:
        super().__init__()
        self.directory = workspace.find(str(directory) if directory else None).absolute()
        self.exercise = by_name(name) if name else None
        self.saves: workspace.Saves | None = None   # the workspace watched, once it exists
        self._checking = False               # a check's subprocess is running
        self._again = False                  # saved during that check: check once more after it
        self._local_hints: dict[str, int] = {}   # hints shown, when the store is not open
        self.time_limit: float | None = None     # seconds a check may take (None: the checker's)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="exercises-body"):
            yield ExerciseList(id="exercise-list")
            with VerticalScroll(id="exercise-pane"):
                yield Static(id="exercise-workspace")
                yield Static(id="exercise-file")
                yield Static(id="exercise-result")
                with Horizontal(id="exercise-actions"):
                    # Each button's id names the action it runs (on the key in its label too).
                    yield Button("Create it here (i)", id="do-init", variant="primary", compact=True)
                    yield Button("Check (c)", id="do-check", compact=True)
                    yield Button("Hint (h)", id="do-hint", compact=True)
                    yield Button("Solution (s)", id="do-solution", compact=True)
                    yield Button("Reset (r)", id="do-reset", compact=True)
                yield Static(id="exercise-hints")
                yield Static(id="exercise-task")
                yield Static(id="exercise-solution")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Exercises: build it yourself"
        self.query_one("#exercise-list").border_title = "Exercises"
        results = self.results()
        if self.exercise is None:
            self.exercise = workspace.current(results) or exercises()[-1]
        self.show_workspace()
        self.show_list(results)
        self.show_exercise(results)
        if workspace.current(results) is None:
            self.say(f"[$text-success]{escape(workspace.FINISHED)}[/]")
        if self.directory.is_dir():
            self.saves = workspace.Saves(self.directory)
            # Worked on before the screen opened (and not passed yet): check it now.
            if workspace.state_of(results, self.exercise.name) != "passed" and workspace.edited(self.directory, self.exercise):
                self.check_current()
        self.set_interval(POLL_S, self.poll)
        self.query_one("#exercise-list").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "init":   # offered (and shown in the footer) only while there is no workspace
            return not self.directory.is_dir()
        return True

    # ------------------------------------------------------------------ reading state

    def results(self) -> dict:
        return self.app.remember(lambda p: p.exercise_results(), {})

    def path(self, exercise) -> Path:
        return self.directory / exercise.filename

    # ------------------------------------------------------------------ showing

    def say(self, markup: str) -> None:
        """The line under the file: the last check's outcome, or what just happened."""
        self.query_one("#exercise-result", Static).update(Content.from_markup(markup))

    def show_workspace(self) -> None:
        exists = self.directory.is_dir()
        text = self.query_one("#exercise-workspace", Static)
        if exists:
            text.update(Content.from_markup(f"[dim]Workspace:[/] {escape(str(self.directory))}"))
        else:
            text.update(Content.from_markup(
                f"[b $text-warning]No workspace yet.[/] Press [b]i[/] to create it at "
                f"{escape(str(self.directory))} (one starter file per exercise; or run "
                f"`tutor exercises init DIR` and start the tutor from DIR)."))
        self.query_one("#do-init").display = not exists
        # Checking and resetting need the files: without them the row keeps to what works.
        self.query_one("#do-check").display = self.query_one("#do-reset").display = exists

    def show_list(self, results: dict) -> None:
        listing = self.query_one("#exercise-list", ExerciseList)
        listing.clear_options()
        for exercise, state in workspace.states(results):
            listing.add_option(Option(Content.from_markup(
                f"{MARKS[state]} {exercise.number:>2} {escape(exercise.name)} [dim]{state}[/]"), id=exercise.name))
        listing.highlighted = listing.get_option_index(self.exercise.name)

    def show_exercise(self, results: dict) -> None:
        """The exercise shown: its title and state, the file to edit, hints shown, its task."""
        exercise = self.exercise
        state = workspace.state_of(results, exercise.name)
        where = escape(str(self.path(exercise)))
        lines = [f"[b]Exercise {exercise.number} of {len(exercises())}: {escape(exercise.title)}[/b] "
                 f"[dim]({state})[/]", f"[dim]Edit:[/] {where}"]
        if state == "locked":
            lines.append("[$text-warning]Locked: pass the exercises before it first.[/]")
        else:
            lines.append("[dim]Save the file in your editor (another pane or SSH session): it is checked at once.[/]")
        self.query_one("#exercise-file", Static).update(Content.from_markup("\n".join(lines)))
        self.say("")
        task = "\n".join(line for line in exercise.doc.strip().splitlines()
                         if not line.startswith(("Check your work:", "A hint:")))
        self.query_one("#exercise-task", Static).update(Content.from_markup(
            f"[b]The task[/b]\n{escape(task.rstrip())}"))
        self.query_one("#exercise-solution", Static).update("")
        self.show_hints()

    def show_hints(self) -> None:
        exercise = self.exercise
        shown = min(self.hints_shown(exercise.name), len(exercise.hints))
        text = "\n".join(escape(workspace.hint_text(exercise, number)) for number in range(1, shown + 1))
        self.query_one("#exercise-hints", Static).update(Content.from_markup(text))

    def hints_shown(self, name: str) -> int:
        stored = self.app.remember(lambda p: p.exercise_hints_shown(), None)
        return (stored if stored is not None else self._local_hints).get(name, 0)

    def select(self, exercise) -> None:
        self.exercise = exercise
        results = self.results()
        self.show_list(results)
        self.show_exercise(results)

    # ------------------------------------------------------------------ watching and checking

    def poll(self) -> None:
        """Check after a save (workspace.Saves): the shown exercise's file, or another
        unlocked one's (shown then)."""
        if self.saves is None:
            if not self.directory.is_dir():
                return
            self.saves = workspace.Saves(self.directory)   # made meanwhile (`tutor exercises init`)
            self.show_workspace()
            self.refresh_bindings()
        changed = self.saves.poll()
        if not changed:
            return
        if self.exercise.filename in changed:
            self.check_current()
            return
        states = dict((e.name, s) for e, s in workspace.states(self.results()))
        for exercise in exercises():
            if exercise.filename in changed:
                if states[exercise.name] == "locked":
                    self.say(f"[$text-warning]You saved {exercise.filename}: it is locked until the exercises "
                             f"before it pass.[/]")
                else:
                    self.select(exercise)
                    self.check_current()
                return

    def check_current(self) -> None:
        exercise = self.exercise
        if workspace.state_of(self.results(), exercise.name) == "locked":
            self.say(f"[$text-warning]{escape(exercise.name)} is locked: pass the exercises before it first.[/]")
            return
        if self._checking:
            self._again = True
            return
        self._checking = True
        self.say(f"[dim]Checking {escape(exercise.filename)}…[/]")
        self.run_check(exercise)

    @work(thread=True, group="exercise-check", name="exercise check")
    def run_check(self, exercise) -> None:
        from tutor.exercises.checker import CheckResult, check_file

        try:
            limit = {} if self.time_limit is None else {"time_limit": self.time_limit}
            outcome = check_file(exercise.name, self.path(exercise), **limit)
        except Exception as error:   # e.g. no process could start: one line, the screen stays
            outcome = CheckResult(False, f"the check could not run: {type(error).__name__}: {error}")
        self.app.call_from_thread(self.checked, exercise, outcome)

    def checked(self, exercise, outcome) -> None:
        """Save the check, show it; a pass moves to the exercise it unlocked."""
        self._checking = False
        self.app.remember(lambda p: p.record_exercise_check(exercise.name, outcome.passed))
        if not self.is_attached:
            return
        results = self.results()
        if exercise.name != self.exercise.name:
            self.show_list(results)
        elif outcome.passed:
            after = workspace.after_pass(results, exercise)
            following = workspace.current(results)
            if following is not None and following.number > exercise.number:
                self.select(following)
            else:
                self.show_list(results)
                self.show_exercise(results)
            self.say(f"[b $text-success]✓ {escape(exercise.filename)} passes: {escape(outcome.message)}.[/]"
                     + (f"\n[b]{escape(after)}[/]" if after else ""))
            self.notify(f"{exercise.name} passes. {after}".strip(), title="Exercise passed")
        else:
            self.show_list(results)
            self.show_exercise(results)
            where = f"{exercise.filename}:{outcome.line}: " if outcome.line else ""
            self.say(f"[b $text-error]✗[/] {escape(where + outcome.message)}\n"
                     "[dim]h gives a hint; save again to re-check.[/]")
        if self._again:
            self._again = False
            self.check_current()

    # ------------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_check(self) -> None:
        if not self.directory.is_dir():
            self.say("[$text-warning]There is no workspace yet: i creates it.[/]")
            return
        self.check_current()

    def action_init(self) -> None:
        if self.directory.is_dir() and self.path(exercises()[0]).is_file():
            self.say(f"The workspace exists: {escape(str(self.directory))}")
            return
        try:
            written, kept = workspace.init(self.directory)
        except OSError as error:
            self.say(f"[$text-error]Cannot create the workspace {escape(str(self.directory))}: "
                     f"{escape(error.strerror or str(error))}[/]")
            return
        self.saves = workspace.Saves(self.directory)
        self.show_workspace()
        self.refresh_bindings()
        self.show_exercise(self.results())
        self.say(f"[$text-success]Created {escape(str(self.directory))}: {len(written)} starter files.[/] "
                 f"Open {escape(self.exercise.filename)} in an editor and save it to check it.")

    def action_hint(self) -> None:
        exercise = self.exercise
        if not exercise.hints:
            self.say("This exercise has no hints.")
            return
        shown = self.app.remember(lambda p: p.show_exercise_hint(exercise.name), None)
        if shown is None:
            self._local_hints[exercise.name] = self._local_hints.get(exercise.name, 0) + 1
        self.show_hints()

    def action_solution(self) -> None:
        exercise = self.exercise
        refusal = workspace.solution_refusal(self.results(), exercise.name)
        if refusal:
            self.say(f"[$text-warning]Not yet: {escape(refusal)}.[/]")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.app.remember(lambda p: p.record_exercise_solution(exercise.name))
            if exercise.name == self.exercise.name:
                code = highlight(exercise.solution_code.strip("\n"), language="python")
                self.query_one("#exercise-solution", Static).update(
                    Content.from_markup("[b]The reference solution[/b]\n") + code)
                self.query_one("#exercise-pane").scroll_to_widget(self.query_one("#exercise-solution"))

        from tutor.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(f"Show the reference solution of {exercise.name}? "
                                           "Try the hints first: writing it is the point."), answered)

    def action_reset(self) -> None:
        exercise = self.exercise

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                kept = workspace.reset(self.directory, exercise)
            except OSError as error:
                self.say(f"[$text-error]Cannot reset {escape(str(self.path(exercise)))}: "
                         f"{escape(error.strerror or str(error))}[/]")
                return
            if self.saves is not None:
                self.saves.forget()   # the starter file is not a save to check
            self.show_workspace()
            self.say(escape(workspace.reset_done(exercise, kept)) + ".")

        from tutor.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(workspace.reset_question(exercise)), answered)

    # ------------------------------------------------------------------ events

    @on(OptionList.OptionSelected, "#exercise-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.exercise.name:
            self.select(by_name(event.option.id))

    @on(Button.Pressed, "#exercise-actions Button")
    def _button(self, event: Button.Pressed) -> None:
        getattr(self, "action_" + event.button.id.removeprefix("do-"))()
