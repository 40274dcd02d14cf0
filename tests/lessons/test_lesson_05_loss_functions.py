"""Claims of lessons/05-loss-functions.md, measured with the engine on the lesson's own blocks."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import lab, lesson, snapshots

import engine

LESSON = "loss-functions"
MSE_LAB = "Nielsen's slow neuron: the quadratic cost"
BCE_LAB = "Nielsen's slow neuron: cross-entropy"
SPIRAL_LAB = "Three spiral arms: softmax with cross-entropy"


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def outputs_at(config, epochs):
    """{epoch: (record, the network's outputs on the training set after it)}."""
    seen, data = snapshots(config, epochs)
    return {epoch: (record, net.forward(data.X)) for epoch, (record, net) in seen.items()}


def test_the_slow_neuron_starts_badly_wrong_near_nielsens_start():
    config = lab(LESSON, MSE_LAB)
    net, _, data = config.build()
    assert data.X.ravel().tolist() == [1.0] * 4 and data.Y.ravel().tolist() == [0.0] * 4
    w, b = net.weights[0][0, 0], net.biases[0][0]
    assert w == pytest.approx(1.99, abs=5e-3) and b == pytest.approx(1.84, abs=5e-3)
    assert w + b == pytest.approx(3.83, abs=5e-3)
    assert net.forward(data.X)[0, 0] == pytest.approx(0.979, abs=5e-4)
    assert (config.lr, config.seed, config.init) == (0.15, 537, "normal")
    # The cross-entropy lab is the same neuron with the other loss.
    assert dataclasses.replace(config, loss="bce") == lab(LESSON, BCE_LAB)


def test_the_predict_quizzes_run_the_labs_for_150_epochs():
    quizzes = lesson(LESSON)
    for quiz_id, title in (("slow-neuron-predict", MSE_LAB), ("fast-neuron-predict", BCE_LAB)):
        assert quizzes.quiz(quiz_id).spec.lab == dataclasses.replace(lab(LESSON, title), epochs=150)


def test_the_quadratic_cost_plateaus_then_drops():
    seen = outputs_at(lab(LESSON, MSE_LAB), {1, 10, 100, 150, 200, 300})
    assert seen[1][0].delta_means[0] == pytest.approx(0.0204, abs=5e-5)
    for epoch, output in ((10, 0.977), (100, 0.950), (150, 0.878), (200, 0.507), (300, 0.165)):
        assert seen[epoch][1][0, 0] == pytest.approx(output, abs=5e-4), epoch
    assert seen[150][0].loss == pytest.approx(0.388, abs=5e-4)
    assert seen[1][0].loss == pytest.approx(0.5 * 0.979 ** 2, abs=5e-4)


def test_cross_entropy_learns_fastest_at_the_start():
    seen = outputs_at(lab(LESSON, BCE_LAB), {1, 10, 50, 150, 300})
    assert seen[1][0].delta_means[0] == pytest.approx(0.979, abs=5e-4)
    for epoch, output in ((10, 0.750), (50, 0.097), (150, 0.026), (300, 0.012)):
        assert seen[epoch][1][0, 0] == pytest.approx(output, abs=5e-4), epoch
    assert seen[150][0].loss == pytest.approx(0.026, abs=5e-4)
    mse = outputs_at(lab(LESSON, MSE_LAB), {1})
    ratio = seen[1][0].delta_means[0] / mse[1][0].delta_means[0]
    assert ratio == pytest.approx(48.0, abs=0.05)
    assert lesson(LESSON).quiz("slowdown-factor").spec.expected == pytest.approx(ratio, rel=1e-3)


def test_slow_neuron_quiz_key_and_the_arithmetic_around_it():
    quiz = lesson(LESSON).quiz("slow-neuron-delta")
    a = sigmoid(4)
    assert quiz.spec.expected == pytest.approx(a * a * (1 - a), rel=1e-12)
    assert (round(a, 6), round(a * (1 - a), 6), round(quiz.spec.expected, 6)) == (0.982014, 0.017663, 0.017345)
    milder = sigmoid(1.5)
    assert round(milder, 2) == 0.82 and milder * milder * (1 - milder) == pytest.approx(0.12, abs=5e-3)
    assert milder * milder * (1 - milder) / quiz.spec.expected == pytest.approx(7, abs=0.1)
    assert 1 - math.exp(-0.05) == pytest.approx(0.049, abs=5e-4)
    assert 1 / (0.999 * 0.001) == pytest.approx(1000, rel=0.01)


def test_cross_entropy_is_what_makes_the_delta_a_minus_y():
    bce, sigmoid_out = engine.LOSSES["bce"], engine.OUTPUTS["sigmoid"]
    z = np.linspace(-6, 6, 25).reshape(-1, 1)
    a = sigmoid_out(z)
    for y in (0.0, 1.0):
        target = np.full_like(z, y)
        h = 1e-6
        numeric = (bce.cost(z + h, sigmoid_out(z + h), target) - bce.cost(z - h, sigmoid_out(z - h), target)) / (2 * h)
        assert np.allclose(numeric, (a - target).ravel(), atol=1e-8)
    # The partial fractions of the derivation.
    for a_, y in ((0.3, 0.0), (0.7, 1.0), (0.2, 0.6)):
        assert (a_ - y) / (a_ * (1 - a_)) == pytest.approx(-y / a_ + (1 - y) / (1 - a_))


def test_softmax_quiz_key_and_its_jacobian():
    quiz = lesson(LESSON).quiz("softmax-delta")
    z = np.array([2.0, 1.0, -1.0])
    a = np.exp(z) / np.exp(z).sum()
    assert a.round(4).tolist() == [0.7054, 0.2595, 0.0351]
    assert np.exp(z).sum() == pytest.approx(10.475, abs=5e-4)
    assert quiz.spec.expected == pytest.approx(a[1] - 1, rel=1e-12) and round(quiz.spec.expected, 4) == -0.7405
    softmax = engine.OUTPUTS["softmax"]
    # ∂a_j/∂z_k = a_j(1[j = k] − a_k), against centered differences.
    h = 1e-6
    numeric = np.array([(softmax(z + h * e) - softmax(z - h * e)) / (2 * h) for e in np.eye(3)]).T
    assert np.allclose(numeric, np.diag(a) - np.outer(a, a), atol=1e-9)
    # Two classes: softmax over (z, 0) is (σ(z), 1 − σ(z)).
    pair = softmax(np.array([[0.8, 0.0]]))[0]
    assert pair == pytest.approx([sigmoid(0.8), 1 - sigmoid(0.8)], rel=1e-12)


def test_spiral3_cross_entropy_against_the_quadratic_cost():
    config = lab(LESSON, SPIRAL_LAB)
    ce = outputs_at(config, {1, 1000, 2000})
    mse = outputs_at(dataclasses.replace(config, loss="mse"), {1, 1000, 2000})
    assert len(ce[1][1]) == 200
    assert ce[1000][0].accuracy == pytest.approx(0.97, abs=1e-9) and mse[1000][0].accuracy == pytest.approx(0.72, abs=1e-9)
    assert ce[2000][0].accuracy == pytest.approx(0.975, abs=1e-9) and mse[2000][0].accuracy == pytest.approx(0.94, abs=1e-9)
    assert ce[1][0].delta_means[-1] == pytest.approx(0.44, abs=5e-3)
    assert mse[1][0].delta_means[-1] == pytest.approx(0.15, abs=5e-3)
