"""The Compare screen's parts that need no terminal: the runs a comparison makes, the
dialog's lists, the session's thread, and the per-group median and band."""
from __future__ import annotations

import dataclasses
import threading
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.compare import Comparison, ComparisonError
from tutor.compare_session import CompareSession, sharpness_every
from tutor.screens.compare.setup import default_lists, parse_lists
from tutor.session import Phase
from tutor.widgets.braille import LineRaster
from tutor.widgets.compare_charts import CompareLossChart, median_min_max

BASE = engine.RunConfig(dataset="xor", layers=(2, 3, 1), lr=0.5, epochs=50)


def test_the_dialogs_lists_and_their_errors():
    lists = default_lists(BASE, "lr")
    assert lists == {"activation": ["tanh"], "lr": [0.01, 0.1, 0.5, 1.0, 10.0], "seed": [0, 1, 2]}
    assert default_lists(BASE, "activation")["activation"] == ["sigmoid", "tanh", "relu", "leaky_relu",
                                                               "rrelu", "elu"]           # a colour each
    assert default_lists(dataclasses.replace(BASE, activation="gelu"), "activation")["activation"][-1] == "gelu"
    assert default_lists(BASE, "seed")["seed"] == [0, 1, 2, 3, 4]
    request = parse_lists(BASE, {"activation": "tanh relu", "lr": "0.1, 1", "seed": "0"}, "20")
    assert (request.activations, request.lrs, request.seeds) == (("tanh", "relu"), (0.1, 1.0), (0,))
    assert request.config.epochs == 20 and len(request.comparison().runs) == 4
    assert request.heading == "xor 2-3-1: 2 activations × 2 learning rates × seed 0 = 4 runs of 20 epochs"
    assert parse_lists(BASE, {"activation": "", "lr": "", "seed": ""}, "20").activations == ("tanh",)
    for texts, epochs, field, part in [
            ({"activation": "tanhh", "lr": "1", "seed": "0"}, "20", "activations", "did you mean"),
            ({"activation": "tanh tanh", "lr": "1", "seed": "0"}, "20", "activations", "twice"),
            ({"activation": "tanh", "lr": "1", "seed": "1.5"}, "20", "seeds", "whole number"),
            ({"activation": "tanh", "lr": "1", "seed": "0"}, "0", "epochs", "at least 1"),
            ({"activation": "tanh", "lr": "1", "seed": "0 1 2"}, "1e8", "epochs", "GB")]:
        with pytest.raises((engine.ConfigError, ComparisonError)) as error:
            parse_lists(BASE, texts, epochs)
        assert error.value.field == field and part in error.value.message, error.value


def test_sharpness_is_estimated_every_1000_epochs_or_ten_times_in_a_shorter_run():
    assert [sharpness_every(epochs) for epochs in (10**5, 10**4, 2000, 5)] == [1000, 1000, 200, 1]


def test_a_session_trains_every_run_in_its_thread_and_cancel_stops_it():
    session = CompareSession(Comparison(BASE, [], [], [0, 1]))
    thread = threading.Thread(target=session.run)
    thread.start()
    thread.join(30)
    assert session.phase is Phase.FINISHED and session.runs_done == 2 and session.epoch == 50
    long = CompareSession(Comparison(engine.RunConfig(epochs=10**6), [], [], [0, 1]))
    thread = threading.Thread(target=long.run)
    thread.start()
    while long.epoch < 10:
        thread.join(0.01)
    long.cancel()
    assert long.done.wait(30) and long.phase is Phase.CANCELLED and long.epoch < 10**6


def test_median_min_max_per_epoch_leave_out_what_is_not_finite():
    block = np.array([[1.0, 5.0, np.nan, np.inf],
                      [3.0, 1.0, 2.0, np.nan],
                      [2.0, np.nan, 4.0, np.nan],
                      [9.0, 3.0, np.nan, np.nan]])
    median, low, high = median_min_max(block)
    np.testing.assert_array_equal(median, [2.5, 3.0, 3.0, np.nan])
    np.testing.assert_array_equal(low, [1.0, 1.0, 2.0, np.nan])
    np.testing.assert_array_equal(high, [9.0, 5.0, 4.0, np.nan])


def test_a_chart_folds_in_only_the_epochs_its_training_runs_all_reached():
    session = CompareSession(Comparison(BASE, [], [0.5, 1.0], [0, 1, 2]))
    session.comparison.sweep.groups[0].epoch()     # one epoch of every run
    chart = CompareLossChart()
    chart.show([(session.runs[:3], 0), (session.runs[3:], 1)], ["lr 0.5", "lr 1"])
    assert chart.epochs == 1
    for k, runs in enumerate((session.runs[:3], session.runs[3:])):
        losses = sorted(run.log.column("loss")[0] for run in runs)
        for series, want in ((k, losses[1]), (k + 2, losses[0]), (k + 4, losses[2])):   # median, min, max
            x, y = chart.envelope.points(10, series)
            assert x.tolist() == [1.0] and y.tolist() == [want]
    assert not chart.pull()            # nothing new


def test_a_band_hatches_between_its_edges_and_leaves_the_rest_blank():
    raster = LineRaster(10, 4)          # 20 x 16 dots
    x = np.array([0.0, 10.0])
    raster.band((x, np.array([2.0, 2.0])), (x, np.array([6.0, 6.0])), (0.0, 10.0), (0.0, 8.0), "blue")
    rows, cols, markers, color = raster.cells[0]
    assert color == "blue"
    assert sorted(set(cols.tolist())) == [0, 2, 4, 6, 8]    # every other cell: light stripes
    assert set(rows.tolist()) == {1, 2}                     # dot rows 4-11 of 16: the middle two cells
    assert all(marker != chr(0x2800) for marker in markers)


@settings(max_examples=80, deadline=None)
@given(runs=st.integers(1, 20), epochs=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_median_min_max_equal_numpys_over_the_finite_values(runs, epochs, seed):
    rng = np.random.default_rng(seed)
    block = rng.standard_normal((2, runs, epochs))
    block[rng.random(block.shape) < 0.3] = rng.choice([np.nan, np.inf, -np.inf])
    median, low, high = median_min_max(block)
    clean = np.where(np.isfinite(block), block, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # an epoch with no finite value
        np.testing.assert_array_equal(median, np.nanmedian(clean, axis=1))
        np.testing.assert_array_equal(low, np.nanmin(clean, axis=1))
        np.testing.assert_array_equal(high, np.nanmax(clean, axis=1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), min_size=1, max_size=8), min_size=1, max_size=5))
def test_lines_joined_in_one_call_have_the_dots_of_each_line_alone(lines):
    from tutor.widgets.braille import line_dots

    xs = [np.arange(len(line)) * 7 for line in lines]
    ys = [np.array(line) for line in lines]
    starts = np.cumsum([len(x) for x in xs])[:-1]
    px, py = line_dots(np.concatenate(xs), np.concatenate(ys), starts)
    together = set(zip(px.tolist(), py.tolist()))
    alone = {dot for x, y in zip(xs, ys) for dot in zip(*(d.tolist() for d in line_dots(x, y)))}
    assert together == alone
