"""Claims of lessons/04-backprop.md, measured with the engine."""
from __future__ import annotations

import numpy as np
import pytest

import engine


def worked_example():
    net = engine.Network([2, 2, 1], activation="sigmoid", output="sigmoid")
    net.weights[0][...] = [[0.15, 0.25], [0.20, 0.30]]
    net.biases[0][...] = [0.35, 0.35]
    net.weights[1][...] = [[0.40], [0.45]]
    net.biases[1][...] = [0.60]
    return net.backward(np.array([[0.05, 0.10]]), np.array([[0.01]]), loss="mse")


def test_worked_example_numbers_are_the_engines():
    g = worked_example()
    assert g.zs[0][0] == pytest.approx([0.3775, 0.3925], abs=1e-12)
    assert g.activations[1][0] == pytest.approx([0.593270, 0.596884], abs=5e-7)
    assert g.zs[1][0, 0] == pytest.approx(1.105906, abs=5e-7)
    assert g.activations[2][0, 0] == pytest.approx(0.751365, abs=5e-7)
    assert g.loss == pytest.approx(0.274811, abs=5e-7)
    assert g.deltas[1][0, 0] == pytest.approx(0.138499, abs=5e-7)          # BP1
    assert g.nabla_w[1][0, 0] == pytest.approx(0.082167, abs=5e-7)         # BP4
    assert g.deltas[0][0, 0] == pytest.approx(0.013368, abs=5e-7)          # BP2
    a = g.activations[1][0, 0]
    assert a * (1 - a) == pytest.approx(0.241301, abs=5e-7)


def test_worked_example_quiz_answers():
    g = worked_example()
    assert g.deltas[0][0, 1] == pytest.approx(0.014996, abs=5e-7)
    a = g.activations[1][0, 1]
    assert 1 - a == pytest.approx(0.403116, abs=5e-7)
    assert g.nabla_w[0][1, 1] == pytest.approx(0.0014996, abs=5e-8)


def test_tanh_bce_example():
    net = engine.Network([2, 2, 1], activation="tanh", output="sigmoid")
    net.weights[0][...] = [[0.5, -0.5], [0.25, 1.0]]
    net.biases[0][...] = [0.0, 0.1]
    net.weights[1][...] = [[1.0], [-1.0]]
    net.biases[1][...] = [0.2]
    g = net.backward(np.array([[1.0, 2.0]]), np.array([[1.0]]), loss="bce")
    assert g.activations[1][0] == pytest.approx([0.761594, 0.921669], abs=5e-7)
    assert g.zs[1][0, 0] == pytest.approx(0.039926, abs=5e-7)
    assert 1 - g.activations[1][0, 0] ** 2 == pytest.approx(1 - 0.761594 ** 2, abs=5e-7)
    assert g.activations[2][0, 0] == pytest.approx(0.509980, abs=5e-7)
    assert g.deltas[1][0, 0] == pytest.approx(-0.490020, abs=5e-7)
    assert g.deltas[0][0, 0] == pytest.approx(-0.205796, abs=5e-7)


def test_bce_output_delta_is_a_minus_y_by_the_chain_rule():
    z = np.array([[-3.0], [0.2], [4.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    bce, sigmoid = engine.LOSSES["bce"], engine.OUTPUTS["sigmoid"]
    a = sigmoid(z)
    h = 1e-6
    numeric = (bce.cost(z + h, sigmoid(z + h), y) - bce.cost(z - h, sigmoid(z - h), y)) / (2 * h)
    assert np.allclose(bce.delta(z, a, y, sigmoid), a - y)
    assert np.allclose(numeric, (a - y).ravel(), atol=1e-8)


def test_gradient_has_the_shape_of_the_weights():
    net = engine.Network([3, 5, 1], activation="tanh", output="sigmoid")
    rng = np.random.default_rng(0)
    g = net.backward(rng.normal(size=(32, 3)), rng.integers(0, 2, size=(32, 1)), loss="bce")
    assert g.nabla_w[0].shape == (3, 5) == net.weights[0].shape


XOR = dict(dataset="xor", layers=[2, 2, 1], activation="sigmoid", output="sigmoid", loss="mse",
           epochs=3000, seed=0)


def test_xor_at_lr_50_stalls_at_two_outputs_of_one_half(run):
    records, net, data = run(**XOR, lr=50)
    assert not any(r.diverged for r in records)
    assert records[0].loss == pytest.approx(0.142, abs=5e-4)
    assert records[-1].loss == pytest.approx(0.0625, abs=5e-5)
    assert records[-1].accuracy == 0.5
    assert data.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and data.Y.ravel().tolist() == [0, 1, 1, 0]
    out = net.forward(data.X).ravel()
    assert out[0] < 0.01 and out[2] > 0.99                       # (0, 0) and (1, 0) right
    assert out[1] == pytest.approx(0.5, abs=1e-3) and out[3] == pytest.approx(0.5, abs=1e-3)
    zs, _, _ = net.feedforward(data.X)
    assert (zs[0][[1, 3]] < -10).all()                           # both hidden units saturated
    assert records[0].gradient_norms[0] == pytest.approx(5e-3, rel=0.1)
    assert 5e-6 < records[-1].gradient_norms[0] < 2e-5            # "about 10⁻⁵"
    assert engine.ACTIVATIONS["sigmoid"].derivative(np.array([-10.0]))[0] == pytest.approx(4.5e-5, rel=0.01)


def test_xor_at_lr_2_learns_it(run):
    records, _, _ = run(**XOR, lr=2)
    assert records[-1].loss == pytest.approx(0.0007, abs=5e-5) and records[-1].accuracy == 1.0


SINE = dict(dataset="sine", layers=[1, 8, 1], activation="tanh", output="linear", loss="mse",
            epochs=2000, seed=0)


def test_sine_at_lr_2_diverges_at_epoch_130(run):
    records, _, _ = run(**SINE, lr=2)
    losses = [r.loss for r in records]
    assert [round(x, 3) for x in losses[:3]] == [0.358, 0.813, 0.722]
    assert losses[3] == pytest.approx(5.53, abs=5e-3) and losses[4] == pytest.approx(22.1, abs=0.05)
    assert losses[127] > 1e300 and losses[126] < 1e300          # passes 10³⁰⁰ at epoch 128
    assert records[-1].epoch == 130 and records[-1].diverged
    assert losses[-1] == float("inf")


def test_sine_at_lr_0_1_converges(run):
    records, _, _ = run(**SINE, lr=0.1)
    assert records[-1].loss == pytest.approx(0.0098, abs=5e-5)


def test_sine_at_lr_2_grows_by_17_squared_per_epoch_once_tanh_saturates():
    config = engine.RunConfig.from_mapping({**SINE, "lr": 2})
    net, trainer, data = config.build()
    losses = [trainer.run_epoch().loss for _ in range(20)]
    _, activations, _ = net.feedforward(data.X)
    hidden = activations[1]
    assert np.abs(hidden).min() > 1 - 1e-12                     # every unit at ±1 for every input
    assert (hidden == hidden[0]).all()                           # the same h̃ for every input: no "up to sign"
    h = np.hstack([hidden, np.ones((len(hidden), 1))])
    curvature = np.linalg.eigvalsh(h.T @ h / len(h))
    assert curvature.max() == pytest.approx(9.0, abs=1e-9)
    assert np.abs(curvature[:-1]).max() < 1e-9                   # one nonzero eigenvalue
    for index in range(11, 20):                                  # losses[11] is epoch 12's
        assert losses[index] / losses[index - 1] == pytest.approx(17 ** 2, rel=1e-3)
    assert losses[10] / losses[9] < 17 ** 2 * 0.9                # not yet at epoch 11
    assert losses[10] / losses[9] == pytest.approx(175, abs=0.5)  # "epoch 11's factor is still 175"


def test_sine_at_lr_2_every_tanh_unit_is_saturated_by_epoch_10():
    config = engine.RunConfig.from_mapping({**SINE, "lr": 2})
    net, trainer, data = config.build()
    for _ in range(10):
        trainer.run_epoch()
    _, activations, _ = net.feedforward(data.X)
    assert np.abs(activations[1]).min() > 1 - 1e-12


def test_the_quizzes_named_mistakes_are_the_slips_they_describe():
    from tutor.course.loader import load_course
    from tutor.course.paths import lessons_dir

    lesson = load_course(lessons_dir()).lesson("backprop")
    g = worked_example()
    d2, (d11, d12) = g.deltas[1][0, 0], g.deltas[0][0]
    a12 = g.activations[1][0, 1]
    assert d12 == pytest.approx(d2 * 0.45 * a12 * (1 - a12))
    assert [m.value for m in lesson.quiz("hidden-delta").mistakes] == pytest.approx([d2 * 0.45, d11])
    assert [m.value for m in lesson.quiz("hidden-weight-gradient").mistakes] == pytest.approx(
        [0.05 * d12, d12, 0.10 * d11])
    net = engine.Network([2, 2, 1], activation="tanh", output="sigmoid")
    net.weights[0][...] = [[0.5, -0.5], [0.25, 1.0]]
    net.biases[0][...] = [0.0, 0.1]
    net.weights[1][...] = [[1.0], [-1.0]]
    net.biases[1][...] = [0.2]
    t = net.backward(np.array([[1.0, 2.0]]), np.array([[1.0]]), loss="bce")
    a1, a2, delta2 = t.activations[1][0, 0], t.activations[2][0, 0], t.deltas[1][0, 0]
    assert [m.value for m in lesson.quiz("tanh-bce-delta").mistakes] == pytest.approx(
        [delta2, (a2 - 1) * a2 * (1 - a2) * (1 - a1 ** 2), delta2 * a1 * (1 - a1)])


def test_printed_products_of_rounded_factors():
    # The lesson multiplies the rounded numbers it shows; each product must round to the value it states.
    assert 0.741365 * 0.186816 == pytest.approx(0.138499, abs=5e-7)
    assert 0.593270 * 0.138499 == pytest.approx(0.082167, abs=5e-7)
    assert 0.138499 * 0.40 * 0.241301 == pytest.approx(0.013368, abs=5e-7)
    assert 0.138499 * 0.45 * 0.596884 * 0.403116 == pytest.approx(0.014996, abs=5e-7)
    assert 0.10 * 0.014996 == pytest.approx(0.0014996, abs=5e-10)
    assert -0.490020 * (1 - 0.761594 ** 2) == pytest.approx(-0.205796, abs=5e-7)
    assert 0.751365 * (1 - 0.751365) == pytest.approx(0.186816, abs=5e-7)
    assert 0.5 * (0.751365 - 0.01) ** 2 == pytest.approx(0.274811, abs=5e-7)
    assert 0.593270 * 0.40 + 0.596884 * 0.45 + 0.60 == pytest.approx(1.105906, abs=5e-7)
    assert 2 / 9 == pytest.approx(0.22, abs=5e-3)


def test_the_lessons_numeric_quizzes_ask_for_the_numbers_above():
    # Their quantities count layers from 1 as in the book (delta[1][1] is δ¹₂): the keys
    # are the engine's δ¹₂, ∂C/∂W¹₂₂ and (tanh network) δ¹₁ quoted in the explanations.
    from tutor.course.loader import load_course
    from tutor.course.paths import lessons_dir

    lesson = load_course(lessons_dir()).lesson("backprop")
    assert lesson.quiz("hidden-delta").spec.expected == pytest.approx(0.014996, abs=5e-7)
    assert lesson.quiz("hidden-weight-gradient").spec.expected == pytest.approx(0.0014996, abs=5e-8)
    assert lesson.quiz("tanh-bce-delta").spec.expected == pytest.approx(-0.205796, abs=5e-7)
