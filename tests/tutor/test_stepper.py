"""The stepper's model: every number a step shows is the engine's (tutor/stepper.py)."""
import copy
import re

import numpy as np
import pytest

from engine.network import Network
from engine.optimizers import SGD, Adam
from tutor.stepper import SMALL, walk

SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))


def digits(text, table):
    return int("".join(table[c] for c in text))


def engine_values(net, x, y, loss, lr, optimizer=None):
    """Every quantity, by the name a step gives it, straight from the engine. `optimizer`:
    a run's optimizer (its state and penalty), stepped here on a copy of its own; None: SGD."""
    X, Y = np.asarray(x, float)[None], np.asarray(y, float)[None]
    g = net.backward(X, Y, loss)
    _, _, fprimes = net.feedforward(X)
    before = SGD(net.theta.size, lr) if optimizer is None else copy.deepcopy(optimizer)
    before.lr = lr
    after, twin = copy.deepcopy(before), net.copy()
    after.step(twin.theta, g.nabla_theta)
    total = g.nabla_theta.copy()
    if before.penalty is not None:       # ∂P/∂w on the weights, θ's first entries
        total[:net.weight_count] += before.penalty.gradient(net.theta[:net.weight_count])
    L = net.layers
    scalars = {"C": g.loss, "η": lr, "μ": getattr(before, "mu", None), "β₁": getattr(before, "beta1", None),
               "β₂": getattr(before, "beta2", None), "ε": getattr(before, "eps", None),
               "t": getattr(after, "t", None), "λ": getattr(before.penalty, "rate", None)}
    second = "v" if isinstance(before, Adam) else "velocity"
    vectors = {  # (prefix, new) -> the θ-shaped vector the quantity is an entry of
        ("", False): net.theta, ("", True): twin.theta, ("∂C/∂", False): g.nabla_theta,
        ("∇", False): total, ("∂P/∂", False): total - g.nabla_theta,
        ("v ", False): getattr(before, second, None), ("v ", True): getattr(after, second, None),
        ("m ", False): getattr(before, "m", None), ("m ", True): getattr(after, "m", None),
    }
    if isinstance(before, Adam):   # the bias-corrected moments, by the paper's formula
        vectors["m̂ ", False] = after.m / (1 - before.beta1 ** after.t)
        vectors["v̂ ", False] = after.v / (1 - before.beta2 ** after.t)

    def value(name):
        if name in scalars:
            return scalars[name]
        m = re.fullmatch(r"(new )?(∂C/∂|∇|∂P/∂|m̂ |v̂ |m |v )?([Wb])([⁰-⁹¹²³]+)\[(\d+)(?:,(\d+))?\]", name)
        if m:
            new, prefix, kind, l = m.group(1), m.group(2) or "", m.group(3), digits(m.group(4), SUP)
            weights, biases = net.split(vectors[prefix, bool(new)])
            if kind == "W":
                return weights[l - 1][int(m.group(5)), int(m.group(6))]
            return biases[l - 1][int(m.group(5))]
        m = re.fullmatch(r"f′\(z([⁰-⁹¹²³]+)\[(\d+)\]\)", name)
        if m:
            l, j = digits(m.group(1), SUP), int(m.group(2))
            return net.output.derivative(g.zs[-1])[0, j] if l == L else fprimes[l - 1][0, j]
        m = re.fullmatch(r"([azδy])([⁰-⁹¹²³]*)\[(\d+)\]", name)
        symbol, l, j = m.group(1), m.group(2), int(m.group(3))
        if symbol == "y":
            return Y[0, j]
        l = digits(l, SUP)
        return {"a": lambda: g.activations[l], "z": lambda: g.zs[l - 1], "δ": lambda: g.deltas[l - 1]}[symbol]()[0, j]

    return value


CASES = [  # sizes, activation, output, loss, x, y
    ([2, 2, 1], "sigmoid", "sigmoid", "mse", [0.0, 1.0], [1.0]),
    ([2, 2, 1], "sigmoid", "sigmoid", "bce", [1.0, 1.0], [0.0]),
    ([3, 3, 3, 2], "tanh", "sigmoid", "mse", [0.5, -1.0, 2.0], [1.0, 0.0]),
    ([2, 4, 3], "relu", "softmax", "cross_entropy", [0.3, -0.7], [0.0, 1.0, 0.0]),
    ([2, 3, 3], "elu", "softmax", "mse", [1.5, 0.2], [1.0, 0.0, 0.0]),
    ([2, 8, 8, 1], "leaky_relu", "linear", "mse", [0.4, 0.9], [0.3]),
    ([1, 40, 1], "gelu", "sigmoid", "bce", [0.7], [1.0]),
]


@pytest.mark.parametrize("sizes, activation, output, loss, x, y", CASES)
def test_every_number_shown_is_the_engines(sizes, activation, output, loss, x, y):
    net = Network(sizes, activation, output, init="xavier", seed=5)
    net.biases = [np.linspace(-0.3, 0.3, n) for n in sizes[1:]]    # biases that show in the sums
    before = net.theta.copy()
    lr = 0.7
    steps = walk(net, x, y, loss, lr, focus=(1, sizes[1] - 1)).steps
    value = engine_values(net, x, y, loss, lr)
    checked = 0
    for step in steps:
        assert step.quantities, step.title
        for name, shown in step.quantities:
            assert shown == pytest.approx(value(name), rel=1e-12, abs=1e-15), (step.title, name)
            checked += 1
        assert step.value == pytest.approx(value(step.asks), rel=1e-12, abs=1e-15), step.title
    assert checked > 10
    assert np.array_equal(net.theta, before), "walking leaves the network as it was"


def test_steps_come_in_the_order_of_a_training_step():
    net = Network([2, 3, 2, 1], "tanh", "sigmoid", seed=1)
    kinds = [(s.kind, s.layer) for s in walk(net, [1, 0], [1], "bce", 0.5).steps]
    assert kinds == [("z", 1), ("a", 1), ("z", 2), ("a", 2), ("z", 3), ("a", 3), ("loss", 3), ("bp1", 3),
                     ("bp2", 2), ("bp2", 1), ("bp3", 3), ("bp3", 2), ("bp3", 1),
                     ("bp4", 3), ("bp4", 2), ("bp4", 1), ("update", 3), ("update", 2), ("update", 1)]


def test_bp1_says_when_the_loss_cancels_f_prime():
    net = Network([2, 2, 1], "sigmoid", "sigmoid", seed=2)
    bce = next(s for s in walk(net, [1, 0], [1], "bce", 0.5).steps if s.kind == "bp1")
    mse = next(s for s in walk(net, [1, 0], [1], "mse", 0.5).steps if s.kind == "bp1")
    assert bce.equation.endswith("= a² − y") and "cancels" in bce.lines[0]
    assert "cancels" not in " ".join(mse.lines) and "f′(z²[0])" in dict(mse.quantities)
    assert any("no f′" in slip.feedback for slip in bce.slips)
    assert any("left out f′" in slip.feedback for slip in mse.slips)


def test_a_large_layer_shows_the_focused_neuron_and_summarises_the_rest():
    net = Network([3, 64, 2], "relu", "sigmoid", seed=0)
    walk_ = walk(net, [1, 2, 3], [0, 1], "mse", 0.1, focus=(1, 17))
    z1 = walk_.steps[0]
    assert z1.asks == "z¹[17]" and len(z1.lines) == 2            # one unit of 64, its sum on two lines
    assert all(name.endswith(("[17]", ",17]")) or name.startswith("a⁰") for name, _ in z1.quantities)
    z2 = walk_.steps[2]
    assert "a¹[17]·W²[17,0] + … (63 more terms)" in z2.lines[0]   # 64 inputs: the focused one, the rest counted
    assert (1, 17) in z2.neurons and len(z2.neurons) < 10
    assert len(walk_.steps[-1].lines) <= 2 * SMALL * 2 + 2


def test_bp2_knows_the_w_not_w_transposed_slip_on_square_weights():
    net = Network([2, 3, 3, 1], "tanh", "sigmoid", seed=4)
    bp2 = next(s for s in walk(net, [1, -1], [1], "bce", 0.5, focus=(2, 0)).steps if s.kind == "bp2" and s.layer == 1)
    slip = next(s for s in bp2.slips if "not (W²)ᵀ" in s.feedback)
    assert abs(slip.value - bp2.value) > 0.01 * abs(bp2.value)


def test_a_prediction_is_judged_within_one_percent_and_names_the_slip():
    from tutor.stepper import check_prediction

    net = Network([2, 3, 3, 1], "tanh", "sigmoid", seed=4)
    steps = walk(net, [1, -1], [1], "bce", 0.5, focus=(2, 0)).steps
    bp2 = next(s for s in steps if s.kind == "bp2" and s.layer == 1)
    assert check_prediction(bp2, f"{bp2.value * 1.005:.6g}").correct
    assert not check_prediction(bp2, f"{bp2.value * 1.03:.6g}").correct
    slip = next(s for s in bp2.slips if "not (W²)ᵀ" in s.feedback)
    verdict = check_prediction(bp2, f"{slip.value:.4g}")
    assert not verdict.correct and "You multiplied by W², not (W²)ᵀ" in verdict.feedback
    update = steps[-1]
    added = next(s for s in update.slips if "against the gradient" in s.feedback)
    verdict = check_prediction(update, f"{added.value:.6g}")
    assert "against the gradient" in verdict.feedback
    assert not check_prediction(update, "banana").understood
