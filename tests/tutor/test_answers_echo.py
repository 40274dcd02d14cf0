"""Answers a learner types are never echoed to the terminal with their control characters."""
from __future__ import annotations

import pytest

from tutor.course.answers import check_answer
from tutor.course.loader import Depth, load_course

QUIZZES = [quiz for lesson in load_course(depth=Depth.MATH).lessons for quiz in lesson.quizzes]
HOSTILE = ["\x1b]2;PWNED\x07", "x\x1b[2J", "1\x9b31m", "conv\x1b]2;x\x07", "0.5\x07"]


@pytest.mark.parametrize("kind", sorted({quiz.kind for quiz in QUIZZES}))
def test_feedback_on_an_answer_with_escape_sequences_holds_no_control_characters(kind):
    quiz = next(quiz for quiz in QUIZZES if quiz.kind == kind)
    for text in HOSTILE:
        verdict = check_answer(quiz, text)
        shown = verdict.feedback + verdict.reading
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in shown), (kind, text)
        assert not verdict.correct
