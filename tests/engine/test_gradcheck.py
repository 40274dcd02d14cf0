"""Backpropagation against centered finite differences (engine.gradcheck), for every
hidden activation with every output and loss that fit together."""

from __future__ import annotations

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, Network, gradcheck
from engine.gradcheck import numerical_gradient, relative_error

PAIRINGS = [("mse", "sigmoid"), ("mse", "tanh"), ("mse", "linear"), ("mse", "softmax"),
            ("bce", "sigmoid"), ("cross_entropy", "softmax")]
KINKED = ("relu", "leaky_relu", "rrelu", "elu")
SIZES = ([3, 4, 2], [3, 5, 4, 2])


def problem(sizes, activation, output, loss, seed=0, samples=5):
    """A small random network with non-zero biases, inputs in [-2, 2] and targets suited
    to the loss: probabilities in (0, 1) for bce, one-hot rows for cross-entropy (and
    for mse after softmax), values in the output's range otherwise."""
    rng = np.random.default_rng(seed)
    net = Network(sizes, activation, output, init="xavier", seed=seed)
    for b in net.biases:
        b += rng.uniform(-0.5, 0.5, size=b.shape)
    X = rng.uniform(-2.0, 2.0, size=(4 * samples, sizes[0]))
    if activation in KINKED:
        # A pre-activation within ~h of a kink makes the centered difference straddle
        # it and report a spurious error (see test_a_relu_kink_gives_a_spurious_error);
        # keep only samples whose hidden z all stay 0.01 or more away from 0.
        zs, _, _ = net.feedforward(X)
        clear = np.all([np.abs(z).min(axis=1) > 0.01 for z in zs[:-1]], axis=0)
        X = X[clear]
    X = X[:samples]
    assert len(X) == samples
    shape = (samples, sizes[-1])
    if output == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=samples)]
    elif output == "tanh":
        Y = rng.uniform(-0.9, 0.9, size=shape)
    elif output == "linear":
        Y = rng.normal(size=shape)
    else:
        Y = rng.uniform(0.05, 0.95, size=shape)
    return net, X, Y


@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("loss,output", PAIRINGS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backprop_matches_finite_differences(activation, loss, output, sizes):
    net, X, Y = problem(sizes, activation, output, loss)
    # Kinked activations get inputs away from their kinks (see problem()), so they
    # meet the same bound as smooth ones. gradcheck runs in evaluation mode: RReLU
    # is checked with its fixed slope 11/48.
    errors = gradcheck(net, X, Y, loss)
    assert set(errors) == {f"{kind}{l}" for l in range(1, len(sizes)) for kind in "Wb"}
    assert max(errors.values()) <= 1e-7, errors


def test_gradcheck_leaves_the_parameters_as_they_were():
    net, X, Y = problem([3, 4, 2], "tanh", "sigmoid", "bce")
    before = [W.copy() for W in net.weights + net.biases]
    gradcheck(net, X, Y, "bce")
    for saved, now in zip(before, net.weights + net.biases):
        np.testing.assert_array_equal(saved, now)


def test_gradcheck_catches_a_wrong_activation_derivative(monkeypatch):
    net, X, Y = problem([3, 4, 2], "tanh", "sigmoid", "bce")
    tanh = ACTIVATIONS["tanh"]
    monkeypatch.setattr(tanh, "derivative", lambda z: 1.0 - np.tanh(z))  # forgot the square
    errors = gradcheck(net, X, Y, "bce")
    assert errors["W1"] > 1e-2 and errors["b1"] > 1e-2
    assert errors["W2"] <= 1e-7  # the output layer does not use the hidden derivative


def test_gradcheck_catches_a_wrong_output_delta(monkeypatch):
    net, X, Y = problem([3, 4, 2], "tanh", "linear", "mse")
    mse = LOSSES["mse"]
    monkeypatch.setattr(mse, "delta", lambda z, a, y, output: y - a)  # sign error
    assert min(gradcheck(net, X, Y, "mse").values()) > 1.0


def test_a_relu_kink_gives_a_spurious_error():
    # z = 0 exactly at the hidden unit: the centered difference for its bias sees
    # relu(+h) − relu(−h) = h, a slope of 1/2, where backprop uses relu'(0) = 0.
    net = Network([1, 1, 1], "relu", "linear", seed=0)
    net.weights[0][:] = 1.0
    net.biases[0][:] = 0.0
    net.weights[1][:] = 1.0
    X, Y = np.zeros((1, 1)), np.ones((1, 1))
    assert gradcheck(net, X, Y, "mse")["b1"] == 1.0


def test_numerical_gradient_of_a_known_function():
    # One linear neuron, L = ½(w·x + b − y)²: ∂L/∂w = (w·x + b − y)·x.
    net = Network([1, 1], "linear", "linear", seed=0)
    net.weights[0][:] = 2.0
    net.biases[0][:] = 0.5
    X, Y = np.array([[3.0]]), np.array([[1.0]])
    assert numerical_gradient(net, X, Y, "mse", net.weights[0])[0, 0] == pytest.approx((6.5 - 1.0) * 3.0, rel=1e-9)
    assert numerical_gradient(net, X, Y, "mse", net.biases[0])[0] == pytest.approx(6.5 - 1.0, rel=1e-9)


def test_relative_error_is_on_the_scale_of_the_largest_entry():
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([4.0, 0.0]), np.array([2.0, 0.0])) == 0.5
    # Rounding noise on a tiny entry does not count against a correct gradient...
    assert relative_error(np.array([1.0, 1e-6]), np.array([1.0, 1e-6 + 1e-12])) == pytest.approx(1e-12)
    # ...but a wrong entry of ordinary size does.
    assert relative_error(np.array([1.0, 0.3]), np.array([1.0, -0.3])) == pytest.approx(0.6)
