"""Comparisons: one run varied over activations × learning rates × seeds, side by side.

The learner's central questions are comparisons: "tanh or sigmoid or ReLU: if the
error drops with all of them, does it matter?", "should I raise the learning rate?".
A Comparison answers them with numbers. It takes a base RunConfig and lists of hidden
activations, learning rates and seeds (an empty list keeps the base's value), makes
one run of every combination, and trains them all as one engine.sweep.Sweep (runs
of the same shapes share each NumPy call, so 60 small runs cost a few single runs).

What it reads off the runs' MetricsLogs, while they train or after:
- table(): each run at epochs 1, 100, 10,000 and its last (TABLE_EPOCHS): loss,
  accuracy, test loss and accuracy (with a held-out set), mean |δ^l| and ‖W^l‖ per
  layer, and the epoch the run diverged at, if it did;
- summary(target_loss, by): per configuration (activation × lr, over its seeds) and
  per group (all runs of one activation, or of one lr): the epochs the runs needed to
  reach the target loss (the median over the seeds that reached it), the share of
  seeds that reached it, and the final training and test loss (median, min and max).
  Here "the error drops with all of them" meets what differs: speed, reliability
  across seeds, test error.

A diverged run's final loss is inf or NaN; a summary counts it as +inf (worse than
any finite loss), so that a median over seeds says "more than half diverged" as inf.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from engine.config import ConfigError, RunConfig, shown
from engine.sweep import Sweep, SweepRun

# The epochs a comparison's table shows (and each run's last): the first epoch, a
# hundred (where a good learning rate has made its mark), ten thousand (where a slow
# one may have caught up).
TABLE_EPOCHS = (1, 100, 10_000)

GROUPINGS = ("activation", "lr")

# The target loss a run must reach to count as "learned", by loss, when none is given.
# bce and cross_entropy: 0.1 is a mean −ln(p) of 0.1, the right class given p ≈ 0.9 on
# average: every point classified, with some confidence. mse (½Σ(a − y)²): 0.01 is an
# error |a − y| ≈ 0.14 per output, about the 0.1 noise the generated datasets add.
DEFAULT_TARGET_LOSS = {"bce": 0.1, "cross_entropy": 0.1, "mse": 0.01}

# Epochs between two sharpness estimates of every run that keep their cost small next to
# a sweep's training (Comparison(..., sharpness_every=...)): a sweep makes each run's epoch
# far cheaper, an estimate costs what it costs alone. bench/compare.py, 60 xor 2-4-1 runs
# of 10,000 epochs: every 1,000 epochs 1.07x the time without, every 100 epochs 2.1x.
COMPARE_SHARPNESS_EVERY = 1000

# A bound on what one comparison may ask for: its runs, and the numbers its logs hold
# (every epoch of every run is kept: runs × epochs × columns × 8 bytes).
MAX_RUNS = 500
MAX_LOG_BYTES = 1_000_000_000


def default_target_loss(loss_name: str) -> float:
    """The loss a run must reach to count as having learned, for this loss function
    (DEFAULT_TARGET_LOSS says why each)."""
    return DEFAULT_TARGET_LOSS[loss_name]


class ComparisonError(ValueError):
    """A comparison that cannot be made; `.field` names the list (or setting) at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class TableRow:
    """One run at one epoch. Per-layer tuples have one entry per weight layer (W¹ first)."""

    run: int                       # the run's index in Comparison.runs
    activation: str
    lr: float
    seed: int
    epoch: int
    loss: float
    accuracy: float | None         # None for regression
    test_loss: float | None        # None without a held-out set
    test_accuracy: float | None
    delta_means: tuple[float, ...]   # mean |δ^l| over samples and neurons
    weight_norms: tuple[float, ...]  # ‖W^l‖
    diverged_at: int | None        # the epoch the run's loss became inf or NaN, if it did


@dataclass(frozen=True)
class Spread:
    """A median over runs, with the lowest and highest value (inf for a diverged run)."""

    median: float
    low: float
    high: float


@dataclass(frozen=True)
class SummaryRow:
    """Runs that share an activation and a learning rate (a configuration, over its
    seeds), or one of them (a group: `activation` or `lr` is None)."""

    activation: str | None
    lr: float | None
    runs: int                        # runs summarised (seeds, or configurations × seeds)
    reached: int                     # how many reached the target loss
    epochs_to_target: float | None   # median epoch at which those reached it; None if none did
    final_loss: Spread
    final_test_loss: Spread | None   # None without a held-out set
    diverged: int                    # runs whose loss became inf or NaN

    @property
    def reached_share(self) -> float:
        return self.reached / self.runs if self.runs else 0.0


class Comparison:
    """A base RunConfig varied over `activations` × `lrs` × `seeds`, trained as one Sweep.

    `runs[i]` is the run of `configs[i]`, in the order activation, lr, seed (each as its
    list gives them). run() trains them all; it may run in a worker thread while
    another reads table(), summary() or each run's log (MetricsLog readers never see a
    half-written epoch).
    """

    def __init__(self, base: RunConfig, activations=(), lrs=(), seeds=(),
                 sharpness_every: int | None = None):
        self.base = base
        self.activations = parse_list(base, "activation", activations)
        self.lrs = parse_list(base, "lr", lrs)
        self.seeds = parse_list(base, "seed", seeds)
        check_size(base, len(self.activations), len(self.lrs), len(self.seeds))
        self.configs = [dataclasses.replace(base, activation=activation, lr=lr, seed=seed)
                        for activation in self.activations for lr in self.lrs for seed in self.seeds]
        self.sweep = Sweep(self.configs, sharpness_every=sharpness_every)
        self.runs: list[SweepRun] = self.sweep.runs

    @property
    def has_test(self) -> bool:
        return self.runs[0].group.has_test

    @property
    def classify(self) -> bool:
        return self.runs[0].group.classify

    def run(self, should_stop=None) -> None:
        """Train every run to its last epoch, or until it diverges, or should_stop()."""
        self.sweep.run(should_stop)

    @property
    def done(self) -> int:
        """Runs that have stopped (finished, diverged or stopped)."""
        return sum(not run.group.active[run.row] for run in self.runs)

    # ----- grouping ---------------------------------------------------------------

    def key(self, index: int, by: str):
        """The group run `index` belongs to: its activation, or its learning rate."""
        _check_grouping(by)
        return getattr(self.configs[index], by)

    def groups(self, by: str) -> dict:
        """Each group's key (in its list's order) and its runs' indices."""
        keys = self.activations if _check_grouping(by) == "activation" else self.lrs
        grouped = {key: [] for key in keys}
        for index, config in enumerate(self.configs):
            grouped[getattr(config, by)].append(index)
        return grouped

    # ----- the table --------------------------------------------------------------

    def table(self, epochs=TABLE_EPOCHS) -> list[TableRow]:
        """Each run at `epochs` and at its last epoch so far (an epoch past a run's end
        is left out), run by run in the order of `runs`."""
        rows = []
        for index, run in enumerate(self.runs):
            count = run.log.count
            wanted = sorted({epoch for epoch in epochs if epoch <= count} | ({count} if count else set()))
            rows.extend(self._row(index, run, epoch) for epoch in wanted)
        return rows

    def _row(self, index: int, run: SweepRun, epoch: int) -> TableRow:
        log, config = run.log, run.config

        def at(name):
            _, values = log.rows(name, epoch - 1, epoch)
            return values[0]

        def optional(name, present):
            return float(at(name)) if present else None

        return TableRow(
            run=index, activation=config.activation, lr=config.lr, seed=config.seed, epoch=epoch,
            loss=float(at("loss")), accuracy=optional("accuracy", self.classify),
            test_loss=optional("test_loss", self.has_test),
            test_accuracy=optional("test_accuracy", self.has_test and self.classify),
            delta_means=tuple(at("delta_means").tolist()), weight_norms=tuple(at("weight_norms").tolist()),
            diverged_at=run.diverged_at)

    # ----- the summary ------------------------------------------------------------

    def epochs_to_target(self, index: int, target_loss: float) -> int | None:
        """The first epoch at which run `index`'s training loss was at most the target."""
        reached = np.flatnonzero(self.runs[index].log.column("loss") <= target_loss)
        return int(reached[0]) + 1 if len(reached) else None

    def summary(self, target_loss: float | None = None, by: str | None = None) -> list[SummaryRow]:
        """Per configuration (activation × lr over the seeds, in the runs' order) with
        by=None; per group with by="activation" or "lr". target_loss defaults to
        default_target_loss(the base's loss)."""
        target = default_target_loss(self.base.loss) if target_loss is None else target_loss
        if by is None:
            sets = {}
            for index, config in enumerate(self.configs):
                sets.setdefault((config.activation, config.lr), []).append(index)
        else:
            sets = {((key, None) if by == "activation" else (None, key)): indices
                    for key, indices in self.groups(by).items()}
        return [self._summarise(activation, lr, indices, target) for (activation, lr), indices in sets.items()]

    def _summarise(self, activation, lr, indices, target) -> SummaryRow:
        runs = [self.runs[i] for i in indices if self.runs[i].log.count]
        reached = [epoch for epoch in (self.epochs_to_target(i, target) for i in indices) if epoch is not None]
        return SummaryRow(
            activation=activation, lr=lr, runs=len(indices), reached=len(reached),
            epochs_to_target=float(np.median(reached)) if reached else None,
            final_loss=_spread([run.log.last("loss") for run in runs]),
            final_test_loss=_spread([run.log.last("test_loss") for run in runs]) if self.has_test else None,
            diverged=sum(run.diverged_at is not None for run in runs))


def _spread(values) -> Spread:
    """Median, lowest and highest of the values, a non-finite one counting as +inf
    (a diverged run's loss is worse than any other); NaN for no values (nothing trained yet)."""
    if not values:
        return Spread(math.nan, math.nan, math.nan)
    values = np.array(values, dtype=float)
    values[~np.isfinite(values)] = math.inf
    return Spread(float(np.median(values)), float(values.min()), float(values.max()))


# The list each varied setting comes from, as errors name it.
LISTS = {"activation": "activations", "lr": "lrs", "seed": "seeds"}


def parse_list(base: RunConfig, setting: str, given) -> tuple:
    """The values of a list that varies `setting` ("activation", "lr" or "seed") of the
    base run: each parsed and checked as RunConfig checks that setting (text or typed),
    none twice; the base's value alone if the list is empty. ComparisonError names the list."""
    values = []
    for raw in given or (getattr(base, setting),):
        try:
            value = getattr(dataclasses.replace(base, **{setting: raw}), setting)
        except ConfigError as error:
            raise ComparisonError(LISTS[setting], error.message) from None
        if value in values:
            raise ComparisonError(LISTS[setting], f"{shown(raw)} is listed twice")
        values.append(value)
    return tuple(values)


def check_size(base: RunConfig, activations: int, lrs: int, seeds: int) -> None:
    """Refuse more than MAX_RUNS runs, or logs of more than MAX_LOG_BYTES (ComparisonError)."""
    count = activations * lrs * seeds
    if count > MAX_RUNS:
        raise ComparisonError("runs", f"{count:,} runs ({activations} × {lrs} × {seeds}: activations × "
                                      f"learning rates × seeds); the limit is {MAX_RUNS}")
    need = count * base.epochs * _log_width(base) * 8
    if need > MAX_LOG_BYTES:
        raise ComparisonError("epochs", f"{count:,} run{'s' if count > 1 else ''} of {base.epochs:,} epochs would keep about "
                                        f"{need / 1e9:.1f} GB of numbers; the limit is "
                                        f"{MAX_LOG_BYTES / 1e9:g} GB: use fewer runs or fewer epochs")


def _check_grouping(by: str) -> str:
    if by not in GROUPINGS:
        raise ComparisonError("by", f"cannot group by {by!r}; choose from {', '.join(GROUPINGS)}")
    return by


def _log_width(config: RunConfig) -> int:
    """Numbers a run's log keeps per epoch: the scalars, three per layer, the tracked weights."""
    from engine.metrics import SCALARS
    from engine.training import default_tracked

    return len(SCALARS) + 3 * (len(config.layers) - 1) + len(default_tracked(config.layers))
