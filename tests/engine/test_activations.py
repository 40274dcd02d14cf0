"""Tests for engine.activations: each derivative against finite differences, overflow
safety, the sigmoid's identities, softmax and RReLU's two modes."""

from __future__ import annotations

import numpy as np
import pytest

from engine.activations import ACTIVATIONS, OUTPUTS, SIGMOID, SOFTMAX, TANH, RReLU
from engine.gradcheck import relative_error

H = 1e-5  # centered differences in float64 (CS231n notes)
KINKED = ("relu", "leaky_relu", "rrelu", "elu")  # not differentiable (or not twice) at 0
DETERMINISTIC = [name for name in ACTIVATIONS if name != "rrelu"]


def centered_difference(f, z):
    return (f(z + H) - f(z - H)) / (2.0 * H)


def points(low, high, count=401):
    """A grid of z values that stays clear of the kinks at 0 by far more than H."""
    z = np.linspace(low, high, count)
    return z[np.abs(z) > 1e-3]


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


# --- derivatives -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_centered_differences(name):
    f = ACTIVATIONS[name]
    z = points(-3.0, 3.0)
    # Point by point: |f'(z) − numerical| ≤ 1e-7·|numerical| at every z.
    np.testing.assert_allclose(f.derivative(z), centered_difference(f, z), rtol=1e-7, atol=0)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_centered_differences_in_the_tails(name):
    # Out here f' can be ~1e-5 (tanh, gelu) while rounding in f(z ± h) costs ~1e-11
    # absolute, so the bound is relative plus a tiny absolute part.
    f = ACTIVATIONS[name]
    z = points(-8.0, 8.0, 801)
    analytic, numerical = f.derivative(z), centered_difference(f, z)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", KINKED)
def test_kinked_derivatives_use_the_one_sided_slopes_either_side_of_zero(name):
    f = ACTIVATIONS[name]
    left, right = np.array([-1e-3]), np.array([1e-3])
    assert f.derivative(right)[0] == 1.0
    slope = {"relu": 0.0, "leaky_relu": 0.01, "rrelu": 11.0 / 48.0, "elu": np.exp(-1e-3)}[name]
    assert f.derivative(left)[0] == pytest.approx(slope, rel=1e-12)


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_sample_returns_value_and_derivative_as_in_eval_mode(name, rng):
    f = ACTIVATIONS[name]
    z = rng.normal(0.0, 3.0, size=(7, 5))
    a, fprime = f.sample(z, rng)
    np.testing.assert_allclose(a, f(z), rtol=1e-14, atol=0)
    np.testing.assert_allclose(fprime, f.derivative(z), rtol=1e-12, atol=1e-300)
    assert a.shape == fprime.shape == z.shape


# --- overflow safety -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "silu", "elu", "gelu", "tanh"])
def test_values_and_derivatives_are_finite_far_out(name):
    # pytest turns RuntimeWarning (overflow, invalid) into errors, so this also
    # checks that nothing overflows on the way.
    f = ACTIVATIONS[name]
    z = np.array([-1000.0, -700.0, 700.0, 1000.0])
    assert np.all(np.isfinite(f(z)))
    assert np.all(np.isfinite(f.derivative(z)))


def test_far_out_values_are_the_limits():
    z = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(SIGMOID(z), [0.0, 1.0])
    np.testing.assert_array_equal(TANH(z), [-1.0, 1.0])
    np.testing.assert_array_equal(ACTIVATIONS["softplus"](z), [0.0, 1000.0])
    np.testing.assert_array_equal(ACTIVATIONS["silu"](z), [0.0, 1000.0])
    np.testing.assert_array_equal(ACTIVATIONS["elu"](z), [-1.0, 1000.0])
    np.testing.assert_array_equal(ACTIVATIONS["gelu"](z), [0.0, 1000.0])


# --- the sigmoid and its relatives -----------------------------------------------------------


def test_sigmoid_symmetry_and_tanh_identity():
    x = np.linspace(-20.0, 20.0, 801)
    np.testing.assert_allclose(SIGMOID(-x), 1.0 - SIGMOID(x), atol=1e-15)
    np.testing.assert_allclose(TANH(x), 2.0 * SIGMOID(2.0 * x) - 1.0, atol=1e-15)


def test_sigmoid_derivative_peaks_at_a_quarter_at_zero():
    x = np.linspace(-10.0, 10.0, 2001)  # contains 0 exactly
    slopes = SIGMOID.derivative(x)
    assert SIGMOID.derivative(np.array([0.0]))[0] == 0.25
    assert slopes.max() == 0.25
    assert x[slopes.argmax()] == 0.0
    assert np.all(slopes[x != 0.0] < 0.25)


def test_softplus_derivative_is_the_sigmoid():
    x = np.linspace(-30.0, 30.0, 601)
    np.testing.assert_allclose(ACTIVATIONS["softplus"].derivative(x), SIGMOID(x), rtol=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS) + ["softmax"])
def test_every_activation_names_its_formulas(name):
    f = ACTIVATIONS.get(name) or OUTPUTS[name]
    assert f.name == name
    assert f.formula.strip() and f.derivative_formula.strip()
    assert f.formula != f.derivative_formula


def test_output_table_holds_the_hidden_activations_of_the_same_name():
    assert set(OUTPUTS) == {"sigmoid", "tanh", "linear", "softmax"}
    for name in ("sigmoid", "tanh", "linear"):
        assert OUTPUTS[name] is ACTIVATIONS[name]


# --- softmax ---------------------------------------------------------------------------------


def test_softmax_rows_are_probabilities(rng):
    z = rng.normal(0.0, 5.0, size=(20, 6))
    a = SOFTMAX(z)
    assert np.all(a > 0.0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    # The largest z gets the largest share.
    np.testing.assert_array_equal(a.argmax(axis=1), z.argmax(axis=1))


def test_softmax_is_shift_invariant_and_safe_far_out(rng):
    z = rng.normal(size=(10, 4))
    shift = rng.normal(0.0, 100.0, size=(10, 1))
    np.testing.assert_allclose(SOFTMAX(z + shift), SOFTMAX(z), rtol=1e-12)
    far = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    np.testing.assert_allclose(SOFTMAX(far), [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15)


def test_softmax_vjp_matches_finite_differences(rng):
    z = rng.normal(size=(5, 4))
    g = rng.normal(size=(5, 4))  # an upstream gradient ∂C/∂a
    analytic = SOFTMAX.vjp(SOFTMAX(z), g)
    # C(z) = Σ_k g_k·softmax(z)_k per row; each row depends only on its own z.
    numerical = np.zeros_like(z)
    for k in range(z.shape[1]):
        step = np.zeros_like(z)
        step[:, k] = H
        numerical[:, k] = ((SOFTMAX(z + step) * g).sum(axis=1) - (SOFTMAX(z - step) * g).sum(axis=1)) / (2 * H)
    assert relative_error(analytic, numerical) < 1e-7


# --- RReLU -----------------------------------------------------------------------------------


def test_rrelu_training_slopes_are_uniform_in_an_eighth_to_a_third(rng):
    rrelu = ACTIVATIONS["rrelu"]
    z = -rng.uniform(0.5, 2.0, size=(200, 50))  # all negative: every element draws a slope
    a, fprime = rrelu.sample(z, rng)
    slopes = a / z
    assert np.all((slopes >= 1 / 8) & (slopes <= 1 / 3))
    # Spread over the whole interval, not a narrower one, with mean 11/48.
    assert slopes.min() < 1 / 8 + 0.001 and slopes.max() > 1 / 3 - 0.001
    assert slopes.mean() == pytest.approx(11 / 48, abs=0.002)
    assert len(np.unique(slopes)) > 9000  # one draw per element


def test_rrelu_slopes_change_between_calls(rng):
    rrelu = ACTIVATIONS["rrelu"]
    z = -np.ones((4, 8))
    first, _ = rrelu.sample(z, rng)
    second, _ = rrelu.sample(z, rng)
    assert np.all(first != second)


def test_rrelu_sampled_derivative_is_the_slope_of_the_forward(rng):
    rrelu = ACTIVATIONS["rrelu"]
    z = rng.normal(size=(30, 30))
    z[np.abs(z) < 1e-3] = 0.5
    a, fprime = rrelu.sample(z, rng)
    negative = z < 0
    np.testing.assert_allclose(a[negative], fprime[negative] * z[negative], rtol=1e-15)
    np.testing.assert_array_equal(a[~negative], z[~negative])
    np.testing.assert_array_equal(fprime[~negative], 1.0)


def test_rrelu_eval_mode_is_a_fixed_leaky_relu_with_slope_11_48(rng):
    rrelu = ACTIVATIONS["rrelu"]
    assert isinstance(rrelu, RReLU)
    z = rng.normal(size=(6, 6))
    first, second = rrelu(z), rrelu(z)
    np.testing.assert_array_equal(first, second)
    negative = z < 0
    np.testing.assert_array_equal(first[negative], z[negative] * (11 / 48))
    np.testing.assert_array_equal(first[~negative], z[~negative])
    assert rrelu(np.array([-48.0]))[0] == pytest.approx(-11.0, rel=1e-15)
    np.testing.assert_array_equal(rrelu.derivative(np.array([-2.0, 3.0])), [11 / 48, 1.0])
