"""A predict quiz over learning rates (choices "lr 0.05", "lr 0.2", "lr 2") reads a typed
number as a learning rate, never as a choice's position: a learner who believes η = 2
is fastest and types 2 must not be told "right" because "lr 0.2" is the second choice.
Such choices are lettered, as a choice quiz's are, in `tutor quiz` too."""
from __future__ import annotations

import pytest

from tutor.course.answers import check_answer, read_prediction
from tutor.course.display import answer_format, quiz_context
from tutor.course.loader import Depth, load_course

QUIZ = '''\
+++
id = "rates"
title = "T"
requires = []
+++
Prose.

```quiz
id = "which"
kind = "predict"
question = "compare"
measure = "fastest"
prompt = "Which learning rate gets the loss to 0.3 first?"
explanation = "E"
target_loss = 0.3
[lab]
dataset = "xor"
layers = [2, 4, 1]
epochs = 300
[compare]
lrs = [0.05, 0.2, 2]
```
'''


@pytest.fixture
def quiz(tmp_path):
    (tmp_path / "01-rates.md").write_text(QUIZ, encoding="utf-8")
    course = load_course(tmp_path, depth=Depth.MATH)
    assert list(course.problems) == []
    return course.lesson("rates").quiz("which")


def test_a_typed_number_is_the_learning_rate_not_the_position(quiz):
    spec = quiz.spec
    assert spec.choices == ("lr 0.05", "lr 0.2", "lr 2")
    assert read_prediction("2", spec.choices, spec.values) == "lr 2"      # was "lr 0.2", the 2nd choice
    assert read_prediction("0.2", spec.choices, spec.values) == "lr 0.2"  # was refused
    assert read_prediction("1/20", spec.choices, spec.values) == "lr 0.05"
    assert read_prediction("3", spec.choices, spec.values) is None        # no choice is lr 3


def test_letters_and_the_choice_text_pick_a_learning_rate(quiz):
    spec = quiz.spec
    assert read_prediction("b", spec.choices, spec.values) == "lr 0.2"
    assert read_prediction("C.", spec.choices, spec.values) == "lr 2"
    assert read_prediction("LR 0.05", spec.choices, spec.values) == "lr 0.05"
    assert read_prediction("d", spec.choices, spec.values) is None


def test_check_answer_judges_the_value_typed(quiz):
    typed_two = check_answer(quiz, "2")
    typed_tenth = check_answer(quiz, "0.2")
    assert typed_two.understood and typed_tenth.understood
    assert typed_two.correct != typed_tenth.correct          # two different predictions
    refused = check_answer(quiz, "7")
    assert not refused.understood and "letter" in refused.feedback


def test_tutor_quiz_shows_learning_rate_choices_with_letters(quiz):
    context = quiz_context(quiz)
    assert "  a. lr 0.05" in context and "  c. lr 2" in context
    assert not any(line.strip().startswith("1.") for line in context)
    assert "letter" in answer_format(quiz)
