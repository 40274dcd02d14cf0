"""A lesson's ```gradcheck block in the app: a card with the engine's check of the network
as built and of the broken copy, a row per parameter array, at 80x24 as at 120x36."""
from __future__ import annotations

from lab_fixtures import on_screen
from tutor_fixtures import wait_for_course

from tutor.app import TutorApp
from tutor.screens.lesson import LessonScreen
from tutor.widgets.lesson_blocks import GradcheckCard

LESSON = '''+++
id = "check"
title = "A gradient check"
requires = []
+++
# A gradient check

```gradcheck
title = "σ′ replaced by σ"
dataset = "xor"
layers = [2, 4, 1]
activation = "sigmoid"
output = "sigmoid"
loss = "bce"
broken = "function-for-derivative"
```
'''


async def test_the_card_shows_both_checks_row_by_row(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-check.md").write_text(LESSON, encoding="utf-8")
    for size in ((80, 24), (120, 36)):
        app = TutorApp(progress_path=tmp_path / f"progress-{size[0]}.db", lessons_dir=lessons)
        async with app.run_test(size=size) as pilot:
            await wait_for_course(app, pilot)
            app.open_lesson("check")
            card = (await on_screen(app, pilot, LessonScreen, GradcheckCard)).query_one(GradcheckCard)
            text = str(card.query_one(".gradcheck-table").render())
            assert "Broken copy: σ′(x) returns σ(x) itself" in text
            rows = [line for line in text.splitlines() if line.strip()[:2] in ("W¹", "b¹", "W²", "b²")]
            assert len(rows) == 4 and "✗" in rows[0] and rows[2].count("✓") == 2, text
            assert card.border_title == "Gradient check · σ′ replaced by σ"
            assert card.region.width <= size[0]
