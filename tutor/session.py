"""A training session: one run of the engine in a worker thread, steered by flags.

The Lab's screen owns a TrainingSession and hands `run()` to a Textual thread
worker. The thread trains epoch after epoch and appends each EpochRecord to
`session.log` (an engine.MetricsLog); it never waits for the UI. Once per epoch
it looks at its flags:

    cancel     stop for good (leaving the Lab, quitting, starting another run)
    pause      wait until resumed, or until asked for a single step
    lr         the learning rate the UI asked for, put in force for the next epoch
    snapshot   the UI wants a fresh copy of the weights (for the diagram and the
               decision boundary); copies are made on request, not every epoch

`session.snapshot` is that copy: an engine.Checkpoint, the one type for "the weights
after an epoch". It is not kept in the trainer's checkpoints (the UI asks for one a
few times a second; the trainer keeps only epochs 1, 10, 100, ... and the last).

The UI reads `log.count`, `phase` and `snapshot` a few times a second. Each of
those is replaced by a single assignment, so a reader sees the old value or the
new one, never half of one. Nothing here imports Textual: the tests drive a
session with a plain thread.
"""
from __future__ import annotations

import enum
import threading
import time
from typing import Callable

import numpy as np

import engine
from engine.network import Gradients
from engine.sharpness import LAB_SHARPNESS_EVERY

# How often a paused thread looks at should_stop() (its other flags wake it at once).
PAUSE_POLL_SECONDS = 0.1


class Phase(enum.Enum):
    READY = "ready"          # built, not started
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"    # reached its epochs
    DIVERGED = "diverged"    # the loss became inf or NaN, or ended far above its start
    CANCELLED = "cancelled"
    FAILED = "failed"        # an error in the engine (the message says which)

    @property
    def over(self) -> bool:
        """No more epochs will be trained in this session."""
        return self in (Phase.FINISHED, Phase.DIVERGED, Phase.CANCELLED, Phase.FAILED)


class TrainingSession:
    """One training run: its network, trainer, data, metrics log and control flags.

    Building it runs `config.build()`, so a bad configuration raises
    engine.ConfigError (with `.field`) before any thread starts.
    """

    def __init__(self, config: engine.RunConfig):
        self.config = config
        self.net, self.trainer, self.data = config.build()
        # The sharpness chart's estimates (λ_max against 2/η), every LAB_SHARPNESS_EVERY
        # epochs: 4-9% of training time at lr 0.5, more at large lr (bench/sharpness.py);
        # the run itself is unchanged.
        self.trainer.sharpness_every = LAB_SHARPNESS_EVERY
        # The Lab's charts fold each epoch in as it comes and keep their own summary
        # (tutor/series.py), so the last 2^17 epochs (about five seconds of
        # training) are all the log keeps: memory stays bounded on runs of any length.
        self.log = engine.MetricsLog(self.net.layers, len(self.trainer.tracked),
                                     capacity=min(max(config.epochs, 16), 1 << 16), keep=1 << 17)
        self.epochs = config.epochs        # the target; the UI may change it mid-run
        self.phase = Phase.READY
        self.message = ""                  # why the run stopped, if it stopped early
        self.snapshot = engine.Checkpoint.of(0, self.net)
        self.thread: threading.Thread | None = None  # the thread running run(), once started
        self.done = threading.Event()      # set when run() returns
        self.run_seconds = 0.0             # wall time spent in run(), paused time included
        self.stopped_at: float | None = None  # time.monotonic() when run() returned
        self._lr = float(config.lr)        # the learning rate asked for
        self._cancel = threading.Event()
        self._paused = threading.Event()
        self._wake = threading.Event()     # set whenever a flag a paused thread waits on changes
        self._want_snapshot = threading.Event()
        self._steps = 0                    # single epochs asked for while paused
        self._steps_lock = threading.Lock()

    # ----- the UI's side: flags ------------------------------------------------

    @property
    def lr(self) -> float:
        """The learning rate asked for (in force from the next epoch)."""
        return self._lr

    def set_lr(self, lr: float) -> None:
        """Ask for a new learning rate; the thread applies it at the start of the next epoch."""
        self._lr = float(lr)

    def set_epochs(self, epochs: int) -> None:
        """Change how many epochs the run trains in all."""
        self.epochs = int(epochs)

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()
        self._wake.set()

    def step(self, epochs: int = 1) -> None:
        """Train `epochs` more epochs, then stay paused."""
        self._paused.set()
        with self._steps_lock:
            self._steps += epochs
        self._wake.set()

    def cancel(self) -> None:
        """Stop for good; the thread ends within one epoch."""
        self._cancel.set()
        self._wake.set()

    def request_snapshot(self) -> None:
        """Ask the thread to copy the weights after its current epoch."""
        self._want_snapshot.set()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    @property
    def settled(self) -> bool:
        """The thread is not training: the run has not started, is over, or waits paused
        with the snapshot at its epoch, so the weights and the optimizer's state match
        and may be copied (the stepper does)."""
        if self.phase is Phase.READY:
            return self.thread is None
        return self.phase.over or (self.phase is Phase.PAUSED and self._steps == 0
                                   and self.snapshot.epoch == self.trainer.epoch)

    # ----- the worker's side ----------------------------------------------------

    def run(self, should_stop: Callable[[], bool] | None = None) -> Phase:
        """Train until the epochs are done, the loss diverges, or cancel() (or
        should_stop(), checked once per epoch) says stop. Returns the final phase.

        The epochs run in stretches of Trainer.run, the engine's one loop over epochs,
        each until a flag needs an answer; the flags are read after every epoch."""
        self.thread = threading.current_thread()
        started = time.perf_counter()
        trainer = self.trainer

        def needs_attention() -> bool:
            return (self._cancel.is_set() or self._paused.is_set() or self._want_snapshot.is_set()
                    or self._lr != trainer.lr or trainer.epoch >= self.epochs
                    or (should_stop is not None and should_stop()))

        try:
            while True:
                if self._cancel.is_set() or (should_stop is not None and should_stop()):
                    self.phase = Phase.CANCELLED
                    break
                if trainer.epoch >= self.epochs:
                    # A finite loss far above where it started is no finish (Trainer.divergence).
                    self.message = trainer.divergence() or self.message
                    self.phase = Phase.DIVERGED if trainer.divergence() else Phase.FINISHED
                    break
                if self._want_snapshot.is_set():
                    self._want_snapshot.clear()
                    self.snapshot = engine.Checkpoint.of(trainer.epoch, self.net, trainer.last_record)
                if self._lr != trainer.lr:
                    trainer.lr = self._lr    # in force from the next epoch
                if not self._paused.is_set():
                    epochs = self.epochs - trainer.epoch
                elif self._take_step():
                    epochs = 1
                else:
                    self._wait_while_paused()
                    continue
                self.phase = Phase.RUNNING
                record = trainer.run(epochs, log=self.log, should_stop=needs_attention, checkpoint=False)
                if record.diverged:
                    self.message = record.message
                    self.phase = Phase.DIVERGED
                    break
        except Exception as error:
            self.message = f"training failed after epoch {trainer.epoch}: {error}"
            self.phase = Phase.FAILED
            raise
        finally:
            self.snapshot = trainer.checkpoint()
            self.run_seconds = time.perf_counter() - started
            self.stopped_at = time.monotonic()
            self.done.set()
        return self.phase

    def _take_step(self) -> bool:
        with self._steps_lock:
            if self._steps == 0:
                return False
            self._steps -= 1
            return True

    def _wait_while_paused(self) -> None:
        """Publish the weights, then sleep until a flag changes (or a poll interval passes,
        so that should_stop() is seen too)."""
        if self.snapshot.epoch != self.trainer.epoch:
            self.snapshot = engine.Checkpoint.of(self.trainer.epoch, self.net, self.trainer.last_record)
        self.phase = Phase.PAUSED
        self._wake.clear()
        if self._paused.is_set() and not self._cancel.is_set() and self._steps == 0:
            self._wake.wait(PAUSE_POLL_SECONDS)


# ----- looking inside the network (UI thread, from a snapshot) -------------------

def inspect_sample(session: TrainingSession, snapshot: engine.Checkpoint, sample: int) -> Gradients:
    """z^l, a^l and delta^l of every layer for one training sample, with the snapshot's
    weights: one forward and backward pass (BP1-BP2), in evaluation mode."""
    X, Y = session.data.X, session.data.Y
    i = sample % len(X)
    net = snapshot.network(session.net)
    with np.errstate(all="ignore"):  # a diverged network shows inf/NaN, not warnings
        return net.backward(X[i:i + 1], Y[i:i + 1], session.trainer.loss_name)


def preactivation_range(session: TrainingSession, snapshot: engine.Checkpoint,
                        max_samples: int = 512) -> tuple[float, float] | None:
    """The smallest and largest z over all hidden neurons and (up to max_samples)
    training samples; None without hidden layers or when the values are not finite."""
    net = snapshot.network(session.net)
    if net.layers < 2:
        return None
    X = session.data.X[:max_samples]
    with np.errstate(all="ignore"):
        zs, _, _ = net.feedforward(X)
        hidden = np.concatenate([z.ravel() for z in zs[:-1]])
    finite = hidden[np.isfinite(hidden)]
    if finite.size == 0:
        return None
    return float(finite.min()), float(finite.max())
