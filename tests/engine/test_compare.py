"""Tests for engine.compare: a base run varied over activations × learning rates × seeds,
its table at epochs 1, 100, 10,000 and the last, its summary per configuration and per
group; and a sweep's sharpness estimates, equal to a single run's."""

from __future__ import annotations

import math
import re
import threading

import numpy as np
import pytest

from engine import LOSSES, MetricsLog, RunConfig
from engine.compare import (Comparison, ComparisonError, default_target_loss, DEFAULT_TARGET_LOSS,
                            MAX_RUNS)
from engine.sweep import Sweep

XOR = RunConfig(dataset="xor", layers=(2, 3, 1), epochs=150)


def single_log(config: RunConfig, sharpness_every=None) -> MetricsLog:
    net, trainer, _ = config.build()
    trainer.sharpness_every = sharpness_every
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    trainer.run(config.epochs, log=log)
    return log


def test_runs_come_in_the_order_activation_lr_seed_each_with_its_config():
    comparison = Comparison(XOR, activations=["relu", "tanh"], lrs=[2, 0.5], seeds=[3, 1])
    assert [(c.activation, c.lr, c.seed) for c in comparison.configs] == [
        (a, lr, s) for a in ("relu", "tanh") for lr in (2.0, 0.5) for s in (3, 1)]
    assert [run.config for run in comparison.runs] == comparison.configs
    assert all(c.layers == XOR.layers and c.epochs == 150 for c in comparison.configs)


def test_an_empty_list_keeps_the_base_value():
    comparison = Comparison(XOR, lrs=[0.1, 1.0])
    assert comparison.activations == ("tanh",) and comparison.seeds == (0,)
    assert [c.lr for c in comparison.configs] == [0.1, 1.0]


def test_each_run_trains_as_the_single_run_engine_does():
    comparison = Comparison(XOR, activations=["sigmoid", "rrelu"], lrs=[1.0, 5.0], seeds=[0, 2])
    comparison.run()
    for config, run in zip(comparison.configs, comparison.runs):
        alone = single_log(config)
        assert run.log.count == alone.count
        np.testing.assert_allclose(run.log.column("loss"), alone.column("loss"), rtol=1e-12)


def test_grouping_by_activation_or_lr_in_the_lists_order():
    comparison = Comparison(XOR, activations=["tanh", "relu"], lrs=[1.0, 0.1], seeds=[0, 1])
    assert comparison.groups("activation") == {"tanh": [0, 1, 2, 3], "relu": [4, 5, 6, 7]}
    assert comparison.groups("lr") == {1.0: [0, 1, 4, 5], 0.1: [2, 3, 6, 7]}
    assert comparison.key(5, "activation") == "relu" and comparison.key(5, "lr") == 1.0
    with pytest.raises(ComparisonError, match="by: cannot group by 'seed'"):
        comparison.groups("seed")


def test_table_rows_at_1_100_and_the_last_epoch_with_the_logs_numbers():
    comparison = Comparison(XOR, activations=["tanh", "relu"], lrs=[1.0])
    comparison.run()
    rows = comparison.table()
    assert [(row.run, row.epoch) for row in rows] == [(0, 1), (0, 100), (0, 150), (1, 1), (1, 100), (1, 150)]
    for row in rows:
        log = comparison.runs[row.run].log
        assert row.loss == log.column("loss")[row.epoch - 1]
        assert row.accuracy == log.column("accuracy")[row.epoch - 1]
        assert row.delta_means == tuple(log.column("delta_means")[row.epoch - 1])
        assert row.weight_norms == tuple(log.column("weight_norms")[row.epoch - 1])
        assert len(row.delta_means) == len(row.weight_norms) == 2
        assert row.test_loss is None and row.test_accuracy is None and row.diverged_at is None
        assert (row.activation, row.lr, row.seed) == (comparison.configs[row.run].activation, 1.0, 0)


def test_table_leaves_out_epochs_past_a_runs_end_and_marks_the_epoch_it_diverged_at():
    base = RunConfig(dataset="sine", layers=(1, 5, 1), output="linear", loss="mse", samples=20, epochs=120)
    comparison = Comparison(base, activations=["relu"], lrs=[0.05, 50.0])
    comparison.run()
    slow, fast = comparison.runs
    assert slow.diverged_at is None and fast.diverged_at is not None and fast.diverged_at < 100
    rows = comparison.table()
    assert [(row.run, row.epoch) for row in rows] == [(0, 1), (0, 100), (0, 120), (1, 1), (1, fast.diverged_at)]
    assert [row.diverged_at for row in rows] == [None] * 3 + [fast.diverged_at] * 2
    assert not math.isfinite(rows[-1].loss)
    assert rows[0].accuracy is None   # regression


def test_table_has_test_numbers_with_a_held_out_set():
    base = RunConfig(dataset="circle", layers=(2, 4, 1), samples=40, test_share=0.25, epochs=3)
    comparison = Comparison(base, seeds=[0, 1])
    comparison.run()
    for row in comparison.table():
        log = comparison.runs[row.run].log
        assert row.test_loss == log.column("test_loss")[row.epoch - 1]
        assert row.test_accuracy == log.column("test_accuracy")[row.epoch - 1]
    summary = comparison.summary()
    assert summary[0].final_test_loss.low <= summary[0].final_test_loss.median <= summary[0].final_test_loss.high


def test_summary_per_configuration_and_per_group_from_the_logs():
    comparison = Comparison(RunConfig(dataset="xor", layers=(2, 3, 1), epochs=300),
                            activations=["tanh", "sigmoid"], lrs=[0.3, 3.0], seeds=[0, 1, 2])
    comparison.run()
    target = 0.3

    def first_below(index):
        below = np.flatnonzero(comparison.runs[index].log.column("loss") <= target)
        return below[0] + 1 if len(below) else None

    rows = comparison.summary(target_loss=target)
    assert [(row.activation, row.lr) for row in rows] == [("tanh", 0.3), ("tanh", 3.0), ("sigmoid", 0.3),
                                                           ("sigmoid", 3.0)]
    for row, start in zip(rows, (0, 3, 6, 9)):
        indices = range(start, start + 3)
        reached = [first_below(i) for i in indices if first_below(i) is not None]
        finals = [comparison.runs[i].log.last("loss") for i in indices]
        assert row.runs == 3 and row.reached == len(reached) and row.reached_share == len(reached) / 3
        assert row.epochs_to_target == (np.median(reached) if reached else None)
        assert (row.final_loss.median, row.final_loss.low, row.final_loss.high) == (
            np.median(finals), min(finals), max(finals))
        assert row.final_test_loss is None and row.diverged == 0
    assert any(row.reached for row in rows) and any(row.reached < 3 for row in rows)  # the test means something

    by_lr = comparison.summary(target_loss=target, by="lr")
    assert [(row.activation, row.lr, row.runs) for row in by_lr] == [(None, 0.3, 6), (None, 3.0, 6)]
    reached = [first_below(i) for i in (3, 4, 5, 9, 10, 11) if first_below(i) is not None]
    assert by_lr[1].reached == len(reached) and by_lr[1].epochs_to_target == np.median(reached)
    by_activation = comparison.summary(target_loss=target, by="activation")
    assert [(row.activation, row.lr, row.runs) for row in by_activation] == [("tanh", None, 6), ("sigmoid", None, 6)]


def test_summary_counts_a_diverged_runs_loss_as_worse_than_any():
    base = RunConfig(dataset="sine", layers=(1, 5, 1), output="linear", loss="mse", samples=20, epochs=120)
    comparison = Comparison(base, lrs=[0.05, 50.0], seeds=[0, 1, 2])
    comparison.run()
    calm, wild = comparison.summary()
    assert wild.diverged == 3 and wild.final_loss == type(wild.final_loss)(math.inf, math.inf, math.inf)
    assert calm.diverged == 0 and math.isfinite(calm.final_loss.high)
    (both,) = comparison.summary(by="activation")
    assert both.diverged == 3 and both.final_loss.high == math.inf and math.isfinite(both.final_loss.low)


def test_default_target_loss_for_every_loss():
    assert set(DEFAULT_TARGET_LOSS) == set(LOSSES)
    assert default_target_loss("bce") == 0.1 and default_target_loss("mse") == 0.01
    comparison = Comparison(RunConfig(dataset="xor", layers=(2, 3, 1), epochs=2000, lr=2.0))
    comparison.run()
    assert comparison.summary() == comparison.summary(target_loss=0.1)


@pytest.mark.parametrize("lists, message", [
    (dict(activations=["tanh", "tahn"]), "activations: unknown activation 'tahn' (did you mean 'tanh'?)"),
    (dict(lrs=["0.1", "abc"]), "lrs: expected a number, got 'abc'"),
    (dict(lrs=[0.1, -1]), "lrs: must be greater than 0"),
    (dict(seeds=[1, 1]), "seeds: 1 is listed twice"),
    (dict(lrs=["0.1", "0.10"]), "lrs: '0.10' is listed twice"),
    (dict(seeds=list(range(MAX_RUNS + 1))), f"runs: {MAX_RUNS + 1} runs (1 × 1 × {MAX_RUNS + 1}: activations × learning rates × seeds)"),
])
def test_bad_lists_are_refused_naming_the_list(lists, message):
    with pytest.raises(ComparisonError, match=re.escape(message)):
        Comparison(XOR, **lists)


def test_too_many_numbers_to_keep_is_refused_before_training():
    with pytest.raises(ComparisonError, match="epochs: 100 runs of 10,000,000 epochs"):
        Comparison(RunConfig(dataset="xor", layers=(2, 3, 1), epochs=10**7), seeds=range(100))


def test_run_in_a_thread_while_another_reads_the_table_and_summary():
    comparison = Comparison(RunConfig(dataset="xor", layers=(2, 3, 1), epochs=3000),
                            activations=["tanh", "relu"], lrs=[0.5, 60.0])
    worker = threading.Thread(target=comparison.run)
    worker.start()
    seen = 0
    while worker.is_alive() or seen == 0:
        for row in comparison.table():
            assert row.epoch <= comparison.runs[row.run].log.count
            assert row.loss == comparison.runs[row.run].log.column("loss")[row.epoch - 1]
        comparison.summary(by="lr")
        seen += 1
    worker.join()
    assert comparison.done == 4


def test_should_stop_stops_every_run():
    comparison = Comparison(RunConfig(dataset="xor", layers=(2, 3, 1), epochs=5000), seeds=[0, 1])
    comparison.run(should_stop=lambda: comparison.runs[0].log.count >= 40)
    assert [run.log.count for run in comparison.runs] == [40, 40] and comparison.done == 2
    assert [row.epoch for row in comparison.table()] == [1, 40, 1, 40]


# ----- the sweep's sharpness -------------------------------------------------------

@pytest.mark.parametrize("activation", ["tanh", "relu", "rrelu"])
def test_a_sweeps_sharpness_equals_the_single_runs(activation):
    configs = [RunConfig(dataset="xor", layers=(2, 4, 1), activation=activation, lr=lr, seed=seed, epochs=40)
               for lr in (0.5, 10.0) for seed in (0, 1)]
    sweep = Sweep(configs, sharpness_every=7)
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        alone = single_log(config, sharpness_every=7).column("sharpness")
        mine = run.log.column("sharpness")
        assert np.flatnonzero(~np.isnan(mine)).tolist() == [6, 13, 20, 27, 34]
        np.testing.assert_allclose(mine, alone, rtol=1e-9)
        assert run.checkpoints[40].record.sharpness is None     # epoch 40 is not a 7th
    assert sweep.runs[0].checkpoints[1].record.sharpness is None


def test_a_sweeps_sharpness_stops_with_a_diverged_run_and_is_nan_without_sharpness_every():
    configs = [RunConfig(dataset="sine", layers=(1, 5, 1), output="linear", loss="mse", samples=20,
                         activation="tanh", lr=lr, epochs=60) for lr in (0.05, 50.0)]
    sweep = Sweep(configs, sharpness_every=5)
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        np.testing.assert_allclose(run.log.column("sharpness"), single_log(config, 5).column("sharpness"),
                                   rtol=1e-9)
    plain = Sweep(configs)
    plain.run()
    assert np.isnan(plain.runs[0].log.column("sharpness")).all()
    with pytest.raises(ValueError, match="sharpness_every"):
        Sweep(configs, sharpness_every=0)
