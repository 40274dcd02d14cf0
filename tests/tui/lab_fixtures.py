"""Helpers for the Lab's Pilot tests (imported by tests/tui/test_lab*.py).

While a run trains, the process is never idle, so `pilot.pause()` without a delay
(which waits for an idle CPU, up to a second) and `pilot.press()` are slow, and
even `pilot.pause(delay)` keeps the app busy (it waits for every widget to answer).
So while training runs, the tests poll with plain short sleeps (the app runs in the
same event loop meanwhile) and send keys with `app.simulate_key`, as a terminal would.
"""
from __future__ import annotations

import asyncio
import time

from textual.app import App

import engine
from tutor.app import TutorApp
from tutor.screens.lab import LabScreen
from tutor.session import Phase
from tutor.widgets.lab_controls import LabControls

# A safety net against hanging, never a measure of speed: waits end as soon as their condition holds.
GIVE_UP_SECONDS = 30.0


def lab_app(tmp_path, start: bool = False, **settings) -> TutorApp:
    """The real app opened straight into the Lab (as `tutor lab` does), with its own
    progress file and an empty course."""
    lessons = tmp_path / "no-lessons"
    lessons.mkdir(exist_ok=True)
    config = engine.RunConfig.from_mapping(settings)
    return TutorApp(lab_config=config, start=start, progress_path=tmp_path / "progress.db",
                    lessons_dir=lessons)


async def until(pilot, condition, what: str = "the condition") -> None:
    """Poll `condition()` between short sleeps until it holds."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.005)


def active_screen(app):
    """The screen on top, or None while there is none yet (the app still starting)."""
    return app.screen_stack[-1] if app.screen_stack else None


async def on_screen(app, pilot, kind, showing=None):
    """Wait until the screen on top is a `kind` that is mounted, with the widgets it
    composes (and its on_mount) done, and, if given, shows a `showing` (a selector or a
    widget class: the widget the test then queries). Being on top is not enough: a
    pushed screen is on top before it has composed anything."""
    def ready() -> bool:
        screen = active_screen(app)
        return (isinstance(screen, kind) and screen.is_mounted
                and (showing is None or bool(screen.query(showing))))

    await until(pilot, ready, kind.__name__ + (f" showing {showing}" if showing else ""))
    return app.screen


async def lab_screen(app, pilot) -> LabScreen:
    """The Lab once it is on top, composed, and has its settings."""
    return await on_screen(app, pilot, LabScreen, LabControls)


async def key(app, pilot, name: str) -> None:
    """Press a key as the terminal sends it, and let the app handle it."""
    app.simulate_key(name)
    await asyncio.sleep(0.01)


def status_text(screen: LabScreen) -> str:
    return str(screen.query_one("#status").render())


async def wait_phase(pilot, screen: LabScreen, *phases: Phase) -> None:
    await until(pilot, lambda: screen.session.phase in phases, f"phase {phases}")


class Harness(App):
    """A bare app showing one widget, to try a widget on its own."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self):
        yield self.widget
