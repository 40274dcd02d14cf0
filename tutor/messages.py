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


class OpenCompare(Message):
    """Open the Compare screen on a lesson's compare block (tutor.course.model.CompareBlock)."""

    def __init__(self, block) -> None:
        super().__init__()
        self.block = block


class QuizAnswered(Message):
    """The learner's answer to variant `variant` of a quiz was judged (only answers
    the judge could read); `counts` is False when that variant's answer had been shown."""

    def __init__(self, quiz: Quiz, text: str, verdict: Verdict, variant: int = 0, counts: bool = True) -> None:
        super().__init__()
        self.quiz = quiz
        self.text = text
        self.verdict = verdict
        self.variant = variant
        self.counts = counts


class QuizRevealed(Message):
    """The answer of variant `variant` of a quiz was shown (the learner gave up, or a
    wrong prediction's feedback gave it away)."""

    def __init__(self, quiz: Quiz, variant: int = 0) -> None:
        super().__init__()
        self.quiz = quiz
        self.variant = variant


class QuizHintShown(Message):
    """The learner has now seen `shown` hints of the quiz."""

    def __init__(self, quiz: Quiz, shown: int) -> None:
        super().__init__()
        self.quiz = quiz
        self.shown = shown
