"""Every quiz of lessons 11 (build your own network) and 12 (gradient checking) answered as
a learner would: right in two notations, wrong in the way the lesson expects (with the
lesson's own feedback), through check_answer and through `tutor quiz`."""
from __future__ import annotations

import pytest
from conftest import answer_as_a_learner, lesson, solve_with_tutor_quiz


# quiz id: (two right answers in different notations, a typical wrong answer, words of its feedback)
LEARNER = {
    # lessons/11-build-your-own-network.md
    "sigmoid-prime-at-2": (("0.105", "0.880797·(1 − 0.880797)"), "0.8808", "σ(2) itself"),
    "dense-z": (("1.2", "1·(−1) + 2·1 + 0.2"), "1", "without the bias"),
    "bce-delta-in-z": (("σ(z) − y", "exp(z)/(1 + exp(z)) - y"), "sigmoid(z)", "adds −y"),
    "bp2-product": (("b", "delta_next @ W_next.T"), "a", "use Wᵀ"),
    "batch-weight-gradient": (("-0.25", "(0·0.5 + 2·(−0.25))/2"), "-0.5", "divide by n"),
    "momentum-terminal": (("10", "1/(1 − 0.9)"), "1.9", "the series goes on"),
    "adam-no-correction": (("3.162", "0.1/√0.001"), "100", "without the square root"),
    # lessons/12-gradient-checking.md
    "centered-next-row": (("7.9e-9", "7.9e-7/100"), "7.9e-8", "forward difference's rate"),
    "best-h": (("(b/(2a))^(1/3)", "(0.5*b/a)^(1/3)"), "(b/a)^(1/3)", "not b/a"),
    "sign-relative-error": (("2", "2.0"), "0", "the directions do not"),
    "kink-slope": (("0.5", "1/2"), "0", "backprop's convention"),
}

LESSONS = ("build-your-own", "gradient-checking")


def quiz(quiz_id: str):
    return next(q for lesson_id in LESSONS for q in lesson(lesson_id).quizzes if q.id == quiz_id)


def test_the_table_covers_every_quiz_and_each_lesson_has_three_typed_ones():
    assert sorted(q.id for lesson_id in LESSONS for q in lesson(lesson_id).quizzes) == sorted(LEARNER)
    for lesson_id in LESSONS:
        typed = [q for q in lesson(lesson_id).quizzes if q.kind in ("derivative", "expression", "numeric")]
        assert len(typed) >= 3 and all(q.mistakes for q in typed), lesson_id
        assert lesson(lesson_id).labs, lesson_id


@pytest.mark.parametrize("quiz_id", list(LEARNER))
def test_right_in_two_notations_and_wrong_in_the_typical_way(quiz_id):
    answer_as_a_learner(quiz(quiz_id), LEARNER[quiz_id])


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_tutor_quiz_wrong_then_right_solves_every_quiz(lesson_id, tmp_path, monkeypatch, capsys):
    solve_with_tutor_quiz(lesson_id, LEARNER, monkeypatch, tmp_path, capsys)
