"""The course map: lessons in order, scores, continue, drills due, broken lessons."""
from __future__ import annotations

import time

import pytest
from textual.widgets import Input
from lab_fixtures import on_screen, until
from tutor_fixtures import BAD_QUIZ_LINE, screen_text, settle, wait_for_course, write_lessons

from tutor.app import TutorApp
from tutor.progress import Progress
from tutor.screens.drill import DrillScreen
from tutor.screens.home import HomeScreen, end_of_today
from tutor.screens.lesson import LessonScreen


@pytest.fixture
def progress_path(tmp_path):
    return tmp_path / "progress.db"


@pytest.fixture
def lessons(tmp_path):
    return write_lessons(tmp_path / "lessons")


def option_texts(screen) -> list[str]:
    lessons = screen.query_one("#lessons")
    return [str(lessons.get_option_at_index(i).prompt) for i in range(lessons.option_count)]


async def test_map_shows_order_requires_scores_broken_lessons_and_continues(lessons, progress_path):
    with Progress(progress_path) as store:
        store.record_answer("good", "cube", "3x", False)
        store.record_answer("good", "cube", "3x^2", True)
        store.complete_lesson("next")
        store.set_last_lesson("next")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        screen = app.screen
        texts = option_texts(screen)
        assert len(texts) == 3
        assert "1. A good lesson" in texts[0] and "1/2 quizzes solved" in texts[0]
        assert "2. The next lesson" in texts[1] and texts[1].startswith("✓") and "after 1" in texts[1]
        assert "3. A lesson with a broken quiz" in texts[2] and "has problems" in texts[2]
        problems = str(screen.query_one("#problems").render())
        assert f"03-bad.md:{BAD_QUIZ_LINE}: quiz: unknown kind \"derivitive\"" in problems
        assert 'did you mean "derivative"' in problems
        assert "03-bad.md" in screen_text(app)

        # The lesson to continue starts highlighted; the detail describes it.
        detail = str(screen.query_one("#lesson-detail").render())
        assert "The next lesson" in detail and "Requires: ○ A good lesson" in detail  # not complete yet
        assert "1 quiz, 0 labs · complete" in detail
        await pilot.press("up")  # the detail follows the highlight
        await pilot.pause()
        assert "A good lesson" in str(screen.query_one("#lesson-detail").render())

        # Continue where I left off: the last lesson opened.
        assert "lesson 2" in str(screen.query_one("#continue").label)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "next"


async def test_continue_moves_on_from_a_finished_lesson(lessons, progress_path):
    with Progress(progress_path) as store:
        store.record_answer("good", "cube", "3x^2", True)
        store.record_answer("good", "pick", "2", True)
        store.complete_lesson("good")
        store.set_last_lesson("good")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        assert "lesson 2" in str(app.screen.query_one("#continue").label)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.id == "next"


async def test_continue_reopens_at_the_first_unsolved_quiz_and_the_map_shows_shown_answers(
        lessons, progress_path):
    with Progress(progress_path) as store:
        store.record_answer("good", "cube", "3x^2", True)
        store.record_reveal("next", "half")
        store.set_last_lesson("good")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        texts = option_texts(app.screen)
        assert "0/1 quiz solved · 1 answer shown" in texts[1]
        assert "lesson 1" in str(app.screen.query_one("#continue").label)
        await pilot.press("c")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.lesson.id == "good"
        pick = screen.query_one("#quiz-pick")
        body = screen.query_one("#lesson-body")
        deadline = time.monotonic() + 20
        while not (body.scroll_offset.y > 0 and app.focused in pick.query("*")) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert body.scroll_offset.y > 0 and app.focused is pick.query_one(".quiz-answer")


async def test_continue_passes_over_a_shown_answer_that_cannot_be_earned_back(lessons, progress_path):
    with Progress(progress_path) as store:
        store.record_reveal("good", "cube")  # a derivative quiz: no fresh variant
        store.set_last_lesson("good")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        pick = app.screen.query_one("#quiz-pick")
        deadline = time.monotonic() + 20
        while app.focused is not pick.query_one(".quiz-answer") and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app.focused is pick.query_one(".quiz-answer")
    with Progress(progress_path) as store:
        store.record_answer("good", "pick", "2", True)
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:  # nothing left to earn in lesson 1: on to 2
        await wait_for_course(app, pilot)
        assert "lesson 2" in str(app.screen.query_one("#continue").label)


async def test_drills_due_today_and_the_drill_screen(lessons, progress_path):
    with Progress(progress_path) as store:
        store.record_drill("power", False, now=time.time() - 60)  # missed: box 1, due at once
        store.record_drill("exp", True, now=time.time() - 60)  # box 2: due in a day
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        due = str(app.screen.query_one("#drills-due").render())
        assert "Drills due today: 1" in due and "power" in due

        await pilot.press("d")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert screen.drill is not None and screen.drill.family == "power"  # the due family first
        field = screen.query_one("#drill-answer", Input)
        assert field.has_focus
        await pilot.press(*"0", "enter")  # wrong for any power drill
        await settle(app, pilot)
        assert "Not yet" in str(screen.query_one("#drill-feedback").render())
        from tutor.maths.mathparse import parse

        field.value = parse(screen.drill.expected).text()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Right" in str(screen.query_one("#drill-feedback").render())
        assert (screen.plan.asked, screen.plan.right_first_time) == (1, 0)  # the first answer counts
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    with Progress(progress_path) as store:
        assert store.drill_box("power") == 1  # missed at the first try: stays in box 1


def test_end_of_today_is_the_next_local_midnight():
    now = time.mktime((2024, 3, 5, 13, 30, 0, 0, 0, -1))
    assert end_of_today(now) == time.mktime((2024, 3, 6, 0, 0, 0, 0, 0, -1))


async def test_an_empty_lessons_folder_says_so(tmp_path, progress_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = TutorApp(progress_path=progress_path, lessons_dir=empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        assert "No lessons could be loaded" in option_texts(app.screen)[0]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_loader_crash_is_shown_as_a_problem_and_the_app_stays_up(lessons, progress_path, monkeypatch):
    def broken(directory=None, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("tutor.course.loader.load_course", broken)
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        assert "RuntimeError: disk on fire" in str(app.screen.query_one("#problems").render())
        await pilot.press("l")
        await pilot.pause()
        assert type(app.screen).__name__ == "LabScreen"


async def test_a_course_loaded_under_the_lab_fills_the_map_only_once_it_is_shown(lessons, progress_path):
    """Redrawing the covered map would repaint the whole terminal (bytes on a slow link)."""
    import engine
    from tutor.screens.lab import LabScreen

    app = TutorApp(lab_config=engine.RunConfig(), progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        assert isinstance(app.screen, LabScreen)
        home = app.screen_stack[1]
        assert option_texts(home) == ["Loading the lessons…"]
        await pilot.press("escape")          # out of the Lab, back to the map
        await on_screen(app, pilot, HomeScreen)
        await until(pilot, lambda: option_texts(home) != ["Loading the lessons…"], "the map filled in")
        assert app.screen is home
        texts = option_texts(home)
        assert len(texts) == 3 and "1. A good lesson" in texts[0]


# Ten lessons in two parts, as long as the course of issue 14, with the longest titles it has.
TITLES = [
    "Derivatives: the limit, the rules, finite differences, the chain rule",
    "Gradient descent on one neuron, by hand",
    "Activations and their derivatives: σ, tanh, ReLU, leaky ReLU, RReLU",
    "Backpropagation: the four equations, by hand and in the engine",
    "Loss functions: the quadratic cost, cross-entropy and softmax",
    "The learning rate over 1, 100 and 10,000 epochs",
    "Choosing an activation: does it matter if the error drops with all of them?",
    "Initialisation: symmetry, the variance of z, Xavier and He",
    "Why a network gets stuck: plateaus, saturation and minima",
    "From scratch against a framework: the engine and PyTorch side by side",
]
PARTS = {1: "Foundations", 5: "Training well"}


def write_course_of_ten(folder):
    folder.mkdir()
    for n, title in enumerate(TITLES, start=1):
        part = f'part = "{PARTS[n]}"\n' if n in PARTS else ""
        requires = f'["l{n - 1}"]' if n > 1 else "[]"
        quiz = ('```quiz\nkind = "numeric"\nprompt = "Two?"\nexpected = 2\nhints = ["2"]\n'
                'explanation = "2."\n```\n')
        (folder / f"{n:02d}-l{n}.md").write_text(
            f'+++\nid = "l{n}"\ntitle = "{title}"\nrequires = {requires}\n{part}+++\n# {title}\n\n{quiz}',
            encoding="utf-8")
    return folder


def visible_rows(app) -> list[str]:
    return screen_text(app).splitlines()


async def test_a_course_of_ten_lessons_shows_whole_at_80x24_and_120x40(tmp_path, progress_path):
    lessons = write_course_of_ten(tmp_path / "ten")
    with Progress(progress_path) as store:
        store.record_answer("l1", "l1-q1", "2", True)
        store.complete_lesson("l1")
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        screen = app.screen
        texts = option_texts(screen)
        # The parts' titles, then one line a lesson: every lesson is on the screen at once.
        assert texts[0] == "Foundations (1–4)" and texts[5] == "Training well (5–10)"
        assert len(texts) == 12 and all("\n" not in text for text in texts)
        assert texts[1].startswith("✓  1. Derivatives") and texts[10].startswith("   9. Why")
        assert texts[11].startswith("  10. From scratch")
        rows = visible_rows(app)
        for n, title in enumerate(TITLES, start=1):
            assert any(f"{n:>2}. {title[:30]}" in row for row in rows), title
        assert any("Foundations" in row and "(1–4)" in row for row in rows)   # spans lose spaces in SVG
        # The score and requirements the row leaves out are in the detail (of lesson 2,
        # the one to continue), which is on the screen too.
        detail = str(screen.query_one("#lesson-detail").render())
        assert "Requires: ✓ Derivatives" in detail and "0 of 1 quizzes solved" in detail
        assert any("0 of 1 quizzes solved" in row for row in rows)
        # The part's title is passed over by the highlight.
        lessons_list = screen.query_one("#lessons")
        lessons_list.highlighted = lessons_list.get_option_index("l4")
        await pilot.press("down")
        await pilot.pause()
        assert screen.highlighted_lesson().id == "l5"

        # Wider and taller: two lines a lesson, with the scores, still all on the screen.
        await pilot.resize_terminal(120, 40)
        deadline = time.monotonic() + 30
        while "\n" not in option_texts(screen)[1] and time.monotonic() < deadline:
            await pilot.pause(0.05)
        texts = option_texts(screen)
        assert texts[1].startswith("✓  1. Derivatives") and "1/1 quiz solved" in texts[1]
        assert texts[11].startswith("  10. From scratch") and "\n      0/1 quiz solved · after 9" in texts[11]   # under the title
        assert screen.highlighted_lesson().id == "l5"   # the highlight stays on its lesson
        rows = visible_rows(app)
        for n, title in enumerate(TITLES, start=1):
            assert any(f"{n:>2}. {title[:30]}" in row for row in rows), title
        assert sum("quiz solved" in row for row in rows) == 10

        await pilot.resize_terminal(80, 24)   # and back
        deadline = time.monotonic() + 30
        while "\n" in option_texts(screen)[1] and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert all("\n" not in text for text in option_texts(screen))


async def test_a_course_without_parts_has_no_part_titles(lessons, progress_path):
    app = TutorApp(progress_path=progress_path, lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        texts = option_texts(app.screen)
        assert len(texts) == 3 and texts[0].startswith("  1. A good lesson\n")   # two lines each: they fit
