"""A comparison session: an engine.compare.Comparison (many runs of one base
configuration, trained together as one engine.sweep.Sweep) in a worker thread,
steered by one flag.

The Compare screen owns a CompareSession and hands `run()` to a Textual thread
worker, as the Lab does with a TrainingSession (tutor/session.py): the thread trains
every run epoch after epoch, each run's epochs going into its own MetricsLog; it
never waits for the UI. The UI reads the logs, the comparison's table and summary,
and `phase` a few times a second. Nothing here imports Textual.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from engine.compare import COMPARE_SHARPNESS_EVERY, Comparison
from tutor.session import Phase

# Shorter runs than 10 × COMPARE_SHARPNESS_EVERY epochs still get this many estimates
# each (more time in the estimates, but little in all: a run that short is quick).
SHARPNESS_ESTIMATES = 10


def sharpness_every(epochs: int) -> int:
    """The epochs between two sharpness estimates for runs of this length: every
    COMPARE_SHARPNESS_EVERY (1,000; measured for 30 xor runs of 10,000 epochs: 5.7 s
    without estimates, 6.9 s with), or often enough for SHARPNESS_ESTIMATES of them."""
    return max(1, min(COMPARE_SHARPNESS_EVERY, epochs // SHARPNESS_ESTIMATES))


class CompareSession:
    """A comparison (built, untrained) and its training thread's state: run() trains it
    until done or cancelled."""

    def __init__(self, comparison: Comparison):
        self.comparison = comparison
        self.runs = comparison.runs
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
        """Epochs trained so far (by the runs that went furthest)."""
        return max(run.epoch for run in self.runs)

    @property
    def runs_done(self) -> int:
        return self.comparison.done

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
            self.comparison.run(should_stop=stop)
            finished = all(run.diverged_at is not None or run.epoch >= run.config.epochs for run in self.runs)
            self.phase = Phase.FINISHED if finished else Phase.CANCELLED
        except Exception as error:
            self.message = f"training failed after epoch {self.epoch}: {error}"
            self.phase = Phase.FAILED
            raise
        finally:
            self.run_seconds = time.perf_counter() - started
            self.done.set()
        return self.phase
