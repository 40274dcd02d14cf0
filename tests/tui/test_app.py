"""The app shell: start-up, progress store trouble, themes, palette, small terminals."""
from __future__ import annotations

import time

import pytest
from textual.events import Resize
from textual.geometry import Size
from textual.widgets import Footer, Header
from lab_fixtures import on_screen
from tutor_fixtures import screen_text, settle, wait_for_course, write_lessons

from tutor.app import MIN_HEIGHT, MIN_WIDTH, TutorApp
from tutor.palette import TutorCommands
from tutor.screens.help import HelpScreen
from tutor.screens.home import HomeScreen, LessonList
from tutor.screens.lesson import LessonScreen
from tutor.screens.too_small import TooSmallScreen


@pytest.fixture
def lessons(tmp_path):
    return write_lessons(tmp_path / "lessons")


@pytest.fixture
def make_app(tmp_path, lessons, monkeypatch):
    monkeypatch.delenv("NN_TUTOR_SLOW_LINK", raising=False)

    def make(**kwargs):
        kwargs.setdefault("progress_path", tmp_path / "progress.db")
        kwargs.setdefault("lessons_dir", lessons)
        return TutorApp(**kwargs)

    return make


def notifications(app) -> list[str]:
    return [note.message for note in app._notifications]


async def test_starts_on_the_course_map_with_palette_commands(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        ids = [app.screen.query_one(LessonList).get_option_at_index(i).id for i in range(2)]
        assert ids == ["good", "next"]
        assert app.progress is not None
        titles = [command.title for command in TutorCommands(app.screen).commands()]
        for expected in ("Course map", "Open the Lab", "Drills", "Help: keys and charts",
                         "Toggle light/dark theme", "Continue where I left off",
                         "Lesson 1: A good lesson", "Lesson 2: The next lesson",
                         "Lab: XOR with three hidden units"):
            assert expected in titles


async def test_slow_link_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("NN_TUTOR_SLOW_LINK", "1")
    assert make_app().slow_link is True
    monkeypatch.setenv("NN_TUTOR_SLOW_LINK", "0")
    assert make_app().slow_link is False
    assert make_app(slow_link=True).slow_link is True


async def test_unusable_progress_store_is_reported_and_the_app_runs(make_app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(progress_path=blocker / "progress.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        assert app.progress is None
        assert any("not be saved" in note and "a-file" in note for note in notifications(app))
        app.open_lesson("good")
        await on_screen(app, pilot, LessonScreen)
        assert isinstance(app.screen, LessonScreen)


async def test_damaged_progress_store_is_moved_aside_with_a_notice(make_app, tmp_path):
    damaged = tmp_path / "progress.db"
    damaged.write_bytes(b"this is not an SQLite database" * 100)
    app = make_app(progress_path=damaged)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        assert app.progress is not None
        assert any("moved to" in note for note in notifications(app))
    assert list(tmp_path.glob("progress.db.damaged-*"))


async def test_every_builtin_theme_renders(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        themes = sorted(app.available_themes)
        assert len(themes) > 5
        for theme in themes:
            app.theme = theme
            await pilot.pause()  # a render error would end the app and fail the test here
            assert app.current_theme.name == theme
        assert "A good lesson" in screen_text(app)
        # The lesson screen has the most kinds of widget: check it with the two ANSI themes
        # (what a 16-colour terminal shows) and a light one.
        app.open_lesson("good")
        await on_screen(app, pilot, LessonScreen)
        await settle(app, pilot)
        for theme in ("ansi-dark", "ansi-light", "textual-light"):
            app.theme = theme
            await pilot.pause()
            assert "A good lesson" in screen_text(app), theme
        app.action_toggle_theme()  # from light...
        assert app.theme == "textual-dark"
        app.action_toggle_theme()  # ...and back
        assert app.theme == "textual-light"


async def test_80x24_layout_and_the_too_small_notice(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        screen = app.screen
        region = screen.region
        for selector in ("#lessons", "#lesson-detail", "#continue", Footer, Header):
            widget = screen.query_one(selector)
            assert widget.region.area > 0, selector
            assert region.contains_region(widget.region), selector
        lessons = screen.query_one("#lessons")
        detail = screen.query_one("#lesson-detail")
        assert not lessons.region.overlaps(detail.region)
        assert "A good lesson" in screen_text(app)

        # Below the minimum size a notice covers the screen, until the terminal grows again.
        await pilot.resize_terminal(MIN_WIDTH - 5, MIN_HEIGHT - 2)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "too small" in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.resize_terminal(MIN_WIDTH, MIN_HEIGHT - 1)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(MIN_WIDTH, MIN_HEIGHT)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_starting_in_a_too_small_terminal_shows_the_notice(make_app):
    app = make_app()
    async with app.run_test(size=(MIN_WIDTH - 1, MIN_HEIGHT)) as pilot:
        await wait_for_course(app, pilot)
        assert isinstance(app.screen, TooSmallScreen)


def resize_now(app, width: int, height: int) -> None:
    """A terminal resize as the driver reports it, without waiting for the app."""
    size = Size(width, height)
    app._driver._size = size
    app.post_message(Resize(size, size))


async def notice_settles(app, pilot, too_small: bool) -> None:
    """Wait (up to 20 s) until the notice is on top exactly when `too_small`, never
    stacked on another notice, and it stays so through a few more pauses."""
    def right() -> bool:
        notices = [isinstance(screen, TooSmallScreen) for screen in app.screen_stack]
        stacked = any(a and b for a, b in zip(notices, notices[1:]))
        return isinstance(app.screen, TooSmallScreen) == too_small and not stacked

    deadline = time.monotonic() + 20
    steady = 0
    while steady < 5:
        await pilot.pause(0.01)
        steady = steady + 1 if right() else 0
        assert time.monotonic() < deadline, [type(screen).__name__ for screen in app.screen_stack]


@pytest.mark.parametrize("sizes", [
    [(30, 10), (200, 60)],
    [(30, 10), (200, 60), (30, 10)],
    [(200, 60), (30, 10), (31, 11), (200, 60)],
    [(30, 10), (80, 24), (30, 10), (80, 24), (39, 24)],
])
async def test_quick_resizes_end_with_the_notice_right(make_app, sizes):
    """Several resizes with no wait between them (a busy machine, a slow link)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        for width, height in sizes:
            resize_now(app, width, height)
        width, height = sizes[-1]
        await notice_settles(app, pilot, width < MIN_WIDTH or height < MIN_HEIGHT)


async def test_a_screen_opened_over_the_notice_leaves_no_notice_behind(make_app):
    """A screen opened while the notice is up (here help; a message from a worker could
    open a lesson or the Lab) gets the notice back over it; enlarging the terminal
    then shows that screen, and closing it shows the one below, with no notice."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        await pilot.resize_terminal(30, 10)
        await notice_settles(app, pilot, too_small=True)
        app.action_help()
        await notice_settles(app, pilot, too_small=True)  # on top again, over help
        await pilot.resize_terminal(80, 24)
        await notice_settles(app, pilot, too_small=False)
        assert isinstance(app.screen, HelpScreen)
        app.pop_screen()
        await notice_settles(app, pilot, too_small=False)
        assert isinstance(app.screen, HomeScreen)
        assert not any(isinstance(screen, TooSmallScreen) for screen in app.screen_stack)


async def test_palette_opens_a_lesson_by_name(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next l")
        await settle(app, pilot)
        await pilot.press("enter")
        await on_screen(app, pilot, LessonScreen)
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "next"


async def test_help_lists_keys_of_every_screen_and_the_lab_charts(make_app):
    from tutor.screens.help import CHART_GUIDE, HelpScreen, help_markdown

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = help_markdown(app)
        for heading in ("## Everywhere", "## Course map", "## Lesson", "## Drills", "## The Lab's panels", "## Lab"):
            assert heading in text
        for key in ("`f1", "`n` Next", "`t` Contents", "`^q` Quit"):
            assert key in text
        for title, _ in CHART_GUIDE.values():
            assert f"**{title}**" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_the_first_screen_needs_neither_numpy_nor_sympy():
    """Start-up speed: what draws the course map must not import the heavy libraries
    (the lessons are loaded in a worker after the first frame)."""
    import subprocess
    import sys

    code = ("import sys, tutor.app, tutor.screens.home, tutor.palette, tutor.progress, tutor.commands.app; "
            "print(sorted(m for m in ('numpy', 'sympy', 'engine', 'plotext') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
