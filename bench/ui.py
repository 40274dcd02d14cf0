"""The Lab's speed, measured headless (App.run_test) in one run on this machine.

    python bench/ui.py [--epochs N] [--repeat N]

1. Training throughput with the Lab on screen (120x36, every chart live; the Lab's run
   estimates the sharpness every 100 epochs, the headless one does not) / the same run
   headless (engine.Trainer.run with a MetricsLog); also with the epoch table (t) shown
   instead of the panels.                                                      Target >= 0.80.
2. Time to bring one chart (the loss, train and test, 120x40) up to date and build it,
   for a run of 1,000 and of 1,000,000 epochs (a MetricsLog filled synthetically):
   the first build (every epoch folded in) and a steady refresh (2,500 new epochs,
   about what arrives between two refreshes). CPU time of the UI thread, so that
   other processes on the machine do not count.                               Target <= 10 ms.
3. A key press (space: pause) while training runs: time until the status line says so.
                                                                               Target <= 100 ms.
Throughput is the best of --repeat runs of each kind, to keep out noise from other
processes on the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
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

from tutor.app import TutorApp  # noqa: E402
from tutor.screens.lab import LabScreen  # noqa: E402
from tutor.session import Phase  # noqa: E402
from tutor.widgets.charts import LossChart  # noqa: E402

RUNS = {
    "xor 2-4-1": dict(dataset="xor", layers="2,4,1"),
    "circle 2-8-8-1": dict(dataset="circle", layers="2,8,8,1", test_share=0.2),
}


class LabHarness(App):
    """Just the Lab, as `tutor lab --start` shows it (with the app's CSS, which lays it out)."""

    CSS_PATH = TutorApp.CSS_PATH

    def __init__(self, config: engine.RunConfig, start: bool = True) -> None:
        super().__init__()
        self.config, self.start_run = config, start

    def on_mount(self) -> None:
        self.push_screen(LabScreen(self.config, self.start_run))


# ----- 1. throughput ------------------------------------------------------------

def headless_rate(config: engine.RunConfig) -> float:
    """Epochs per second of Trainer.run with a MetricsLog, no UI."""
    net, trainer, _ = config.build()
    log = engine.MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    started = time.perf_counter()
    trainer.run(config.epochs, log=log)
    return config.epochs / (time.perf_counter() - started)


async def lab_rate(config: engine.RunConfig, settle: float = 1.0, window: float = 3.0,
                   table: bool = False) -> tuple[float, int]:
    """Epochs per second in the Lab once it is up (the first `settle` seconds, when the
    screen is being laid out, are left out), over `window` seconds; and how many chart
    builds happened in that window. table: with the epoch table shown (t)."""
    app = LabHarness(dataclasses.replace(config, epochs=10**8))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        if table:
            await pilot.pause()
            screen.action_toggle_table()
        await asyncio.sleep(settle)       # plain sleeps: the bench must not busy the UI itself
        builds = sum(w.builds for w in screen.query("LiveChart, BoundaryMap"))
        count, started = screen.session.log.count, time.perf_counter()
        await asyncio.sleep(window)
        rate = (screen.session.log.count - count) / (time.perf_counter() - started)
        builds = sum(w.builds for w in screen.query("LiveChart, BoundaryMap")) - builds
        screen.session.cancel()
        await pilot.pause()
        return rate, builds


# ----- 2. one chart ---------------------------------------------------------------

def synthetic_log(epochs: int) -> engine.MetricsLog:
    """A MetricsLog holding `epochs` epochs of a falling, noisy loss."""
    log = engine.MetricsLog(layers=2, tracked=4, capacity=epochs + 100_000)
    grow(log, epochs)
    return log


def grow(log: engine.MetricsLog, epochs: int) -> None:
    """Append `epochs` synthetic records."""
    rng = np.random.default_rng(log.count)
    start = log.count + 1
    noise = 1 + 0.1 * rng.random((epochs, 2))
    for k in range(epochs):
        t = start + k
        log.append(SimpleNamespace(
            epoch=t, loss=0.7 / math.sqrt(t) * noise[k, 0], test_loss=0.8 / math.sqrt(t) * noise[k, 1],
            accuracy=None, test_accuracy=None, lr=0.5, weight_norms=(1.0, 1.0),
            delta_means=(0.1, 0.01), gradient_norms=(0.1, 0.1), tracked=(0.1, 0.2, 0.3, 0.4)))


class ChartHarness(App):
    def compose(self):
        yield LossChart(id="chart", log_scale=True)


async def chart_times(epochs: int, refreshes: int = 20) -> tuple[float, float, float]:
    """Milliseconds to pull the log into the chart and build it: the first time, and
    the median and best of steady refreshes."""
    app = ChartHarness()
    async with app.run_test(size=(120, 40)) as pilot:
        chart = app.query_one(LossChart)
        log = synthetic_log(epochs)
        started = time.thread_time()
        chart.pull(log)
        chart.render()
        first = time.thread_time() - started
        steady = []
        for _ in range(refreshes):
            grow(log, 2_500)
            started = time.thread_time()
            chart.pull(log)
            chart.render()
            steady.append(time.thread_time() - started)
            await pilot.pause()
        assert chart.size.width >= 110, chart.size
        return first * 1e3, statistics.median(steady) * 1e3, min(steady) * 1e3


# ----- 3. a key press ----------------------------------------------------------------

async def key_latency(presses: int = 10) -> list[float]:
    config = engine.RunConfig.from_mapping(dict(dataset="circle", layers="2,8,8,1", epochs=10**7))
    app = LabHarness(config)
    delays = []
    async with app.run_test(size=(120, 36)):
        screen = app.screen
        status = screen.query_one("#status")
        await asyncio.sleep(1.0)
        for k in range(presses):
            words, phase = ("paused ·", Phase.PAUSED) if k % 2 == 0 else ("running ·", Phase.RUNNING)
            started = time.perf_counter()
            app.simulate_key("space")   # as a terminal would send it (pilot.press also waits for every widget)
            while words not in str(status.render()) or screen.session.phase is not phase:
                await asyncio.sleep(0.001)
            delays.append((time.perf_counter() - started) * 1e3)
            await asyncio.sleep(0.3)
        screen.session.cancel()
    return delays


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20_000, help="epochs of each headless run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print("1. training throughput, Lab on screen (120x36, all charts live) / headless")
    for name, settings, table in [(name, settings, False) for name, settings in RUNS.items()] + [
            ("xor, table (t)", RUNS["xor 2-4-1"], True)]:
        config = engine.RunConfig.from_mapping(dict(settings, epochs=args.epochs))
        headless, lab, builds = 0.0, 0.0, 0
        for _ in range(args.repeat):   # alternate, so that both see the same machine
            headless = max(headless, headless_rate(config))
            rate, charts = await lab_rate(config, table=table)
            if rate > lab:
                lab, builds = rate, charts
        print(f"   {name:16} headless {headless:8,.0f} epochs/s   Lab {lab:8,.0f} epochs/s "
              f"({builds} chart builds in 3 s)   ratio {lab / headless:.2f}   (target >= 0.80)")

    print("2. one chart (loss, train + test, 120x40): pull the log and build")
    for epochs in (1_000, 1_000_000):
        first, steady, best = await chart_times(epochs)
        print(f"   {epochs:>9,} epochs: first {first:6.1f} ms   steady refresh: median {steady:5.1f} ms, "
              f"best {best:5.1f} ms   (target <= 10 ms)")

    print("3. space (pause/resume) while training: until the status line shows it")
    delays = await key_latency()
    print(f"   median {statistics.median(delays):.1f} ms   max {max(delays):.1f} ms   (target <= 100 ms)")


if __name__ == "__main__":
    asyncio.run(main())
