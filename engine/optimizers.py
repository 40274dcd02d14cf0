"""Optimizers: how a gradient becomes a step. Each updates the parameters in place.

`params` and `grads` are parallel lists of arrays (all weights, then all biases).
The learning rate is an attribute so that it can change between epochs.
"""
from __future__ import annotations

import numpy as np


class SGD:
    """Plain gradient descent: θ ← θ − η·∇θ."""

    name = "sgd"

    def __init__(self, params, lr):
        self.lr = lr

    def step(self, params, grads):
        for theta, gradient in zip(params, grads):
            theta -= self.lr * gradient


class Momentum:
    """Heavy ball (Polyak): v ← μ·v − η·∇θ; θ ← θ + v, with μ = 0.9."""

    name = "momentum"

    def __init__(self, params, lr, mu=0.9):
        self.lr, self.mu = lr, mu
        self.velocities = [np.zeros_like(theta) for theta in params]

    def step(self, params, grads):
        for theta, gradient, v in zip(params, grads, self.velocities):
            v *= self.mu
            v -= self.lr * gradient
            theta += v


class Adam:
    """Kingma & Ba 2015: per-parameter steps from running moments of the gradient.

    m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η·m̂/(√v̂ + ε),
    with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) correcting the zero start.
    """

    name = "adam"

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = [np.zeros_like(theta) for theta in params]
        self.v = [np.zeros_like(theta) for theta in params]
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for theta, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            theta -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
