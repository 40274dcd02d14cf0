"""MetricsLog: a run's per-epoch numbers in preallocated NumPy arrays.

The training thread appends; readers (the UI, a few times a second) look at the
first `count` rows. Appending writes the row first and bumps `count` last, so a
reader never sees a half-written row. When the arrays fill up they are replaced by
copies twice as large; a reader holding the old arrays still sees valid data.
"""
from __future__ import annotations

import numpy as np

SCALARS = ("epoch", "loss", "test_loss", "accuracy", "test_accuracy", "lr")
PER_LAYER = ("weight_norms", "delta_means", "gradient_norms")
NAN = float("nan")


class MetricsLog:
    """One row per epoch in a single float table; each name is a column or a block of
    columns (one per layer, or per tracked weight)."""

    def __init__(self, layers: int, tracked: int, capacity: int = 1024):
        self.layers, self.n_tracked = layers, tracked
        self.count = 0
        self._where = {}  # name -> column index, or slice of columns
        width = 0
        for name in SCALARS:
            self._where[name] = width
            width += 1
        for name, size in [(name, layers) for name in PER_LAYER] + [("tracked", tracked)]:
            self._where[name] = slice(width, width + size)
            width += size
        self._table = np.full((max(1, capacity), width), np.nan)

    @property
    def capacity(self) -> int:
        return len(self._table)

    def append(self, record) -> None:
        i = self.count
        if i == len(self._table):
            self._grow()
        self._table[i] = [
            record.epoch, record.loss,
            NAN if record.test_loss is None else record.test_loss,
            NAN if record.accuracy is None else record.accuracy,
            NAN if record.test_accuracy is None else record.test_accuracy,
            record.lr,
            *record.weight_norms, *record.delta_means, *record.gradient_norms, *record.tracked,
        ]
        self.count = i + 1  # last: the row is complete before readers can see it

    def _grow(self) -> None:
        bigger = np.full((2 * len(self._table), self._table.shape[1]), np.nan)
        bigger[: len(self._table)] = self._table
        self._table = bigger  # one assignment: readers see the old table or the new, both valid

    def column(self, name: str) -> np.ndarray:
        """The first `count` values of a column (a view; do not write to it)."""
        n = self.count
        return self._table[:n, self._where[name]]

    def last(self, name: str):
        n = self.count
        return None if n == 0 else self._table[n - 1, self._where[name]]

    def to_dict(self) -> dict[str, list]:
        """Plain lists, for JSON export."""
        return {name: self.column(name).tolist() for name in self._where}


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
