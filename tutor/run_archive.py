"""A Lab run as the progress store keeps it, and back.

Saving keeps the run's RunConfig (to_dict), a summary of its metrics, and its
checkpoints (epochs 1, 10, 100, ... and the last) packed into one .npz: `epochs`,
`W{i}_{l}` and `b{i}_{l}` for checkpoint i and layer l (1-based, as the learner
counts), and each checkpoint's record as JSON text. The weights are float64, so a
reopened run shows exactly the numbers it was saved with. Earlier checkpoints are
dropped, oldest first, when keeping them all would pass MAX_SAVED_VALUES; the last
is always kept.
"""
from __future__ import annotations

import dataclasses
import io
import json
import math
from typing import Any

import numpy as np

import engine

# At most this many weights and biases over all stored checkpoints (8 MB of float64).
MAX_SAVED_VALUES = 1_000_000

# The record's fields that are plain numbers or tuples of them (not its checkpoint).
_RECORD_FIELDS = [f.name for f in dataclasses.fields(engine.EpochRecord) if f.name != "checkpoint"]


class ArchiveError(ValueError):
    """A saved run's weights cannot be read back (damaged, or from a different network)."""


def run_name(config: engine.RunConfig, epoch: int) -> str:
    """The default name of a saved run: `xor 2-4-1 tanh lr 0.5 · epoch 1,234`."""
    layers = "-".join(map(str, config.layers))
    return f"{config.dataset} {layers} {config.activation} lr {config.lr:g} · epoch {epoch:,}"


def kept(checkpoints: list[engine.Checkpoint]) -> list[engine.Checkpoint]:
    """The checkpoints to store, in epoch order: the last, then the latest earlier ones
    that fit in MAX_SAVED_VALUES together."""
    ordered = sorted(checkpoints, key=lambda c: c.epoch)
    chosen: list[engine.Checkpoint] = []
    total = 0
    for checkpoint in reversed(ordered):
        size = sum(W.size for W in checkpoint.weights) + sum(b.size for b in checkpoint.biases)
        if chosen and total + size > MAX_SAVED_VALUES:
            break
        chosen.append(checkpoint)
        total += size
    return chosen[::-1]


def pack(checkpoints: list[engine.Checkpoint]) -> bytes:
    """The checkpoints (see kept) as the bytes of one .npz."""
    arrays: dict[str, np.ndarray] = {}
    chosen = kept(checkpoints)
    arrays["epochs"] = np.array([c.epoch for c in chosen], dtype=np.int64)
    for i, checkpoint in enumerate(chosen):
        for l, (W, b) in enumerate(zip(checkpoint.weights, checkpoint.biases), start=1):
            arrays[f"W{i}_{l}"], arrays[f"b{i}_{l}"] = W, b
    records = [None if c.record is None else _record_dict(c.record) for c in chosen]
    arrays["records"] = np.array(json.dumps(records))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)   # trained float64 weights barely compress (4% on 2-512-512-1), at 0.5 s
    return buffer.getvalue()


def unpack(data: bytes, sizes: tuple[int, ...]) -> list[engine.Checkpoint]:
    """The checkpoints packed in `data`, checked against a network of layer `sizes`;
    ArchiveError (one line) if they are damaged or do not fit it."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            epochs = [int(e) for e in archive["epochs"]]
            records = json.loads(str(archive["records"]))
            layers = len(sizes) - 1
            checkpoints = []
            for i, epoch in enumerate(epochs):
                weights = tuple(archive[f"W{i}_{l}"] for l in range(1, layers + 1))
                biases = tuple(archive[f"b{i}_{l}"] for l in range(1, layers + 1))
                for l, (W, b) in enumerate(zip(weights, biases), start=1):
                    if W.shape != (sizes[l - 1], sizes[l]) or b.shape != (sizes[l],):
                        raise ArchiveError(f"the saved W{l} has shape {W.shape}, "
                                           f"not {(sizes[l - 1], sizes[l])} as the settings give")
                record = None if records[i] is None else _record(records[i])
                checkpoints.append(engine.Checkpoint(epoch, weights, biases, record))
    except ArchiveError:
        raise
    except Exception as error:   # a damaged blob: zip, npy or JSON errors alike
        raise ArchiveError(f"the saved weights cannot be read ({type(error).__name__}: {error})") from None
    if not checkpoints:
        raise ArchiveError("the saved run has no weights")
    return checkpoints


def summary(record: engine.EpochRecord | None, message: str = "") -> dict[str, Any]:
    """What the list of saved runs shows: epochs, final loss and accuracy, and why the
    run diverged (if it did)."""
    if record is None:
        return {"epochs": 0, "message": message}
    return {"epochs": record.epoch, "loss": _number(record.loss),
            "test_loss": _number(record.test_loss), "accuracy": _number(record.accuracy),
            "test_accuracy": _number(record.test_accuracy), "message": message}


def summary_text(metrics: dict[str, Any] | None) -> str:
    """`1,234 epochs · loss 0.0123 · acc 100%` (and a divergence message), from summary()."""
    if not metrics:
        return "no metrics"
    parts = [f"{metrics.get('epochs', 0):,} epochs"]
    for key, label, form in (("loss", "loss", "{:.4g}"), ("test_loss", "test", "{:.4g}"),
                             ("accuracy", "acc", "{:.0%}"), ("test_accuracy", "test acc", "{:.0%}")):
        value = metrics.get(key)
        if isinstance(value, (int, float)):
            parts.append(f"{label} {form.format(value)}")
    if metrics.get("message"):
        parts.append(str(metrics["message"]))
    return " · ".join(parts)


def _number(value: float | None) -> float | None:
    """JSON has no NaN or inf: a diverged loss is kept as None (its message says why)."""
    return None if value is None or not math.isfinite(value) else float(value)


def _record_dict(record: engine.EpochRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _RECORD_FIELDS}
    return {name: (list(value) if isinstance(value, tuple) else value) for name, value in values.items()}


def _record(values: dict[str, Any]) -> engine.EpochRecord:
    return engine.EpochRecord(**{name: (tuple(value) if isinstance(value, list) else value)
                                 for name, value in values.items() if name in _RECORD_FIELDS})
