"""Tests for engine.losses: each output delta against finite differences of C_x, overflow
safety and the refused output/loss pairings."""

from __future__ import annotations

import numpy as np
import pytest

from engine.activations import OUTPUTS
from engine.gradcheck import relative_error
from engine.losses import LOSSES, check_pairing

H = 1e-5

# Every output a loss accepts (mse follows any output).
PAIRINGS = [("mse", "sigmoid"), ("mse", "tanh"), ("mse", "linear"), ("mse", "softmax"),
            ("bce", "sigmoid"), ("cross_entropy", "softmax")]
REFUSED = [("bce", "softmax"), ("bce", "tanh"), ("bce", "linear"), ("cross_entropy", "sigmoid"),
           ("cross_entropy", "tanh"), ("cross_entropy", "linear")]


def targets(loss, output, rng, shape):
    """Targets the pairing is meant for: probabilities for bce, one-hot rows for
    cross-entropy, values in the output's range for mse."""
    n, k = shape
    if loss == "cross_entropy" or output == "softmax":
        return np.eye(k)[rng.integers(0, k, size=n)]
    if output == "tanh":
        return rng.uniform(-0.9, 0.9, size=shape)
    if output == "linear":
        return rng.normal(size=shape)
    return rng.uniform(0.05, 0.95, size=shape)


def cost_of(loss, output, z, y):
    return loss.cost(z, output(z), y)


@pytest.mark.parametrize("loss_name,output_name", PAIRINGS)
def test_delta_is_the_derivative_of_the_per_sample_cost(loss_name, output_name):
    rng = np.random.default_rng(7)
    loss, output = LOSSES[loss_name], OUTPUTS[output_name]
    z = rng.normal(0.0, 1.5, size=(8, 3))
    y = targets(loss_name, output_name, rng, z.shape)
    delta = loss.delta(z, output(z), y, output)
    assert delta.shape == z.shape
    # ∂C_x/∂z_k for each sample x: C_x depends only on its own row of z.
    numerical = np.zeros_like(z)
    for k in range(z.shape[1]):
        step = np.zeros_like(z)
        step[:, k] = H
        numerical[:, k] = (cost_of(loss, output, z + step, y) - cost_of(loss, output, z - step, y)) / (2 * H)
    np.testing.assert_allclose(delta, numerical, rtol=1e-7, atol=1e-10)  # entry by entry
    assert relative_error(delta, numerical) < 1e-9


@pytest.mark.parametrize("loss_name,output_name", PAIRINGS)
def test_cost_is_one_number_per_sample_and_zero_or_least_at_the_target(loss_name, output_name):
    rng = np.random.default_rng(3)
    loss, output = LOSSES[loss_name], OUTPUTS[output_name]
    z = rng.normal(size=(5, 3))
    y = targets(loss_name, output_name, rng, z.shape)
    cost = cost_of(loss, output, z, y)
    assert cost.shape == (5,)
    assert np.all(cost >= 0.0)
    if loss_name == "mse":  # a = y exactly: C = 0
        np.testing.assert_array_equal(loss.cost(z, y, y), 0.0)


def test_cost_formulas_match_the_design_conventions():
    z = np.array([[0.3, -1.2]])
    y = np.array([[1.0, 0.0]])
    a = OUTPUTS["sigmoid"](z)
    assert LOSSES["mse"].cost(z, a, y)[0] == pytest.approx(0.5 * ((a - y) ** 2).sum(), rel=1e-14)
    bce = -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum()
    assert LOSSES["bce"].cost(z, a, y)[0] == pytest.approx(bce, rel=1e-12)
    p = OUTPUTS["softmax"](z)
    assert LOSSES["cross_entropy"].cost(z, p, y)[0] == pytest.approx(-np.log(p[0, 0]), rel=1e-12)


@pytest.mark.parametrize("loss_name,output_name", PAIRINGS)
def test_costs_and_deltas_are_finite_far_out(loss_name, output_name):
    loss, output = LOSSES[loss_name], OUTPUTS[output_name]
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    y = np.array([[0.0, 1.0], [0.0, 1.0]])  # one row badly wrong, one right
    a = output(z)
    cost, delta = loss.cost(z, a, y), loss.delta(z, a, y, output)
    assert np.all(np.isfinite(cost)) and np.all(np.isfinite(delta))
    if loss_name != "mse":
        # The log losses charge about |z| for a confident wrong answer and 0 for a right one.
        assert cost[0] == pytest.approx(2000.0, rel=1e-12)
        assert cost[1] == pytest.approx(0.0, abs=1e-300)


@pytest.mark.parametrize("loss_name,output_name", PAIRINGS)
def test_valid_pairings_are_accepted(loss_name, output_name):
    check_pairing(output_name, loss_name)


@pytest.mark.parametrize("loss_name,output_name", REFUSED)
def test_refused_pairings_name_both_sides(loss_name, output_name):
    with pytest.raises(ValueError) as caught:
        check_pairing(output_name, loss_name)
    message = str(caught.value)
    assert loss_name in message and output_name in message


@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_names_its_formulas(name):
    loss = LOSSES[name]
    assert loss.name == name
    assert loss.formula.strip() and loss.delta_formula.strip()
