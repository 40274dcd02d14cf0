"""Tests for engine.sweep: runs trained together give each run the numbers it gives
alone (Trainer.run with the same RunConfig), for every activation, optimizer and batch
size; a diverging run stops alone; checkpoints and logs read as a single run's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import ACTIVATIONS, OPTIMIZERS, MetricsLog, RunConfig
from engine.features import FEATURES
from engine.metrics import StackedLogs
from engine.sweep import Sweep

# (dataset, layers, output, loss, extra settings): a full-batch task, minibatches with a
# held-out set and multi-class outputs, and a regression with minibatches.
TASKS = {
    "xor": dict(dataset="xor", layers=(2, 3, 1), output="sigmoid", loss="bce"),
    "spiral3": dict(dataset="spiral3", layers=(2, 4, 3, 3), output="softmax", loss="cross_entropy",
                    samples=30, test_share=0.2),
    "sine": dict(dataset="sine", layers=(1, 5, 1), output="linear", loss="mse", samples=20),
}


def single_run(config: RunConfig):
    """What the single-run engine gives: (log, checkpoints, divergence message)."""
    net, trainer, _ = config.build()
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    trainer.run(config.epochs, log=log)
    return log, trainer.checkpoints, trainer.divergence()


def assert_close(single, batched, what):
    """Equal to 1e-12 relative, or both the same non-finite value."""
    single, batched = np.asarray(single, dtype=float), np.asarray(batched, dtype=float)
    assert single.shape == batched.shape, what
    same = (single == batched) | (np.isnan(single) & np.isnan(batched))
    with np.errstate(invalid="ignore"):   # inf − inf, in a run that diverged
        close = np.abs(single - batched) <= 1e-12 * np.maximum(np.abs(single), np.abs(batched))
    assert (same | close).all(), f"{what}: single {single[~(same | close)]}, batched {batched[~(same | close)]}"


def assert_same_as_single(config: RunConfig, run) -> None:
    log, checkpoints, message = single_run(config)
    assert run.log.count == log.count, config
    for name in ("epoch", "loss", "test_loss", "accuracy", "test_accuracy", "lr", "sharpness", "penalty",
                 "weight_norms", "delta_means", "gradient_norms", "tracked"):
        assert_close(log.column(name), run.log.column(name), f"{name} of {config}")
    assert sorted(run.checkpoints) == sorted(checkpoints), config
    for epoch, saved in checkpoints.items():
        mine = run.checkpoints[epoch]
        for single, batched in zip(saved.weights + saved.biases, mine.weights + mine.biases):
            assert_close(single, batched, f"weights at epoch {epoch} of {config}")
        assert mine.record.epoch == saved.record.epoch
        assert (mine.record.test_loss is None) == (saved.record.test_loss is None)
        assert (mine.record.accuracy is None) == (saved.record.accuracy is None)
        assert mine.record.diverged == saved.record.diverged
        assert_close(saved.record.penalty, mine.record.penalty, f"penalty at epoch {epoch} of {config}")
    assert run.divergence() == message
    assert run.epoch == log.count


run_settings = st.fixed_dictionaries(dict(
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    lr=st.sampled_from([0.01, 0.3, 3.0, 40.0]),
    seed=st.integers(0, 3),
    epochs=st.integers(1, 12),
    regularization=st.sampled_from(["none", "l1", "l2"]),
    regularization_rate=st.sampled_from([0.0, 0.01, 0.5]),
))


@settings(max_examples=40, deadline=None)
@given(task=st.sampled_from(sorted(TASKS)), optimizer=st.sampled_from(sorted(OPTIMIZERS)),
       batch_size=st.sampled_from([0, 1, 4, 7]), runs=st.lists(run_settings, min_size=1, max_size=5))
def test_each_run_of_a_sweep_equals_the_single_run_engine(task, optimizer, batch_size, runs):
    """Also with L1 or L2 regularisation: runs of one kind train together, each with its λ."""
    configs = [RunConfig(**TASKS[task], optimizer=optimizer, batch_size=batch_size, **run) for run in runs]
    sweep = Sweep(configs)
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        assert run.config is config
        assert_same_as_single(config, run)


@settings(max_examples=10, deadline=None)
@given(optimizer=st.sampled_from(sorted(OPTIMIZERS)), batch_size=st.sampled_from([0, 3]),
       features=st.lists(st.permutations(sorted(FEATURES)).map(lambda names: names[:3]), min_size=1, max_size=4),
       regularization=st.sampled_from(["none", "l1", "l2"]))
def test_runs_with_input_features_equal_the_single_run_engine(optimizer, batch_size, features, regularization):
    """Runs of the same number of features train together, each on its own inputs."""
    configs = [RunConfig(dataset="circle", layers=(3, 4, 1), samples=24, test_share=0.25, epochs=6, lr=0.5,
                         optimizer=optimizer, batch_size=batch_size, features=chosen, seed=seed,
                         regularization=regularization, regularization_rate=0.05 * seed)
               for seed, chosen in enumerate(features)]
    sweep = Sweep(configs)
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        assert_same_as_single(config, run)


def test_runs_of_different_tasks_and_sizes_train_in_separate_groups_in_one_sweep():
    configs = [RunConfig(**TASKS["xor"], activation="rrelu", seed=1, epochs=12, lr=2.0),
               RunConfig(**TASKS["sine"], activation="tanh", epochs=5, batch_size=4, lr=0.1),
               RunConfig(**TASKS["xor"], activation="sigmoid", seed=2, epochs=11, lr=2.0, optimizer="adam"),
               RunConfig(**TASKS["xor"], activation="rrelu", seed=0, epochs=12, lr=0.5),
               RunConfig(**TASKS["sine"], activation="tanh", epochs=5, batch_size=4, lr=0.1, test_share=0.25)]
    sweep = Sweep(configs)
    assert len(sweep.groups) == 4   # xor with sgd, xor with adam, sine, sine with a held-out set
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        assert_same_as_single(config, run)


def test_a_diverging_run_stops_alone_and_poisons_none_of_the_others():
    configs = [RunConfig(**TASKS["sine"], activation=activation, lr=lr, epochs=120)
               for activation in ("relu", "tanh") for lr in (0.05, 50.0)]
    sweep = Sweep(configs)
    sweep.run()
    diverged = [run for run in sweep.runs if run.diverged_at is not None]
    assert [run.config.lr for run in diverged] == [50.0, 50.0]
    for run in diverged:
        assert run.log.count == run.diverged_at < 120
        assert run.divergence().startswith(f"diverged at epoch {run.diverged_at:,}")
        assert run.checkpoints[run.diverged_at].record.diverged
    for config, run in zip(configs, sweep.runs):
        assert_same_as_single(config, run)
        if config.lr == 0.05:
            assert run.log.count == 120 and np.isfinite(run.log.column("loss")).all()


def test_checkpoints_at_powers_of_ten_and_the_last_epoch_as_trainer_takes_them():
    configs = [RunConfig(**TASKS["xor"], activation="tanh", seed=seed, epochs=epochs)
               for seed, epochs in ((0, 150), (1, 100), (2, 7))]
    sweep = Sweep(configs)
    sweep.run()
    assert [sorted(run.checkpoints) for run in sweep.runs] == [[1, 10, 100, 150], [1, 10, 100], [1, 7]]
    for config, run in zip(configs, sweep.runs):
        assert run.last_record.epoch == config.epochs
        assert_same_as_single(config, run)


def test_should_stop_ends_every_run_with_a_checkpoint_where_it_is():
    configs = [RunConfig(**TASKS["xor"], seed=seed, epochs=1000) for seed in range(3)]
    sweep = Sweep(configs)
    sweep.run(should_stop=lambda: sweep.runs[0].log.count >= 25)
    for run in sweep.runs:
        assert run.epoch == run.log.count == 25
        assert sorted(run.checkpoints) == [1, 10, 25]


def test_stacked_logs_read_as_metrics_logs_also_past_their_capacity():
    stacked = StackedLogs(3, layers=2, tracked=1, capacity=2)
    for epoch, active in enumerate(([1, 1, 1], [1, 0, 1], [1, 0, 1], [0, 0, 1]), start=1):
        stacked.append(np.array(active, dtype=bool), epoch=epoch, loss=np.array([1.0, 2.0, 3.0]) * epoch,
                       test_loss=np.nan, accuracy=np.nan, test_accuracy=np.nan, lr=0.1,
                       weight_norms=np.ones((3, 2)), delta_means=np.zeros((3, 2)),
                       gradient_norms=np.zeros((3, 2)), tracked=np.full((3, 1), epoch))
    first, second, third = stacked.logs
    assert first.column("loss").tolist() == [1.0, 2.0, 3.0]
    assert second.column("loss").tolist() == [2.0]
    assert third.column("loss").tolist() == [3.0, 6.0, 9.0, 12.0]
    assert third.column("tracked")[:, 0].tolist() == [1, 2, 3, 4]
    assert third.last("weight_norms").tolist() == [1.0, 1.0]


def test_a_bad_config_is_refused_before_anything_trains():
    with pytest.raises(ValueError, match="layers"):
        Sweep([RunConfig(**TASKS["xor"]), RunConfig(dataset="xor", layers=(3, 4, 1))])


def test_a_group_too_big_for_one_stack_trains_in_several_with_the_same_numbers(monkeypatch):
    monkeypatch.setattr("engine.sweep.STACK_NUMBERS", 2 * 4 * 3)   # two xor 2-3-1 runs (4 samples, width 3)
    configs = [RunConfig(**TASKS["xor"], activation=activation, seed=seed, epochs=15, lr=3.0)
               for activation in ("rrelu", "tanh") for seed in (0, 1, 2)]
    sweep = Sweep(configs)
    assert [len(group.runs) for group in sweep.groups] == [2, 2, 2]
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        assert_same_as_single(config, run)


@pytest.mark.parametrize("ahead", [1, 23, 50, 4096])
def test_rrelu_slopes_drawn_ahead_are_the_numbers_each_run_draws_alone(monkeypatch, ahead):
    monkeypatch.setattr("engine.sweep.RunGenerators.AHEAD", ahead)   # 23, 50: refills that leave numbers over
    configs = [RunConfig(**TASKS["spiral3"], activation=activation, seed=seed, epochs=9, batch_size=5, lr=0.3)
               for activation in ("rrelu", "tanh") for seed in (0, 3)]
    sweep = Sweep(configs)
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        assert_same_as_single(config, run)


def test_logs_longer_than_the_shared_block_go_on_alone_with_the_same_numbers(monkeypatch):
    monkeypatch.setattr("engine.sweep.LOG_BLOCK_EPOCHS", 4)
    configs = [RunConfig(**TASKS["xor"], activation="tanh", seed=seed, epochs=epochs, lr=lr)
               for seed, epochs, lr in ((0, 11, 0.5), (1, 3, 0.5), (2, 11, 60.0))]
    sweep = Sweep(configs)
    sweep.run()
    for config, run in zip(configs, sweep.runs):
        assert_same_as_single(config, run)
