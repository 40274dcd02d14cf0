"""Choices labelled with letters, picked by their letter key, and the author's expected
mistakes with their feedback, in the app (issue 14)."""
from __future__ import annotations

import time

from textual.widgets import Input, RadioButton, RadioSet, SelectionList
from tutor_fixtures import settle, wait_for_course

from tutor.app import TutorApp
from tutor.progress import Progress
from tutor.screens.lesson import LessonScreen
from tutor.widgets.quiz import QuizWidget

LESSON = '''+++
id = "kinks"
title = "Kinks"
requires = []
+++
# Kinks

```quiz
id = "chain"
kind = "derivative"
prompt = "Differentiate sin(x²)."
function = "sin(x^2)"
mistakes = [{answer = "cos(x^2)", feedback = "The outer derivative is right; the inner one, 2x, is missing."}]
explanation = "cos(x²)·2x."
```

```quiz
id = "kink"
kind = "choice"
prompt = "What value does the engine use for relu′(0)?"
choices = ["relu′(0) = 0", "relu′(0) = 1", "relu′(0) = ½"]
answer = "a"
mistakes = [{answer = "b", feedback = "1 is the slope from the right; the engine computes (z > 0)."}]
explanation = "0, as PyTorch does."
```

```quiz
id = "both"
kind = "choice"
prompt = "Which slopes are at most 1?"
choices = ["sigmoid", "tanh", "SiLU"]
answer = ["a", "b"]
explanation = "SiLU′ reaches 1.0998."
```
'''


async def open_lesson(tmp_path, pilot, app) -> LessonScreen:
    await wait_for_course(app, pilot)
    await pilot.press("enter")
    end = time.monotonic() + 30
    while not isinstance(app.screen, LessonScreen) and time.monotonic() < end:
        await pilot.pause()
    await settle(app, pilot)
    return app.screen


def make_app(tmp_path) -> TutorApp:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-kinks.md").write_text(LESSON, encoding="utf-8")
    return TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)


def feedback(widget: QuizWidget) -> str:
    return str(widget.query_one(".quiz-feedback").render()).strip()


async def test_choices_show_letters_and_a_letter_key_answers(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(tmp_path, pilot, app)
        kink = screen.query_one("#quiz-kink", QuizWidget)
        labels = [str(button.label) for button in kink.query(RadioButton)]
        assert labels == ["a. relu′(0) = 0", "b. relu′(0) = 1", "c. relu′(0) = ½"]
        kink.query_one(RadioSet).focus()
        await pilot.press("b")  # the learner who thinks relu′(0) = 1
        await settle(app, pilot)
        assert not kink.solved
        assert feedback(kink) == ("✗ Not yet. Not choice b. 1 is the slope from the right; the engine "
                                  "computes (z > 0). Try again.")
        assert isinstance(app.screen, LessonScreen)  # the letter did not reach the screen's keys
        await pilot.press("a")
        await settle(app, pilot)
        assert kink.solved and feedback(kink) == "✓ Right. Choice a."

        both = screen.query_one("#quiz-both", QuizWidget)
        ticks = both.query_one(SelectionList)
        assert [str(ticks.get_option_at_index(n).prompt) for n in range(3)] == ["a. sigmoid", "b. tanh", "c. SiLU"]
        ticks.focus()
        await pilot.press("a", "b", "enter")
        await settle(app, pilot)
        assert both.solved and feedback(both) == "✓ Right. Choices a and b."
    with Progress(tmp_path / "progress.db") as store:
        assert [(a.quiz_id, a.text, a.correct) for a in store.answers("kinks")] == [
            ("kink", "b", False), ("kink", "a", True), ("both", "a, b", True)]


async def test_an_expected_mistake_gets_the_authors_feedback(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(tmp_path, pilot, app)
        chain = screen.query_one("#quiz-chain", QuizWidget)
        field = chain.query_one(Input)
        field.focus()
        await pilot.press(*"cos(x^2)", "enter")
        await settle(app, pilot)
        assert feedback(chain) == ("✗ Not yet. Read as: cos(x²). The outer derivative is right; the inner "
                                   "one, 2x, is missing. Try again.")
        field.value = ""
        await pilot.press(*"sin(x^2)", "enter")  # a slip the author did not name: the judge's own words
        await settle(app, pilot)
        assert "2x, is missing" not in feedback(chain) and feedback(chain).startswith("✗ Not yet. Read as: sin(x²).")
        field.value = ""
        await pilot.press(*"2x cos(x^2)", "enter")
        await settle(app, pilot)
        assert chain.solved
