"""TutorApp: the Textual application that holds the screens together.

The app owns what every screen shares: the course (loaded in a worker thread so
that the first frame never waits for it), the progress store, the low-bandwidth
flag, and the screen changes (home, lesson, Lab, drills, help). Screens ask for
those changes by posting the messages of tutor.messages, which bubble up here.

Start-up speed matters over SSH, so this module imports only Textual: NumPy,
SymPy and the engine are imported by the screens and workers that need them.
"""
from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.worker import get_current_worker

from tutor import messages
from tutor.palette import TutorCommands

if TYPE_CHECKING:
    from tutor.course.model import Course, Lesson
    from tutor.progress import Progress

SLOW_LINK_ENV = "NN_TUTOR_SLOW_LINK"

# Loading and checking every lesson takes about a second; past this it is abandoned.
LOAD_DEADLINE_S = 60.0

# Below this size the layout cannot be read; a notice replaces it (DESIGN.md section 7).
MIN_WIDTH = 40
MIN_HEIGHT = 12

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"
# With 16 colours (TERM=linux, TERM=xterm) truecolor themes lose their contrasts when
# downgraded (input fields vanish into the background); the ANSI themes use the
# terminal's own palette instead.
ANSI_DARK_THEME = "ansi-dark"
ANSI_LIGHT_THEME = "ansi-light"

T = TypeVar("T")


def slow_link_from_env() -> bool:
    """NN_TUTOR_SLOW_LINK=1 (or yes/true/on) asks for the low-bandwidth mode."""
    return os.environ.get(SLOW_LINK_ENV, "").strip().lower() in ("1", "yes", "true", "on")


def _unfinished(progress: Progress, lesson: Lesson) -> bool:
    """Has the lesson a quiz that can still be solved (not solved, and not shown without
    a fresh variant)? A lesson without quizzes: has it not been read yet?"""
    from tutor.course.variants import has_variants

    if not lesson.quizzes:
        return not progress.is_complete(lesson.id)
    states = progress.quiz_states(lesson.id)
    return any(not (quiz.id in states and (states[quiz.id].solved or
                                           states[quiz.id].answer_shown and not has_variants(quiz)))
               for quiz in lesson.quizzes)


class TutorApp(App):
    """The tutor: a course map, lessons with live quizzes, the Lab, drills and help."""

    TITLE = "nn-tutor"
    SUB_TITLE = "neural networks from first principles"
    CSS_PATH = Path(__file__).with_name("tutor.tcss")  # absolute: subclasses may live anywhere
    COMMANDS = App.COMMANDS | {TutorCommands}

    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Every key, and what each chart of the Lab shows"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("f2", "home", "Course", show=False, tooltip="The course map"),
        Binding("f3", "open_lab", "Lab", show=False, tooltip="Open the Lab with its default run"),
        Binding("f4", "drills", "Drills", show=False, tooltip="Generated derivative drills, due ones first"),
        Binding("f5", "toggle_theme", "Light/dark", show=False, tooltip="Switch between light and dark themes"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    # The course, once the loader worker has read it (None until then).
    course: var[Course | None] = var(None, init=False)

    def __init__(
        self,
        lab_config=None,
        start: bool = False,
        slow_link: bool = False,
        progress_path: str | os.PathLike[str] | None = None,
        lessons_dir: str | os.PathLike[str] | None = None,
        exercises_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """lab_config: an engine.RunConfig to open the Lab with at once (as `tutor lab`
        does); start: start that run at once; slow_link: refresh less over slow links
        (also NN_TUTOR_SLOW_LINK=1); progress_path and lessons_dir: where the progress
        store and the lessons are (default: the user's data folder, the course);
        exercises_dir: the exercises' workspace (default: tutor.exercises.workspace.find)."""
        super().__init__()
        self.lab_config = lab_config
        self.start_lab = start
        self.slow_link = slow_link or slow_link_from_env()
        self.progress_path = progress_path
        self.lessons_dir = lessons_dir
        self.exercises_dir = exercises_dir
        self.progress: Progress | None = None
        self.progress_problem: str | None = None  # why answers are not being saved
        if self.slow_link:
            # Animations cost frames, and frames cost bandwidth.
            self.animation_level = "none"
        if self.console.color_system in ("standard", "windows") and ANSI_DARK_THEME in self.available_themes:
            self.theme = ANSI_DARK_THEME

    # ------------------------------------------------------------------ start-up

    def on_mount(self) -> None:
        from tutor.screens.home import HomeScreen

        self._catch_hangup()
        self._open_progress()
        self.push_screen(HomeScreen())
        if self.lab_config is not None:
            self.open_lab(self.lab_config, start=self.start_lab)
        # After the first frame: the loader's imports (NumPy, SymPy) would compete with it for the GIL.
        self.call_after_refresh(self.load_course)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.fit_notice()

    def _catch_hangup(self) -> None:
        """On SIGHUP (the SSH link dropped) close the progress store and leave; a
        `kill -HUP` or SIGTERM with the terminal still there quits the usual way,
        restoring the terminal (tutor/hangup.py)."""
        if self.is_headless or not hasattr(signal, "SIGHUP"):
            return  # tests, or Windows
        try:
            from tutor import hangup  # see there: a dead terminal can stall Textual's exit

            hangup.install(self, asyncio.get_running_loop())
            if self.is_web:  # under `tutor serve`: no hang-up if the server dies
                hangup.watch_server(self)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not on the main thread: keep the default (end the process)

    def _open_progress(self) -> None:
        from tutor.progress import ProgressError, open_progress

        try:
            self.progress, notice = open_progress(self.progress_path)
        except ProgressError as error:
            self.progress_problem = str(error)
            self.notify(f"{error}\nAnswers will not be saved in this session.",
                        title="Progress not saved", severity="error", timeout=15)
            return
        if notice:
            self.notify(notice, title="Progress store repaired", severity="warning", timeout=15)

    @work(thread=True, exclusive=True, group="course", name="load course")
    def load_course(self) -> None:
        """Read and check every lesson in a thread; the home screen fills in when done.

        A quick pass (no SymPy) lists the lessons at once; the full pass then checks each
        derivative quiz's answer and replaces the course, listing any new problems.
        """
        from tutor.course.loader import Depth, load_course
        from tutor.course.model import Course, Problem
        from tutor.course.paths import lessons_dir

        from tutor.maths.deadline import TooSlow, within

        folder = Path(self.lessons_dir) if self.lessons_dir is not None else lessons_dir()
        for depth in (Depth.QUICK, Depth.MATH):
            abandoned = False
            try:  # a file that never finishes reading (a hung network drive) must not hold the app
                course = within(LOAD_DEADLINE_S, load_course, self.lessons_dir, depth=depth)
            except TooSlow:
                abandoned = True
                course = Course(folder, (), (Problem(folder, 0, f"the lessons took more than "
                                                                f"{LOAD_DEADLINE_S:g} s to load, so loading "
                                                                "was abandoned"),))
            except Exception as error:  # a loader bug must leave the app (and the Lab) usable
                course = Course(folder, (), (Problem(folder, 0, f"the lessons could not be loaded "
                                                                f"({type(error).__name__}: {error})"),))
            if get_current_worker().is_cancelled:
                return
            self.call_from_thread(self._set_course, course)
            if abandoned:
                return

    def _set_course(self, course: Course) -> None:
        self.course = course

    def on_unmount(self) -> None:
        if self.progress is not None:
            self.progress.close()

    # ------------------------------------------------------------------ progress

    def remember(self, action: Callable[[Progress], T], default: T = None) -> T:
        """Run `action(progress)`; if the store fails, say so once and go on without it.

        Every read and write of the progress store goes through here, so that a
        full disk or a locked file never takes the lesson down with it.
        """
        from tutor.progress import ProgressError

        if self.progress is None:
            return default
        try:
            return action(self.progress)
        except ProgressError as error:
            if self.progress_problem is None:
                self.notify(f"{error}\nYour answers are still judged, but may not be saved.",
                            title="Progress not saved", severity="error", timeout=15)
            self.progress_problem = str(error)
            return default

    # ------------------------------------------------------------------ screens

    def lesson(self, lesson_id: str) -> Lesson | None:
        if self.course is None:
            return None
        return self.course.by_id.get(lesson_id)

    def open_lesson(self, lesson_id: str, to_first_unsolved: bool = False) -> None:
        """Show a lesson (replacing the lesson open now, if any); with `to_first_unsolved`,
        scrolled to its first quiz not solved yet (Continue)."""
        from tutor.screens.lesson import LessonScreen

        lesson = self.lesson(lesson_id)
        if lesson is None:
            self.notify(f'No lesson "{lesson_id}" in the course.', severity="error")
            return
        self._pop_to_home()
        self.push_screen(LessonScreen(lesson, to_first_unsolved=to_first_unsolved))
        self.remember(lambda p: p.set_last_lesson(lesson.id))

    def open_lab(self, config=None, start: bool = False, charts=None) -> None:
        """Open the Lab, with `config` (an engine.RunConfig) or its default run, showing
        `charts` (names from a lab block) first.

        A Lab already on top is replaced (its run stops), never stacked: one run at a time.
        """
        from tutor.screens.lab import LabScreen

        if isinstance(self.screen, LabScreen):
            if config is None:
                return
            self.pop_screen()
        self.push_screen(LabScreen(config, start, charts))

    def open_compare(self, base=None, vary: str = "activation") -> None:
        """Ask what to vary in `base` (an engine.RunConfig; by default the settings of the
        Lab on screen, or the Lab's default run), then open the Compare screen on those runs."""
        from engine import RunConfig
        from tutor.screens.compare import CompareSetupScreen
        from tutor.screens.lab import LabScreen

        if base is None and isinstance(self.screen, LabScreen):
            base = self.screen.controls.read_config()
        self.push_screen(CompareSetupScreen(base or RunConfig(), vary), self.compare)

    def compare(self, request, by: str | None = None, target_loss: float | None = None) -> None:
        """Open the Compare screen on what a CompareRequest (or a lesson's CompareBlock) asks
        for; None: the question was cancelled. A comparison that cannot be made is one line."""
        from engine import ConfigError
        from engine.compare import ComparisonError
        from tutor.compare_session import sharpness_every
        from tutor.screens.compare import CompareScreen

        if request is None:
            return
        try:
            comparison = request.comparison(sharpness_every=sharpness_every(request.config.epochs))
        except (ComparisonError, ConfigError) as error:
            self.notify(f"Cannot compare these runs: {error}", severity="error")
            return
        self.push_screen(CompareScreen(comparison, by, target_loss))

    def open_exercises(self, name: str | None = None) -> None:
        """The Exercises screen, at exercise `name` (default: the first not passed yet);
        an Exercises screen on top shows that exercise instead of stacking another."""
        from tutor.exercises import by_name
        from tutor.screens.exercises import ExercisesScreen

        if isinstance(self.screen, ExercisesScreen):
            if name is not None:
                self.screen.select(by_name(name))
            return
        self.push_screen(ExercisesScreen(name, self.exercises_dir))

    def action_exercises(self) -> None:
        self.open_exercises()

    def _pop_to_home(self) -> None:
        from tutor.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_home(self) -> None:
        from tutor.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_help(self) -> None:
        from tutor.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_lab(self) -> None:
        self.open_lab()

    def action_drills(self) -> None:
        from tutor.screens.drill import DrillScreen

        if not isinstance(self.screen, DrillScreen):
            self.push_screen(DrillScreen())

    def action_continue(self) -> None:
        """Open the lesson to continue, at its first unsolved quiz."""
        lesson_id = self.continue_lesson()
        if lesson_id is None:
            self.notify("The lessons are still loading." if self.course is None
                        else "There are no lessons to continue.")
            return
        self.open_lesson(lesson_id, to_first_unsolved=True)

    def continue_lesson(self) -> str | None:
        """The lesson to continue: the last one opened while it has an unsolved quiz,
        else the next unfinished one after it (then from the start), else the last one."""
        if self.course is None or not self.course.lessons:
            return None
        lessons = self.course.lessons
        last = self.remember(lambda p: p.last_lesson())
        start = [lesson.id for lesson in lessons].index(last) if last in self.course.by_id else 0
        order = lessons[start:] + lessons[:start]
        for lesson in order:
            if self.remember(lambda p: _unfinished(p, lesson), True):
                return lesson.id
        return last if last in self.course.by_id else lessons[0].id

    def action_toggle_theme(self) -> None:
        """Switch between light and dark (between the two ANSI themes when one is in use)."""
        if self.theme in (ANSI_DARK_THEME, ANSI_LIGHT_THEME):
            self.theme = ANSI_LIGHT_THEME if self.theme == ANSI_DARK_THEME else ANSI_DARK_THEME
        else:
            self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_toggle_slow_link(self) -> None:
        self.slow_link = not self.slow_link
        self.animation_level = "none" if self.slow_link else "full"
        self.notify("Low-bandwidth mode on: charts refresh less often." if self.slow_link
                    else "Low-bandwidth mode off.")

    # ------------------------------------------------------------------ messages

    @on(messages.OpenLesson)
    def _open_lesson_message(self, message: messages.OpenLesson) -> None:
        self.open_lesson(message.lesson_id)

    @on(messages.OpenLab)
    def _open_lab_message(self, message: messages.OpenLab) -> None:
        self.open_lab(message.config, message.start, message.charts)

    @on(messages.OpenCompare)
    def _open_compare_message(self, message: messages.OpenCompare) -> None:
        block = message.block
        self.compare(block, block.by or None, block.target_loss)

    # ------------------------------------------------------------------ terminal size

    def on_resize(self, event) -> None:
        # Later: App's own handler, which records the new size, runs after this one.
        self.call_later(self.fit_notice)

    def _screen_changed(self, screen) -> None:
        self.call_later(self.fit_notice)

    def fit_notice(self) -> None:
        """Cover the screen with a notice exactly while the terminal is too small to read.

        Decided from the size now, never from what an earlier resize did: called on
        every resize, every screen change, and when a notice mounts or comes back on
        top, so that quick resizes on a busy machine, or a screen opened over the
        notice (F1, say), always end in the right state.
        """
        from tutor.screens.too_small import TooSmallScreen

        too_small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if too_small and not showing:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif not too_small and showing:
            self.pop_screen()
