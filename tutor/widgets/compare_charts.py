"""The Compare screen's charts: one colour per group of runs (an activation, a learning
rate), each group as the median over its runs (its seeds) with a min-max band.

They follow the Lab's chart pattern (charts.py): the screen calls `pull()` a few times
a second, each group folds the epochs its runs have all reached into three Envelopes
(median, min, max: series.py), so that a redraw costs the same at any run length, and
the chart builds again only when something changed.
"""
from __future__ import annotations

import numpy as np

from tutor.series import Envelope, epoch_ticks
from tutor.widgets.charts import LARGEST, LiveChart, log10_finite, plot_color


def median_min_max(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of `block` (runs, epochs): the median, minimum and maximum of its finite
    values, NaN where it has none (no warnings: NaN sorts last, so each column's n finite
    values are its first n)."""
    block = np.where(np.isfinite(block), block, np.nan)
    ordered = np.sort(block, axis=0)
    n = np.count_nonzero(np.isfinite(block), axis=0)
    columns = np.arange(block.shape[1])
    lower_middle, upper_middle = np.maximum(n - 1, 0) // 2, n // 2
    median = (ordered[lower_middle, columns] + ordered[np.minimum(upper_middle, len(block) - 1), columns]) / 2
    low, high = ordered[0], ordered[np.maximum(n - 1, 0), columns]
    none = n == 0
    median[none] = low[none] = high[none] = np.nan
    return median, low, high


class GroupSeries:
    """One column of the logs of a group of runs (SweepRuns: .log, .config, .diverged_at),
    per epoch: the median, min and max over the runs, each in its own Envelope.

    An epoch is folded in once every run still training has reached it (a run that
    stopped, finished or diverged, has no value there)."""

    def __init__(self, label: str, runs, name: str, column: int | None):
        self.label, self.runs = label, list(runs)
        self.name, self.column = name, column
        self.median, self.low, self.high = Envelope(), Envelope(), Envelope()
        self.diverged: dict[int, tuple[int, float]] = {}   # run index -> (epoch, last finite value)

    @property
    def count(self) -> int:
        return self.median.count

    def pull(self) -> bool:
        """Fold in the epochs every training run has reached since the last pull."""
        # Whether each run stopped, before the counts: a run seen going is read at its count.
        stopped = [run.diverged_at is not None or run.log.count >= run.config.epochs for run in self.runs]
        counts = [run.log.count for run in self.runs]
        going = [count for count, done in zip(counts, stopped) if not done]
        stop = min(going) if going else max(counts)
        start = self.count
        changed = self._mark_divergences()
        if stop <= start:
            return changed
        block = np.full((len(self.runs), stop - start), np.nan)
        for i, run in enumerate(self.runs):
            first, values = run.log.rows(self.name, start, stop)
            if self.column is not None:
                values = values[:, self.column]
            block[i, first - start:first - start + len(values)] = values
        for envelope, values in zip((self.median, self.low, self.high), median_min_max(block)):
            envelope.extend(values)
        return True

    def _mark_divergences(self) -> bool:
        """Note each newly diverged run's epoch and its last finite value (where to mark it)."""
        found = False
        for i, run in enumerate(self.runs):
            epoch = run.diverged_at
            if epoch is None or i in self.diverged or run.log.count < epoch:
                continue
            _, values = run.log.rows(self.name, max(0, epoch - 2), epoch)
            if self.column is not None:
                values = values[:, self.column]
            finite = values[np.isfinite(values)]
            self.diverged[i] = (epoch, float(finite[-1]) if len(finite) else np.nan)
            found = True
        return found


class GroupChart(LiveChart):
    """A column of every run's log, one colour per group: the median line over the
    group's runs, a hatched band from their minimum to their maximum, and an x where a
    run diverged."""

    source: tuple[str, int | None] = ("loss", None)   # the MetricsLog name, and which column of its block
    heading = "loss"

    def __init__(self, *, log_scale: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_scale = log_scale
        self.groups: list[GroupSeries] = []

    def show_groups(self, groups) -> None:
        """Chart these groups from epoch 1: (label, runs) each, in colour order."""
        self.groups = [GroupSeries(label, runs, *self.source) for label, runs in groups]
        self.pull()
        self.stale()

    def pull(self) -> bool:
        """Fold in what the runs trained since the last pull; True if anything changed."""
        changed = False
        for group in self.groups:
            changed |= group.pull()
        if changed:
            self.stale()
        return changed

    def set_log_scale(self, log_scale: bool) -> None:
        if log_scale != self.log_scale:
            self.log_scale = log_scale
            self.stale()

    @property
    def epochs(self) -> int:
        return max((group.count for group in self.groups), default=0)

    def _scaled(self, envelope: Envelope) -> tuple[np.ndarray, np.ndarray]:
        x, y = envelope.points(self.points_wanted)
        if self.log_scale:
            keep, y = log10_finite(y)
            x = x[keep]
        return x, np.clip(y, -LARGEST, LARGEST)

    def lines(self):
        return [(x, y, k) for k, group in enumerate(self.groups)
                for x, y in [self._scaled(group.median)] if len(x)]

    def bands(self):
        found = []
        for k, group in enumerate(self.groups):
            if len(group.runs) < 2:
                continue
            low, high = self._scaled(group.low), self._scaled(group.high)
            if len(low[0]) and len(high[0]):
                found.append((low, high, k))
        return found

    def draw(self, plt) -> None:
        last = max(self.epochs, 2)
        plt.xlim(1, last)
        plt.xticks(*epoch_ticks(last))
        for k, group in enumerate(self.groups):
            marks = [(epoch, value) for epoch, value in group.diverged.values()
                     if np.isfinite(value) and (value > 0 or not self.log_scale)]
            if marks:
                x = [float(min(epoch, last)) for epoch, _ in marks]
                y = [float(np.log10(value)) if self.log_scale else float(np.clip(value, -LARGEST, LARGEST))
                     for _, value in marks]
                plt.scatter(x, y, marker="x", color=plot_color(k))

    def title(self) -> str:
        return f"{'log10 ' if self.log_scale else ''}{self.heading}"

    def legend_labels(self) -> list[str]:
        return [group.label for group in self.groups]


class CompareLossChart(GroupChart):
    """The training loss of every run (l switches between log10 and linear)."""

    source, heading = ("loss", None), "loss"

    def title(self) -> str:
        return super().title() + (" · median, band min–max · l: linear" if self.log_scale
                                  else " · median, band min–max · l: log10")


class FirstDeltaChart(GroupChart):
    """log10 of the mean |δ¹| of every run: how much error signal reaches the first layer."""

    source, heading = ("delta_means", 0), "mean |δ¹|"
