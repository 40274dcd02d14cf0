"""Every quiz of lessons 05, 08 and 09 answered as a learner would: right in two
notations, and wrong in the way the lesson expects, with the lesson's own feedback."""
from __future__ import annotations

import pytest
from conftest import lesson

from tutor.course.answers import check_answer

# (lesson, quiz id, two right answers, a typical wrong answer, words of its feedback)
ANSWERS = [
    ("loss-functions", "mse-sigmoid-delta", ["(a-y)*a*(1-a)", "a(1 − a)(a − y)"], "a - y", "∂C/∂a alone"),
    ("loss-functions", "slow-neuron-delta", ["0.01734", "0.982*0.01766"], "0.982", "a − y alone"),
    ("loss-functions", "slow-neuron-predict", ["stalls", "2"], "converges", "it stalls"),
    ("loss-functions", "cross-entropy-slope", ["σ(z)", "1/(1 + e^(-z))"], "1/(1 - sigmoid(z))", "∂C/∂a"),
    ("loss-functions", "fast-neuron-predict", ["converges", "1"], "stalls", "so it converges"),
    ("loss-functions", "slowdown-factor", ["48", "1/(0.9787*0.0213)"], "0.0208", "σ′(z) = a(1 − a) itself"),
    ("loss-functions", "softmax-cross-derivative", ["-a1*a2", "−a₁·a₂"], "a1*(1 - a1)", "diagonal"),
    ("loss-functions", "softmax-delta", ["-0.7405", "0.2595 - 1"], "0.7405", "sign is flipped"),
    ("loss-functions", "delta-is-a-minus-y", ["b, c, d", "d c b"], "b, d", "Also c"),
    ("initialisation", "zero-init-loss", ["0.6931", "ln 2"], "0.5", "not the loss"),
    ("initialisation", "zero-init-predict", ["stalls", "2"], "converges", "so it stalls"),
    ("initialisation", "variance-of-z", ["n*v*q", "q v n"], "n*v", "E[a²] is missing"),
    ("initialisation", "he-std", ["0.25", "√(2/32)"], "0.0625", "square root"),
    ("initialisation", "deep-relu-he-predict", ["lower", "2"], "higher", "so it is lower"),
    ("initialisation", "deep-relu-normal-predict", ["diverges", "3"], "stalls", "so it diverges"),
    ("initialisation", "which-init", ["c", "He: Var(w) = 2/n_in"], "b", "halves Var(z)"),
    ("stuck-networks", "seed-9-predict", ["stalls", "2"], "converges", "so it stalls"),
    ("stuck-networks", "shared-output-slope", ["2a - 1", "a + (a − 1)"], "2*a + 2*(a - 1)", "Twice the right answer"),
    ("stuck-networks", "plateau-loss", ["0.0625", "1/16"], "0.25", "divide by 4"),
    ("stuck-networks", "wider-predict", ["lower", "2"], "higher", "so it is lower"),
    ("stuck-networks", "plateau-or-minimum", ["b", "a saturation plateau: hidden units are saturated and the weights drift outwards"], "a", "weights keep growing"),
]


def test_every_quiz_of_the_three_lessons_is_here():
    asked = {(lesson_id, quiz_id) for lesson_id, quiz_id, *_ in ANSWERS}
    assert asked == {(lesson_id, quiz.id) for lesson_id in ("loss-functions", "initialisation", "stuck-networks")
                     for quiz in lesson(lesson_id).quizzes}


@pytest.mark.parametrize("lesson_id, quiz_id, rights, wrong, feedback", ANSWERS,
                         ids=[quiz_id for _, quiz_id, *_ in ANSWERS])
def test_right_in_two_notations_and_wrong_the_expected_way(lesson_id, quiz_id, rights, wrong, feedback):
    quiz = lesson(lesson_id).quiz(quiz_id)
    assert quiz.hints and quiz.explanation
    for right in rights:
        verdict = check_answer(quiz, right)
        assert verdict.correct, (right, verdict.feedback)
    verdict = check_answer(quiz, wrong)
    assert not verdict.correct and feedback in verdict.feedback, verdict.feedback
