"""The Lab's "Use my code" screen (m, and the palette): the exercises to pass first, the
verdict above both loss curves at 80x24 and 120x40, and an endless loop in the
learner's code that leaves the screen ticking and the Lab responsive."""
from __future__ import annotations

import pytest

from lab_fixtures import key, lab_app, lab_screen, on_screen, until, wait_phase
from tutor.app import TutorApp
from tutor.exercises import exercises
from tutor.exercises.mycode import needed
from tutor.palette import TutorCommands
from tutor.screens.lab import LabScreen
from tutor.screens.mycode import MyCodeChart, MyCodeScreen
from tutor.session import Phase

import engine


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """The reference solutions in a workspace that is the current folder (where the Lab looks)."""
    folder = tmp_path / "nn-exercises"
    folder.mkdir()
    for exercise in exercises():
        (folder / exercise.filename).write_text(exercise.solution, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def pass_all(app) -> None:
    for name in needed(engine.RunConfig()):
        app.progress.record_exercise_check(name, True)


async def open_mycode(app, pilot) -> MyCodeScreen:
    await lab_screen(app, pilot)
    await pilot.press("m")
    return await on_screen(app, pilot, MyCodeScreen, "#mycode-verdict")


async def test_before_the_exercises_pass_the_screen_names_them(tmp_path, workspace):
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_mycode(app, pilot)
        await until(pilot, lambda: "Not yet" in text_of(screen, "#mycode-verdict"), "the notice")
        assert text_of(screen, "#mycode-verdict").startswith(
            "Not yet: pass the exercises sigmoid, tanh, dense, losses, hidden_delta, gradients, sgd first")
        assert "`tutor exercises`, or the Exercises screen" in text_of(screen, "#mycode-verdict")
        assert not screen.query_one(MyCodeChart).display
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LabScreen), "the Lab again")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_verdict_and_both_curves_show_when_the_code_agrees(tmp_path, workspace, size):
    app = lab_app(tmp_path, epochs=300)
    async with app.run_test(size=size) as pilot:
        pass_all(app)
        screen = await open_mycode(app, pilot)
        await until(pilot, lambda: text_of(screen, "#mycode-verdict").startswith("✓"), "the verdict")
        assert "your code and the engine agree to 1e-9 over 300 epochs" in text_of(screen, "#mycode-verdict")
        chart = screen.query_one(MyCodeChart)
        await until(pilot, lambda: chart.region.height >= 8, "the chart laid out")
        verdict = screen.query_one("#mycode-verdict")
        assert verdict.region.y < chart.region.y and verdict.region.bottom <= size[1]
        assert chart.region.bottom <= size[1] - 1            # above the footer
        assert [len(x) for x, _, _ in chart.lines()] and len(chart.curves[1]) == 300
        assert chart.legend_labels() == ["engine", "your code"]


async def test_the_apps_exercises_folder_is_the_one_the_lab_trains_with(tmp_path, workspace, monkeypatch):
    # The app given a workspace (as the Exercises screen uses it) that find() would not find.
    mine = workspace.rename(tmp_path / "my-exercises")
    monkeypatch.chdir(tmp_path)
    app = TutorApp(lab_config=engine.RunConfig(epochs=50), progress_path=tmp_path / "progress.db",
                   lessons_dir=tmp_path, exercises_dir=mine)
    async with app.run_test(size=(120, 40)) as pilot:
        pass_all(app)
        screen = await open_mycode(app, pilot)
        await until(pilot, lambda: text_of(screen, "#mycode-verdict").startswith("✓"), "the verdict")
        assert f"Your files: {mine}." in text_of(screen, "#mycode-note")


async def test_a_wrong_answer_is_named_and_r_compares_again_after_the_fix(tmp_path, workspace):
    from tutor.exercises import by_name

    gradients = by_name("gradients")
    (workspace / gradients.filename).write_text(gradients.file_text(gradients.mistakes[0].code), encoding="utf-8")
    app = lab_app(tmp_path, epochs=100)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_all(app)
        screen = await open_mycode(app, pilot)
        await until(pilot, lambda: text_of(screen, "#mycode-verdict").startswith("✗"), "the verdict")
        assert "they part at epoch 1, layer 2 (∂C/∂W² differs" in text_of(screen, "#mycode-verdict")
        (workspace / gradients.filename).write_text(gradients.solution, encoding="utf-8")
        await pilot.press("r")
        await until(pilot, lambda: text_of(screen, "#mycode-verdict").startswith("✓"), "the verdict after r")


async def test_an_endless_loop_keeps_the_screen_ticking_and_the_lab_responsive(tmp_path, workspace):
    (workspace / "07_gradients.py").write_text("def gradients(a_prev, delta):\n    while True: pass\n")
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_all(app)
        screen = await open_mycode(app, pilot)
        # The seconds go by on screen while the learner's process loops.
        await until(pilot, lambda: "Training with your code" in text_of(screen, "#mycode-verdict"), "progress")
        first = text_of(screen, "#mycode-verdict")
        await until(pilot, lambda: text_of(screen, "#mycode-verdict") != first, "the seconds to move on")
        await key(app, pilot, "escape")
        lab = await lab_screen(app, pilot)
        await key(app, pilot, "space")
        await wait_phase(pilot, lab, Phase.RUNNING, Phase.FINISHED)


async def test_the_endless_loop_is_reported_with_its_file_and_line(tmp_path, workspace, monkeypatch):
    from tutor.exercises import mycode

    original = mycode.compare
    monkeypatch.setattr(mycode, "compare", lambda *args, **kwargs: original(*args, time_limit=3, **kwargs))
    (workspace / "07_gradients.py").write_text("def gradients(a_prev, delta):\n    while True: pass\n")
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pass_all(app)
        screen = await open_mycode(app, pilot)
        await until(pilot, lambda: text_of(screen, "#mycode-verdict").startswith("✗"), "the verdict")
        assert "did not finish in 3 s: still running at 07_gradients.py:2" in text_of(screen, "#mycode-verdict")


async def test_the_palette_offers_use_my_code_while_a_lab_is_open(tmp_path, workspace):
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await lab_screen(app, pilot)
        commands = {command.title: command for command in TutorCommands(app.screen).commands()}
        commands["Use my code"].run()
        await on_screen(app, pilot, MyCodeScreen, "#mycode-verdict")
