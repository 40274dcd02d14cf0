"""Chart series: a run's columns cut to what a chart of a few dozen columns can show.

Used by the Lab's charts (tutor/widgets/charts.py) and by `tutor train`'s table and
plot (tutor/commands/train.py). The engine keeps the numbers (engine.MetricsLog);
cutting them for a chart is this module's job.

Envelope: one column of a MetricsLog, kept small enough to chart at any run length.

A chart is a few dozen columns wide; a run may be a million epochs long. Drawing
every epoch would cost time in proportion to the run, a few times a second. An
Envelope instead keeps, for buckets of `width` consecutive epochs, the epoch and
value of the bucket's minimum and maximum (so a spike in one epoch still shows).
New epochs are folded in as they arrive; when there are more than `max_buckets`
buckets, neighbours merge and the bucket width doubles. Each refresh therefore
costs time in proportion to the new epochs plus `max_buckets`, whatever the run's
length, and decimate() then cuts the envelope to two points per chart column.

Values that are not finite (the inf of a diverged loss, the NaN of a missing test
set) are left out: there is nothing to draw for them.
"""
from __future__ import annotations

import math

import numpy as np


class Envelope:
    """Min/max envelope of y over x = 1, 2, 3, ... (the epoch numbers).

    With `series=K`, K series over the same epochs at once, values given as (K, n):
    the same buckets, each series' own extremes, one NumPy call for all of them (the
    Compare screen's charts fold dozens of series every refresh)."""

    def __init__(self, max_buckets: int = 1024, series: int | None = None):
        self.max_buckets = max_buckets
        self.width = 1      # epochs per bucket
        self.count = 0      # epochs folded in
        # Closed buckets: for each, (epoch, value) of its minimum and of its maximum;
        # arrays of shape (buckets,), or (series, buckets).
        lead = () if series is None else (series,)
        self._lo_x = np.empty(lead + (0,))
        self._lo_y = np.empty(lead + (0,))
        self._hi_x = np.empty(lead + (0,))
        self._hi_y = np.empty(lead + (0,))

    def extend(self, values: np.ndarray) -> None:
        """Fold in the values of the epochs count+1, count+2, ... (shape (n,), or (series, n))."""
        values = np.asarray(values, dtype=np.float64)
        n = values.shape[-1]
        if n == 0:
            return
        total = self.count + n
        while -(-total // self.width) > self.max_buckets:  # ceil(total / width) buckets
            self._merge_pairs()
        w, first = self.width, self.count + 1  # first: the epoch of values[..., 0]
        # Three parts: the rest of the last bucket if it is partial (its kept extremes
        # join the new epochs), whole buckets, and the start of a new partial bucket.
        head = min(n, -self.count % w)
        whole = (n - head) // w * w
        parts = []
        if head:
            parts.append(self._refold_last(first, values[..., :head]))
        if whole:
            parts.append(_extremes(first + head, values[..., head:head + whole], whole // w))
        if head + whole < n:
            parts.append(_extremes(first + head + whole, values[..., head + whole:], 1))
        for lo_x, lo_y, hi_x, hi_y in parts:
            self._lo_x = np.concatenate([self._lo_x, lo_x], axis=-1)
            self._lo_y = np.concatenate([self._lo_y, lo_y], axis=-1)
            self._hi_x = np.concatenate([self._hi_x, hi_x], axis=-1)
            self._hi_y = np.concatenate([self._hi_y, hi_y], axis=-1)
        self.count = total

    def points(self, max_points: int, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The envelope's points in epoch order (of series k, with `series`), cut to about
        max_points by decimate()."""
        pick = (lambda a: a) if k is None else (lambda a: a[k])
        x = np.concatenate([pick(self._lo_x), pick(self._hi_x)])
        y = np.concatenate([pick(self._lo_y), pick(self._hi_y)])
        keep = np.isfinite(y)
        x, y = x[keep], y[keep]
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
        if len(x) > 1:
            distinct = np.concatenate([[True], np.diff(x) > 0])  # a bucket of one epoch has lo = hi
            x, y = x[distinct], y[distinct]
        return decimate(x, y, max_points)

    def fit(self, max_buckets: int) -> None:
        """Keep at most `max_buckets` buckets from now on (merging neighbours now if there
        are more), so that a narrow chart's points need no decimate()."""
        self.max_buckets = max_buckets
        while -(-self.count // self.width) > max_buckets:
            self._merge_pairs()

    def all_points(self, max_points: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """points(max_points, k) of every series k (with `series`), sorted in one call."""
        x = np.concatenate([self._lo_x, self._hi_x], axis=-1)
        y = np.concatenate([self._lo_y, self._hi_y], axis=-1)
        order = np.argsort(x, axis=-1, kind="stable")
        x, y = np.take_along_axis(x, order, axis=-1), np.take_along_axis(y, order, axis=-1)
        # A bucket of one epoch has lo = hi: once (both share the value, finite or not).
        keep = np.isfinite(y) & np.concatenate([np.ones(x.shape[:-1] + (1,), bool), np.diff(x) > 0], axis=-1)
        return [decimate(x[k][keep[k]], y[k][keep[k]], max_points) for k in range(len(x))]

    # ----- internals ----------------------------------------------------------------

    def _refold_last(self, first: int, values: np.ndarray):
        """Remove the last, partial bucket and return it with `values` (the epochs
        first, first+1, ...) folded in.

        Its two kept points (minimum and maximum) are all it needs: the extremes of
        it plus more epochs are among them and the new epochs."""
        epochs = np.arange(first, first + values.shape[-1], dtype=np.float64)
        x = np.concatenate([self._lo_x[..., -1:], self._hi_x[..., -1:],
                            np.broadcast_to(epochs, values.shape)], axis=-1)
        y = np.concatenate([self._lo_y[..., -1:], self._hi_y[..., -1:], values], axis=-1)
        self._lo_x, self._lo_y = self._lo_x[..., :-1], self._lo_y[..., :-1]
        self._hi_x, self._hi_y = self._hi_x[..., :-1], self._hi_y[..., :-1]
        lo, lo_y, hi, hi_y = _extremes(0, y, 1)   # positions in x, counted from 0
        return (np.take_along_axis(x, lo.astype(int), axis=-1), lo_y,
                np.take_along_axis(x, hi.astype(int), axis=-1), hi_y)

    def _merge_pairs(self) -> None:
        """Double the bucket width: bucket 2k and 2k + 1 become one."""
        n = self._lo_x.shape[-1]
        lead = self._lo_x.shape[:-1]
        if n % 2:  # the odd one out (the last, maybe partial bucket) waits for its pair
            tail = (self._lo_x[..., -1:], self._lo_y[..., -1:], self._hi_x[..., -1:], self._hi_y[..., -1:])
            n -= 1
        else:
            tail = (np.empty(lead + (0,)),) * 4
        lo_x, lo_y = self._lo_x[..., :n].reshape(lead + (-1, 2)), self._lo_y[..., :n].reshape(lead + (-1, 2))
        hi_x, hi_y = self._hi_x[..., :n].reshape(lead + (-1, 2)), self._hi_y[..., :n].reshape(lead + (-1, 2))
        lo_pick = np.where(np.isnan(lo_y[..., 0]), 1, np.where(lo_y[..., 1] < lo_y[..., 0], 1, 0))[..., None]
        hi_pick = np.where(np.isnan(hi_y[..., 0]), 1, np.where(hi_y[..., 1] > hi_y[..., 0], 1, 0))[..., None]

        def picked(pairs, pick):
            return np.take_along_axis(pairs, pick, axis=-1)[..., 0]

        self._lo_x = np.concatenate([picked(lo_x, lo_pick), tail[0]], axis=-1)
        self._lo_y = np.concatenate([picked(lo_y, lo_pick), tail[1]], axis=-1)
        self._hi_x = np.concatenate([picked(hi_x, hi_pick), tail[2]], axis=-1)
        self._hi_y = np.concatenate([picked(hi_y, hi_pick), tail[3]], axis=-1)
        self.width *= 2


def decimate(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most about `max_points` points that keep the shape of y: the minimum and
    maximum of each bucket, so spikes survive (two points per chart column when
    max_points is twice the width)."""
    n = len(x)
    if n <= max_points:
        return x, y
    buckets = max(1, max_points // 2)
    edges = np.linspace(0, n, buckets + 1).astype(np.int64)
    starts, ends = edges[:-1], edges[1:]
    # One row per bucket, as wide as the widest bucket; narrower buckets repeat their
    # last point, which changes neither their minimum nor their maximum.
    idx = np.minimum(starts[:, None] + np.arange(np.diff(edges).max())[None, :], ends[:, None] - 1)
    block = y[idx]
    with np.errstate(invalid="ignore"):
        lo = np.nanargmin(np.where(np.isnan(block), np.inf, block), axis=1)
        hi = np.nanargmax(np.where(np.isnan(block), -np.inf, block), axis=1)
    rows = np.arange(buckets)
    # Each bucket's two picks in order; buckets are in order already. (Not np.unique:
    # its first call imports numpy.ma, 50 ms, on the UI thread's first chart.)
    picks = np.sort(np.stack([idx[rows, lo], idx[rows, hi]], axis=1), axis=1).ravel()
    picks = picks[np.concatenate([[True], np.diff(picks) > 0])]   # lo = hi: once
    return x[picks], y[picks]


def _extremes(first: int, y: np.ndarray, rows: int):
    """Cut y, the values of the epochs first, first+1, ... (along its last axis), into
    `rows` equal buckets; return the (epoch, value) of each bucket's minimum and maximum,
    leaving out non-finite values (a bucket with none gives NaN)."""
    width = y.shape[-1] // rows
    finite = np.isfinite(y)
    shape = y.shape[:-1] + (rows, width)
    if finite.all():   # the usual case: no copies of y needed
        low = high = y.reshape(shape)
    else:
        low = np.where(finite, y, np.inf).reshape(shape)
        high = np.where(finite, y, -np.inf).reshape(shape)
    lo, hi = low.argmin(axis=-1), high.argmax(axis=-1)
    lo_y = np.take_along_axis(low, lo[..., None], axis=-1)[..., 0]
    hi_y = np.take_along_axis(high, hi[..., None], axis=-1)[..., 0]
    lo_y[~np.isfinite(lo_y)] = np.nan
    hi_y[~np.isfinite(hi_y)] = np.nan
    start = first + np.arange(rows) * width          # the epoch of each bucket's first value
    return (start + lo).astype(np.float64), lo_y, (start + hi).astype(np.float64), hi_y


def epoch_ticks(last: float, count: int = 4) -> tuple[list[float], list[str]]:
    """Round epoch numbers for the x axis: 1, 250, 500, ... or 1, 100k, 200k, ..."""
    if last <= 1:
        return [1.0], ["1"]
    raw = (last - 1) / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [1.0] + [k * step for k in range(1, count + 2) if k * step <= last]
    return ticks, [_short(t) for t in ticks]


def _short(n: float) -> str:
    """12000 -> '12k', 1500000 -> '1.5M'."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:g}{suffix}"
    return f"{n:g}"
