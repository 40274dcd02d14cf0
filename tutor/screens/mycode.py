"""The Lab's "Use my code" screen (m): the Lab's run trained with the learner's own
functions (their exercise files) beside the engine, both loss curves in one chart, and
the verdict above it: they agree, or the first epoch, layer and quantity where they part
(tutor/exercises/mycode.py).

Until the exercises the run needs have passed (or for settings no exercise covers) it
says what to do first instead. The comparison runs in a thread worker (the learner's
code in a subprocess with a time limit), so the screen shows the seconds going by and
Escape works at once; r runs it again, after an edit.
"""
from __future__ import annotations

import time

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

import engine
from tutor.exercises.checker import TIME_LIMIT
from tutor.series import decimate, epoch_ticks
from tutor.widgets.charts import LiveChart, log10_finite


class MyCodeChart(LiveChart):
    """The engine's loss and the learner's over the epochs, log10: one line where they coincide."""

    LABELS = ("engine", "your code")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.curves: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros(0))

    def show(self, engine_losses: np.ndarray, yours: np.ndarray) -> None:
        self.curves = (engine_losses, yours)
        self.stale()

    def lines(self):
        found = []
        for k, losses in enumerate(self.curves):
            keep, y = log10_finite(losses)
            x, y = decimate(keep + 1.0, y, self.points_wanted)
            if len(x):
                found.append((x, y, k))
        return found

    def draw(self, plt) -> None:
        last = max(2, *(len(losses) for losses in self.curves))
        plt.xlim(1, last)
        plt.xticks(*epoch_ticks(last))

    def title(self) -> str:
        return "log10 loss: the engine and your code"

    def legend_labels(self) -> list[str]:
        return list(self.LABELS)


class MyCodeScreen(Screen):
    """The Lab's run with the learner's code and with the engine (see the module docstring)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "run_again", "Run again", tooltip="Read your files again and compare once more"),
    ]

    def __init__(self, config: engine.RunConfig, workspace=None) -> None:
        super().__init__()
        self.config = config
        self.workspace = workspace
        self.running_since: float | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="mycode-body"):
            yield Static("", id="mycode-verdict", markup=False)
            yield MyCodeChart(id="mycode-chart")
            yield Static("", id="mycode-note", classes="note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Use my code"
        self.set_interval(0.25, self._tick)
        self.action_run_again()

    def action_run_again(self) -> None:
        from tutor.exercises.mycode import gate, needed
        from tutor.exercises.workspace import find

        if self.running_since is not None:
            return
        results = self.app.remember(lambda progress: progress.exercise_results(), {}) or {}
        why = gate(self.config, results)
        chart = self.query_one(MyCodeChart)
        if why:
            chart.display = False
            self._say("#mycode-verdict", "Not yet: " + why + ".")
            self._say("#mycode-note", "The Lab trains this run with your own functions once these "
                      "exercises pass: " + ", ".join(needed(self.config)) + ". Esc goes back.")
            return
        self.workspace = find(self.workspace)
        chart.display = True
        self.running_since = time.monotonic()
        self._tick()
        self._say("#mycode-note", f"Your files: {self.workspace}. r compares again after an edit; Esc goes back.")
        self._compare()

    @work(thread=True, exclusive=True, group="mycode", exit_on_error=False)
    def _compare(self) -> None:
        from tutor.exercises.mycode import compare

        worker = get_current_worker()
        try:
            verdict = compare(self.config, self.workspace, should_stop=lambda: worker.is_cancelled)
        except Exception as error:   # one line; the screen and the Lab stay up
            text = f"✗ the comparison failed: {type(error).__name__}: {error}"
            verdict = None
        else:
            text = verdict.text if verdict is not None else ""
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done, text, verdict)

    def _done(self, text: str, verdict) -> None:
        self.running_since = None
        self._say("#mycode-verdict", text)
        if verdict is not None:
            self.query_one(MyCodeChart).show(verdict.engine, verdict.yours)

    def _tick(self) -> None:
        if self.running_since is not None:
            seconds = time.monotonic() - self.running_since
            self._say("#mycode-verdict", f"Training with your code and with the engine… {seconds:.1f} s "
                                         f"(your code may take up to {TIME_LIMIT:g} s)")

    def _say(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(text)
