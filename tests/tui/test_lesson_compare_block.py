"""A lesson with a ```compare block loads and shows in the app as a card saying what it
compares, whose button opens the Compare screen on those runs."""
from __future__ import annotations

from lab_fixtures import on_screen, until
from tutor_fixtures import screen_text, settle, wait_for_course

from tutor.app import TutorApp
from tutor.screens.compare import CompareScreen
from tutor.screens.home import HomeScreen
from tutor.screens.lesson import LessonScreen

LESSON = '''\
+++
id = "rates"
title = "Learning rates side by side"
requires = []
+++
Before the comparison.

```compare
title = "Three learning rates"
dataset = "xor"
layers = [2, 3, 1]
epochs = 500
lrs = [0.1, 1, 10]
seeds = [0, 1]
```

After the comparison.
'''


async def test_a_lesson_with_a_compare_block_opens_and_shows_what_it_compares(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-rates.md").write_text(LESSON, encoding="utf-8")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        assert app.course.problems == ()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await on_screen(app, pilot, LessonScreen)
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "rates"
        await until(pilot, lambda: "Compare: Three learning rates (6 runs)" in screen_text(app), "the block")
        text = screen_text(app)
        assert "Varied: learning rates 0.1, 1, 10; seeds 0, 1" in text
        assert "Before the comparison." in text and "After the comparison." in text
        await pilot.click(".compare-open")
        await on_screen(app, pilot, CompareScreen)
        comparison = app.screen.comparison
        assert comparison.lrs == (0.1, 1.0, 10.0) and comparison.seeds == (0, 1)
        assert all(config.layers == (2, 3, 1) and config.epochs == 500 for config in comparison.configs)
        assert app.screen.by == "lr"
        await until(pilot, app.screen.session.done.is_set, "the runs to finish")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LessonScreen), "back in the lesson")
