"""The shipped course in the app: a predict quiz (the engine trains to judge) and a
choice quiz with several right answers (ticked in a selection list)."""
from __future__ import annotations

from textual.widgets import RadioSet, SelectionList
from lab_fixtures import on_screen
from tutor_fixtures import feedback_text, settle, until_judged, wait_for_course

from tutor.app import TutorApp
from tutor.progress import Progress
from tutor.screens.lesson import LessonScreen
from tutor.widgets.quiz import QuizWidget


async def test_predict_and_multiple_answer_quizzes_of_the_activations_lesson(tmp_path):
    app = TutorApp(progress_path=tmp_path / "progress.db")  # the real lessons
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_course(app, pilot)
        assert not app.course.problems, app.course.problems
        app.open_lesson("activations")
        await on_screen(app, pilot, LessonScreen, "#quiz-slope-at-most-one")
        await settle(app, pilot)

        predict = app.screen.query_one("#quiz-sigmoid-vs-tanh", QuizWidget)
        choices = list(predict.quiz.spec.choices)
        before = feedback_text(predict)
        predict.query_one(RadioSet).query("RadioButton")[choices.index("higher")].value = True  # answers
        await until_judged(app, pilot, predict, before)
        assert predict.solved
        assert "final loss" in str(predict.query_one(".quiz-feedback").render())  # what the engine measured

        several = app.screen.query_one("#quiz-slope-at-most-one", QuizWidget)
        ticks = several.query_one(SelectionList)
        for n in (0, 1, 2):
            ticks.select(n)
        several.check()
        await settle(app, pilot)
        assert not several.solved  # leaky ReLU is missing
        ticks.select(3)
        several.check()
        await settle(app, pilot)
        assert several.solved
    with Progress(tmp_path / "progress.db") as store:
        answers = [(a.quiz_id, a.text, a.correct) for a in store.answers("activations")]
    assert answers == [("sigmoid-vs-tanh", str(choices.index("higher") + 1), True),
                       ("slope-at-most-one", "a, b, c", False), ("slope-at-most-one", "a, b, c, d", True)]
