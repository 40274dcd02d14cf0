"""lessons/06-learning-rate.md in the app, answered as a learner would: typed slips get the
lesson's feedback, and the predict quiz over learning rates (lr 0.05, lr 0.2, lr 2) judges
the button clicked, not a number read back as a learning rate."""
from __future__ import annotations

from test_course_as_a_learner import give
from tutor_fixtures import settle, wait_for_course

from tutor.app import TutorApp
from tutor.widgets.quiz import QuizWidget

# (quiz id, wrong answer or None, words of its feedback, right answer)
TRIES = [
    ("lr-in-backprop", "c", "η multiplies them only in the step", "d"),
    ("delta-at-eta-5", "-1.009", "That is η·δ¹₁", "-0.2018"),
    ("flow-time", "k/η", "covers more time per step", "η·k"),
    ("eta-50-predict", None, "", "higher"),
    ("fastest-lr-predict", None, "", "lr 0.2"),   # the 2nd button: read as lr 2 if sent as "2"
    ("edge-factor", "1.2", "The sign", "1 − 0.2·11"),
]


async def test_the_learning_rate_lesson_answered_in_the_app(tmp_path):
    app = TutorApp(progress_path=tmp_path / "progress.db")  # the real lessons
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_course(app, pilot)
        assert not app.course.problems, app.course.problems
        app.open_lesson("learning-rate")
        await settle(app, pilot)
        for quiz_id, wrong, words, right in TRIES:
            widget = app.screen.query_one(f"#quiz-{quiz_id}", QuizWidget)
            app.screen.query_one("#lesson-body").scroll_to_widget(widget, animate=False)
            await pilot.pause()
            if wrong is not None:
                shown = await give(app, pilot, widget, wrong)
                assert "✗ Not yet." in shown and words in shown, (quiz_id, shown)
                assert not widget.solved
            shown = await give(app, pilot, widget, right)
            assert widget.solved, (quiz_id, shown)


async def test_clicking_lr_2_is_a_wrong_prediction(tmp_path):
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
