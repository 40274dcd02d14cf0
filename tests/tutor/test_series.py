"""decimate: a series cut to about max_points, keeping its shape (each bucket's
minimum and maximum, so a spike survives). (Envelope's tests are in tests/tui/test_lab_widgets.py.)"""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.series import decimate


def test_short_series_are_returned_unchanged():
    x, y = np.arange(5.0), np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    dx, dy = decimate(x, y, 10)
    np.testing.assert_array_equal(dx, x)
    np.testing.assert_array_equal(dy, y)


def test_a_single_spike_survives():
    x = np.arange(10_000.0)
    y = np.zeros(10_000)
    y[7777] = 50.0
    dx, dy = decimate(x, y, 100)
    assert len(dx) <= 100
    assert 7777.0 in dx and dy.max() == 50.0


def test_extremes_in_the_last_point_of_an_uneven_bucket_survive():
    # 10 points in 3 buckets of widths 3, 3, 4: the maximum sits at a bucket's 4th point.
    y = np.zeros(10)
    y[9] = 1.0
    y[5] = -1.0
    dx, dy = decimate(np.arange(10), y, 6)
    assert 9 in dx and 5 in dx


@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 3000), max_points=st.integers(2, 400), seed=st.integers(0, 2**16))
def test_decimate_keeps_the_global_extremes_in_order(n, max_points, seed):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.uniform(0.1, 2.0, size=n))
    y = rng.standard_cauchy(size=n)  # heavy tails: spikes
    dx, dy = decimate(x, y, max_points)
    assert len(dx) == len(dy) <= max(max_points, 2)
    assert np.all(np.diff(dx) > 0)
    assert dy.max() == y.max() and dy.min() == y.min()
    # Every kept point is a real point of the series.
    index = np.searchsorted(x, dx)
    np.testing.assert_array_equal(x[index], dx)
    np.testing.assert_array_equal(y[index], dy)


def test_decimate_skips_nan_unless_a_bucket_is_all_nan():
    y = np.full(100, np.nan)
    y[10] = 3.0
    y[90] = -3.0
    dx, dy = decimate(np.arange(100), y, 4)
    assert 10 in dx and 90 in dx


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), max_size=20), st.sampled_from([2, 4, 8]), st.integers(0, 2**16))
def test_an_envelope_of_several_series_equals_one_envelope_per_series(chunks, max_buckets, seed):
    from tutor.series import Envelope

    rng = np.random.default_rng(seed)
    y = rng.standard_cauchy(size=(3, sum(chunks)))
    y[rng.random(y.shape) < 0.1] = np.nan
    together, alone = Envelope(max_buckets, series=3), [Envelope(max_buckets) for _ in range(3)]
    start = 0
    for size in chunks:
        together.extend(y[:, start:start + size])
        for k, envelope in enumerate(alone):
            envelope.extend(y[k, start:start + size])
        start += size
    assert together.count == alone[0].count and together.width == alone[0].width
    for k, envelope in enumerate(alone):
        for name in ("_lo_x", "_lo_y", "_hi_x", "_hi_y"):
            np.testing.assert_array_equal(getattr(together, name)[k], getattr(envelope, name))
        for got, want in zip(together.points(16, k), envelope.points(16)):
            np.testing.assert_array_equal(got, want)
        assert [p.tolist() for p in together.all_points(16)[k]] == [p.tolist() for p in envelope.points(16)]


def test_fit_merges_buckets_down_to_the_new_limit_and_keeps_the_extremes():
    from tutor.series import Envelope

    y = np.sin(np.arange(1000.0))
    envelope = Envelope(128)
    envelope.extend(y)
    envelope.fit(30)
    assert len(envelope._lo_x) <= 30 and envelope.max_buckets == 30
    x, p = envelope.points(1000)
    assert len(x) <= 60 and p.max() == y.max() and p.min() == y.min()
