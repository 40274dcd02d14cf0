"""The Lab's status line: where the run is, how fast it goes, and what the keys do next.

`epoch 1,200/10,000 · loss 0.0123 · test 0.0150 · train acc 98% · 5,400 epochs/s ·
lr 0.5 · running · space pauses`, then whatever waits (settings changed, a notice).
With regularisation the penalty follows the loss: `loss 0.0123 · penalty 0.0045`.
"""
from __future__ import annotations

import time

import numpy as np

from tutor.session import Phase, TrainingSession

# What each phase says, and which key does what in it.
PHASE_TEXT = {
    Phase.READY: "ready · space starts",
    Phase.RUNNING: "running · space pauses",
    Phase.PAUSED: "paused · space resumes, n steps",
}


class EpochRate:
    """Epochs per second, measured over half a second or more and smoothed; None
    until the first measurement (so the status never says 0 epochs/s at the start)."""

    def __init__(self, count: int = 0) -> None:
        self._then, self._count, self.value = time.monotonic(), count, None

    def update(self, count: int) -> float | None:
        """Fold in the epoch count now; returns the rate."""
        now = time.monotonic()
        if now - self._then >= 0.5:
            measured = (count - self._count) / (now - self._then)
            self.value = measured if self.value is None else 0.5 * self.value + 0.5 * measured
            self._then, self._count = now, count
        return self.value


def lr_text(session: TrainingSession) -> str:
    """The learning rate in force (the last epoch's record; before any, the first epoch's)
    and, until the run takes it, the one asked for: `lr 0.5 → 1`."""
    in_force = session.log.last("lr") if session.log.count else session.lr
    asked = "" if session.lr == in_force or session.phase.over else f" → {session.lr:g}"
    return f"lr {in_force:g}{asked}"


def status_line(session: TrainingSession, rate: EpochRate, pending_changes: bool, notice: str) -> str:
    """The status line of a session (its parts joined by ·)."""
    log = session.log
    # The phase before the count: "paused" is never shown with the last epoch missing.
    shown_phase = session.phase
    count = log.count
    epochs_per_second = rate.update(count)
    parts = [f"epoch {count:,}/{session.epochs:,}"]
    if count:
        parts.append(f"loss {log.last('loss'):.4g}")
        if session.config.regularization != "none":   # the penalty the steps minimise with the loss
            parts.append(f"penalty {log.last('penalty'):.4g}")
        test = log.last("test_loss")
        if np.isfinite(test):
            parts.append(f"test {test:.4g}")
        for name, label in (("accuracy", "train acc"), ("test_accuracy", "test acc")):
            accuracy = log.last(name)
            if np.isfinite(accuracy):
                parts.append(f"{label} {accuracy:.0%}")
    # What the learner asked for shows at once; the thread follows within an epoch.
    phase = shown_phase
    if phase in (Phase.RUNNING, Phase.PAUSED):
        phase = Phase.PAUSED if session.paused else Phase.RUNNING
    if phase is Phase.RUNNING and epochs_per_second is not None:   # nothing until measured
        parts.append(f"{epochs_per_second:,.0f} epochs/s")
    parts.append(lr_text(session))
    parts.append(PHASE_TEXT.get(phase) or {
        Phase.FINISHED: f"finished after {count:,} epochs",
        Phase.CANCELLED: "stopped",
    }.get(phase, session.message))      # diverged or failed: the message says why
    if pending_changes:
        parts.append("settings changed · r resets with them")
    if notice:
        parts.append(notice)
    return " · ".join(parts)
