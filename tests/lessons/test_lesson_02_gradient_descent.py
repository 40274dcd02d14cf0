"""Claims of lessons/02-gradient-descent.md, measured with the engine."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.sharpness import hessian, top_eigenvalue

X, Y = np.array([[2.0]]), np.array([[1.0]])  # the lesson's example: x = 2, y = 1


def neuron(w: float = -0.5, b: float = 0.5) -> engine.Network:
    net = engine.Network([1, 1], activation="sigmoid", output="sigmoid", seed=0)
    net.weights[0][...] = [[w]]
    net.biases[0][...] = [b]
    return net


def cost(w: float = -0.5, b: float = 0.5) -> float:
    return neuron(w, b).backward(X, Y, loss="mse").loss


def test_forward_and_gradient_by_hand_are_the_engines():
    g = neuron().backward(X, Y, loss="mse")
    a = g.activations[1][0, 0]
    assert g.zs[0][0, 0] == -0.5
    assert a == pytest.approx(0.377541, abs=5e-7) and g.loss == pytest.approx(0.193728, abs=5e-7)
    assert a - 1 == pytest.approx(-0.622459, abs=5e-7) and a * (1 - a) == pytest.approx(0.235004, abs=5e-7)
    assert g.nabla_w[0][0, 0] == pytest.approx(-0.292561, abs=5e-7)
    assert g.nabla_b[0][0] == pytest.approx(-0.146280, abs=5e-7) == g.deltas[0][0, 0]
    assert -0.622459 * 0.235004 * 2 == pytest.approx(-0.292561, abs=5e-7)   # the explanation's product


def test_the_quizzes_keys_and_named_mistakes():
    from tutor.course.loader import load_course
    from tutor.course.paths import lessons_dir

    lesson = load_course(lessons_dir()).lesson("gradient-descent")
    g = neuron().backward(X, Y, loss="mse")
    a = g.activations[1][0, 0]
    assert lesson.quiz("gd-output").spec.expected == a
    assert lesson.quiz("gd-gradient").spec.expected == g.nabla_w[0][0, 0]
    mistakes = {m.answer: m.value for m in lesson.quiz("gd-gradient").mistakes}
    assert list(mistakes.values()) == [pytest.approx((a - 1) * 2), pytest.approx((a - 1) * a * (1 - a))]
    sigma_of_wx = 1 / (1 + np.exp(1.0))
    assert [m.value for m in lesson.quiz("gd-output").mistakes] == [-0.5, pytest.approx(sigma_of_wx)]
    step = lesson.quiz("gd-step")
    assert step.spec.expected == pytest.approx(-0.5 - g.nabla_w[0][0, 0], abs=1e-12)
    assert step.mistakes[0].value == pytest.approx(-0.5 + g.nabla_w[0][0, 0], abs=1e-12)


def test_one_sgd_step_of_the_engine():
    net = neuron()
    trainer = engine.Trainer(net, X, Y, loss="mse", lr=1.0, optimizer="sgd")
    record = trainer.run_epoch()
    assert record.loss == pytest.approx(0.193728, abs=5e-7)   # the loss the step started from
    assert net.weights[0][0, 0] == pytest.approx(-0.207439, abs=5e-7)
    assert net.biases[0][0] == pytest.approx(0.646280, abs=5e-7)
    after = net.backward(X, Y, loss="mse").loss
    assert after == pytest.approx(0.097862, abs=5e-7)
    g = neuron().backward(X, Y, loss="mse")
    predicted = g.nabla_w[0][0, 0] ** 2 + g.nabla_b[0][0] ** 2
    assert predicted == pytest.approx(0.106990, abs=5e-7)
    assert 0.193728 - 0.097862 == pytest.approx(0.095866, abs=1e-9)
    assert cost() - after == pytest.approx(0.095866, abs=5e-7)


@pytest.mark.parametrize("eta, predicted, actual", [
    (0.1, 0.008559, 0.008523), (1, 0.085592, 0.079135), (10, 0.855917, 0.193717),
])
def test_first_order_prediction_against_the_actual_fall(eta, predicted, actual):
    g = neuron().backward(X, Y, loss="mse").nabla_w[0][0, 0]
    assert eta * g * g == pytest.approx(predicted, abs=5e-7)
    assert cost() - cost(w=-0.5 - eta * g) == pytest.approx(actual, abs=5e-7)
    if eta == 10:
        assert predicted / cost() > 4                          # "more than four times the whole loss"


def test_quadratic_table():
    table = {0.1: (0.6, [1, 0.6, 0.36, 0.216]), 0.25: (0.0, [1, 0, 0, 0]),
             0.4: (-0.6, [1, -0.6, 0.36, -0.216]), 0.6: (-1.4, [1, -1.4, 1.96, -2.744])}
    lam = 4
    for eta, (factor, steps) in table.items():
        assert 1 - eta * lam == pytest.approx(factor)
        w, seen = 1.0, [1.0]
        for _ in range(3):
            w -= eta * lam * w                                  # w ← w − η·L′(w), L′ = λw
            seen.append(w)
        assert seen == pytest.approx(steps, abs=1e-12)
    assert 1 - 0.3 * 5 == pytest.approx(-0.5)                  # the gd-regime quiz: λ = 5, η = 0.3


SINE = dict(dataset="sine", layers=[1, 1], output="linear", loss="mse", epochs=200, seed=0)


def test_the_linear_neurons_curvature_on_the_sine_data():
    net, _, data = engine.RunConfig.from_mapping({**SINE, "lr": 1.9}).build()
    x = data.X[:, 0]
    assert len(x) == 200 and -1 < x.min() and x.max() < 1
    H = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert H[0, 0] == pytest.approx(0.3695, abs=5e-5) and H[0, 1] == pytest.approx(0.0793, abs=5e-5)
    low, high = np.linalg.eigvalsh(H)
    assert (low, high) == (pytest.approx(0.3597, abs=5e-5), pytest.approx(1.0098, abs=5e-5))
    assert 2 / high == pytest.approx(1.981, abs=5e-4)
    assert top_eigenvalue(hessian(net, data.X, data.Y, "mse")) == pytest.approx(high, rel=1e-6)  # the engine's
    assert 1 - 1.9 * high == pytest.approx(-0.919, abs=5e-4) and 1 - 2.1 * high == pytest.approx(-1.121, abs=5e-4)
    assert 1 - 2.1 * low == pytest.approx(0.245, abs=5e-4)
    assert H[0, 0] == pytest.approx(1 / 3, abs=0.05) and abs(H[0, 1]) < 0.1   # the hint's "about"


def test_below_the_limit_it_converges_to_the_least_squares_line(run):
    records, net, data = run(**SINE, lr=1.9)
    A = np.hstack([data.X, np.ones_like(data.X)])
    best, *_ = np.linalg.lstsq(A, data.Y, rcond=None)
    least = 0.5 * np.mean((A @ best - data.Y) ** 2)
    assert least == pytest.approx(0.112111, abs=5e-7) and records[-1].loss == pytest.approx(least, abs=1e-9)
    assert best.ravel() == pytest.approx([0.8174, -0.0059], abs=5e-5)
    assert net.weights[0][0, 0] == pytest.approx(0.8174, abs=5e-5)


def test_above_the_limit_it_falls_then_diverges(run):
    records, _, _ = run(**SINE, lr=2.1)
    losses = [r.loss for r in records]
    assert len(losses) == 200 and not any(r.diverged for r in records)
    assert [round(x, 4) for x in losses[:5]] == [0.1337, 0.1142, 0.1132, 0.1134, 0.1138]
    assert losses[-1] == pytest.approx(3.2e16, rel=0.02)
    assert losses[-1] / losses[-2] == pytest.approx(1.256, abs=5e-4)    # (1.121)² per epoch
    assert 1.1206 ** 2 == pytest.approx(1.256, abs=5e-4)
