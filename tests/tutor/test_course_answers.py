"""check_answer for every quiz kind: right, wrong with useful feedback, and unreadable."""
from __future__ import annotations

import dataclasses
import re

import pytest

import engine
from tutor.course.answers import Verdict, check_answer, read_choices, read_number, read_prediction, verdict_line
from tutor.course.model import (
    ChoiceSpec, DerivativeSpec, ExpressionSpec, Mistake, NetworkSpec, NumericSpec, PredictSpec, Quiz,
)
from tutor.course.network_spec import evaluate


def quiz(kind, spec) -> Quiz:
    return Quiz(id="q", lesson_id="l", kind=kind, prompt="P", spec=spec, explanation="E")


DERIVATIVE = quiz("derivative", DerivativeSpec(function="sin(x^2)", given="2*x*cos(x^2)"))


def test_derivative_right_and_wrong():
    right = check_answer(DERIVATIVE, "cos(x²)·2x")
    assert right.correct and right.understood and right.reading == "cos(x²)·2·x"
    wrong = check_answer(DERIVATIVE, "cos(x^2)")
    assert not wrong.correct and wrong.understood
    assert "inner function" in wrong.feedback or "At x =" in wrong.feedback


def test_derivative_unreadable_is_not_an_attempt():
    verdict = check_answer(DERIVATIVE, "cos x^2 +")
    assert not verdict.correct and not verdict.understood
    assert verdict.feedback.startswith("Could not read your answer")


def test_empty_answer_is_not_an_attempt():
    assert check_answer(DERIVATIVE, "   ") == check_answer(DERIVATIVE, "")
    assert not check_answer(DERIVATIVE, "").understood


def test_expression_with_several_variables():
    q = quiz("expression", ExpressionSpec(expected="(w*x + b - y)*x", variables=("w", "x", "b", "y")))
    assert check_answer(q, "w x^2 + b x - x y").correct
    wrong = check_answer(q, "(w x + b - y)")
    assert not wrong.correct and wrong.understood


def test_expression_sign_error_is_diagnosed():
    q = quiz("expression", ExpressionSpec(expected="a - y", variables=("a", "y")))
    verdict = check_answer(q, "y - a")
    assert not verdict.correct and "sign" in verdict.feedback


CHOICE = quiz("choice", ChoiceSpec(choices=("sigmoid", "tanh", "SiLU"), answers=frozenset({0, 1})))


@pytest.mark.parametrize("text, correct, feedback", [
    ("a, b", True, "Correct: choices a and b."),
    ("b and a", True, "Correct: choices a and b."),
    ("(A) (B)", True, "Correct: choices a and b."),
    ("a c", False, "Not choice c."),
    ("a", False, "Right so far, but 1 more choice is right too: give all of them."),
])
def test_choice(text, correct, feedback):
    verdict = check_answer(CHOICE, text)
    assert (verdict.correct, verdict.feedback, verdict.understood) == (correct, feedback, True)


def test_choice_by_its_letter_or_text():
    single = quiz("choice", ChoiceSpec(choices=("zero", "one", "a half"), answers=frozenset({2})))
    assert check_answer(single, "a half").correct
    assert check_answer(single, "c").correct and check_answer(single, "C.").correct
    assert not check_answer(single, "One").correct


# The relu-kink quiz of lessons/03-activations.md, as it was: a typed 1 was "choice 1", relu′(0) = 0.
RELU_KINK = quiz("choice", ChoiceSpec(choices=("relu′(0) = 0", "relu′(0) = 1", "relu′(0) = ½",
                                               "None: it raises an error"), answers=frozenset({0})))


def test_a_typed_number_is_a_value_never_a_choice_index():
    thinks_one = check_answer(RELU_KINK, "1")
    assert (thinks_one.correct, thinks_one.understood, thinks_one.feedback) == (False, True, "Not choice b.")
    assert check_answer(RELU_KINK, "0").correct                   # the value of choice a
    assert check_answer(RELU_KINK, "0.5").feedback == "Not choice c."  # ½ read as a number
    assert check_answer(RELU_KINK, "a").correct


def test_a_value_stated_by_no_choice_or_by_several_asks_for_a_letter():
    nothing = check_answer(RELU_KINK, "3")
    assert (nothing.understood, nothing.feedback) == (False, "There is no choice with the value 3: answer with a letter, a to d.")
    twice = quiz("choice", ChoiceSpec(choices=("σ′(0) = ¼", "tanh′(0)/4 = 0.25", "1"), answers=frozenset({0})))
    both = check_answer(twice, "1/4")
    assert (both.understood, both.feedback) == (False, "1/4 is the value of choices a and b: answer with a letter.")
    assert check_answer(twice, "1").feedback == "Not choice c."  # a bare number is a choice's value


def test_a_leading_number_is_a_choices_value():
    q = quiz("choice", ChoiceSpec(choices=("2 times smaller", "4 times smaller", "It does not change"),
                                  answers=frozenset({1})))
    assert check_answer(q, "4").correct and check_answer(q, "b").correct
    assert check_answer(q, "2").feedback == "Not choice a."


@pytest.mark.parametrize("text, message", [
    ("d", "There is no choice d: the choices are a to c."),
    ("4", "There is no choice with the value 4: answer with a letter, a to c."),
    ("1 3", "Answer with the letter of a choice, a to c (several: a, c)."),
    ("tanh-ish", "Answer with the letter of a choice, a to c (several: a, c)."),
])
def test_choice_unreadable(text, message):
    verdict = check_answer(CHOICE, text)
    assert (verdict.correct, verdict.understood, verdict.feedback) == (False, False, message)


def test_read_choices_returns_zero_based_indices():
    assert read_choices("c;a", ("x1", "x2", "x3")) == {0, 2}


NUMERIC = quiz("numeric", NumericSpec(expected=0.25, tolerance=0.0025))


@pytest.mark.parametrize("text, correct, feedback", [
    ("0.25", True, "Correct: the exact value is 0.25."),
    ("1/4", True, "Correct: the exact value is 0.25."),
    ("0.2524", True, "Correct: the exact value is 0.25."),
    ("−0.25", False, "The size is right but the sign is wrong."),
    ("0.26", False, "Close, but not within the tolerance: keep four significant digits in the intermediate steps."),
    ("0.5", False, "Your answer is 2 times the right one: look for a forgotten or extra factor."),
    ("3", False, "Not yet: 3 is not within ±0.0025 of the right value."),
    ("(0.5 − 0.25)", True, "Correct: the exact value is 0.25."),
    ("¼", True, "Correct: the exact value is 0.25."),
    ("1/2 · 1/2", True, "Correct: the exact value is 0.25."),
])
def test_numeric(text, correct, feedback):
    verdict = check_answer(NUMERIC, text)
    assert (verdict.correct, verdict.feedback) == (correct, feedback)


@pytest.mark.parametrize("text", ["a quarter", "1/0", "0.25.1", "inf"])
def test_numeric_unreadable(text):
    verdict = check_answer(NUMERIC, text)
    assert not verdict.understood and "Type a number" in verdict.feedback


def test_read_number_forms():
    assert read_number("-3.2e-4") == -3.2e-4
    assert read_number("3/16") == 0.1875
    assert read_number(".5") == 0.5
    assert read_number("x") is None


def test_numeric_with_an_engine_network_is_judged_against_the_engine():
    # One sigmoid unit, quadratic cost: z = 1·0.5 + 0 = 0.5, a = σ(0.5), δ = (a − y)·a(1 − a).
    network = NetworkSpec(sizes=(1, 1), activation="sigmoid", output="sigmoid", loss="mse",
                          weights=(((0.5,),),), biases=((0.0,),), input=(1.0,), target=(1.0,))
    value = evaluate(network, "output_delta")
    a = 1 / (1 + 2.718281828459045 ** -0.5)
    assert value == pytest.approx((a - 1) * a * (1 - a), rel=1e-9)
    q = quiz("numeric", NumericSpec(expected=value, tolerance=1e-3, network=network, quantity="output_delta"))
    right = check_answer(q, f"{value:.4f}")
    assert right.correct and right.detail == f"The engine's value is {value:.6g}."
    assert not check_answer(q, f"{-value:.4f}").correct


# XOR, 2-2-1 sigmoid, quadratic cost, seed 0: at lr 50 the engine stalls at 0.0625 (see tests/lessons).
STALL = PredictSpec(
    question="outcome",
    lab=engine.RunConfig.from_mapping(dict(dataset="xor", layers=[2, 2, 1], activation="sigmoid", output="sigmoid",
                                           loss="mse", lr=50, epochs=300, seed=0)),
    choices=("converges", "stalls", "diverges"), target_loss=0.01)


def test_predict_outcome_is_what_the_engine_does():
    q = quiz("predict", STALL)
    right = check_answer(q, "stalls")
    assert right.correct and right.feedback.startswith("The engine ran it: the loss went from 0.1423")
    assert right.feedback.endswith("so it stalls.") and not right.shows_answer
    assert check_answer(q, "2").correct
    wrong = check_answer(q, "div")
    # The measurement gives the answer away: a wrong prediction counts as "answer shown".
    assert not wrong.correct and wrong.feedback.startswith("The engine ran it") and wrong.shows_answer


@pytest.mark.parametrize("verdict, line", [
    (Verdict(False, "Not yet."), ("✗ Not yet.", "")),
    (Verdict(True, "Correct."), ("✓ Right.", "")),
    (Verdict(True, "Correct. Read as: 3x²."), ("✓ Right.", "Read as: 3x².")),
    (Verdict(False, "Not quite. Read as: 3x."), ("✗ Not yet.", "Read as: 3x.")),
    (Verdict(False, "Not choice a."), ("✗ Not yet.", "Not choice a.")),
])
def test_a_verdict_line_never_repeats_the_verdict(verdict, line):
    assert verdict_line(verdict) == line


def test_no_verdict_of_a_choice_or_numeric_quiz_repeats_its_verdict_word():
    for q, text in ((CHOICE, "a, b"), (CHOICE, "a c"), (NUMERIC, "3"), (NUMERIC, "0.25")):
        assert verdict_line(check_answer(q, text))[1] == check_answer(q, text).detail


def test_predict_unreadable():
    verdict = check_answer(quiz("predict", STALL), "maybe")
    assert not verdict.understood
    assert verdict.feedback == "Answer with one of: converges, stalls, diverges (or its number)."


def test_read_prediction_needs_an_unambiguous_start():
    assert read_prediction("s", ("stalls", "diverges")) == "stalls"
    assert read_prediction("higher", ("higher", "lower")) == "higher"
    assert read_prediction("", ("converges", "cycles")) is None


def test_predict_compare():
    spec = PredictSpec(question="compare", lab=STALL.lab, choices=("higher", "lower"),
                       compare=dataclasses.replace(STALL.lab, lr=20))
    verdict = check_answer(quiz("predict", spec), "lower")
    assert verdict.correct, verdict.feedback
    assert "with lr = 20" in verdict.feedback


def test_a_numeric_variant_asks_about_nudged_numbers_and_the_engine_answers_it():
    from tutor.course.variants import has_variants, variant

    network = NetworkSpec(sizes=(1, 1), activation="sigmoid", output="sigmoid", loss="mse",
                          weights=(((0.5,),),), biases=((0.0,),), input=(1.0,), target=(1.0,))
    value = evaluate(network, "output_delta")
    q = quiz("numeric", NumericSpec(expected=value, tolerance=1e-3, network=network, quantity="output_delta"))
    assert has_variants(q) and not has_variants(NUMERIC) and not has_variants(CHOICE)
    fresh = variant(q, 1)
    assert fresh.spec.network != network and fresh.spec.expected != value
    assert fresh.spec.expected == evaluate(fresh.spec.network, "output_delta")
    assert variant(q, 1) == fresh and variant(q, 0) is q  # the same variant for everyone
    assert check_answer(fresh, f"{fresh.spec.expected:.5f}").correct
    assert not check_answer(fresh, f"{value:.5f}").correct


def test_a_predict_variant_runs_another_seed():
    from tutor.course.variants import variant

    fresh = variant(quiz("predict", STALL), 2)
    assert fresh.spec.lab.seed == 2 and dataclasses.replace(fresh.spec.lab, seed=0) == STALL.lab


def test_a_predict_variant_of_the_last_seed_wraps_round_to_a_seed_the_data_accepts():
    from tutor.course.runs import predict_truth
    from tutor.course.variants import variant

    last = dataclasses.replace(STALL, lab=dataclasses.replace(STALL.lab, seed=engine.datasets.MAX_SEED, epochs=3))
    fresh = variant(quiz("predict", last), 2)
    assert fresh.spec.lab.seed == 1
    assert predict_truth(fresh.spec)[0] in STALL.choices


@pytest.mark.parametrize("quiz_, text", [
    (NUMERIC, "0.25"), (NUMERIC, "3"), (NUMERIC, "0.26"), (CHOICE, "a, b"), (CHOICE, "a c"), (CHOICE, "1 3"),
    (quiz("expression", ExpressionSpec(expected="a - y", variables=("a", "y"))), "a - y"),
    (quiz("expression", ExpressionSpec(expected="a - y", variables=("a", "y"))), "y - a"),
])
def test_the_detail_never_repeats_the_verdict(quiz_, text):
    # Issue 10: the app showed "✓ Right. Correct." and "✗ Not yet. Not yet.": the app marks
    # the verdict itself and shows `detail`, which must say something else, and something.
    verdict = check_answer(quiz_, text)
    assert verdict.detail.strip()
    assert not re.match(r"(correct|right|not yet|not quite|no)\b", verdict.detail, re.IGNORECASE)


def test_arithmetic_on_numbers_is_a_number():
    # Issue 10: (9.61-9)/0.1 was refused in a numeric quiz.
    q = quiz("numeric", NumericSpec(expected=6.1, tolerance=1e-9))
    assert check_answer(q, "(9.61-9)/0.1").correct
    assert check_answer(q, "(9.61 − 9)/0.1").correct
    unreadable = check_answer(q, "(9.61-x)/0.1")
    assert not unreadable.understood


def test_an_expression_quiz_samples_inside_its_ranges():
    # Issue 10: "At a = −1.1, y = −0.05" for a sigmoid output a in (0, 1).
    q = quiz("expression", ExpressionSpec(expected="a - y", variables=("a", "y"),
                                          ranges=(("a", 0.0, 1.0), ("y", 0.0, 1.0))))
    verdict = check_answer(q, "a + y")
    point = re.search(r"(?i)at a = (\S+), y = (\S+) the right", verdict.feedback)
    assert point is not None, verdict.feedback
    a, y = (float(v.replace("−", "-")) for v in point.groups())
    assert 0 < a < 1 and 0 < y < 1


# ----------------------------------------------------------------- the author's expected mistakes

def with_mistakes(q: Quiz, *mistakes: Mistake) -> Quiz:
    return dataclasses.replace(q, mistakes=mistakes)


INNER = Mistake(answer="cos(x^2)", feedback="You dropped the inner derivative 2x.")


def test_a_named_mistake_replaces_the_generic_diagnosis():
    q = with_mistakes(DERIVATIVE, INNER)
    generic = check_answer(DERIVATIVE, "cos(x^2)")
    named = check_answer(q, "cos(x²)")
    assert INNER.feedback not in generic.feedback
    assert not named.correct and named.understood and named.reading == "cos(x²)"
    assert named.detail == "Read as: cos(x²). You dropped the inner derivative 2x."
    assert verdict_line(named) == ("✗ Not yet.", named.detail)


def test_a_mistake_matches_by_the_judges_equality_not_by_its_text():
    q = with_mistakes(DERIVATIVE, INNER)
    assert INNER.feedback in check_answer(q, "cos(x*x)").feedback          # the same function
    assert INNER.feedback not in check_answer(q, "sin(x^2)").feedback      # another wrong answer
    assert check_answer(q, "2x cos(x^2)").correct                          # the right one stays right


def test_an_expression_mistake_with_several_variables():
    q = with_mistakes(quiz("expression", ExpressionSpec(expected="(w*x + b - y)*x", variables=("w", "x", "b", "y"))),
                      Mistake(answer="w*x + b - y", feedback="That is ∂C/∂b: ∂z/∂w = x is missing."))
    assert "∂z/∂w = x is missing" in check_answer(q, "b + w x - y").feedback


def test_a_numeric_mistake_matches_within_its_tolerance():
    q = with_mistakes(quiz("numeric", NumericSpec(expected=11 / 48, tolerance=0.01 * 11 / 48)),
                      Mistake(answer="2/11", feedback="That is the paper's rule.", value=2 / 11,
                              tolerance=0.01 * 2 / 11))
    assert check_answer(q, "0.182").detail == "That is the paper's rule."
    assert check_answer(q, "2/11").detail == "That is the paper's rule."
    assert "paper" not in check_answer(q, "0.19").feedback  # 4% off: not that mistake
    assert check_answer(q, "0.229").correct


def test_a_choice_mistake_names_the_pick():
    q = with_mistakes(RELU_KINK, Mistake(answer="b", feedback="1 is the slope from the right.", picks=frozenset({1})))
    verdict = check_answer(q, "1")
    assert verdict.detail == "Not choice b. 1 is the slope from the right."
    assert check_answer(q, "c").detail == "Not choice c."


def test_a_numeric_variant_drops_the_authors_mistakes():
    from tutor.course.variants import variant

    network = NetworkSpec(sizes=(1, 1), activation="sigmoid", output="sigmoid", loss="mse",
                          weights=(((0.5,),),), biases=((0.0,),), input=(1.0,), target=(1.0,))
    value = evaluate(network, "output_delta")
    q = with_mistakes(quiz("numeric", NumericSpec(expected=value, tolerance=1e-4, network=network,
                                                  quantity="output_delta")),
                      Mistake(answer="0.1", feedback="F", value=0.1, tolerance=1e-3))
    assert variant(q, 1).mistakes == () and variant(q, 0).mistakes == q.mistakes
