"""Claims of lessons/11-build-your-own-network.md, measured with the engine and the exercises."""
from __future__ import annotations

import re
import warnings

import numpy as np
from conftest import lab, lesson

import engine
from tutor.course.paths import lessons_dir
from tutor.exercises import NAMES, by_name
from tutor.exercises.runner import run

LESSON = "build-your-own"
XOR_LAB = "XOR 2-4-1 tanh, η = 1: the run exercise 9 compares yours with"
SIGMOID = engine.ACTIVATIONS["sigmoid"]


def lesson_text() -> str:
    return next(lessons_dir().glob("11-*.md")).read_text(encoding="utf-8")


def test_the_lesson_opens_every_exercise_once_in_course_order():
    names = [block.name for block in lesson(LESSON).exercises]
    assert names == list(NAMES), ("lesson 11 has a card (```exercise block) for each exercise of "
                                  "tutor.exercises.NAMES, in order: give a new exercise its card, as "
                                  "adam's at the end of section 12")
    assert [block.name for block in lesson("gradient-checking").exercises] == ["gradcheck"]


def test_the_failure_message_the_lesson_quotes_is_the_checks_own(tmp_path):
    exercise = by_name("sigmoid")
    slip, = [m for m in exercise.mistakes if m.what == "the function instead of its derivative"]
    path = tmp_path / exercise.filename
    path.write_text(exercise.file_text(slip.code), encoding="utf-8")
    message = run("sigmoid", str(path))["message"]
    quoted = re.search(r"    (your sigmoid_prime\(2\).*?)\n\n", lesson_text(), flags=re.S)[1]
    assert " ".join(quoted.split()) == message


def test_sigmoid_numbers_and_its_safe_form():
    assert f"{SIGMOID(np.array(2.0)):.6f}" == "0.880797"
    assert f"{SIGMOID.derivative(np.array(2.0)):.6f}" == "0.104994"
    assert f"{np.log(np.finfo(np.float64).max):.1f}" == "709.8"
    with np.errstate(all="raise", under="ignore"):
        assert SIGMOID(np.array([-1000.0]))[0] == 0.0 and SIGMOID(np.array([1000.0]))[0] == 1.0
        assert np.logaddexp(0.0, 1000.0) == 1000.0
        try:
            1.0 / (1.0 + np.exp(np.array([1000.0])))
            raise AssertionError("e^1000 should overflow")
        except FloatingPointError:
            pass


def test_tanh_is_2_sigma_2z_minus_1_and_the_exponential_form_is_nan_at_1000():
    z = np.linspace(-20, 20, 401)
    assert np.allclose(2 * SIGMOID(2 * z) - 1, np.tanh(z), rtol=0, atol=1e-15)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        big = np.array([1000.0])
        assert np.isnan((np.exp(big) - np.exp(-big)) / (np.exp(big) + np.exp(-big)))[0]


def test_bce_in_z_is_the_engines_cost_finite_at_1000_and_its_derivative_is_sigma_minus_y():
    rng = np.random.default_rng(0)
    z, y = rng.normal(0, 4, (50, 1)), (rng.random((50, 1)) > 0.5).astype(float)
    bce = engine.LOSSES["bce"]
    assert np.allclose(np.logaddexp(0.0, z).sum(axis=1) - (y * z).sum(axis=1), bce.cost(z, SIGMOID(z), y))
    assert bce.cost(np.array([[1000.0]]), SIGMOID(np.array([[1000.0]])), np.array([[0.0]]))[0] == 1000.0
    h = 1e-6
    numeric = (np.logaddexp(0, z + h) - y * (z + h) - np.logaddexp(0, z - h) + y * (z - h)) / (2 * h)
    assert np.allclose(numeric, SIGMOID(z) - y, atol=1e-8)


def test_the_dense_quiz_mistakes_are_what_the_lesson_says():
    a, W, b = np.array([1.0, 2.0]), np.array([[0.5, -1.0], [0.25, 1.0]]), np.array([0.1, 0.2])
    assert np.allclose(a @ W + b, [1.1, 1.2])
    assert np.allclose(a @ W, [1.0, 1.0]) and np.allclose(a @ W.T + b, [-1.4, 2.45])
    spec = lesson(LESSON).quiz("dense-z").spec
    assert np.allclose(np.array(spec.network.weights[0]), W) and np.allclose(spec.network.biases[0], b)
    assert np.isclose(spec.expected, 1.2, rtol=0, atol=1e-12)      # the engine's z¹₂


def test_the_batch_gradient_is_a_mean_as_the_engine_computes_it():
    # A one-layer linear network with MSE has δ = a − y: pick y so that δ is the quiz's.
    net = engine.Network([2, 1], output="linear")
    net.set_parameters([np.zeros((2, 1))], [np.zeros(1)])
    X, delta = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.5], [-0.25]])
    g = net.backward(X, -delta, loss="mse")
    assert np.allclose(g.deltas[0], delta)
    assert np.allclose(g.nabla_w[0], [[0.25], [-0.25]]) and np.isclose(g.nabla_b[0][0], 0.125)


def test_the_xor_lab_is_exercise_9s_first_case_and_learns_as_the_lesson_says():
    from tutor.exercises.xor import engine_run

    config = lab(LESSON, XOR_LAB)
    assert (config.layers, config.seed, config.lr, config.epochs) == ((2, 4, 1), 0, 1.0, 2000)
    net, trainer, data = config.build()
    start = engine.Network([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    assert np.array_equal(net.theta, start.theta)
    (W1, W2), (b1, b2) = start.weights, start.biases
    expected = engine_run(W1, b1, W2, b2, 1.0, 2000)
    losses = np.array([trainer.run_epoch().loss for _ in range(2000)])
    assert np.allclose(losses, expected, rtol=1e-12)
    assert f"{losses[0]:.3f}" == "0.729" and int(np.argmax(losses < 0.05)) + 1 == 74
    assert f"{losses[-1]:.4f}" == "0.0010"


def test_momentum_steps_approach_1_over_1_minus_mu_times_the_plain_step():
    from engine.optimizers import Momentum

    optimizer, theta = Momentum(1, 0.1, mu=0.9), np.zeros(1)
    for _ in range(300):
        before = theta.copy()
        optimizer.step(theta, np.ones(1))
    assert np.isclose((before - theta)[0] / (0.1 * 1.0), 10.0, rtol=1e-9)


def test_adams_bias_correction_makes_the_first_step_eta_and_without_it_3_16_eta():
    from engine.optimizers import Adam

    g = np.array([5.0, -0.02, 3e-4])
    theta = np.zeros(3)
    Adam(3, 0.01).step(theta, g)
    assert np.allclose(theta, -0.01 * np.sign(g), rtol=1e-3)          # about η for every weight
    m, v = 0.1 * g, 0.001 * g * g                                      # after one step, uncorrected
    assert np.allclose(m / np.sqrt(v), 3.1623 * np.sign(g), rtol=1e-4)
    constant = Adam(1, 0.01)
    for t in range(1, 6):                                              # m = (1 − β₁ᵗ)·g for a constant g
        constant.step(np.zeros(1), np.ones(1))
        assert np.isclose(constant.m[0], 1 - 0.9 ** t) and np.isclose(constant.v[0], 1 - 0.999 ** t)
