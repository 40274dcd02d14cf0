"""Activation functions, each next to its derivative and the formula a lesson prints.

An activation maps a layer's weighted input z to its output a = f(z), element by
element. Backpropagation needs f'(z) (Nielsen's BP1 and BP2), so every activation
here defines both, in the manner of micrograd: the value and its local derivative
side by side.

`act(z)` is f(z) and `act.derivative(z)` is f'(z), both in evaluation mode. During
training, the network calls `act.sample(z, rng)`, which returns the pair
(f(z), f'(z)); only RReLU behaves differently there (it draws a random slope per
element, and the derivative must use the same slopes).

Softmax is an output, not an element-wise activation: its derivative is a matrix
per sample, so it offers a vector-Jacobian product `vjp` instead.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np


class Activation(ABC):
    """An element-wise activation f with its derivative f'."""

    name = ""
    formula = ""             # f(x), as a lesson prints it
    derivative_formula = ""  # f'(x)
    gain = 1.0               # torch.nn.init.calculate_gain, for He/Xavier scaling
    derivative_jumps_at_0 = False  # f' steps at z = 0 (ReLU's kink): no second derivative there

    @abstractmethod
    def __call__(self, z: np.ndarray) -> np.ndarray:
        """f(z), element-wise."""

    @abstractmethod
    def derivative(self, z: np.ndarray) -> np.ndarray:
        """f'(z), element-wise."""

    def sample(self, z: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Training mode: (f(z), f'(z)). Deterministic for all but RReLU."""
        return self(z), self.derivative(z)

    def __repr__(self) -> str:
        return f"<activation {self.name}: f(x) = {self.formula}>"


class Sigmoid(Activation):
    name = "sigmoid"
    formula = "σ(x) = 1 / (1 + e^(−x))"
    derivative_formula = "σ′(x) = σ(x)·(1 − σ(x))"

    def __call__(self, z):
        # exp(-log(1 + e^-z)) is 1/(1 + e^-z) without overflow at z = -1000.
        return np.exp(-np.logaddexp(0.0, -z))

    def derivative(self, z):
        s = self(z)
        return s * (1.0 - s)

    def sample(self, z, rng):
        a = self(z)
        return a, a * (1.0 - a)  # σ′ = σ(1 − σ): the derivative from the output itself


class Tanh(Activation):
    name = "tanh"
    formula = "tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))"
    derivative_formula = "tanh′(x) = 1 − tanh²(x)"
    gain = 5.0 / 3.0

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z):
        t = np.tanh(z)
        return 1.0 - t * t

    def sample(self, z, rng):
        a = np.tanh(z)
        return a, 1.0 - a * a  # tanh′ = 1 − tanh²: the derivative from the output itself


class ReLU(Activation):
    name = "relu"
    formula = "relu(x) = max(0, x)"
    derivative_formula = "relu′(x) = 1 if x > 0, else 0 (0 at the kink x = 0, as frameworks do)"
    gain = math.sqrt(2.0)
    derivative_jumps_at_0 = True

    def __call__(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z):
        return (z > 0).astype(np.float64)


class LeakyReLU(Activation):
    """f(x) = x for x > 0, slope·x otherwise (Maas et al. 2013 use slope 0.01)."""

    name = "leaky_relu"
    slope = 0.01
    formula = "f(x) = x if x > 0, else 0.01·x"
    derivative_formula = "f′(x) = 1 if x > 0, else 0.01"
    gain = math.sqrt(2.0 / (1.0 + 0.01**2))
    derivative_jumps_at_0 = True   # and so for RReLU, which inherits it

    def __call__(self, z):
        return np.where(z > 0, z, self.slope * z)

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.slope)


class RReLU(LeakyReLU):
    """Randomized leaky ReLU, as PyTorch's nn.RReLU.

    Training: the negative slope is drawn per element from U(1/8, 1/3).
    Evaluation: the slope is fixed at the mean, (1/8 + 1/3)/2 = 11/48 ≈ 0.229.
    (The paper by Xu et al. 2015 divides by a slope drawn from U(3, 8) instead and
    uses 2/11 at test time; see the activations lesson.)
    """

    name = "rrelu"
    lower, upper = 1.0 / 8.0, 1.0 / 3.0
    slope = (lower + upper) / 2.0  # 11/48, the evaluation-mode slope
    formula = "f(x) = x if x > 0, else a·x, a ~ U(1/8, 1/3) in training, a = 11/48 in evaluation"
    derivative_formula = "f′(x) = 1 if x > 0, else a (the same a as the forward pass)"
    gain = math.sqrt(2.0 / (1.0 + slope**2))

    def sample(self, z, rng):
        a = rng.uniform(self.lower, self.upper, size=z.shape)
        fprime = np.where(z > 0, 1.0, a)
        return z * fprime, fprime


class ELU(Activation):
    name = "elu"
    alpha = 1.0
    formula = "f(x) = x if x > 0, else α·(e^x − 1), α = 1"
    derivative_formula = "f′(x) = 1 if x > 0, else α·e^x = f(x) + α"

    def __call__(self, z):
        # expm1 of min(z, 0) so that large positive z never reaches exp.
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z):
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0.0)))


class Softplus(Activation):
    name = "softplus"
    formula = "softplus(x) = ln(1 + e^x)"
    derivative_formula = "softplus′(x) = σ(x)"

    def __call__(self, z):
        return np.logaddexp(0.0, z)

    def derivative(self, z):
        return SIGMOID(z)


class GELU(Activation):
    """Gaussian error linear unit, the tanh approximation (PyTorch approximate="tanh")."""

    name = "gelu"
    c = math.sqrt(2.0 / math.pi)
    k = 0.044715
    formula = "gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))"
    derivative_formula = "gelu′(x) = ½·(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²), t = tanh(√(2/π)·(x + 0.044715·x³))"

    def __call__(self, z):
        t = np.tanh(self.c * (z + self.k * z**3))
        return 0.5 * z * (1.0 + t)

    def derivative(self, z):
        t = np.tanh(self.c * (z + self.k * z**3))
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * self.c * (1.0 + 3.0 * self.k * z * z)


class SiLU(Activation):
    """Sigmoid linear unit, also called swish: x·σ(x)."""

    name = "silu"
    formula = "silu(x) = x·σ(x)"
    derivative_formula = "silu′(x) = σ(x)·(1 + x·(1 − σ(x)))"

    def __call__(self, z):
        return z * SIGMOID(z)

    def derivative(self, z):
        s = SIGMOID(z)
        return s * (1.0 + z * (1.0 - s))


class Linear(Activation):
    name = "linear"
    formula = "f(x) = x"
    derivative_formula = "f′(x) = 1"

    def __call__(self, z):
        return z

    def derivative(self, z):
        return np.ones_like(z)


class Softmax:
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), over each row (sample): the last axis.

    Its Jacobian is ∂a_k/∂z_j = a_k·(δ_kj − a_j), so for an upstream gradient g = ∂C/∂a,
    ∂C/∂z = a ⊙ (g − Σ_j g_j·a_j). Paired with cross-entropy this simplifies to a − y.
    """

    name = "softmax"
    formula = "softmax(z)_k = e^(z_k) / Σ_j e^(z_j)"
    derivative_formula = "∂a_k/∂z_j = a_k·(δ_kj − a_j)"

    def __call__(self, z):
        shifted = z - z.max(axis=-1, keepdims=True)  # same result, no overflow
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)

    def vjp(self, a, g):
        """∂C/∂z from g = ∂C/∂a (vector-Jacobian product)."""
        return a * (g - (g * a).sum(axis=-1, keepdims=True))

    def __repr__(self) -> str:
        return f"<output softmax: {self.formula}>"


SIGMOID = Sigmoid()
TANH = Tanh()
SOFTMAX = Softmax()

ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (SIGMOID, TANH, ReLU(), LeakyReLU(), RReLU(), ELU(), Softplus(), GELU(), SiLU(), Linear())
}
"""Hidden-layer activations by name."""

OUTPUTS = {"sigmoid": SIGMOID, "softmax": SOFTMAX, "linear": ACTIVATIONS["linear"], "tanh": TANH}
"""Output-layer activations by name."""
