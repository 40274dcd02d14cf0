"""Regularisation: a penalty P on the size of the weights, added to the loss L.

Gradient descent then minimises L + P, so each step also pulls the weights towards 0:

    L2:  P = (λ/2)·Σ w²      ∂P/∂w = λ·w
    L1:  P = λ·Σ |w|         ∂P/∂w = λ·sign(w),  sign(0) = 0 (|w| has no slope at 0; 0 lies
                                                  between its one-sided slopes −λ and λ)

λ is the regularisation rate. The sums run over the weights W^1..W^L only, not the
biases, as in TensorFlow Playground: a bias only shifts where a neuron switches on, and
pulling it to 0 would pull every boundary towards the origin without making the
function any simpler. The weights are the first `weights` entries of θ (Network.theta
holds W^1..W^L, then b^1..b^L).

The optimizer adds ∂P/∂θ to ∇θ at each step (optimizers.py); the Trainer's records
keep L as the loss and P, after the epoch, as a column of its own (`penalty`). Every
formula here works on a leading run axis too (θ of shape (runs, P), the rate λ a
column of shape (runs, 1)), so engine/sweep.py uses these same lines.

The sharpness (engine/sharpness.py) stays that of L alone: the Hessian of L + P adds
λ along each weight for L2 (so its largest eigenvalue is at most λ more), and nothing
for L1 away from w = 0.
"""
from __future__ import annotations

import numpy as np


class Penalty:
    """A penalty of rate λ (`rate`) on θ's first `weights` entries."""

    name = ""
    formula = ""
    derivative_formula = ""

    def __init__(self, rate, weights: int):
        self.rate, self.weights = rate, weights

    def value(self, theta: np.ndarray):
        """P at θ: a number, or one per run for a stack of θ."""
        return self.of(theta[..., :self.weights])

    def add_gradient(self, theta: np.ndarray, gradient: np.ndarray, out: np.ndarray) -> np.ndarray:
        """∇(L + P) = ∇θ + ∂P/∂θ, written into `out`: the penalty's gradient on the
        weights, nothing on the biases."""
        out[...] = gradient
        out[..., :self.weights] += self.gradient(theta[..., :self.weights])
        return out


class L2(Penalty):
    name, formula, derivative_formula = "l2", "(λ/2)·Σ w²", "λ·w"

    def of(self, w):
        return 0.5 * np.sum(self.rate * (w * w), axis=-1)      # P = (λ/2)·Σ w²

    def gradient(self, w):
        return self.rate * w                                   # ∂P/∂w = λ·w


class L1(Penalty):
    name, formula, derivative_formula = "l1", "λ·Σ |w|", "λ·sign(w)"

    def of(self, w):
        return np.sum(self.rate * np.abs(w), axis=-1)          # P = λ·Σ |w|

    def gradient(self, w):
        return self.rate * np.sign(w)                          # ∂P/∂w = λ·sign(w); np.sign(0) = 0


# "none" has no penalty: the optimizer steps on ∇θ alone, exactly as without this module.
REGULARIZATIONS = {"none": None, "l1": L1, "l2": L2}


def penalty(name: str, rate, weights: int) -> Penalty | None:
    """The penalty `name` (a key of REGULARIZATIONS) of rate λ on θ's first `weights`
    entries; None for "none"."""
    if name not in REGULARIZATIONS:
        raise ValueError(f"unknown regularization {name!r}: choose from {', '.join(REGULARIZATIONS)}")
    kind = REGULARIZATIONS[name]
    return None if kind is None else kind(rate, weights)
