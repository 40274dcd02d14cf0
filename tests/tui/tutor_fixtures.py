"""Shared pieces for the app's Pilot tests: a small lessons folder and app helpers.

Imported by the tests in this folder (pytest puts the folder on sys.path).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

GOOD_LESSON = '''+++
id = "good"
title = "A good lesson"
requires = []
summary = "Derivatives and choices, for the tests."
+++
# A good lesson

## Derivatives

Differentiate.

```quiz
id = "cube"
kind = "derivative"
prompt = "Differentiate f(x) = x³."
function = "x^3"
expected = "3*x^2"
hints = ["Expand (x + h)³.", "The power rule: n·xⁿ⁻¹."]
explanation = "The power rule gives 3x²."
```

## Choices

```quiz
id = "pick"
kind = "choice"
prompt = "Which one is the second?"
choices = ["the first", "the second", "the third"]
answer = 2
explanation = "Counting from one."
```

## A run

```lab
title = "XOR with three hidden units"
dataset = "xor"
layers = [2, 3, 1]
activation = "tanh"
lr = 2.0
epochs = 500
seed = 3
```

```engine
function = "engine.activations.Sigmoid"
title = "The engine's sigmoid"
```
'''

NEXT_LESSON = '''+++
id = "next"
title = "The next lesson"
requires = ["good"]
+++
# The next lesson

```quiz
id = "half"
kind = "numeric"
prompt = "What is one half?"
expected = 0.5
explanation = "1/2 = 0.5."
```
'''

BAD_LESSON = '''+++
id = "bad"
title = "A lesson with a broken quiz"
requires = ["good"]
+++
# Broken

```quiz
kind = "derivitive"
prompt = "Nothing."
explanation = "None."
```
'''

BAD_QUIZ_LINE = 9  # the `kind = "derivitive"` line of BAD_LESSON


def write_lessons(folder: Path, bad: bool = True) -> Path:
    """A lessons folder with two good lessons and (if `bad`) one with a broken quiz."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01-good.md").write_text(GOOD_LESSON, encoding="utf-8")
    (folder / "02-next.md").write_text(NEXT_LESSON, encoding="utf-8")
    if bad:
        (folder / "03-bad.md").write_text(BAD_LESSON, encoding="utf-8")
    return folder


def course_loaded(app) -> bool:
    """The course is in and its loader is done (it sets a quick course, then the checked one)."""
    loading = any(worker.group == "course" and not worker.is_finished for worker in app.workers)
    return app.course is not None and not loading   # a finished worker leaves app.workers


async def wait_for_course(app, pilot) -> None:
    """Wait for the course loader to finish (it starts after the first frame, so waiting
    for the workers at once may find none) and the screen on top to be mounted."""
    from lab_fixtures import until

    def ready() -> bool:
        screen = app.screen_stack[-1] if app.screen_stack else None
        return course_loaded(app) and screen is not None and screen.is_mounted

    await until(pilot, ready, "the course")
    await pilot.pause()   # the screen handles what loading it queued
    assert app.course is not None


async def settle(app, pilot) -> None:
    """Let every worker (judging, loading) finish and the screen catch up (a verdict
    scrolls itself into view after the next refresh: hence the second pause)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def screen_text(app) -> str:
    """The text on the screen now (from the SVG screenshot, tags and escapes removed)."""
    svg = app.export_screenshot()
    body = svg[svg.index("<g class=\"terminal"):] if "<g class=\"terminal" in svg else svg
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")


def feedback_text(widget) -> str:
    """What a quiz widget says under its buttons now."""
    return str(widget.query_one(".quiz-feedback").render())


async def until_judged(app, pilot, widget, before: str) -> None:
    """Wait until the quiz `widget` has judged an answer given when its feedback read
    `before` (its judge runs in a worker that may not have started yet: waiting for the
    workers alone can return at once), then let the screen take in the verdict."""
    from lab_fixtures import until

    await until(pilot, lambda: not widget.busy and feedback_text(widget) != before, "the verdict")
    await settle(app, pilot)
