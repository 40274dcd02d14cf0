"""Loss functions, each next to the output-layer delta it produces (Nielsen's BP1).

Conventions (DESIGN.md section 3): C_x is the cost of one sample x; the batch loss
L is the mean of C_x over the batch. delta^L = ∂C_x/∂z^L, one row per sample.
Outputs are the last axis, so the same code serves a stack of runs (engine/sweep.py),
whose arrays have a leading run axis: (runs, batch, outputs).

BP1 in general reads delta^L = ∇_a C_x ⊙ σ'(z^L). Two pairings simplify it to
delta^L = a^L − y, because the loss's log cancels the output's exponential:
  - binary cross-entropy after a sigmoid output,
  - cross-entropy after a softmax output.
That cancellation is why they learn fast where MSE after a sigmoid stalls
(σ'(z) ≈ 0 once the output saturates; Nielsen, chapter 3).
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from engine.activations import Softmax


class Loss(ABC):
    name = ""
    formula = ""        # C_x, as a lesson prints it
    delta_formula = ""  # delta^L = ∂C_x/∂z^L
    outputs: tuple[str, ...] = ()  # the output activations it can follow; () means any

    @abstractmethod
    def cost(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """C_x for each sample (shape (batch,), or (runs, batch) for a stack of runs), from the output's z and a = f(z)."""

    @abstractmethod
    def delta(self, z, a, y, output) -> np.ndarray:
        """delta^L = ∂C_x/∂z^L (shape (batch, outputs)): Nielsen's BP1."""

    def __repr__(self) -> str:
        return f"<loss {self.name}: {self.formula}>"


class MSE(Loss):
    """Nielsen's quadratic cost."""

    name = "mse"
    formula = "C = ½·Σ_k (a_k − y_k)²"
    delta_formula = "δ^L = (a − y) ⊙ f′(z^L)"

    def cost(self, z, a, y):
        error = a - y
        return 0.5 * (error * error).sum(axis=-1)

    def delta(self, z, a, y, output):
        gradient_a = a - y  # ∂C/∂a
        if isinstance(output, Softmax):
            return output.vjp(a, gradient_a)
        return gradient_a * output.derivative(z)


class BinaryCrossEntropy(Loss):
    name = "bce"
    formula = "C = −Σ_k [y_k·ln a_k + (1 − y_k)·ln(1 − a_k)]"
    delta_formula = "δ^L = a − y   (σ′(z) cancels: ∂C/∂a = (a − y)/(a(1 − a)) and σ′ = a(1 − a))"
    outputs = ("sigmoid",)

    def cost(self, z, a, y):
        # With a = σ(z): −y ln σ(z) − (1 − y) ln(1 − σ(z)) = ln(1 + e^z) − y·z,
        # which stays finite at |z| = 1000 where ln(a) would be ln(0).
        return (np.logaddexp(0.0, z) - y * z).sum(axis=-1)

    def delta(self, z, a, y, output):
        return a - y


class CrossEntropy(Loss):
    name = "cross_entropy"
    formula = "C = −Σ_k y_k·ln a_k"
    delta_formula = "δ^L = a − y   (with softmax outputs and one-hot y)"
    outputs = ("softmax",)

    def cost(self, z, a, y):
        # ln softmax(z)_k = z_k − ln Σ_j e^(z_j), computed with the max shifted out.
        shifted = z - z.max(axis=-1, keepdims=True)
        log_a = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return -(y * log_a).sum(axis=-1)

    def delta(self, z, a, y, output):
        return a - y


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (MSE(), BinaryCrossEntropy(), CrossEntropy())}


def check_pairing(output_name: str, loss_name: str) -> None:
    """Refuse an output/loss pair whose math does not fit, with a message that says why."""
    loss = LOSSES[loss_name]
    if loss.outputs and output_name not in loss.outputs:
        needs = " or ".join(loss.outputs)
        hint = {"bce": "use cross_entropy after softmax, or mse",
                "cross_entropy": "use bce after a sigmoid output, or mse"}[loss_name]
        raise ValueError(
            f"loss {loss_name} needs a {needs} output (its formula {loss.formula} assumes it), "
            f"not {output_name}: {hint}"
        )

