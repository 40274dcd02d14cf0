"""Sweeps: many runs trained together, one epoch of all of them at a time.

A comparison (activations × learning rates × seeds) is many small runs, and an epoch
of a small net costs NumPy's overhead per call, not arithmetic. So runs that share
their layer sizes share each call: the θ of run r is row r of one array Θ of shape
(runs, P), W^l is a view of it of shape (runs, fan_in, fan_out), and network.py's
equations gain a leading run axis r:

    z^l[r] = a^(l-1)[r] @ W^l[r] + b^l[r]                one np.matmul for all runs
    BP1  delta^L[r] = ∇_a C ⊙ f'(z^L[r])                  (the loss's delta, losses.py)
    BP2  delta^l[r] = (delta^(l+1)[r] @ W^(l+1)[r]ᵀ) ⊙ f'(z^l[r])
    BP3  ∂L/∂b^l[r] = mean over the batch of delta^l[r]
    BP4  ∂L/∂W^l[r] = a^(l-1)[r]ᵀ @ delta^l[r] / n

The activations, losses and optimizers are the engine's own: they work element by
element, or on the last axis, so a leading run axis changes nothing in them. Runs of
one group may differ in hidden activation (they are ordered by it, so that each
activation applies to one block of rows, a view), learning rate (η is a column, one
entry per run) and seed.

Each run draws exactly the random numbers it would draw alone, from its own
generators, made as RunConfig.build makes them: initial weights from Network(seed),
RReLU's slopes from the network's generator, shuffles from the trainer's. So each
run's numbers equal the single-run engine's, to rounding (a batched product may add
in another order).

A run stops at its config's last epoch, or at the epoch its loss becomes inf or NaN,
as Trainer.run stops: its log ends there and its last checkpoint is taken. Its row is
still computed with the others (no operation mixes rows, so it poisons none of them),
and never read again.

With sharpness_every=k a sweep estimates each run's sharpness (engine/sharpness.py)
after every k-th epoch, as Trainer(sharpness_every=k) does: one estimate per run, on a
twin network holding that run's θ, warm-started from the run's previous eigenvector, so
each value equals the single run's. (It is the one per-run loop of an epoch: at k = 100 on
xor 2-4-1 an estimate costs about what 30 epochs of the whole stack do; bench/compare.py
measures it.) Without it, that column of the logs stays NaN, as in a run trained
without sharpness_every.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from engine.config import RunConfig
from engine.losses import LOSSES
from engine.metrics import MetricsLog, StackedLogs
from engine.network import Network
from engine.sharpness import Sharpness, estimate_sharpness
from engine.training import Checkpoint, EpochRecord, Trainer, _labels, divergence


class SweepRun:
    """One run of a sweep: its config, its MetricsLog (as Trainer.run fills one), its
    checkpoints (epochs 1, 10, 100, ... and its last) and, as a Trainer has them, its
    epoch, last record and divergence(). It reads its numbers from its group's arrays,
    which stop changing for it when it stops."""

    def __init__(self, config: RunConfig, net: Network, group: "RunGroup", row: int):
        self.config, self.net = config, net   # net: the run as built, with its initial weights
        self.group, self.row = group, row
        self.log: MetricsLog = group.logs.logs[row]
        self.checkpoints: dict[int, Checkpoint] = {}
        self.diverged_at: int | None = None
        self.last_sharpness: Sharpness | None = None   # as Trainer.last_sharpness (sharpness_every)

    @property
    def epoch(self) -> int:
        return int(self.group.run_epochs[self.row])

    @property
    def first_loss(self) -> float | None:
        return None if self.epoch == 0 else float(self.group.first_loss[self.row])

    @property
    def last_loss(self) -> float | None:
        return None if self.epoch == 0 else float(self.group.last_loss[self.row])

    @property
    def rising_since(self) -> int | None:
        return int(self.group.rising_since[self.row]) or None

    @property
    def last_record(self) -> EpochRecord | None:
        return None if self.log.count == 0 else self.group.record(self.row)

    def divergence(self) -> str | None:
        """As Trainer.divergence(): why the run counts as diverging, or None."""
        return divergence(self.diverged_at, self.first_loss, self.last_loss, self.rising_since,
                          self.config.lr)


class Sweep:
    """Train many RunConfigs at once: runs of the same layer sizes, output, loss,
    optimizer, batch size and data shape form a group that trains as one stack (or as
    a few, when one would exceed STACK_NUMBERS).

    `runs[i]` is the run of `configs[i]`; each trains for its config's epochs.
    sharpness_every=k estimates each run's sharpness after every k-th epoch, as
    Trainer(sharpness_every=k) does; None never does.
    """

    def __init__(self, configs, sharpness_every: int | None = None):
        if sharpness_every is not None and not (isinstance(sharpness_every, int) and sharpness_every >= 1):
            raise ValueError(f"sharpness_every must be a whole number of epochs, at least 1, or None; "
                             f"got {sharpness_every!r}")
        self.sharpness_every = sharpness_every
        self.configs = list(configs)
        built = [config.build() for config in self.configs]   # validates each config
        order = sorted(range(len(built)), key=lambda i: (_group_key(self.configs[i], built[i][1]),
                                                         self.configs[i].activation))
        self.groups, runs = [], {}
        for _, same in itertools.groupby(order, key=lambda i: _group_key(self.configs[i], built[i][1])):
            same = list(same)
            trainer = built[same[0]][1]
            size = runs_per_stack(trainer.batch_size, max(self.configs[same[0]].layers))
            for start in range(0, len(same), size):
                members = same[start:start + size]
                group = RunGroup([self.configs[i] for i in members], [built[i] for i in members],
                                 sharpness_every)
                self.groups.append(group)
                runs.update(zip(members, group.runs))
        self.runs: list[SweepRun] = [runs[i] for i in range(len(built))]

    def run(self, should_stop=None) -> None:
        """Train every run to its last epoch (or until it diverges), stopping early when
        should_stop() is true (checked after each epoch of all groups)."""
        with np.errstate(all="ignore"):  # divergence is reported per run, not as warnings
            while True:
                training = [group for group in self.groups if group.active.any()]
                if not training:
                    return
                for group in training:
                    group.epoch()
                if should_stop is not None and should_stop():
                    for group in training:
                        group.stop_all()
                    return


# The most numbers a stack's z^l (runs, batch, width) may hold: 2^13 float64, 64 kB.
# Small nets are bound by NumPy's overhead per call, which stacking shares; bigger ones
# by arithmetic, which it cannot share. And past about 100 kB per array, the epoch's
# temporaries are more than glibc's malloc keeps (it hands them back to the system,
# and the next epoch pays page faults for them): 2-16-16-1 on 200 points, the forward
# pass per run was 27-29 µs in stacks of 2 or 3 runs, 75-79 µs in stacks of 4 or 5,
# and 36 µs alone (27 µs in stacks of 5 with MALLOC_TRIM_THRESHOLD_ raised).
STACK_NUMBERS = 2 ** 13


# Epochs the logs' shared block holds (for xor 2-4-1, 17 numbers an epoch: 13.6 MB a run); past them
# each run's log grows on its own, as a MetricsLog does, rather than a sweep of 10^8
# epochs asking for its whole block at the start.
LOG_BLOCK_EPOCHS = 100_000


def runs_per_stack(batch_size: int, widest: int) -> int:
    """How many runs of this batch size and widest layer one stack takes."""
    return max(1, STACK_NUMBERS // (batch_size * widest))


def _group_key(config: RunConfig, trainer: Trainer) -> tuple:
    """What runs must share to train as one stack (sorted by activation within it)."""
    return (config.layers, config.output, config.loss, config.optimizer, trainer.batch_size,
            trainer.X.shape, () if trainer.X_test is None else trainer.X_test.shape, trainer.classify)


class RunGenerators:
    """The generators of a block of runs, drawn from as one: uniform(low, high, size),
    with size (runs, ...), gives row r the size[1:] numbers run r's generator would
    give run r alone. RReLU's sample() takes it for its rng.

    A generator gives the same numbers whether they are drawn at once or in pieces, so
    each run's numbers are drawn AHEAD at a time and handed out in order: one call per
    run every few hundred epochs, instead of one per run per layer per batch (on xor
    2-4-1, 12 RReLU runs cost 24 µs an epoch drawing piece by piece).
    """

    AHEAD = 4096   # numbers per run and draw

    def __init__(self, generators):
        self.generators = generators
        self.bounds = None                                 # (low, high) of the numbers in stock
        self.stock = np.empty((len(generators), 0))        # row r: run r's next numbers, in order

    def uniform(self, low, high, size):
        count = math.prod(size[1:])
        if self.bounds not in (None, (low, high)):   # the stock would be numbers of other bounds
            raise ValueError(f"these generators give numbers in {self.bounds}, not ({low}, {high})")
        self.bounds = (low, high)
        if self.stock.shape[1] < count:
            more = np.array([rng.uniform(low, high, max(count, self.AHEAD)) for rng in self.generators])
            self.stock = np.concatenate([self.stock, more], axis=1)
        numbers, self.stock = self.stock[:, :count], self.stock[:, count:]
        return numbers.reshape(size)


class RunGroup:
    """Runs that train as one stack: Θ of shape (runs, P), and each run's data as row
    r of X (runs, n, n_0) and Y (runs, n, n_L). `built` holds what each config's
    build() made: its network, trainer and data."""

    def __init__(self, configs: list[RunConfig], built, sharpness_every: int | None = None):
        nets = [net for net, _, _ in built]
        trainers = [trainer for _, trainer, _ in built]
        first, trainer = nets[0], trainers[0]
        self.output, self.cost = first.output, LOSSES[trainer.loss_name]
        self.batch_size, self.classify = trainer.batch_size, trainer.classify
        self.shufflers = [t.rng for t in trainers]  # each run's own shuffle stream
        self.X = np.stack([t.X for t in trainers])
        self.Y = np.stack([t.Y for t in trainers])
        self.labels = _labels(self.Y)
        self.X_test = None if trainer.X_test is None else np.stack([t.X_test for t in trainers])
        self.Y_test = None if trainer.X_test is None else np.stack([t.Y_test for t in trainers])
        self.tracked_at = trainer._tracked_at
        self.loss_name = trainer.loss_name
        self.sharpness_every = sharpness_every
        # A twin of each network for the sharpness: it takes the run's θ before an estimate
        # (the built network keeps its initial weights).
        self.twins = [net.copy() for net in nets] if sharpness_every else []

        self.theta = np.stack([net.theta for net in nets])            # Θ: row r is run r's θ
        self.weights, self.biases = first.split(self.theta)          # views: W^l (runs, fan_in, fan_out)
        self.nabla_theta = np.empty_like(self.theta)
        self.nabla_w, self.nabla_b = first.split(self.nabla_theta)
        self.lr = np.array([[config.lr] for config in configs])       # η, one per run
        self.optimizer = type(trainer.optimizer)(self.theta.shape, self.lr)

        # Hidden activations by blocks of rows: (activation, rows, the rows' generators).
        self.blocks = []
        for _, rows in itertools.groupby(range(len(nets)), key=lambda r: nets[r].activation.name):
            rows = list(rows)
            self.blocks.append((nets[rows[0]].activation, slice(rows[0], rows[-1] + 1),
                                RunGenerators([nets[r].rng for r in rows])))

        self.logs = StackedLogs(len(nets), first.layers, len(trainer.tracked),
                                capacity=min(max(config.epochs for config in configs), LOG_BLOCK_EPOCHS))
        self.epochs = np.array([config.epochs for config in configs])   # each run's last epoch
        self.active = np.ones(len(nets), dtype=bool)                     # runs still training
        self.epoch_number = 0                                            # epochs the group has run
        self.has_test = trainer.X_test is not None
        # Trainer's per-run state, frozen for a run when it stops: epochs done, the losses
        # of its first and last epoch, the epoch its loss rose above the first (0: it is not).
        self.run_epochs = np.zeros(len(nets), dtype=int)
        self.first_loss = np.full(len(nets), np.nan)
        self.last_loss = np.full(len(nets), np.nan)
        self.rising_since = np.zeros(len(nets), dtype=int)
        self.runs = [SweepRun(config, net, self, r) for r, (config, net) in enumerate(zip(configs, nets))]

    # ----- the network, for all runs at once -------------------------------------

    def feedforward(self, X, train=False):
        """Network.feedforward with a leading run axis: (zs, activations, fprimes)."""
        a = X
        zs, activations, fprimes = [], [a], []
        L = len(self.weights)
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b[:, np.newaxis, :]          # b^l[r] added to every sample's row
            if l == L - 1:
                a = self.output(z)
            else:
                a, fprime = self.hidden(z, train)
                fprimes.append(fprime)
            zs.append(z)
            activations.append(a)
        return zs, activations, fprimes

    def hidden(self, z, train):
        """(f(z), f'(z)) for a hidden layer, each block of runs by its own activation f
        (in training as Activation.sample gives them, with the runs' own generators)."""
        if len(self.blocks) == 1:
            activation, _, generators = self.blocks[0]
            return activation.sample(z, generators) if train else (activation(z), None)
        a, fprime = np.empty_like(z), np.empty_like(z)
        for activation, rows, generators in self.blocks:
            if train:
                a[rows], fprime[rows] = activation.sample(z[rows], generators)
            else:
                a[rows] = activation(z[rows])
        return a, fprime

    def step(self, X, Y, labels):
        """One gradient step of every run on its batch, by BP1-BP4. Returns, per run,
        what Trainer._step returns: (L, right answers, [mean |delta^l|], [‖∂L/∂W^l‖])."""
        zs, activations, fprimes = self.feedforward(X, train=True)
        n = X.shape[1]
        L = len(self.weights)
        deltas = [None] * L
        deltas[-1] = self.cost.delta(zs[-1], activations[-1], Y, self.output)                # BP1
        for l in range(L - 2, -1, -1):
            deltas[l] = (deltas[l + 1] @ self.weights[l + 1].transpose(0, 2, 1)) * fprimes[l]  # BP2
        for l, delta in enumerate(deltas):
            self.nabla_b[l][...] = delta.sum(axis=1) / n                                    # BP3
            self.nabla_w[l][...] = activations[l].transpose(0, 2, 1) @ delta / n            # BP4
        loss = self.cost.cost(zs[-1], activations[-1], Y).sum(axis=-1) / n
        self.optimizer.step(self.theta, self.nabla_theta)
        correct = np.count_nonzero(_labels(activations[-1]) == labels, axis=-1) if self.classify else 0
        delta_means = [np.abs(delta).sum(axis=(1, 2)) / delta[0].size for delta in deltas]  # over samples and neurons
        return loss, correct, delta_means, [norms(g) for g in self.nabla_w]

    def batches(self):
        """The epoch's batches, as Trainer._batches cuts them: the whole set, or each run's
        own shuffle (from its own generator) cut into batch_size pieces."""
        X, Y, labels, size = self.X, self.Y, self.labels, self.batch_size
        n = X.shape[1]
        if size >= n:
            return ((X, Y, labels),)
        order = np.stack([rng.permutation(n) for rng in self.shufflers])
        runs = np.arange(len(order))[:, np.newaxis]
        X, Y, labels = X[runs, order], Y[runs, order], labels[runs, order]
        return [(X[:, i:i + size], Y[:, i:i + size], labels[:, i:i + size]) for i in range(0, n, size)]

    # ----- one epoch: steps, then the record -------------------------------------

    def epoch(self) -> None:
        """Trainer._epoch for every run: the steps, then one row in each active run's log,
        the checkpoints due, and the runs that stop here stopped."""
        steps = [self.step(*batch) for batch in self.batches()]
        losses, corrects, delta_means, gradient_norms = zip(*steps)   # one entry per batch
        loss = sum(losses) / len(steps)
        self.epoch_number += 1
        columns = dict(
            epoch=self.epoch_number, loss=loss, lr=self.lr[:, 0],
            accuracy=sum(corrects) / self.X.shape[1] if self.classify else np.nan,
            test_loss=np.nan, test_accuracy=np.nan,
            weight_norms=_by_layer([norms(W) for W in self.weights]),
            delta_means=_by_layer(_mean_per_layer(delta_means)),
            gradient_norms=_by_layer(_mean_per_layer(gradient_norms)),
            tracked=self.theta[:, self.tracked_at],
        )
        if self.sharpness_every:   # else the column stays NaN, as StackedLogs starts it
            columns["sharpness"] = self.sharpness()
        if self.X_test is not None:
            zs, activations, _ = self.feedforward(self.X_test)
            columns["test_loss"] = self.cost.cost(zs[-1], activations[-1], self.Y_test).mean(axis=-1)
            if self.classify:
                right = np.count_nonzero(_labels(activations[-1]) == _labels(self.Y_test), axis=-1)
                columns["test_accuracy"] = right / self.X_test.shape[1]
        self.logs.append(self.active, **columns)
        self.follow_loss(loss)

        diverged = self.active & ~np.isfinite(loss)
        stopping = diverged | (self.active & (self.epochs == self.epoch_number))
        due = self.epoch_number == 10 ** (len(str(self.epoch_number)) - 1)   # 1, 10, 100, ...
        for r in np.flatnonzero(self.active if due else stopping):
            self.checkpoint(r, diverged[r])
        self.active &= ~stopping

    def sharpness(self) -> np.ndarray:
        """Each active run's sharpness after this epoch if it is a k-th one (sharpness_every),
        as Trainer._estimate_sharpness finds it; NaN for the others."""
        values = np.full(len(self.runs), np.nan)
        if self.epoch_number % self.sharpness_every:
            return values
        for r in np.flatnonzero(self.active):
            run, twin = self.runs[r], self.twins[r]
            twin.theta[...] = self.theta[r]
            last = run.last_sharpness
            start = last.direction if last is not None and math.isfinite(last.value) else None
            run.last_sharpness = estimate_sharpness(twin, self.X[r], self.Y[r], self.loss_name, start=start)
            values[r] = run.last_sharpness.value
        return values

    def follow_loss(self, loss) -> None:
        """Trainer._follow_loss for the active runs: their epochs, first and last loss,
        and the epoch each one's loss rose above its first (0: it is not above)."""
        active = self.active
        self.run_epochs += active
        if self.epoch_number == 1:
            self.first_loss[:] = loss
        np.copyto(self.last_loss, loss, where=active)
        rising = np.where(self.rising_since == 0, self.epoch_number, self.rising_since)
        np.copyto(self.rising_since, np.where(loss > self.first_loss, rising, 0), where=active)

    def checkpoint(self, r: int, diverged: bool) -> None:
        """Run r's record of this epoch with a copy of its weights, as Trainer.checkpoint."""
        run = self.runs[r]
        if diverged:
            run.diverged_at = self.epoch_number
        record = self.record(r)
        saved = Checkpoint(self.epoch_number, tuple(W[r].copy() for W in self.weights),
                           tuple(b[r].copy() for b in self.biases), record)
        record.checkpoint = saved
        run.checkpoints[self.epoch_number] = saved

    def record(self, r: int) -> EpochRecord:
        """Run r's EpochRecord of its last epoch, from its log (as Trainer's records are)."""
        log = self.runs[r].log

        def per_layer(name):
            return tuple(log.last(name).tolist())

        def scalar(name, present):
            return float(log.last(name)) if present else None

        record = EpochRecord(
            epoch=int(log.last("epoch")), loss=float(log.last("loss")),
            test_loss=scalar("test_loss", self.has_test), accuracy=scalar("accuracy", self.classify),
            test_accuracy=scalar("test_accuracy", self.has_test and self.classify),
            lr=float(log.last("lr")), weight_norms=per_layer("weight_norms"),
            delta_means=per_layer("delta_means"), gradient_norms=per_layer("gradient_norms"),
            tracked=per_layer("tracked"))
        if not math.isnan(log.last("sharpness")):
            record.sharpness = float(log.last("sharpness"))
        if self.runs[r].diverged_at == record.epoch:
            record.diverged, record.message = True, self.runs[r].divergence()
        return record

    def stop_all(self) -> None:
        """Stop every active run where it is (should_stop), with its last checkpoint."""
        for r in np.flatnonzero(self.active):
            if self.epoch_number not in self.runs[r].checkpoints:
                self.checkpoint(r, False)
        self.active[:] = False


def norms(x: np.ndarray) -> np.ndarray:
    """‖x[r]‖ = √(x[r]·x[r]) for each run r of a stack of matrices (runs, m, n)."""
    return np.sqrt(np.einsum("rij,rij->r", x, x))


def _by_layer(per_layer) -> np.ndarray:
    """A list of per-run arrays, one per layer, as a table with a row per run and a
    column per layer (what a log's per-layer block of columns holds)."""
    return np.array(per_layer).T


def _mean_per_layer(per_batch):
    """Per-layer arrays of each batch: each layer's mean over the batches, per run."""
    return [sum(layer) / len(per_batch) for layer in zip(*per_batch)]
