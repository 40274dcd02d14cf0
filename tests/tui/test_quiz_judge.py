"""The quiz widget and the judge: a deeply nested answer gets a verdict, and verdicts are not doubled."""
from __future__ import annotations

import asyncio
import time

from textual.widgets import Button, Input
from tutor_fixtures import wait_for_course, write_lessons

from tutor.app import TutorApp
from tutor.screens.lesson import LessonScreen
from tutor.widgets.quiz import QuizWidget


async def _feedback_after(app, pilot, widget: QuizWidget, text: str, deadline: float = 30.0) -> str:
    """Type `text`, press Enter, and poll until the feedback is no longer "Checking…"."""
    field = widget.query_one(Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    feedback = widget.query_one(".quiz-feedback")
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        await pilot.pause()
        shown = str(feedback.render())
        if shown.strip() and "Checking" not in shown:
            return shown
        await asyncio.sleep(0.05)
    return str(feedback.render())


async def _first_quiz(app, pilot) -> QuizWidget:
    """Open the first lesson from the course map and return its first quiz."""
    await wait_for_course(app, pilot)
    await pilot.press("enter")
    end = time.monotonic() + 30
    while not isinstance(app.screen, LessonScreen) and time.monotonic() < end:
        await pilot.pause()
    return app.screen.query_one("#quiz-cube", QuizWidget)


async def test_a_deeply_nested_answer_gets_a_verdict_and_verdicts_are_not_doubled(tmp_path):
    # Issue 11: e^e^…x 28 deep left "Checking…" on screen for ever (the judge's work doubled
    # per level). Issue 10: "✗ Not yet. Not yet." and "✓ Right. Correct.".
    lessons = write_lessons(tmp_path / "lessons")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(100, 30)) as pilot:
        cube = await _first_quiz(app, pilot)

        nested = await _feedback_after(app, pilot, cube, "e^" * 28 + "x")
        assert "Checking" not in nested and "Not yet" in nested
        assert not cube.query_one(".quiz-check", Button).disabled  # "Checking…" is over

        wrong = await _feedback_after(app, pilot, cube, "3*x")
        assert "Not yet" in wrong and "Not yet. Not yet" not in wrong and "Not quite" not in wrong
        right = await _feedback_after(app, pilot, cube, "3x^2")
        assert "✓ Right. Read as: 3x²." in right and "Correct" not in right


async def test_a_judgement_past_its_deadline_is_abandoned_and_the_quiz_answers_again(tmp_path, monkeypatch):
    # Issue 11: a judge that runs past its budget left "Checking…" for ever at 100% CPU.
    import threading

    from tutor.maths import judge as judge_module

    release = threading.Event()
    real_judge = judge_module._judge
    monkeypatch.setattr(judge_module, "DEADLINE_S", 0.3)
    monkeypatch.setattr(judge_module, "_judge",
                        lambda answer, *rest: release.wait(60) if answer == "x^9" else real_judge(answer, *rest))
    lessons = write_lessons(tmp_path / "lessons")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            cube = await _first_quiz(app, pilot)
            stuck = await _feedback_after(app, pilot, cube, "x^9")
            assert "took more than 0.3 s to check, so it was abandoned" in stuck
            right = await _feedback_after(app, pilot, cube, "3x^2")  # the quiz is not busy
            assert "✓ Right." in right
    finally:
        release.set()
