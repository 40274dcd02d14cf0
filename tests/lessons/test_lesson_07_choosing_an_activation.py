"""Claims of lessons/07-choosing-an-activation.md, measured with the engine on the lesson's own blocks."""
from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
import conftest
from conftest import lab, lesson, solve_with_tutor_quiz, train

from engine.activations import ACTIVATIONS, SIGMOID
from tutor.course.answers import check_answer
from tutor.course.model import Prose
from tutor.course.runs import predict_truth

LESSON = "choosing-activation"
SPIRAL = "Spiral: four activations, three seeds each"
DEEP = "Five hidden layers: sigmoid, tanh, ReLU"
DEEP_LAB = "Five sigmoid layers: the deltas vanish on the way down"


def compare_block(title):
    return conftest.compare_block(LESSON, title)


def trained(title):
    return conftest.trained_comparison(LESSON, title)


def last(comparison, activation, seed, name):
    index = next(i for i, config in enumerate(comparison.configs)
                 if config.activation == activation and config.seed == seed)
    return float(comparison.runs[index].log.last(name))


def at_epoch(comparison, activation, seed, epoch):
    return next(row for row in comparison.table(epochs=(epoch,))
                if row.activation == activation and row.seed == seed and row.epoch == epoch)


# ----- the table ---------------------------------------------------------------------

def test_every_activation_of_the_table_is_in_the_engine():
    prose = "\n".join(segment.text for segment in lesson(LESSON).body if isinstance(segment, Prose))
    names = re.findall(r"^\| `(\w+)` \|", prose, flags=re.MULTILINE)
    assert names == ["sigmoid", "tanh", "relu", "leaky_relu", "rrelu", "elu", "softplus", "gelu", "silu"]
    assert set(names) <= set(ACTIVATIONS)


def test_the_table_numbers():
    x = np.linspace(-10, 10, 2_000_001)
    slopes = {name: ACTIVATIONS[name].derivative(x) for name in ("sigmoid", "tanh", "gelu", "silu", "softplus")}
    assert slopes["sigmoid"].max() == pytest.approx(0.25, abs=1e-12)
    assert slopes["tanh"].max() == pytest.approx(1.0, abs=1e-12)
    assert round(slopes["gelu"].max(), 2) == 1.13 and round(slopes["silu"].max(), 2) == 1.10
    assert slopes["softplus"].max() < 1 and slopes["softplus"][-1] == pytest.approx(1, abs=1e-4)
    assert round(ACTIVATIONS["gelu"](x).min(), 2) == -0.17 and round(ACTIVATIONS["silu"](x).min(), 2) == -0.28
    elu = ACTIVATIONS["elu"]
    negative = x[x < 0]
    assert np.allclose(elu.derivative(negative), elu(negative) + 1) and elu(np.array([-5.0]))[0] > -1
    assert np.allclose(np.tanh(x), 2 * SIGMOID(2 * x) - 1, atol=1e-12)
    assert ACTIVATIONS["softplus"].derivative(x) == pytest.approx(SIGMOID(x))
    rrelu = ACTIVATIONS["rrelu"]
    assert rrelu.slope == pytest.approx(11 / 48) and round(11 / 48, 3) == 0.229 and round(2 / 11, 3) == 0.182


# ----- the quizzes' numbers ----------------------------------------------------------

def test_saturated_delta():
    quiz = lesson(LESSON).quiz("saturated-delta")
    a1 = float(SIGMOID(np.array(6.0)))
    a2 = float(SIGMOID(np.array(a1)))
    slope = a1 * (1 - a1)
    assert quiz.spec.expected == pytest.approx(a2 * slope, rel=1e-12)
    assert (round(a1, 5), round(a2, 5), round(slope, 7), round(quiz.spec.expected, 7)) == (
        0.99753, 0.73057, 0.0024665, 0.001802)
    assert round(a2 * 0.25, 5) == 0.18264   # the mistake with σ′ = ¼


def test_five_quarters():
    assert lesson(LESSON).quiz("five-quarters").spec.expected == 0.25**5 == 1 / 1024


# ----- the spiral comparison ---------------------------------------------------------

def test_the_predict_quizzes_run_the_compare_blocks_runs():
    block = compare_block(SPIRAL)
    assert block.activations == ("sigmoid", "tanh", "relu", "rrelu") and block.seeds == (0, 1, 2)
    assert (block.config.init, block.config.lr, block.config.epochs, block.config.layers) == ("xavier", 1, 2000, (2, 16, 16, 1))
    for quiz_id, seed in (("spiral-fastest", 0), ("spiral-test-accuracy", 1)):
        spec = lesson(LESSON).quiz(quiz_id).spec
        assert spec.values == block.activations
        assert spec.lab == dataclasses.replace(block.config, seed=seed, activation=spec.lab.activation)
        assert predict_truth(spec)[0] == "relu"


def test_the_training_loss_falls_with_every_activation():
    comparison = trained(SPIRAL)
    finals = {}
    for activation in comparison.activations:
        for seed in comparison.seeds:
            first = at_epoch(comparison, activation, seed, 1).loss
            final = last(comparison, activation, seed, "loss")
            assert final < first and 0.68 <= round(first, 2) <= 0.80
            finals.setdefault(activation, []).append(final)
    shown = {activation: (round(min(values), 3), round(max(values), 3)) for activation, values in finals.items()}
    assert shown == {"sigmoid": (0.648, 0.669), "rrelu": (0.384, 0.596), "tanh": (0.059, 0.347),
                     "relu": (0.026, 0.085)}


def test_test_accuracy_speed_reliability():
    comparison = trained(SPIRAL)
    accuracy = {activation: [last(comparison, activation, seed, "test_accuracy") for seed in comparison.seeds]
                for activation in comparison.activations}
    medians = {activation: round(float(np.median(values)), 3) for activation, values in accuracy.items()}
    assert medians == {"relu": 0.967, "tanh": 0.917, "rrelu": 0.717, "sigmoid": 0.533}
    assert (round(min(accuracy["relu"]), 3), round(max(accuracy["relu"]), 3)) == (0.967, 0.983)
    assert (round(min(accuracy["tanh"]), 3), round(max(accuracy["tanh"]), 3)) == (0.833, 0.983)
    # seed 1, the second predict quiz's explanation
    assert [round(accuracy[a][1], 3) for a in ("relu", "tanh", "rrelu", "sigmoid")] == [0.983, 0.917, 0.467, 0.533]
    data = comparison.base.load_dataset()
    assert (len(data.X) + len(data.X_test), len(data.X_test)) == (200, 60)

    summary = {row.activation: row for row in comparison.summary(by="activation")}
    assert (summary["relu"].reached, summary["tanh"].reached, summary["sigmoid"].reached, summary["rrelu"].reached) == (3, 2, 0, 0)
    assert summary["relu"].epochs_to_target == 1385 and round(summary["tanh"].epochs_to_target) == 1752
    # seed 0, the first predict quiz's explanation: relu first, tanh later, the others never
    epochs = {a: comparison.epochs_to_target(comparison.configs.index(
        dataclasses.replace(comparison.base, activation=a, seed=0)), 0.1) for a in comparison.activations}
    assert epochs["relu"] < epochs["tanh"] and epochs["sigmoid"] is None and epochs["rrelu"] is None


def test_first_layer_deltas_at_epoch_1():
    comparison = trained(SPIRAL)
    rows = {activation: at_epoch(comparison, activation, 0, 1) for activation in comparison.activations}
    assert all(round(row.delta_means[-1], 1) == 0.5 for row in rows.values())
    assert {a: float(f"{row.delta_means[0]:.2g}") for a, row in rows.items() if a != "rrelu"} == {
        "sigmoid": 0.0056, "tanh": 0.095, "relu": 0.042}


# ----- the deep network --------------------------------------------------------------

def test_deep_lab_is_the_predict_quiz_and_the_compare_blocks_sigmoid_run():
    config = lab(LESSON, DEEP_LAB)
    spec = lesson(LESSON).quiz("deep-sigmoid-predict").spec
    assert spec.lab == config and len(config.layers) - 2 == 5 and (config.init, config.lr) == ("xavier", 0.5)
    assert predict_truth(spec)[0] == "stalls"
    block = compare_block(DEEP)
    assert dataclasses.replace(block.config, activation="sigmoid") == config


def test_deep_sigmoid_deltas_vanish_while_tanh_and_relu_learn():
    comparison = trained(DEEP)
    first = at_epoch(comparison, "sigmoid", 0, 1)
    assert [float(f"{d:.2g}") for d in first.delta_means] == [0.00011, 0.00068, 0.0027, 0.015, 0.068, 0.5]
    ratios = [first.delta_means[l + 1] / first.delta_means[l] for l in range(5)]
    assert sorted({round(ratio) for ratio in ratios}) == [4, 5, 6, 7], ratios   # "a factor of 4 to 7 per layer"
    assert first.delta_means[-1] / first.delta_means[0] > 1000
    assert round(first.loss, 3) == 1.003
    assert last(comparison, "sigmoid", 0, "loss") == pytest.approx(math.log(2), abs=5e-5)
    assert last(comparison, "sigmoid", 0, "accuracy") == 0.49
    assert round(at_epoch(comparison, "tanh", 0, 1).delta_means[0], 2) == 0.1
    assert float(f"{last(comparison, 'tanh', 0, 'loss'):.2g}") == 0.00038
    assert float(f"{last(comparison, 'relu', 0, 'loss'):.1g}") == 0.0002
    assert last(comparison, "tanh", 0, "accuracy") == last(comparison, "relu", 0, "accuracy") == 1.0


def test_deep_sigmoid_net_stays_at_ln_2_answering_one_half_everywhere():
    config = lab(LESSON, DEEP_LAB)
    records, net, data = train(**config.to_dict())
    assert all(record.loss == pytest.approx(math.log(2), abs=5e-5) for record in records[99:])
    outputs = net.forward(data.X)
    assert np.all(np.abs(outputs - 0.5) < 0.01), (outputs.min(), outputs.max())


# ----- every quiz answered as a learner would ----------------------------------------

# quiz id: (two right answers in different notations, a typical wrong answer, words of its feedback)
LEARNER = {
    "tanh-as-sigmoid": (("2σ(2x) − 1", "2/(1 + e^(-2x)) - 1"), "2σ(x) − 1", "it equals tanh(x/2)"),
    "softplus-derivative": (("σ(x)", "exp(x)/(1 + exp(x))"), "1/(1+exp(x))", "multiply it by the inner derivative"),
    "all-positive-inputs": (("a", "They all have the same sign, the sign of δ"), "d", "δ can be negative"),
    "saturated-delta": (("0.0018", "0.73057*0.0024665"), "0.7306", "That is δ² = a² − y"),
    "five-quarters": (("1/1024", "(1/4)^5"), "0.0625", "two layers"),
    "leaky-dead-unit": (("b, c, d", "d c b"), "b, c", "Also ELU"),
    "spiral-fastest": (("relu", "3"), "tanh", "so relu is fastest"),
    "spiral-test-accuracy": (("relu", "3"), "tanh", "so relu is highest"),
    "deep-sigmoid-predict": (("stalls", "2"), "converges", "so it stalls"),
}


def test_the_learner_table_covers_every_quiz():
    assert [quiz.id for quiz in lesson(LESSON).quizzes] == list(LEARNER)


@pytest.mark.parametrize("quiz_id", list(LEARNER))
def test_right_in_two_notations_and_wrong_in_the_typical_way(quiz_id):
    (first, second), wrong, words = LEARNER[quiz_id]
    quiz = lesson(LESSON).quiz(quiz_id)
    assert quiz.hints and quiz.explanation
    for right in (first, second):
        verdict = check_answer(quiz, right)
        assert verdict.correct, (right, verdict.feedback)
    verdict = check_answer(quiz, wrong)
    assert not verdict.correct and verdict.understood and words in verdict.feedback, verdict.feedback


def test_tutor_quiz_wrong_then_right_solves_the_lesson(tmp_path, monkeypatch, capsys):
    solve_with_tutor_quiz(LESSON, LEARNER, monkeypatch, tmp_path, capsys)



def test_sigmoid_inputs_give_every_unit_gradients_of_one_sign():
    """The spiral network at its first step: units of the second hidden layer whose
    incoming-weight gradients (a column of ∂L/∂W²) all share one sign."""
    base = dataclasses.replace(compare_block(SPIRAL).config, seed=0)
    one_sign = {}
    for activation in ("sigmoid", "tanh", "relu"):
        net, _, data = dataclasses.replace(base, activation=activation).build()
        grad = net.backward(data.X, data.Y, loss=base.loss).nabla_w[1]
        assert grad.shape == (16, 16)
        one_sign[activation] = int(np.sum(np.all(grad > 0, axis=0) | np.all(grad < 0, axis=0)))
    assert one_sign == {"sigmoid": 16, "tanh": 0, "relu": 1}
