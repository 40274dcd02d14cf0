"""Claims of lessons/08-initialisation.md, measured with the engine on the lesson's own blocks."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import lab, lesson, train

LESSON = "initialisation"
ZERO_XOR = "XOR from zero weights"
ZERO_AND = "AND from zero weights, sigmoid units: four units, one unit's work"
DEEP_RELU = "Six ReLU layers: Xavier, He or N(0, 1)?"
DEEP_TANH = "Six tanh layers: Xavier against N(0, 1)"


def first_epoch(config):
    """(the first epoch's record, the standard deviation of z in each layer before it)."""
    net, trainer, data = config.build()
    zs, _, _ = net.feedforward(data.X)
    return trainer.run_epoch(), [float(z.std()) for z in zs]


def losses(config):
    """The records of `config`'s run, to its last epoch or the one it diverged at."""
    return train(**config.to_dict())[0]


def test_zero_weights_cost_ln_2_on_every_example():
    quiz = lesson(LESSON).quiz("zero-init-loss")
    assert quiz.spec.expected == pytest.approx(math.log(2), rel=1e-12)
    assert round(math.log(2), 4) == 0.6931


def test_xor_from_zero_weights_never_moves():
    config = lab(LESSON, ZERO_XOR)
    assert lesson(LESSON).quiz("zero-init-predict").spec.lab == config
    net, trainer, _ = config.build()
    for _ in range(config.epochs):
        assert trainer.run_epoch().loss == math.log(2)
    assert not net.theta.any()   # every weight and bias still exactly 0


def test_and_from_zero_sigmoid_weights_learns_with_identical_units():
    config = lab(LESSON, ZERO_AND)
    net, trainer, _ = config.build()
    for _ in range(config.epochs):
        record = trainer.run_epoch()
    assert record.loss == pytest.approx(0.0138, abs=5e-5) and record.accuracy == 1.0
    W1, W2 = net.weights
    assert np.allclose(W1, -2.375, atol=5e-4) and np.ptp(W1) < 1e-12
    assert np.allclose(W2, -4.291, atol=5e-4) and np.ptp(W2) < 1e-12


def test_the_init_numbers():
    assert lesson(LESSON).quiz("he-std").spec.expected == math.sqrt(2 / 32) == 0.25
    assert math.sqrt(2 / 64) == pytest.approx(0.177, abs=5e-4)
    assert (1 / math.sqrt(2)) ** 5 == pytest.approx(0.18, abs=5e-3)
    # The variance of U(-r, r) is r²/3, by the midpoint rule.
    r, n = 0.7, 1_000_000
    x = -r + (np.arange(n) + 0.5) * 2 * r / n
    assert (x * x).mean() == pytest.approx(r * r / 3, rel=1e-9)
    # E[relu(z)²] = ½ Var(z) for a symmetric z.
    z = np.random.default_rng(0).normal(size=1_000_000)
    assert (np.maximum(z, 0) ** 2).mean() == pytest.approx(0.5, abs=0.005)


def test_deep_relu_table():
    config = lab(LESSON, DEEP_RELU)
    xavier, xavier_z = first_epoch(config)
    assert xavier.delta_means[0] == pytest.approx(0.0099, abs=5e-5)
    assert xavier.delta_means[5] == pytest.approx(0.058, abs=5e-4)
    assert xavier.delta_means[2] == pytest.approx(0.015, abs=5e-4)
    assert xavier.delta_means[-1] == pytest.approx(0.50, abs=5e-3)
    assert xavier_z[0] == pytest.approx(0.13, abs=5e-3) and xavier_z[5] == pytest.approx(0.025, abs=5e-4)
    assert xavier_z[5] / xavier_z[0] == pytest.approx(0.19, abs=5e-3)

    he, _ = first_epoch(dataclasses.replace(config, init="he"))
    assert he.delta_means[0] == pytest.approx(0.045, abs=5e-4)
    assert he.delta_means[2] == pytest.approx(0.051, abs=5e-4) and he.delta_means[5] == pytest.approx(0.053, abs=5e-4)
    assert 0.041 - 5e-4 <= min(he.delta_means[:6]) and max(he.delta_means[:6]) <= 0.053 + 5e-4
    assert he.delta_means[-1] == pytest.approx(0.48, abs=5e-3)

    normal, normal_z = first_epoch(dataclasses.replace(config, init="normal"))
    assert normal.delta_means[0] == pytest.approx(140, abs=5)
    assert normal.delta_means[2] == pytest.approx(7.3, abs=0.05)
    assert normal.delta_means[5] == pytest.approx(0.19, abs=5e-3)
    assert normal.delta_means[-1] == pytest.approx(0.44, abs=5e-3)
    assert normal.loss == pytest.approx(851, abs=0.5)
    assert [float(f'{z:.2g}') for z in normal_z[:6]] == [1.0, 3.5, 14, 59, 150, 440]


def test_deep_relu_predict_quizzes_and_losses_after_100_epochs():
    config = lab(LESSON, DEEP_RELU)
    compare = lesson(LESSON).quiz("deep-relu-he-predict").spec
    assert compare.lab == dataclasses.replace(config, epochs=100)
    assert compare.compare == dataclasses.replace(config, epochs=100, init="he")
    assert losses(compare.lab)[-1].loss == pytest.approx(0.208, abs=5e-4)
    assert losses(compare.compare)[-1].loss == pytest.approx(0.0147, abs=5e-5)
    diverging = lesson(LESSON).quiz("deep-relu-normal-predict").spec.lab
    assert diverging == dataclasses.replace(config, epochs=100, init="normal")
    records = losses(diverging)
    assert records[-1].diverged and records[-1].epoch == 7


def test_deep_tanh_and_sigmoid():
    config = lab(LESSON, DEEP_TANH)
    normal, normal_z = first_epoch(config)
    assert normal.delta_means[5] == pytest.approx(0.041, abs=5e-4) and normal.delta_means[0] == pytest.approx(2.4, abs=0.05)
    assert 3.6 - 0.05 <= min(normal_z[1:6]) and max(normal_z[1:6]) <= 5.7 + 0.05
    xavier, _ = first_epoch(dataclasses.replace(config, init="xavier"))
    assert 0.076 - 5e-4 <= min(xavier.delta_means[:6]) and max(xavier.delta_means[:6]) <= 0.11 + 5e-3
    sigmoid = dataclasses.replace(config, init="xavier", activation="sigmoid")
    first, _ = first_epoch(sigmoid)
    assert first.delta_means[0] == pytest.approx(1.5e-5, abs=5e-7)
    assert first.delta_means[5] == pytest.approx(0.023, abs=5e-4)
    ratios = [first.delta_means[l + 1] / first.delta_means[l] for l in range(5)]
    assert all(round(ratio) in (4, 5) for ratio in ratios), ratios   # "a factor of 4 to 5"
    assert losses(sigmoid)[-1].loss == pytest.approx(math.log(2), abs=5e-5)
