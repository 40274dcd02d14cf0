"""Claims of lessons/03-activations.md, measured with the engine."""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine

A = engine.ACTIVATIONS
Z = np.linspace(-10, 10, 200_001)


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma_and_peaks_at_a_quarter():
    s = A["sigmoid"](Z)
    assert np.allclose(A["sigmoid"].derivative(Z), np.exp(-Z) / (1 + np.exp(-Z)) ** 2, rtol=1e-12)
    assert np.allclose(A["sigmoid"].derivative(Z), s * (1 - s), rtol=1e-12)
    d = A["sigmoid"].derivative(Z)
    assert d.max() == 0.25 and Z[d.argmax()] == 0.0
    assert A["sigmoid"].derivative(np.array([5.0]))[0] == pytest.approx(0.0066, abs=5e-5)


def test_sigmoid_does_not_overflow_at_minus_1000():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is the right answer
        assert A["sigmoid"](np.array([-1000.0]))[0] == 0.0


def test_tanh_derivative_and_its_sigmoid_form():
    t = A["tanh"](Z)
    assert np.allclose(A["tanh"].derivative(Z), 1 - t * t, atol=1e-15)
    assert A["tanh"].derivative(Z).max() == 1.0
    assert np.allclose(t, 2 * A["sigmoid"](2 * Z) - 1, atol=1e-15)
    assert np.allclose(A["tanh"].derivative(Z), 4 * A["sigmoid"].derivative(2 * Z), atol=1e-15)


def test_relu_derivative_is_0_at_the_kink_and_0_or_1_elsewhere():
    relu = A["relu"]
    assert relu.derivative(np.array([0.0]))[0] == 0.0
    assert set(np.unique(relu.derivative(Z))) == {0.0, 1.0}


def test_centered_difference_across_the_kink_matches_neither_side():
    relu, h = A["relu"], 1e-5
    slope = (relu(np.array([0.5 * h])) - relu(np.array([-1.5 * h])))[0] / (2 * h)
    assert 0 < slope < 1


def test_leaky_relu_slope():
    assert A["leaky_relu"](np.array([-2.0]))[0] == pytest.approx(-0.02)
    assert A["leaky_relu"].derivative(np.array([-2.0, 3.0])).tolist() == [0.01, 1.0]


def test_rrelu_evaluation_slope_is_11_48():
    rrelu = A["rrelu"]
    assert rrelu(np.array([-1.0]))[0] == pytest.approx(-11 / 48, rel=1e-15)
    assert rrelu.derivative(np.array([-1.0]))[0] == pytest.approx(11 / 48, rel=1e-15)
    assert 11 / 48 == pytest.approx(0.229, abs=5e-4)


def test_rrelu_training_slopes_are_uniform_in_an_eighth_to_a_third_and_shared_with_the_derivative():
    z = -np.ones(100_000)
    a, fprime = A["rrelu"].sample(z, np.random.default_rng(0))
    slopes = -a
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert slopes.mean() == pytest.approx(11 / 48, abs=2e-3)
    assert np.array_equal(fprime, slopes)  # the derivative uses the forward pass's slope
    positive, fprime_positive = A["rrelu"].sample(np.ones(10), np.random.default_rng(0))
    assert positive.tolist() == [1.0] * 10 and fprime_positive.tolist() == [1.0] * 10


def test_the_papers_rrelu_rules():
    assert 1 / ((3 + 8) / 2) == pytest.approx(2 / 11) and 2 / 11 == pytest.approx(0.182, abs=5e-4)
    # E[1/a] for a ~ U(3, 8), by the midpoint rule, against ln(8/3)/5.
    n = 1_000_000
    a = 3 + (np.arange(n) + 0.5) * 5 / n
    assert (1 / a).mean() == pytest.approx(math.log(8 / 3) / 5, rel=1e-9)
    assert math.log(8 / 3) / 5 == pytest.approx(0.196, abs=5e-4)


def test_silu_slope_exceeds_one_but_the_others_do_not():
    for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
        assert np.abs(A[name].derivative(Z)).max() <= 1.0
    d = A["silu"].derivative(Z)
    assert d.max() == pytest.approx(1.0998, abs=5e-5)
    assert Z[d.argmax()] == pytest.approx(2.40, abs=5e-3)
    s = A["sigmoid"](Z)
    assert np.allclose(d, s * (1 + Z * (1 - s)), rtol=1e-12)


CIRCLE = dict(dataset="circle", layers=[2, 8, 1], output="sigmoid", loss="bce", seed=0)


def test_circle_tanh_against_sigmoid(run):
    tanh, _, data = run(**CIRCLE, activation="tanh", lr=0.5, epochs=1000)
    assert len(data.X) == 200
    assert tanh[-1].loss == pytest.approx(0.042, abs=5e-4) and tanh[-1].accuracy == 1.0
    sigmoid, _, _ = run(**CIRCLE, activation="sigmoid", lr=0.5, epochs=1000)
    assert sigmoid[-1].loss == pytest.approx(0.65, abs=5e-3) and sigmoid[-1].accuracy == 0.705


def test_circle_sigmoid_is_slower_not_incapable(run):
    longer, _, _ = run(**CIRCLE, activation="sigmoid", lr=0.5, epochs=3000)
    assert longer[-1].accuracy == 1.0 and longer[-1].loss == pytest.approx(0.061, abs=5e-4)
    faster, _, _ = run(**CIRCLE, activation="sigmoid", lr=2, epochs=1000)
    assert faster[-1].loss == pytest.approx(0.038, abs=5e-4)


DEEP_RELU = dict(dataset="circle", layers=[2, 8, 8, 1], activation="relu", output="sigmoid", loss="bce",
                 init="he", lr=0.5, epochs=1000, seed=0)


def test_a_dead_unit_of_the_second_layer_is_frozen_then_revived_by_the_first_layer():
    net, trainer, data = engine.RunConfig.from_mapping(DEEP_RELU).build()
    assert len(data.X) == 200
    dead, weights = {}, {}
    for epoch in range(1, 15):
        trainer.run_epoch()
        zs, _, _ = net.feedforward(data.X)
        dead[epoch] = (zs[1][:, 4] < 0).all()                   # unit 4 of the second hidden layer
        weights[epoch] = (net.weights[1][:, 4].copy(), float(net.biases[1][4]))
        assert not (zs[0] <= 0).all(axis=0).any()                # no unit of the first layer dies here
    assert [epoch for epoch in dead if dead[epoch]] == list(range(3, 12))
    assert np.array_equal(weights[3][0], weights[12][0]) and weights[3][1] == weights[12][1]
    assert not np.array_equal(weights[12][0], weights[13][0])   # alive: it learns again


def test_a_dead_unit_of_the_first_layer_stays_dead():
    net, trainer, data = engine.RunConfig.from_mapping({**DEEP_RELU, "epochs": 300}).build()
    net.biases[0][0] = -100.0                                    # z < 0 for every point: dead from the start
    before = net.weights[0][:, 0].copy()
    for _ in range(300):
        trainer.run_epoch()
    zs, _, _ = net.feedforward(data.X)
    assert (zs[0][:, 0] < 0).all()
    assert np.array_equal(net.weights[0][:, 0], before) and net.biases[0][0] == -100.0


def test_relu_derivative_is_z_greater_than_0():
    import inspect

    assert "z > 0" in inspect.getsource(type(A["relu"]))


def test_rrelu_quiz_mistakes_are_the_numbers_they_name():
    from tutor.course.loader import load_course
    from tutor.course.paths import lessons_dir

    quiz = load_course(lessons_dir()).lesson("activations").quiz("rrelu-eval-slope")
    values = [m.value for m in quiz.mistakes]
    assert values == [pytest.approx(2 / 11), pytest.approx(math.log(8 / 3) / 5, rel=1e-9),
                      pytest.approx(1 / 3), 1 / 8, 0.01]
    assert quiz.spec.expected == 11 / 48


def test_sigmoid_slope_needs_weights_above_4_to_pass_the_error_undiminished():
    assert 4 * A["sigmoid"].derivative(np.array([0.0]))[0] == 1.0
