"""The Lab's layout at 80x24 and 120x36, resizing mid-run, and the diagram's selection."""
from __future__ import annotations

from lab_fixtures import key, lab_app, lab_screen, status_text, until
from textual.geometry import Region

from tutor.screens.lab.pacing import REFRESH_SECONDS
from tutor.session import Phase
from tutor.widgets.charts import LossChart
from tutor.widgets.lab_controls import BUTTONS, FIELD_NAMES
from tutor.widgets.network_diagram import NetworkDiagram, NeuronInspector

CONTROLS = [f"#field-{field}" for field in FIELD_NAMES] + [f"#button-{action}" for action, _ in BUTTONS]
VIEWS = {
    "setup": ["#controls", *CONTROLS],
    "train": ["#network-panel", "#diagram", "#inspector", "#data-panel", "#boundary", "#loss"],
    "inside": ["#weights", "#deltas", "#activation"],
}


def assert_shown(screen, selectors, size):
    """Each widget is on screen: a region of some size, wholly inside the terminal."""
    whole = Region(0, 0, *size)
    for selector in [*selectors, "#status"]:
        region = screen.query_one(selector).region
        assert region.width > 0 and region.height > 0, f"{selector} has no room: {region}"
        assert whole.contains_region(region), f"{selector} is cut off: {region} in {size}"


def assert_inside(screen, selectors, container):
    """Each widget lies inside the container's content (no scrolling needed to see it)."""
    box = screen.query_one(container).content_region
    for selector in selectors:
        region = screen.query_one(selector).region
        assert box.contains_region(region), f"{selector} at {region} is outside {container} {box}"


async def test_at_120x36_every_control_and_chart_is_on_one_screen(tmp_path):
    size = (120, 36)
    app = lab_app(tmp_path, dataset="circle", layers="2,4,4,1")
    async with app.run_test(size=size) as pilot:
        screen = await lab_screen(app, pilot)
        assert screen.wide
        assert not screen.query_one("#views").display     # no tabs needed
        assert_shown(screen, [selector for view in VIEWS.values() for selector in view], size)
        assert_inside(screen, CONTROLS, "#controls")
        # Panels do not overlap.
        panels = ["#controls", "#network-panel", "#data-panel", "#loss", "#weights", "#deltas", "#activation"]
        regions = [screen.query_one(p).region for p in panels]
        for i, a in enumerate(regions):
            for b in regions[i + 1:]:
                assert not a.overlaps(b), (a, b)
        # A chart big enough to read: a dozen columns of plot and a few rows.
        for chart in ("#loss", "#weights", "#deltas", "#activation"):
            width, height = screen.query_one(chart).size
            assert width >= 30 and height >= 6, (chart, width, height)


async def test_at_80x24_the_views_show_every_control_and_chart_in_turn(tmp_path):
    size = (80, 24)
    app = lab_app(tmp_path, dataset="circle", layers="2,4,4,1")
    async with app.run_test(size=size) as pilot:
        screen = await lab_screen(app, pilot)
        assert not screen.wide
        assert screen.query_one("#views").display
        for number, (view, selectors) in enumerate(VIEWS.items(), start=1):
            await pilot.press(str(number))
            assert screen.view == view
            assert_shown(screen, selectors, size)
            others = [s for v, group in VIEWS.items() if v != view for s in group if s.startswith("#") and s in
                      ("#controls", "#network-panel", "#data-panel", "#loss", "#weights", "#deltas", "#activation")]
            for selector in others:                 # one view at a time
                assert not screen.query_one(selector).region.area, selector
        assert_inside(screen, ["#activation"], "#panels")
        await pilot.press("1")
        assert_inside(screen, CONTROLS, "#controls")
        # The tabs switch views too.
        await pilot.click("#tab-inside")
        assert screen.view == "inside"


async def test_resizing_mid_run_keeps_training_and_relays_the_screen(tmp_path):
    # (circle: a dataset that uses every setting, so that every control is shown)
    app = lab_app(tmp_path, start=True, epochs=10**7, dataset="circle", samples=20)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        session = screen.session
        await until(pilot, lambda: session.log.count > 20, "some epochs")
        for size in ((80, 24), (100, 30), (160, 48), (120, 36)):
            app.simulate_key("space")                # pause, so that the resize is quick to settle
            await until(pilot, lambda: session.phase is Phase.PAUSED, "paused")
            await pilot.resize_terminal(*size)
            await until(pilot, lambda: screen.size == size, f"the screen at {size}")
            wide = size[0] >= 110 and size[1] >= 30
            assert screen.wide == wide
            assert_shown(screen, VIEWS["train"] if not wide else
                         [s for view in VIEWS.values() for s in view], size)
            count = session.log.count
            await key(app, pilot, "space")
            await until(pilot, lambda: session.log.count > count + 20, f"training on at {size}")
        assert session.phase is Phase.RUNNING
        session.cancel()


async def test_selecting_a_neuron_shows_its_z_a_and_delta_for_the_chosen_sample(tmp_path):
    app = lab_app(tmp_path, dataset="xor", layers="2,3,1")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        diagram = screen.query_one(NetworkDiagram)
        inspector = screen.query_one(NeuronInspector)
        assert diagram.has_focus and diagram.selected == (1, 0)
        await pilot.press("down", "down")
        assert diagram.selected == (1, 2)
        text = str(inspector.render())
        assert "h1[2]" in text and "z = " in text and "tanh(z)" in text and "δ = ∂C/∂z" in text
        await pilot.press("right")
        assert diagram.selected == (2, 0) and "out[0]" in str(inspector.render())
        await pilot.press("right_square_bracket")
        assert diagram.sample == 1 and "sample 1 of 4" in str(inspector.render())
        # The numbers are those of one backward pass on that sample.
        session = screen.session
        X, Y = session.data.X[1:2], session.data.Y[1:2]
        g = session.net.backward(X, Y, session.config.loss)
        assert f"{g.deltas[-1][0, 0]:+.4g}" in str(inspector.render())
        # A click on a neuron selects it.
        (row, column), hit = next(((place, neuron) for place, neuron in diagram._hits.items()
                                   if neuron == (0, 1)))
        await pilot.click(NetworkDiagram, offset=(column, row))
        assert diagram.selected == (0, 1) and "in[1]" in str(inspector.render())


async def test_l_toggles_the_loss_between_linear_and_log10_and_slow_links_refresh_less(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        chart = screen.query_one(LossChart)
        assert not chart.log_scale
        await pilot.press("l")
        await pilot.pause()
        assert chart.log_scale and "log10" in str(chart.border_title)
        assert screen.refresh_interval == REFRESH_SECONDS
        app.slow_link = True
        assert screen.refresh_interval >= 4 * REFRESH_SECONDS
        assert "ready" in status_text(screen)
