"""The Exercises screen (issue 16): opened from the course map, it creates a missing
workspace with i, re-checks the exercise shown on every save (in a subprocess, the UI
free meanwhile), explains a wrong answer, passes a right one and moves to the exercise
it unlocked; hints one at a time, the solution after a failed check (asked first),
reset (asked first, the learner's file kept); an exercise block's card opens it."""
from __future__ import annotations

from lab_fixtures import key, on_screen, until
from tutor_fixtures import wait_for_course, write_lessons

from tutor.app import TutorApp
from tutor.exercises import NAMES, by_name
from tutor.screens.confirm import ConfirmScreen
from tutor.screens.exercises import ExercisesScreen
from tutor.screens.home import HomeScreen

WRONG_SIGMOID = '''import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def sigmoid_prime(z):
    return sigmoid(z)
'''
# The loop on one line: the time-out names the line the loop was on, whatever its bytecode.
ENDLESS_TANH = "import numpy as np\n\n\ndef tanh(z):\n    while True: pass\n\n\ndef tanh_prime(z):\n    return z\n"


def make_app(tmp_path, workspace=None, lessons=None) -> TutorApp:
    lessons = lessons or write_lessons(tmp_path / "lessons", bad=False)
    return TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons,
                    exercises_dir=workspace or tmp_path / "ws")


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def save(workspace, name: str, code: str) -> None:
    (workspace / by_name(name).filename).write_text(code, encoding="utf-8")


async def open_exercises(app, pilot) -> ExercisesScreen:
    await wait_for_course(app, pilot)
    await on_screen(app, pilot, HomeScreen)
    await key(app, pilot, "e")
    return await on_screen(app, pilot, ExercisesScreen, "#exercise-result")


async def save_wrong(screen, pilot) -> None:
    """Save a wrong sigmoid and wait for its failed check."""
    save(screen.directory, "sigmoid", WRONG_SIGMOID)
    await until(pilot, lambda: "✗" in text(screen, "#exercise-result"), "the failed check")


async def asked(app, pilot, name: str, answer: str) -> None:
    """Press `name`, answer its yes/no question with `answer`, and be back on the screen."""
    await key(app, pilot, name)
    await on_screen(app, pilot, ConfirmScreen)
    await key(app, pilot, answer)
    await on_screen(app, pilot, ExercisesScreen)


async def with_workspace(app, pilot) -> ExercisesScreen:
    screen = await open_exercises(app, pilot)
    await key(app, pilot, "i")
    await until(pilot, lambda: screen.path(by_name("sigmoid")).is_file(), "the starter files")
    return screen


async def test_from_home_create_the_workspace_then_a_wrong_save_is_explained_and_a_right_one_unlocks(tmp_path):
    workspace = tmp_path / "ws"
    app = make_app(tmp_path, workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_exercises(app, pilot)
        assert "No workspace yet" in text(screen, "#exercise-workspace")
        assert str(workspace.absolute()) in text(screen, "#exercise-workspace")
        assert "01_sigmoid.py" in text(screen, "#exercise-file") and "open" in text(screen, "#exercise-file")

        await key(app, pilot, "i")
        await until(pilot, lambda: "Created" in text(screen, "#exercise-result"), "the workspace created")
        assert (workspace / "01_sigmoid.py").read_text(encoding="utf-8") == by_name("sigmoid").starter
        assert (workspace / by_name(NAMES[-1]).filename).is_file()
        assert app.progress.exercise_results() == {}   # creating it checks nothing

        save(workspace, "sigmoid", WRONG_SIGMOID)
        await until(pilot, lambda: "✗" in text(screen, "#exercise-result"), "the failed check")
        result = text(screen, "#exercise-result")
        assert "01_sigmoid.py:9:" in result and "sigmoid_prime" in result and "σ(x)(1 − σ(x))" in result
        assert app.progress.exercise_results() == {"sigmoid": (False, 1)}
        assert "tried" in text(screen, "#exercise-file")

        save(workspace, "sigmoid", by_name("sigmoid").solution)
        await until(pilot, lambda: "passes" in text(screen, "#exercise-result"), "the pass")
        assert "Unlocked: 02_tanh.py" in text(screen, "#exercise-result")
        assert screen.exercise.name == "tanh" and "02_tanh.py" in text(screen, "#exercise-file")
        listing = screen.query_one("#exercise-list")
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert "sigmoid passed" in prompts[0] and "tanh open" in prompts[1] and "relu locked" in prompts[2]
        assert app.progress.exercise_results()["sigmoid"] == (True, 1)

        await key(app, pilot, "escape")
        home = await on_screen(app, pilot, HomeScreen)
        await until(pilot, lambda: f"Exercises: 1 of {len(NAMES)} pass" in text(home, "#exercises-line"),
                    "the count at home")


async def test_hints_one_at_a_time_and_the_solution_only_after_a_failure_and_a_yes(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await with_workspace(app, pilot)
        hints = by_name("sigmoid").hints
        await key(app, pilot, "h")
        await until(pilot, lambda: hints[0] in text(screen, "#exercise-hints"), "hint 1")
        assert hints[1] not in text(screen, "#exercise-hints")
        await key(app, pilot, "h")
        await until(pilot, lambda: hints[1] in text(screen, "#exercise-hints"), "hint 2")
        assert app.progress.exercise_hints_shown() == {"sigmoid": 2}

        await key(app, pilot, "s")   # no failed check yet: refused, nothing asked
        await until(pilot, lambda: "see it fail first" in text(screen, "#exercise-result"), "the refusal")
        assert not isinstance(app.screen, ConfirmScreen)

        await save_wrong(screen, pilot)
        await asked(app, pilot, "s", "n")
        assert "def sigmoid" not in text(screen, "#exercise-solution")
        assert app.progress.exercise_solutions_shown() == set()
        await asked(app, pilot, "s", "y")
        await until(pilot, lambda: "def sigmoid" in text(screen, "#exercise-solution"), "the solution")
        assert app.progress.exercise_solutions_shown() == {"sigmoid"}


async def test_reset_asks_then_puts_the_starter_back_and_keeps_the_learners_file(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await with_workspace(app, pilot)
        await save_wrong(screen, pilot)
        await asked(app, pilot, "r", "escape")
        assert (screen.directory / "01_sigmoid.py").read_text(encoding="utf-8") == WRONG_SIGMOID
        await asked(app, pilot, "r", "y")
        await until(pilot, lambda: "starter file again" in text(screen, "#exercise-result"), "the reset")
        assert "01_sigmoid.py.bak" in text(screen, "#exercise-result")
        assert (screen.directory / "01_sigmoid.py").read_text(encoding="utf-8") == by_name("sigmoid").starter
        assert (screen.directory / "01_sigmoid.py.bak").read_text(encoding="utf-8") == WRONG_SIGMOID


async def test_an_endless_loop_is_one_line_and_the_screen_answers_meanwhile(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await with_workspace(app, pilot)
        screen.time_limit = 6.0   # long enough that the hint surely comes while the loop runs
        save(screen.directory, "sigmoid", by_name("sigmoid").solution)
        await until(pilot, lambda: screen.exercise.name == "tanh", "tanh unlocked")
        save(screen.directory, "tanh", ENDLESS_TANH)
        await until(pilot, lambda: "Checking 02_tanh.py" in text(screen, "#exercise-result"), "the check started")
        await key(app, pilot, "h")   # answered while the learner's loop runs
        await until(pilot, lambda: by_name("tanh").hints[0] in text(screen, "#exercise-hints"), "the hint")
        assert "Checking 02_tanh.py" in text(screen, "#exercise-result")
        await until(pilot, lambda: "did not finish in 6 s" in text(screen, "#exercise-result"), "the time-out")
        assert "02_tanh.py:5:" in text(screen, "#exercise-result")
        assert app.progress.exercise_results()["tanh"] == (False, 1)


async def test_at_80x24_the_list_the_result_and_the_buttons_fit(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        def buttons_fit() -> bool:
            shown = [button for button in screen.query("#exercise-actions Button") if button.display]
            return bool(shown) and all(0 < b.region.right <= 80 and 0 < b.region.bottom <= 23 for b in shown)

        screen = await open_exercises(app, pilot)    # no workspace yet: Create, Hint and Solution
        await until(pilot, lambda: screen.query_one("#do-init").region.width and buttons_fit(),
                    "the buttons without a workspace inside 80 columns")
        assert not screen.query_one("#do-check").display and not screen.query_one("#do-reset").display
        await key(app, pilot, "i")
        await until(pilot, lambda: screen.path(by_name("sigmoid")).is_file(), "the starter files")
        await save_wrong(screen, pilot)
        listing = screen.query_one("#exercise-list")
        result = screen.query_one("#exercise-result")
        # Every exercise shows; the result sits above the footer, without scrolling.
        await until(pilot, lambda: listing.max_scroll_y == 0 and result.region.height >= 2
                    and result.region.bottom <= 23 and buttons_fit(), "the list, the result and the buttons")
        assert screen.query_one("#do-check").display and screen.query_one("#do-reset").display


LESSON_WITH_EXERCISE = '''+++
id = "build"
title = "Build it"
requires = []
+++
Write the sigmoid yourself.

```exercise
name = "sigmoid"
title = "Write σ yourself"
```
'''


async def test_an_exercise_block_is_a_card_whose_button_opens_the_screen_at_it(tmp_path):
    from tutor.screens.lesson import LessonScreen
    from tutor.widgets.lesson_blocks import ExerciseCard

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-build.md").write_text(LESSON_WITH_EXERCISE, encoding="utf-8")
    app = make_app(tmp_path, lessons=lessons)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        app.open_lesson("build")
        lesson = await on_screen(app, pilot, LessonScreen, ExerciseCard)
        card = lesson.query_one(ExerciseCard)
        await until(pilot, lambda: "open" in text(card, ".exercise-card-text"), "the card's state")
        assert "01_sigmoid.py" in text(card, ".exercise-card-text") and "Write σ yourself" in card.border_title
        card.query_one(".exercise-open").focus()
        await key(app, pilot, "enter")
        screen = await on_screen(app, pilot, ExercisesScreen, "#exercise-result")
        assert screen.exercise.name == "sigmoid"
        app.progress.record_exercise_check("sigmoid", False)
        await key(app, pilot, "escape")
        await on_screen(app, pilot, LessonScreen)
        await until(pilot, lambda: "tried" in text(card, ".exercise-card-text"), "the state after the visit")


async def test_the_palette_opens_it_and_the_mouse_works_the_list_and_the_buttons(tmp_path):
    from tutor.palette import TutorCommands

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        command, = [c for c in TutorCommands(app.screen).commands() if c.title == "Exercises: build it yourself"]
        command.run()
        screen = await on_screen(app, pilot, ExercisesScreen, "#exercise-result")
        create, check = screen.query_one("#do-init"), screen.query_one("#do-check")
        await until(pilot, lambda: create.region.width > 0, "the buttons laid out")
        first_x = create.region.x
        await pilot.click("#do-init")
        await until(pilot, lambda: screen.path(by_name("sigmoid")).is_file(), "the workspace made by a click")
        # The Create button goes: wait for the others to move into its place before clicking them.
        await until(pilot, lambda: check.region.x == first_x, "the buttons laid out again")
        await pilot.click("#do-hint")
        await until(pilot, lambda: by_name("sigmoid").hints[0] in text(screen, "#exercise-hints"), "the hint")
        listing = screen.query_one("#exercise-list")
        await pilot.click("#exercise-list", offset=(4, 3))   # the third row: relu
        await until(pilot, lambda: screen.exercise.name == "relu", "relu shown")
        assert "Locked: pass the exercises before it first" in text(screen, "#exercise-file")
        assert listing.highlighted == 2
        await pilot.click("#do-check")   # a locked exercise is not checked
        await until(pilot, lambda: "relu is locked" in text(screen, "#exercise-result"), "the locked notice")
        assert app.progress.exercise_results() == {}


async def test_work_saved_before_it_opened_is_checked_at_once_and_the_last_pass_finishes(tmp_path):
    from tutor.exercises.workspace import FINISHED, init

    workspace = tmp_path / "ws"
    init(workspace)
    last = by_name(NAMES[-1])
    save(workspace, last.name, last.solution)
    app = make_app(tmp_path, workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_course(app, pilot)
        for name in NAMES[:-1]:
            app.progress.record_exercise_check(name, True)
        app.open_exercises()
        screen = await on_screen(app, pilot, ExercisesScreen, "#exercise-result")
        assert screen.exercise.name == last.name
        await until(pilot, lambda: FINISHED in text(screen, "#exercise-result"), "the finish message")
        assert f"{last.filename} passes" in text(screen, "#exercise-result")
        results = app.progress.exercise_results()
        assert len(results) == len(NAMES) and all(passed for passed, _ in results.values())
