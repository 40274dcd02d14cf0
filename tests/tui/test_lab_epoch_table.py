"""The Lab's epoch table (t) and its sharpness chart against 2/η."""
from __future__ import annotations

import numpy as np
import pytest
from lab_fixtures import Harness, key, lab_app, lab_screen, until, wait_phase
from textual.widgets import DataTable, Static

import engine
from engine.sharpness import LAB_SHARPNESS_EVERY, estimate_sharpness, stability_limit
from tutor.screens.lab.screen import chart_slots
from tutor.session import Phase
from tutor.widgets.charts import SharpnessChart
from tutor.widgets.epoch_table import EpochTablePanel


def table_panel(screen) -> EpochTablePanel:
    return screen.query_one(EpochTablePanel)


def notes(screen) -> str:
    return str(screen.query_one("#epoch-notes", Static).render())


async def test_t_shows_the_table_at_80x24_with_the_range_and_the_alternation_at_lr_50(tmp_path):
    app = lab_app(tmp_path, start=True, lr=50, epochs=3000)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.DIVERGED)     # 24.94 stands far above 0.73
        panel = table_panel(screen)
        assert not panel.display and screen.query_one("#panels").display
        await key(app, pilot, "t")
        # The table catches up with the log at the next refresh.
        await until(pilot, lambda: [line[0] for line in panel.shown_cells][-1:] == ["3000 now"], "the rows")
        assert [line[0] for line in panel.shown_cells] == ["1", "10", "100", "1000", "3000 now"]
        for line in panel.shown_cells[3:]:
            assert line[1:3] == ["24.94", "24.94–37.56"]
        assert "epoch 1,000: loss alternates between 24.9 and 37.6 for 903 epochs" in notes(screen)
        assert "epoch 3,000 (now): loss alternates between 24.9 and 37.6 for 2,903 epochs" in notes(screen)
        # It fits: the table, then the notes, inside the panel, inside the screen.
        words = screen.query_one("#epoch-notes")
        status = screen.query_one("#status")
        await until(pilot, lambda: panel.table.region.height and 0 < panel.region.right <= 80
                    and panel.region.bottom <= status.region.y
                    and panel.table.region.bottom <= words.region.y and words.region.bottom <= panel.region.bottom,
                    "the table and its notes laid out inside the panel")
        assert not screen.query_one("#panels").display
        assert screen.focused is panel.table                  # ←→ scroll the columns
        await key(app, pilot, "t")
        await until(pilot, lambda: not panel.display and screen.query_one("#panels").display, "the panels back")


async def test_the_table_follows_the_run_live_and_a_reset_empties_it(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10_000_000)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await key(app, pilot, "t")
        panel = table_panel(screen)
        await until(pilot, lambda: len(panel.shown_cells) >= 4 and panel.shown_cells[-1][0].endswith(" now"),
                    "a row for now")
        first = int(panel.shown_cells[-1][0].split()[0])
        await until(pilot, lambda: int(panel.shown_cells[-1][0].split()[0]) > first, "the now row moving on")
        header = [str(column.label) for column in panel.table.columns.values()]
        assert header[:4] == ["epoch", "loss", "min–max", "accuracy"]
        assert {"mean|δ1|", "‖∂L/∂W2‖", "‖W1‖", "lr"} <= set(header)
        await key(app, pilot, "r")
        await until(pilot, lambda: panel.shown_cells == [] and panel.table.row_count == 0, "an empty table")
        assert "are named here" in notes(screen)
        screen.session.cancel()


async def test_the_lab_estimates_the_sharpness_and_charts_it_when_asked(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=300)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        assert screen.session.trainer.sharpness_every == LAB_SHARPNESS_EVERY
        await wait_phase(pilot, screen, Phase.FINISHED)
        chart = screen.chart("sharpness")
        await until(pilot, lambda: chart.epochs == 300, "the chart")
        (_, x, _), (_, _, line) = [series for series in chart.series()]
        assert x.tolist() == [100, 200, 300]
        assert np.all(line == stability_limit(0.5)) and line.size > 0
    # A lab block may ask for it first.
    assert chart_slots(["sharpness"]) == ["sharpness", "loss", "tracked"]


def quadratic_run(factor, epochs=600):
    """A linear unit with MSE (its loss a quadratic in θ, the Hessian constant), full-batch
    GD at lr = factor · 2/λ_max, the sharpness every 100 epochs, in a MetricsLog."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 2)) + [0.5, -1.0]
    Y = X @ np.array([[1.5], [-0.5]]) + 0.3
    net = engine.Network([2, 1], output="linear", seed=0)
    sharpness = estimate_sharpness(net, X, Y, "mse").value
    trainer = engine.Trainer(net, X, Y, loss="mse", lr=factor * 2 / sharpness, sharpness_every=100)
    log = engine.MetricsLog(net.layers, len(trainer.tracked))
    trainer.run(epochs, log=log)
    return sharpness, log


@pytest.mark.parametrize("factor", [0.9, 1.1])
async def test_the_charts_line_is_at_2_over_lr_and_gd_converges_below_it_and_diverges_above(factor):
    sharpness, log = quadratic_run(factor)
    chart = SharpnessChart(id="sharpness")
    async with Harness(chart).run_test(size=(80, 20)) as pilot:
        chart.pull(log)
        await pilot.pause()
        (label, x, estimates), (limit_label, limit_x, limit) = chart.series()
        assert (label, limit_label) == ("λ_max", "2/η")
        lr = log.column("lr")[0]
        np.testing.assert_allclose(limit, 2 / lr, rtol=1e-15)
        np.testing.assert_allclose(estimates, sharpness, rtol=1e-6)   # the Hessian is constant
        loss = log.column("loss")
        if factor < 1:
            assert np.all(estimates < limit[0]) and loss[-1] < 1e-6 * loss[0]
        else:
            assert np.all(estimates > limit[0]) and loss[-1] > 1e6 * loss[0]
        assert chart.title() == "sharpness λ_max and 2/η"


async def test_the_line_follows_the_learning_rate_in_force():
    log = engine.MetricsLog(layers=1, tracked=0)
    for epoch in range(1, 401):
        lr = 0.5 if epoch <= 200 else 0.25       # as after − in the Lab at epoch 200
        sharpness = 3.0 if epoch % 100 == 0 else None
        log.append(type("Record", (), dict(epoch=epoch, loss=1.0, test_loss=None, accuracy=None,
                                           test_accuracy=None, lr=lr, sharpness=sharpness,
                                           weight_norms=(1.0,), delta_means=(1.0,),
                                           gradient_norms=(1.0,), tracked=()))())
    chart = SharpnessChart(id="sharpness")
    async with Harness(chart).run_test(size=(80, 20)) as pilot:
        chart.pull(log)
        await pilot.pause()
        (_, x, estimates), (_, limit_x, limit) = chart.series()
        assert x.tolist() == [100, 200, 300, 400] and estimates.tolist() == [3.0] * 4
        assert set(limit[limit_x <= 200].tolist()) == {4.0} and set(limit[limit_x > 200].tolist()) == {8.0}
