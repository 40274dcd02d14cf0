"""MetricsLog: a run's per-epoch numbers in preallocated NumPy arrays.

The training thread appends; readers (the UI, a few times a second) look at the rows
appended so far. Appending writes the row first and bumps `count` last, so a reader
never sees a half-written row. When the table fills up it is replaced by a new one
(twice as large, or, with `keep`, holding just the last rows); a reader holding the
old table still sees valid data, since nothing writes to it again.
"""
from __future__ import annotations

import numpy as np

# sharpness is NaN on the epochs without an estimate (Trainer's sharpness_every);
# penalty is the regularisation penalty P (0 without regularisation).
SCALARS = ("epoch", "loss", "test_loss", "accuracy", "test_accuracy", "lr", "sharpness", "penalty")
PER_LAYER = ("weight_norms", "delta_means", "gradient_norms")
NAN = float("nan")


class MetricsLog:
    """One row per epoch in a single float table; each name is a column or a block of
    columns (one per layer, or per tracked weight).

    Rows are numbered 0, 1, 2, ... in the order they were appended. By default every
    row is kept. With keep=N only the last N or more are (at most 2N): memory stays
    bounded however long the run, for readers that follow the run as it goes, as the
    Lab's charts do; `first` is then the number of the oldest row kept.

    The table is stored column by column, so that a column's values sit together:
    reading the loss of a million epochs reads 8 MB, not the whole table.
    """

    def __init__(self, layers: int, tracked: int, capacity: int = 1024, keep: int | None = None):
        self.layers, self.n_tracked = layers, tracked
        self.keep = keep
        self.count = 0
        self._where = {}  # name -> column index, or slice of columns
        width = 0
        for name in SCALARS:
            self._where[name] = width
            width += 1
        for name, size in [(name, layers) for name in PER_LAYER] + [("tracked", tracked)]:
            self._where[name] = slice(width, width + size)
            width += size
        capacity = max(1, capacity if keep is None else min(capacity, 2 * keep))
        # Rows not yet appended are never read, so the table need not be filled.
        self._table, self._first = np.empty((width, capacity)), 0   # the writer's
        self._capacity = capacity
        # Readers' copy: (table, number of its first row), swapped in one assignment so
        # that a reader never pairs one table with the other's first row.
        self._store = (self._table, self._first)

    @property
    def capacity(self) -> int:
        return self._store[0].shape[1]

    @property
    def first(self) -> int:
        """The number of the oldest row kept (0 unless `keep` let older rows go)."""
        return self._store[1]

    def append(self, record) -> None:
        # A record from before the sharpness existed (or a stand-in without it) has none.
        sharpness = getattr(record, "sharpness", None)
        self.append_row([
            record.epoch, record.loss,
            NAN if record.test_loss is None else record.test_loss,
            NAN if record.accuracy is None else record.accuracy,
            NAN if record.test_accuracy is None else record.test_accuracy,
            record.lr,
            NAN if sharpness is None else sharpness,
            getattr(record, "penalty", 0.0),
            *record.weight_norms, *record.delta_means, *record.gradient_norms, *record.tracked,
        ])

    def append_row(self, values) -> None:
        """Append one row given as its values, in the order of the columns."""
        i = self.count - self._first   # where the row goes in the table
        if i == self._capacity:
            i = self._make_room()
        self._table[:, i] = values
        self.count += 1  # last: the row is complete before readers can see it

    def _make_room(self) -> int:
        """A new table: twice as large, or (with keep, at 2·keep rows) the last keep rows.
        Returns where the next row goes in it."""
        table, rows = self._table, self.count - self._first
        if self.keep is None or rows < 2 * self.keep:
            capacity = 2 * rows if self.keep is None else min(2 * rows, 2 * self.keep)
            self._table = np.empty((table.shape[0], capacity))
            self._table[:, :rows] = table
        else:
            self._table = np.empty_like(table)
            self._table[:, :self.keep] = table[:, rows - self.keep:]
            self._first += rows - self.keep
        self._capacity = self._table.shape[1]
        # One assignment: readers see the old table or the new, both valid.
        self._store = (self._table, self._first)
        return self.count - self._first

    def rows(self, name: str, start: int = 0, stop: int | None = None) -> tuple[int, np.ndarray]:
        """(r, values): the values of rows r .. stop-1 (stop defaults to `count`), where r
        is `start`, or the oldest row kept if that is later. A view: do not write to it.
        A block of columns comes as (rows, size)."""
        # count before the table: its rows are complete in whichever table is read after.
        stop = self.count if stop is None else min(stop, self.count)
        table, first = self._store
        start = max(start, first)
        values = table[self._where[name], start - first:max(start, stop) - first]
        return start, values.T

    def column(self, name: str) -> np.ndarray:
        """All the kept values of a column (a view; do not write to it)."""
        return self.rows(name)[1]

    def last(self, name: str):
        n = self.count
        if n == 0:
            return None
        table, first = self._store
        return table[self._where[name], n - 1 - first]

    def to_dict(self) -> dict[str, list]:
        """Plain lists, for JSON export."""
        return {name: self.column(name).tolist() for name in self._where}


class StackedLogs:
    """The MetricsLogs of runs that train together (engine/sweep.py), one per run, whose
    tables are slices of one block (runs, width, capacity): an epoch of every run is
    written with one assignment per column, instead of one append per run.

    Each log reads as any MetricsLog. A run that stopped is left out of `append`: its
    count stays, and what later epochs write into its table past that count is never
    read. Past `capacity` rows the logs go on alone, each growing its own table.
    """

    def __init__(self, runs: int, layers: int, tracked: int, capacity: int):
        self.logs = [MetricsLog(layers, tracked, capacity=1) for _ in range(runs)]
        self._where = self.logs[0]._where
        width = self.logs[0]._table.shape[0]
        self.block = np.empty((runs, width, max(1, capacity)))
        for log, table in zip(self.logs, self.block):
            log._table, log._capacity = table, table.shape[1]
            log._store = (table, 0)
        # One epoch of every run, before it is written; a column no append names (the
        # sharpness, which sweeps do not estimate) stays NaN, as in a run without it.
        self._row = np.full((runs, width), NAN)

    def append(self, active: np.ndarray, **columns) -> None:
        """Append one epoch to the logs of the runs whose `active` entry is true: each
        keyword names a column (or a block of columns) and gives its values, one row per run."""
        row = self._row
        for name, values in columns.items():
            row[:, self._where[name]] = values
        runs = np.flatnonzero(active)
        if len(runs) == 0:
            return
        i = self.logs[runs[0]].count   # every active run has the same count: they started together
        if i < self.block.shape[2]:
            self.block[:, :, i] = row
            for r in runs:
                self.logs[r].count += 1   # last: the row is complete before readers can see it
        else:
            for r in runs:
                self.logs[r].append_row(row[r])
