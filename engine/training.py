"""Training: one epoch at a time, with a record of everything a learner may want to see.

An epoch is one pass over the training set in batches: for each batch, backpropagate
(network.py) and let the optimizer step. After the epoch the Trainer returns an
EpochRecord: losses, accuracy, per-layer weight norms, mean |delta| and gradient
norms, a few tracked weights, and the learning rate in force; with sharpness_every=k,
every k-th epoch also the sharpness, the Hessian's largest eigenvalue, which gradient
descent keeps below about 2/lr (engine/sharpness.py). With regularisation (an L1 or
L2 penalty P on the weights, engine/regularization.py) the optimizer steps on the
gradient of L + P, and each record has P after the epoch beside the loss L.

Full weight matrices are copied only at checkpoints (epochs 1, 10, 100, ... and
whenever `checkpoint()` is called, e.g. at the last epoch), so that a run of 10^8
epochs keeps bounded memory. Each checkpoint keeps its epoch's record too: the
weights and the numbers at 1, 10, 100, ... epochs are a run's summary.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine.losses import LOSSES, check_pairing
from engine.network import Network
from engine.optimizers import OPTIMIZERS
from engine.regularization import penalty
from engine.sharpness import Sharpness, estimate_sharpness

# A run whose loss ends more than this many times above its first epoch's loss is
# diverging even if the loss stays finite (lr 1000 on XOR takes BCE from 0.73 to 853).
DIVERGING_FACTOR = 10.0


@dataclass(frozen=True)
class Checkpoint:
    """The weights and biases after `epoch` epochs (0: the initial ones), as copies
    that training leaves alone, and the record of that epoch if there was one."""

    epoch: int
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    record: EpochRecord | None = None

    @classmethod
    def of(cls, epoch: int, net: Network, record: EpochRecord | None = None) -> "Checkpoint":
        return cls(epoch, tuple(W.copy() for W in net.weights), tuple(b.copy() for b in net.biases), record)

    def network(self, like: Network) -> Network:
        """A network with `like`'s layers and activations and these weights: one to
        evaluate while `like` trains on."""
        twin = like.copy()
        twin.set_parameters(self.weights, self.biases)  # copies: the checkpoint stays as it is
        return twin


@dataclass(slots=True)
class EpochRecord:
    """What one epoch did. Per-layer tuples have one entry per weight layer."""

    epoch: int
    loss: float                 # mean training loss over the epoch's batches, each measured before its step
    test_loss: float | None     # loss on the held-out set after the epoch (None without one)
    accuracy: float | None      # share of training samples classified right (None for regression)
    test_accuracy: float | None
    lr: float                   # the learning rate in force during this epoch
    weight_norms: tuple[float, ...]    # ‖W^l‖ (Frobenius), after the epoch
    delta_means: tuple[float, ...]     # mean |delta^l| over samples and neurons, mean over the batches
    gradient_norms: tuple[float, ...]  # ‖∂L/∂W^l‖, mean over the epoch's batches
    tracked: tuple[float, ...]         # the tracked individual weights, after the epoch
    sharpness: float | None = None     # λ_max of the full-batch loss's Hessian after the epoch
                                       # (engine/sharpness.py), every sharpness_every epochs; else None
    penalty: float = 0.0               # P, the regularisation penalty on the weights after the epoch
                                       # (engine/regularization.py); 0 without regularisation
    diverged: bool = False
    message: str = ""
    checkpoint: Checkpoint | None = None


def _is_classification(Y: np.ndarray) -> bool:
    return Y.size > 0 and bool(np.isin(Y, (0.0, 1.0)).all())


def default_tracked(sizes) -> list[tuple[int, int, int]]:
    """A few weights worth watching: the first and last of each layer, six at most."""
    picks = []
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        picks.append((l, 0, 0))
        if fan_in * fan_out > 1:
            picks.append((l, fan_in - 1, fan_out - 1))
    return picks[:6]


class Trainer:
    """Trains `net` on (X, Y) one epoch at a time.

    With optimizer "sgd" each batch does exactly W ← W − lr·∂L/∂W and b ← b − lr·∂L/∂b,
    as one step on the parameter vector θ (see Network.set_parameters).
    batch_size None (or ≥ the number of samples) means full-batch gradient descent.
    sharpness_every=k estimates the sharpness (the Hessian's largest eigenvalue, to set
    against 2/lr) after every k-th epoch, on the whole training set; None never does.
    regularization "l1" or "l2" adds that penalty of rate regularization_rate (λ) on the
    weights to the loss the steps minimise; the loss in the records stays L alone.
    """

    def __init__(self, net: Network, X, Y, loss="bce", lr=0.5, optimizer="sgd",
                 batch_size=None, seed=0, X_test=None, Y_test=None, tracked=None,
                 sharpness_every: int | None = None, regularization="none", regularization_rate=0.0):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}: choose from {', '.join(LOSSES)}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}: choose from {', '.join(OPTIMIZERS)}")
        check_pairing(net.output.name, loss)
        self.net = net
        self.X = np.asarray(X, dtype=np.float64)
        self.Y = np.asarray(Y, dtype=np.float64)
        if self.X.ndim != 2 or self.Y.ndim != 2 or len(self.X) != len(self.Y):
            raise ValueError(f"X and Y must be 2-D with one row per sample, got {self.X.shape} and {self.Y.shape}")
        if self.X.shape[1] != net.sizes[0] or self.Y.shape[1] != net.sizes[-1]:
            raise ValueError(f"data has {self.X.shape[1]} inputs and {self.Y.shape[1]} targets, "
                             f"the network {net.sizes[0]} inputs and {net.sizes[-1]} outputs")
        self.X_test = None if X_test is None or len(X_test) == 0 else np.asarray(X_test, dtype=np.float64)
        self.Y_test = None if self.X_test is None else np.asarray(Y_test, dtype=np.float64)
        self.loss_name = loss
        n = len(self.X)
        self.batch_size = n if not batch_size or batch_size >= n else int(batch_size)
        self.rng = np.random.default_rng([seed, 2])
        self.penalty = penalty(regularization, float(regularization_rate), net.weight_count)
        self.optimizer = OPTIMIZERS[optimizer](net.theta.size, lr, penalty=self.penalty)
        self.classify = _is_classification(self.Y)
        self.labels = _labels(self.Y)  # the classes, for counting correct answers
        self.tracked = list(tracked) if tracked is not None else default_tracked(net.sizes)
        try:   # where each tracked weight sits in θ, to read them all with one indexing
            self._tracked_at = np.array([net.theta_index(*t) for t in self.tracked], dtype=np.intp)
        except ValueError as error:
            raise ValueError(f"cannot track that weight: {error}") from None
        self._gradients = None  # the last batch's, whose arrays the next backward pass reuses
        if sharpness_every is not None and not (isinstance(sharpness_every, int) and sharpness_every >= 1):
            raise ValueError(f"sharpness_every must be a whole number of epochs, at least 1, or None; "
                             f"got {sharpness_every!r}")
        self.sharpness_every = sharpness_every
        self.last_sharpness: Sharpness | None = None  # the last estimate, with its iterations and eigenvector
        self.epoch = 0
        self.diverged_at: int | None = None
        self.first_loss: float | None = None   # the loss of epoch 1, what a run is measured against
        self.rising_since: int | None = None   # first epoch of the current stretch above first_loss
        self.last_loss: float | None = None
        self.last_record: EpochRecord | None = None
        self.checkpoints: dict[int, Checkpoint] = {}
        self._next_checkpoint = 1

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        """Takes effect from the next batch (the Lab changes it between epochs)."""
        self.optimizer.lr = float(value)

    @property
    def tracked_labels(self) -> list[str]:
        return [f"W{l + 1}[{i},{j}]" for l, i, j in self.tracked]

    def run_epoch(self) -> EpochRecord:
        """One pass over the training data; returns its record."""
        with np.errstate(all="ignore"):  # divergence is reported in the record, not as warnings
            return self._epoch()

    def run(self, epochs: int, log=None, should_stop=None, checkpoint=True) -> EpochRecord | None:
        """Run up to `epochs` epochs, appending each record to `log` if given: a MetricsLog,
        or anything with an append(record) method.

        This is the one loop over epochs: the Lab, `tutor train` and predict quizzes all
        train through it. It stops early on divergence or when should_stop() is true
        (checked after each epoch). It takes a checkpoint at the end, unless checkpoint
        is False (for a caller that runs in stretches, as the Lab does). Returns the last
        record.
        """
        record = None
        with np.errstate(all="ignore"):
            for _ in range(epochs):
                record = self._epoch()
                if log is not None:
                    log.append(record)
                if record.diverged or (should_stop is not None and should_stop()):
                    break
        if checkpoint:
            self.checkpoint()
        return record

    def divergence(self) -> str | None:
        """Why the run counts as diverging, or None: its loss became inf or NaN, or it
        now stands more than DIVERGING_FACTOR times above the first epoch's loss."""
        return divergence(self.diverged_at, self.first_loss, self.last_loss, self.rising_since,
                          self.optimizer.lr)

    def checkpoint(self) -> Checkpoint:
        """Copy the current weights, with the record of the epoch that made them (kept
        in self.checkpoints under this epoch)."""
        saved = Checkpoint.of(self.epoch, self.net, self.last_record)
        self.checkpoints[self.epoch] = saved
        return saved

    def _batches(self):
        """The epoch's (X, Y, labels) batches: the whole set, or a fresh shuffle cut
        into batch_size pieces."""
        X, Y, labels, size = self.X, self.Y, self.labels, self.batch_size
        if size >= len(X):
            return ((X, Y, labels),)
        order = self.rng.permutation(len(X))
        X, Y, labels = X[order], Y[order], labels[order]
        return [(X[i:i + size], Y[i:i + size], labels[i:i + size]) for i in range(0, len(X), size)]

    def _epoch(self) -> EpochRecord:
        """One step per batch, then the record: the steps' numbers averaged over the
        batches, and the weights' as they are after the last step."""
        steps = [self._step(*batch) for batch in self._batches()]
        losses, corrects, delta_means, gradient_norms = zip(*steps)   # one entry per batch
        loss = sum(losses) / len(steps)

        net = self.net
        self.epoch += 1
        test_loss = test_accuracy = None
        if self.X_test is not None:
            a, test_loss = net.evaluate(self.X_test, self.Y_test, self.loss_name)
            if self.classify:
                test_accuracy = _count_correct(a, _labels(self.Y_test)) / len(self.X_test)
        record = EpochRecord(
            epoch=self.epoch,
            loss=loss,
            test_loss=test_loss,
            accuracy=sum(corrects) / len(self.X) if self.classify else None,
            test_accuracy=test_accuracy,
            lr=self.optimizer.lr,
            weight_norms=tuple(norm(W) for W in net.weights),
            delta_means=_mean_per_layer(delta_means),
            gradient_norms=_mean_per_layer(gradient_norms),
            tracked=tuple(net.theta[self._tracked_at].tolist()),   # read from θ, where they sit
        )
        if self.penalty is not None:
            record.penalty = float(self.penalty.value(net.theta))
        if self.sharpness_every and self.epoch % self.sharpness_every == 0:
            record.sharpness = self._estimate_sharpness()
        self._follow_loss(loss)
        if not math.isfinite(loss):
            self.diverged_at = self.epoch
            record.diverged = True
            record.message = self.divergence()
        self.last_record = record
        if self.epoch == self._next_checkpoint:
            self._next_checkpoint *= 10
            record.checkpoint = self.checkpoint()
        return record

    def _estimate_sharpness(self) -> float:
        """λ_max of the Hessian of the full-batch loss at the current θ. Each estimate starts
        from the previous one's eigenvector, which θ's small moves keep nearly right, so
        it usually takes a few Hessian-vector products. θ and the random generators are
        left as they were: the run trains exactly as it would without it."""
        last = self.last_sharpness
        start = last.direction if last is not None and math.isfinite(last.value) else None
        self.last_sharpness = estimate_sharpness(self.net, self.X, self.Y, self.loss_name, start=start)
        return self.last_sharpness.value

    def _follow_loss(self, loss: float) -> None:
        """Keep first_loss, last_loss and rising_since (for divergence()) up to date."""
        self.last_loss = loss
        if self.first_loss is None:
            self.first_loss = loss
        elif not loss > self.first_loss:
            self.rising_since = None
        elif self.rising_since is None:
            self.rising_since = self.epoch

    def _step(self, X, Y, labels) -> tuple[float, int, list[float], list[float]]:
        """One step of gradient descent on a batch. Returns what the step saw: (L, right
        answers, mean |delta^l| per layer, ‖∂L/∂W^l‖ per layer)."""
        g = self._gradients = self.net.backward(X, Y, self.loss_name, train=True, out=self._gradients)
        self.optimizer.step(self.net.theta, g.nabla_theta)
        return (g.loss,
                _count_correct(g.activations[-1], labels) if self.classify else 0,
                [np.abs(delta).sum() / delta.size for delta in g.deltas],   # over samples and neurons
                [norm(nabla_w) for nabla_w in g.nabla_w])


def divergence(diverged_at, first_loss, last_loss, rising_since, lr) -> str | None:
    """Trainer.divergence()'s verdict from a run's numbers (engine/sweep.py's runs use it too)."""
    if diverged_at is not None:
        return (f"diverged at epoch {diverged_at:,}: the loss became {last_loss} "
                f"(learning rate {lr:g} is too large for this network)")
    if first_loss is None or not last_loss > DIVERGING_FACTOR * first_loss:
        return None
    return (f"diverging since epoch {rising_since:,}: the loss rose from {first_loss:.4g} "
            f"to {last_loss:.4g} (learning rate {lr:g} may be too large)")


def norm(x: np.ndarray) -> float:
    """The Euclidean norm of all of x's entries: ‖x‖ = √(x·x)."""
    return math.sqrt(np.vdot(x, x))


def _mean_per_layer(per_batch) -> tuple[float, ...]:
    """Per-layer numbers of each batch (one tuple per batch): each layer's mean over the batches."""
    return tuple(float(sum(layer)) / len(per_batch) for layer in zip(*per_batch))


def _labels(Y: np.ndarray) -> np.ndarray:
    """The class of each row, of targets or of outputs: y > 1/2 for one output, the
    argmax for several (outputs are the last axis, also for a stack of runs)."""
    return Y[..., 0] > 0.5 if Y.shape[-1] == 1 else Y.argmax(axis=-1)


def _count_correct(a: np.ndarray, labels: np.ndarray) -> int:
    """Samples classified right: the class the outputs a pick is the target's."""
    return int(np.count_nonzero(_labels(a) == labels))
