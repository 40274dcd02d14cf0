"""Claims of lessons/01-derivatives.md."""
from __future__ import annotations

import inspect
import math
import sys

import pytest

# The lesson's table: f = sin at x = 1, errors against cos 1.
TABLE = {  # h: (forward error, centered error)
    1e-1: (4.3e-2, 9.0e-4),
    1e-3: (4.2e-4, 9.0e-8),
    1e-5: (4.2e-6, 1.1e-11),
    1e-8: (3.0e-9, 2.6e-9),
    1e-10: (5.9e-8, 5.9e-8),
}


def errors(h: float) -> tuple[float, float]:
    x, exact = 1.0, math.cos(1.0)
    forward = (math.sin(x + h) - math.sin(x)) / h
    centered = (math.sin(x + h) - math.sin(x - h)) / (2 * h)
    return abs(forward - exact), abs(centered - exact)


@pytest.mark.parametrize("h", list(TABLE))
def test_finite_difference_table(h):
    forward, centered = errors(h)
    # The table gives two significant digits.
    assert forward == pytest.approx(TABLE[h][0], rel=0.05)
    assert centered == pytest.approx(TABLE[h][1], rel=0.05)


def test_truncation_formulas_fit_the_first_rows():
    for h in (1e-1, 1e-3):
        forward, centered = errors(h)
        assert forward == pytest.approx(h / 2 * math.sin(1.0), rel=0.05)
        assert centered == pytest.approx(h * h / 6 * math.cos(1.0), rel=0.05)


def test_centered_difference_gets_worse_below_1e_5():
    assert errors(1e-8)[1] > errors(1e-5)[1] * 100


def test_forward_difference_of_x_squared():
    assert ((3 + 0.1) ** 2 - 9) / 0.1 == pytest.approx(6.1, abs=1e-9)


def test_engine_gradient_check_uses_centered_differences_with_h_1e_5():
    module = sys.modules["engine.gradcheck"]
    assert inspect.signature(module.numerical_gradient).parameters["h"].default == 1e-5
    assert "(plus - minus) / (2.0 * h)" in inspect.getsource(module.numerical_gradient)


# The lesson's table of the limits the derivatives of eˣ, ln x and sin x rest on.
LIMITS = {  # h: ((e^h − 1)/h, ln(1 + h)/h, sin h/h, (cos h − 1)/h), to the six decimals shown
    0.1: (1.051709, 0.953102, 0.998334, -0.049958),
    0.01: (1.005017, 0.995033, 0.999983, -0.005000),
    0.001: (1.000500, 0.999500, 1.000000, -0.000500),
}


@pytest.mark.parametrize("h", list(LIMITS))
def test_the_limits_table(h):
    computed = ((math.exp(h) - 1) / h, math.log(1 + h) / h, math.sin(h) / h, (math.cos(h) - 1) / h)
    assert computed == pytest.approx(LIMITS[h], abs=5e-7)


def test_the_limits_tend_to_1_1_1_and_0_and_2_to_the_h_to_ln_2():
    h = 1e-7
    assert (math.exp(h) - 1) / h == pytest.approx(1, abs=1e-6)
    assert (2 ** h - 1) / h == pytest.approx(math.log(2), abs=1e-6)
    assert (10 ** h - 1) / h == pytest.approx(math.log(10), abs=1e-6)


@pytest.mark.parametrize("function, derivative", [
    ("(x^2 + 1)^3", "3*(x^2 + 1)^2*2*x"),            # the chain rule's example
    ("x/(1 + x^2)", "(1 - x^2)/(1 + x^2)^2"),        # the quotient-rule quiz
    ("exp(-3*x) * x^2", "exp(-3*x)*(2*x - 3*x^2)"),   # the product-rule quiz
    ("x^3", "3*x^2"), ("exp(x)", "exp(x)"), ("log(x)", "1/x"), ("sin(x)", "cos(x)"), ("cos(x)", "-sin(x)"),
])
def test_derivatives_the_lesson_states(function, derivative):
    from tutor.maths.judge import is_derivative

    assert is_derivative(function, derivative)


def test_the_multivariable_chain_rules_example():
    from tutor.maths.judge import is_derivative

    # C = u² + 3v, u = cos t, v = t²: the sum over both paths.
    assert is_derivative("cos(t)^2 + 3*t^2", "2*cos(t)*(-sin(t)) + 3*2*t", "t")


def test_each_step_lowers_the_loss_by_about_eta_times_the_squared_gradient():
    import numpy as np

    import engine

    config = engine.RunConfig.from_mapping(dict(dataset="xor", layers=[2, 4, 1], activation="tanh",
                                                output="sigmoid", loss="bce", lr=0.5, epochs=3000, seed=0))
    assert config.batch_size == 0                                 # full batch
    net, trainer, data = config.build()
    ratios, norms = [], []
    for _ in range(config.epochs):
        g = net.backward(data.X, data.Y, loss="bce")
        before, squared = g.loss, float(g.nabla_theta @ g.nabla_theta)
        trainer.run_epoch()
        ratios.append((before - net.backward(data.X, data.Y, loss="bce").loss) / (0.5 * squared))
        norms.append(squared)
    ratios = np.array(ratios)
    assert int(np.argmax(norms)) == 0                             # the gradient is largest at the start
    assert ratios.min() == pytest.approx(0.85, abs=0.005) and ratios.max() == pytest.approx(1.01, abs=0.005)
    assert np.median(ratios) == pytest.approx(0.9997, abs=5e-5)
    assert ratios.argmin() == 0                                   # furthest apart at the start


def test_the_graph_section_states_the_graphs_own_numbers():
    """The chain rule as a graph: every number of the prose is the lesson's graph block's."""
    from tests.lessons.conftest import lesson
    from tutor.maths.graph import graph, num

    block, = lesson("derivatives").graphs
    g = graph(block.expression, dict(block.values))
    assert dict(block.values) == {"w": 0.5, "x": 2.0, "b": -0.5}
    by_name = {node.name: node for node in g.nodes}
    assert [by_name[n].formula for n in ("f", "u₁", "u₂")] == ["tanh(u₁)", "u₂ + b", "w · x"]
    assert (by_name["u₂"].value, by_name["u₁"].value) == (1.0, 0.5)
    assert num(g.root.value) == "0.4621"
    assert num(by_name["u₁"].gradient) == "0.7864" and num(g.gradients["b"]) == "0.7864"
    assert by_name["u₂"].local == by_name["b"].local == 1.0      # ∂u₁/∂u₂ = ∂u₁/∂b = 1
    assert num(g.gradients["w"]) == "1.573" and num(g.gradients["x"]) == "0.3932"
    assert block.predict == ("w*x + b", "w")
    assert num(graph("x*x", "x=3").gradients["x"]) == "6"      # the sum over a variable's two uses
