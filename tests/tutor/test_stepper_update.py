"""The stepper's update steps under momentum and Adam, with and without a penalty: the step
the Lab's run would take next, from a copy of its optimizer (tutor/stepper.py)."""
import copy

import numpy as np
import pytest

from engine.network import Network
from engine.training import Trainer
from tests.tutor.test_stepper import engine_values
from tutor.stepper import check_prediction, walk

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def trained(optimizer, regularization="none", rate=0.0, sizes=(2, 3, 1), epochs=5):
    """A Trainer whose optimizer has state: a few epochs of XOR."""
    net = Network(list(sizes), "tanh", "sigmoid", seed=3)
    trainer = Trainer(net, X, Y, "bce", 0.1, optimizer=optimizer,
                      regularization=regularization, regularization_rate=rate)
    trainer.run(epochs)
    return trainer


def state(optimizer) -> list[np.ndarray]:
    return [np.array(getattr(optimizer, name)) for name in ("velocity", "m", "v", "t") if hasattr(optimizer, name)]


@pytest.mark.parametrize("optimizer, regularization", [
    ("sgd", "l2"), ("momentum", "none"), ("momentum", "l2"), ("adam", "none"), ("adam", "l1")])
def test_every_number_of_the_update_is_the_engines_optimizer_stepped_on_a_copy(optimizer, regularization):
    trainer = trained(optimizer, regularization, 0.05)
    net, run = trainer.net, trainer.optimizer
    theta, kept = net.theta.copy(), state(run)
    result = walk(net, X[1], Y[1], "bce", 0.1, optimizer=run)
    value = engine_values(net, X[1], Y[1], "bce", 0.1, optimizer=run)
    updates = [s for s in result.steps if s.kind == "update"]
    assert [s.layer for s in updates] == [2, 1] and result.optimizer == optimizer
    names = set()
    for step in updates:
        for name, shown in step.quantities:
            assert shown == pytest.approx(value(name), rel=1e-12, abs=1e-15), (step.title, name)
            names.add(name.split(" ")[0])           # "v W¹[0,0]" -> "v"; "β₁" stays
        assert step.value == pytest.approx(value(step.asks), rel=1e-12, abs=1e-15)
    expected = {"momentum": {"v", "μ"}, "adam": {"m", "v", "m̂", "v̂", "t", "β₁", "β₂", "ε"}}.get(optimizer, set())
    assert expected <= names
    assert ("λ" in names) == (regularization != "none")
    # The run is untouched: its weights and its optimizer's state.
    assert np.array_equal(net.theta, theta)
    assert all(np.array_equal(a, b) for a, b in zip(state(run), kept))
    # The new weights are the engine's step from the run's state on this sample's gradient.
    twin, stepper = net.copy(), copy.deepcopy(run)
    stepper.step(twin.theta, net.backward(X[1:2], Y[1:2], "bce").nabla_theta)
    assert all(np.array_equal(a, b) for a, b in zip(result.new_weights, twin.weights))


def test_the_update_shows_the_optimizers_formula_and_its_state():
    adam = walk(trained("adam", epochs=7).net, X[2], Y[2], "bce", 0.1, optimizer=trained("adam", epochs=7).optimizer)
    step = adam.steps[-1]
    assert "Adam" in step.title and "m̂ = m/(1 − β₁ᵗ)" in step.equation and "√v̂ + ε" in step.equation
    text = "\n".join(step.lines)
    assert "Step t = 8 of Adam" in text and "(1 − 0.9⁸)" in text and "(1 − 0.999⁸)" in text
    assert step.lines[0] == "(The run steps on its batch's mean gradient; this is the step of this one sample.)"
    momentum = walk(Network([2, 2, 1], seed=1), X[1], Y[1], "bce", 0.5, optimizer="momentum").steps[-1]
    assert momentum.equation.startswith("v ← μ·v − η·∇,  W¹ ← W¹ + v")
    assert "W¹[0,0]: v ← μ·v − η·∇ = 0.9·0 − 0.5·" in "\n".join(momentum.lines)   # a fresh run: v = 0
    l2 = walk(trained("sgd", "l2", 0.05).net, X[1], Y[1], "bce", 0.1,
              optimizer=trained("sgd", "l2", 0.05).optimizer).steps[-1]
    assert "l2 regularisation (λ = 0.05)" in l2.lines[1] and "∂P/∂w = λ·w" in l2.lines[1]
    assert l2.lines[2].startswith("∇W¹[0,0] = ∂C/∂W¹[0,0] + λ·w = ")


def test_typing_the_plain_gradient_step_under_momentum_or_adam_is_named():
    for optimizer, slip in (("momentum", "plain gradient descent: momentum adds μ·v"),
                            ("adam", "plain gradient descent: Adam steps by η·m̂/(√v̂ + ε)")):
        trainer = trained(optimizer, epochs=20)
        step = walk(trainer.net, X[1], Y[1], "bce", 0.1, optimizer=trainer.optimizer).steps[-2]
        w, grad = dict(step.quantities)["W²[0,0]"], dict(step.quantities)["∇W²[0,0]"]
        verdict = check_prediction(step, f"{w - 0.1 * grad:.6g}")
        assert not verdict.correct and slip in verdict.feedback
        assert check_prediction(step, f"{step.value:.6g}").correct


def test_late_in_a_run_the_update_shows_the_digits_that_tell_old_from_new():
    from tutor.stepper import num, nums

    assert nums(5.0170211, 5.0170571) == ("5.017021", "5.017057")   # 4 digits would show 5.017 twice
    assert nums(0.25, -0.125) == ("0.25", "−0.125")
    trainer = trained("momentum", epochs=3000)
    step = walk(trainer.net, X[1], Y[1], "bce", 0.1, optimizer=trainer.optimizer).steps[-1]
    shown = dict(step.quantities)
    text = "\n".join(step.lines)
    params = [(name, old, shown[f"new {name}"]) for name, old in shown.items() if name[0] in "Wb"]
    assert params and any(num(old) == num(new) for _, old, new in params)
    for name, old, new in params:
        before, after = nums(old, new)
        assert before != after and f"{before} + " in text and f"= {after}" in text, name
    focused = next(line for line in step.lines if "W¹[0,0] ← W¹[0,0]" in line)
    assert focused.endswith(f"= {step.shown_value}") and step.shown_value != num(step.value)


def test_a_predicted_update_is_judged_against_the_steps_size_not_the_weights():
    trainer = trained("momentum", epochs=3000)
    step = walk(trainer.net, X[1], Y[1], "bce", 0.1, optimizer=trainer.optimizer).steps[-1]
    old = dict(step.quantities)[step.asks.removeprefix("new ")]
    change = step.value - old
    assert 0 < abs(change) < 0.001 * abs(old)                     # a step well inside 1% of the weight
    verdict = check_prediction(step, f"{old:.12g}")
    assert not verdict.correct and "before the step" in verdict.feedback
    assert not check_prediction(step, f"{old + 0.5 * change:.12g}").correct
    assert check_prediction(step, step.shown_value.replace("−", "-")).correct
    assert check_prediction(step, f"{step.value:.12g}").correct
