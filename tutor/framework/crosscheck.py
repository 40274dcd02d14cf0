"""`tutor crosscheck`: the engine and PyTorch on the same network, array by array.

Both start from the engine's initial weights and its data. On the first batch both run
forward and backward; then both take N optimizer steps on the same batches. Compared:
the outputs a^L, the loss L, each layer's δ^l, ∂L/∂W^l and ∂L/∂b^l, then the loss at
step N and the weights and biases after N steps. With regularisation, L and its
gradients are the data loss's, as the engine reports them; the penalty's gradient joins
at each step (twin.py), so it shows in the weights after N steps. Input features are
in the data both sides get.

A difference is measured per array: the largest |engine − PyTorch| over its entries, and
that divided by the largest |value| of the array (relative). Every relative difference
must be at most TOLERANCE: float64 carries about 16 significant digits, and the two
sides add the same numbers in different orders (BLAS blocks, fused kernels), so the last
digit or two differ, and N steps can carry that a little further, no more.

RReLU is compared twice: in evaluation mode (slope 11/48 on both sides) and in training
mode with the slopes the engine drew fed to PyTorch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import engine
from engine.features import RAW
from engine.regularization import penalty as make_penalty
from tutor.framework.twin import CONVENTIONS, TorchTwin, check_carried, require_torch

TOLERANCE = 1e-10
DEFAULT_STEPS = 100


@dataclass(frozen=True)
class Difference:
    """One compared quantity: the largest absolute and relative difference."""

    mode: str            # "" or, for RReLU, "evaluation" / "training"
    quantity: str        # "a^L", "L", "δ^1", "∂L/∂W^1", "W^1 after 100 steps", ...
    absolute: float
    relative: float

    @property
    def agrees(self) -> bool:
        return self.relative <= TOLERANCE   # False for NaN too

    @property
    def label(self) -> str:
        return f"{self.quantity} ({self.mode} mode)" if self.mode else self.quantity


@dataclass
class Report:
    config: engine.RunConfig
    steps: int
    rows: list[Difference] = field(default_factory=list)
    conventions: tuple[str, ...] = CONVENTIONS

    @property
    def agrees(self) -> bool:
        return all(row.agrees for row in self.rows)

    @property
    def first_disagreement(self) -> Difference | None:
        return next((row for row in self.rows if not row.agrees), None)

    @property
    def worst(self) -> Difference:
        return max(self.rows, key=lambda row: row.relative if math.isfinite(row.relative) else math.inf)


def difference(mode: str, quantity: str, ours, theirs) -> Difference:
    """The largest |ours − theirs|, alone and over the largest |value| of either."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    if ours.shape != theirs.shape:
        return Difference(mode, quantity, math.inf, math.inf)
    # A run that diverges on both sides alike (the same NaN or inf entries) agrees there;
    # an entry that is not finite on one side only is an infinite difference.
    alike = (np.isnan(ours) & np.isnan(theirs)) | (np.isinf(ours) & (ours == theirs))
    ours, theirs = ours[~alike], theirs[~alike]
    if not (np.isfinite(ours).all() and np.isfinite(theirs).all()):
        return Difference(mode, quantity, math.inf, math.inf)
    absolute = float(np.max(np.abs(ours - theirs), initial=0.0))
    scale = float(max(np.max(np.abs(ours), initial=0.0), np.max(np.abs(theirs), initial=0.0)))
    return Difference(mode, quantity, absolute, absolute / scale if scale > 0 else 0.0)


def batch_plan(n: int, batch_size: int, steps: int, seed: int) -> list[np.ndarray | None]:
    """The rows of each step: None for the whole set; with mini-batches, a fresh shuffle
    each pass cut into batch_size pieces, as engine.Trainer cuts its epochs."""
    if not batch_size or batch_size >= n:
        return [None] * max(steps, 1)
    rng = np.random.default_rng([seed, 2])
    plan: list[np.ndarray | None] = []
    while len(plan) < max(steps, 1):
        order = rng.permutation(n)
        plan += [order[i:i + batch_size] for i in range(0, n, batch_size)]
    return plan[:max(steps, 1)]


def drawn_slopes(net: engine.Network, state: dict, zs) -> list[np.ndarray]:
    """The RReLU slopes the engine drew in a training pass that started with its
    generator in `state`: drawn again, in the same order (one array per hidden layer)."""
    rrelu = engine.ACTIVATIONS["rrelu"]
    replay = np.random.default_rng()
    replay.bit_generator.state = state
    return [replay.uniform(rrelu.lower, rrelu.upper, size=z.shape) for z in zs[:-1]]


def crosscheck(config: engine.RunConfig, steps: int = DEFAULT_STEPS) -> Report:
    """Compare the engine and PyTorch on `config`'s network and data (see the module
    docstring). Raises TorchMissing without PyTorch, NotCarried for a setting it cannot
    map, engine.ConfigError for a run that cannot be built."""
    torch = require_torch()
    check_carried(config)
    net, trainer, _ = config.build()
    report = Report(config, steps)
    modes = ("evaluation", "training") if config.activation == "rrelu" else ("",)
    # One thread: on nets of this size PyTorch's threads only wait for each other (10x
    # slower on a busy 2-core machine), and the numbers are the same.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for mode in modes:
            report.rows += _compare(torch, config, net.copy(), trainer.X, trainer.Y, steps,
                                    train=mode != "evaluation", mode=mode)
    finally:
        torch.set_num_threads(threads)
    return report


def _compare(torch, config, net, X, Y, steps, train, mode) -> list[Difference]:
    twin = TorchTwin(torch, config, net)
    twin.train(train)
    # The engine's optimizer with the run's penalty (None without), as engine.Trainer makes it.
    penalty = make_penalty(config.regularization, config.regularization_rate, net.weight_count)
    optimizer = engine.OPTIMIZERS[config.optimizer](net.theta.size, config.lr, penalty=penalty)
    rrelu_slopes = train and config.activation == "rrelu"
    rows: list[Difference] = []
    L = net.layers
    with np.errstate(all="ignore"):
        for step, rows_of_batch in enumerate(batch_plan(len(X), config.batch_size, steps, config.seed)):
            x, y = (X, Y) if rows_of_batch is None else (X[rows_of_batch], Y[rows_of_batch])
            state = net.rng.bit_generator.state
            ours = net.backward(x, y, config.loss, train=train)
            slopes = drawn_slopes(net, state, ours.zs) if rrelu_slopes else None
            theirs = twin.backward(x, y, slopes)
            if step == 0:
                rows.append(difference(mode, f"a^{L} (outputs)", ours.activations[-1], theirs.output))
                rows.append(difference(mode, "L (loss)", ours.loss, theirs.loss))
                for l in range(L):
                    rows.append(difference(mode, f"δ^{l + 1}", ours.deltas[l], theirs.deltas[l]))
                    rows.append(difference(mode, f"∂L/∂W^{l + 1}", ours.nabla_w[l], theirs.nabla_w[l]))
                    rows.append(difference(mode, f"∂L/∂b^{l + 1}", ours.nabla_b[l], theirs.nabla_b[l]))
            taken = step + 1
            diverged = not math.isfinite(ours.loss)
            if taken == steps or diverged:
                rows.append(difference(mode, f"L at step {taken}", ours.loss, theirs.loss))
            if diverged:
                # The run stops here, as engine.Trainer stops it: past an inf, the two sides'
                # NaNs and infs would part for reasons that are not arithmetic.
                taken -= 1
                break
            optimizer.step(net.theta, ours.nabla_theta)
            twin.step()
    for l, (W, b) in enumerate(zip(twin.weights(), twin.biases())):
        rows.append(difference(mode, f"W^{l + 1} after {taken} steps", net.weights[l], W))
        rows.append(difference(mode, f"b^{l + 1} after {taken} steps", net.biases[l], b))
    return rows


# ----- as text -------------------------------------------------------------------------

def report_text(report: Report) -> str:
    """The agreement table, the conventions mapped, and the verdict."""
    config = report.config
    lines = [f"engine vs PyTorch (float64): {config.dataset} {'-'.join(map(str, config.layers))} "
             f"{config.activation}/{config.output}, loss {config.loss}, {config.optimizer} lr {config.lr:g}, "
             f"{report.steps} steps{_extras(config)}", ""]
    width = max(len(row.label) for row in report.rows)
    lines.append(f"{'quantity':<{width}}  {'largest |diff|':>14}  {'relative':>9}")
    for row in report.rows:
        mark = "✓" if row.agrees else "✗"
        lines.append(f"{row.label:<{width}}  {row.absolute:>14.2e}  {row.relative:>9.2e}  {mark}")
    lines += ["", "PyTorch's conventions, mapped:"] + [f"  {line}" for line in report.conventions] + [""]
    lines.append(verdict(report))
    return "\n".join(lines)


def _extras(config: engine.RunConfig) -> str:
    """The regularisation and input features, when the run has them."""
    extras = ""
    if config.regularization != "none":
        extras += f", {config.regularization} λ {config.regularization_rate:g}"
    if config.features != RAW:
        extras += f", features {','.join(config.features)}"
    return extras


def verdict(report: Report) -> str:
    first = report.first_disagreement
    if first is None:
        worst = report.worst
        return (f"all {len(report.rows)} quantities agree to {TOLERANCE:g} relative "
                f"(the largest difference: {worst.label}, {worst.relative:.1e})")
    if not math.isfinite(first.relative):
        return f"disagreement: {first.label} is inf or NaN on one side only"
    return (f"disagreement: {first.label} differs by {first.relative:.3g} relative "
            f"({first.absolute:.3g} absolute), above {TOLERANCE:g}")
