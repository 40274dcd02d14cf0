"""`tutor train`: train a network headless, for scripts and SSH sessions.

Prints progress at epochs 1, 10, 100, ..., then a plotext chart of the loss and a
table of the loss and each layer's mean |delta| at those epochs. `--json` prints
the same numbers as JSON instead.
"""
from __future__ import annotations

import json
import math
import shutil
import sys
import time

from tutor.cli import build_run, config_from_args


def decade_epochs(last: int) -> list[int]:
    """1, 10, 100, ... up to `last`, and `last` itself."""
    epochs = [10**k for k in range(int(math.log10(last)) + 1) if 10**k <= last]
    return epochs if epochs[-1] == last else epochs + [last]


def run(args) -> int:
    import numpy as np

    from engine import MetricsLog

    config = config_from_args(args)
    net, trainer, data = build_run(config)
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    marks = set(decade_epochs(config.epochs))
    progress = sys.stderr if not args.json else None

    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for _ in range(config.epochs):
            record = trainer.run_epoch()
            log.append(record)
            if progress and record.epoch in marks:
                print(f"epoch {record.epoch:>{len(str(config.epochs))}}/{config.epochs}  "
                      f"loss {record.loss:.6g}", file=progress, flush=True)
            if record.diverged:
                break
    seconds = time.perf_counter() - start
    trainer.checkpoint()

    summary = _summary(config, trainer, log, seconds)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(_loss_chart(log))
        print(_table(summary))
        print(f"{log.count} epochs in {seconds:.2f} s ({log.count / seconds:,.0f} epochs/s)")
        if record.diverged:
            print(record.message)
    return 0


def _summary(config, trainer, log, seconds) -> dict:
    epochs = log.column("epoch").astype(int)
    rows = []
    for epoch in decade_epochs(int(epochs[-1])):
        i = epoch - 1
        row = {"epoch": epoch, "loss": _number(log.column("loss")[i]),
               "mean_abs_delta": [_number(v) for v in log.column("delta_means")[i]]}
        for name in ("test_loss", "accuracy", "test_accuracy"):
            value = log.column(name)[i]
            if not math.isnan(value):
                row[name] = float(value)
        rows.append(row)
    last = trainer.checkpoints[trainer.epoch]
    return {
        "config": config.to_dict(),
        "epochs_run": int(epochs[-1]),
        "seconds": round(seconds, 3),
        "diverged_at": trainer.diverged_at,
        "final_loss": _number(log.last("loss")),
        "table": rows,
        "weights": [W.tolist() for W in last.weights],
        "biases": [b.tolist() for b in last.biases],
    }


def _number(value) -> float | str:
    """JSON has no inf or NaN: write those as text."""
    value = float(value)
    return value if math.isfinite(value) else str(value)


def _loss_chart(log) -> str:
    import numpy as np
    import plotext as plt

    from engine import decimate

    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    epochs = log.column("epoch")
    loss = log.column("loss")
    finite = np.isfinite(loss) & (loss > 0)
    x, y = decimate(epochs[finite], np.log10(loss[finite]), 2 * width)
    plt.clear_figure()
    plt.plot_size(width, 15)
    plt.plot(x.tolist(), y.tolist(), marker="braille")
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


def _cell(value) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"
