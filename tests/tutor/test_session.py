"""TrainingSession: the Lab's training loop in a thread, steered by flags (no Textual here)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import engine
from tutor.session import Phase, TrainingSession, inspect_sample, preactivation_range

GIVE_UP_SECONDS = 30.0  # a safety net against hanging; waits end as soon as their condition holds


def session_of(**settings) -> TrainingSession:
    return TrainingSession(engine.RunConfig.from_mapping(settings))


def start(session: TrainingSession, **kwargs) -> threading.Thread:
    thread = threading.Thread(target=session.run, kwargs=kwargs, daemon=True)
    thread.start()
    return thread


def until(condition, what="the condition"):
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.001)


def test_a_run_trains_every_epoch_into_the_log_and_finishes():
    session = session_of(epochs=120)
    assert session.phase is Phase.READY and session.snapshot.epoch == 0
    start(session)
    assert session.done.wait(GIVE_UP_SECONDS)
    assert session.phase is Phase.FINISHED
    assert session.log.count == 120
    np.testing.assert_array_equal(session.log.column("epoch"), np.arange(1, 121))
    # The final snapshot holds the final weights, as copies: the trainer's last checkpoint.
    assert session.snapshot.epoch == 120
    assert isinstance(session.snapshot, engine.Checkpoint)
    assert session.snapshot is session.trainer.checkpoints[120]
    assert session.snapshot.record.epoch == 120
    for W, copy in zip(session.net.weights, session.snapshot.weights):
        np.testing.assert_array_equal(W, copy)
        assert copy is not W


def test_the_same_config_trains_the_same_numbers_as_the_engine_alone():
    session = session_of(epochs=50, dataset="circle", layers="2,3,1", seed=4)
    start(session)
    session.done.wait(GIVE_UP_SECONDS)
    net, trainer, _ = session.config.build()
    records = [trainer.run_epoch() for _ in range(50)]
    np.testing.assert_allclose(session.log.column("loss"), [r.loss for r in records])


def test_pause_holds_step_trains_one_epoch_and_resume_goes_on():
    session = session_of(epochs=10**7)
    session.pause()                       # paused before it starts: waits for a step
    thread = start(session)
    until(lambda: session.phase is Phase.PAUSED, "paused")
    assert session.log.count == 0
    session.step()
    until(lambda: session.log.count == 1 and session.phase is Phase.PAUSED, "one step")
    session.step(3)
    until(lambda: session.log.count == 4 and session.phase is Phase.PAUSED, "three steps")
    assert session.snapshot.epoch == 4    # a paused session publishes its weights
    session.resume()
    until(lambda: session.log.count > 100, "training after resume")
    assert session.phase is Phase.RUNNING
    session.cancel()
    thread.join(GIVE_UP_SECONDS)
    assert session.phase is Phase.CANCELLED


def test_a_new_learning_rate_applies_from_the_next_epoch():
    session = session_of(epochs=10**7, lr=0.5)
    session.pause()
    start(session)
    session.step(3)
    until(lambda: session.log.count == 3 and session.phase is Phase.PAUSED)
    session.set_lr(0.125)
    assert session.lr == 0.125
    session.step(2)
    until(lambda: session.log.count == 5 and session.phase is Phase.PAUSED)
    session.cancel()
    np.testing.assert_array_equal(session.log.column("lr"), [0.5, 0.5, 0.5, 0.125, 0.125])
    assert session.trainer.lr == 0.125



def test_flags_changed_while_running_apply_from_the_next_epoch_and_keep_no_checkpoints():
    # Trainer.run is interrupted for each flag; the interruptions must not checkpoint.
    session = session_of(epochs=10**8, lr=0.5)
    start(session)
    for lr in (0.25, 0.125, 0.0625):
        until(lambda: session.log.count > 20)
        session.set_lr(lr)
        until(lambda: session.log.last("lr") == lr)
        first = session.snapshot
        session.request_snapshot()
        until(lambda: session.snapshot is not first, "a fresh snapshot")
    assert session.phase is Phase.RUNNING
    session.cancel()
    assert session.done.wait(GIVE_UP_SECONDS)
    rates = session.log.column("lr")
    changes = np.flatnonzero(np.diff(rates)) + 1
    assert rates[0] == 0.5 and rates[changes].tolist() == [0.25, 0.125, 0.0625]   # each once, for good
    last = session.trainer.epoch
    assert sorted(session.trainer.checkpoints) == sorted({e for e in (1, 10, 100, 1000, 10**4, 10**5)
                                                          if e <= last} | {last})

def test_the_epoch_target_can_change_mid_run():
    session = session_of(epochs=10**7)
    start(session)
    until(lambda: session.log.count > 10)
    session.set_epochs(session.log.count + 5)
    assert session.done.wait(GIVE_UP_SECONDS)
    assert session.phase is Phase.FINISHED
    assert session.log.count == session.epochs


def test_cancel_ends_a_running_or_paused_thread_at_once():
    running = session_of(epochs=10**8)
    thread = start(running)
    until(lambda: running.log.count > 10)
    running.cancel()
    thread.join(0.5)
    assert not thread.is_alive() and running.phase is Phase.CANCELLED

    paused = session_of(epochs=10**8)
    paused.pause()
    thread = start(paused)
    until(lambda: paused.phase is Phase.PAUSED)
    paused.cancel()
    thread.join(0.5)
    assert not thread.is_alive() and paused.phase is Phase.CANCELLED


def test_should_stop_is_checked_every_epoch_and_while_paused():
    stop = threading.Event()
    session = session_of(epochs=10**8)
    thread = start(session, should_stop=stop.is_set)
    until(lambda: session.log.count > 5)
    session.pause()
    until(lambda: session.phase is Phase.PAUSED)
    stop.set()
    thread.join(GIVE_UP_SECONDS)
    assert session.phase is Phase.CANCELLED


def test_divergence_stops_the_run_with_a_message_naming_the_epoch():
    session = session_of(dataset="sine", layers="1,8,1", output="linear", loss="mse",
                         lr=1000, epochs=10**6)
    start(session)
    assert session.done.wait(GIVE_UP_SECONDS)
    assert session.phase is Phase.DIVERGED
    epoch = session.log.count
    assert f"diverged at epoch {epoch}" in session.message
    assert not np.isfinite(session.log.last("loss"))


def test_a_run_whose_finite_loss_ends_far_above_its_start_ends_diverging_not_finished():
    session = session_of(lr=1000, epochs=300)  # BCE from 0.73 to 853
    start(session)
    assert session.done.wait(GIVE_UP_SECONDS)
    assert session.phase is Phase.DIVERGED
    assert session.message.startswith("diverging since epoch 2: the loss rose from 0.7286 to 853.1")


def test_snapshots_are_copies_made_on_request():
    session = session_of(epochs=10**7)
    start(session)
    until(lambda: session.log.count > 10)
    first = session.snapshot
    session.request_snapshot()
    until(lambda: session.snapshot is not first, "a fresh snapshot")
    session.pause()
    until(lambda: session.phase is Phase.PAUSED)
    snap = session.snapshot
    assert snap.epoch == session.log.count == session.trainer.epoch
    before = [W.copy() for W in snap.weights]
    session.step(5)
    until(lambda: session.log.count == snap.epoch + 5 and session.phase is Phase.PAUSED)
    for W, kept in zip(snap.weights, before):   # training did not touch the copy
        np.testing.assert_array_equal(W, kept)
    session.cancel()


def test_a_configuration_that_does_not_fit_its_data_raises_config_error():
    with pytest.raises(engine.ConfigError) as error:
        session_of(dataset="xor", layers="3,4,1")
    assert error.value.field == "layers"


def test_inspect_sample_is_one_backward_pass_on_that_sample():
    session = session_of(dataset="circle", layers="2,3,1", epochs=10)
    snap = engine.Checkpoint.of(0, session.net)
    g = inspect_sample(session, snap, 7)
    X, Y = session.data.X[7:8], session.data.Y[7:8]
    expected = session.net.backward(X, Y, "bce")
    for got, want in zip(g.deltas + g.zs, expected.deltas + expected.zs):
        np.testing.assert_allclose(got, want)
    # BP1 for sigmoid + BCE: delta^L = a^L - y.
    np.testing.assert_allclose(g.deltas[-1], g.activations[-1] - Y)


def test_snapshot_network_evaluates_the_snapshot_not_the_live_weights():
    session = session_of(epochs=10)
    snap = engine.Checkpoint.of(0, session.net)
    twin = snap.network(session.net)
    session.net.weights[0][...] = 0.0    # training moves on in place
    X = session.data.X
    assert not np.allclose(twin.forward(X), session.net.forward(X))
    np.testing.assert_array_equal(twin.weights[0], snap.weights[0])
    assert not np.shares_memory(twin.theta, session.net.theta)


def test_preactivation_range_spans_the_hidden_z():
    session = session_of(dataset="circle", layers="2,5,1", epochs=10)
    snap = session.snapshot
    low, high = preactivation_range(session, snap)
    z = session.data.X @ session.net.weights[0] + session.net.biases[0]
    assert low == pytest.approx(z.min()) and high == pytest.approx(z.max())
    no_hidden = session_of(dataset="xor", layers="2,1", epochs=1)
    assert preactivation_range(no_hidden, no_hidden.snapshot) is None


def test_an_error_in_the_engine_ends_the_run_with_a_message_and_is_raised():
    session = session_of(epochs=100)

    def broken(*args, **kwargs):
        raise MemoryError("no room for the next batch")

    session.net.backward = broken
    with pytest.raises(MemoryError):
        session.run()
    assert session.phase is Phase.FAILED and session.phase.over and session.done.is_set()
    assert "no room for the next batch" in session.message
