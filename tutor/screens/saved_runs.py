"""Saved runs: the list the home screen opens (r), the Lab's "save as" dialog, and
the question before a delete.

The list shows each run's name, its summary (epochs, loss, accuracy) and when it was
saved. Enter reopens the run in the Lab: its settings, with the weights it was saved
with in the diagram and the data panel (Start trains the run again from epoch 0,
with the same seed). Delete removes it after a yes. Every problem (the store cannot
be read, settings that no longer make a run, damaged weights) is one line; the
learner's progress is never touched.
"""
from __future__ import annotations

from datetime import datetime

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

import engine
from tutor import run_archive
from tutor.app import TutorApp
from tutor.progress import SavedRun, UnknownRun
from tutor.screens.confirm import ConfirmScreen


class NameRunScreen(ModalScreen[str | None]):
    """Ask for the name to save a run under: Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save this run as (Enter saves, Esc cancels):")
            yield Input(self.default, id="run-name", max_length=200, select_on_focus=False)
            yield Static("", id="run-name-error", classes="error")

    @on(Input.Submitted, "#run-name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.query_one("#run-name-error", Static).update("A saved run needs a name.")
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _quietly(action, run_id: int):
    """`action(run_id)`, or None if that run is gone (deleted by another tutor): no
    reason to tell the learner their progress is not being saved."""
    try:
        return action(run_id)
    except UnknownRun:
        return None


def saved_when(saved_at: float) -> str:
    return datetime.fromtimestamp(saved_at).strftime("%Y-%m-%d %H:%M")


class SavedRunsScreen(Screen):
    """The learner's saved runs, newest first (see the module docstring)."""

    app = getters.app(TutorApp)   # self.app, typed as the tutor's app (remember, ...)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("delete", "delete_run", "Delete", tooltip="Delete the highlighted saved run (asks first)"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="saved-runs")
        yield Static("", id="saved-runs-note", classes="note")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Saved runs"
        self.query_one("#saved-runs", OptionList).border_title = "Saved runs · Enter reopens in the Lab"
        self.show_runs()

    _from_lab = False   # a reopened run's Lab covered this screen

    def on_screen_resume(self) -> None:
        if self._from_lab:   # the Lab may have saved another run (a dialog changes nothing)
            self._from_lab = False
            self.show_runs()

    def show_runs(self) -> None:
        runs: list[SavedRun] | None = self.app.remember(lambda p: p.runs(), None)
        listing = self.query_one("#saved-runs", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        self.runs = runs or []
        for run in self.runs:
            listing.add_option(Option(Content.assemble(
                (run.name, "bold"), "\n  ",
                (f"{run_archive.summary_text(run.metrics)} · saved {saved_when(run.saved_at)}", "dim")),
                id=str(run.id)))
        if runs is None:
            problem = self.app.progress_problem or "the progress store is not open"
            self.note(f"Saved runs cannot be read: {problem}")
        elif not runs:
            self.note("No saved runs yet. In the Lab, s saves the run on screen.")
        else:
            self.note("Enter reopens a run in the Lab · Delete removes it · Esc back")
            listing.highlighted = min(highlighted or 0, len(runs) - 1)
        listing.focus()

    def note(self, text: str) -> None:
        self.query_one("#saved-runs-note", Static).update(text)

    def highlighted_run(self) -> SavedRun | None:
        listing = self.query_one("#saved-runs", OptionList)
        if listing.highlighted is None or listing.highlighted >= len(self.runs):
            return None
        return self.runs[listing.highlighted]

    @on(OptionList.OptionSelected, "#saved-runs")
    def _selected(self) -> None:
        run = self.highlighted_run()
        if run is not None:
            self.reopen(run.id)

    def reopen(self, run_id: int) -> None:
        """Open the Lab with the saved run's settings and its last weights."""
        from tutor.screens.lab import LabScreen

        run = self.app.remember(lambda p: _quietly(p.load_run, run_id), None)
        if run is None:
            self.note(f"The saved run cannot be read: {self.app.progress_problem or 'it was deleted'}")
            self.show_runs()
            return
        try:
            config = engine.RunConfig.from_mapping(run.config)
        except engine.ConfigError as error:
            self.note(f"“{run.name}” cannot be reopened: its {error.field}: {error.message}")
            return
        weights, notice = None, ""
        if run.checkpoints is None:
            notice = f"reopened “{run.name}”: its settings (it was saved without weights)"
        else:
            try:
                weights = run_archive.unpack(run.checkpoints, tuple(config.layers))[-1]
            except run_archive.ArchiveError as error:
                notice = f"reopened “{run.name}”: its settings only; {error}"
        self._from_lab = True
        self.app.push_screen(LabScreen(config, saved_weights=weights, notice=notice))

    def action_delete_run(self) -> None:
        run = self.highlighted_run()
        if run is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self.app.remember(lambda p: _quietly(p.delete_run, run.id) or True, False):
                self.show_runs()
                self.note(f"Deleted “{run.name}”.")
            else:
                self.note(f"“{run.name}” was not deleted: {self.app.progress_problem or 'the store is not open'}")

        self.app.push_screen(ConfirmScreen(f"Delete the saved run “{run.name}”?"), answered)
