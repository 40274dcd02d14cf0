"""Tests for engine.metrics: the growing per-epoch log and min/max decimation for charts."""

from __future__ import annotations

import dataclasses
import json
import types

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import EpochRecord, MetricsLog, Network, Trainer


def fake_record(epoch, layers=2, tracked=3, test=True):
    return EpochRecord(
        epoch=epoch, loss=1.0 / epoch, test_loss=2.0 / epoch if test else None,
        accuracy=0.5, test_accuracy=None, lr=0.1 * epoch,
        weight_norms=tuple(float(epoch + l) for l in range(layers)),
        delta_means=tuple(float(-epoch - l) for l in range(layers)),
        gradient_norms=tuple(float(epoch * 10 + l) for l in range(layers)),
        tracked=tuple(float(epoch * 100 + k) for k in range(tracked)),
    )


def test_append_keeps_every_row_as_the_arrays_grow():
    log = MetricsLog(layers=2, tracked=3, capacity=4)
    assert log.count == 0 and log.last("loss") is None
    for epoch in range(1, 12):
        log.append(fake_record(epoch))
    assert log.count == 11 and log.capacity >= 11
    np.testing.assert_array_equal(log.column("epoch"), np.arange(1, 12))
    np.testing.assert_allclose(log.column("loss"), 1.0 / np.arange(1, 12))
    np.testing.assert_allclose(log.column("lr"), 0.1 * np.arange(1, 12))
    assert log.column("weight_norms").shape == (11, 2)
    np.testing.assert_array_equal(log.column("weight_norms")[:, 1], np.arange(2, 13))
    np.testing.assert_array_equal(log.column("gradient_norms")[4], [50.0, 51.0])
    assert log.column("tracked").shape == (11, 3)
    np.testing.assert_array_equal(log.column("tracked")[10], [1100.0, 1101.0, 1102.0])
    assert log.last("epoch") == 11


def test_missing_values_become_nan():
    log = MetricsLog(layers=1, tracked=0)
    log.append(fake_record(1, layers=1, tracked=0, test=False))
    log.append(dataclasses.replace(fake_record(2, layers=1, tracked=0), accuracy=None))  # regression
    assert np.isnan(log.column("test_loss")[0]) and np.isnan(log.column("test_accuracy")[0])
    assert log.column("accuracy")[0] == 0.5 and np.isnan(log.column("accuracy")[1])
    assert log.column("test_loss")[1] == 1.0
    assert log.column("tracked").shape == (2, 0)


def test_sharpness_is_a_column_nan_where_the_epoch_had_no_estimate():
    log = MetricsLog(layers=2, tracked=3)
    log.append(fake_record(1))                                          # sharpness None
    log.append(dataclasses.replace(fake_record(2), sharpness=3.5))
    # A record type from before the field existed (or another engine's) still goes in.
    old_style = types.SimpleNamespace(**{name: getattr(fake_record(3), name) for name in
                                         ("epoch", "loss", "test_loss", "accuracy", "test_accuracy", "lr",
                                          "weight_norms", "delta_means", "gradient_norms", "tracked")})
    log.append(old_style)
    sharpness = log.column("sharpness")
    assert np.isnan(sharpness[0]) and sharpness[1] == 3.5 and np.isnan(sharpness[2])
    np.testing.assert_array_equal(log.column("epoch"), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(log.last("tracked"), fake_record(3).tracked)


def test_a_reader_holding_old_columns_still_sees_valid_rows():
    log = MetricsLog(layers=2, tracked=3, capacity=2)
    log.append(fake_record(1))
    log.append(fake_record(2))
    old = log.column("loss")
    log.append(fake_record(3))  # grows: new arrays
    np.testing.assert_allclose(old, [1.0, 0.5])
    np.testing.assert_allclose(log.column("loss"), [1.0, 0.5, 1 / 3])


def test_a_column_is_one_contiguous_array():
    # Stored column by column: charting a million epochs' loss reads those values only.
    log = MetricsLog(layers=2, tracked=3, capacity=4)
    for epoch in range(1, 10):
        log.append(fake_record(epoch))
    assert log.column("loss").flags.c_contiguous
    assert log.column("tracked")[:, 1].flags.c_contiguous


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(1, 40), st.integers(1, 50), st.integers(0, 320))
def test_with_keep_the_last_rows_stay_and_memory_is_bounded(epochs, keep, capacity, start):
    log = MetricsLog(layers=2, tracked=3, capacity=capacity, keep=keep)
    for epoch in range(1, epochs + 1):
        log.append(fake_record(epoch))
        assert log.capacity <= 2 * keep
    assert log.count == epochs
    assert epochs - 2 * keep <= log.first <= max(0, epochs - keep)
    np.testing.assert_array_equal(log.column("epoch"), np.arange(log.first + 1, epochs + 1))
    first, tracked = log.rows("tracked", start)
    assert first == max(start, log.first)
    np.testing.assert_array_equal(tracked[:, 2], 100.0 * np.arange(first + 1, epochs + 1) + 2)
    assert log.last("epoch") == epochs


def test_rows_stop_where_asked():
    log = MetricsLog(layers=2, tracked=3)
    for epoch in range(1, 8):
        log.append(fake_record(epoch))
    assert log.rows("epoch", 2, 5)[0] == 2
    np.testing.assert_array_equal(log.rows("epoch", 2, 5)[1], [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(log.rows("epoch", 6, 99)[1], [7.0])   # never past count
    assert log.rows("epoch", 9)[1].size == 0


def test_a_reader_holding_old_rows_still_sees_them_after_old_rows_go():
    log = MetricsLog(layers=2, tracked=3, capacity=4, keep=2)
    for epoch in range(1, 5):
        log.append(fake_record(epoch))
    old = log.column("epoch")
    log.append(fake_record(5))  # the table is full: the last two rows move to a new one
    assert log.first == 2
    np.testing.assert_array_equal(old, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(log.column("epoch"), [3.0, 4.0, 5.0])


def test_to_dict_gives_plain_lists_for_json():
    log = MetricsLog(layers=2, tracked=3)
    for epoch in (1, 2):
        log.append(fake_record(epoch))
    data = json.loads(json.dumps(log.to_dict()))
    assert data["epoch"] == [1.0, 2.0]
    assert data["weight_norms"] == [[1.0, 2.0], [2.0, 3.0]]
    assert set(data) == {"epoch", "loss", "test_loss", "accuracy", "test_accuracy", "lr", "sharpness", "penalty",
                         "weight_norms", "delta_means", "gradient_norms", "tracked"}


def test_trainer_fills_a_log():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    net = Network([2, 3, 1], "tanh", "sigmoid", seed=0)
    trainer = Trainer(net, X, Y, lr=0.5)
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=8)
    last = trainer.run(20, log=log)
    assert log.count == 20
    np.testing.assert_array_equal(log.column("epoch"), np.arange(1, 21))
    assert log.last("loss") == last.loss
    np.testing.assert_array_equal(log.last("tracked"), last.tracked)

