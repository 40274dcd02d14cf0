"""The Lab's charts over the epochs: accuracy, gradient norms and the others a lesson's
lab card names, opened as the card asks and switched with a, w, d."""
from __future__ import annotations

import numpy as np
from lab_fixtures import key, lab_app, lab_screen, until, wait_phase
from textual.app import App
from textual.widgets import Button

import engine
from tutor import messages
from tutor.course.model import LabBlock
from tutor.screens.lab import LabScreen
from tutor.screens.lab.screen import LOG_CHARTS
from tutor.session import Phase
from tutor.widgets.charts import AccuracyChart, GradientNormChart
from tutor.widgets.lesson_blocks import LabCard


def shown_charts(screen: LabScreen) -> list[str]:
    """The ids of the epoch charts on screen, in the grid's order."""
    ids = {chart_id for chart_id, _ in LOG_CHARTS.values()}
    return [panel.id for panel in screen.query_one("#panels").children if panel.id in ids and panel.display]


class CardHarness(App):
    def __init__(self, card) -> None:
        super().__init__()
        self.card, self.opened = card, []

    def compose(self):
        yield self.card

    def on_open_lab(self, message: messages.OpenLab) -> None:
        self.opened.append(message)


async def test_a_lab_card_passes_its_charts_on_with_its_run():
    block = LabBlock(config=engine.RunConfig(dataset="circle", epochs=50), charts=("loss", "accuracy", "decision_boundary"))
    app = CardHarness(LabCard(block))
    async with app.run_test(size=(80, 12)) as pilot:
        app.card.query_one(".lab-open", Button).press()
        await until(pilot, lambda: app.opened, "the message")
        assert app.opened[0].charts == ("loss", "accuracy", "decision_boundary")
        assert app.opened[0].config.dataset == "circle"


async def test_the_lab_opens_with_the_charts_a_card_names_and_they_follow_the_run(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await lab_screen(app, pilot)
        config = app.screen.initial_config.__class__(dataset="circle", test_share=0.3, epochs=300)
        app.post_message(messages.OpenLab(config, start=True, charts=("loss", "gradient_norms", "accuracy")))
        await until(pilot, lambda: isinstance(app.screen, LabScreen) and app.screen.initial_config == config)
        screen = await lab_screen(app, pilot)
        await until(pilot, lambda: shown_charts(screen) == ["loss", "gradient-norms", "accuracy"], "the card's charts")
        await wait_phase(pilot, screen, Phase.FINISHED)
        accuracy, gradients = screen.query_one(AccuracyChart), screen.query_one(GradientNormChart)
        await until(pilot, lambda: accuracy.epochs == 300 and gradients.epochs == 300, "the charts")
        await until(pilot, lambda: accuracy.legend_labels() == ["train", "test"], "train and test accuracy")
        assert gradients.legend_labels() == ["W1", "W2"]
        assert "accuracy" in str(accuracy.border_title) and "‖∂L/∂W‖" in str(gradients.border_title)
        x, y = accuracy._envelopes[1].points(100)
        np.testing.assert_allclose(y[-1], screen.session.log.last("test_accuracy"))


async def test_a_w_d_show_the_next_chart_in_each_place_never_one_shown_twice(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=200)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.FINISHED)
        assert shown_charts(screen) == ["loss", "weights", "deltas"]          # the defaults
        await key(app, pilot, "a")
        await until(pilot, lambda: shown_charts(screen) == ["accuracy", "weights", "deltas"], "accuracy")
        await until(pilot, lambda: screen.query_one(AccuracyChart).epochs == 200, "its whole run")
        await key(app, pilot, "w")
        await until(pilot, lambda: shown_charts(screen) == ["accuracy", "weight-norms", "deltas"], "norms")
        for _ in range(6):                                                    # all the way round
            await key(app, pilot, "d")
            await pilot.pause()
            shown = shown_charts(screen)
            assert len(shown) == len(set(shown)) == 3, shown
        assert "a: next" in str(screen.query_one(AccuracyChart).border_title)


async def test_at_80x24_every_legend_entry_shown_is_whole(tmp_path):
    from html import unescape

    from tutor.widgets.charts import DeltaChart, WeightsChart
    app = lab_app(tmp_path, start=True, epochs=200)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.FINISHED)
        await pilot.press("3")
        await pilot.pause()
        shown = unescape(app.export_screenshot()).replace("\xa0", " ")
        for chart in (screen.query_one(WeightsChart), screen.query_one(DeltaChart)):
            entries = str(chart.border_subtitle).split("━")[1:]
            assert entries, chart
            for entry in entries:
                text = entry.split("[/")[0].strip()
                assert text in shown, (text, chart)
