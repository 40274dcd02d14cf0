"""`tutor train`: train a network headless, for scripts and SSH sessions.

Prints progress at epochs 1, 10, 100, ..., then a plotext chart of the loss and a
table of the loss and each layer's mean |delta| at those epochs. `--json` prints
the same numbers as strict JSON instead (see json_text for how inf and NaN are written).
"""
from __future__ import annotations

import json
import math
import shutil
import sys
import time

from tutor.commands.common import build_run, config_from_args


def decade_epochs(last: int) -> list[int]:
    """1, 10, 100, ... up to `last`, and `last` itself."""
    epochs = [10**k for k in range(int(math.log10(last)) + 1) if 10**k <= last]
    return epochs if epochs[-1] == last else epochs + [last]


def run(args) -> int:
    import numpy as np

    from tutor.series import Envelope

    config = config_from_args(args)
    net, trainer, data = build_run(config)
    # What is printed is all that is kept: the records at the decade epochs and an
    # envelope of the loss for the chart, so memory does not grow with the epochs.
    marks = set(decade_epochs(config.epochs))
    kept: list = []
    loss_curve, pending = Envelope(), []   # losses are folded into the envelope in blocks
    progress = sys.stderr if not args.json else None

    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for _ in range(config.epochs):
            record = trainer.run_epoch()
            pending.append(record.loss)
            if len(pending) == 4096:
                loss_curve.extend(np.array(pending))
                pending.clear()
            if record.epoch in marks or record.diverged:
                kept.append(record)
                if progress:
                    print(f"epoch {record.epoch:>{len(str(config.epochs))}}/{config.epochs}  "
                          f"loss {record.loss:.6g}", file=progress, flush=True)
            if record.diverged:
                break
    seconds = time.perf_counter() - start
    loss_curve.extend(np.array(pending))
    trainer.checkpoint()

    summary = _summary(config, trainer, kept, seconds)
    if args.json:
        print(json_text(summary))
    else:
        print(_loss_chart(loss_curve))
        print(_table(summary))
        print(f"{record.epoch:,} epochs in {seconds:.2f} s ({record.epoch / seconds:,.0f} epochs/s)")
        if trainer.divergence():  # inf/NaN, or a loss that ended far above its start
            print(trainer.divergence())
    return 0


def _summary(config, trainer, kept, seconds) -> dict:
    """The numbers printed: a row for each of epochs 1, 10, 100, ... and the last."""
    last_epoch = kept[-1].epoch
    rows = []
    for record in kept:
        if record.epoch not in decade_epochs(last_epoch):
            continue
        row = {"epoch": record.epoch, "loss": float(record.loss),
               "mean_abs_delta": [float(v) for v in record.delta_means]}
        for name in ("test_loss", "accuracy", "test_accuracy"):
            value = getattr(record, name)
            if value is not None and not math.isnan(value):
                row[name] = float(value)
        rows.append(row)
    last = trainer.checkpoints[trainer.epoch]
    return {
        "config": config.to_dict(),
        "epochs_run": last_epoch,
        "seconds": round(seconds, 3),
        "diverged_at": trainer.diverged_at,
        "diverging": trainer.divergence(),
        "final_loss": float(kept[-1].loss),
        "table": rows,
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


def _table(summary) -> str:
    rows = summary["table"]
    layers = len(rows[0]["mean_abs_delta"])
    extra = [name for name in ("test_loss", "accuracy") if name in rows[0]]
    header = ["epoch", "loss"] + extra + [f"mean|δ{l + 1}|" for l in range(layers)]
    lines = [header]
    for row in rows:
        cells = [str(row["epoch"]), _cell(row["loss"])] + [_cell(row[name]) for name in extra]
        cells += [_cell(v) for v in row["mean_abs_delta"]]
        lines.append(cells)
    widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in lines)


def _cell(value: float) -> str:
    return f"{value:.4g}"
