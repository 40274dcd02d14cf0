"""Tests for engine.sharpness: the power-iteration estimate of λ_max against the whole
Hessian's eigenvalues, the Hessian against its closed form on a quadratic loss, gradient
descent on either side of 2/λ_max, and the Trainer's sharpness_every hook."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from engine import MetricsLog, Network, RunConfig, Trainer, datasets
from engine.sharpness import (MAX_ITERATIONS, TOLERANCE, HessianVectorProduct, estimate_sharpness, hessian, largest_eigenvalue, power_iteration,
                              stability_limit, top_eigenvalue)

PAIRINGS = [("bce", "sigmoid"), ("mse", "linear"), ("mse", "tanh"), ("cross_entropy", "softmax")]
KINKED = ("relu", "leaky_relu", "rrelu", "elu")


def tiny_problem(activation, output, loss, seed=0, samples=6):
    """A 3-4-k network (k = 2 for softmax, else 1) with non-zero biases and targets
    suited to the loss. For kinked activations, only samples whose hidden z stay 0.01
    or more from the kink: a central difference straddling it would see a jump."""
    rng = np.random.default_rng(seed)
    outputs = 2 if output == "softmax" else 1
    net = Network([3, 4, outputs], activation, output, seed=seed)
    net.biases[0] += rng.uniform(-0.5, 0.5, size=4)
    X = rng.uniform(-2.0, 2.0, size=(8 * samples, 3))
    if activation in KINKED:
        X = X[np.abs(net.feedforward(X)[0][0]).min(axis=1) > 0.01]
    X = X[:samples]
    if output == "softmax":
        Y = np.eye(2)[rng.integers(0, 2, size=samples)]
    elif output == "linear":
        Y = rng.normal(size=(samples, 1))
    else:
        Y = rng.uniform(0.1, 0.9, size=(samples, 1))
    return net, X, Y


# --- the estimate against the whole Hessian --------------------------------------------------


@pytest.mark.parametrize("loss,output", PAIRINGS)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "rrelu", "elu", "gelu"])
def test_power_iteration_finds_the_top_eigenvalue_of_the_whole_hessian(activation, loss, output):
    net, X, Y = tiny_problem(activation, output, loss)
    H = hessian(net, X, Y, loss)
    assert H.shape == (net.theta.size, net.theta.size)
    exact = top_eigenvalue(H)
    assert exact == np.linalg.eigvalsh(H).max() > 0

    tight = estimate_sharpness(net, X, Y, loss, tolerance=1e-7, max_iterations=5000)
    assert tight.converged
    assert tight.value == pytest.approx(exact, rel=1e-6)
    # What training uses: the default tolerance (a residual of 1% of λ), at most
    # MAX_ITERATIONS products. It is within 4e-4 of λ_max on these nets but one, whose
    # top two eigenvalues are close (gelu-mse: 3.45 and 3.77): 1.1e-3.
    default = estimate_sharpness(net, X, Y, loss)
    assert default.converged and default.iterations <= MAX_ITERATIONS
    assert default.value == pytest.approx(exact, rel=TOLERANCE)
    # The direction found is the top eigenvector: H v = λ v.
    v = tight.direction
    np.testing.assert_allclose(H @ v, exact * v, atol=1e-4 * exact)


def test_the_finite_difference_hessian_matches_its_closed_form_on_a_quadratic_loss():
    # A linear unit with MSE: L = (1/n) Σ ½ (x·w + b − y)², so in θ = (w, b)
    # H = (1/n) [[XᵀX, Xᵀ1], [1ᵀX, n]] exactly, whatever θ is.
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    net = Network([3, 1], output="linear", seed=1)
    ones = np.ones((10, 1))
    A = np.hstack([X, ones])
    expected = A.T @ A / 10
    np.testing.assert_allclose(hessian(net, X, Y, "mse"), expected, atol=1e-9)
    found = estimate_sharpness(net, X, Y, "mse", tolerance=1e-8, max_iterations=1000)
    assert found.value == pytest.approx(np.linalg.eigvalsh(expected)[-1], rel=1e-9)


def symmetric(eigenvalues, seed=0):
    """Q diag(eigenvalues) Qᵀ for a random rotation Q."""
    Q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(len(eigenvalues),) * 2))
    return Q @ np.diag(eigenvalues) @ Q.T


def test_power_iteration_alone_finds_the_eigenvalue_largest_in_size():
    A = symmetric([-5.0, 2.0, 1.0, 0.5])
    start = np.ones(4)
    assert power_iteration(lambda v: A @ v, start, 1e-9, 1000).value == pytest.approx(-5.0, rel=1e-8)


@pytest.mark.parametrize("eigenvalues,largest", [([-5.0, 2.0, 1.0, 0.5], 2.0), ([-5.0, -2.0, -1.0], -1.0),
                                                 ([3.0, -1.0, 0.25], 3.0), ([0.0, 0.0], 0.0)])
def test_largest_eigenvalue_shifts_past_a_larger_negative_one(eigenvalues, largest):
    A = symmetric(eigenvalues)
    found = largest_eigenvalue(lambda v: A @ v, np.ones(len(eigenvalues)), 1e-9, 1000)
    assert found.converged
    assert found.value == pytest.approx(largest, rel=1e-7, abs=1e-12)


def test_non_finite_parameters_give_nan_not_an_error():
    net, X, Y = tiny_problem("tanh", "sigmoid", "bce")
    net.theta[0] = math.nan   # as after a diverged run
    with np.errstate(all="ignore"):
        found = estimate_sharpness(net, X, Y, "bce")
    assert math.isnan(found.value) and not found.converged and found.iterations == 1


def test_the_estimate_leaves_the_network_exactly_as_it_was():
    net, X, Y = tiny_problem("rrelu", "sigmoid", "bce")
    theta, theta_before = net.theta, net.theta.copy()
    rng_before = net.rng.bit_generator.state
    estimate_sharpness(net, X, Y, "bce")
    hessian(net, X, Y, "bce")
    assert net.theta is theta and net.weights[0].base is theta   # θ is the same array, its views intact
    np.testing.assert_array_equal(net.theta, theta_before)        # bit for bit
    assert net.rng.bit_generator.state == rng_before              # no RReLU slopes drawn


def run_with_sharpness(config, every):
    """Train a RunConfig with the sharpness every `every` epochs: (the estimates, every epoch's loss)."""
    net, trainer, _ = config.build()
    trainer.sharpness_every = every
    log = MetricsLog(net.layers, len(trainer.tracked))
    trainer.run(config.epochs, log=log)
    sharpness = log.column("sharpness")
    return sharpness[~np.isnan(sharpness)], log.column("loss")


# --- kinks ---------------------------------------------------------------------------------


def test_a_sample_on_a_relu_kink_is_left_out_of_the_product_not_divided_by_epsilon():
    rng = np.random.default_rng(3)
    net = Network([2, 3, 1], "relu", "sigmoid", seed=3)
    X, Y = rng.uniform(-2, 2, size=(5, 2)), rng.uniform(0.1, 0.9, size=(5, 1))
    # Put sample 0's z of hidden unit 0 a hair above its kink; a step along b¹₀ moves it by ε.
    net.biases[0][0] = 1e-9 - X[0] @ net.weights[0][:, 0]
    others = net.feedforward(X[1:])[0][0]
    assert np.abs(others).min() > 0.01                     # the other samples are far from any kink
    v = np.zeros(net.theta.size)
    v[net.theta.size - 4] = 1.0                             # b¹₀: after W¹ (6) and W² (3), b¹ starts
    assert net.split(v)[1][0][0] == 1.0
    Hv = HessianVectorProduct(net, X, Y, "bce")(v)
    # H = (1/n) Σ_x H_x: sample 0 left out, the other four count for 4/5.
    expected = 4 / 5 * HessianVectorProduct(net, X[1:], Y[1:], "bce")(v)
    np.testing.assert_allclose(Hv, expected, rtol=1e-7, atol=1e-9)
    # Without the check, sample 0's gradient jump over 2ε would dominate.
    smooth = HessianVectorProduct(net, X, Y, "bce")
    smooth.kinked = False
    assert np.abs(smooth(v)).max() > 1000 * np.abs(expected).max()


def test_relu_training_shows_no_sharpness_spikes_from_kinks():
    # Before samples crossing a kink were left out, about 8% of the estimates on this
    # run were spikes of up to 100 times their neighbours.
    sharpness, _ = run_with_sharpness(RunConfig(dataset="circle", layers=(2, 8, 8, 1), activation="relu",
                                                lr=0.1, epochs=1000), every=5)
    neighbours = np.array([np.median(sharpness[max(0, i - 5):i + 6]) for i in range(len(sharpness))])
    assert np.all(sharpness < 1.5 * neighbours), (sharpness / neighbours).max()


# --- gradient descent on either side of 2/λ_max ----------------------------------------------


def regression_problem():
    """A linear unit with MSE on fixed data: L(θ) is a quadratic in θ, its Hessian constant."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 2)) + [0.5, -1.0]
    Y = X @ np.array([[1.5], [-0.5]]) + 0.3 + 0.1 * rng.normal(size=(40, 1))
    return X, Y


def gd_at(factor, epochs):
    """Full-batch GD on regression_problem with lr = factor · 2/λ_max, λ_max from the
    estimator (and estimated again every 100 epochs): (λ_max, lr, trainer, log)."""
    X, Y = regression_problem()
    net = Network([2, 1], output="linear", seed=0)
    sharpness = estimate_sharpness(net, X, Y, "mse").value
    lr = factor * 2 / sharpness
    trainer = Trainer(net, X, Y, loss="mse", lr=lr, sharpness_every=100)
    log = MetricsLog(net.layers, len(trainer.tracked))
    trainer.run(epochs, log=log)
    return sharpness, lr, trainer, log


@pytest.mark.parametrize("factor", [0.9, 0.99])
def test_full_batch_gd_below_the_stability_limit_converges(factor):
    sharpness, lr, trainer, log = gd_at(factor, 3000)
    assert sharpness < stability_limit(lr)        # under the chart's line at 2/η
    losses = log.column("loss")
    assert np.all(np.diff(losses) <= 1e-15)       # on a quadratic, every step lowers the loss
    X, Y = regression_problem()
    A = np.hstack([X, np.ones((len(X), 1))])
    best = np.linalg.lstsq(A, Y, rcond=None)[0]
    minimum = 0.5 * np.mean((A @ best - Y) ** 2)
    assert losses[-1] == pytest.approx(minimum, rel=1e-9)
    np.testing.assert_allclose(trainer.net.theta, best.ravel(), rtol=1e-6)


@pytest.mark.parametrize("factor", [1.01, 1.1])
def test_full_batch_gd_above_the_stability_limit_diverges(factor):
    sharpness, lr, trainer, log = gd_at(factor, 5000)
    assert sharpness > stability_limit(lr)        # above the chart's line at 2/η
    # The error along the top eigenvector grows by |1 − ηλ| > 1 every epoch.
    assert trainer.last_record.diverged or trainer.divergence() is not None
    assert not trainer.last_record.loss < 1e6 * trainer.first_loss
    # The recorded sharpness is the constant Hessian's all along, while θ grows by 40
    # orders of magnitude or more (ε grows with θ: a fixed ε vanished in rounding next
    # to θ and Hv read 0), until θ overflows.
    estimates = np.array(log.column("sharpness"))
    estimates = estimates[np.isfinite(estimates)]
    assert len(estimates) >= 10
    np.testing.assert_allclose(estimates, sharpness, rtol=1e-6)


# --- a real network: the edge of stability ---------------------------------------------------


def sine_run(lr, seed=0, epochs=3000):
    """sine 1-16-16-1, tanh, linear output, MSE, full batch: (sharpness estimates, losses)."""
    return run_with_sharpness(RunConfig(dataset="sine", layers=(1, 16, 16, 1), activation="tanh", output="linear",
                                        loss="mse", lr=lr, epochs=epochs, seed=seed), every=50)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_sharpness_rises_to_2_over_lr_and_hovers_there(seed):
    # Cohen et al. (2021) on a net the Lab can run: at lr 0.2 the sharpness starts near
    # half of 2/η = 10, climbs to it by epoch ~800, then saws between about 0.85 and 1.15
    # of it (measured: seeds 0-2); the loss rises at about 100 of the 3,000 epochs,
    # yet ends 20-40 times lower.
    lr = 0.2
    sharpness, losses = sine_run(lr, seed)
    limit = stability_limit(lr)
    assert sharpness[0] < 0.6 * limit
    after_rise = sharpness[20:]                                    # epochs 1,050 onwards
    assert np.all((0.75 * limit < after_rise) & (after_rise < 1.25 * limit)), after_rise / limit
    assert np.count_nonzero(np.diff(losses) > 0) >= 20             # no longer falling every epoch
    assert losses[-1] < losses[0] / 10                             # but falling in the long run


def test_below_the_edge_the_sharpness_stays_under_2_over_lr_and_the_loss_falls_every_epoch():
    lr = 0.05
    sharpness, losses = sine_run(lr)
    assert sharpness.max() < 0.5 * stability_limit(lr)
    assert np.all(np.diff(losses) <= 0)


# --- the Trainer's hook ----------------------------------------------------------------------


def trainer_pair(**options):
    """Two trainers on the same RReLU network and data (minibatches, momentum: every
    random generator in use), one estimating the sharpness every 3 epochs."""
    data = datasets.load("circle", samples=40, seed=2)
    runs = []
    for every in (None, 3):
        net = Network([2, 5, 1], "rrelu", "sigmoid", seed=5)
        runs.append(Trainer(net, data.X, data.Y, loss="bce", lr=0.3, optimizer="momentum", batch_size=16,
                            seed=9, sharpness_every=every, **options))
    return runs


def test_sharpness_every_changes_nothing_else_in_the_run():
    plain, measured = trainer_pair()
    for _ in range(10):
        a, b = plain.run_epoch(), measured.run_epoch()
        assert a.sharpness is None
        for field in dataclasses.fields(a):
            if field.name not in ("sharpness", "checkpoint"):
                assert getattr(a, field.name) == getattr(b, field.name), field.name
    np.testing.assert_array_equal(plain.net.theta, measured.net.theta)
    assert plain.net.rng.bit_generator.state == measured.net.rng.bit_generator.state
    assert plain.rng.bit_generator.state == measured.rng.bit_generator.state


def test_sharpness_every_k_records_an_estimate_every_kth_epoch():
    _, trainer = trainer_pair()
    log = MetricsLog(trainer.net.layers, len(trainer.tracked))
    records = [trainer.run_epoch() for _ in range(9)]
    for record in records:
        log.append(record)
        assert (record.sharpness is not None) == (record.epoch % 3 == 0)
    # Each estimate is the network's λ_max at that epoch (checked after the last one).
    exact = top_eigenvalue(hessian(trainer.net, trainer.X, trainer.Y, "bce"))
    assert records[-1].sharpness == pytest.approx(exact, rel=1e-3)
    sharpness = log.column("sharpness")
    assert np.isnan(sharpness[[0, 1, 3, 4, 6, 7]]).all()
    np.testing.assert_array_equal(sharpness[[2, 5, 8]], [r.sharpness for r in records[2::3]])


@pytest.mark.parametrize("every", [0, -3, 2.5, "10"])
def test_sharpness_every_must_be_a_positive_whole_number(every):
    net = Network([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match="sharpness_every"):
        Trainer(net, np.zeros((4, 2)), np.zeros((4, 1)), sharpness_every=every)
