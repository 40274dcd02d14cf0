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


class CurveSeries:
    """One column of the logs of a set of runs (the seeds of one configuration: SweepRuns
    with .log, .config, .diverged_at), per epoch: the median, min and max over the runs,
    each in its own Envelope.

    An epoch is folded in once every run still training has reached it (a run that
    stopped, finished or diverged, has no value there)."""

    def __init__(self, runs, name: str, column: int | None, color: int):
        self.runs = list(runs)
        self.name, self.column, self.color = name, column, color
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
            self.diverged[i] = (epoch, float(finite[-1]) if len(finite) else np.inf)
            found = True
        return found


class GroupChart(LiveChart):
    """A column of every run's log: per configuration, the median line over its seeds
    and a hatched band from their minimum to their maximum, in its group's colour; an
    x where a run diverged. Values above `ceiling` are drawn on it."""

    source: tuple[str, int | None] = ("loss", None)   # the MetricsLog name, and which column of its block
    heading = "loss"

    def __init__(self, *, log_scale: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_scale = log_scale
        self.curves: list[CurveSeries] = []
        self.groups: list[str] = []      # the legend: group k's label, in colour k
        self.ceiling = np.inf

    def show(self, curves, groups: list[str]) -> None:
        """Chart these curves from epoch 1: (runs, colour index) each; `groups` names the colours."""
        self.curves = [CurveSeries(runs, *self.source, color) for runs, color in curves]
        self.groups = list(groups)
        self.pull()
        self.stale()

    def set_ceiling(self, ceiling: float) -> None:
        if ceiling != self.ceiling:
            self.ceiling = ceiling
            self.stale()

    def pull(self) -> bool:
        """Fold in what the runs trained since the last pull; True if anything changed."""
        changed = False
        for curve in self.curves:
            changed |= curve.pull()
        if changed:
            self.stale()
        return changed

    def set_log_scale(self, log_scale: bool) -> None:
        if log_scale != self.log_scale:
            self.log_scale = log_scale
            self.stale()

    @property
    def epochs(self) -> int:
        return max((curve.count for curve in self.curves), default=0)

    def _y(self, values: np.ndarray) -> np.ndarray:
        """Values as drawn: at most the ceiling, in log10 if the scale says so (positive ones)."""
        values = np.minimum(values, self.ceiling)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(values) if self.log_scale else values

    def _scaled(self, envelope: Envelope) -> tuple[np.ndarray, np.ndarray]:
        x, y = envelope.points(self.points_wanted)
        y = self._y(y)
        keep = np.isfinite(y)
        return x[keep], np.clip(y[keep], -LARGEST, LARGEST)

    def lines(self):
        return [(x, y, curve.color) for curve in self.curves
                for x, y in [self._scaled(curve.median)] if len(x)]

    def bands(self):
        found = []
        for curve in self.curves:
            if len(curve.runs) < 2:
                continue
            low, high = self._scaled(curve.low), self._scaled(curve.high)
            if len(low[0]) and len(high[0]):
                found.append((low, high, curve.color))
        return found

    def draw(self, plt) -> None:
        last = max(self.epochs, 2)
        plt.xlim(1, last)
        plt.xticks(*epoch_ticks(last))
        for curve in self.curves:
            marks = [(epoch, y) for epoch, value in curve.diverged.values()
                     for y in [float(self._y(np.array([value]))[0])] if np.isfinite(y)]
            if marks:
                plt.scatter([float(min(epoch, last)) for epoch, _ in marks], [y for _, y in marks],
                            marker="x", color=plot_color(curve.color))

    def title(self) -> str:
        return f"{'log10 ' if self.log_scale else ''}{self.heading}"

    def legend_labels(self) -> list[str]:
        return list(self.groups)


class CompareLossChart(GroupChart):
    """The training loss of every run (l switches between log10 and linear)."""

    source, heading = ("loss", None), "loss"

    def title(self) -> str:
        return super().title() + (" · median, band min–max · l: linear" if self.log_scale
                                  else " · median, band min–max · l: log10")


class FirstDeltaChart(GroupChart):
    """log10 of the mean |δ¹| of every run: how much error signal reaches the first layer."""

    source, heading = ("delta_means", 0), "mean |δ¹|"

    def title(self) -> str:
        return super().title() + " · s: sharpness"


class SharpnessChart(GroupChart):
    """The sharpness (the loss Hessian's largest eigenvalue, engine/sharpness.py) of every
    run, estimated every few hundred epochs, against the line 2/η of each learning rate:
    gradient descent is stable only below it, and on real nets the sharpness rises to
    it and hovers there (the edge of stability)."""

    source, heading = ("sharpness", None), "sharpness"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.limits: list[tuple[float, int | None]] = []   # (2/η, colour index or None for grey)

    def set_limits(self, limits) -> None:
        self.limits = list(limits)
        self.stale()

    def draw(self, plt) -> None:
        super().draw(plt)
        if not self.epochs:
            return
        for limit, color in self.limits:
            y = float(self._y(np.array([limit]))[0])
            if np.isfinite(y):
                plt.scatter([1.0], [y], marker=" ", color="default")   # room for the line
                plt.horizontal_line(y, color="gray" if color is None else plot_color(color))

    def title(self) -> str:
        return super().title() + " · lines 2/η · s: mean |δ¹|"
