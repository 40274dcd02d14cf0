"""tutor.comparison_text: a comparison's curves (median of the seeds, band from the lowest
to the highest), and the chart that overlays them."""
from __future__ import annotations

import math

import numpy as np

from engine import RunConfig
from engine.compare import Comparison
from tutor import comparison_text as text


def trained(**lists) -> Comparison:
    base = RunConfig(dataset="sine", layers=(1, 5, 1), output="linear", loss="mse", samples=20, epochs=120)
    comparison = Comparison(base, **lists)
    comparison.run()
    return comparison


def test_curves_are_the_median_of_the_seeds_with_a_band_from_lowest_to_highest():
    comparison = trained(activations=["relu", "tanh"], lrs=[0.05], seeds=[0, 1, 2])
    curves = text.curves(comparison, "activation", points=200)   # 120 epochs: one point per epoch
    assert [(curve.label, curve.group, curve.runs) for curve in curves] == [
        ("relu lr 0.05", 0, (0, 1, 2)), ("tanh lr 0.05", 1, (3, 4, 5))]
    for curve in curves:
        losses = np.array([comparison.runs[i].log.column("loss") for i in curve.runs])
        assert curve.epochs.tolist() == list(range(1, 121))
        assert np.allclose(curve.median, np.median(losses, axis=0))
        assert np.array_equal(curve.low, losses.min(axis=0)) and np.array_equal(curve.high, losses.max(axis=0))


def test_buckets_keep_each_stretchs_extremes_and_a_diverged_seed_drops_out():
    comparison = trained(lrs=[0.05, 50.0], seeds=[0, 1])
    calm, wild = text.curves(comparison, "lr", points=12)          # 120 epochs in buckets of 10
    assert (calm.group, wild.group) == (0, 1)
    losses = np.array([comparison.runs[i].log.column("loss") for i in calm.runs]).reshape(2, 12, 10)
    assert np.array_equal(calm.low, losses.min(axis=(0, 2))) and np.array_equal(calm.high, losses.max(axis=(0, 2)))
    assert np.allclose(calm.median, np.median(losses.mean(axis=2), axis=0))
    ended = max(comparison.runs[i].diverged_at for i in wild.runs)
    assert np.isnan(wild.median[ended // 10 + 1:]).all()           # no seed left after it diverged
    assert text.chart_ceiling(comparison) == 10 * max(run.log.column("loss")[0] for run in comparison.runs)


def test_the_chart_names_each_group_once_and_keeps_a_diverged_run_on_its_top_edge():
    comparison = trained(lrs=[0.05, 50.0], seeds=[0, 1])
    curves = text.curves(comparison, "lr", points=80)
    labels = {0: "lr 0.05", 1: "lr 50"}
    chart = text.chart_text(curves, labels, width=60, height=14, color=False,
                            ceiling=text.chart_ceiling(comparison))
    assert chart.count("lr 0.05") == 1 and chart.count("lr 50") == 1 and "\x1b[" not in chart
    top = max(float(line.split("┤")[0]) for line in chart.splitlines() if "┤" in line)
    assert top <= math.log10(text.chart_ceiling(comparison)) + 0.01   # not 10^300
    assert "\x1b[" in text.chart_text(curves, labels, width=60, height=14, color=True)


def test_curves_of_a_comparison_still_training_in_another_thread():
    import threading
    import time

    # Runs far longer than the test, stopped by it: the reader draws while they train,
    # however loaded the machine (a fixed 4,000 epochs could end before a second draw).
    base = RunConfig(dataset="xor", layers=(2, 3, 1), epochs=10**6)
    comparison = Comparison(base, activations=["tanh", "relu"], lrs=[0.5, 5.0])
    stop = threading.Event()
    worker = threading.Thread(target=comparison.run, kwargs={"should_stop": stop.is_set})
    worker.start()
    seen = set()
    try:
        while len(seen) < 5:
            for curve in text.curves(comparison, "activation", points=50):
                assert len(curve.epochs) == len(curve.median) == len(curve.low) == len(curve.high) <= 50
            text.table_text(comparison)
            seen.add(min(run.epoch for run in comparison.runs))
            time.sleep(0.02)   # a reader paced as the screen's timer is, not spinning on the GIL
    finally:
        stop.set()
        worker.join()
    assert all(run.epoch < 10**6 for run in comparison.runs)   # every draw was mid-training
