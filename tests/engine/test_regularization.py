"""Tests for L1 and L2 regularisation (engine/regularization.py): the penalty and its
gradient on the weights only, in every optimizer's step, checked against finite
differences; what it does to training (L2 shrinks the weights, L1 zeroes small ones);
the `penalty` column of the records and the log."""

from __future__ import annotations

import numpy as np
import pytest

from engine import OPTIMIZERS, MetricsLog, Network, RunConfig, Trainer, datasets, gradcheck
from engine.regularization import L1, L2, penalty


def xor_net(seed=0, sizes=(2, 4, 1)):
    data = datasets.load("xor")
    return Network(list(sizes), "tanh", "sigmoid", seed=seed), data.X, data.Y


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("loss,output,sizes", [("bce", "sigmoid", (2, 4, 1)), ("mse", "sigmoid", (2, 3, 3, 1))])
def test_gradient_of_loss_plus_penalty_matches_finite_differences(kind, loss, output, sizes):
    data = datasets.load("xor")
    net = Network(list(sizes), "tanh", output, seed=1)
    P = penalty(kind, 0.3, net.weight_count)
    errors = gradcheck(net, data.X, data.Y, loss=loss, penalty=P)
    assert max(errors.values()) < 1e-7, errors
    # The penalty's gradient is large enough here to matter: without it the check fails.
    P0 = penalty(kind, 0.0, net.weight_count)
    assert max(gradcheck(net, data.X, data.Y, loss=loss, penalty=P0).values()) < 1e-7
    gradient = net.backward(data.X, data.Y, loss).nabla_theta
    total = P.add_gradient(net.theta, gradient, out=np.empty_like(gradient))
    assert np.abs(total - gradient).max() > 1e-2


def test_the_penalty_counts_the_weights_not_the_biases():
    net, _, _ = xor_net()
    net.biases[0][...] = 5.0
    weights = np.concatenate([W.ravel() for W in net.weights])
    assert penalty("l2", 0.2, net.weight_count).value(net.theta) == pytest.approx(0.1 * (weights ** 2).sum())
    assert penalty("l1", 0.2, net.weight_count).value(net.theta) == pytest.approx(0.2 * np.abs(weights).sum())
    gradient = np.zeros_like(net.theta)
    total = penalty("l2", 0.2, net.weight_count).add_gradient(net.theta, gradient, out=np.empty_like(gradient))
    _, nabla_b = net.split(total)
    assert all((b == 0).all() for b in nabla_b)


def test_l1_gradient_is_lambda_sign_w_and_zero_at_zero():
    w = np.array([-2.0, -1e-9, 0.0, 3.0])
    np.testing.assert_array_equal(L1(0.5, 4).gradient(w), [-0.5, -0.5, 0.0, 0.5])
    np.testing.assert_array_equal(L2(0.5, 4).gradient(w), 0.5 * w)


def test_an_sgd_step_is_minus_lr_times_gradient_plus_lambda_w_on_the_weights():
    net, X, Y = xor_net()
    before = net.copy()
    g = before.backward(X, Y, "bce")
    lr, lam = 0.5, 0.1
    expected_w = [W - lr * (gw + lam * W) for W, gw in zip(before.weights, g.nabla_w)]
    expected_b = [b - lr * gb for b, gb in zip(before.biases, g.nabla_b)]
    Trainer(net, X, Y, loss="bce", lr=lr, regularization="l2", regularization_rate=lam).run_epoch()
    for want, got in zip(expected_w + expected_b, net.weights + net.biases):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_steps_on_the_penalty_and_rate_zero_changes_nothing(optimizer):
    def trained(**regularization):
        net, X, Y = xor_net(seed=3)
        Trainer(net, X, Y, loss="bce", lr=0.1, optimizer=optimizer, **regularization).run(20)
        return net.theta.copy()

    plain = trained()
    np.testing.assert_array_equal(trained(regularization="l2", regularization_rate=0.0), plain)
    for kind in ("l1", "l2"):
        assert np.abs(trained(regularization=kind, regularization_rate=0.05) - plain).max() > 1e-4


def train(config: RunConfig):
    net, trainer, _ = config.build()
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    trainer.run(config.epochs, log=log)
    return net, trainer, log


def test_l2_shrinks_the_weights_against_the_same_run_without_it():
    base = dict(dataset="circle", layers=(2, 8, 1), lr=0.5, epochs=2000, seed=2)
    plain, _, _ = train(RunConfig(**base))
    decayed, trainer, _ = train(RunConfig(**base, regularization="l2", regularization_rate=0.003))
    # Measured: ‖W1‖ 8.67 → 6.33, ‖W2‖ 13.2 → 7.43, both runs 99.5% right.
    for W_plain, W_decayed in zip(plain.weights, decayed.weights):
        assert np.linalg.norm(W_decayed) < 0.8 * np.linalg.norm(W_plain)
    assert trainer.last_record.accuracy > 0.95     # it still learns the circle


def test_l1_drives_small_weights_to_near_zero():
    base = dict(dataset="circle", layers=(2, 16, 1), lr=0.5, epochs=3000, seed=0)
    plain, _, _ = train(RunConfig(**base))
    sparse, trainer, _ = train(RunConfig(**base, regularization="l1", regularization_rate=0.002))
    small = lambda net: sum(int((np.abs(W) < 0.01).sum()) for W in net.weights)   # noqa: E731
    count = sum(W.size for W in plain.weights)
    # L1's steps of lr·λ = 0.001 towards 0 leave each weight the data does not need
    # within a step or so of 0 (measured: 36 of 48 under 0.01, against 3 without L1),
    # and the weights left still draw the circle.
    assert small(sparse) >= count / 2, (small(sparse), small(plain), count)
    assert small(plain) <= 5
    assert trainer.last_record.accuracy > 0.95


def test_the_penalty_column_is_the_penalty_of_the_weights_after_each_epoch():
    config = RunConfig(dataset="xor", layers=(2, 4, 1), epochs=12, regularization="l2", regularization_rate=0.2)
    net, trainer, log = train(config)
    for epoch, checkpoint in trainer.checkpoints.items():
        weights = np.concatenate([W.ravel() for W in checkpoint.weights])
        assert checkpoint.record.penalty == pytest.approx(0.1 * (weights ** 2).sum(), rel=1e-12)
        assert log.column("penalty")[epoch - 1] == checkpoint.record.penalty
    _, _, plain_log = train(RunConfig(dataset="xor", layers=(2, 4, 1), epochs=12))
    assert (plain_log.column("penalty") == 0).all()
