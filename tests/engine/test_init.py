"""Tests for engine.init: each scheme's distribution, and the symmetry that zero
initialisation never breaks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import INITS, Network, Trainer, datasets


def test_xavier_weights_fill_the_glorot_interval_and_biases_are_zero():
    sizes = [300, 200, 10]
    weights, biases = INITS["xavier"](sizes, np.random.default_rng(0))
    for W, (fan_in, fan_out) in zip(weights, [(300, 200), (200, 10)]):
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        assert W.shape == (fan_in, fan_out)
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.99 * bound  # the whole interval, not a narrower one
        assert W.std() == pytest.approx(bound / math.sqrt(3.0), rel=0.02)  # uniform: std = bound/√3
    assert all(np.array_equal(b, np.zeros(n)) for b, n in zip(biases, sizes[1:]))


def test_xavier_gain_scales_the_bound():
    weights, _ = INITS["xavier"]([50, 50], np.random.default_rng(0), gain=2.0)
    bound = 2.0 * math.sqrt(6.0 / 100)
    assert bound * 0.98 < np.abs(weights[0]).max() <= bound


@pytest.mark.parametrize("activation,gain", [("relu", math.sqrt(2.0)), ("tanh", 5.0 / 3.0), ("sigmoid", 1.0)])
def test_he_weights_have_std_gain_over_root_fan_in(activation, gain):
    net = Network([400, 500, 1], activation, "sigmoid", init="he", seed=1)
    W = net.weights[0]  # 200,000 draws: the sample std is within ~0.2% of the true one
    assert W.mean() == pytest.approx(0.0, abs=0.002)
    assert W.std() == pytest.approx(gain / math.sqrt(400), rel=0.01)
    assert net.weights[1].shape == (500, 1)
    assert all(np.array_equal(b, np.zeros_like(b)) for b in net.biases)


def test_normal_init_draws_weights_and_biases_from_the_standard_normal():
    net = Network([100, 1000, 500], "sigmoid", "sigmoid", init="normal", seed=2)
    for W in net.weights:
        assert W.mean() == pytest.approx(0.0, abs=0.01)
        assert W.std() == pytest.approx(1.0, rel=0.01)
    biases = np.concatenate(net.biases)  # 1500 draws
    assert biases.mean() == pytest.approx(0.0, abs=0.1)
    assert biases.std() == pytest.approx(1.0, rel=0.06)


def test_zero_init_is_all_zeros():
    net = Network([3, 4, 2], "tanh", "sigmoid", init="zero")
    assert all(not np.any(p) for p in net.weights + net.biases)


def test_same_seed_same_weights_other_seed_other_weights():
    first, again, other = (Network([2, 8, 1], seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(first.weights[0], again.weights[0])
    assert not np.array_equal(first.weights[0], other.weights[0])


def hidden_units_after_training(init):
    """Train a 2-4-1 sigmoid net on AND; return (W1, b1, W2) with one column/entry/row
    per hidden unit. (Not XOR: from all-zero weights its balanced targets give exactly
    zero gradient, so nothing would move at all.)"""
    data = datasets.load("and")
    net = Network([2, 4, 1], "sigmoid", "sigmoid", init=init, seed=0)
    Trainer(net, data.X, data.Y, loss="bce", lr=2.0).run(300)
    return net.weights[0], net.biases[0], net.weights[1]


def test_zero_init_keeps_every_hidden_unit_identical():
    W1, b1, W2 = hidden_units_after_training("zero")
    # Training moved the weights (sigmoid(0) = 1/2 feeds a non-zero gradient through)...
    assert np.abs(W2).min() > 1e-3 and np.abs(W1).max() > 1e-6
    # ...but every hidden unit received the same update, every epoch: the 4 columns of
    # W1, the 4 biases and the 4 outgoing weights are each equal.
    for unit in range(1, 4):
        np.testing.assert_allclose(W1[:, unit], W1[:, 0], rtol=1e-12, atol=0)
        np.testing.assert_allclose(b1[unit], b1[0], rtol=1e-12, atol=0)
        np.testing.assert_allclose(W2[unit], W2[0], rtol=1e-12, atol=0)


def test_random_init_breaks_the_symmetry():
    W1, b1, W2 = hidden_units_after_training("xavier")
    assert np.abs(W1[:, 1:] - W1[:, :1]).min() > 1e-3
