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
