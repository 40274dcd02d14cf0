"""The epoch table: a run's numbers at epochs 1, 10, 100, 1,000, ... and now, with what
happened between the rows.

A table of powers of ten can hide what happens between its rows: at lr 50 on XOR
(2-4-1 tanh, sigmoid output, BCE, seed 0) the loss alternates 24.94 / 37.56 every
epoch from epoch 98 on (at 4 significant digits), and the rows at 100, 1,000 and 10,000 all show 24.94. So
each row also keeps the loss's range (lowest and highest) over the epochs since the
row before it, and a Pattern in words:

    no change for 900 epochs                       the loss, at 4 significant digits,
                                                   stayed the same up to this row
    loss alternates between 24.9 and 37.6 for ...  a cycle of 2 (or 3, 4) epochs
    no change for 3,900 epochs, until epoch 5,000  a plateau that ended since the row before
    loss rose in 37 of 900 epochs                  not monotone (the edge of stability)

"No change" is judged on the loss rounded to 4 significant digits, the digits a row
shows, so that what the words say is what the learner can check in the table; and
because each epoch is compared with the one before (or, for cycles, one period
before), the table is the same whether the epochs are folded in one at a time or in
blocks of any size. Blocks are folded with NumPy: no Python work per epoch.

EpochTable follows a run as it goes, in bounded memory: `append(record)` is a log for
Trainer.run (as `tutor train` uses it); `follow(log)` folds in the rows a MetricsLog
gained since the last call (as the Lab does a few times a second, from its UI thread:
the training thread never waits for it). `rows()` gives the table so far.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DIGITS = 4          # significant digits at which two losses count as the same
MAX_PERIOD = 4      # the longest cycle looked for, in epochs
MIN_PLATEAU = 10    # unchanged steps before "no change" is said (and a tenth of the row's epochs)
CYCLES_SEEN = 3     # a cycle of p epochs is named once it repeated over 3p epochs
SCALARS = ("loss", "lr", "test_loss", "accuracy", "test_accuracy", "penalty")   # a row's numbers besides the range
PER_LAYER = ("delta_means", "gradient_norms", "weight_norms")
NAN = float("nan")


@dataclass(frozen=True)
class Pattern:
    """What the loss did up to a row, in words (see the module's docstring)."""

    kind: str           # "plateau", "cycle", "ended plateau" or "rises"
    epochs: int         # how long: unchanged steps, epochs in the cycle, or steps looked at
    low: float = NAN    # the loss (plateau), or the cycle's lowest and highest values
    high: float = NAN
    period: int = 1     # epochs per cycle
    until: int = 0      # the last epoch of an ended plateau
    rises: int = 0      # steps where the loss rose

    @property
    def words(self) -> str:
        if self.kind == "plateau":
            return f"no change for {self.epochs:,} epochs"
        if self.kind == "ended plateau":
            return f"no change for {self.epochs:,} epochs, until epoch {self.until:,}"
        if self.kind == "rises":
            return f"loss rose in {self.rises:,} of {self.epochs:,} epochs"
        if self.period == 2:
            return f"loss alternates between {self.low:.3g} and {self.high:.3g} for {self.epochs:,} epochs"
        return (f"loss repeats every {self.period} epochs, between {self.low:.3g} and {self.high:.3g}, "
                f"for {self.epochs:,} epochs")


@dataclass(frozen=True)
class EpochRow:
    """One row: the numbers of epoch `epoch`, and the loss over epochs since..epoch."""

    epoch: int
    now: bool                  # the latest epoch, not a power of ten (it changes as the run goes on)
    loss: float
    low: float                 # the lowest and highest loss over epochs since..epoch
    high: float
    since: int                 # the first epoch after the previous row
    lr: float                  # the learning rate in force at this epoch
    delta_means: tuple[float, ...]     # mean |δ^l| per layer
    gradient_norms: tuple[float, ...]  # ‖∂L/∂W^l‖ per layer
    weight_norms: tuple[float, ...]    # ‖W^l‖ per layer
    test_loss: float = NAN     # NaN without a test set
    accuracy: float = NAN      # NaN for regression
    test_accuracy: float = NAN
    penalty: float = 0.0       # P, the regularisation penalty on the weights (0 without one)
    pattern: Pattern | None = None

    @property
    def words(self) -> str:
        return self.pattern.words if self.pattern is not None else ""


def rounded(values: np.ndarray, digits: int = DIGITS) -> np.ndarray:
    """Each value rounded to `digits` significant digits (0, inf and NaN as they are).
    Equal results mean equal digits: a value that rounds up into the next decade
    (9999.7 at 4 digits) is computed as that decade's 1000 is."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        e = np.floor(np.log10(np.abs(values)))        # -inf for 0, NaN for NaN, inf for inf
        e = np.where(np.abs(_round_at(values, digits - 1 - e)) >= 10.0 ** digits, e + 1, e)
        out = _round_at(values, digits - 1 - e)
    return np.where(np.isfinite(e), out, values)


def _round_at(values: np.ndarray, k: np.ndarray) -> np.ndarray:
    """values · 10^k rounded to whole numbers, then scaled back: divided by an exact power
    of ten, so that 0.0012345 rounds to the float 0.001234 is, not to 0.0012339999."""
    power = 10.0 ** np.abs(k)
    return np.where(k >= 0, np.round(values * power) / power, np.round(values / power) * power)


def row_epochs(last: int) -> list[int]:
    """The powers of ten up to `last`: 1, 10, 100, ..."""
    epochs, epoch = [], 1
    while epoch <= last:
        epochs.append(epoch)
        epoch *= 10
    return epochs


class EpochTable:
    """The epoch table of one run, built as its epochs arrive (from epoch 1, in order)."""

    BLOCK = 4096   # epochs append() gathers before folding them in

    def __init__(self, layers: int):
        self.layers = layers
        self.epochs = 0                       # epochs folded in
        self._rows: list[EpochRow] = []       # the finished rows (powers of ten)
        self._next_row = 1                    # the epoch of the next finished row
        self._tail = np.empty(0)              # the last MAX_PERIOD rounded losses
        self._runs = [0] * (MAX_PERIOD + 1)   # _runs[p]: epochs in a row whose loss equals p epochs before
        self._last: dict | None = None        # the numbers of the latest epoch
        self._new_segment(1)
        # append()'s blocks: the losses, and the records (for the rows' other numbers).
        self._losses: list[float] = []
        self._records: dict[int, object] = {}

    # ----- feeding it --------------------------------------------------------------

    def append(self, record) -> None:
        """Trainer.run's log interface: one EpochRecord (epochs in order, from 1)."""
        self._losses.append(record.loss)
        self._records[record.epoch] = record   # emptied at each fold: a block's worth at most
        if len(self._losses) == self.BLOCK:
            self._fold_appended()

    def follow(self, log) -> int:
        """Fold in the rows `log` (an engine.MetricsLog of this run, row r being epoch
        r + 1) gained since the last call; returns how many. Rows the log let go before
        they were seen (MetricsLog's keep) count as NaN: they widen no range, break any
        pattern, and a row that falls among them shows NaN."""
        count = log.count
        if count <= self.epochs:
            return 0
        start, loss = log.rows("loss", self.epochs, count)
        if start > self.epochs:
            loss = np.concatenate([np.full(start - self.epochs, NAN), loss])

        def numbers(epoch: int) -> dict:
            values = {}
            for name in SCALARS + PER_LAYER:
                first, kept = log.rows(name, epoch - 1, epoch)
                if first != epoch - 1 or len(kept) == 0:   # let go meanwhile, by the training thread
                    return _missing(self.layers)
                values[name] = float(kept[0]) if name in SCALARS else tuple(kept[0].tolist())
            return values

        self._fold(loss, numbers)
        return len(loss)

    def rows(self) -> list[EpochRow]:
        """The rows at 1, 10, 100, ... so far, and the latest epoch's if it is none of them."""
        if self._losses:
            self._fold_appended()
        rows = list(self._rows)
        if self._last is not None and self.epochs != rows[-1].epoch:
            rows.append(self._row(self.epochs, self._last, now=True))
        return rows

    # ----- folding -----------------------------------------------------------------

    def _fold_appended(self) -> None:
        records = self._records

        def numbers(epoch: int) -> dict:
            return _numbers_of(records[epoch])

        self._fold(np.array(self._losses), numbers)
        self._losses.clear()
        self._records = {}

    def _fold(self, loss: np.ndarray, numbers) -> None:
        """Fold in the epochs self.epochs + 1 ... (their losses), cut at each row's epoch;
        numbers(epoch) gives the rest of the row of an epoch in the block."""
        first = self.epochs + 1
        at = 0
        while at < len(loss):
            epoch = first + at
            end = min(len(loss), at + self._next_row - epoch + 1)   # up to the next row's epoch
            self._fold_piece(loss[at:end])
            at = end
            if self.epochs == self._next_row:
                self._rows.append(self._row(self.epochs, numbers(self.epochs), now=False))
                self._next_row *= 10
                self._new_segment(self.epochs + 1)
        self._last = numbers(self.epochs)

    def _new_segment(self, since: int) -> None:
        """Start the range and the counts of the epochs after a row."""
        self._since = since
        self._low = self._high = NAN
        self._rises = 0
        self._steps = 0                        # epochs compared with the one before
        self._ended = (0, 0)                   # the longest plateau that ended: (steps, last epoch)

    def _fold_piece(self, loss: np.ndarray) -> None:
        """Fold in consecutive epochs that lie within one segment."""
        n = len(loss)
        if n == 0:
            return
        self._low = float(np.fmin(self._low, np.fmin.reduce(loss)))    # fmin: NaN only if all are
        self._high = float(np.fmax(self._high, np.fmax.reduce(loss)))
        keys = np.concatenate([self._tail, rounded(loss)])
        t = len(self._tail)                    # where this piece starts in keys
        for p in range(1, MAX_PERIOD + 1):
            if t + n <= p:
                continue
            # same[i]: epoch i of the piece has the loss of p epochs before (the piece's
            # first epochs compare with the tail, or with nothing before epoch p + 1).
            lo = max(t, p)
            same = keys[lo:] == keys[lo - p:t + n - p]
            same = np.concatenate([np.zeros(lo - t, dtype=bool), same])
            breaks = np.flatnonzero(~same)
            if p == 1:
                self._note_plateau_ends(same, breaks)
                self._steps += len(same) - (lo - t)
                self._rises += int(np.count_nonzero(keys[lo:] > keys[lo - 1:t + n - 1]))
            self._runs[p] = self._runs[p] + n if len(breaks) == 0 else n - 1 - int(breaks[-1])
        self._tail = keys[-MAX_PERIOD:]
        self.epochs += n

    def _note_plateau_ends(self, same: np.ndarray, breaks: np.ndarray) -> None:
        """Keep the longest plateau that ended in this piece (at a break) if it beats the segment's."""
        if len(breaks) == 0:
            return
        # The run before each break: the one carried in for the first, the gaps after it.
        lengths = np.diff(breaks, prepend=-1) - 1
        lengths[0] += self._runs[1]
        k = int(np.argmax(lengths))
        if lengths[k] > self._ended[0]:
            self._ended = (int(lengths[k]), self.epochs + int(breaks[k]))   # the epoch before the break

    def _pattern(self) -> Pattern | None:
        """What the loss did, as of the latest epoch folded in."""
        runs, tail = self._runs, self._tail
        worth = max(MIN_PLATEAU, (self.epochs - self._since + 1) // 10)   # a plateau worth a word
        if runs[1] >= worth:
            return Pattern("plateau", runs[1], low=float(tail[-1]), high=float(tail[-1]))
        for p in range(2, MAX_PERIOD + 1):
            if runs[p] >= CYCLES_SEEN * p and len(set(tail[-p:].tolist())) > 1:
                cycle = tail[-p:]
                return Pattern("cycle", runs[p] + p, low=float(cycle.min()), high=float(cycle.max()), period=p)
        steps, until = self._ended
        if steps >= worth:
            return Pattern("ended plateau", steps, until=until)
        if self._rises:
            return Pattern("rises", self._steps, rises=self._rises)
        return None

    def _row(self, epoch: int, numbers: dict, now: bool) -> EpochRow:
        return EpochRow(epoch=epoch, now=now, low=self._low, high=self._high, since=self._since,
                        pattern=self._pattern(), **numbers)


def _numbers_of(record) -> dict:
    """An EpochRecord's numbers for a row (None as NaN)."""
    def value(x):
        return NAN if x is None else float(x)

    return {**{name: value(getattr(record, name, None)) for name in SCALARS},   # a stand-in may lack some
            **{name: tuple(float(v) for v in getattr(record, name)) for name in PER_LAYER}}


def _missing(layers: int) -> dict:
    """The numbers of an epoch nobody kept."""
    return {**{name: NAN for name in SCALARS}, **{name: (NAN,) * layers for name in PER_LAYER}}
