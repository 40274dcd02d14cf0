"""The Compare screen: many runs of one configuration, trained together and drawn live.

The screen takes an engine.compare.Comparison (a base run over activations × learning
rates × seeds), wraps it in a CompareSession (tutor/compare_session.py) and hands its
`run` to a Textual thread worker, as the Lab does: the worker trains every run (one
engine.sweep) and never waits for the screen; a timer here reads the runs' logs a few
times a second and redraws what changed (paced as the Lab: tutor/screens/lab/pacing.py).

What it shows: the loss of every run and its sharpness against 2/η (or the mean |δ¹|
of its first layer: s switches), one colour per group (an activation or a learning
rate: g switches), each configuration as the median of its seeds with a min-max band;
the comparison's table (each run at epochs 1, 100, 10,000 and its last; a diverged run
says at which epoch) and its summary per group (t switches), in the words of
tutor/comparison_text.py, which `tutor compare` prints. Enter on a run opens it in the
Lab. Escape goes back and stops the training.
"""
from __future__ import annotations

import math
import time
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState

from engine.compare import TABLE_EPOCHS, Comparison, default_target_loss
from engine.sharpness import stability_limit
from tutor import comparison_text as text
from tutor.compare_session import CompareSession
from tutor.screens.compare.setup import heading
from tutor.screens.lab.pacing import DEFAULT_PLAN, REFRESH_SECONDS, SLOW_LINK_PLAN, RefreshPacer
from tutor.screens.lab.status import EpochRate
from tutor.screens.training_worker import train
from tutor.session import Phase
from tutor.widgets.charts import SERIES_COLORS
from tutor.widgets.compare_charts import CompareLossChart, FirstDeltaChart, SharpnessChart

GROUPINGS = {"activation": "by activation", "lr": "by lr"}


def row_key(row) -> str:
    """A table row's key: the run, and its table epoch or "last"."""
    return f"{row.run}:{row.epoch if row.epoch in TABLE_EPOCHS else 'last'}"


class CompareScreen(Screen):
    """Train the runs of a comparison together and show them live (see the module docstring)."""

    BINDINGS = [
        Binding("g", "regroup", "Group by", tooltip="Colour the curves by activation or by learning rate"),
        Binding("t", "toggle_table", "Runs/summary", tooltip="The runs at epochs 1, 100, 10,000 and the last, "
                                                               "or the summary per group"),
        Binding("s", "toggle_second_chart", "Sharpness/δ¹", show=False,
                tooltip="Beside the loss: the sharpness against 2/η, or the mean |δ¹|"),
        Binding("l", "toggle_log", "Log loss", show=False, tooltip="The loss in log10 or linear"),
        Binding("escape", "leave", "Back", tooltip="Back, and stop the training"),
    ]

    def __init__(self, comparison: Comparison, by: str | None = None, target_loss: float | None = None) -> None:
        super().__init__()
        self.comparison = comparison
        self.session = CompareSession(comparison)
        self.by = by or text.default_grouping(comparison)
        self.target_loss = default_target_loss(comparison.base.loss) if target_loss is None else target_loss
        self.heading = heading(comparison.base, comparison.activations, comparison.lrs, comparison.seeds)
        self._pacer = RefreshPacer(REFRESH_SECONDS)
        self._rate = EpochRate()
        # Per table: the column titles and row keys it was built with, and the text of each
        # (row, column) cell shown.
        self._tables: dict[str, tuple[list[str], list[str], dict]] = {}
        self._status_text = ""
        self._table_due = 0.0

    # ----- building the screen ---------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-top"):
            yield Static(self.heading, id="compare-heading", markup=False)
            yield Tabs(*(Tab(title, id=f"by-{by}") for by, title in GROUPINGS.items()),
                       active=f"by-{self.by}", id="grouping")
        with Horizontal(id="compare-charts"):
            yield CompareLossChart(log_scale=True, id="compare-loss", classes="panel")
            yield SharpnessChart(log_scale=True, id="compare-sharpness", classes="panel")
            yield FirstDeltaChart(log_scale=True, id="compare-delta", classes="panel")
        runs = DataTable(id="compare-runs", cursor_type="row", zebra_stripes=True, classes="panel")
        runs.border_title = "runs at epochs 1, 100, 10,000 and the last · Enter opens a run in the Lab · t: summary"
        yield runs
        summary = DataTable(id="compare-summary", cursor_type="row", classes="panel")
        summary.border_title = (f"summary per group · target loss {text.number(self.target_loss)} · "
                                "t: runs")
        yield summary
        yield Static("", id="compare-status")
        yield Footer()

    def on_mount(self) -> None:
        if not self.query(CompareLossChart):
            return   # the app closed before the screen's widgets came: nothing to start
        self.query_one("#compare-summary").display = False
        self.query_one(FirstDeltaChart).display = False
        self._show_groups()
        self.set_interval(REFRESH_SECONDS, self._tick)
        self.query_one("#compare-runs").focus()
        self.run_worker(partial(train, self.session), thread=True, group="compare",
                        name="compare", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An error in training ends the comparison with its message, not the app."""
        if event.worker.group == "compare" and event.state is WorkerState.ERROR:
            self._refresh(force=True)

    def on_screen_suspend(self) -> None:
        """Popped for good: stop training. Only covered (a run opened in the Lab): train on."""
        if self not in self.app.screen_stack:
            self.session.cancel()

    def on_unmount(self) -> None:
        self.session.cancel()

    # ----- widgets -----------------------------------------------------------------

    @property
    def charts(self) -> list:
        return [self.query_one(CompareLossChart), self.query_one(SharpnessChart), self.query_one(FirstDeltaChart)]

    def _show_groups(self) -> None:
        """The charts' curves (one per configuration, in its group's colour) and the tables,
        for the grouping now."""
        groups = self.comparison.groups(self.by)
        curves = []
        for k, indices in enumerate(groups.values()):
            configurations: dict[tuple, list] = {}
            for i in indices:
                config = self.comparison.configs[i]
                configurations.setdefault((config.activation, config.lr), []).append(self.session.runs[i])
            curves += [(runs, k) for runs in configurations.values()]
        labels = [text.group_label(key, self.by) for key in groups]
        for chart in self.charts:
            chart.show(curves, labels)
        keys = list(groups)
        self.query_one(SharpnessChart).set_limits(
            (stability_limit(lr), keys.index(lr) if self.by == "lr" else None) for lr in self.comparison.lrs)
        self._tables.clear()     # new colours: every row anew
        self._update_runs_table()
        self._update_summary()

    def _group_of(self) -> dict[int, int]:
        """Each run's group position (its colour)."""
        return {i: k for k, indices in enumerate(self.comparison.groups(self.by).values()) for i in indices}

    def _update_runs_table(self) -> None:
        """The comparison's table, a row per run and epoch, in group order."""
        comparison = self.comparison
        group_of = self._group_of()
        rows = sorted(comparison.table(), key=lambda row: (group_of[row.run], row.run, row.epoch))
        self._show_rows("#compare-runs", text.table_columns(comparison),
                        [(row_key(row), group_of[row.run], text.table_cells(comparison, row)) for row in rows])

    def _update_summary(self) -> None:
        """The comparison's summary, a row per group."""
        comparison = self.comparison
        rows = comparison.summary(self.target_loss, self.by)
        self._show_rows("#compare-summary", text.summary_columns(comparison, self.by),
                        [(str(k), k, text.summary_cells(comparison, row, self.by)) for k, row in enumerate(rows)])

    def _show_rows(self, selector: str, columns: list[str], rows: list[tuple[str, int, list[str]]]) -> None:
        """Show rows (key, group position, cells) under these column titles: the table is
        rebuilt when its columns or rows change (a run passes epoch 100, the grouping
        changes), the cursor staying on its row; else only the cells whose text changed
        are updated (each change repaints the table)."""
        table = self.query_one(selector, DataTable)
        keys = [key for key, _, _ in rows]
        built_columns, built_keys, shown = self._tables.get(selector, (None, None, {}))
        if columns != built_columns or keys != built_keys:
            cursor = built_keys[table.cursor_row] if built_keys and 0 <= table.cursor_row < len(built_keys) else None
            table.clear(columns=columns != built_columns)
            if columns != built_columns:
                table.add_column("", key="group", width=1)
                for column in columns:
                    table.add_column(column, key=column)
            shown = {}
            for key, group, cells in rows:
                colour = SERIES_COLORS[group % len(SERIES_COLORS)][1].removeprefix("ansi_")
                table.add_row(Text("━", style=colour), *map(self._styled, cells), key=key)
                shown.update({(key, c): cell for c, cell in enumerate(cells)})
            self._tables[selector] = (columns, keys, shown)
            if cursor in keys:
                table.move_cursor(row=keys.index(cursor), animate=False)
            return
        for key, _, cells in rows:
            for column, cell in zip(columns, cells):
                if shown.get((key, column)) != cell:
                    shown[(key, column)] = cell
                    table.update_cell(key, column, self._styled(cell), update_width=True)

    @staticmethod
    def _styled(cell: str):
        return Text(cell, style="bold red") if cell.startswith("diverg") else cell

    # ----- actions -------------------------------------------------------------------

    def action_regroup(self) -> None:
        """Group by the other setting (activation or learning rate)."""
        self.set_grouping("lr" if self.by == "activation" else "activation")

    def set_grouping(self, by: str) -> None:
        if by == self.by:
            return
        self.by = by
        tabs = self.query_one("#grouping", Tabs)
        if tabs.active != f"by-{by}":
            tabs.active = f"by-{by}"
        self._show_groups()

    @on(Tabs.TabActivated, "#grouping")
    def _grouping_tab(self, event: Tabs.TabActivated) -> None:
        self.set_grouping(event.tab.id.removeprefix("by-"))

    def action_toggle_log(self) -> None:
        chart = self.query_one(CompareLossChart)
        chart.set_log_scale(not chart.log_scale)

    def action_toggle_second_chart(self) -> None:
        """The sharpness against 2/η, or the mean |δ¹|, beside the loss."""
        sharpness, delta = self.query_one(SharpnessChart), self.query_one(FirstDeltaChart)
        sharpness.display, delta.display = delta.display, sharpness.display

    def action_toggle_table(self) -> None:
        runs, summary = self.query_one("#compare-runs"), self.query_one("#compare-summary")
        runs.display, summary.display = summary.display, runs.display
        (runs if runs.display else summary).focus()

    @on(DataTable.RowSelected, "#compare-runs")
    def _open_run(self, event: DataTable.RowSelected) -> None:
        """Open the run of that row in the Lab, on its own settings."""
        from tutor.screens.lab import LabScreen

        run = self.session.runs[int(event.row_key.value.split(":")[0])]
        self.app.push_screen(LabScreen(run.config))

    def action_leave(self) -> None:
        self.session.cancel()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # ----- refreshing ------------------------------------------------------------------

    @property
    def _plan(self):
        return SLOW_LINK_PLAN if getattr(self.app, "slow_link", False) else DEFAULT_PLAN

    def _tick(self) -> None:
        self._pacer.interval = self._plan.tick
        self._pacer.run(time.monotonic(), self._refresh, lambda: sum(chart.build_total for chart in self.charts))

    def _refresh(self, force: bool = False) -> None:
        """Pull new epochs into the charts; the tables as often as the plan's charts."""
        phase = self.session.phase    # before the logs: a run that ended has its last epoch logged
        loss = self.query_one(CompareLossChart)
        if not math.isfinite(loss.ceiling):
            loss.set_ceiling(text.chart_ceiling(self.comparison))
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

    def _show_status(self, line: str) -> None:
        if line != self._status_text:
            self._status_text = line
            self.query_one("#compare-status", Static).update(line, layout=False)
