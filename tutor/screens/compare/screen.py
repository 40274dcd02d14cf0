"""The Compare screen: many runs of one configuration, trained together and drawn live.

The screen builds a CompareSession (tutor/compare_session.py) and hands its `run` to
a Textual thread worker, as the Lab does: the worker trains every run (engine.sweep)
and never waits for the screen; a timer here reads the runs' logs a few times a second
and redraws what changed (the refresh is paced as the Lab's: tutor/screens/lab/pacing.py).

What it shows: the loss of every run and the mean |δ¹| of its first layer, one colour
per group (an activation or a learning rate: g switches), each group as the median
of its runs with a min-max band; a table of the runs at epochs 1, 100, 10,000 and the
last (a diverged run says at which epoch), and a summary per group (t switches). Enter
on a run opens it in the Lab. Escape goes back and stops the training.
"""
from __future__ import annotations

import time
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

import engine
from tutor.compare_session import CompareSession
from tutor.screens.lab.pacing import DEFAULT_PLAN, REFRESH_SECONDS, SLOW_LINK_PLAN, RefreshPacer
from tutor.screens.lab.status import EpochRate
from tutor.session import Phase
from tutor.widgets.charts import SERIES_COLORS
from tutor.widgets.compare_charts import CompareLossChart, FirstDeltaChart

GROUPINGS = {"activation": "by activation", "lr": "by learning rate"}
TABLE_EPOCHS = (1, 100, 10_000)     # the table's columns of epochs (those a run reaches), then its last


def group_key(config: engine.RunConfig, by: str):
    return config.activation if by == "activation" else config.lr


def group_label(key, by: str) -> str:
    return str(key) if by == "activation" else f"lr {key:g}"


def grouped(runs, by: str) -> list[tuple[str, list]]:
    """(label, runs) per group: activations in the order they come, learning rates rising."""
    groups: dict = {}
    for run in runs:
        groups.setdefault(group_key(run.config, by), []).append(run)
    keys = sorted(groups) if by == "lr" else list(groups)
    return [(group_label(key, by), groups[key]) for key in keys]


def number(value) -> str:
    return "" if value is None else f"{value:.4g}"


class CompareScreen(Screen):
    """Train the runs of a comparison together and show them live (see the module docstring)."""

    BINDINGS = [
        Binding("g", "regroup", "Group by"),
        Binding("l", "toggle_log", "Log loss", show=False),
        Binding("t", "toggle_table", "Runs/summary"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, configs, by: str = "activation", heading: str = "") -> None:
        super().__init__()
        self.configs = list(configs)
        self.by = by
        self.heading = heading
        self.session: CompareSession | None = None
        self.problem = ""                  # why the comparison could not be built
        self._pacer = RefreshPacer(REFRESH_SECONDS)
        self._rate = EpochRate()
        self._shown: dict[tuple[str, str], str] = {}   # (row, column) -> text in the runs table
        self._status_text = ""
        self._table_due = 0.0

    # ----- building the screen ---------------------------------------------------------

    def compose(self) -> ComposeResult:
        try:
            self.session = CompareSession(self.configs)
        except (engine.ConfigError, ValueError) as error:
            self.problem = f"cannot compare these runs: {error}"
        with Horizontal(id="compare-top"):
            yield Static(self.heading, id="compare-heading", markup=False)
            yield Tabs(*(Tab(f"{text}", id=f"by-{by}") for by, text in GROUPINGS.items()),
                       active=f"by-{self.by}", id="grouping")
        with Horizontal(id="compare-charts"):
            yield CompareLossChart(log_scale=True, id="compare-loss", classes="panel")
            yield FirstDeltaChart(log_scale=True, id="compare-delta", classes="panel")
        runs = DataTable(id="compare-runs", cursor_type="row", zebra_stripes=True, classes="panel")
        runs.border_title = "runs · Enter opens one in the Lab · t: summary"
        yield runs
        summary = DataTable(id="compare-summary", cursor_type="row", classes="panel")
        summary.border_title = "summary per group · t: runs"
        summary.display = False
        yield summary
        yield Static("", id="compare-status")
        yield Footer()

    def on_mount(self) -> None:
        if not self.query(CompareLossChart):
            return   # the app closed before the screen's widgets came: nothing to start
        if self.session is None:
            self._show_status(self.problem)
            self.query_one("#compare-status").set_class(True, "-diverged")
            return
        self._fill_tables()
        self._show_groups()
        self.set_interval(REFRESH_SECONDS, self._tick)
        self.query_one("#compare-runs").focus()
        self.run_worker(partial(self._train, self.session), thread=True, group="compare",
                        name="compare", exit_on_error=False)

    @staticmethod
    def _train(session: CompareSession) -> Phase:
        worker = get_current_worker()
        return session.run(should_stop=lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An error in training ends the comparison with its message, not the app."""
        if event.worker.group == "compare" and event.state is WorkerState.ERROR:
            self._refresh(force=True)

    def on_screen_suspend(self) -> None:
        """Popped for good: stop training. Only covered (a run opened in the Lab): train on."""
        if self not in self.app.screen_stack:
            self._stop()

    def on_unmount(self) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.session is not None:
            self.session.cancel()

    # ----- widgets -----------------------------------------------------------------

    @property
    def charts(self) -> list:
        return [self.query_one(CompareLossChart), self.query_one(FirstDeltaChart)]

    @property
    def table_epochs(self) -> list[int]:
        return [epoch for epoch in TABLE_EPOCHS if epoch < self.session.epochs]

    def _groups(self) -> list[tuple[str, list]]:
        return grouped(self.session.runs, self.by)

    def _show_groups(self) -> None:
        for chart in self.charts:
            chart.show_groups(self._groups())

    def _colour_of(self) -> dict[int, tuple[str, str]]:
        """Each run's (group label, colour) by its index."""
        index = {id(run): i for i, run in enumerate(self.session.runs)}
        found = {}
        for k, (label, runs) in enumerate(self._groups()):
            for run in runs:
                found[index[id(run)]] = (label, SERIES_COLORS[k % len(SERIES_COLORS)][1].removeprefix("ansi_"))
        return found

    def _fill_tables(self) -> None:
        """The runs table's rows in group order (their numbers fill in as they train)."""
        table = self.query_one("#compare-runs", DataTable)
        table.clear(columns=True)
        self._shown = {}
        # Fixed widths: the cells fill in later, and a column sized to its first text would cut them.
        table.add_column("", key="group", width=1)
        table.add_column("activation", key="activation", width=max(10, *(len(c.activation) for c in self.configs)))
        table.add_column("lr", key="lr", width=max(5, *(len(f"{c.lr:g}") for c in self.configs)))
        table.add_column("seed", key="seed", width=4)
        for epoch in self.table_epochs:
            table.add_column(f"loss@{epoch:,}", key=f"loss@{epoch}", width=max(9, len(f"loss@{epoch:,}")))
        table.add_column("last loss", key="last", width=9)
        table.add_column("acc", key="accuracy", width=4)
        table.add_column("state", key="state", width=18)
        colours = self._colour_of()
        order = sorted(colours, key=lambda i: [label for label, _ in self._groups()].index(colours[i][0]))
        for i in order:
            run = self.session.runs[i]
            label, colour = colours[i]
            table.add_row(Text("━", style=colour), run.config.activation,
                          f"{run.config.lr:g}", str(run.config.seed),
                          *[""] * (len(self.table_epochs) + 3), key=str(i))
        self._update_runs_table()
        self._update_summary()

    def run_cells(self, run) -> dict[str, str]:
        """What the runs table shows of a run now, by column."""
        cells = {}
        for epoch in self.table_epochs:
            checkpoint = run.checkpoints.get(epoch)
            cells[f"loss@{epoch}"] = "" if checkpoint is None else number(checkpoint.record.loss)
        log = run.log
        count = log.count
        if count:
            cells["last"] = number(float(log.last("loss")))
            accuracy = float(log.last("accuracy"))
            cells["accuracy"] = "" if accuracy != accuracy else f"{accuracy:.0%}"
        if run.diverged_at is not None:
            cells["state"] = f"diverged at {run.diverged_at:,}"
        elif count >= run.config.epochs:
            cells["state"] = "diverging" if run.divergence() else "done"
        elif count:
            cells["state"] = "stopped" if self.session.phase.over else "training"
        return cells

    def _update_runs_table(self) -> None:
        """Change the cells whose text changed (each change repaints the table)."""
        table = self.query_one("#compare-runs", DataTable)
        for i, run in enumerate(self.session.runs):
            for column, text in self.run_cells(run).items():
                if self._shown.get((str(i), column)) != text:
                    self._shown[(str(i), column)] = text
                    cell = Text(text, style="bold red") if text.startswith("diverg") else text
                    table.update_cell(str(i), column, cell)

    def summary_rows(self) -> list[tuple[str, ...]]:
        """Per group: runs, how many finished, diverged, and the median last loss."""
        rows = []
        for label, runs in self._groups():
            losses = sorted(float(run.log.last("loss")) for run in runs if run.log.count)
            median = losses[len(losses) // 2] if losses else None
            rows.append((label, str(len(runs)), str(sum(self.session.finished(run) for run in runs)),
                         str(sum(run.diverged_at is not None for run in runs)), number(median)))
        return rows

    def _update_summary(self) -> None:
        table = self.query_one("#compare-summary", DataTable)
        rows = self.summary_rows()
        if not table.columns:
            for title in ("group", "runs", "done", "diverged", "median last loss"):
                table.add_column(title)
        table.clear()
        for row in rows:
            table.add_row(*row)

    # ----- actions -------------------------------------------------------------------

    def action_regroup(self) -> None:
        """Group by the other setting (activation or learning rate)."""
        self.set_grouping("lr" if self.by == "activation" else "activation")

    def set_grouping(self, by: str) -> None:
        if by == self.by or self.session is None:
            return
        self.by = by
        tabs = self.query_one("#grouping", Tabs)
        if tabs.active != f"by-{by}":
            tabs.active = f"by-{by}"
        self._show_groups()
        self._fill_tables()

    @on(Tabs.TabActivated, "#grouping")
    def _grouping_tab(self, event: Tabs.TabActivated) -> None:
        self.set_grouping(event.tab.id.removeprefix("by-"))

    def action_toggle_log(self) -> None:
        chart = self.query_one(CompareLossChart)
        chart.set_log_scale(not chart.log_scale)

    def action_toggle_table(self) -> None:
        runs, summary = self.query_one("#compare-runs"), self.query_one("#compare-summary")
        runs.display, summary.display = summary.display, runs.display
        (runs if runs.display else summary).focus()

    @on(DataTable.RowSelected, "#compare-runs")
    def _open_run(self, event: DataTable.RowSelected) -> None:
        """Open the run of that row in the Lab, on its own settings."""
        from tutor.screens.lab import LabScreen

        run = self.session.runs[int(event.row_key.value)]
        self.app.push_screen(LabScreen(run.config))

    def action_leave(self) -> None:
        self._stop()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # ----- refreshing ------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.monotonic()
        self._pacer.interval = self._plan.tick
        if not self._pacer.due(now):
            return
        started = time.thread_time()
        painted = sum(chart.build_total for chart in self.charts)
        self._refresh()
        # The charts build when painted, after this returns: the last refresh's paint counts here.
        cost = time.thread_time() - started + painted - getattr(self, "_painted", painted)
        self._painted = painted
        self._pacer.spent(cost, now)

    @property
    def _plan(self):
        return SLOW_LINK_PLAN if getattr(self.app, "slow_link", False) else DEFAULT_PLAN

    def _refresh(self, force: bool = False) -> None:
        """Pull new epochs into the charts; the tables as often as the plan's charts."""
        session = self.session
        if session is None:
            return
        phase = session.phase
        for chart in self.charts:
            chart.pull()
        now = time.monotonic()
        if force or phase.over or now >= self._table_due:
            self._table_due = now + self._plan.charts
            self._update_runs_table()
            self._update_summary()
        self._update_status(phase)

    def _update_status(self, phase: Phase) -> None:
        session = self.session
        epoch = session.epoch
        rate = self._rate.update(epoch)
        parts = [f"runs {session.runs_done}/{len(session.runs)} done"]
        if session.diverged:
            parts.append(f"{session.diverged} diverged")
        parts.append(f"epoch {epoch:,}/{session.epochs:,}")
        if phase is Phase.RUNNING and rate is not None:
            parts.append(f"{rate:,.0f} epochs/s")
        parts.append({Phase.READY: "starting", Phase.RUNNING: "training", Phase.FINISHED: "finished",
                      Phase.CANCELLED: "stopped"}.get(phase, session.message))
        status = self.query_one("#compare-status", Static)
        failed = phase is Phase.FAILED
        if status.has_class("-diverged") != failed:
            status.set_class(failed, "-diverged")
        self._show_status(" · ".join(parts))

    def _show_status(self, text: str) -> None:
        if text != self._status_text:
            self._status_text = text
            self.query_one("#compare-status", Static).update(text, layout=False)
