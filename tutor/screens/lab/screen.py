"""The Lab: train a network and watch it learn, with the numbers TensorFlow Playground hides.

The screen builds a TrainingSession (tutor/session.py) from the controls and hands
its `run` to a Textual thread worker. From then on the two sides only share data:
the worker appends epochs to the session's MetricsLog and answers flags; a timer
here reads the log a few times a second (about once a second on a slow link) and
redraws what changed. Nothing the worker does waits for the screen.

Layout: on a terminal of at least 110x30 everything is on one screen (controls on
the left, six panels in a grid). Smaller terminals get the same panels in three
views (Setup, Train, Inside) switched with tabs or the keys 1, 2, 3. The screen
arranges the grid itself (lay_out_panels()) rather than through CSS classes on the screen:
a class change there restyles every widget, a quarter of a second on a slow machine.

Three of the panels are places for charts over the epochs (LOG_CHARTS: loss, accuracy,
learning rate, tracked weights, ‖W‖ and ‖∂L/∂W‖ per layer, mean |δ|, the sharpness
against 2/η). A lesson's lab card chooses the charts they open with; the keys a, w and
d show the next in each. Every such chart follows the run, shown or not, so that each
one chosen shows it whole.

t shows the epoch table in the panels' place (and back): the run at epochs 1, 10, 100,
... and now, with the loss's range between rows and its patterns in words
(engine/epoch_table.py). It follows the run as the charts do, from the refresh timer.

s saves the run on screen under a name (tutor/run_archive.py packs its settings,
checkpoints and summary; the home screen's saved runs reopen it): a reopened run shows
the weights it was saved with until Start trains it again from epoch 0.
"""
from __future__ import annotations

import dataclasses
import time
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

import engine
from engine.epoch_table import EpochTable
from tutor.app import TutorApp
from tutor.screens.lab.fit_curve import fit_curve
from tutor.screens.lab.pacing import DEFAULT_PLAN, REFRESH_SECONDS, SLOW_LINK_PLAN, RefreshPacer, RefreshPlan
from tutor.screens.lab.status import EpochRate, status_line
from tutor.screens.training_worker import train
from tutor.session import Phase, TrainingSession, inspect_sample, preactivation_range
from tutor.widgets.boundary import BoundaryMap
from tutor.widgets.charts import (AccuracyChart, ActivationChart, DeltaChart, FitChart,
                                  GradientNormChart, LearningRateChart, LossChart, SharpnessChart,
                                  WeightNormChart, WeightsChart)
from tutor.widgets.epoch_table import EpochTablePanel
from tutor.widgets.lab_controls import LabControls
from tutor.widgets.network_diagram import NetworkDiagram, NeuronInspector

WIDE = (110, 30)                # from this size on, everything is on one screen
# How long b waits for a running run to rest after its epoch before opening the stepper.
STEPPER_WAIT_SECONDS = 10.0
# The charts over the epochs, by the names lessons' lab blocks give them
# (tutor.course.blocks.LAB_CHARTS): each chart's id in the Lab and its class.
LOG_CHARTS = {
    "loss": ("loss", LossChart),
    "accuracy": ("accuracy", AccuracyChart),
    "lr": ("lr", LearningRateChart),
    "tracked": ("weights", WeightsChart),
    "weight_norms": ("weight-norms", WeightNormChart),
    "gradient_norms": ("gradient-norms", GradientNormChart),
    "delta_means": ("deltas", DeltaChart),
    "sharpness": ("sharpness", SharpnessChart),
}
# Three places (slots) show three of them; a lab block's `charts` choose which, and
# these keys show the next chart in each place.
DEFAULT_SLOTS = ("loss", "tracked", "delta_means")
SLOT_KEYS = ("a", "w", "d")
# A small terminal shows one view at a time: its panels, the grid's columns and rows,
# and the panels that span two cells (rows, columns).
VIEWS = {
    "setup": (("controls",), (1, 1), {}),
    "train": (("network-panel", "data-panel", "slot1"), (2, 2), {"network-panel": (2, 1)}),
    "inside": (("slot2", "slot3", "activation"), (2, 2), {"activation": (1, 2)}),
}
PANELS = ("controls", "network-panel", "data-panel", "slot1", "slot2", "slot3", "activation")


def chart_slots(charts) -> list[str]:
    """The charts the three slots open with: those named (in order, the epoch charts
    among them), then the defaults not named."""
    named = [chart for chart in dict.fromkeys(charts or ()) if chart in LOG_CHARTS][:3]
    return named + [chart for chart in DEFAULT_SLOTS if chart not in named][:3 - len(named)]


# Settings a running session can take on the fly; any other change needs a new run.
LIVE_FIELDS = ("lr", "epochs")


def _differs(a: engine.RunConfig, b: engine.RunConfig) -> bool:
    """True if the two runs differ in more than the settings a run takes on the fly."""
    live = {field: 1 for field in LIVE_FIELDS}
    return dataclasses.replace(a, **live) != dataclasses.replace(b, **live)


class LabScreen(Screen):
    """Train a network from the controls' settings; charts, diagram and status follow live."""

    BINDINGS = [
        Binding("space", "toggle_run", "Start/Pause"),
        Binding("n", "step", "Step"),
        Binding("r", "reset", "Reset"),
        # Shown in the settings panel's key help, not the footer (80 columns are few).
        Binding("l", "toggle_log", "Log loss", show=False),
        Binding("a", "next_chart(0)", "Next chart in the loss's place", show=False),
        Binding("w", "next_chart(1)", "Next chart in the tracked weights' place", show=False),
        Binding("d", "next_chart(2)", "Next chart in the deltas' place", show=False),
        Binding("t", "toggle_table", "Epoch table", show=False,
                tooltip="The run at epochs 1, 10, 100, ... and now, in place of the panels (t again: back)"),
        Binding("plus,equals_sign", "scale_lr(2)", "lr×2", show=False),
        Binding("minus", "scale_lr(0.5)", "lr÷2", show=False),
        Binding("s", "save_run", "Save run", show=False,
                tooltip="Keep this run under a name; the course map's saved runs (r) reopen it"),
        Binding("c", "compare", "Compare",
                tooltip="Compare this configuration across activations, learning rates or seeds"),
        Binding("x", "crosscheck", "Check against PyTorch", show=False,
                tooltip="The same network in PyTorch: agreement to 1e-10, and the speed of both on request"),
        Binding("e", "export", "Export", show=False,
                tooltip="Write this run as a standalone NumPy or PyTorch script"),
        Binding("m", "mycode", "Use my code", show=False,
                tooltip="This run trained with your exercise files beside the engine: agree, or where they part"),
        Binding("1", "view('setup')", "Setup", show=False),
        Binding("2", "view('train')", "Train", show=False),
        Binding("3", "view('inside')", "Inside", show=False),
        Binding("b", "stepper", "Backprop step by step", show=False,
                tooltip="One training step on the selected sample, operation by operation, with these weights"),
        Binding("g", "graph", "Chain rule as a graph", show=False,
                tooltip="The first hidden neuron, σ(w·x + b) with these weights and the selected sample, "
                        "as a computation tree walked backward"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, config: engine.RunConfig | None = None, start: bool = False,
                 charts=None, saved_weights: engine.Checkpoint | None = None,
                 notice: str = "") -> None:
        """charts: names of charts to show first (a lesson's lab block's `charts`);
        saved_weights: a reopened run's last checkpoint, shown until the run starts;
        notice: a line for the status at first."""
        super().__init__()
        self.initial_config = config or engine.RunConfig()
        self.saved_weights = saved_weights
        self.start_at_once = start
        self.slots = chart_slots(charts)   # the epoch chart each of the three places shows
        self.session: TrainingSession | None = None
        self.pending_changes = False     # settings edited since the run started
        self.notice = notice             # a one-off line for the status (e.g. why Start refused)
        self._shown: tuple | None = None             # (log count, phase, notice) last drawn
        self._shown_snapshot = None
        self._rate = EpochRate()                     # epochs per second, for the status
        self._pacer = RefreshPacer(REFRESH_SECONDS)
        self._view = "train"
        self._due_at: dict[str, float] = {}          # panel group -> when its next redraw is due
        self._status_text = ""                       # the status line last drawn
        self.epoch_table: EpochTable | None = None   # the session's, fed from its log by the refresh
        self.table_shown = False                     # the epoch table in the panels' place

    # ----- building the screen ---------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Build the first run now: if it cannot be built, the screen opens on its settings.
        try:
            self._first = TrainingSession(self.initial_config)
        except engine.ConfigError as error:
            self._first = error
            self._view = "setup"
        yield Tabs(Tab("1 Setup", id="tab-setup"), Tab("2 Train", id="tab-train"),
                   Tab("3 Inside", id="tab-inside"), active=f"tab-{self._view}", id="views")
        with Grid(id="panels"):
            controls = LabControls(self.initial_config, id="controls", classes="panel")
            controls.border_title = "settings"
            yield controls
            with Vertical(id="network-panel", classes="panel") as panel:
                panel.border_title = "network · ←→↑↓ select a neuron"
                yield NetworkDiagram(id="diagram")
                yield NeuronInspector(id="inspector")
            with Vertical(id="data-panel", classes="panel") as panel:
                panel.border_title = "data and prediction"
                yield BoundaryMap(id="boundary")
                yield FitChart(id="fit")
                yield Static("", id="data-note", classes="note")
            for chart_id, chart in LOG_CHARTS.values():
                yield chart(id=chart_id, classes="panel")
            yield ActivationChart(id="activation", classes="panel")
        yield EpochTablePanel(id="epoch-table", classes="panel")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.lay_out_panels()
        if isinstance(self._first, TrainingSession):
            self._adopt(self._first)
            if self.saved_weights is not None:
                self._show_saved_weights(self._first, self.saved_weights)
        else:
            self.controls.show_error(self._first.field, self._first.message)
        self.set_interval(REFRESH_SECONDS, self._tick)
        self.query_one(NetworkDiagram).focus()
        if self.start_at_once:
            # After the first frame: laying out the screen while training competes for the
            # interpreter would only delay both.
            self.call_after_refresh(self.action_toggle_run)

    def on_screen_suspend(self) -> None:
        """Another screen took over. Popped for good (out of the stack): stop training at
        once; only covered (help, say): train on."""
        if self not in self.app.screen_stack:
            self._stop_session()

    def on_unmount(self) -> None:
        self._stop_session()

    # ----- widgets -----------------------------------------------------------------

    @property
    def controls(self) -> LabControls:
        return self.query_one(LabControls)

    @property
    def log_charts(self) -> list:
        """Every chart over the epochs, shown or not: the hidden ones follow the run too,
        so that each shows the whole run the moment it is chosen."""
        return [self.chart(name) for name in LOG_CHARTS]

    def chart(self, name: str):
        """The epoch chart of that name (a lab block's name: loss, accuracy, tracked, ...)."""
        chart_id, kind = LOG_CHARTS[name]
        return self.query_one(f"#{chart_id}", kind)

    # ----- sessions ----------------------------------------------------------------

    def _install(self, config: engine.RunConfig) -> bool:
        """Replace the session with a new one (not started) for config. False, with the
        problem shown at its control, if the configuration cannot be built."""
        try:
            session = TrainingSession(config)
        except engine.ConfigError as error:
            self.controls.show_error(error.field, error.message)
            return False
        self._adopt(session)
        return True

    def _adopt(self, session: TrainingSession) -> None:
        """Make `session` the Lab's run (stopping the one before) and show it."""
        self._stop_session()
        self.session = session
        self.pending_changes = False
        if self.notice == self._saved_notice:
            self.notice = ""
        self.query_one("#weights", WeightsChart).tracked_labels = session.trainer.tracked_labels
        self._shown = None
        self._shown_snapshot = None
        self._rate = EpochRate()
        self.epoch_table = EpochTable(session.net.layers)
        if self.table_shown:
            self._show_table()
        self._show_data_kind()
        self._refresh(force=True)

    def _stop_session(self) -> None:
        if self.session is not None:
            self.session.cancel()

    def _start_worker(self) -> None:
        session = self.session
        self._rate = EpochRate(session.log.count)
        self.run_worker(partial(train, session), thread=True, group="training",
                        name="training", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An error in training ends the run with its message (session.message), not the app."""
        if event.worker.group == "training" and event.state is WorkerState.ERROR:
            self._refresh(force=True)

    def _fresh_session_from_controls(self) -> bool:
        """A new session from the controls; False (and the problem shown) if they are wrong."""
        config = self.controls.read_config()
        if config is not None and self._install(config):
            return True
        self._refuse()
        return False

    def _refuse(self) -> None:
        self.notice = "fix the setting marked in red first"
        self._set_view("setup")
        self._update_status()

    # ----- actions -------------------------------------------------------------------

    def action_toggle_run(self) -> None:
        """Start (a ready or finished run: from the controls), pause, or resume."""
        self.notice = ""
        session = self.session
        if session is not None and session.phase is Phase.RUNNING and not session.paused:
            session.pause()
        elif session is not None and session.phase in (Phase.PAUSED, Phase.RUNNING):
            session.resume()
        else:
            if not self._ready_from_controls():
                return
            self._start_worker()
        self._refresh(force=True)

    def _ready_from_controls(self) -> bool:
        """Make sure a not-yet-started session matches the controls."""
        session = self.session
        config = self.controls.read_config()
        if config is not None and session is not None and session.phase is Phase.READY \
                and session.config == config:
            return True
        return self._fresh_session_from_controls()

    def action_step(self) -> None:
        """Train one epoch, then pause (pauses a running run)."""
        self.notice = ""
        session = self.session
        if session is not None and session.phase is Phase.RUNNING and not session.paused:
            session.pause()
        elif session is not None and session.phase in (Phase.PAUSED, Phase.RUNNING):
            session.step()
        else:
            if not self._ready_from_controls():
                return
            self.session.step()
            self._start_worker()
        self._refresh(force=True)

    def action_reset(self) -> None:
        """A new, untrained network from the controls' settings."""
        self.notice = ""
        self._fresh_session_from_controls()

    def action_reseed(self) -> None:
        """The next seed: new data draw and new initial weights."""
        try:
            seed = int(self.controls.raw("seed")) + 1
        except ValueError:
            seed = 0
        self.controls.set_value("seed", seed)
        self.action_reset()

    def action_toggle_log(self) -> None:
        chart = self.query_one("#loss", LossChart)
        chart.set_log_scale(not chart.log_scale)

    def action_toggle_table(self) -> None:
        """The epoch table in the panels' place, or the panels back."""
        self.table_shown = not self.table_shown
        self.lay_out_panels()
        if self.table_shown:
            self._show_table()
            self.query_one(EpochTablePanel).table.focus()    # ←→ scroll it
        else:
            self.query_one(NetworkDiagram).focus()

    def action_next_chart(self, slot: int) -> None:
        """Show the next epoch chart (one not shown elsewhere) in place `slot`."""
        names = list(LOG_CHARTS)
        others = [name for k, name in enumerate(self.slots) if k != slot]
        at = names.index(self.slots[slot])
        self.slots[slot] = next(names[(at + step) % len(names)] for step in range(1, len(names))
                                if names[(at + step) % len(names)] not in others)
        if self.session is not None:
            self.chart(self.slots[slot]).pull(self.session.log)
        self.lay_out_panels()

    def action_scale_lr(self, factor: float) -> None:
        """Double or halve the learning rate asked for (in force from the next epoch): the
        control shows the new rate, which then takes the same path as a typed one."""
        if self.session is None:
            return
        self.controls.set_value("lr", self.session.lr * factor)
        self._edited(LabControls.Edited("lr", "lr" not in self.controls.errors))

    def _show_saved_weights(self, session: TrainingSession, saved: engine.Checkpoint) -> None:
        """A reopened run: its saved weights in the diagram and the data panel until it
        starts (the session itself starts from its seed's initial weights)."""
        session.snapshot = saved
        self.notice = self.notice or f"showing the saved weights of epoch {saved.epoch:,} (a start trains anew)"
        self._saved_notice = self.notice
        self._refresh(force=True)

    _saved_notice = None    # the line that says saved weights are shown (gone with them)

    def action_save_run(self) -> None:
        """Pause the run and ask for a name to keep it under (the settings in force, the
        checkpoints so far, and a summary)."""
        session = self.session
        if session is None:
            self.notice = "nothing to save: fix the settings marked in red first"
            self._update_status()
            return
        if session.phase is Phase.RUNNING and not session.paused:
            session.pause()
        from tutor.run_archive import run_name
        from tutor.screens.saved_runs import NameRunScreen

        default = run_name(self._config_in_force(session), session.trainer.epoch)
        self.app.push_screen(NameRunScreen(default), partial(self._save_run_as, session))

    @staticmethod
    def _config_in_force(session: TrainingSession) -> engine.RunConfig:
        """The session's settings with the learning rate and epochs it has now."""
        return dataclasses.replace(session.config, lr=session.lr, epochs=session.epochs)

    def _save_run_as(self, session: TrainingSession, name: str | None) -> None:
        if name is None:
            return
        from tutor import run_archive

        app = self.app
        if not isinstance(app, TutorApp):    # the Lab alone (a benchmark's harness): no store
            return
        # The latest published weights (the paused or finished run's own), and the
        # trainer's checkpoints before them.
        last = session.snapshot
        checkpoints = [c for c in dict(session.trainer.checkpoints).values() if c.epoch < last.epoch]
        saved_message = session.message if session.phase.over else ""
        try:
            data = run_archive.pack([*checkpoints, last])
            run_id = app.remember(lambda p: p.save_run(
                name, self._config_in_force(session).to_dict(),
                run_archive.summary(last.record, saved_message), checkpoints=data))
        except ValueError as error:
            self.notice = f"not saved: {error}"
        else:
            self.notice = (f"saved as “{name}” · r on the course map lists it" if run_id is not None
                           else f"not saved: {app.progress_problem or 'the progress store is not open'}")
        self._update_status()

    def action_compare(self) -> None:
        """Ask what to vary in the settings on screen, then compare (the run here pauses)."""
        config = self.controls.read_config()
        if config is None:
            self._refuse()
            return
        session = self.session
        if session is not None and session.phase is Phase.RUNNING and not session.paused:
            session.pause()
            self._refresh(force=True)
        self.app.open_compare(config)

    def _config_to_share(self) -> engine.RunConfig | None:
        """The run on screen (with the learning rate and epochs in force), or the
        controls' settings before there is one; None (and a notice) if neither."""
        if self.session is not None:
            return self._config_in_force(self.session)
        self.notice = "fix the settings marked in red first"
        self._update_status()
        return None

    def action_crosscheck(self) -> None:
        """Open the agreement table of this run's network against PyTorch (x)."""
        config = self._config_to_share()
        if config is not None:
            from tutor.screens.crosscheck import CrosscheckScreen

            self.app.push_screen(CrosscheckScreen(config))

    def action_export(self) -> None:
        """Ask whether to write this run as a NumPy or a PyTorch script (e)."""
        config = self._config_to_share()
        if config is not None:
            from tutor.screens.crosscheck import ExportScreen

            self.app.push_screen(ExportScreen(config))

    def action_mycode(self) -> None:
        """This run with the learner's own code beside the engine (m)."""
        config = self._config_to_share()
        if config is not None:
            from tutor.screens.mycode import MyCodeScreen

            # The app's workspace when it was given one (as the Exercises screen uses).
            self.app.push_screen(MyCodeScreen(config, getattr(self.app, "exercises_dir", None)))

    def action_stepper(self) -> None:
        """The stepper on the run's weights now, the diagram's sample and neuron, and a
        copy of the run's optimizer state: a running run pauses first, and the stepper
        opens once the thread rests (its weights and optimizer then agree)."""
        session = self.session
        if session is None:
            return
        if session.phase is Phase.RUNNING and not session.paused:
            session.pause()
            self._refresh(force=True)
        self._open_stepper_when_settled(session, time.monotonic() + STEPPER_WAIT_SECONDS)

    def _open_stepper_when_settled(self, session: TrainingSession, give_up: float) -> None:
        import copy

        from tutor.screens.stepper import StepperScreen

        if session is not self.session or not self.is_current:
            return
        if not session.settled:
            if time.monotonic() < give_up:
                self.set_timer(0.05, partial(self._open_stepper_when_settled, session, give_up))
            else:
                self.notify("the run is still finishing its epoch: press b again", severity="warning")
            return
        snapshot, diagram, trainer = session.snapshot, self.query_one(NetworkDiagram), session.trainer
        data = session.data
        i = diagram.sample % len(data.X)
        context = f"epoch {snapshot.epoch:,} · sample {i + 1} of {len(data.X)}"
        self.app.push_screen(StepperScreen(
            snapshot.network(session.net), data.X[i], data.Y[i], trainer.loss_name, trainer.lr,
            focus=diagram.selected, optimizer=copy.deepcopy(trainer.optimizer), context=context))

    def action_graph(self) -> None:
        """The graph screen on the first hidden neuron, with the weights shown now and the diagram's sample."""
        from tutor.screens.graph import NEURON_INPUTS, GraphScreen, neuron_expression

        session = self.session
        if session is None:
            return
        net, data = session.snapshot.network(session.net), session.data
        i = self.query_one(NetworkDiagram).sample % len(data.X)
        expression, values = neuron_expression(net, data.X[i])
        context = f"the Lab's neuron 0 of layer 1 · epoch {session.snapshot.epoch:,} · sample {i + 1} of {len(data.X)}"
        if len(data.X[i]) > NEURON_INPUTS:
            context += f" · its first {NEURON_INPUTS} of {len(data.X[i])} inputs"
        self.app.push_screen(GraphScreen(expression, values, context=context))

    def action_view(self, view: str) -> None:
        self._set_view(view)

    def action_leave(self) -> None:
        """Escape: out of a control first; then out of the Lab (if anything is under it)."""
        if isinstance(self.focused, (Input, Select)):
            self.query_one(NetworkDiagram).focus()
        elif len(self.app.screen_stack) > 1:
            self._stop_session()
            self.app.pop_screen()

    def _set_view(self, view: str) -> None:
        self._view = view
        self.table_shown = False
        tabs = self.query_one("#views", Tabs)
        if tabs.active != f"tab-{view}":
            tabs.active = f"tab-{view}"
        self.lay_out_panels()

    @property
    def view(self) -> str:
        """The view a small terminal shows: setup, train or inside."""
        return self._view

    @property
    def wide(self) -> bool:
        """Room for every panel at once."""
        return self.size.width >= WIDE[0] and self.size.height >= WIDE[1]

    def lay_out_panels(self) -> None:
        """Lay the panels out for the terminal's size and (on a small one) the view."""
        self._order_slots()
        wide = self.wide
        grid = self.query_one("#panels").styles
        if wide:
            shown, (columns, rows), spans = PANELS, (3, 3), {"controls": (3, 1)}
            grid.grid_columns, grid.grid_rows = "34 1fr 1fr", "4fr 3fr 3fr"
        else:
            shown, (columns, rows), spans = VIEWS[self._view]
            grid.grid_columns, grid.grid_rows = "1fr", "1fr"
        grid.grid_size_columns, grid.grid_size_rows = columns, rows
        slot_ids = {f"slot{k + 1}": LOG_CHARTS[name][0] for k, name in enumerate(self.slots)}
        shown = {slot_ids.get(name, name) for name in shown}
        for panel in self.query_one("#panels").children:
            panel.display = panel.id in shown
            panel.styles.row_span, panel.styles.column_span = spans.get(panel.id, (1, 1))
        self.query_one("#views").display = not wide
        self.query_one("#panels").display = not self.table_shown
        self.query_one(EpochTablePanel).display = self.table_shown
        # The settings: one column beside the charts, two where they have the screen.
        self.query_one("#fields").styles.grid_size_columns = 1 if wide else 2
        self.query_one("#buttons").styles.grid_size_columns = 2 if wide else 4

    def _order_slots(self) -> None:
        """The grid places its panels in order: the slots' charts go after the data panel,
        in slot order, each with the key that replaces it."""
        grid = self.query_one("#panels")
        after = self.query_one("#data-panel")
        for name, key in zip(self.slots, SLOT_KEYS):
            chart = self.chart(name)
            chart.set_next_key(key)
            if grid.children.index(chart) != grid.children.index(after) + 1:
                grid.move_child(chart, after=after)
            after = chart
        for name in LOG_CHARTS:
            if name not in self.slots:
                self.chart(name).set_next_key(None)

    def on_resize(self) -> None:
        self.lay_out_panels()

    @on(Tabs.TabActivated, "#views")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        self._set_view(event.tab.id.removeprefix("tab-"))

    # ----- the controls ---------------------------------------------------------------

    @on(LabControls.Pressed)
    def _button(self, event: LabControls.Pressed) -> None:
        {"start": self.action_toggle_run, "step": self.action_step,
         "reset": self.action_reset, "reseed": self.action_reseed}[event.action]()

    @on(LabControls.Edited)
    def _edited(self, event: LabControls.Edited) -> None:
        session = self.session
        if event.fitted:
            self.notice = event.fitted
        if event.field in LIVE_FIELDS and event.valid and session is not None:
            self._steer(session, event.field)
            if session.phase is not Phase.READY:
                return
        config = self.controls.read_config()
        if session is None or session.phase is Phase.READY:
            # Nothing trained yet: show the new network and data at once.
            if config is not None and (session is None or config != session.config):
                self._install(config)
                return
        else:
            self.pending_changes = config is None or _differs(config, session.config)
        self._update_status()

    def _steer(self, session: TrainingSession, field: str) -> None:
        """Hand a setting a run takes on the fly (LIVE_FIELDS) from its control to the
        session: the one path from a key or a typed value to the optimizer (the session
        puts a learning rate in force at the start of its next epoch)."""
        value = self.controls.value(field)
        if field == "lr":
            session.set_lr(value)
        else:
            session.set_epochs(value)
        if session.phase is not Phase.READY:
            # Said at once; forget an earlier half-typed value's "settings changed".
            config = self.controls.read_config()
            self.pending_changes = config is None or _differs(config, session.config)
            self.notice = (f"learning rate {value:g} from the next epoch" if field == "lr"
                           else f"now {value:,} epochs")
            self._update_status()

    @on(NetworkDiagram.Selected)
    def _neuron_selected(self) -> None:
        self._show_snapshot(force=True)

    # ----- refreshing ------------------------------------------------------------------

    @property
    def refresh_plan(self) -> RefreshPlan:
        """How often each group of panels is redrawn (read on each refresh: the mode can change)."""
        return SLOW_LINK_PLAN if getattr(self.app, "slow_link", False) else DEFAULT_PLAN

    @property
    def refresh_interval(self) -> float:
        return self.refresh_plan.tick

    def _tick(self) -> None:
        self._pacer.interval = self.refresh_interval
        self._pacer.run(time.monotonic(), self._refresh, self._build_seconds)

    def _build_seconds(self) -> float:
        """Total CPU time the charts have spent building, so far."""
        return sum(widget.build_total for widget in self.query("LiveChart, BoundaryMap"))

    def _refresh(self, force: bool = False) -> None:
        """Pull what changed since the last refresh into the widgets.

        The status and the loss follow every refresh; the other groups as often as
        refresh_plan says (the pictures need a forward pass over a grid; the other
        charts change slowly). All of them at once whenever the run stops, pauses or
        is steered. A panel whose data did not change is not redrawn."""
        session = self.session
        if session is None:
            self._update_status()
            return
        # The phase first: a run that paused or ended has its last epoch logged already.
        phase = session.phase
        count = session.log.count
        now = time.monotonic()
        plan = self.refresh_plan
        every = force or phase is not Phase.RUNNING
        charts = self._due("charts", plan.charts, now, every)
        pictures = self._due("pictures", plan.pictures, now, every)
        activation = self._due("activation", plan.activation, now, every)
        key = (count, phase, self.notice, self.pending_changes, session.lr, session.epochs)
        if force or key != self._shown:
            self._shown = key
            self._update_status()
            self.chart(self.slots[0]).pull(session.log)
            # Every refresh, shown or not: the log keeps the last 2^17 epochs only.
            if self.epoch_table.follow(session.log) and self.table_shown:
                self._show_table()
        if charts:
            for chart in self.log_charts:        # the first slot's was pulled above
                chart.pull(session.log)
        snapshot = session.snapshot
        if pictures and (force or snapshot is not self._shown_snapshot):
            self._show_snapshot()
        if activation and snapshot is not self._activation_snapshot:
            self._activation_snapshot = snapshot
            self.query_one(ActivationChart).show(session.net.activation,
                                                 preactivation_range(session, snapshot))
        if phase is Phase.RUNNING and pictures:
            session.request_snapshot()

    _activation_snapshot = None

    def _show_table(self) -> None:
        session = self.session
        if session is not None:
            self.query_one(EpochTablePanel).show(self.epoch_table.rows(), session.net.layers,
                                                 penalty=session.config.regularization != "none")

    def _due(self, group: str, seconds: float, now: float, every: bool) -> bool:
        """True if `group` is to be redrawn now (`every`, or `seconds` since its last
        redraw); the next one is then due `seconds` later."""
        due_at = self._due_at.setdefault(group, 0.0)
        if not every and now < due_at:
            return False
        # Less a little slack, so that a timer firing a hair early still finds it due.
        self._due_at[group] = now + seconds - 0.02
        return True

    def _update_status(self) -> None:
        session = self.session
        self.controls.set_running(session is not None and session.phase is Phase.RUNNING
                                  and not session.paused)
        if session is None:
            self._show_status(self.notice or "no run: fix the settings marked in red")
            return
        diverged = session.phase in (Phase.DIVERGED, Phase.FAILED)
        status = self.query_one("#status", Static)
        if status.has_class("-diverged") != diverged:
            status.set_class(diverged, "-diverged")
        self._show_status(status_line(session, self._rate, self.pending_changes, self.notice))

    def _show_status(self, text: str) -> None:
        """Redraw the status line only if its text changed (each redraw goes down the wire)."""
        if text != self._status_text:
            self._status_text = text
            self.query_one("#status", Static).update(text, layout=False)   # fixed height: no new layout

    def _show_data_kind(self) -> None:
        """Which picture the data panel holds: regions (2-D points, whatever features the
        network sees of them), a curve (1 input), or a note."""
        width = (self.session.data.raw or self.session.data).input_width
        self.query_one(BoundaryMap).display = width == 2
        self.query_one(FitChart).display = width == 1
        note = self.query_one("#data-note", Static)
        note.display = width > 2
        note.update(f"{width} inputs: no flat picture of the data. Watch the loss and the deltas.")

    @staticmethod
    def _input_labels(session: TrainingSession) -> tuple[str, ...] | None:
        """What each input neuron holds, when it is a feature of the point (None: x[j] itself)."""
        if session.data.raw is None:
            return None
        from engine.features import FEATURES

        return tuple(f"{FEATURES[name].label} of the point" for name in session.config.features)

    def _show_snapshot(self, force: bool = False) -> None:
        """Diagram, neuron inspector, data panel and activation chart from the latest weights."""
        session = self.session
        if session is None:
            return
        snapshot = session.snapshot
        self._shown_snapshot = snapshot
        diagram = self.query_one(NetworkDiagram)
        layer, neuron = diagram.selected
        sample = diagram.sample
        data = session.data
        gradients = inspect_sample(session, snapshot, sample)
        diagram.show(session.net.sizes, snapshot.weights, gradients.activations, len(data.X))
        layer, neuron = diagram.selected
        i = diagram.sample % len(data.X)
        self.query_one(NeuronInspector).describe(
            layer, neuron, i, len(data.X), data.X[i], data.Y[i], gradients,
            snapshot.weights, snapshot.biases, session.net.activation.name,
            session.net.output.name, session.net.layers, inputs=self._input_labels(session))
        net = snapshot.network(session.net)
        points = data.raw or data          # the plane's points, before any input features
        if points.input_width == 2:
            config = session.config
            self.query_one(BoundaryMap).show(lambda grid: net.forward(config.inputs(grid)),
                                             points.X, points.Y, points.X_test, points.Y_test)
        elif data.input_width == 1:
            self.query_one(FitChart).show(*fit_curve(net, data))
