"""The epoch table (engine/epoch_table.py) as text: its columns' headers and cells, the
lines `tutor train` prints, and a row as JSON. The Lab's table panel shows the same
headers and cells, so that the two tables read alike.

Columns: epoch ("now" after the latest epoch when it is no power of ten), loss, the
penalty P (with regularisation), the loss's lowest and highest since the row before, test loss and accuracy (when the run
has them), the learning rate, then per layer (numbered from 1, as in the book) mean
|δ|, ‖∂L/∂W‖ and ‖W‖. The pattern's words go last, or under the table.
"""
from __future__ import annotations

import math

from engine.epoch_table import EpochRow

OPTIONAL = (("test_loss", "test loss"), ("accuracy", "accuracy"))   # shown when the run has them
PER_LAYER = (("delta_means", "mean|δ{l}|"), ("gradient_norms", "‖∂L/∂W{l}‖"), ("weight_norms", "‖W{l}‖"))


def number(value: float) -> str:
    """4 significant digits, the digits the table's "no change" is judged at."""
    return f"{value:.4g}"


def optional_columns(rows: list[EpochRow]) -> list[str]:
    """The optional columns (OPTIONAL's names) with a value in some row."""
    return [name for name, _ in OPTIONAL if any(not math.isnan(getattr(row, name)) for row in rows)]


def header(layers: int, optional: list[str], penalty: bool = False) -> list[str]:
    labels = dict(OPTIONAL)
    return (["epoch", "loss"] + ["penalty"] * penalty + ["min–max"] + [labels[name] for name in optional] + ["lr"]
            + [label.format(l=l + 1) for _, label in PER_LAYER for l in range(layers)])


def cells(row: EpochRow, optional: list[str], penalty: bool = False) -> list[str]:
    """A row's cells, under header()'s columns."""
    low, high = number(row.low), number(row.high)
    spread = low if low == high else f"{low}–{high}"
    return ([f"{row.epoch} now" if row.now else str(row.epoch), number(row.loss)]
            + [number(row.penalty)] * penalty + [spread]
            + [number(getattr(row, name)) for name in optional] + [f"{row.lr:g}"]
            + [number(v) for name, _ in PER_LAYER for v in getattr(row, name)])


RANGE_NOTE = "min–max: the loss's lowest and highest since the row before"


def notes(rows: list[EpochRow]) -> list[str]:
    """The rows' patterns in words, one line each: 'epoch 1000: loss alternates ...'."""
    return [f"epoch {row.epoch:,}{' (now)' if row.now else ''}: {row.words}" for row in rows if row.words]


def text(rows: list[EpochRow], layers: int, penalty: bool = False) -> str:
    """The table as aligned plain text, each row's words after its numbers (penalty:
    a column for the regularisation penalty)."""
    optional = optional_columns(rows)
    lines = [header(layers, optional, penalty)] + [cells(row, optional, penalty) for row in rows]
    widths = [max(len(line[c]) for line in lines) for c in range(len(lines[0]))]
    words = [""] + [row.words for row in rows]
    return "\n".join([("  ".join(cell.rjust(w) for cell, w in zip(line, widths)) + f"  {said}").rstrip()
                      for line, said in zip(lines, words)] + [RANGE_NOTE])


def as_dict(row: EpochRow, penalty: bool = False) -> dict:
    """A row for JSON (NaN stays NaN here; tutor train's json_text writes it as null);
    penalty: with the regularisation penalty P."""
    data = {"epoch": row.epoch, "now": row.now, "loss": row.loss, "loss_range": [row.low, row.high],
            "since": row.since, "lr": row.lr, "mean_abs_delta": list(row.delta_means),
            "gradient_norms": list(row.gradient_norms), "weight_norms": list(row.weight_norms),
            "pattern": row.words or None}
    if penalty:
        data["penalty"] = row.penalty
    for name in ("test_loss", "accuracy", "test_accuracy"):
        value = getattr(row, name)
        if not math.isnan(value):
            data[name] = value
    return data
