"""The home screen: the course map.

The lessons in order, under the titles of the course's parts (a lesson's `part`),
each with what it requires, whether it is complete and how many of its quizzes are
solved (one line a lesson, its mark, number and title, when two would not fit: the
rest is in the detail beside or below the list); "continue where I left off"; the derivative
drills due today; and the lesson files that failed to load, as `path:line: message`.
r lists the runs saved in the Lab (tutor/screens/saved_runs.py), counted here; e opens
the build-it-yourself exercises (tutor/screens/exercises.py), how many pass said here.
Everything is read from the app's course and progress store whenever the screen
is shown, so coming back from a lesson shows the new scores.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tutor import messages
from tutor.app import TutorApp

if TYPE_CHECKING:
    from tutor.course.model import Course, Lesson


def end_of_today(now: float | None = None) -> float:
    """Midnight at the end of the local day of `now`: "due today" means due before it."""
    day = datetime.fromtimestamp(time.time() if now is None else now).date() + timedelta(days=1)
    return datetime.combine(day, datetime.min.time()).timestamp()


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 quiz', '2 quizzes'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


class LessonList(OptionList):
    """The lessons in course order; Enter or a click opens one."""


class HomeScreen(Screen):
    """The course map (see the module docstring)."""

    app = getters.app(TutorApp)   # self.app, typed as the tutor's app (its course, remember, ...)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    NARROW_LIST_SHARE = 0.7   # of the height, for the list above the detail (tutor.tcss, -narrow)

    _compact: bool | None = None   # one line a lesson, as last drawn (None: not drawn yet)

    BINDINGS = [
        Binding("c", "app.continue", "Continue", tooltip="Open the lesson you were last in"),
        Binding("l", "app.open_lab", "Lab", tooltip="Open the Lab with its default run"),
        Binding("d", "app.drills", "Drills", tooltip="Generated derivative drills, the due ones first"),
        Binding("r", "saved_runs", "Saved runs", tooltip="The runs you saved in the Lab: reopen or delete them"),
        Binding("e", "app.exercises", "Exercises", tooltip="Build it yourself: write the engine's pieces, "
                                                            "checked on every save"),
        Binding("t", "app.toggle_theme", "Light/dark", show=False, tooltip="Switch between light and dark"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-body"):
            with Vertical(id="course-pane"):
                yield LessonList(Option("Loading the lessons…", disabled=True), id="lessons")
            with VerticalScroll(id="side-pane"):
                yield Static(id="lesson-detail")
                with Horizontal(id="home-actions"):
                    yield Button("Continue", id="continue", variant="primary", compact=True)
                    yield Button("Lab", id="lab", compact=True)
                    yield Button("Drills", id="drills", compact=True)
                    yield Button("Exercises", id="exercises", compact=True)
                yield Static(id="drills-due")
                yield Static(id="saved-runs-line")
                yield Static(id="exercises-line")
                yield Static(id="problems")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Course"
        self.query_one("#lessons", LessonList).border_title = "Lessons"
        self.query_one("#problems").display = False
        self.watch(self.app, "course", self._course_changed)

    def on_screen_resume(self) -> None:
        if self._course_pending and self.course is not None:
            self.show_course(self.course)    # refreshes the progress too
        else:
            self.refresh_progress()

    _course_pending = False   # the course changed while another screen covered this one

    def _course_changed(self, course: Course | None) -> None:
        """Show a newly loaded course; under another screen (the Lab, say), wait until
        shown again: redrawing a hidden screen repaints the whole terminal."""
        if course is None:
            return
        # Not Screen.is_current: that counts the screen just under the top one as shown.
        if self.app.screen is self:
            self._course_pending = False
            self.show_course(course)
        else:
            self._course_pending = True

    # ------------------------------------------------------------------ filling in

    @property
    def course(self) -> Course | None:
        return self.app.course

    def show_course(self, course: Course) -> None:
        """List the lessons and the load problems of `course`."""
        self.refresh_progress()
        problems = self.query_one("#problems", Static)
        problems.display = bool(course.problems)
        if course.problems:
            lines = "\n".join(f"[$text-error]•[/] {escape(str(problem))}" for problem in course.problems)
            files = len({problem.path for problem in course.problems})
            problems.update(Content.from_markup(
                f"[b $text-error]Problems in {files} lesson file{'s' if files != 1 else ''}[/]\n"
                f"[dim]Lessons or blocks with problems are left out; "
                f"`tutor check-lessons` lists them too.[/]\n{lines}"))

    def refresh_progress(self) -> None:
        """Re-read completion, scores, the lesson to continue and the drills due."""
        course = self.course
        if course is None:
            return
        app = self.app
        done: set[str] = app.remember(lambda p: p.completed(), set())
        lessons = self.query_one("#lessons", LessonList)
        highlighted = self.highlighted_lesson()
        lessons.clear_options()
        if not course.lessons:
            lessons.add_option(Option(f"No lessons could be loaded from {escape(str(course.directory))}.",
                                      disabled=True))
        numbers = {lesson.id: n for n, lesson in enumerate(course.lessons, start=1)}
        broken = {problem.path for problem in course.problems}
        self._compact = compact = self._one_line_each(course)
        for title, part in course.parts:
            if title:
                lessons.add_option(Option(self._part_prompt(title, numbers[part[0].id], numbers[part[-1].id]),
                                          disabled=True))
            for lesson in part:
                lessons.add_option(Option(self._lesson_prompt(lesson, numbers, done, lesson.path in broken,
                                                              compact), id=lesson.id))
        continue_id = app.continue_lesson()
        if course.lessons:
            shown = highlighted.id if highlighted is not None else continue_id
            lessons.highlighted = lessons.get_option_index(shown if shown in numbers else course.lessons[0].id)
        button = self.query_one("#continue", Button)
        button.display = continue_id is not None
        if continue_id is not None:
            button.label = f"Continue: lesson {numbers[continue_id]}"
        self._show_drills_due()
        self._show_saved_runs()
        self._show_exercises()
        self._show_detail()

    @staticmethod
    def _part_prompt(title: str, first: int, last: int) -> Content:
        numbers = f"{first}" if first == last else f"{first}–{last}"
        return Content.from_markup(f"[b $text-primary]{escape(title)}[/] [dim]({numbers})[/]")

    def _lesson_prompt(self, lesson: Lesson, numbers: dict[str, int], done: set[str], broken: bool,
                       compact: bool = False) -> Content:
        """A lesson's line(s) in the list; `compact`: one line (mark, number, title), the
        score and requirements being in the detail below the list."""
        solved, shown, total = self._score(lesson)
        if lesson.id in done:
            mark = "[$text-success]✓[/]"
        elif solved:
            mark = "[$text-warning]•[/]"
        else:
            mark = " "
        number = f"{numbers[lesson.id]:>{len(str(len(numbers)))}}"   # aligned: " 9." over "10."
        if compact:
            flag = " [$text-error]![/]" if broken else ""
            return Content.from_markup(f"{mark} [b]{number}.[/b] {escape(lesson.title)}{flag}")
        details = [f"{solved}/{plural(total, 'quiz', 'quizzes')} solved" if total else "no quizzes"]
        if shown:
            details.append(f"[$text-warning]{shown} answer{'s' if shown != 1 else ''} shown[/]")
        if lesson.requires:
            details.append("after " + ", ".join(
                f"{numbers[r]}" + ("✓" if r in done else "") if r in numbers else r for r in lesson.requires))
        if broken:
            details.append("[$text-error]has problems[/]")
        indent = " " * (len(number) + 4)
        return Content.from_markup(f"{mark} [b]{number}.[/b] {escape(lesson.title)}\n"
                                   f"{indent}[dim]{' · '.join(details)}[/]")

    def _score(self, lesson: Lesson) -> tuple[int, int, int]:
        """(quizzes solved, quizzes whose answer was shown and not solved since, quizzes in the lesson)."""
        quiz_ids = {lesson.id: [quiz.id for quiz in lesson.quizzes]}
        scores = self.app.remember(lambda p: p.lesson_scores(quiz_ids), {})
        return scores.get(lesson.id, (0, 0, len(lesson.quizzes)))

    def _show_detail(self) -> None:
        """Describe the highlighted lesson: summary, requirements, score."""
        detail = self.query_one("#lesson-detail", Static)
        lesson = self.highlighted_lesson()
        course = self.course
        if lesson is None or course is None:
            detail.update("")
            return
        done = self.app.remember(lambda p: p.completed(), set())
        solved, shown, total = self._score(lesson)
        lines = [f"[b]{escape(lesson.title)}[/b]"]
        if lesson.summary:
            lines.append(escape(lesson.summary))
        if lesson.requires:
            needs = []
            for required in lesson.requires:
                other = course.by_id.get(required)
                name = escape(other.title if other else required)
                needs.append(f"[$text-success]✓[/] {name}" if required in done else f"[$text-warning]○[/] {name}")
            lines.append("[dim]Requires:[/] " + "; ".join(needs))
        state = "complete" if lesson.id in done else f"{solved} of {total} quizzes solved"
        if shown and lesson.id not in done:
            state += f", {shown} with the answer shown"
        lines.append(f"[dim]{plural(len(lesson.quizzes), 'quiz', 'quizzes')}, "
                     f"{plural(len(lesson.labs), 'lab')} · {state}[/]")
        lines.append("[dim]Enter opens it.[/]")
        detail.update(Content.from_markup("\n".join(lines)))

    def _show_drills_due(self) -> None:
        due = self.app.remember(lambda p: p.due_drills(now=end_of_today()), [])
        text = self.query_one("#drills-due", Static)
        if due:
            names = ", ".join(due[:4]) + (", …" if len(due) > 4 else "")
            text.update(Content.from_markup(
                f"[b]Drills due today: {len(due)}[/b] [dim]({escape(names)})[/]\nPress d to practise them."))
        else:
            text.update(Content.from_markup("[dim]No drills due today. Press d to practise derivatives anyway.[/]"))

    def _show_saved_runs(self) -> None:
        runs = self.app.remember(lambda p: p.runs(), [])
        line = self.query_one("#saved-runs-line", Static)
        if runs:
            line.update(Content.from_markup(
                f"[b]Saved runs: {len(runs)}[/b] [dim](newest: {escape(runs[0].name)})[/]\n"
                "Press r to reopen one in the Lab."))
        else:
            line.update(Content.from_markup("[dim]No saved runs yet: s in the Lab saves one.[/]"))

    def _show_exercises(self) -> None:
        from tutor.exercises import NAMES

        results = self.app.remember(lambda p: p.exercise_results(), {})
        passed = sum(passed for passed, _ in results.values())
        self.query_one("#exercises-line", Static).update(Content.from_markup(
            f"[b]Exercises: {passed} of {len(NAMES)} pass[/b]\nPress e to write the engine's pieces yourself."
            if passed else "[dim]Press e to write the engine's pieces yourself, checked on every save.[/]"))

    def highlighted_lesson(self) -> Lesson | None:
        lessons = self.query_one("#lessons", LessonList)
        if lessons.highlighted is None or self.course is None:
            return None
        option = lessons.get_option_at_index(lessons.highlighted)
        return self.course.by_id.get(option.id) if option.id else None

    # ------------------------------------------------------------------ events

    def _one_line_each(self, course: Course) -> bool:
        """Whether the list needs one line a lesson to show whole: two lines each and
        the parts' titles would not fit in the height it has at this size."""
        rows = 2 * len(course.lessons) + sum(1 for title, _ in course.parts if title)
        height = self.size.height - 2   # the header and the footer
        if self.size.width < self.HORIZONTAL_BREAKPOINTS[1][0]:   # the list above the detail
            height = int(height * self.NARROW_LIST_SHARE)
        return rows > height - 2        # its border

    def on_resize(self) -> None:
        """Redraw the list when the new size needs the other layout of its rows."""
        if self._compact is not None and self.course is not None \
                and self._one_line_each(self.course) != self._compact:
            self.refresh_progress()

    @on(OptionList.OptionHighlighted, "#lessons")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#lessons")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(messages.OpenLesson(event.option.id))

    @on(Button.Pressed, "#continue")
    def _continue(self) -> None:
        self.app.action_continue()

    @on(Button.Pressed, "#lab")
    def _lab(self) -> None:
        self.post_message(messages.OpenLab())

    @on(Button.Pressed, "#drills")
    def _drills(self) -> None:
        self.app.action_drills()

    @on(Button.Pressed, "#exercises")
    def _exercises(self) -> None:
        self.app.action_exercises()

    def action_saved_runs(self) -> None:
        from tutor.screens.saved_runs import SavedRunsScreen   # NumPy: not before it is needed

        self.app.push_screen(SavedRunsScreen())
