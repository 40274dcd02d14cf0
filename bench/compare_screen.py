"""The Compare screen's chart speed, measured headless (App.run_test) in one run.

    python bench/compare_screen.py [--refreshes N]

One chart filling a 120x40 terminal (the loss: a median line and a min-max band per
configuration, in its group's colour), and as large as the screen makes it there, for the issue's example of 60 runs (5 activations × 4 learning
rates × 3 seeds: 20 curves of 3 seeds in 5 colours) of 10,000 epochs, and for 20 runs
of 50,000: the first build (every epoch folded in at once) and a steady refresh (the
new epochs of every run since the last refresh: 1,250, about what 60 xor runs train
in a quarter of a second, then pulled and drawn). CPU time of the UI thread, so that
other processes on the machine do not count.                                 Target <= 10 ms.
The runs are synthetic MetricsLogs (a falling, noisy loss), so that the benchmark
measures the chart, not training.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine  # noqa: E402
from textual.app import App  # noqa: E402

from tutor.widgets.compare_charts import CompareLossChart  # noqa: E402

COLUMNS = len(engine.MetricsLog(2, 4)._table)   # numbers per epoch of a 2-layer log with 4 tracked weights


def fake_runs(count: int, epochs: int) -> list[SimpleNamespace]:
    """`count` runs as the chart reads them (a MetricsLog, a config's epochs, no divergence)."""
    return [SimpleNamespace(log=engine.MetricsLog(layers=2, tracked=4, capacity=epochs),
                            config=SimpleNamespace(epochs=10**9), diverged_at=None)
            for _ in range(count)]


def grow(runs, epochs: int) -> None:
    """Append `epochs` epochs of a falling, noisy loss to every run's log."""
    for r, run in enumerate(runs):
        log = run.log
        t = np.arange(log.count + 1, log.count + epochs + 1, dtype=float)
        rows = np.zeros((epochs, COLUMNS))
        rows[:, 0] = t
        rows[:, 1] = (0.7 + 0.05 * r) / np.sqrt(t) * (1 + 0.1 * np.random.default_rng(r + log.count).random(epochs))
        for row in rows:
            log.append_row(row)


# The loss chart's size on the Compare screen in a 120x40 terminal (half the width, half
# of what the heading, status line and footer leave).
SCREEN_CHART = (60, 18)


class ChartHarness(App):
    """One chart filling the terminal, or (size) of the size it has on the Compare screen."""

    def __init__(self, size: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.chart_size = size

    def compose(self):
        chart = CompareLossChart(id="chart", log_scale=True)
        if self.chart_size:
            chart.styles.width, chart.styles.height = self.chart_size
        yield chart


async def chart_times(runs: int, seeds: int, epochs: int, refreshes: int,
                      size: tuple[int, int] | None = None) -> tuple[float, float, float]:
    """Milliseconds to pull the runs into the chart and build it: the first time, and
    the median and best of steady refreshes."""
    app = ChartHarness(size)
    async with app.run_test(size=(120, 40)) as pilot:
        chart = app.query_one(CompareLossChart)
        fakes = fake_runs(runs, epochs + refreshes * 1_250)
        grow(fakes, epochs)
        # As the screen orders them: the curves of a group one after another, a colour per group.
        per_group = runs // seeds // 5
        curves = [(fakes[c:c + seeds], c // seeds // per_group) for c in range(0, runs, seeds)]
        started = time.thread_time()
        chart.show(curves, ["sigmoid", "tanh", "relu", "leaky_relu", "rrelu"])
        chart.render()
        first = time.thread_time() - started
        steady = []
        for _ in range(refreshes):
            grow(fakes, 1_250)
            started = time.thread_time()
            chart.pull()
            chart.render()
            steady.append(time.thread_time() - started)
            await pilot.pause()
        assert chart.size == (size or (120, 40)) and chart.builds > refreshes, (chart.size, chart.builds)
        return first * 1e3, statistics.median(steady) * 1e3, min(steady) * 1e3


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refreshes", type=int, default=20)
    args = parser.parse_args()
    print("one Compare chart (loss, median + band per configuration, 120x40): pull the runs and build")
    for runs, seeds, epochs, size in ((60, 3, 10_000, None), (20, 2, 50_000, None), (60, 3, 10_000, SCREEN_CHART)):
        first, steady, best = await chart_times(runs, seeds, epochs, args.refreshes, size)
        where = "as on the Compare screen at 120x40 ({}x{})".format(*size) if size else "filling 120x40"
        print(f"   {runs} runs ({runs // seeds} curves) of {epochs:>6,} epochs, {where}: first {first:5.1f} ms   "
              f"steady refresh: median {steady:5.1f} ms, best {best:5.1f} ms   (target <= 10 ms)")


if __name__ == "__main__":
    asyncio.run(main())
