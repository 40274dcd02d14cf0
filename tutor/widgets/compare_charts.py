"""The Compare screen's charts: one curve per configuration (an activation and a
learning rate), the median over its seeds with a min-max band, in the colour of its
group (its activation, or its learning rate).

They follow the Lab's chart pattern (charts.py): the screen calls `pull()` a few times
a second, the chart folds the epochs its runs have all reached into one Envelope of
three series per curve (median, min, max: series.py), so that a redraw costs the same
at any run length, and it builds again only when something changed.
"""
from __future__ import annotations

import numpy as np

from tutor.series import Envelope, epoch_ticks
from tutor.widgets.charts import LARGEST, LiveChart, log10_finite, plot_color


# A chart is at most a few hundred dots wide: 128 buckets (up to 256 points, about two
# per column at 120 columns) per series.
ENVELOPE_BUCKETS = 128


def median_min_max(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over the runs of `block` (..., runs, epochs), per epoch: the median, minimum and
    maximum of the finite values, NaN where there are none. The values not finite
    sort last (as +inf), so the n finite values of an epoch are its first n."""
    finite = np.isfinite(block)
    ordered = sort_runs(np.where(finite, block, np.inf))
    n = np.count_nonzero(finite, axis=-2)[..., None, :]

    def at(i):
        return np.take_along_axis(ordered, np.clip(i, 0, block.shape[-2] - 1), axis=-2)[..., 0, :]

    median = (at((n - 1) // 2) + at(n // 2)) / 2
    low, high = ordered[..., 0, :], at(n - 1)
    none = n[..., 0, :] == 0
    return (np.where(none, np.nan, median), np.where(none, np.nan, low), np.where(none, np.nan, high))


def sort_runs(block: np.ndarray) -> np.ndarray:
    """`block` (..., runs, epochs) sorted along its runs. A comparison has a few seeds per
    configuration, and np.sort along an axis of 3 costs about 0.2 µs per epoch (5 ms a
    refresh for 60 runs): for up to 16 runs, an odd-even transposition sort instead,
    `runs` rounds of np.minimum and np.maximum over whole rows."""
    runs = block.shape[-2]
    if runs > 16:
        return np.sort(block, axis=-2)
    rows = [block[..., r, :] for r in range(runs)]
    for round_ in range(runs):
        for r in range(round_ % 2, runs - 1, 2):
            rows[r], rows[r + 1] = np.minimum(rows[r], rows[r + 1]), np.maximum(rows[r], rows[r + 1])
    return np.stack(rows, axis=-2)


class Curve:
    """The seeds of one configuration (SweepRuns: .log, .config, .diverged_at), drawn in
    colour `color`; `diverged` notes where each diverged run is marked."""

    def __init__(self, runs, color: int):
        self.runs, self.color = list(runs), color
        self.diverged: dict[int, tuple[int, float]] = {}   # run index -> (epoch, last finite value)


class GroupChart(LiveChart):
    """A column of every run's log: per configuration (a Curve), the median line over its
    seeds and a hatched band from their minimum to their maximum, in its group's colour;
    an x where a run diverged. Values above `ceiling` are drawn on it.

    An epoch is folded in once every run still training has reached it (a run that
    stopped, finished or diverged, has no value there). Every curve's median, minimum
    and maximum go into one Envelope of 3 series per curve: one NumPy call folds them all."""

    source: tuple[str, int | None] = ("loss", None)   # the MetricsLog name, and which column of its block
    heading = "loss"

    def __init__(self, *, log_scale: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_scale = log_scale
        self.curves: list[Curve] = []
        self.groups: list[str] = []      # the legend: group k's label, in colour k
        self.ceiling = np.inf
        self.envelope = Envelope(ENVELOPE_BUCKETS, series=0)

    def show(self, curves, groups: list[str]) -> None:
        """Chart these curves from epoch 1: (runs, colour index) each; `groups` names the colours."""
        self.curves = [Curve(runs, color) for runs, color in curves]
        self.groups = list(groups)
        self.envelope = Envelope(ENVELOPE_BUCKETS, series=3 * len(self.curves))
        self.pull()
        self.stale()

    def set_ceiling(self, ceiling: float) -> None:
        if ceiling != self.ceiling:
            self.ceiling = ceiling
            self.stale()

    def pull(self) -> bool:
        """Fold in what the runs trained since the last pull; True if anything changed."""
        runs = [run for curve in self.curves for run in curve.runs]
        if not runs:
            return False
        changed = self._mark_divergences()
        # Whether each run stopped, before the counts: a run seen going is read at its count.
        stopped = [run.diverged_at is not None or run.log.count >= run.config.epochs for run in runs]
        counts = [run.log.count for run in runs]
        going = [count for count, done in zip(counts, stopped) if not done]
        stop = min(going) if going else max(counts)
        start = self.envelope.count
        if stop <= start:
            return changed
        if self.size.width:   # laid out: as many buckets as the chart shows points, no more
            self.envelope.fit(max(16, self.points_wanted // 2))
        name, column = self.source
        block = np.full((len(runs), stop - start), np.nan)
        for i, run in enumerate(runs):
            first, values = run.log.rows(name, start, stop)
            block[i, first - start:first - start + len(values)] = values if column is None else values[:, column]
        self.envelope.extend(np.concatenate(self._statistics(block)))
        self.stale()
        return True

    def _statistics(self, block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each curve's median, min and max over its runs' rows of `block` (curves × epochs
        each), curves of the same number of seeds in one call."""
        sizes = [len(curve.runs) for curve in self.curves]
        starts = np.cumsum([0] + sizes[:-1])
        out = [np.empty((len(self.curves), block.shape[1])) for _ in range(3)]
        for size in set(sizes):
            which = [k for k, s in enumerate(sizes) if s == size]
            rows = np.concatenate([np.arange(starts[k], starts[k] + size) for k in which])
            for target, values in zip(out, median_min_max(block[rows].reshape(len(which), size, -1))):
                target[which] = values
        return out

    def _mark_divergences(self) -> bool:
        """Note each newly diverged run's epoch and its last finite value (where to mark it)."""
        found = False
        name, column = self.source
        for curve in self.curves:
            for i, run in enumerate(curve.runs):
                epoch = run.diverged_at
                if epoch is None or i in curve.diverged or run.log.count < epoch:
                    continue
                _, values = run.log.rows(name, max(0, epoch - 2), epoch)
                values = values if column is None else values[:, column]
                finite = values[np.isfinite(values)]
                curve.diverged[i] = (epoch, float(finite[-1]) if len(finite) else np.inf)
                found = True
        return found

    @property
    def epochs(self) -> int:
        return self.envelope.count

    def _y(self, values: np.ndarray) -> np.ndarray:
        """Values as drawn: at most the ceiling, in log10 if the scale says so (positive ones)."""
        values = np.minimum(values, self.ceiling)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(values) if self.log_scale else values

    def _scaled(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Every envelope series as drawn (curve k's median is series k, its minimum
        k + curves, its maximum k + 2·curves), for this build."""
        key = (self._version, self.size, self.log_scale)
        if self._scaled_key != key:
            self._scaled_key, self._scaled_series = key, []
            for x, y in self.envelope.all_points(self.points_wanted):
                y = self._y(y)
                keep = np.isfinite(y)
                self._scaled_series.append((x[keep], np.clip(y[keep], -LARGEST, LARGEST)))
        return self._scaled_series

    _scaled_key: tuple | None = None

    def lines(self):
        return [(x, y, curve.color) for curve, (x, y) in zip(self.curves, self._scaled()) if len(x)]

    def bands(self):
        found = []
        count, series = len(self.curves), self._scaled()
        for k, curve in enumerate(self.curves):
            if len(curve.runs) < 2:
                continue
            low, high = series[k + count], series[k + 2 * count]
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
