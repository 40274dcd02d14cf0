"""Claims of lessons/12-gradient-checking.md, measured with the engine's gradcheck."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import lab, lesson

import engine
from engine.gradcheck import gradcheck, numerical_gradient, relative_error
from engine.training import Trainer
from tutor.gradcheck_demo import broken_copy, gradcheck_rows

LESSON = "gradient-checking"
XOR_TANH = lab("build-your-own", "XOR 2-4-1 tanh, η = 1: the run exercise 9 compares yours with")
RELU_LAB = "XOR 2-4-1 ReLU: train it, and its biases leave the kink"
KINK_FREE = ("sigmoid", "tanh", "softplus", "gelu", "silu", "linear")


def xor(activation: str, layers=(2, 4, 1), **settings):
    return engine.RunConfig.from_mapping(dict(dataset="xor", layers=list(layers), activation=activation,
                                              output="sigmoid", loss="bce", seed=0, **settings))


def block(title: str):
    return next(b for b in lesson(LESSON).gradchecks if b.title == title)


def rows(title: str) -> dict:
    b = block(title)
    return {row.array: row for row in gradcheck_rows(b.config, b.broken)}


def forward_error(net, X, Y, h: float) -> float:
    """The largest relative error (per array, as the engine's) of forward differences."""
    g = net.backward(X, Y, "bce").nabla_theta.copy()
    L0 = net.evaluate(X, Y, "bce")[1]
    numeric = np.empty_like(g)
    for i in range(g.size):
        saved = net.theta[i]
        net.theta[i] = saved + h
        numeric[i] = (net.evaluate(X, Y, "bce")[1] - L0) / h
        net.theta[i] = saved
    (gw, gb), (nw, nb) = net.split(g), net.split(numeric)
    return max(relative_error(a, n) for a, n in zip(gw + gb, nw + nb))


# h: (centered, forward), as the lesson's table prints them
TABLE = {1e-1: ("7.9e-03", "2.0e-01"), 1e-2: ("7.9e-05", "2.4e-02"), 1e-3: ("7.9e-07", "2.5e-03"),
         1e-4: ("7.9e-09", "2.5e-04"), 1e-5: ("2.1e-10", "2.5e-05"), 1e-6: ("8.6e-10", "2.5e-06"),
         1e-7: ("2.0e-08", "2.5e-07"), 1e-8: ("1.3e-07", "2.0e-07"), 1e-9: ("1.0e-06", "2.0e-06")}


def test_the_h_table_centered_o_h2_forward_o_h_and_their_best_h():
    net, _, data = XOR_TANH.build()
    assert net.theta.size == 17
    centered, forward = {}, {}
    for h, (c, f) in TABLE.items():
        centered[h] = max(gradcheck(net, data.X, data.Y, "bce", h=h).values())
        forward[h] = forward_error(net, data.X, data.Y, h)
        assert (f"{centered[h]:.1e}", f"{forward[h]:.1e}") == (c, f), h
    for h in (1e-1, 1e-2, 1e-3):   # truncation: ×1/100 per decade centered, ×1/10 forward (from 10⁻²)
        assert centered[h / 10] / centered[h] == pytest.approx(0.01, rel=0.02)
    for h in (1e-2, 1e-3, 1e-4):
        assert forward[h / 10] / forward[h] == pytest.approx(0.1, rel=0.05)
    assert min(centered, key=centered.get) == 1e-5 and min(forward, key=forward.get) == 1e-8
    assert 500 < forward[1e-8] / centered[1e-5] < 2000        # "a thousand times higher"


def test_the_best_h_and_its_error_are_of_the_order_the_lesson_says():
    eps = np.finfo(np.float64).eps
    assert eps == 2.0 ** -52
    assert f"{eps ** (1 / 3):.0e}" == "6e-06" and f"{eps ** (2 / 3):.0e}" == "4e-11"
    assert f"{eps ** 0.5:.1e}" == "1.5e-08"


def test_float64_on_our_networks_lands_where_the_lesson_says():
    for activation in KINK_FREE:
        net, _, data = xor(activation).build()
        assert max(gradcheck(net, data.X, data.Y, "bce").values()) < 1e-9, activation
    for activation, shown in (("sigmoid", "2.0e-10"), ("tanh", "2.1e-10")):
        net, _, data = xor(activation).build()
        assert f"{max(gradcheck(net, data.X, data.Y, 'bce').values()):.1e}" == shown
    worst = {}
    for activation in engine.ACTIVATIONS:
        config = engine.RunConfig.from_mapping(dict(dataset="circle", layers=[2, 8, 8, 1], activation=activation,
                                                    output="sigmoid", loss="bce", seed=0))
        net, _, data = config.build()
        assert len(data.X) == 200
        errors = gradcheck(net, data.X, data.Y, "bce")
        worst[activation] = max(errors.values())
        assert worst[activation] < 1e-7, activation
    assert max(worst, key=worst.get) == "sigmoid" and f"{worst['sigmoid']:.0e}" == "4e-08"


def test_the_sigmoids_small_first_layer_gradient_explains_its_error():
    config = engine.RunConfig.from_mapping(dict(dataset="circle", layers=[2, 8, 8, 1], activation="sigmoid",
                                                output="sigmoid", loss="bce", seed=0))
    net, _, data = config.build()
    g = net.backward(data.X, data.Y, "bce")
    numeric = numerical_gradient(net, data.X, data.Y, "bce", net.weights[0])
    errors = gradcheck(net, data.X, data.Y, "bce")
    assert max(errors, key=errors.get) == "W1"
    assert f"{np.abs(g.nabla_w[0]).max():.1e}" == "3.9e-04"
    assert f"{np.abs(g.nabla_w[0] - numeric).max():.1e}" == "1.7e-11"
    eps = np.finfo(np.float64).eps
    assert 0.5 < np.abs(g.nabla_w[0] - numeric).max() / (eps * g.loss / 1e-5) < 2   # about ε|L|/h


def test_a_broken_sigmoid_derivative_fails_below_the_output_layer():
    r = rows("σ′ replaced by σ")
    assert max(row.correct for row in r.values()) < 2.1e-10
    assert (f"{r['W1'].broken:.2f}", f"{r['b1'].broken:.2f}") == ("0.76", "0.49")
    assert r["W2"].broken < 1.1e-10 and r["b2"].broken < 1.1e-10


def test_a_missing_chain_factor_spoils_every_layer_below_the_first_bp2():
    r = rows("tanh′ left out of BP2, in a deeper network")
    spoiled = [r[key].broken for key in ("W1", "b1", "W2", "b2")]
    assert f"{min(spoiled):.2f}" == "0.63" and f"{max(spoiled):.1f}" == "1.4"
    assert r["W3"].broken < 1e-9 and r["b3"].broken < 1e-9


def test_a_sign_error_reads_exactly_two():
    r = rows("σ′ with the wrong sign")
    assert r["W1"].broken == pytest.approx(2.0, abs=1e-9) and r["b1"].broken == pytest.approx(2.0, abs=1e-9)


def test_broken_networks_still_lower_their_loss():
    def final_loss(broken: str) -> tuple[float, float]:
        net, _, data = xor("sigmoid").build()
        if broken:
            net = broken_copy(net, broken)
        trainer = Trainer(net, data.X, data.Y, loss="bce", lr=1.0)
        records = [trainer.run_epoch() for _ in range(2000)]
        return records[0].loss, records[-1].loss

    assert [f"{v:.3f}" for v in final_loss("function-for-derivative")] == ["0.714", "0.389"]
    assert f"{final_loss('')[1]:.4f}" == "0.0038"
    for broken in ("missing-chain-factor", "sign"):
        first, last = final_loss(broken)
        assert last < first and f"{last:.2f}" == "0.69", broken


def test_relu_at_its_initial_weights_raises_a_false_alarm_on_b1_only():
    r = rows("ReLU on XOR, at its initial weights: a kink")
    assert f"{r['b1'].correct:.2f}" == "0.60"
    assert all(r[key].correct < 1e-9 for key in ("W1", "W2", "b2"))
    net, _, data = block("ReLU on XOR, at its initial weights: a kink").config.build()
    assert np.array_equal(net.biases[0], np.zeros(4)) and [0.0, 0.0] in data.X.tolist()
    relu, h = engine.ACTIVATIONS["relu"], 1e-5
    assert relu.derivative(np.array([0.0]))[0] == 0.0
    assert (relu(np.array([h])) - relu(np.array([-h])))[0] / (2 * h) == pytest.approx(0.5)


def test_after_one_epoch_of_the_relu_lab_the_biases_have_left_the_kink():
    config = lab(LESSON, RELU_LAB)
    net, trainer, data = config.build()
    trainer.run_epoch()
    assert np.abs(net.biases[0]).min() > 1e-3
    assert gradcheck(net, data.X, data.Y, "bce")["b1"] < 1e-10
    for _ in range(config.epochs - 1):
        trainer.run_epoch()
    assert max(gradcheck(net, data.X, data.Y, "bce").values()) < 1e-7


def test_elu_reads_in_the_suspicious_band_from_its_second_derivatives_jump():
    net, _, data = xor("elu").build()
    errors = gradcheck(net, data.X, data.Y, "bce")
    assert f"{errors['b1']:.1e}" == "3.4e-06" and max(errors, key=errors.get) == "b1"
    elu, h = engine.ACTIVATIONS["elu"], 1e-5
    centered = (elu(np.array([h])) - elu(np.array([-h])))[0] / (2 * h)
    assert elu.derivative(np.array([0.0]))[0] == pytest.approx(1.0)
    assert 1.0 - centered == pytest.approx(h / 4, rel=1e-3)
