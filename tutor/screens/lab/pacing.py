"""How often the Lab redraws while a run trains.

Drawing competes with training for the interpreter, and every redraw of a chart goes
down the wire (a few KB), so the Lab redraws a few times a second, less often when a
redraw costs much, and its slow-changing panels less often than its status line.
"""
from __future__ import annotations

import dataclasses
import time

REFRESH_SECONDS = 0.25          # ~4 Hz
SLOW_LINK_REFRESH_SECONDS = 1.0
UI_BUDGET = 0.10                # share of one core the refresh may use before it slows down


@dataclasses.dataclass(frozen=True)
class RefreshPlan:
    """Seconds between redraws of each group of panels while a run trains.

    Every redraw of a chart resends its whole region (a few KB), so over a slow link
    the panels that change slowly are redrawn seldom."""
    tick: float         # the status line and the loss chart
    charts: float       # the tracked weights and the deltas
    pictures: float     # the diagram, the neuron inspector and the data panel
    activation: float   # f, f' and the z range in use


DEFAULT_PLAN = RefreshPlan(tick=REFRESH_SECONDS, charts=1.0, pictures=0.5, activation=1.0)
SLOW_LINK_PLAN = RefreshPlan(tick=SLOW_LINK_REFRESH_SECONDS, charts=2.0, pictures=5.0, activation=5.0)


class RefreshPacer:
    """Decides when the next refresh is due: every `interval` seconds, or less often if
    refreshing costs more than `budget` of the time (drawing competes with training for
    the interpreter), but never less often than every `4 * interval`."""

    def __init__(self, interval: float, budget: float = UI_BUDGET):
        self.interval = interval
        self.budget = budget
        self.cost = 0.0          # smoothed CPU seconds per refresh
        self.next_due = 0.0

    def due(self, now: float) -> bool:
        return now >= self.next_due

    def run(self, now: float, refresh, painted) -> None:
        """refresh() if it is due, counting what it cost: its CPU time, and (painted(): the
        charts' build seconds so far) what the charts spent painting since the last one.
        Charts build when painted, after refresh() returns, so each refresh counts the
        paint of the one before (the first counts none: the screen's first paint is no
        refresh's cost)."""
        if not self.due(now):
            return
        started = time.thread_time()   # CPU time: time spent waiting for the training thread is free
        before = painted()
        if self._painted is None:
            self._painted = before
        refresh()
        self.spent(time.thread_time() - started + before - self._painted, now)
        self._painted = before

    _painted: float | None = None

    def spent(self, seconds: float, now: float) -> None:
        """A refresh that started at `now` took `seconds` of CPU time."""
        self.cost = seconds if self.cost == 0 else 0.7 * self.cost + 0.3 * seconds
        wait = min(max(self.interval, self.cost / self.budget), 4 * self.interval)
        # Less a little slack, so that a timer firing a hair early still finds it due.
        self.next_due = now + wait - 0.02
