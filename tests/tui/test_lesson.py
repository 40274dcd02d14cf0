"""The lesson screen: live quizzes, saved answers, hints, lab cards, engine source, moving around."""
from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, RadioSet
from lab_fixtures import lab_screen, on_screen, until
from tutor_fixtures import feedback_text, screen_text, settle, until_judged, wait_for_course, write_lessons

from tutor.app import TutorApp
from tutor.progress import Progress
from tutor.screens.home import HomeScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.lesson_blocks import EngineSource, LabCard
from tutor.widgets.quiz import QuizWidget


@pytest.fixture
def progress_path(tmp_path):
    return tmp_path / "progress.db"


@pytest.fixture
def make_app(tmp_path, progress_path):
    lessons = write_lessons(tmp_path / "lessons")
    return lambda: TutorApp(progress_path=progress_path, lessons_dir=lessons)


def saved_answers(path, lesson_id="good"):
    with Progress(path) as store:
        return [(a.quiz_id, a.text, a.correct) for a in store.answers(lesson_id)]


async def open_good_lesson(app, pilot) -> LessonScreen:
    """From the course map, with the keyboard: the first lesson is highlighted; Enter opens it."""
    await wait_for_course(app, pilot)
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("enter")
    await on_screen(app, pilot, LessonScreen)
    await settle(app, pilot)
    assert isinstance(app.screen, LessonScreen)
    assert app.screen.lesson.id == "good"
    return app.screen


def body_scrolled_to_top(screen) -> bool:
    return screen.query_one("#lesson-body").scroll_offset.y == 0


def quiz(screen, quiz_id) -> QuizWidget:
    return screen.query_one(f"#quiz-{quiz_id}", QuizWidget)


async def answer(app, pilot, widget: QuizWidget, text: str) -> None:
    """Type into the quiz's field and press Enter, as a learner does."""
    field = widget.query_one(Input)
    field.focus()
    field.value = ""
    before = feedback_text(widget)
    await pilot.press(*text, "enter")
    await until_judged(app, pilot, widget, before)


async def test_derivative_quiz_hints_unreadable_wrong_and_right_answers(make_app, progress_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        cube = quiz(screen, "cube")

        # Hints come one at a time.
        hint_button = cube.query_one(".quiz-hint", Button)
        hints = cube.query_one(".quiz-hints")
        assert not hints.display
        hint_button.press()
        await pilot.pause()
        shown = str(hints.render())
        assert "Hint 1/2" in shown and "Expand" in shown and "Hint 2/2" not in shown
        hint_button.press()
        await pilot.pause()
        assert "The power rule" in str(hints.render())
        assert hint_button.disabled

        # Text the judge cannot read is explained, and is not an attempt.
        await answer(app, pilot, cube, "3*x^^2")
        assert not cube.solved and not cube.has_class("-wrong")
        assert str(cube.query_one(".quiz-feedback").render()).strip()

        await answer(app, pilot, cube, "3*x")
        assert not cube.solved and cube.has_class("-wrong")
        assert "Not yet" in str(cube.query_one(".quiz-feedback").render())
        await answer(app, pilot, cube, "3x^2")
        assert cube.solved and cube.has_class("-solved")
        assert "Right" in str(cube.query_one(".quiz-feedback").render())
        assert "power rule" in str(cube.query_one(".quiz-explanation").render())
        assert "Right" in screen_text(app)
    assert saved_answers(progress_path) == [("cube", "3*x", False), ("cube", "3x^2", True)]


async def test_choice_quiz_and_completing_the_lesson(make_app, progress_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        await answer(app, pilot, quiz(screen, "cube"), "3*x^2")
        assert not app.progress.is_complete("good")

        pick = quiz(screen, "pick")
        radios = pick.query_one(RadioSet)
        screen.query_one("#lesson-body").scroll_to_widget(pick, animate=False)
        await pilot.pause()
        await pilot.click(radios.query("RadioButton")[0])  # a click on a choice answers with it
        await settle(app, pilot)
        assert not pick.solved and not app.progress.is_complete("good")
        await pilot.click(radios.query("RadioButton")[1])
        assert radios.pressed_index == 1, radios.pressed_index
        await settle(app, pilot)
        assert pick.solved
        assert app.progress.is_complete("good")
        assert "Lesson complete" in str(screen.query_one("#lesson-end").render())

        cube_field = quiz(screen, "cube").query_one(Input)
        cube_field.focus()
        await pilot.press("escape")  # the first Escape leaves the answer field...
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and not cube_field.has_focus
        await pilot.press("escape")  # ...the second the lesson
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "✓" in str(app.screen.query_one("#lessons").get_option_at_index(0).prompt)
    assert saved_answers(progress_path) == [("cube", "3*x^2", True), ("pick", "a", False), ("pick", "b", True)]


async def test_giving_up_a_solved_quiz_restored_and_the_engine_source(make_app, progress_path):
    import inspect

    import engine.activations

    with Progress(progress_path) as store:  # solved in an earlier visit
        store.record_answer("good", "pick", "2", True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        pick = quiz(screen, "pick")
        assert pick.solved and pick.has_class("-solved")
        assert body_scrolled_to_top(screen)  # a restored quiz does not pull the page down to it

        cube = quiz(screen, "cube")
        assert not cube.solved
        before = feedback_text(cube)
        cube.query_one(".quiz-giveup", Button).press()
        await until_judged(app, pilot, cube, before)
        assert cube.revealed and not cube.solved
        assert "The answer" in str(cube.query_one(".quiz-feedback").render())
        assert cube.query_one(".quiz-explanation").display

        block = screen.query_one(EngineSource)
        shown = str(block.query_one(".engine-code").render())
        first_line = inspect.getsource(engine.activations.Sigmoid).splitlines()[0].strip()
        assert first_line in shown


async def test_every_quiz_answers_from_the_keyboard_alone(make_app, progress_path):
    """Down then Enter on a choice quiz answers with the highlighted choice (it used to
    tick it and say nothing); Enter on an already ticked choice answers again."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        await pilot.press("j", "escape", "j")  # the second quiz, its choices focused
        await pilot.pause()
        pick = quiz(screen, "pick")
        assert app.focused is pick.query_one(RadioSet)
        await pilot.press("enter")  # the first choice (highlighted when focused): wrong
        await settle(app, pilot)
        assert "✗ Not yet" in str(pick.query_one(".quiz-feedback").render()) and not pick.solved
        await pilot.press("enter")  # the same again: judged again, not ignored
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert pick.solved
        assert str(pick.query_one(".quiz-feedback").render()).strip() == "✓ Right. Choice b."
        # The buttons keep the focus: Tab, Enter on the last hint, and on Show answer.
        cube = quiz(screen, "cube")
        hint = cube.query_one(".quiz-hint", Button)
        for shown in (1, 2):
            # A Button ignores a press while its 0.2 s press effect (class -active) lasts.
            await until(pilot, lambda: not hint.has_class("-active"), "the hint button's press effect to end")
            hint.focus()
            await pilot.press("enter")
            await until(pilot, lambda: cube.hints_shown == shown, f"hint {shown} to show")
        assert app.focused is cube.query_one(Input)
        giveup = cube.query_one(".quiz-giveup", Button)
        giveup.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert cube.status == "answer shown" and app.focused is giveup
    assert saved_answers(progress_path) == [("pick", "a", False), ("pick", "a", False), ("pick", "b", True)]


async def test_a_wrong_answer_after_a_right_one_is_a_try_and_the_quiz_stays_solved(make_app, progress_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        cube = quiz(screen, "cube")
        await answer(app, pilot, cube, "3x^2")
        await answer(app, pilot, cube, "3x")
        feedback = str(cube.query_one(".quiz-feedback").render())
        assert "Not this one" in feedback and "stays solved" in feedback and "Not yet" not in feedback
        assert cube.solved and cube.has_class("-solved") and not cube.has_class("-wrong")
        assert cube.border_subtitle == "solved"
        toc = screen.query_one("#toc")
        labels = [str(toc.get_option_at_index(i).prompt) for i in range(toc.option_count)]
        assert any(label.strip().startswith("✓ Quiz 1") for label in labels)
        assert "1 of 2 quizzes solved" in str(screen.query_one("#lesson-end").render())
    with Progress(progress_path) as store:
        assert store.quiz_status("good") == {"cube": True}


async def test_a_shown_answer_retyped_does_not_solve_the_quiz_or_finish_the_lesson(make_app, progress_path):
    with Progress(progress_path) as store:
        store.record_answer("good", "cube", "3x^2", True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        pick = quiz(screen, "pick")
        before = feedback_text(pick)
        pick.query_one(".quiz-giveup", Button).press()
        await until_judged(app, pilot, pick, before)
        assert pick.status == "answer shown" and pick.border_subtitle == "answer shown"
        pick.focus_answer()
        await pilot.pause()
        await pilot.press("down", "enter")  # the shown answer, retyped
        await settle(app, pilot)
        feedback = str(pick.query_one(".quiz-feedback").render())
        assert "does not solve" in feedback and not pick.solved
        assert not app.progress.is_complete("good")
        assert "Lesson complete" not in str(screen.query_one("#lesson-end").render())
        await pilot.press("t")
        await pilot.pause()
        toc = screen.query_one("#toc")
        labels = [str(toc.get_option_at_index(i).prompt).strip() for i in range(toc.option_count)]
        assert "◐ Quiz 2\n    (answer shown)\n    Which one is the\n    second?" in labels
    with Progress(progress_path) as store:
        state = store.quiz_states("good")["pick"]
        assert state.status == "answer shown" and store.answers("good")[-1].after_reveal
    app = make_app()  # the next visit remembers it
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        app.open_lesson("good")
        screen = await on_screen(app, pilot, LessonScreen)
        await settle(app, pilot)
        assert quiz(screen, "pick").status == "answer shown"
        assert "◐" in str(app.screen.query_one("#toc").get_option_at_index(4).prompt)


async def test_hints_used_are_kept_across_visits(make_app, progress_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        quiz(screen, "cube").query_one(".quiz-hint", Button).press()
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        cube = quiz(screen, "cube")
        assert cube.hints_shown == 1 and "Hint 1/2" in str(cube.query_one(".quiz-hints").render())
        assert str(cube.query_one(".quiz-hint", Button).label) == "Hint (1 left)"


async def test_lab_card_opens_the_lab_with_that_run(make_app):
    from tutor.screens.lab import LabScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        card = screen.query_one(LabCard)
        assert "XOR with three hidden units" in card.border_title
        card.query_one(".lab-open", Button).press()
        lab = await lab_screen(app, pilot)
        assert isinstance(app.screen, LabScreen)
        config = app.screen.initial_config
        assert config.layers == (2, 3, 1) and config.lr == 2.0 and config.epochs == 500 and config.seed == 3
        depth = len(app.screen_stack)
        app.open_lab(config.__class__(lr=0.1))  # another run replaces this Lab, never stacks on it
        await until(pilot, lambda: app.screen is not lab, "the new Lab")
        await lab_screen(app, pilot)
        assert len(app.screen_stack) == depth and app.screen.initial_config.lr == 0.1


async def test_next_previous_contents_and_resizing(make_app, progress_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_good_lesson(app, pilot)
        await pilot.press("j")  # the next quiz: scrolled to, its answer field focused
        await pilot.pause()
        assert app.focused is quiz(screen, "cube").query_one(Input)
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.query_one("#toc").display  # narrow: contents hidden until asked for
        await pilot.press("t")
        await pilot.pause()
        toc = screen.query_one("#toc")
        assert toc.display and toc.has_focus
        labels = [str(toc.get_option_at_index(i).prompt).strip() for i in range(toc.option_count)]
        # Each quiz entry says its state and the start of its prompt.
        quiz_2 = "? Quiz 2\n    Which one is the\n    second?"
        assert "Choices" in labels and quiz_2 in labels
        body = screen.query_one("#lesson-body")
        toc.highlighted = labels.index(quiz_2)
        await pilot.press("enter")
        await pilot.pause()
        assert body.scroll_offset.y > 0
        assert not toc.display
        # The keyboard went where the page went: the choices of quiz 2.
        assert app.focused is quiz(screen, "pick").query_one(RadioSet)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "next"
        await pilot.press("p")
        await settle(app, pilot)
        assert app.screen.lesson.id == "good"
        assert len(app.screen_stack) == 3  # default, home, one lesson: moving never piles up screens

        # Wide enough, the contents sit beside the lesson; t hides them.
        await pilot.resize_terminal(120, 36)
        toc, body = app.screen.query_one("#toc"), app.screen.query_one("#lesson-body")
        await until(pilot, lambda: toc.display and toc.region.width and toc.region.right <= body.region.x,
                    "the contents beside the lesson")
        await pilot.press("t")
        await pilot.pause()
        assert not toc.display
    with Progress(progress_path) as store:
        assert store.last_lesson() == "good"


ENGINE_LESSON = '''+++
id = "engine"
title = "One unit by hand"
requires = []
+++
# One unit by hand

```quiz
id = "delta"
kind = "numeric"
prompt = "Compute δ of the output unit."
quantity = "output_delta"
hints = ["BP1: δ = (a − y)·σ′(z)."]
explanation = "δ = (σ(0.5) − 1)·σ′(0.5)."
[engine]
sizes = [1, 1]
activation = "sigmoid"
output = "sigmoid"
loss = "mse"
weights = [[[0.5]]]
biases = [[0.0]]
input = [1.0]
target = [1.0]
```
'''


async def test_a_shown_numeric_answer_is_earned_back_with_new_numbers(tmp_path, progress_path):
    lessons = tmp_path / "engine-lessons"
    lessons.mkdir()
    (lessons / "01-engine.md").write_text(ENGINE_LESSON, encoding="utf-8")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        await pilot.press("enter")
        await on_screen(app, pilot, LessonScreen, "#quiz-delta")
        await settle(app, pilot)
        delta = quiz(app.screen, "delta")
        shown_value = delta.quiz.spec.expected
        before = feedback_text(delta)
        delta.query_one(".quiz-giveup", Button).press()
        await until_judged(app, pilot, delta, before)
        assert delta.status == "answer shown"
        await answer(app, pilot, delta, f"{shown_value:.6f}")
        assert not delta.solved and "does not solve" in str(delta.query_one(".quiz-feedback").render())
        fresh = delta.query_one(".quiz-fresh", Button)
        assert fresh.display and str(fresh.label) == "New numbers"
        fresh.press()
        await until(pilot, lambda: delta.variant == 1 and isinstance(app.focused, Input)
                    and delta in app.focused.ancestors, "the new numbers")
        await settle(app, pilot)
        assert delta.variant == 1 and delta.quiz.spec.expected != shown_value
        assert app.focused is delta.query_one(Input)
        await answer(app, pilot, delta, f"{shown_value:.6f}")  # the old value is wrong now
        assert not delta.solved
        await answer(app, pilot, delta, f"{delta.quiz.spec.expected:.6f}")
        assert delta.solved and delta.border_subtitle == "solved"
        assert app.progress.is_complete("engine")
    with Progress(progress_path) as store:
        assert [(a.variant, a.correct, a.after_reveal) for a in store.answers("engine")] == [
            (0, True, True), (1, False, False), (1, True, False)]


PREDICT_LESSON = (Path(__file__).resolve().parents[1] / "samples" / "predict" / "01-guess.md").read_text(
    encoding="utf-8")  # a predict quiz that stalls (tests/tutor/test_cli_quiz.py uses it too)


async def test_a_wrong_prediction_shows_the_run_counts_as_shown_and_offers_a_new_seed(tmp_path, progress_path):
    from tutor.course.runs import predict_truth

    lessons = tmp_path / "guess-lessons"
    lessons.mkdir()
    (lessons / "01-guess.md").write_text(PREDICT_LESSON, encoding="utf-8")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        await pilot.press("enter")
        await on_screen(app, pilot, LessonScreen, "#quiz-stall")
        await settle(app, pilot)
        stall = quiz(app.screen, "stall")
        choices = list(stall.quiz.spec.choices)
        truth = predict_truth(stall.quiz.spec)[0]
        wrong = next(c for c in choices if c != truth)
        stall.query_one(RadioSet).query("RadioButton")[choices.index(wrong)].value = True
        await settle(app, pilot)
        feedback = str(stall.query_one(".quiz-feedback").render())
        assert "The engine ran it" in feedback and "answer shown" in feedback
        assert stall.status == "answer shown" and stall.query_one(".quiz-fresh", Button).display
        stall.query_one(RadioSet).query("RadioButton")[choices.index(truth)].value = True  # retyped
        await settle(app, pilot)
        assert not stall.solved
        stall.query_one(".quiz-fresh", Button).press()
        await settle(app, pilot)
        assert stall.quiz.spec.lab.seed == 1 and "seed 1" in str(stall.query_one(".quiz-context").render())
        fresh_truth = predict_truth(stall.quiz.spec)[0]
        stall.query_one(RadioSet).query("RadioButton")[choices.index(fresh_truth)].value = True
        await settle(app, pilot)
        assert stall.solved and app.progress.is_complete("guess")
