"""The Lab's widgets on their own: the chart envelope, plotext text, the diagram, the
boundary map, and the refresh pacer."""
from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lab_fixtures import Harness, until
from rich.console import Console
from rich.text import Text
from textual_plotext.plot import Plot

import engine
from tutor.screens.lab.pacing import RefreshPacer
from tutor.session import TrainingSession
from tutor.widgets.boundary import BoundaryMap
from tutor.widgets.charts import (LossChart, draw_lines, epoch_ticks, figure_text,
                                  make_room_for_lines, matrix_text)
from tutor.widgets.network_diagram import NetworkDiagram, weight_glyph, weight_number
from tutor.series import Envelope

# ----- Envelope -------------------------------------------------------------------------

values = st.floats(allow_nan=True, allow_infinity=True, width=32)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(values, max_size=40), max_size=25), st.sampled_from([2, 4, 8]))
def test_envelope_keeps_every_buckets_true_extremes(chunks, max_buckets):
    envelope = Envelope(max_buckets)
    for chunk in chunks:
        envelope.extend(np.array(chunk, dtype=np.float64))
    y = np.array([v for chunk in chunks for v in chunk], dtype=np.float64)
    assert envelope.count == len(y)
    assert len(envelope._lo_x) == math.ceil(len(y) / envelope.width) <= max_buckets
    finite = np.where(np.isfinite(y), y, np.nan)
    for b in range(len(envelope._lo_x)):
        bucket = finite[b * envelope.width:(b + 1) * envelope.width]
        if np.isnan(bucket).all():
            assert np.isnan(envelope._lo_y[b]) and np.isnan(envelope._hi_y[b])
            continue
        assert envelope._lo_y[b] == np.nanmin(bucket) and envelope._hi_y[b] == np.nanmax(bucket)
        # ... at the epoch (x = index + 1) where it happened
        assert y[int(envelope._lo_x[b]) - 1] == envelope._lo_y[b]
        assert y[int(envelope._hi_x[b]) - 1] == envelope._hi_y[b]


def test_envelope_points_keep_spikes_and_stay_few_for_a_million_epochs():
    y = np.full(1_000_000, 1.0)
    y[123_456], y[654_321] = 50.0, -40.0
    envelope = Envelope()
    for start in range(0, len(y), 99_991):     # in uneven pieces, as a run delivers them
        envelope.extend(y[start:start + 99_991])
    assert len(envelope._lo_x) <= envelope.max_buckets
    x, p = envelope.points(240)
    assert len(x) <= 242 and np.all(np.diff(x) > 0)
    assert p.max() == 50.0 and x[p.argmax()] == 123_457
    assert p.min() == -40.0 and x[p.argmin()] == 654_322


def test_epoch_ticks_are_round_numbers_from_one_to_the_last_epoch():
    assert epoch_ticks(1) == ([1.0], ["1"])
    ticks, labels = epoch_ticks(10_000)
    assert ticks[0] == 1 and ticks[-1] <= 10_000 and labels[1:] == ["2.5k", "5k", "7.5k", "10k"]
    assert epoch_ticks(3_000_000)[1][-1] == "3M"


# ----- plotext figures as Rich text --------------------------------------------------------

def styles_per_cell(text: Text) -> list:
    out = []
    for segment in text.render(Console(width=400)):
        out += [segment.style] * len(segment.text)
    return out


def draw_figure(plt: Plot, theme: str) -> Plot:
    plt.clear_figure()
    x = list(range(1, 200))
    plt.plot(x, [math.log(v) for v in x], marker="braille", color="blue+")
    plt.plot(x, [math.sqrt(v) for v in x], marker="braille", color="orange+")
    plt.vertical_line(50, color="green+")
    plt.plotsize(70, 20)
    plt.theme(theme)
    return plt


def test_figure_text_is_exactly_what_plotext_builds():
    for theme in ("pro", "dark"):
        fast = figure_text(draw_figure(Plot(), theme))
        slow = Text.from_ansi(draw_figure(Plot(), theme).build())
        assert fast.plain == slow.plain.rstrip("\n")
        assert styles_per_cell(fast) == styles_per_cell(slow)[:len(fast.plain)]


def plotext_lines(lines, marker: str, size=(70, 20), extras=None) -> Text:
    """The figure as plotext draws it: plt.plot(x, y) for every line."""
    plt = Plot()
    for x, y, color in lines:
        plt.plot(x.tolist(), y.tolist(), marker=marker, color=color)
    (extras or (lambda plt: None))(plt)
    plt.plotsize(*size)
    plt.theme("pro")
    return figure_text(plt)


def rasterised_lines(lines, braille: bool, size=(70, 20), extras=None) -> Text:
    """The same figure as the charts build it: the lines rasterised with NumPy."""
    plt = Plot()
    lines = make_room_for_lines(plt, lines)
    (extras or (lambda plt: None))(plt)
    plt.plotsize(*size)
    plt.theme("pro")
    plt._set_sizes()
    plt._build_matrix()
    draw_lines(plt, lines, braille=braille)
    return matrix_text(plt.monitor.matrix)


def assert_same_figure(ours: Text, plotext: Text) -> None:
    assert ours.plain == plotext.plain
    assert styles_per_cell(ours) == styles_per_cell(plotext)


def test_rasterised_lines_are_the_cells_plotext_draws():
    x = np.arange(1.0, 200.0)
    lines = [(x, np.log(x), "blue+"), (x, np.sqrt(x), "orange+")]
    vertical = lambda plt: plt.vertical_line(50, color="green+")
    for marker, braille in (("braille", True), ("dot", False)):
        for size in ((70, 20), (120, 40), (23, 7)):
            ours = rasterised_lines(lines, braille, size, vertical)
            assert_same_figure(ours, plotext_lines(lines, marker, size, vertical))
            assert ("⠀" < max(ours.plain)) == braille   # braille cells drawn, or dots


def test_rasterised_lines_are_clipped_to_limits_as_plotext_clips_them():
    # A curve that leaves the y limits (as the fit chart's can): only its inside part is drawn.
    x = np.linspace(-3, 3, 90)
    lines = [(x, x ** 3, "blue+")]
    limits = lambda plt: plt.ylim(-2, 2)
    ours = rasterised_lines(lines, True, extras=limits)
    assert_same_figure(ours, plotext_lines(lines, "braille", extras=limits))


@settings(max_examples=40, deadline=None)
# (plotext's own tick labels fail on spans near 1e-308: the charts label those themselves)
@given(st.lists(st.floats(-1e3, 1e3).filter(lambda v: v == 0 or abs(v) > 1e-300), min_size=1, max_size=60),
       st.integers(8, 100), st.integers(5, 30))
def test_rasterised_lines_match_plotext_for_any_values(values, width, height):
    y = np.array(values)
    lines = [(np.arange(1.0, len(y) + 1), y, "red+"), (np.arange(1.0, len(y) + 1), -y, "cyan+")]
    ours = rasterised_lines(lines, True, (width, height))
    assert_same_figure(ours, plotext_lines(lines, "braille", (width, height)))


def test_lines_without_finite_points_leave_an_empty_frame():
    nan = np.full(5, np.nan)
    ours = rasterised_lines([(np.arange(5.0), nan, "blue+")], True)
    assert set(ours.plain) <= set(" \n─│┌┐└┘")   # the frame, no dots and no ticks


# ----- diagram glyphs -------------------------------------------------------------------------

def test_weight_glyphs_show_sign_and_size():
    assert [weight_glyph(w) for w in (0.01, -0.1, 0.5, -1.0, 3.0)] == ["+·", "−░", "+▒", "−▓", "+█"]
    assert [weight_number(w) for w in (0.531, -12.34, 250.0, -123456.0)] == ["+0.53", "−12.3", "+250", "−1e5"]


# ----- widgets in an app ------------------------------------------------------------------------

async def test_the_diagram_shows_every_weight_with_its_sign_and_selects_by_keys():
    diagram = NetworkDiagram()
    weights = [np.array([[0.5, -1.25], [2.0, 0.0]]), np.array([[-0.75], [0.25]])]
    async with Harness(diagram).run_test(size=(80, 10)) as pilot:
        diagram.show([2, 2, 1], weights)
        await pilot.pause()
        text = diagram.render().plain
        for number in ("+0.50", "−1.25", "+2.00", "+0.00", "−0.75", "+0.25"):
            assert number in text
        assert "W1" in text and "W2" in text and "out" in text
        # Row j of the block W1 holds the weights into hidden neuron j.
        row = next(line for line in text.splitlines() if "+0.50" in line)
        assert "+2.00" in row and "−1.25" not in row
        diagram.focus()
        await pilot.press("down", "right")
        assert diagram.selected == (2, 0)
        await pilot.press("left", "left", "up")
        assert diagram.selected == (0, 0)


async def test_the_diagram_falls_back_to_glyphs_when_numbers_do_not_fit():
    diagram = NetworkDiagram()
    weights = [np.full((2, 8), 0.5), np.full((8, 8), -1.0), np.full((8, 1), 3.0)]
    async with Harness(diagram).run_test(size=(40, 14)) as pilot:
        diagram.show([2, 8, 8, 1], weights)
        await pilot.pause()
        text = diagram.render().plain
        assert "+0.50" not in text and "+▒" in text and "−▓" in text and "+█" in text


@pytest.mark.parametrize("width", [8, 20, 30])
async def test_a_diagram_too_small_for_any_weight_column_still_draws(width):
    # Three rows: one row of neurons, so layers wider than it show no neuron and no source
    # column (this raised IndexError when a Lab run was resized to 30x10).
    diagram = NetworkDiagram()
    weights = [np.full((2, 4), 0.5), np.full((4, 1), -1.0)]
    async with Harness(diagram).run_test(size=(width, 3)) as pilot:
        diagram.show([2, 4, 1], weights)
        diagram.select(1, 3)
        await until(pilot, lambda: diagram.size.height and diagram.size.height <= 4, "the diagram laid out")
        text = diagram.render().plain
        assert text.startswith("in") and "⋮+2" in text   # the inputs summarised: no row to show one


async def test_a_large_layer_draws_the_window_around_the_selected_or_marked_neuron():
    diagram = NetworkDiagram()
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(2, 64)), rng.normal(size=(64, 1))]
    async with Harness(diagram).run_test(size=(40, 14)) as pilot:
        diagram.show([2, 64, 1], weights)
        await pilot.pause()
        text = diagram.render().plain
        assert " 0●" in text and "40●" not in text and "W2 0-" in text      # the first neurons, as before
        diagram.select(1, 40)                                              # the Lab: the selected neuron
        await pilot.pause()
        text = diagram.render().plain
        first, last = map(int, re.search(r"W2 (\d+)-(\d+)", text).groups())
        assert "40●" in text and first <= 40 <= last and f"{first}●" in text and f"{last}●" in text
        labels = [int(i) for i in re.findall(r"\d+", text.splitlines()[1])[2:]]   # after W1's 0 1
        assert labels == list(range(first, last + 1, 2))                   # two-digit labels kept apart
        diagram.highlight = frozenset({(0, 0), (0, 1), (1, 63)})          # the stepper: the step's neurons
        diagram.refresh()
        await pilot.pause()
        text = diagram.render().plain
        assert "63●" in text and "40●" not in text
        cell = next(cell for cell, neuron in diagram._hits.items() if neuron == (1, 63))
        assert await pilot.click(diagram, offset=(cell[1], cell[0]))
        assert diagram.selected == (1, 63)


async def test_the_boundary_map_colours_each_side_of_the_boundary():
    boundary = BoundaryMap()
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    Y = np.array([[0.0], [1.0], [0.0], [1.0]])
    async with Harness(boundary).run_test(size=(40, 12)) as pilot:
        # A network that says 1 right of x1 = 0 and 0 left of it.
        boundary.show(lambda points: (points[:, :1] > 0).astype(float), X, Y)
        await pilot.pause()
        line = boundary.render_line(5)
        cells = [(seg.text, seg.style) for seg in line]
        left, right = cells[0][1], cells[-1][1]
        assert left.bgcolor != right.bgcolor
        assert right.bgcolor.triplet.blue > right.bgcolor.triplet.red      # blue for 1
        assert left.bgcolor.triplet.red > left.bgcolor.triplet.blue        # orange for 0
        drawn = "".join(boundary.render_line(y).text for y in range(boundary.size.height - 1))
        assert drawn.count("●") == 4                                          # every sample


async def test_the_loss_chart_redraws_only_when_the_log_grew():
    chart = LossChart()
    session = TrainingSession(engine.RunConfig.from_mapping({"epochs": 30}))
    async with Harness(chart).run_test(size=(60, 15)) as pilot:
        session.run()
        assert chart.pull(session.log) is True
        await pilot.pause()
        builds = chart.builds
        assert chart.pull(session.log) is False      # nothing new: no rebuild
        chart.refresh()
        await pilot.pause()
        assert chart.builds == builds and chart.epochs == 30


def test_the_pacer_slows_down_when_refreshing_costs_more_than_its_budget():
    pacer = RefreshPacer(0.25, budget=0.1)
    assert pacer.due(0.0)
    pacer.spent(0.005, now=0.0)                 # cheap: every interval
    assert not pacer.due(0.2) and pacer.due(0.25)
    for _ in range(20):
        pacer.spent(0.08, now=10.0)             # 80 ms a refresh: 0.8 s apart keeps 10 %
    assert not pacer.due(10.7) and pacer.due(10.8)
    for _ in range(20):
        pacer.spent(1.0, now=20.0)              # never slower than four intervals
    assert pacer.due(21.0)


def test_a_chart_follows_a_log_that_lets_old_rows_go():
    # A log keeping only its last rows (as the Lab's does): rows that went before a pull
    # are a gap in the chart (nothing drawn there), and later epochs land where they belong.
    log = engine.MetricsLog(layers=1, tracked=0, capacity=4, keep=4)
    chart = LossChart()
    record = lambda epoch, loss: SimpleNamespace(
        epoch=epoch, loss=loss, test_loss=None, accuracy=None, test_accuracy=None, lr=0.1,
        weight_norms=(1.0,), delta_means=(1.0,), gradient_norms=(1.0,), tracked=())
    log.append(record(1, 5.0))
    chart.pull(log)
    for epoch in range(2, 31):
        log.append(record(epoch, 1.0 / epoch))
    assert log.first > 1
    chart.pull(log)
    assert chart.epochs == 30
    x, y = chart._envelopes[0].points(100)
    assert x[0] == 1 and y[0] == 5.0                              # seen before the gap
    assert 2 not in x and x[1] == log.first + 1                   # the gap: nothing drawn
    np.testing.assert_allclose(y[1:], 1.0 / x[1:])                # each loss at its epoch


async def test_a_diverging_run_is_charted_to_its_last_finite_loss():
    # Plain SGD at lr 10 on MSE: the loss passes 3e307 before it overflows, more than
    # plotext's arithmetic can place on a row.
    config = engine.RunConfig.from_mapping(dict(
        dataset="xor", layers="2,4,1", activation="relu", output="linear", loss="mse",
        lr=10, epochs=5000, seed=1))
    session = TrainingSession(config)
    session.run()
    assert session.message.startswith("diverged") and np.nanmax(session.log.column("loss")[np.isfinite(session.log.column("loss"))]) > 1e307
    chart = LossChart()
    async with Harness(chart).run_test(size=(60, 15)) as pilot:
        chart.pull(session.log)
        await pilot.pause()
        text = chart.render().plain
        assert "1e+300" in text                                          # the top tick
        assert any("⠀" < ch <= "⣿" for ch in text)                      # the line is drawn


class BrokenChart(LossChart):
    def draw(self, plt) -> None:
        plt.ylim(0, 0)   # nowhere to place anything: plotext divides by zero


async def test_a_chart_plotext_cannot_draw_says_so_in_its_place():
    chart = BrokenChart()
    async with Harness(chart).run_test(size=(60, 15)) as pilot:
        session = TrainingSession(engine.RunConfig.from_mapping({"epochs": 5}))
        session.run()
        chart.pull(session.log)
        await pilot.pause()
        assert chart.render().plain.startswith("cannot draw this chart:")


class LinesChart(LossChart):
    """A chart of given lines, to try values at the edges of what floats hold."""

    def __init__(self, y: np.ndarray) -> None:
        super().__init__()
        self.y = y

    def lines(self):
        return [(np.arange(1.0, len(self.y) + 1), self.y, 0)]


async def test_values_too_large_or_too_close_for_plotext_get_e_notation_ticks():
    # (beyond ±1e300 a value is drawn at ±1e300: plotext cannot place it on a row)
    for y, tick in ((np.array([0.0, 1e-310]), "1e-310"), (np.array([5.0, 1.5e308]), "1e+300"),
                    (np.array([1.0, 1.0 + 1e-12]), "1.000000000001")):
        chart = LinesChart(y)
        async with Harness(chart).run_test(size=(60, 15)) as pilot:
            await pilot.pause()
            text = chart.render().plain
            assert tick in text, text
            assert any("⠀" < ch <= "⣿" for ch in text)


def y_labels(text: str) -> tuple[list[tuple[int, float]], float]:
    """(row counted from the top, value) of each y tick label a chart shows, and the
    unit of the labels' last digit."""
    import re
    found, decimals = [], 0
    for row, line in enumerate(text.splitlines()):
        match = re.match(r"\s*(-?[0-9][0-9.]*)┤", line)
        if match:
            found.append((row, float(match.group(1))))
            decimals = max(decimals, len(match.group(1).partition(".")[2]))
    return found, 10.0 ** -decimals


async def test_each_y_label_sits_on_the_row_whose_value_it_names_at_every_height():
    from tutor.widgets.charts import ActivationChart, tick_rows
    charts = [LinesChart(np.linspace(0.0, 0.73, 50)), LinesChart(np.linspace(-3.0, 250.0, 50)),
              ActivationChart()]
    for chart in charts:
        for height in range(6, 22):
            async with Harness(chart).run_test(size=(60, height)) as pilot:
                if isinstance(chart, ActivationChart):
                    chart.show(engine.ACTIVATIONS["tanh"], (-2.0, 2.0))
                await pilot.pause()
                labels, unit = y_labels(chart.render().plain)
                rows = height - 3
                case = f"{type(chart).__name__} at height {height}: {labels}"
                assert len(labels) == len(tick_rows(rows)) >= 2, case   # none lost
                assert [r for r, _ in labels] == sorted({r for r, _ in labels}), case
                # Equal value per row between every two labels (within the labels' rounding).
                (top_row, top), (bottom_row, bottom) = labels[0], labels[-1]
                per_row = (top - bottom) / (bottom_row - top_row)
                for row, value in labels:
                    assert abs(value - (bottom + (bottom_row - row) * per_row)) <= 1.5 * unit, case


def test_a_legend_keeps_every_entry_whole_with_its_coloured_mark_and_counts_the_rest():
    from tutor.widgets.charts import legend
    labels = ["W1[0,0]", "W1[1,2]", "W2[0,0]", "W2[2,2]", "W3[0,0]", "W3[2,0]"]
    assert legend(labels, 80).plain == "━ W1[0,0] ━ W1[1,2] ━ W2[0,0] ━ W2[2,2] ━ W3[0,0] ━ W3[2,0]"
    assert legend(labels, 53).plain == "━W1[0,0] ━W1[1,2] ━W2[0,0] ━W2[2,2] ━W3[0,0] ━W3[2,0]"
    narrow = legend(labels, 36)
    assert narrow.plain == "━ W1[0,0] ━ W1[1,2] ━ W2[0,0] +3"
    marks = [span for span in narrow.spans if narrow.plain[span.start] == "━"]
    assert len(marks) == 3 and len({str(span.style) for span in marks}) == 3   # each in its colour
    assert legend(["train", "test"], 14).plain == "━ train ━ test"


async def test_the_boundary_caption_always_names_the_train_and_test_marks():
    boundary = BoundaryMap()
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    async with Harness(boundary).run_test(size=(38, 8)) as pilot:
        boundary.show(lambda g: np.full((len(g), 1), 0.5), X, np.array([[0.0], [1.0]]), X + 0.5,
                      np.array([[1.0], [0.0]]))
        await pilot.pause()
        caption = boundary.render_line(boundary.size.height - 1).text
        assert "● train ○ test" in caption and "→" in caption and "↑" in caption
        assert boundary.caption(15).strip() == "● train ○ test"


async def test_the_diagram_legend_fits_a_narrow_panel_whole():
    from tutor.widgets.network_diagram import LEGENDS
    diagram = NetworkDiagram()
    weights = [np.full((2, 4), 0.5), np.full((4, 1), -1.0)]
    async with Harness(diagram).run_test(size=(38, 12)) as pilot:
        diagram.show([2, 4, 1], weights, None, 4)
        await pilot.pause()
        last = diagram.render().plain.splitlines()[-1]
        assert last in LEGENDS[False] + LEGENDS[True] and len(last) <= 38


async def test_the_boundary_map_gives_each_of_three_classes_its_own_colour():
    import engine as eng
    data = eng.datasets.load("blobs", samples=60, noise=0.0, seed=2)
    boundary = BoundaryMap()

    def predict(grid):   # surely the class of the nearest blob centre
        centres = np.array([data.X[data.Y[:, k] == 1].mean(axis=0) for k in range(3)])
        return np.eye(3)[((grid[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)]

    async with Harness(boundary).run_test(size=(40, 12)) as pilot:
        boundary.show(predict, data.X, data.Y)
        await pilot.pause()
        strips = [boundary.render_line(y) for y in range(boundary.size.height - 1)]
        backgrounds = {segment.style.bgcolor.name for strip in strips for segment in strip
                       if segment.style is not None and segment.style.bgcolor is not None}
        points = {segment.style.color.name for strip in strips for segment in strip
                  if "●" in segment.text}
    assert len(backgrounds) == 3          # three regions, each in its class's hue
    assert len(points) == 3               # the samples in three colours


def test_a_curve_far_outside_the_limits_costs_a_few_canvases_of_dots():
    # A linear neuron diverging at η = 2.1 (lessons/02-gradient-descent.md) drew its fit curve at
    # 10⁸ on a chart scaled to the data: plotext's way, a dot per step of the way, took 6 GB.
    import tracemalloc

    from tutor.widgets.braille import BAND, LineRaster

    x = np.linspace(-1, 1, 200)
    raster = LineRaster(40, 12)
    tracemalloc.start()
    raster.line(x, 1e8 * x, (-1, 1), (-2, 2), "blue+")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
    rows, cols, markers, _ = raster.cells[0]
    assert (np.abs(cols - 20) <= 1).all()                  # the steep line crosses the middle column,
    assert set(rows.tolist()) == set(range(12))              # from the bottom to the top
    assert BAND >= 1                                         # inside the band: plotext's dots (tests above)


def test_far_segments_are_drawn_within_a_dot_of_the_true_line():
    from tutor.widgets.braille import band_dots

    rng = np.random.default_rng(1)
    width, height = 140, 80
    for _ in range(200):
        n = int(rng.integers(2, 8))
        fx, fy = np.sort(rng.uniform(-10, width + 10, n)), rng.uniform(-1, height + 1, n)
        far = rng.choice(n, size=int(rng.integers(1, n + 1)), replace=False)
        fy[far] = rng.choice([-1, 1], len(far)) * rng.uniform(3, 1e6, len(far)) * height
        px, py = band_dots(fx, fy, width, height)
        assert len(px) < 10 * (width + height) * n
        inside = (px >= 0) & (px < width) & (py >= 0) & (py < height)
        points = np.stack([px[inside] + 0.5, py[inside] + 0.5], axis=1)   # dot centres
        a, b = np.stack([fx[:-1], fy[:-1]], 1), np.stack([fx[1:], fy[1:]], 1)
        d = b - a
        t = np.clip(((points[:, None] - a) * d).sum(-1) / (d * d).sum(-1), 0, 1)
        gap = np.linalg.norm(points[:, None] - (a + t[..., None] * d), axis=-1).min(axis=1)
        assert (gap <= 1.5).all()


def test_a_far_line_and_a_far_band_among_a_colours_lines_stay_cheap_and_keep_the_near_line():
    # Compare draws a colour's curves and min-max bands in one pass (LineRaster._flush); a
    # diverging seed's band reaching 10⁸ must cost no more than one far line does.
    import tracemalloc

    from tutor.widgets.braille import LineRaster

    x = np.linspace(0, 1, 200)
    near = LineRaster(40, 12)
    near.line(x, x, (0, 1), (0, 1), "red")
    both = LineRaster(40, 12)
    tracemalloc.start()
    both.line(x, x, (0, 1), (0, 1), "red")
    both.line(x, 1e8 * x, (0, 1), (0, 1), "red")
    both.band((x, x), (x, 1e8 * x), (0, 1), (0, 1), "red")
    cells = both.cells
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
    (rows, cols, _, _), = cells
    drawn = set(zip(rows.tolist(), cols.tolist()))
    near_rows, near_cols, _, _ = near.cells[0]
    assert set(zip(near_rows.tolist(), near_cols.tolist())) <= drawn   # the near line is all there
