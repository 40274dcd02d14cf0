"""Generated drills: reproducible, varied, and their expected answers are true derivatives."""
from __future__ import annotations

import numpy as np
import pytest

from tutor.maths.drills import FAMILIES, LEVELS, Drill, families, generate, level_of
from tutor.maths.judge import judge
from tutor.maths.mathparse import parse

SEEDS_PER_LEVEL = 100
DRILLS = [generate(seed, level) for level in LEVELS for seed in range(SEEDS_PER_LEVEL)]


def test_the_same_seed_gives_the_same_drill():
    for level in LEVELS:
        for seed in range(10):
            assert generate(seed, level) == generate(seed, level)
    assert generate(3, family="product") == generate(3, family="product")


def test_seeds_give_varied_drills_across_every_family_of_a_level():
    for level in LEVELS:
        drills = [d for d in DRILLS if d.level == level]
        assert {d.family for d in drills} == set(families(level))
        assert len({d.function for d in drills}) >= SEEDS_PER_LEVEL // 3


def test_families_and_levels():
    assert set(FAMILIES) == {f for level in LEVELS for f in families(level)}
    assert len(FAMILIES) == len(set(FAMILIES))
    assert LEVELS == (1, 2, 3)
    assert {"product", "sigmoid-chain", "chain-exp"} <= set(FAMILIES)
    for family in FAMILIES:
        drill = generate(0, family=family)
        assert drill.family == family and drill.level == level_of(family)


def test_unknown_levels_and_families_are_refused():
    with pytest.raises(ValueError, match="level must be one of 1, 2, 3"):
        generate(0, level=4)
    with pytest.raises(ValueError, match="unknown drill family 'chain'"):
        generate(0, family="chain")


def test_a_drill_reads_as_a_question_in_normal_notation():
    drill = generate(0, family="sigmoid-chain")
    assert isinstance(drill, Drill)
    assert drill.prompt == f"d/dx of {parse(drill.function).pretty()}"
    assert drill.prompt.startswith("d/dx of σ(")
    assert "sigmoid" not in drill.prompt and "**" not in drill.prompt


def test_every_function_and_answer_is_in_parser_syntax_and_legible():
    for drill in DRILLS:
        assert parse(drill.function).text() == drill.function
        assert parse(drill.expected).text() == drill.expected
        assert len(drill.expected) < 300, drill


def test_every_expected_answer_judges_correct_against_itself():
    for drill in DRILLS:
        verdict = judge(drill.expected, drill.expected, function=drill.function)
        assert verdict.correct, (drill, verdict.feedback)


def test_every_expected_answer_is_the_derivative_by_finite_differences():
    """Centred differences of the function, computed by the tree without SymPy, away from kinks."""
    x = np.linspace(-2.9, 2.9, 59) + 0.0123  # off the grid of integers and halves
    h = 1e-6
    for drill in DRILLS:
        function, expected = parse(drill.function), parse(drill.expected)
        slope = (function.evaluate(x=x + h) - function.evaluate(x=x - h)) / (2 * h)
        exact = expected.evaluate(x=x)
        usable = np.isfinite(slope) & np.isfinite(function.evaluate(x=x)) & (np.abs(exact) < 1e6)
        for switch in function.switches():
            usable &= np.abs(switch.evaluate(x=x)) > 1e-3
        assert usable.sum() >= 20, drill
        np.testing.assert_allclose(exact[usable], slope[usable], rtol=1e-5, atol=1e-5, err_msg=str(drill))


def test_the_function_itself_is_not_taken_for_its_derivative():
    for drill in DRILLS[:SEEDS_PER_LEVEL]:
        if drill.family == "exp" and drill.function == "exp(x)":
            continue  # the one function that is its own derivative
        verdict = judge(drill.function, drill.expected, function=drill.function)
        assert not verdict.correct and verdict.diagnosis == "function-not-derivative", drill
