"""The command palette (ctrl+p): every screen and action of the tutor, by name.

`TutorCommands.commands()` lists them; the palette searches that list with
Textual's fuzzy matcher, and shows it whole when the search is empty.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Callable, NamedTuple, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tutor.app import TutorApp


class PaletteCommand(NamedTuple):
    title: str
    help: str
    run: Callable[[], object]


class TutorCommands(Provider):
    """Lessons, the Lab (default run and every lesson's lab), drills, help, themes."""

    @property
    def tutor_app(self) -> TutorApp:
        """The app, typed (this module is imported by tutor.app, so it cannot use
        textual.getters.app(TutorApp) as the screens do)."""
        return cast("TutorApp", self.app)

    def commands(self) -> list[PaletteCommand]:
        app = self.tutor_app
        found = [
            PaletteCommand("Course map", "The lessons in order, your progress, drills due", app.action_home),
            PaletteCommand("Continue where I left off", "Open the lesson you were last in",
                           app.action_continue),
            PaletteCommand("Open the Lab", "Train a network and watch it learn", app.action_open_lab),
            PaletteCommand("Compare activations", "The Lab's run (or its default) with several activations, "
                           "trained together", partial(app.open_compare, None, "activation")),
            PaletteCommand("Compare learning rates", "The Lab's run (or its default) at several learning "
                           "rates, trained together", partial(app.open_compare, None, "lr")),
            PaletteCommand("Drills", "Generated derivative drills, the due ones first", app.action_drills),
            PaletteCommand("Exercises: build it yourself", "Write the engine's pieces; each save is checked",
                           app.action_exercises),
            PaletteCommand("Help: keys and charts", "Every key binding and what each Lab chart shows",
                           app.action_help),
            PaletteCommand("Toggle light/dark theme", "Switch between Textual's light and dark themes",
                           app.action_toggle_theme),
            PaletteCommand("Toggle low-bandwidth mode",
                           "Fewer screen updates for slow SSH links (now "
                           + ("on" if app.slow_link else "off") + ")",
                           app.action_toggle_slow_link),
        ]
        # The stepper walks the network on screen in the Lab: offered while a Lab is open.
        lab = next((screen for screen in reversed(app.screen_stack) if hasattr(screen, "action_stepper")), None)
        if lab is not None:
            found.append(PaletteCommand("Backprop step by step", "One training step of the Lab's network on "
                                        "the selected sample, operation by operation", lab.action_stepper))
        course = app.course
        if course is not None:
            for number, lesson in enumerate(course.lessons, start=1):
                found.append(PaletteCommand(f"Lesson {number}: {lesson.title}", lesson.summary or lesson.id,
                                            partial(app.open_lesson, lesson.id)))
            for lesson in course.lessons:
                for block in lesson.labs:
                    title = block.title or "lab run"
                    found.append(PaletteCommand(f"Lab: {title}", f"The run from the lesson {lesson.title}",
                                                partial(self._open_lab_block, block)))
            for lesson in course.lessons:
                for block in lesson.steppers:
                    found.append(PaletteCommand(f"Stepper: {block.title or 'one training step'}",
                                                f"From the lesson {lesson.title}",
                                                partial(self._open_stepper_block, block)))
        return found

    def _open_lab_block(self, block) -> None:
        self.tutor_app.open_lab(block.config)

    def _open_stepper_block(self, block) -> None:
        from tutor.screens.stepper import StepperScreen

        self.tutor_app.push_screen(StepperScreen.of_block(block))

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
