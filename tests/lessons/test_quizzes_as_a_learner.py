"""Every quiz of lessons 01-04 and 06 answered as a learner would: right in two notations, and
wrong in the typical way (getting the feedback the lesson wrote for that slip), through
check_answer (what the app and `tutor quiz` both call) and through `tutor quiz` itself.
Every expected mistake of the whole course gets its own feedback."""
from __future__ import annotations

import pytest
from conftest import answer_as_a_learner, solve_with_tutor_quiz

from tutor.course.answers import check_answer
from tutor.course.loader import load_course
from tutor.course.paths import lessons_dir

COURSE = load_course(lessons_dir())

# quiz id: (two right answers in different notations, a typical wrong answer, words of its feedback)
LEARNER = {
    # lessons/01-derivatives.md
    "power-rule": (("3x^2", "3·x²"), "x^2", "power comes down as a factor"),
    "quotient-rule": (("(1 - x^2)/(1 + x^2)^2", "(1·(1+x²) − x·2x)/(1+x²)²"), "1/(2x)", "not the quotient of the derivatives"),
    "forward-difference": (("6.1", "(9.61 − 9)/0.1"), "6", "the derivative f′(3), the limit"),
    "centered-order": (("b", "4"), "a", "That is the forward difference"),
    "chain-sin": (("2x cos(x^2)", "cos(x²)·2x"), "cos(x^2)", "multiply by the inner derivative"),
    "chain-exp": (("exp(-3x)(2x - 3x^2)", "−3e^(−3x)·x² + e^(−3x)·2x"), "-3 exp(-3x) 2x", "(f·g)′ is not f′·g′"),
    "partial-w": (("(w x + b - y) x", "w·x² + b·x − x·y"), "w x + b - y", "That is ∂C/∂b"),
    "multivariable-chain": (("-2cos(t)sin(t) + 6t", "6t − 2·sin(t)·cos(t)"), "-2 cos(t) sin(t)", "the path through u alone"),
    # lessons/02-gradient-descent.md
    "gd-first-order": (("-eta*g^2", "−η·g²"), "-η g", "both factors carry a g"),
    "gd-output": (("0.3775", "1/(1 + e^0.5)"), "-0.5", "That is z = w·x + b"),
    "gd-gradient": (("-0.2926", "-0.622459·0.235004·2"), "-1.2449", "σ′(z) = a(1 − a) is missing"),
    "gd-step": (("-0.2074", "-0.5 + 0.292561"), "-0.7926", "a step uphill"),
    "gd-quadratic-step": (("(1 - eta*lam)*w", "w − ηλw"), "(1 + ηλ)w", "with a minus"),
    "gd-regime": (("c", "C."), "d", "Growth needs η > 2/λ"),
    "gd-sine-below": (("converges", "1"), "diverges", "The engine ran"),
    "gd-sine-above": (("diverges", "3"), "converges", "The engine ran"),
    # lessons/03-activations.md
    "sigmoid-derivative": (("σ(x)(1 − σ(x))", "exp(-x)/(1 + exp(-x))^2"), "-exp(-x)/(1+exp(-x))^2", "They cancel"),
    "sigmoid-slope-max": (("0.25", "¼"), "0.5", "½ is σ(0)"),
    "sigmoid-chain": (("3σ(3x)(1 − σ(3x))", "3*sigmoid(3*x)*(1 - sigmoid(3*x))"), "σ(3x)(1 − σ(3x))", "inner derivative d(3x)/dx = 3"),
    "tanh-derivative": (("1 - tanh(x)^2", "1/cosh(x)^2"), "1 - tanh(x)", "Square it"),
    "tanh-from-sigmoid": (("4σ(2x)(1 − σ(2x))", "1 − tanh²(x)"), "2σ(2x)(1 − σ(2x))", "brings a second one"),
    "sigmoid-vs-tanh": (("higher", "1"), "lower", "The engine ran"),
    "relu-kink": (("a", "0"), "1", "1 is the slope from the right"),
    "rrelu-eval-slope": (("0.229", "11/48"), "2/11", "the paper's test-time slope"),
    "slope-at-most-one": (("a, b, c, d", "d c b a"), "a b c d e", "Not SiLU"),
    # lessons/04-backprop.md
    "bce-delta": (("a - y", "−(y − a)"), "(a - y) a (1 - a)", "the quadratic cost's δᴸ"),
    "gradient-shape": (("a", "(3, 5)"), "c", "one row per example"),
    "hidden-delta": (("0.014996", "0.138499 · 0.45 · 0.596884 · 0.403116"), "0.0623", "also multiplies by σ′(z¹₂)"),
    "hidden-weight-gradient": (("0.0015", "0.10 · 0.014996"), "0.05 · 0.014996", "That is x₁·δ¹₂"),
    "tanh-bce-delta": (("-0.2058", "−0.490020·(1 − 0.761594²)"), "-0.49", "tanh′(z¹₁) = 1 − (a¹₁)²"),
    "xor-lr-50": (("stalls", "2"), "diverges", "The engine ran"),
    "sine-lr-2": (("diverges", "3"), "converges", "The engine ran"),
    # lessons/06-learning-rate.md
    "lr-in-backprop": (("d", "none of them"), "c", "η multiplies them only in the step"),
    "delta-at-eta-5": (("-0.2018", "-0.28353·(1 − 0.537²)"), "-1.009", "That is η·δ¹₁"),
    "epoch-1-deltas": (("c", "the same"), "a", "η does not scale δ"),
    "flow-time": (("k*eta", "η·k"), "k/eta", "covers more time per step"),
    "same-time-predict": (("converges", "1"), "stalls", "The engine ran it"),
    "eta-50-predict": (("higher", "1"), "lower", "The engine ran both"),
    "why-hidden-deltas-vanish": (("b", "the hidden tanh units are saturated, so tanh′(z¹) ≈ 0 in BP2"), "a",
                                 "η is in no equation of backpropagation"),
    "fastest-lr-predict": (("0.2", "b"), "2", "lr 2 never"),   # a typed number is η, never a position
    "edge-factor": (("-1.2", "1 - 0.2*11"), "1.2", "The sign"),
}

MY_LESSONS = ("derivatives", "gradient-descent", "activations", "backprop", "learning-rate")


def quiz(quiz_id: str):
    return next(q for lesson in COURSE.lessons for q in lesson.quizzes if q.id == quiz_id)


def test_the_table_covers_every_quiz_of_its_lessons():
    ids = [q.id for lesson_id in MY_LESSONS for q in COURSE.lesson(lesson_id).quizzes]
    assert sorted(ids) == sorted(LEARNER)


@pytest.mark.parametrize("quiz_id", list(LEARNER))
def test_right_in_two_notations_and_wrong_in_the_typical_way(quiz_id):
    answer_as_a_learner(quiz(quiz_id), LEARNER[quiz_id])


def test_every_lesson_names_mistakes():
    for lesson_id in MY_LESSONS:
        assert any(q.mistakes for q in COURSE.lesson(lesson_id).quizzes), lesson_id


def _typed(mistake) -> str:
    return mistake.answer if mistake.value is None else f"{mistake.value:.6g}"


@pytest.mark.parametrize("q", [q for lesson in COURSE.lessons for q in lesson.quizzes if q.mistakes],
                         ids=lambda q: q.id)
def test_every_named_mistake_of_the_course_gets_its_own_feedback(q):
    for mistake in q.mistakes:
        verdict = check_answer(q, _typed(mistake))
        assert not verdict.correct and verdict.understood
        assert mistake.feedback in verdict.feedback, (mistake.answer, verdict.feedback)


@pytest.mark.parametrize("lesson_id", MY_LESSONS)
def test_tutor_quiz_wrong_then_right_solves_every_quiz(lesson_id, tmp_path, monkeypatch, capsys):
    solve_with_tutor_quiz(lesson_id, LEARNER, monkeypatch, tmp_path, capsys)
