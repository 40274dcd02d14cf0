"""A comparison session: many runs of one base configuration, trained together in a
worker thread (engine.sweep.Sweep), steered by one flag.

The Compare screen owns a CompareSession and hands `run()` to a Textual thread
worker, as the Lab does with a TrainingSession (tutor/session.py): the thread trains
every run epoch after epoch and each run's epochs go into its own MetricsLog; it
never waits for the UI. The UI reads the logs, `phase` and the runs' progress a few
times a second. Nothing here imports Textual.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from typing import Callable, Sequence

import engine
from engine.sweep import Sweep, SweepRun
from tutor.session import Phase

# The most epochs all runs together may train in one comparison: every run's log keeps
# every epoch (17 numbers for xor 2-4-1), so 5·10^6 run-epochs are about 700 MB.
MAX_RUN_EPOCHS = 5_000_000


def variations(base: engine.RunConfig, activations: Sequence[str] = (), lrs: Sequence[float] = (),
               seeds: Sequence[int] = ()) -> list[engine.RunConfig]:
    """The base configuration varied over activations x lrs x seeds (an empty list keeps
    the base's value), in that order. Raises engine.ConfigError naming the bad field."""
    configs = [dataclasses.replace(base, activation=activation, lr=lr, seed=seed)
               for activation in (activations or [base.activation])
               for lr in (lrs or [base.lr])
               for seed in (seeds or [base.seed])]
    run_epochs = sum(config.epochs for config in configs)
    if run_epochs > MAX_RUN_EPOCHS:
        raise engine.ConfigError("epochs", f"{len(configs)} runs of {base.epochs:,} epochs are "
                                           f"{run_epochs:,} epochs in all; at most {MAX_RUN_EPOCHS:,}: "
                                           "fewer runs or fewer epochs")
    return configs


class CompareSession:
    """Every run of a comparison, built (so a bad configuration raises before any thread
    starts), trained by run() in a worker thread until done or cancelled."""

    def __init__(self, configs: Sequence[engine.RunConfig]):
        self.sweep = Sweep(configs)
        self.runs: list[SweepRun] = self.sweep.runs
        self.phase = Phase.READY
        self.message = ""                  # why training stopped, if it failed
        self.done = threading.Event()      # set when run() returns
        self.run_seconds = 0.0
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop for good; the thread ends within one epoch."""
        self._cancel.set()

    @property
    def epochs(self) -> int:
        """The longest run's last epoch."""
        return max(run.config.epochs for run in self.runs)

    @property
    def epoch(self) -> int:
        """Epochs trained so far by the runs still going (or by the longest one)."""
        return max(run.epoch for run in self.runs)

    def finished(self, run: SweepRun) -> bool:
        return run.diverged_at is not None or run.epoch >= run.config.epochs

    @property
    def runs_done(self) -> int:
        return sum(self.finished(run) for run in self.runs)

    @property
    def diverged(self) -> int:
        return sum(run.diverged_at is not None for run in self.runs)

    def run(self, should_stop: Callable[[], bool] | None = None) -> Phase:
        """Train every run to its end (or its divergence) unless cancel() or should_stop()
        says stop (checked after each epoch). Returns the final phase."""
        started = time.perf_counter()

        def stop() -> bool:
            return self._cancel.is_set() or (should_stop is not None and should_stop())

        self.phase = Phase.RUNNING
        try:
            self.sweep.run(should_stop=stop)
            self.phase = Phase.CANCELLED if stop() and self.runs_done < len(self.runs) else Phase.FINISHED
        except Exception as error:
            self.message = f"training failed after epoch {self.epoch}: {error}"
            self.phase = Phase.FAILED
            raise
        finally:
            self.run_seconds = time.perf_counter() - started
            self.done.set()
        return self.phase
