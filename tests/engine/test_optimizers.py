"""Tests for engine.optimizers through the Trainer: plain SGD's exact step, momentum and
Adam making progress, and a learning rate changed between epochs."""

from __future__ import annotations

import numpy as np
import pytest

from engine import OPTIMIZERS, Network, Trainer, datasets


def xor_net(seed=0):
    data = datasets.load("xor")
    return Network([2, 4, 1], "tanh", "sigmoid", seed=seed), data.X, data.Y


def parameters(net):
    return [p.copy() for p in net.weights + net.biases]


def test_sgd_step_is_exactly_minus_lr_times_the_gradient():
    net, X, Y = xor_net()
    before = net.copy()
    g = before.backward(X, Y, "bce")
    expected = [p - 0.5 * grad for p, grad in zip(before.weights + before.biases, g.nabla_w + g.nabla_b)]
    Trainer(net, X, Y, loss="bce", lr=0.5).run_epoch()
    for want, got in zip(expected, net.weights + net.biases):
        np.testing.assert_array_equal(got, want)


def record_batches(net, monkeypatch):
    """Spy on backward: the (X, Y) batches the trainer uses, in order."""
    batches = []
    backward = net.backward

    def spy(X, Y, *args, **kwargs):
        batches.append((X.copy(), Y.copy()))
        return backward(X, Y, *args, **kwargs)

    monkeypatch.setattr(net, "backward", spy)
    return batches


def test_sgd_with_minibatches_steps_once_per_batch(monkeypatch):
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    net = Network([3, 4, 2], "tanh", "linear", seed=1)
    replay = net.copy()
    batches = record_batches(net, monkeypatch)
    Trainer(net, X, Y, loss="mse", lr=0.1, batch_size=4).run_epoch()
    assert [len(Xb) for Xb, _ in batches] == [4, 4, 2]
    for Xb, Yb in batches:  # the same steps, one batch at a time
        g = replay.backward(Xb, Yb, "mse")
        for p, grad in zip(replay.weights + replay.biases, g.nabla_w + g.nabla_b):
            p -= 0.1 * grad
    for want, got in zip(replay.weights + replay.biases, net.weights + net.biases):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.5), ("momentum", 0.1), ("adam", 0.05)])
def test_every_optimizer_lowers_the_loss_on_xor(optimizer, lr):
    net, X, Y = xor_net(seed=1)
    trainer = Trainer(net, X, Y, loss="bce", lr=lr, optimizer=optimizer)
    first = trainer.run_epoch().loss
    last = trainer.run(500).loss
    assert last < 0.5 * first
    assert trainer.run_epoch().accuracy == 1.0


def test_momentum_accumulates_velocity():
    # Two steps with the same gradient: the second moves 1 + μ = 1.9 times as far.
    net = Network([1, 1], "linear", "linear", seed=0)
    trainer = Trainer(net, np.zeros((1, 1)), np.ones((1, 1)), loss="mse", lr=0.1, optimizer="momentum")
    b0 = net.biases[0].copy()
    trainer.run_epoch()  # X = 0: only the bias learns; ∂L/∂b = b − 1
    step1 = net.biases[0] - b0
    b1 = net.biases[0].copy()
    g = b1 - 1.0
    trainer.run_epoch()
    np.testing.assert_allclose(net.biases[0] - b1, 0.9 * step1 - 0.1 * g, rtol=1e-14)


def test_adam_first_step_has_size_lr_per_parameter():
    # With bias correction, m̂/√v̂ = g/|g| at t = 1: every parameter with a
    # non-zero gradient moves by lr (minus a hair for ε).
    net, X, Y = xor_net(seed=2)
    before = parameters(net)
    Trainer(net, X, Y, loss="bce", lr=0.01, optimizer="adam").run_epoch()
    steps = np.concatenate([(after - b).ravel() for after, b in zip(net.weights + net.biases, before)])
    np.testing.assert_allclose(np.abs(steps), 0.01, rtol=1e-4)


def test_changing_lr_between_epochs_takes_effect_at_the_next_epoch():
    net, X, Y = xor_net()
    trainer = Trainer(net, X, Y, loss="bce", lr=0.1)
    assert trainer.run_epoch().lr == 0.1
    trainer.lr = 0.3
    before = net.copy()
    g = before.backward(X, Y, "bce")
    record = trainer.run_epoch()
    assert record.lr == 0.3
    for p, grad, got in zip(before.weights + before.biases, g.nabla_w + g.nabla_b, net.weights + net.biases):
        np.testing.assert_array_equal(got, p - 0.3 * grad)


def test_unknown_optimizer_is_refused():
    net, X, Y = xor_net()
    with pytest.raises(ValueError, match="optimizer 'rmsprop'.*sgd"):
        Trainer(net, X, Y, optimizer="rmsprop")
    assert set(OPTIMIZERS) == {"sgd", "momentum", "adam"}


def test_sgd_steps_leave_the_gradient_as_given():
    sgd = OPTIMIZERS["sgd"](3, lr=0.5)
    theta, gradient = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    sgd.step(theta, gradient)
    sgd.lr = 0.25
    sgd.step(theta, gradient)
    np.testing.assert_array_equal(gradient, [0.5, -1.0, 2.0])
    np.testing.assert_array_equal(theta, [1.0 - 0.75 * 0.5, 2.0 + 0.75, 3.0 - 0.75 * 2.0])
