"""The app over lessons folders a careless or hostile author made: a lesson that is a
named pipe or a link to /dev/zero, and prose with terminal escape sequences."""
from __future__ import annotations

import asyncio
import os

import pytest
from tutor_fixtures import screen_text, wait_for_course, write_lessons

from tutor.app import TutorApp

GIVE_UP_SECONDS = 30


async def loaded(app, pilot) -> None:
    """Wait (with a deadline: a lesson that blocks the loader would hang for ever) for the course."""
    await wait_for_course(app, pilot)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
async def test_a_pipe_and_an_endless_device_among_the_lessons_are_reported_and_the_rest_load(tmp_path):
    lessons = write_lessons(tmp_path / "lessons", bad=False)
    os.mkfifo(lessons / "03-pipe.md")
    (lessons / "04-zero.md").symlink_to("/dev/zero")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert [lesson.id for lesson in app.course.lessons] == ["good", "next"]
        problems = str(app.screen.query_one("#problems").render())
        assert "03-pipe.md:1: not read: the file is a named pipe" in problems
        assert "04-zero.md:1: not read: the file is a device" in problems


async def test_escape_sequences_in_a_lesson_are_shown_not_sent_to_the_terminal(tmp_path):
    lessons = write_lessons(tmp_path / "lessons", bad=False)
    first = lessons / "01-good.md"
    head, front, body = first.read_text(encoding="utf-8").split("+++\n", 2)
    first.write_text(f"{head}+++\n{front}+++\nEvil \x1b]2;PWNED-TITLE\x07 prose.\n\n{body}", encoding="utf-8")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        app.open_lesson("good")
        deadline = asyncio.get_running_loop().time() + GIVE_UP_SECONDS
        while "PWNED-TITLE" not in screen_text(app):
            assert asyncio.get_running_loop().time() < deadline, "the prose never showed"
            await pilot.pause(0.05)
        assert "␛]2;PWNED-TITLE␇" in screen_text(app)
        assert "\x1b]2;" not in app.export_screenshot()


async def test_a_lesson_load_that_never_ends_is_abandoned_and_the_app_stays_usable(tmp_path, monkeypatch):
    # Issue 11: a read that never returns (a FIFO then, a hung network drive now) left the app
    # on "Loading the lessons…" and kept the process alive after Ctrl+Q.
    import threading

    import tutor.app
    from tutor.course import loader

    release = threading.Event()
    monkeypatch.setattr(tutor.app, "LOAD_DEADLINE_S", 0.3)
    monkeypatch.setattr(loader, "load_course", lambda *args, **kwargs: release.wait(60))
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=write_lessons(tmp_path / "lessons"))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            deadline = asyncio.get_running_loop().time() + GIVE_UP_SECONDS
            while app.course is None and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
            await pilot.pause()
            assert app.course is not None and app.course.lessons == ()
            assert "took more than 0.3 s to load, so loading was abandoned" in str(app.screen.query_one("#problems").render())
    finally:
        release.set()
