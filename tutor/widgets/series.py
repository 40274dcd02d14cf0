"""Envelope: one column of a MetricsLog, kept small enough to chart at any run length.

A chart is a few dozen columns wide; a run may be a million epochs long. Drawing
every epoch would cost time in proportion to the run, a few times a second. An
Envelope instead keeps, for buckets of `width` consecutive epochs, the epoch and
value of the bucket's minimum and maximum (so a spike in one epoch still shows).
New epochs are folded in as they arrive; when there are more than `max_buckets`
buckets, neighbours merge and the bucket width doubles. Each refresh therefore
costs time in proportion to the new epochs plus `max_buckets`, whatever the run's
length, and engine.decimate then cuts the envelope to two points per chart column.

Values that are not finite (the inf of a diverged loss, the NaN of a missing test
set) are left out: there is nothing to draw for them.
"""
from __future__ import annotations

import numpy as np

import engine


class Envelope:
    """Min/max envelope of y over x = 1, 2, 3, ... (the epoch numbers)."""

    def __init__(self, max_buckets: int = 1024):
        self.max_buckets = max_buckets
        self.width = 1      # epochs per bucket
        self.count = 0      # epochs folded in
        # Closed buckets: for each, (epoch, value) of its minimum and of its maximum.
        self._lo_x = np.empty(0)
        self._lo_y = np.empty(0)
        self._hi_x = np.empty(0)
        self._hi_y = np.empty(0)

    def extend(self, values: np.ndarray) -> None:
        """Fold in the values of the epochs count+1, count+2, ..."""
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            return
        total = self.count + len(values)
        while -(-total // self.width) > self.max_buckets:  # ceil(total / width) buckets
            self._merge_pairs()
        w, first = self.width, self.count + 1  # first: the epoch of values[0]
        # Three parts: the rest of the last bucket if it is partial (its kept extremes
        # join the new epochs), whole buckets, and the start of a new partial bucket.
        head = min(len(values), -self.count % w)
        whole = (len(values) - head) // w * w
        parts = []
        if head:
            pending_x, pending_y = self._pop_last()
            x = np.concatenate([pending_x, np.arange(first, first + head, dtype=np.float64)])
            parts.append(_extremes(x, np.concatenate([pending_y, values[:head]]), 1))
        if whole:
            x = np.arange(first + head, first + head + whole, dtype=np.float64)
            parts.append(_extremes(x, values[head:head + whole], whole // w))
        if head + whole < len(values):
            x = np.arange(first + head + whole, total + 1, dtype=np.float64)
            parts.append(_extremes(x, values[head + whole:], 1))
        for lo_x, lo_y, hi_x, hi_y in parts:
            self._lo_x = np.concatenate([self._lo_x, lo_x])
            self._lo_y = np.concatenate([self._lo_y, lo_y])
            self._hi_x = np.concatenate([self._hi_x, hi_x])
            self._hi_y = np.concatenate([self._hi_y, hi_y])
        self.count = total

    def points(self, max_points: int) -> tuple[np.ndarray, np.ndarray]:
        """The envelope's points in epoch order, cut to about max_points by engine.decimate."""
        x = np.concatenate([self._lo_x, self._hi_x])
        y = np.concatenate([self._lo_y, self._hi_y])
        keep = np.isfinite(y)
        x, y = x[keep], y[keep]
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
        if len(x) > 1:
            distinct = np.concatenate([[True], np.diff(x) > 0])  # a bucket of one epoch has lo = hi
            x, y = x[distinct], y[distinct]
        return engine.decimate(x, y, max_points)

    # ----- internals ----------------------------------------------------------------

    def _pop_last(self) -> tuple[np.ndarray, np.ndarray]:
        """Remove the last bucket; return its two kept points (minimum and maximum).

        Those two are all a partial bucket needs: the extremes of it plus more epochs
        are among them and the new epochs."""
        px = np.array([self._lo_x[-1], self._hi_x[-1]])
        py = np.array([self._lo_y[-1], self._hi_y[-1]])
        self._lo_x, self._lo_y = self._lo_x[:-1], self._lo_y[:-1]
        self._hi_x, self._hi_y = self._hi_x[:-1], self._hi_y[:-1]
        return px, py

    def _merge_pairs(self) -> None:
        """Double the bucket width: bucket 2k and 2k + 1 become one."""
        n = len(self._lo_x)
        if n % 2:  # the odd one out (the last, maybe partial bucket) waits for its pair
            tail = (self._lo_x[-1:], self._lo_y[-1:], self._hi_x[-1:], self._hi_y[-1:])
            n -= 1
        else:
            tail = (np.empty(0),) * 4
        lo_x, lo_y = self._lo_x[:n].reshape(-1, 2), self._lo_y[:n].reshape(-1, 2)
        hi_x, hi_y = self._hi_x[:n].reshape(-1, 2), self._hi_y[:n].reshape(-1, 2)
        rows = np.arange(n // 2)
        lo_pick = np.where(np.isnan(lo_y[:, 0]), 1, np.where(lo_y[:, 1] < lo_y[:, 0], 1, 0))
        hi_pick = np.where(np.isnan(hi_y[:, 0]), 1, np.where(hi_y[:, 1] > hi_y[:, 0], 1, 0))
        self._lo_x = np.concatenate([lo_x[rows, lo_pick], tail[0]])
        self._lo_y = np.concatenate([lo_y[rows, lo_pick], tail[1]])
        self._hi_x = np.concatenate([hi_x[rows, hi_pick], tail[2]])
        self._hi_y = np.concatenate([hi_y[rows, hi_pick], tail[3]])
        self.width *= 2


def _extremes(x: np.ndarray, y: np.ndarray, rows: int):
    """Cut (x, y) into `rows` equal buckets; return the (x, y) of each bucket's minimum
    and maximum, leaving out non-finite values (a bucket with none gives NaN)."""
    finite = np.isfinite(y)
    low = np.where(finite, y, np.inf).reshape(rows, -1)
    high = np.where(finite, y, -np.inf).reshape(rows, -1)
    x, finite = x.reshape(rows, -1), finite.reshape(rows, -1)
    r = np.arange(rows)
    lo, hi = low.argmin(axis=1), high.argmax(axis=1)
    lo_y = np.where(finite[r, lo], low[r, lo], np.nan)
    hi_y = np.where(finite[r, hi], high[r, hi], np.nan)
    return x[r, lo], lo_y, x[r, hi], hi_y
