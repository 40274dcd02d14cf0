"""Messages the screens and widgets post; they bubble up to the screen and the app.

A widget says what happened (a quiz was answered, a lab card was pressed); the
screen or the app decides what that means (save the answer, push the Lab).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tutor.course.answers import Verdict
    from tutor.course.model import Quiz


class OpenLesson(Message):
    """Show the lesson with this id."""

    def __init__(self, lesson_id: str) -> None:
        super().__init__()
        self.lesson_id = lesson_id


class OpenLab(Message):
    """Open the Lab with `config` (an engine.RunConfig), or its default run if None;
    `charts` names the charts to show first (a lab block's `charts`)."""

    def __init__(self, config=None, start: bool = False, charts=None) -> None:
        super().__init__()
        self.config = config
        self.start = start
        self.charts = charts


class QuizAnswered(Message):
    """The learner's answer to a quiz was judged (only answers the judge could read)."""

    def __init__(self, quiz: Quiz, text: str, verdict: Verdict) -> None:
        super().__init__()
        self.quiz = quiz
        self.text = text
        self.verdict = verdict


class QuizRevealed(Message):
    """The learner gave up on a quiz and was shown the answer."""

    def __init__(self, quiz: Quiz) -> None:
        super().__init__()
        self.quiz = quiz
