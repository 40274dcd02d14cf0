"""Tests for engine.training: XOR really learned, what an EpochRecord holds, the checkpoint
schedule, divergence, minibatches and the held-out set."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from engine import Checkpoint, MetricsLog, Network, RunConfig, Trainer, datasets, training

XOR = dict(dataset="xor", layers=(2, 4, 1), activation="tanh", output="sigmoid", loss="bce",
           lr=0.5, epochs=10000)


def run_until(trainer, net, epochs, loss_below):
    """trainer.run with a log, stopping once an epoch's loss is below `loss_below`."""
    log = MetricsLog(net.layers, len(trainer.tracked))
    record = trainer.run(epochs, log=log, should_stop=lambda: log.last("loss") < loss_below)
    return record, log


# --- XOR -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_documented_xor_configuration_learns_xor(seed):
    config = RunConfig(**XOR, seed=seed)
    net, trainer, data = config.build()
    record, log = run_until(trainer, net, config.epochs, 0.05)
    assert record.loss < 0.05
    assert record.epoch <= config.epochs
    assert log.count == record.epoch
    assert record.accuracy == 1.0
    np.testing.assert_array_equal(net.forward(data.X) > 0.5, data.Y > 0.5)


def test_the_full_10000_epoch_xor_run_ends_far_below_0_05():
    net, trainer, data = RunConfig(**XOR, seed=0).build()
    record = trainer.run(10000)
    assert record.epoch == 10000
    assert record.loss < 0.005  # far below the 0.05 mark: nothing stalls after learning
    assert net.evaluate(data.X, data.Y, "bce")[1] < 0.005


# --- what one epoch records ------------------------------------------------------------------


def test_epoch_record_fields_describe_the_epoch():
    net, trainer, data = RunConfig(**XOR, seed=3).build()
    trainer.run(5)
    before = net.copy()
    g = before.backward(data.X, data.Y, "bce")  # full batch: the epoch's one step
    record = trainer.run_epoch()

    assert record.epoch == 6 and trainer.epoch == 6
    assert record.loss == pytest.approx(g.loss, rel=1e-15)  # measured before the step
    assert record.accuracy == np.mean((g.activations[-1] > 0.5) == (data.Y > 0.5))
    assert record.lr == 0.5
    assert record.test_loss is None and record.test_accuracy is None
    assert not record.diverged and record.message == ""
    assert record.checkpoint is None  # epoch 6 is not a checkpoint epoch

    assert len(record.weight_norms) == len(record.delta_means) == len(record.gradient_norms) == 2
    np.testing.assert_allclose(record.weight_norms, [np.linalg.norm(W) for W in net.weights], rtol=1e-14)
    np.testing.assert_allclose(record.delta_means, [np.abs(d).mean() for d in g.deltas], rtol=1e-14)
    np.testing.assert_allclose(record.gradient_norms, [np.linalg.norm(w) for w in g.nabla_w], rtol=1e-14)
    assert trainer.tracked == [(0, 0, 0), (0, 1, 3), (1, 0, 0), (1, 3, 0)]
    assert trainer.tracked_labels == ["W1[0,0]", "W1[1,3]", "W2[0,0]", "W2[3,0]"]
    assert record.tracked == tuple(net.weights[l][i, j] for l, i, j in trainer.tracked)


@pytest.mark.parametrize("sizes, batch", [([3, 60, 1], 40), ([2, 3, 1], 4), ([4, 7, 5], 3)])
def test_norms_and_delta_means_of_small_and_large_layers(sizes, batch):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(batch, sizes[0])), (rng.random((batch, sizes[-1])) < 0.5).astype(float)
    net = Network(sizes, "tanh", "sigmoid", seed=2)
    g = net.copy().backward(X, Y, "bce")
    record = Trainer(net, X, Y, loss="bce", lr=0.1).run_epoch()
    np.testing.assert_allclose(record.delta_means, [np.abs(d).mean() for d in g.deltas], rtol=1e-14)
    np.testing.assert_allclose(record.gradient_norms, [np.linalg.norm(w) for w in g.nabla_w], rtol=1e-14)
    np.testing.assert_allclose(record.weight_norms, [np.linalg.norm(W) for W in net.weights], rtol=1e-14)


def test_tracked_weights_are_read_from_their_layer_row_and_column():
    net = Network([3, 5, 2], seed=1)
    tracked = [(1, 4, 1), (0, 2, 0), (0, 0, 4)]
    trainer = Trainer(net, np.zeros((1, 3)), np.zeros((1, 2)), loss="mse", lr=0.1, tracked=tracked)
    record = trainer.run_epoch()
    assert record.tracked == (net.weights[1][4, 1], net.weights[0][2, 0], net.weights[0][0, 4])


@pytest.mark.parametrize("bad", [(2, 0, 0), (0, 3, 0), (1, 0, 2), (0, -1, 0)])
def test_tracking_a_weight_that_does_not_exist_is_refused(bad):
    with pytest.raises(ValueError, match="cannot track"):
        Trainer(Network([3, 5, 2]), np.zeros((1, 3)), np.zeros((1, 2)), loss="mse", tracked=[bad])


def test_regression_has_no_accuracy():
    net, trainer, _ = RunConfig(dataset="sine", layers=(1, 6, 1), output="linear", loss="mse",
                                lr=0.05, samples=50).build()
    record = trainer.run_epoch()
    assert record.accuracy is None and math.isfinite(record.loss)


def test_multiclass_accuracy_uses_the_largest_output():
    X = np.array([[0.0], [1.0], [2.0]])
    Y = np.eye(3)
    net = Network([1, 3], "linear", "softmax", seed=0)
    net.weights[0][:] = 0.0
    net.biases[0][:] = [3.0, 2.0, 1.0]  # always predicts class 0: one sample of three right
    record = Trainer(net, X, Y, loss="cross_entropy", lr=1e-9).run_epoch()
    assert record.accuracy == pytest.approx(1 / 3)


# --- checkpoints -----------------------------------------------------------------------------


def test_checkpoints_at_powers_of_ten_and_at_the_end_only():
    # The smallest network, so that 100,000 epochs stay quick.
    net = Network([1, 1], "tanh", "linear", seed=0)
    trainer = Trainer(net, np.ones((1, 1)), np.full((1, 1), 0.5), loss="mse", lr=1e-4)
    checkpoint_epochs = []
    for _ in range(10000):
        record = trainer.run_epoch()
        if record.checkpoint is not None:
            checkpoint_epochs.append(record.epoch)
            assert record.checkpoint.epoch == record.epoch
            # A copy of the weights after that epoch, not a view that keeps changing.
            np.testing.assert_array_equal(record.checkpoint.weights[0], net.weights[0])
            assert record.checkpoint.weights[0] is not net.weights[0]
    assert checkpoint_epochs == [1, 10, 100, 1000, 10000]
    assert not np.array_equal(trainer.checkpoints[1].weights[0], net.weights[0])

    trainer.run(2345)  # run() adds one at its end
    assert sorted(trainer.checkpoints) == [1, 10, 100, 1000, 10000, 12345]
    np.testing.assert_array_equal(trainer.checkpoints[12345].weights[0], net.weights[0])
    np.testing.assert_array_equal(trainer.checkpoints[12345].biases[0], net.biases[0])

    trainer.run(100000 - 12345)  # memory stays bounded: one checkpoint per power of ten
    assert sorted(trainer.checkpoints) == [1, 10, 100, 1000, 10000, 12345, 100000]


def test_a_checkpoint_gives_back_a_network_with_its_weights():
    net, trainer, data = RunConfig(**XOR, seed=1).build()
    trainer.run(10)
    saved = trainer.checkpoints[10]
    outputs = net.forward(data.X)
    trainer.run(50)                                  # training goes on: the checkpoint stays
    again = saved.network(net)
    assert again.sizes == net.sizes and again.activation is net.activation
    np.testing.assert_array_equal(again.forward(data.X), outputs)
    again.weights[0] += 1.0                          # the network has its own copy
    np.testing.assert_array_equal(Checkpoint.of(10, again).weights[0], saved.weights[0] + 1.0)


def test_each_checkpoint_keeps_the_record_of_its_epoch():
    # A run's summary (tutor train's table) is its checkpoints: weights and numbers.
    net, trainer, _ = RunConfig(**XOR, seed=1).build()
    records = []
    trainer.run(123, log=records)                    # a log is anything with append(record)
    assert sorted(trainer.checkpoints) == [1, 10, 100, 123]
    for epoch, saved in trainer.checkpoints.items():
        assert saved.record is records[epoch - 1] and saved.record.epoch == epoch
    assert Checkpoint.of(0, net).record is None      # the weights before training have none


def test_a_run_that_diverges_ends_with_a_checkpoint_of_the_diverged_epoch():
    net = Network([1, 8, 1], "relu", "linear", seed=0)
    X = np.linspace(-1, 1, 16).reshape(-1, 1)
    trainer = Trainer(net, X, 3 * X, loss="mse", lr=1000.0)
    last = trainer.run(500)
    assert last.diverged and trainer.diverged_at == last.epoch < 500
    assert trainer.checkpoints[last.epoch].record is last


# --- divergence ------------------------------------------------------------------------------


def test_a_huge_learning_rate_stops_the_run_with_a_message():
    config = RunConfig(dataset="sine", layers=(1, 8, 1), activation="tanh", output="linear",
                       loss="mse", lr=1e6, epochs=1000)
    net, trainer, _ = config.build()
    log = MetricsLog(net.layers, len(trainer.tracked))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would fail the test
        record = trainer.run(config.epochs, log=log)
    assert record.diverged
    assert not math.isfinite(record.loss)
    assert f"epoch {record.epoch}" in record.message
    assert 1 < record.epoch < config.epochs  # stopped early, at the first bad epoch
    assert trainer.epoch == record.epoch == log.count
    assert trainer.diverged_at == record.epoch
    assert np.all(np.isfinite(log.column("loss")[:-1]))


def test_a_modest_learning_rate_does_not_diverge():
    config = RunConfig(dataset="sine", layers=(1, 8, 1), activation="tanh", output="linear",
                       loss="mse", lr=0.05, epochs=200)
    _, trainer, _ = config.build()
    record = trainer.run(config.epochs)
    assert not record.diverged and record.epoch == 200 and trainer.diverged_at is None


def test_a_finite_loss_that_ends_far_above_its_start_is_diverging_from_the_epoch_it_rose():
    # lr 1000 on the default XOR run: BCE goes from 0.73 to 853 and stays finite.
    _, trainer, _ = RunConfig(lr=1000, epochs=200).build()
    record = trainer.run(200)
    assert not record.diverged and math.isfinite(record.loss)  # no inf: the run is not stopped
    assert trainer.first_loss == pytest.approx(0.7286, abs=1e-4) and trainer.last_loss > 800
    assert trainer.rising_since == 2
    assert trainer.divergence() == ("diverging since epoch 2: the loss rose from 0.7286 to 853.1 "
                                    "(learning rate 1000 may be too large)")


def test_the_epoch_a_divergence_started_is_where_the_loss_last_rose_above_its_start():
    net = Network([1, 1, 1], "tanh", "linear", seed=0)
    trainer = Trainer(net, [[1.0]], [[0.0]], loss="mse", lr=0.01)
    for loss in (1.0, 2.0, 0.5, 0.9, 3.0, 30.0):  # above at 2, back below at 3, above again from 5
        trainer.epoch += 1
        trainer._follow_loss(loss)
    assert trainer.rising_since == 5
    assert trainer.divergence().startswith("diverging since epoch 5: the loss rose from 1 to 30 ")


@pytest.mark.parametrize("lr", [0.5, 5.0])
def test_runs_that_learn_are_not_called_diverging(lr):
    _, trainer, _ = RunConfig(lr=lr, epochs=2000).build()
    trainer.run(2000)
    assert trainer.divergence() is None


def test_a_loss_that_became_infinite_is_named_by_divergence_too():
    _, trainer, _ = RunConfig(dataset="sine", layers=(1, 8, 1), output="linear", loss="mse", lr=1e6).build()
    record = trainer.run(1000)
    assert trainer.divergence() == record.message == (f"diverged at epoch {record.epoch}: the loss became "
                                                      f"{record.loss} (learning rate 1e+06 is too large for this network)")


# --- minibatches -----------------------------------------------------------------------------


def epoch_batches(seed, epochs=2, batch_size=3):
    """The batches (as lists of sample indices) of the first epochs of a run on 10 samples."""
    X = np.arange(10.0).reshape(10, 1)  # the input is the sample's index
    Y = np.zeros((10, 1))
    net = Network([1, 2, 1], "tanh", "linear", seed=0)
    seen = []
    backward = net.backward

    def spy(Xb, Yb, *args, **kwargs):
        seen.append([int(i) for i in Xb[:, 0]])
        return backward(Xb, Yb, *args, **kwargs)

    net.backward = spy
    trainer = Trainer(net, X, Y, loss="mse", lr=0.01, batch_size=batch_size, seed=seed)
    per_epoch = []
    for _ in range(epochs):
        seen.clear()
        trainer.run_epoch()
        per_epoch.append(list(seen))
    return per_epoch


def test_minibatches_cover_the_data_once_per_epoch_in_a_fresh_order():
    first, second = epoch_batches(seed=0)
    for batches in (first, second):
        assert [len(b) for b in batches] == [3, 3, 3, 1]
        assert sorted(i for b in batches for i in b) == list(range(10))
    flat = [i for b in first for i in b]
    assert flat != list(range(10))  # shuffled
    assert first != second  # reshuffled every epoch


def test_minibatch_order_is_reproducible_by_seed():
    assert epoch_batches(seed=5) == epoch_batches(seed=5)
    assert epoch_batches(seed=5) != epoch_batches(seed=6)


def test_batch_size_at_least_the_data_means_full_batch():
    assert epoch_batches(seed=0, epochs=1, batch_size=10) == [[list(range(10))]]
    assert epoch_batches(seed=0, epochs=1, batch_size=50) == [[list(range(10))]]


def test_minibatch_loss_is_the_mean_of_the_batch_losses():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    net = Network([2, 3, 1], "tanh", "linear", seed=0)
    losses = []
    backward = net.backward

    def spy(*args, **kwargs):
        g = backward(*args, **kwargs)
        losses.append(g.loss)
        return g

    net.backward = spy
    record = Trainer(net, X, Y, loss="mse", lr=0.1, batch_size=4).run_epoch()
    assert len(losses) == 2
    assert record.loss == pytest.approx(np.mean(losses), rel=1e-15)


# --- a held-out test set ---------------------------------------------------------------------


def test_test_loss_and_accuracy_are_measured_after_each_epoch():
    net, trainer, data = RunConfig(dataset="circle", layers=(2, 8, 1), test_share=0.25, samples=80,
                                   lr=0.3).build()
    assert len(data.X_test) == 20 and len(data.X) == 60
    for _ in range(3):
        record = trainer.run_epoch()
        outputs, loss = net.evaluate(data.X_test, data.Y_test, "bce")
        assert record.test_loss == pytest.approx(loss, rel=1e-15)
        assert record.test_accuracy == np.mean((outputs > 0.5) == (data.Y_test > 0.5))


def test_without_a_test_share_there_is_no_test_loss():
    _, trainer, data = RunConfig(dataset="circle", layers=(2, 8, 1), samples=40).build()
    assert len(data.X_test) == 0
    record = trainer.run_epoch()
    assert record.test_loss is None and record.test_accuracy is None


# --- stopping and bad data -------------------------------------------------------------------


def test_should_stop_is_checked_after_every_epoch():
    net, trainer, _ = RunConfig(**XOR).build()
    calls = []
    record = trainer.run(100, should_stop=lambda: calls.append(trainer.epoch) or len(calls) == 3)
    assert calls == [1, 2, 3] and record.epoch == 3


@pytest.mark.parametrize("X,Y,word", [
    (np.zeros((4, 3)), np.zeros((4, 1)), "3 inputs"),
    (np.zeros((4, 2)), np.zeros((4, 2)), "2 targets"),
    (np.zeros((4, 2)), np.zeros((3, 1)), "one row per sample"),
])
def test_data_that_does_not_fit_the_network_is_refused(X, Y, word):
    with pytest.raises(ValueError, match=word):
        Trainer(Network([2, 4, 1]), X, Y, loss="mse")


def test_unknown_loss_and_refused_pairing():
    net = Network([2, 4, 1], output="tanh")
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        Trainer(net, np.zeros((1, 2)), np.zeros((1, 1)), loss="hinge")
    with pytest.raises(ValueError, match="bce.*tanh"):
        Trainer(net, np.zeros((1, 2)), np.zeros((1, 1)), loss="bce")


def test_the_divergence_message_writes_the_epoch_with_a_thousands_separator():
    data = datasets.load("sine", samples=32)
    net = Network([1, 4, 1], "tanh", "linear", "xavier", 0)
    trainer = Trainer(net, data.X, data.Y, loss="mse", lr=0.01)
    trainer.run(1000)
    trainer.lr = 1e6
    record = trainer.run(100)
    assert record.diverged and record.epoch > 1000
    assert f"diverged at epoch {record.epoch:,}:" in record.message
