"""Weight initialisation schemes (as torch.nn.init defines them).

Each returns (weights, biases) for layer sizes [n_0, n_1, ..., n_L]: weights[l] has
shape (n_l, n_{l+1}) = (fan_in, fan_out), biases[l] has shape (n_{l+1},).
"""
from __future__ import annotations

import math

import numpy as np


def xavier(sizes, rng, gain=1.0):
    """Glorot & Bengio 2010, uniform: W ~ U(±gain·√(6/(fan_in + fan_out))), b = 0.

    Keeps the variance of activations and of deltas about equal from layer to layer
    for tanh-like units near 0.
    """
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-bound, bound, size=(fan_in, fan_out)))
    return weights, [np.zeros(n) for n in sizes[1:]]


def he(sizes, rng, gain=math.sqrt(2.0)):
    """He et al. 2015, normal: W ~ N(0, (gain/√fan_in)²), b = 0; gain √2 suits ReLU."""
    weights = [rng.normal(0.0, gain / math.sqrt(fan_in), size=(fan_in, fan_out))
               for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
    return weights, [np.zeros(n) for n in sizes[1:]]


def normal(sizes, rng, gain=1.0):
    """Nielsen's network.py: every weight and bias ~ N(0, 1)."""
    weights = [rng.normal(0.0, 1.0, size=(fan_in, fan_out))
               for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
    return weights, [rng.normal(0.0, 1.0, size=n) for n in sizes[1:]]


def zero(sizes, rng, gain=1.0):
    """All zeros: every hidden neuron computes the same thing and gets the same
    gradient, so they stay identical forever (the symmetry problem)."""
    return ([np.zeros((fan_in, fan_out)) for fan_in, fan_out in zip(sizes[:-1], sizes[1:])],
            [np.zeros(n) for n in sizes[1:]])


INITS = {"xavier": xavier, "he": he, "normal": normal, "zero": zero}
