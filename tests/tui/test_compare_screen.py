"""The Compare screen in the real app: live curves and rows while the runs train,
grouping, a run opened in the Lab, a diverging run among others, Escape, the dialog
that asks what to vary (from the Lab and the palette)."""
from __future__ import annotations

import dataclasses
import math

from lab_fixtures import key, lab_app, lab_screen, until

import engine
from engine.compare import Comparison
from tutor.app import TutorApp
from tutor.comparison_text import summary_cells, summary_columns
from tutor.palette import TutorCommands
from tutor.screens.compare import CompareScreen, CompareSetupScreen
from tutor.screens.lab import LabScreen
from tutor.session import Phase
from tutor.widgets.compare_charts import CompareLossChart, FirstDeltaChart, SharpnessChart

BASE = engine.RunConfig(dataset="xor", layers=(2, 3, 1), epochs=200)


def compare_app(tmp_path) -> TutorApp:
    lessons = tmp_path / "no-lessons"
    lessons.mkdir(exist_ok=True)
    return TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)


async def open_compare(app, pilot, comparison, by=None) -> CompareScreen:
    await until(pilot, lambda: len(app.screen_stack) >= 2, "the course map")
    app.push_screen(CompareScreen(comparison, by))
    return await until_compare(app, pilot)


def cell(screen: CompareScreen, row: str, column: str) -> str:
    """The runs table's cell of row `run:epoch` (or `run:last`), "" while there is no such row."""
    table = screen.query_one("#compare-runs")
    return str(table.get_cell(row, column)) if row in table.rows else ""


def compare_workers(app) -> list:
    return [worker for worker in app.workers if worker.group == "compare" and worker.is_running]


async def test_curves_and_rows_fill_in_while_the_runs_train_and_escape_stops_them(tmp_path):
    # 10^6 epochs: far more than the test waits for, so the runs are still training at each
    # check however loaded the machine (10^5 finished first once).
    comparison = Comparison(dataclasses.replace(BASE, epochs=10**6), ["tanh", "sigmoid"], [], [0, 1],
                            sharpness_every=50)
    app = compare_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(app, pilot, comparison)
        session = screen.session
        loss = screen.query_one(CompareLossChart)
        # While it runs: the charts follow, and the table's rows come.
        await until(pilot, lambda: loss.epochs > 150 and cell(screen, "0:100", "loss") != "", "curves and rows")
        assert session.phase is Phase.RUNNING and session.epoch < 10**6
        assert cell(screen, "0:1", "loss") == f"{session.runs[0].log.column('loss')[0]:.4g}"
        assert loss.legend_labels() == ["tanh", "sigmoid"]
        assert all(len(x) for x, _, _ in loss.lines()) and len(loss.bands()) == 2
        assert screen.query_one(FirstDeltaChart).epochs > 0
        sharpness = screen.query_one(SharpnessChart)
        await until(pilot, lambda: sharpness.lines(), "the sharpness estimates")
        assert sharpness.limits == [(4.0, None)]             # 2/η for lr 0.5
        await until(pilot, lambda: "epochs/s · training" in str(screen.query_one("#compare-status").render()),
                    "the progress line")
        await key(app, pilot, "escape")
        await until(pilot, session.done.is_set, "the training thread to stop")
        assert session.phase is Phase.CANCELLED and session.epoch < 10**6
        await until(pilot, lambda: not isinstance(app.screen, CompareScreen), "the screen to close")
        await until(pilot, lambda: not compare_workers(app), "the worker to end")


async def test_g_groups_by_learning_rate_and_back(tmp_path):
    comparison = Comparison(BASE, ["tanh", "relu"], [0.1, 1.0, 2.0], [0])
    app = compare_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot, comparison)
        await until(pilot, lambda: screen.session.done.is_set(), "the runs to finish")
        loss = screen.query_one(CompareLossChart)
        assert loss.legend_labels() == ["tanh", "relu"]
        await key(app, pilot, "g")
        await until(pilot, lambda: loss.legend_labels() == ["lr 0.1", "lr 1", "lr 2"], "grouping by lr")
        assert screen.query_one("#grouping").active == "by-lr"
        assert [curve.color for curve in loss.curves] == [0, 0, 1, 1, 2, 2]   # each curve its lr's colour
        assert screen.query_one(SharpnessChart).limits == [(20.0, 0), (2.0, 1), (1.0, 2)]
        table = screen.query_one("#compare-runs")
        lrs = [str(table.get_cell_at((row, 2))) for row in range(table.row_count)]
        assert lrs == ["0.1"] * 6 + ["1"] * 6 + ["2"] * 6    # rows in group order (epochs 1, 100, 200 each)
        assert cell(screen, "0:100", "loss") != ""            # the numbers kept
        await key(app, pilot, "t")
        summary = screen.query_one("#compare-summary")
        await until(pilot, lambda: summary.display and summary.row_count == 3, "the summary per lr")
        await key(app, pilot, "g")
        await until(pilot, lambda: loss.legend_labels() == ["tanh", "relu"], "grouping by activation")
        # 80x24: the chart and the table each have room, once the layout follows the toggle.
        await until(pilot, lambda: loss.region.height >= 8 and loss.region.width >= 38
                    and summary.region.height >= 5, "the chart and the summary laid out with room")


async def test_an_error_in_training_is_a_line_in_the_status_and_the_app_stays_up(tmp_path):
    comparison = Comparison(BASE, [], [], [0, 1])

    def broken(should_stop=None):
        raise RuntimeError("the engine broke")

    comparison.run = broken
    app = compare_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(app, pilot, comparison)
        status = screen.query_one("#compare-status")
        await until(pilot, lambda: "training failed after epoch 0: the engine broke" in str(status.render()),
                    "the message")
        assert screen.session.phase is Phase.FAILED and status.has_class("-diverged")
        assert app.is_running and app.screen is screen


async def test_enter_on_a_row_opens_that_run_in_the_lab_and_escape_comes_back(tmp_path):
    comparison = Comparison(BASE, ["tanh"], [0.5], [0, 1, 2])
    app = compare_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(app, pilot, comparison)
        table = screen.query_one("#compare-runs")
        await until(pilot, lambda: "2:last" in table.rows and screen.session.phase is Phase.FINISHED,
                    "the table's last rows")
        table.focus()
        table.move_cursor(row=table.get_row_index("1:1"), animate=False)
        await pilot.press("enter")
        lab = await lab_screen(app, pilot)
        assert lab.initial_config == comparison.configs[1] and lab.session.config.seed == 1
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "back on the Compare screen")


async def test_a_diverging_run_is_marked_with_its_epoch_and_the_others_finish(tmp_path):
    base = engine.RunConfig(dataset="sine", layers=(1, 8, 1), output="linear", loss="mse", epochs=300)
    comparison = Comparison(base, [], [0.1, 1000.0], [0])
    app = compare_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(app, pilot, comparison)
        session = screen.session
        await until(pilot, session.done.is_set, "the runs to finish")
        diverged = session.runs[1]
        assert diverged.diverged_at is not None and session.runs[0].log.count == 300
        assert screen.by == "lr"
        await until(pilot, lambda: cell(screen, "1:last", "note") == f"diverged at epoch {diverged.diverged_at:,}"
                    and cell(screen, "0:last", "epoch") == "300", "the rows of the diverged run and the other")
        assert cell(screen, "0:last", "note") == ""
        loss = screen.query_one(CompareLossChart)
        assert loss.curves[1].diverged[0][0] == diverged.diverged_at   # an x where it diverged
        await until(pilot, lambda: loss.epochs == 300, "the loss chart")
        assert math.isfinite(loss.ceiling)
        assert "1 diverged" in str(screen.query_one("#compare-status").render())
        assert session.phase is Phase.FINISHED and app.is_running


async def test_c_in_the_lab_asks_what_to_vary_and_compares_the_labs_settings(tmp_path):
    app = lab_app(tmp_path, dataset="circle", layers="2,3,1", lr=0.3, epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await lab_screen(app, pilot)
        await pilot.press("c")
        await until_dialog(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one("#compare-lr").value == "0.01, 0.1, 0.3, 1, 10"
        await pilot.press("enter")
        screen = await until_compare(app, pilot)
        configs = screen.comparison.configs
        assert len(configs) == 15 and {c.lr for c in configs} == {0.01, 0.1, 0.3, 1.0, 10.0}
        assert {c.seed for c in configs} == {0, 1, 2}
        assert all(c.dataset == "circle" and c.layers == (2, 3, 1) and c.epochs == 50 for c in configs)
        assert screen.by == "lr"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lab, "back in the Lab")


async def until_dialog(app, pilot) -> CompareSetupScreen:
    """The dialog on top, its fields filled in."""
    await until(pilot, lambda: isinstance(app.screen, CompareSetupScreen)
                and app.screen.query("#compare-runs") and str(app.screen.query_one("#compare-runs").render()),
                "the dialog")
    return app.screen


async def until_compare(app, pilot) -> CompareScreen:
    """The Compare screen on top, mounted, its charts showing the runs."""
    await until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.query(CompareLossChart)
                and app.screen.query_one(CompareLossChart).groups, "the Compare screen")
    return app.screen


async def test_a_bad_list_in_the_dialog_is_one_line_and_nothing_starts(tmp_path):
    app = compare_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen_stack) >= 2, "the course map")
        app.open_compare(BASE, "seed")
        dialog = await until_dialog(app, pilot)
        assert dialog.query_one("#compare-seed").value == "0, 1, 2, 3, 4"
        dialog.query_one("#compare-lr").value = "0.1, abc"
        await pilot.pause()
        line = str(dialog.query_one("#compare-runs").render())
        assert line.startswith("learning rates: expected a number") and "abc" in line, line
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and not compare_workers(app)
        dialog.query_one("#compare-lr").value = "0.1"
        dialog.query_one("#compare-epochs").value = "10000000"
        await pilot.pause()
        assert str(dialog.query_one("#compare-runs").render()).startswith("epochs: 5 runs of 10,000,000 epochs")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CompareSetupScreen), "the dialog to close")


async def test_the_palette_offers_comparisons(tmp_path):
    app = compare_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen_stack) >= 2, "the course map")
        commands = {command.title: command for command in TutorCommands(app.screen).commands()}
        commands["Compare learning rates"].run()
        await until_dialog(app, pilot)
        assert app.screen.vary == "lr" and app.screen.base == engine.RunConfig()
        assert "Compare activations" in commands


async def test_quitting_as_the_screen_opens_is_no_traceback(tmp_path):
    app = compare_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen_stack) >= 2, "the course map")
        app.push_screen(CompareScreen(Comparison(BASE, [], [], [0, 1])))
        app.open_compare(BASE)
    # run_test re-raises any error the app met on the way out


async def test_the_palette_in_the_lab_compares_the_labs_settings(tmp_path):
    app = lab_app(tmp_path, dataset="circle", layers="2,3,1", lr=0.3, epochs=50)
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await lab_screen(app, pilot)
        commands = {command.title: command for command in TutorCommands(app.screen).commands()}
        commands["Compare activations"].run()
        dialog = await until_dialog(app, pilot)
        assert dialog.base == lab.controls.read_config() and dialog.base.dataset == "circle"


async def test_the_summarys_cells_show_whole_though_their_columns_were_sized_before_training(tmp_path):
    comparison = Comparison(BASE, ["tanh", "relu"], [0.5, 2.0], [0, 1])
    app = compare_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(app, pilot, comparison)
        await until(pilot, lambda: screen.session.phase is Phase.FINISHED, "the runs to finish")
        await key(app, pilot, "t")
        summary = screen.query_one("#compare-summary")
        rows = comparison.summary(None, "activation")
        want = [summary_cells(comparison, row, "activation") for row in rows]
        titles = summary_columns(comparison, "activation")

        def whole() -> bool:
            return summary.display and all(str(summary.get_cell(str(k), title)) == cell
                                           and summary.columns[title].content_width >= len(cell)
                                           for k, cells in enumerate(want) for title, cell in zip(titles, cells))

        await until(pilot, whole, "every summary cell whole")
