"""Lesson 4's stepper walk: its bracketed, 0-based units name the numbers the lesson's
hand-worked example gives with the book's 1-based subscripts (tutor/stepper.py's numbering)."""
from __future__ import annotations

import pytest

from tests.lessons.conftest import lesson
from tutor.course.model import Prose
from tutor.screens.stepper import StepperScreen


def test_the_walks_bracketed_units_are_the_worked_examples_subscripted_ones():
    backprop = lesson("backprop")
    block, = backprop.steppers
    shown = {}
    for step in StepperScreen.of_block(block).walk.steps:
        shown.update(step.quantities)
    # The prose beside the block: "its z¹[0], δ¹[0] and W²[0,0] are z¹₁, δ¹₁ and W²₁₁ above ...
    # its δ¹[1] is δ¹₂"; the worked example and its quizzes give those numbers.
    prose = " ".join(" ".join(s.text.split()) for s in backprop.body if isinstance(s, Prose))
    assert "its z¹[0], δ¹[0] and W²[0,0] are z¹₁, δ¹₁ and W²₁₁ above" in prose
    assert "its δ¹[1] is δ¹₂" in prose
    assert shown["z¹[0]"] == pytest.approx(0.3775, abs=1e-12)          # z¹ = [0.3775, 0.3925]
    assert shown["δ¹[0]"] == pytest.approx(0.013368, abs=5e-7)         # δ¹₁ = 0.013368
    assert shown["W²[0,0]"] == 0.40                                    # W²₁₁ = 0.40
    assert shown["δ¹[1]"] == pytest.approx(0.014996, abs=5e-7)         # the quiz's δ¹₂ = 0.014996
    assert shown["∂C/∂W²[0,0]"] == pytest.approx(0.082167, abs=5e-7)   # ∂C/∂W²₁₁ = 0.082167
    assert not any("₀" in name or "₁" in name for name in shown if name[0] in "zaδbWy∂")  # no subscripted units
