"""Every quiz of lessons/06-learning-rate.md answered as a learner would: right in two
notations, wrong in the way the lesson expects (getting its feedback), through
check_answer (what the app and `tutor quiz` both call) and through `tutor quiz` itself."""
from __future__ import annotations

import pytest
from conftest import lesson

from tutor.course.answers import check_answer

LESSON = "learning-rate"

# quiz id: (two right answers, a typical wrong answer, words of its feedback)
ANSWERS = {
    "lr-in-backprop": (("d", "none of them"), "c", "η multiplies them only in the step"),
    "delta-at-eta-5": (("-0.2018", "-0.28353·(1 − 0.537²)"), "-1.009", "That is η·δ¹₁"),
    "epoch-1-deltas": (("c", "the same"), "a", "η does not scale δ"),
    "flow-time": (("k*eta", "η·k"), "k/eta", "covers more time per step"),
    "same-time-predict": (("converges", "1"), "stalls", "The engine ran it"),
    "eta-50-predict": (("higher", "1"), "lower", "The engine ran both"),
    "why-hidden-deltas-vanish": (("b", "the hidden tanh units are saturated, so tanh′(z¹) ≈ 0 in BP2"), "a",
                                 "η is in no equation of backpropagation"),
    "fastest-lr-predict": (("0.2", "b"), "2", "lr 2 never"),   # a typed number is η, not a position
    "edge-factor": (("-1.2", "1 - 0.2*11"), "1.2", "The sign"),
}


def test_the_table_covers_every_quiz_of_the_lesson():
    assert sorted(quiz.id for quiz in lesson(LESSON).quizzes) == sorted(ANSWERS)


def test_the_lesson_asks_enough_and_of_the_right_kinds():
    quizzes = lesson(LESSON).quizzes
    kinds = [quiz.kind for quiz in quizzes]
    assert len(quizzes) >= 3 and {"expression", "numeric", "predict"} <= set(kinds)
    assert any(quiz.kind == "numeric" and quiz.spec.network is not None for quiz in quizzes)  # the engine's truth
    assert all(quiz.hints and quiz.explanation for quiz in quizzes)
    assert lesson(LESSON).labs and lesson(LESSON).compares


@pytest.mark.parametrize("quiz_id", list(ANSWERS))
def test_right_in_two_notations_and_wrong_the_expected_way(quiz_id):
    (first, second), wrong, words = ANSWERS[quiz_id]
    quiz = lesson(LESSON).quiz(quiz_id)
    for right in (first, second):
        verdict = check_answer(quiz, right)
        assert verdict.correct, (right, verdict.feedback)
    verdict = check_answer(quiz, wrong)
    assert not verdict.correct and words in verdict.feedback, verdict.feedback


def test_tutor_quiz_wrong_then_right_solves_the_lesson(tmp_path, monkeypatch, capsys):
    from tutor.cli import main

    monkeypatch.delenv("NN_TUTOR_LESSONS", raising=False)
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path))
    quizzes = lesson(LESSON).quizzes
    lines = []
    for quiz in quizzes:
        (right, _), wrong, _ = ANSWERS[quiz.id]
        lines += [right] if quiz.kind == "predict" else [wrong, right]  # a wrong prediction shows the answer
    remaining = list(lines)
    monkeypatch.setattr("builtins.input", lambda prompt="": remaining.pop(0))
    assert main(["quiz", LESSON]) == 0
    out = capsys.readouterr().out
    assert f"Score: {len(quizzes)} of {len(quizzes)} solved." in out and "Lesson complete." in out
    for quiz in quizzes:
        if quiz.kind != "predict":
            assert ANSWERS[quiz.id][2] in out, quiz.id
