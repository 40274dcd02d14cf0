"""The shipped course in the app, answered as a learner would: a typical wrong answer gets
the feedback its lesson wrote, then a right one solves the quiz (issue 14). Typed answers
go in the field, choices by their letter keys, predictions by a click."""
from __future__ import annotations

import pytest
from textual.widgets import Input, RadioButton
from lab_fixtures import on_screen
from tutor_fixtures import settle, wait_for_course

from tutor.app import TutorApp
from tutor.screens.lesson import LessonScreen
from tutor.widgets.quiz import ChoiceButtons, ChoiceTicks, QuizWidget

# lesson id: [(quiz id, wrong answer or None, words of its feedback, right answer)]
TRIES = {
    "derivatives": [
        ("chain-sin", "cos(x^2)", "multiply by the inner derivative", "cos(x²)·2x"),
        ("centered-order", "a", "That is the forward difference", "b"),
        ("multivariable-chain", "6t", "the path through v alone", "6t - 2 sin(t) cos(t)"),
    ],
    "gradient-descent": [
        ("gd-quadratic-step", "(1 + ηλ)w", "with a minus", "(1 − ηλ)w"),
        ("gd-gradient", "-1.2449", "σ′(z) = a(1 − a) is missing", "-0.2926"),
        ("gd-regime", "d", "Growth needs η > 2/λ", "c"),
        ("gd-sine-below", None, "", "converges"),
    ],
    "activations": [
        ("sigmoid-slope-max", "0.5", "½ is σ(0)", "1/4"),
        ("relu-kink", "b", "1 is the slope from the right", "a"),
        ("slope-at-most-one", "abcde", "Not SiLU", "e"),  # the second press unticks e
        ("sigmoid-vs-tanh", None, "", "higher"),
    ],
    "backprop": [
        ("hidden-weight-gradient", "0.05*0.014996", "That is x₁·δ¹₂", "0.10*0.014996"),
        ("bce-delta", "(a-y)a(1-a)", "the quadratic cost's δᴸ", "a - y"),
        ("gradient-shape", "c", "one row per example", "a"),
    ],
    "learning-rate": [
        ("lr-in-backprop", "c", "η multiplies them only in the step", "d"),
        ("delta-at-eta-5", "-1.009", "That is η·δ¹₁", "-0.2018"),
        ("flow-time", "k/η", "covers more time per step", "η·k"),
        ("eta-50-predict", None, "", "higher"),
        ("fastest-lr-predict", None, "", "lr 0.2"),   # the 2nd button: read as lr 2 if sent as "2"
        ("edge-factor", "1.2", "The sign", "1 − 0.2·11"),
    ],
}


async def give(app, pilot, widget: QuizWidget, text: str) -> str:
    """Answer as the learner would and return the feedback shown."""
    if widget.typed:
        field = widget.query_one(Input)
        field.focus()
        field.value = text
        await pilot.press("enter")
    elif widget.quiz.kind == "predict":
        widget.query(RadioButton)[list(widget.quiz.spec.choices).index(text)].value = True
    elif widget.quiz.spec.multiple:
        widget.query_one(ChoiceTicks).focus()
        await pilot.press(*text, "enter")
    else:
        widget.query_one(ChoiceButtons).focus()
        await pilot.press(text)
    await pilot.pause()
    await settle(app, pilot)
    return str(widget.query_one(".quiz-feedback").render())


@pytest.mark.parametrize("lesson_id", list(TRIES))
async def test_a_typical_slip_gets_its_lessons_feedback_then_a_right_answer_solves(lesson_id, tmp_path):
    app = TutorApp(progress_path=tmp_path / "progress.db")  # the real lessons
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_course(app, pilot)
        assert not app.course.problems, app.course.problems
        app.open_lesson(lesson_id)
        await on_screen(app, pilot, LessonScreen, QuizWidget)
        await settle(app, pilot)
        for quiz_id, wrong, words, right in TRIES[lesson_id]:
            widget = app.screen.query_one(f"#quiz-{quiz_id}", QuizWidget)
            app.screen.query_one("#lesson-body").scroll_to_widget(widget, animate=False)
            await pilot.pause()
            if wrong is not None:
                shown = await give(app, pilot, widget, wrong)
                assert "✗ Not yet." in shown and words in shown, (quiz_id, shown)
                assert not widget.solved
            shown = await give(app, pilot, widget, right)
            assert widget.solved, (quiz_id, shown)


async def test_clicking_lr_2_in_a_learning_rate_prediction_is_judged_as_lr_2(tmp_path):
    app = TutorApp(progress_path=tmp_path / "progress.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_course(app, pilot)
        app.open_lesson("learning-rate")
        await settle(app, pilot)
        widget = app.screen.query_one("#quiz-fastest-lr-predict", QuizWidget)
        app.screen.query_one("#lesson-body").scroll_to_widget(widget, animate=False)
        await pilot.pause()
        shown = await give(app, pilot, widget, "lr 2")
        assert "✗" in shown and "lr 2 never" in shown and not widget.solved, shown
