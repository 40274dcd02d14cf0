"""Claims of lessons/06-learning-rate.md, measured with the engine on the lesson's own blocks."""
from __future__ import annotations

import dataclasses
import inspect
import math
import re

import numpy as np
import pytest
import conftest
from conftest import lab, lesson, snapshots, train

import engine
from engine.epoch_table import EpochTable
from tutor.course.runs import predict_truth

LESSON = "learning-rate"
XOR_COMPARE = "XOR at four learning rates: epochs 1, 100 and 10,000"
SINE_COMPARE = "Sine at η = 0.05, 0.2 and 2"
LR50_LAB = "XOR, 2-4-1 tanh, η = 50"
SHARPNESS_LAB = "Sine at η = 0.2: the sharpness rises to 2/η"


def compare_block(title):
    return conftest.compare_block(LESSON, title)


def trained(title):
    return conftest.trained_comparison(LESSON, title)


def final_loss(config):
    records, _, _ = train(**config.to_dict())
    return records[-1].loss


def test_backpropagation_takes_no_learning_rate_and_the_step_is_the_only_use_of_it():
    assert "lr" not in inspect.signature(engine.Network.backward).parameters
    source = inspect.getsource(engine.network.Network.backward)
    assert not re.search(r"\b(lr|eta)\b|η", source)
    assert "self.lr" in inspect.getsource(engine.optimizers.SGD.step)
    functions = [block.function for block in lesson(LESSON).engine_blocks]
    assert functions == ["engine.network.Network.backward", "engine.optimizers.SGD.step"]
    quiz = lesson(LESSON).quiz("lr-in-backprop")
    assert quiz.spec.answers == {3} and quiz.spec.choices[3] == "none of them"


def test_the_delta_at_eta_5_quiz_key_and_its_arithmetic():
    quiz = lesson(LESSON).quiz("delta-at-eta-5")
    a1 = (math.tanh(0.6), math.tanh(-0.4))
    z2 = a1[0] * 1.0 + a1[1] * -0.5 + 0.2
    a2 = 1 / (1 + math.exp(-z2))
    assert [round(v, 4) for v in (*a1, z2, a2, a2 - 1)] == [0.5370, -0.3799, 0.9270, 0.7165, -0.2835]
    assert quiz.spec.expected == pytest.approx((a2 - 1) * (1 - a1[0] ** 2), rel=1e-12)
    assert round(quiz.spec.expected, 4) == -0.2018
    assert [m.value for m in quiz.mistakes] == [pytest.approx(5 * quiz.spec.expected, rel=1e-3),
                                                 pytest.approx(a2 - 1, rel=1e-3)]


def test_epoch_1_is_the_same_for_every_eta_and_epoch_2_is_not():
    comparison = trained(XOR_COMPARE)
    assert comparison.lrs == (0.05, 0.5, 5, 50)
    first = [row for row in comparison.table(epochs=(1,)) if row.epoch == 1]
    assert len(first) == 4
    for row in first:
        assert (row.loss, row.delta_means) == (first[0].loss, first[0].delta_means)
    assert round(first[0].loss, 4) == 0.7286
    assert [round(d, 4) for d in first[0].delta_means] == [0.2810, 0.5113]
    second = [row for row in comparison.table(epochs=(2,)) if row.epoch == 2]
    assert [round(row.delta_means[0], 4) for row in second] == [0.2807, 0.2767, 0.2036, 0.0970]
    assert [round(row.loss, 4) for row in second[:3]] == [0.7264, 0.7099, 0.8720] and round(second[3].loss, 2) == 1.84
    quiz = lesson(LESSON).quiz("epoch-1-deltas")
    assert quiz.spec.choices[min(quiz.spec.answers)] == "the same"


def test_eta_times_epochs_is_what_counts_for_small_eta():
    base = compare_block(XOR_COMPARE).config
    measured = {(lr, epochs): final_loss(dataclasses.replace(base, lr=lr, epochs=epochs))
                for lr, epochs in ((0.05, 1000), (0.5, 100), (0.05, 10_000), (0.5, 1000), (5, 100))}
    assert round(measured[0.05, 1000], 4) == 0.0911 and round(measured[0.5, 100], 4) == 0.0932
    assert round(measured[0.05, 10_000], 4) == 0.0044 and round(measured[0.5, 1000], 4) == 0.0044
    assert round(measured[5, 100], 4) == 0.0052
    # The predict quiz is the η = 0.5, 100-epoch run of the comparison's network.
    quiz = lesson(LESSON).quiz("same-time-predict")
    assert quiz.spec.lab == dataclasses.replace(base, lr=0.5, epochs=100)
    assert predict_truth(quiz.spec)[0] == "converges" and quiz.spec.target_loss == 0.1


def test_eta_50_oscillates_with_saturated_hidden_units():
    config = lab(LESSON, LR50_LAB)
    assert config == dataclasses.replace(compare_block(XOR_COMPARE).config, lr=50)
    records, _, _ = train(**config.to_dict())
    losses = np.array([r.loss for r in records])
    hidden = np.array([r.delta_means[0] for r in records])
    output = np.array([r.delta_means[1] for r in records])
    assert len(records) == 10_000
    assert [round(v, 4) for v in losses[:2]] == [0.7286, 1.84] and round(losses[2], 1) == 37.9
    assert set(losses[97:].round(2)) == {24.94, 37.56} and set(losses[96:].round(2)) != {24.94, 37.56}
    assert np.all(np.diff(np.sign(losses[97:] - 30)) != 0)          # every epoch it swaps
    assert hidden[97:].max() <= 6e-15 and round(hidden[0], 4) == 0.2810   # also the quiz's "below 10⁻¹⁴"
    assert np.all(output[97:] == pytest.approx(0.5, abs=1e-12))
    # The epoch table: rows at 100, 1,000 and 10,000 all show 24.94, with the words.
    table = EpochTable(len(config.layers) - 1)   # weight layers
    for record in records:
        table.append(record)
    rows = {row.epoch: row for row in table.rows()}
    assert [round(rows[e].loss, 2) for e in (100, 1000, 10_000)] == [24.94] * 3
    assert rows[10_000].words.startswith("loss alternates between 24.9 and 37.6")


def test_at_eta_50_two_points_are_wrong_with_full_confidence_and_the_pairs_swap():
    config = lab(LESSON, LR50_LAB)
    seen, data = snapshots(config, {100, 101})
    wrong = []
    for epoch in (100, 101):
        net = seen[epoch][1]
        delta = np.abs(net.backward(data.X, data.Y, loss="bce").deltas[-1].ravel())
        assert np.allclose(np.sort(delta), [0, 0, 1, 1], atol=1e-9)
        wrong.append(set(np.flatnonzero(delta > 0.5)))
    assert wrong[0].isdisjoint(wrong[1])
    # |z¹| after 100 epochs: at least 16.9, three units above 88; tanh′ there ≤ 9e-15.
    net = seen[100][1]
    z1 = np.abs(data.X @ net.weights[0] + net.biases[0])
    assert round(z1.min(), 1) == 16.9 and np.sort(z1.min(axis=0))[1] > 88
    assert 1 - math.tanh(16.9) ** 2 == pytest.approx(9e-15, rel=0.1)


def test_eta_50_against_eta_5_predict():
    quiz = lesson(LESSON).quiz("eta-50-predict")
    assert quiz.spec.lab == dataclasses.replace(lab(LESSON, LR50_LAB), lr=5, epochs=1000)
    assert quiz.spec.compare == dataclasses.replace(quiz.spec.lab, lr=50)
    assert predict_truth(quiz.spec)[0] == "higher"
    assert round(final_loss(quiz.spec.lab), 4) == 0.0004
    assert round(final_loss(quiz.spec.compare), 2) == 24.94


def test_on_sine_eta_0_2_is_fastest_and_eta_2_diverges():
    quiz = lesson(LESSON).quiz("fastest-lr-predict")
    block = compare_block(SINE_COMPARE)
    assert quiz.spec.lab == block.config and block.lrs == (0.05, 0.2, 2)
    assert predict_truth(quiz.spec)[0] == "lr 0.2"
    comparison = trained(SINE_COMPARE)
    assert [comparison.epochs_to_target(i, 0.01) for i in range(3)] == [2344, 589, None]
    assert [run.diverged_at for run in comparison.runs] == [None, None, 106]


def test_edge_factor_quiz():
    quiz = lesson(LESSON).quiz("edge-factor")
    assert quiz.spec.expected == pytest.approx(1 - 0.2 * 11)
    assert engine.sharpness.stability_limit(0.2) == pytest.approx(10)
    assert sorted(m.value for m in quiz.mistakes) == pytest.approx([1.2, 2.2, 10])


def sharpness_run(config):
    """(the sharpness estimates every 100 epochs, as the Lab charts them, and the losses)."""
    net, trainer, _ = config.build()
    trainer.sharpness_every = engine.sharpness.LAB_SHARPNESS_EVERY
    records = [trainer.run_epoch() for _ in range(config.epochs)]
    estimates = {r.epoch: r.sharpness for r in records if r.sharpness is not None}
    table = EpochTable(net.layers)
    for record in records:
        table.append(record)
    return estimates, np.array([r.loss for r in records]), table.rows()[-1]


def test_the_sharpness_rises_to_2_over_eta_and_saws_around_it():
    config = lab(LESSON, SHARPNESS_LAB)
    assert config == dataclasses.replace(compare_block(SINE_COMPARE).config, lr=0.2)
    assert "sharpness" in next(b for b in lesson(LESSON).labs if b.title == SHARPNESS_LAB).charts
    estimates, losses, last_row = sharpness_run(config)
    assert last_row.words.startswith("loss rose in")               # what the Lab's epoch table says
    assert engine.sharpness.LAB_SHARPNESS_EVERY == 100 and len(estimates) == 30
    assert round(estimates[100], 1) == 5.5
    assert estimates[800] < 10 < estimates[900]
    after = [estimates[e] for e in range(900, 3001, 100)]
    assert round(min(after), 2) == 8.75 and round(max(after), 2) == 11.33
    assert np.count_nonzero(np.diff(losses) > 0) == 102
    assert round(losses[0], 3) == 0.147 and round(losses[-1], 4) == 0.0071


def test_below_the_edge_the_sharpness_stays_low_and_the_loss_falls_every_epoch():
    config = dataclasses.replace(lab(LESSON, SHARPNESS_LAB), lr=0.05)
    estimates, losses, _ = sharpness_run(config)
    assert max(estimates.values()) < 9.6 and engine.sharpness.stability_limit(0.05) == pytest.approx(40)
    assert np.all(np.diff(losses) <= 0)


def test_the_sine_network_starts_at_a_sharpness_of_5_2_above_2_over_eta_for_eta_2():
    net, _, data = lab(LESSON, SHARPNESS_LAB).build()
    start = engine.sharpness.estimate_sharpness(net, data.X, data.Y, "mse").value
    assert round(start, 1) == 5.2
    assert engine.sharpness.stability_limit(2) == 1 < start < engine.sharpness.stability_limit(0.2)


def test_the_lesson_asks_enough_and_of_the_right_kinds():
    quizzes = lesson(LESSON).quizzes
    assert len(quizzes) >= 3 and {"expression", "numeric", "predict"} <= {quiz.kind for quiz in quizzes}
    assert any(quiz.kind == "numeric" and quiz.spec.network is not None for quiz in quizzes)  # the engine's truth
    assert all(quiz.hints and quiz.explanation for quiz in quizzes)
    assert lesson(LESSON).labs and lesson(LESSON).compares
