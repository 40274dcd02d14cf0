"""`tutor train`: train a network headless, for scripts and SSH sessions.

Prints progress at epochs 1, 10, 100, ..., then a plotext chart of the loss and the
epoch table (engine/epoch_table.py, as text by tutor/epoch_table_text.py): at those
epochs and the last, the loss, its range since the row before, the learning rate, and
per layer mean |delta|, ‖∂L/∂W‖ and ‖W‖ (with regularisation, the penalty on the
weights beside the loss), with what the loss did in words. `--json`
prints the same numbers as strict JSON instead (see json_text for how inf and NaN are written).
"""
from __future__ import annotations

import json
import math
import shutil
import sys
import time

from engine.epoch_table import EpochTable
from tutor import epoch_table_text
from tutor.commands.common import build_run, config_from_args


def run(args) -> int:
    config = config_from_args(args)
    net, trainer, data = build_run(config)
    # The epoch table follows every epoch (its rows at 1, 10, 100, ... and the last);
    # the trainer keeps the last weights (its checkpoints). The loss of every epoch goes
    # into an envelope for the chart. None grows with the epochs, so neither does memory.
    penalty = config.regularization != "none"
    follower = _LossFollower(config.epochs, EpochTable(net.layers),
                             progress=sys.stderr if not args.json else None, penalty=penalty)
    start = time.perf_counter()
    record = trainer.run(config.epochs, log=follower)
    seconds = time.perf_counter() - start
    follower.finish(record)

    summary = _summary(config, trainer, follower.table.rows(), seconds, penalty)
    if args.json:
        print(json_text(summary))
    else:
        print(_loss_chart(follower.loss_curve))
        print(epoch_table_text.text(follower.table.rows(), net.layers, penalty))
        print(f"{record.epoch:,} epochs in {seconds:.2f} s ({record.epoch / seconds:,.0f} epochs/s)")
        if trainer.divergence():  # inf/NaN, or a loss that ended far above its start
            print(trainer.divergence())
    return 0


class _LossFollower:
    """Trainer.run's log for `tutor train`: hands each record to the epoch table, folds
    each epoch's loss into an Envelope (in blocks, which is cheaper than one at a time)
    and prints a progress line at each checkpoint the trainer takes (epochs 1, 10, 100, ...)."""

    BLOCK = 4096

    def __init__(self, epochs: int, table: EpochTable, progress=None, penalty: bool = False):
        from tutor.series import Envelope

        self.epochs, self.table, self.progress, self.penalty = epochs, table, progress, penalty
        self.loss_curve = Envelope()
        self._pending: list[float] = []

    def append(self, record) -> None:
        self.table.append(record)
        self._pending.append(record.loss)
        if len(self._pending) == self.BLOCK:
            self._fold()
        if record.checkpoint is not None:
            self._report(record)

    def finish(self, last) -> None:
        """Fold in the last losses and report the last epoch, if no checkpoint did."""
        self._fold()
        if last.checkpoint is None:
            self._report(last)

    def _fold(self) -> None:
        import numpy as np

        self.loss_curve.extend(np.array(self._pending))
        self._pending.clear()

    def _report(self, record) -> None:
        if self.progress:
            penalty = f"  penalty {record.penalty:.6g}" if self.penalty else ""
            print(f"epoch {record.epoch:>{len(str(self.epochs))}}/{self.epochs}  loss {record.loss:.6g}{penalty}",
                  file=self.progress, flush=True)


def _summary(config, trainer, rows, seconds, penalty: bool) -> dict:
    """The numbers printed: the epoch table's rows (epochs 1, 10, 100, ... and the last),
    with the penalty P under regularisation (L + P is minimised)."""
    last = trainer.checkpoints[trainer.epoch]
    return {
        "config": config.to_dict(),
        "epochs_run": trainer.epoch,
        "seconds": round(seconds, 3),
        "diverged_at": trainer.diverged_at,
        "diverging": trainer.divergence(),
        "final_loss": float(last.record.loss),
        "table": [epoch_table_text.as_dict(row, penalty) for row in rows],
        "weights": [W.tolist() for W in last.weights],
        "biases": [b.tolist() for b in last.biases],
    }


def json_text(summary: dict) -> str:
    """The summary as strict JSON. JSON has no inf or NaN, so every value that is not
    finite (the loss, deltas and weights of a diverged run) is written as null, the
    one encoding used throughout; `diverged_at` says at which epoch the run diverged."""
    return json.dumps(_finite_or_null(summary), indent=2, allow_nan=False)


def _finite_or_null(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite_or_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite_or_null(item) for item in value]
    return value


def _loss_chart(loss_curve) -> str:
    """log10 of the loss over the epochs (an Envelope of it), as a plotext chart."""
    import numpy as np
    import plotext as plt

    from tutor.series import epoch_ticks

    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    x, y = loss_curve.points(2 * width)
    positive = y > 0
    plt.clear_figure()
    plt.plot_size(width, 15)
    plt.plot(x[positive].tolist(), np.log10(y[positive]).tolist(), marker="braille")
    plt.xticks(*epoch_ticks(max(loss_curve.count, 2)))
    plt.title("training loss (log10) by epoch")
    plt.xlabel("epoch")
    chart = plt.build()
    return chart if sys.stdout.isatty() else plt.uncolorize(chart)
