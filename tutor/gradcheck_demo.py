"""The engine's gradient check (engine/gradcheck.py) on a network as built and on a copy
with a deliberately wrong derivative, side by side: what a lesson's ```gradcheck block shows.

The wrong derivative lives here, never in the engine: the copy's `activation` is a
BrokenDerivative wrapped around the registry's activation. The registry entry and the
original network are left as they were; engine.gradcheck.gradcheck is the one check.

The verdicts follow the CS231n notes' rules of thumb for the relative error
|g − ĝ| / max(|g|, |ĝ|): 1e-7 or less is right; above 1e-2 the gradient is wrong;
in between is suspicious (acceptable only where the loss has kinks, such as ReLU's at 0).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.activations import Activation

RIGHT, WRONG = 1e-7, 1e-2   # CS231n: ≤ 1e-7 right, > 1e-2 wrong, suspicious in between


@dataclass(frozen=True)
class Breakage:
    """One deliberately wrong derivative: what f′ returns instead, and that in words."""

    words: str                                   # {f}: f(x) of the activation, {fp}: f′(x)
    derivative: Callable[[Activation, np.ndarray], np.ndarray]

    def describe(self, activation: Activation) -> str:
        f, fp = (text.split("=")[0].strip() for text in (activation.formula, activation.derivative_formula))
        return self.words.format(f=f, fp=fp)


BROKEN = {
    "function-for-derivative": Breakage("{fp} returns {f} itself",
                                        lambda act, z: act(z)),
    "missing-chain-factor": Breakage("BP2 leaves out the chain factor {fp} (takes it as 1)",
                                     lambda act, z: np.ones_like(z)),
    "sign": Breakage("{fp} with the wrong sign",
                     lambda act, z: -act.derivative(z)),
}


class BrokenDerivative(Activation):
    """`activation` with a wrong derivative: the same f, f′ replaced as BROKEN[name] says."""

    def __init__(self, activation: Activation, name: str):
        self.wrapped, self.breakage = activation, BROKEN[name]
        self.name, self.formula, self.gain = activation.name, activation.formula, activation.gain
        self.derivative_formula = self.breakage.describe(activation)

    def __call__(self, z):
        return self.wrapped(z)

    def derivative(self, z):
        return self.breakage.derivative(self.wrapped, z)


def broken_copy(net, name: str):
    """A copy of `net` (its own θ) whose hidden layers use a wrong derivative; `net` is unchanged."""
    twin = net.copy()
    twin.activation = BrokenDerivative(net.activation, name)
    return twin


@dataclass(frozen=True)
class GradcheckRow:
    """One parameter array ("W1", "b1", ...): the relative error as built, and broken."""

    array: str
    correct: float
    broken: float | None


def gradcheck_rows(config, broken: str = "", h: float = 1e-5) -> list[GradcheckRow]:
    """engine.gradcheck.gradcheck on the run's network at its initial weights (the seed's) and
    its training data, and (if `broken` names a BROKEN entry) on a broken copy of it."""
    from engine.gradcheck import gradcheck

    net, _, data = config.build()
    correct = gradcheck(net, data.X, data.Y, config.loss, h=h)
    wrong = gradcheck(broken_copy(net, broken), data.X, data.Y, config.loss, h=h) if broken else {}
    return [GradcheckRow(key, error, wrong.get(key)) for key, error in correct.items()]


def verdict(error: float) -> str:
    """✓, ? or ✗ for a relative error, by the CS231n thresholds."""
    if error <= RIGHT:
        return "✓"
    return "?" if error <= WRONG else "✗"


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def gradcheck_lines(config, broken: str = "") -> list[str]:
    """The check as text: the network, the broken derivative, a row per parameter array."""
    from engine import ACTIVATIONS

    sizes = "-".join(str(n) for n in config.layers)
    lines = [f"Network {sizes}, hidden {config.activation}, output {config.output}, loss {config.loss}, "
             f"on {config.dataset} (seed {config.seed}), at its initial weights"]
    if broken:
        lines.append("Broken copy: " + BROKEN[broken].describe(ACTIVATIONS[config.activation]))
    header = f"  {'':6}{'as built':>14}" + (f"{'broken':>14}" if broken else "")
    lines.append(header)
    for row in gradcheck_rows(config, broken):
        name = row.array[0] + row.array[1:].translate(_SUPERSCRIPT)
        line = f"  {name:6}{row.correct:>12.1e} {verdict(row.correct)}"
        if row.broken is not None:
            line += f"{row.broken:>12.1e} {verdict(row.broken)}"
        lines.append(line)
    lines.append("Relative error max |g − ĝ| / max(|g|, |ĝ|) of each array (g backprop,")
    lines.append("ĝ centered differences): ✓ ≤ 1e-7, ? up to 1e-2, ✗ above (CS231n)")
    return lines
