"""The Lab in the real app: running, pausing, stepping, resetting, the learning rate,
divergence, bad settings, and leaving or quitting mid-run."""
from __future__ import annotations

import numpy as np
from lab_fixtures import key, lab_app, lab_screen, status_text, until, wait_phase
from textual.screen import Screen

from tutor.screens.lab import LabScreen
from tutor.session import Phase
from tutor.widgets.charts import LossChart
from tutor.widgets.lab_controls import LabControls


def training_workers(app) -> list:
    return [worker for worker in app.workers if worker.group == "training" and worker.is_running]


async def test_a_started_run_trains_to_its_last_epoch_and_says_so(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=300)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.FINISHED)
        await app.workers.wait_for_complete()
        log = screen.session.log
        assert log.count == 300
        np.testing.assert_array_equal(log.column("epoch"), np.arange(1, 301))
        assert log.last("loss") < log.column("loss")[0]
        await until(pilot, lambda: "finished after 300 epochs" in status_text(screen), "the status")
        await until(pilot, lambda: screen.query_one(LossChart).epochs == 300, "the loss chart")
        assert not training_workers(app)


async def test_space_pauses_n_steps_one_epoch_and_space_resumes_and_a_cover_does_not_stop_it(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**7)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        session = screen.session
        await until(pilot, lambda: session.log.count > 20, "some epochs")
        await key(app, pilot, "space")
        await wait_phase(pilot, screen, Phase.PAUSED)
        assert "paused" in status_text(screen)
        held = session.log.count
        await pilot.pause()          # paused: the app is idle, and nothing trains
        assert session.log.count == held
        await key(app, pilot, "n")
        await until(pilot, lambda: session.log.count == held + 1 and session.phase is Phase.PAUSED)
        await key(app, pilot, "n")
        await until(pilot, lambda: session.log.count == held + 2 and session.phase is Phase.PAUSED)
        await key(app, pilot, "space")
        await until(pilot, lambda: session.log.count > held + 50, "training again")
        assert session.phase is Phase.RUNNING and "running" in status_text(screen)
        # Covered by another screen (help, say), the Lab trains on.
        app.push_screen(Screen())
        covered_at = session.log.count
        await until(pilot, lambda: session.log.count > covered_at + 50, "training under another screen")
        app.pop_screen()
        await until(pilot, lambda: app.screen is screen, "the Lab back on top")
        assert session.phase is Phase.RUNNING
        session.cancel()


async def test_step_trains_one_epoch_and_plus_minus_double_and_halve_the_learning_rate(tmp_path):
    app = lab_app(tmp_path, dataset="circle", layers="2,3,1", lr=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        assert screen.session.phase is Phase.READY and not training_workers(app)

        async def one_more_epoch(count):
            await until(pilot, lambda: screen.session.log.count == count
                        and screen.session.phase is Phase.PAUSED, f"epoch {count}")

        await pilot.click("#button-step")
        await one_more_epoch(1)
        await until(pilot, lambda: screen.session.snapshot.epoch == 1, "the weights after one epoch")
        await pilot.press("plus", "n")
        await one_more_epoch(2)
        await pilot.press("minus", "minus", "n")
        await one_more_epoch(3)
        np.testing.assert_array_equal(screen.session.log.column("lr"), [0.5, 1.0, 0.25])
        assert screen.controls.raw("lr") == "0.25"
        screen.session.cancel()


async def test_reset_cancels_the_run_and_shows_a_new_untrained_network(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**7)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        old = screen.session
        await until(pilot, lambda: old.log.count > 20, "some epochs")
        await key(app, pilot, "r")
        await until(pilot, lambda: screen.session is not old, "the new session")
        assert old.done.wait(0.5), "the old run's thread did not stop within 0.5 s"
        assert old.phase is Phase.CANCELLED
        new = screen.session
        assert new is not old and new.phase is Phase.READY and new.log.count == 0
        await until(pilot, lambda: "ready" in status_text(screen))
        await until(pilot, lambda: screen.query_one(LossChart).epochs == 0, "an empty loss chart")


async def test_a_new_learning_rate_mid_run_applies_from_the_next_epoch(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**7, lr=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        session = screen.session
        await until(pilot, lambda: session.log.count > 20, "some epochs")
        screen.controls.control("lr").value = "0.125"
        await until(pilot, lambda: session.lr == 0.125, "the Lab to take the new rate")
        changed_at = session.log.count
        await until(pilot, lambda: session.log.count > changed_at + 20, "more epochs")
        session.cancel()
        lr = session.log.column("lr")
        switch = int(np.argmax(lr != 0.5))
        assert lr[0] == 0.5 and switch > 0
        np.testing.assert_array_equal(lr[switch:], 0.125)   # one switch, and it holds
        await until(pilot, lambda: "lr 0.125 ·" in status_text(screen), "the rate in force")


async def test_divergence_is_a_message_naming_the_epoch_and_the_lab_stays_up(tmp_path):
    app = lab_app(tmp_path, start=True, dataset="sine", layers="1,8,1", output="linear",
                  loss="mse", lr=1000, epochs=10**6)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.DIVERGED)
        epoch = screen.session.log.count
        await until(pilot, lambda: f"diverged at epoch {epoch}" in status_text(screen), "the message")
        assert screen.query_one("#status").has_class("-diverged")
        await until(pilot, lambda: screen.query_one(LossChart).epochs == epoch, "the loss chart")
        # The thread sets DIVERGED, then returns: its worker ends a moment later.
        await until(pilot, lambda: not training_workers(app), "the training worker to end")
        assert app.is_running and isinstance(app.screen, LabScreen)
        assert not training_workers(app)


# (control, bad text, the field whose error shows, part of the message). Every field's
# parsing is engine.RunConfig's, tested there; these check that the Lab shows each kind.
BAD_SETTINGS = [
    ("lr", "abc", "lr", "expected a number"),
    ("lr", "0", "lr", "greater than 0"),
    ("layers", "2,,1", "layers", "empty size"),
    ("epochs", "0", "epochs", "at least 1"),
    ("batch_size", "ten", "batch_size", "whole number"),
    ("seed", "1.5", "seed", "whole number"),
    ("layers", "3,4,1", "layers", "dataset xor has 2 input columns"),   # found when built
    ("output", "linear", "loss", "bce"),                               # a pairing the loss refuses
]


async def test_each_bad_setting_is_shown_next_to_its_control_and_nothing_starts(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        controls = screen.query_one(LabControls)
        for control, text, field, message in BAD_SETTINGS:
            good = controls.raw(control)
            controls.control(control).value = text
            await pilot.pause()
            await pilot.press("space")                  # try to start
            case = f"{control} = {text!r}"
            assert message in controls.errors.get(field, ""), case
            error = screen.query_one(f"#error-{field}")
            row = screen.query_one(f"#field-{field}")
            assert error.display and message in str(error.render()), case
            await until(pilot, lambda: error.region.height >= 1 and error.region.y == row.region.bottom,
                        f"{case}: the error laid out right under its field")
            assert screen.session.phase is Phase.READY and screen.session.log.count == 0, case
            assert not training_workers(app), case
            assert "fix the setting" in status_text(screen), case
            # Put right, the error goes.
            controls.control(control).value = good
            await pilot.pause()
            assert not controls.errors and not error.display, case
        await key(app, pilot, "space")
        await until(pilot, lambda: screen.session.log.count > 0, "the run to start")
        screen.session.cancel()


async def test_settings_rebuild_a_new_network_at_once_and_wait_for_reset_once_it_trained(tmp_path):
    app = lab_app(tmp_path, dataset="circle", seed=3)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        # Before training: the network follows the settings at once.
        screen.controls.control("layers").value = "2,3,3,1"
        await until(pilot, lambda: screen.session.net.sizes == [2, 3, 3, 1], "the new network")
        assert screen.session.net.sizes == [2, 3, 3, 1]
        assert screen.query_one("NetworkDiagram").sizes == [2, 3, 3, 1]
        # New seed: new data and new weights.
        before = screen.session
        await pilot.click("#button-reseed")
        assert screen.controls.raw("seed") == "4"
        assert screen.session is not before and screen.session.config.seed == 4
        assert not np.array_equal(screen.session.data.X, before.data.X)
        # Once it trained: a change waits for Reset.
        await pilot.press("n")
        await until(pilot, lambda: screen.session.phase is Phase.PAUSED)
        started = screen.session
        screen.controls.control("activation").value = "relu"
        await until(pilot, lambda: "settings changed" in status_text(screen), "the settings-changed note")
        assert screen.session is started and started.net.activation.name == "tanh"
        assert "settings changed" in status_text(screen)
        await pilot.press("r")
        assert screen.session is not started and screen.session.net.activation.name == "relu"
        assert screen.session.net.sizes == [2, 3, 3, 1] and screen.session.phase is Phase.READY
        assert "settings changed" not in status_text(screen)


async def test_quitting_mid_run_stops_the_training_thread(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**8)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        session = screen.session
        await until(pilot, lambda: session.log.count > 20, "some epochs")
        app.simulate_key("ctrl+q")
        await until(pilot, session.done.is_set, "the thread to stop")
    # Cancelled, long before its 10^8 epochs; how soon is bench/ui.py's business (a 0.5 s
    # bound here failed on a loaded machine).
    assert session.done.is_set() and session.phase is Phase.CANCELLED
    assert session.trainer.epoch < 10**8


async def test_leaving_the_lab_mid_run_stops_the_training_thread(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**8)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        session = screen.session
        await until(pilot, lambda: session.log.count > 20, "some epochs")
        app.simulate_key("escape")
        # It stops because it was cancelled, long before its 10^8 epochs (hours of work);
        # how soon is bench/ui.py's business (a 0.5 s bound here failed on a loaded machine).
        await until(pilot, session.done.is_set, "the thread to stop")
        assert session.phase is Phase.CANCELLED and session.trainer.epoch < 10**8
        await until(pilot, lambda: not isinstance(app.screen, LabScreen), "the Lab to close")


async def test_a_run_that_cannot_be_built_opens_on_its_settings_with_the_problem_shown(tmp_path):
    app = lab_app(tmp_path, start=True, dataset="xor", layers="3,4,1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lab_screen(app, pilot)
        await pilot.pause()
        assert screen.session is None and not training_workers(app)
        assert screen.view == "setup"
        assert "2 input columns" in screen.controls.errors["layers"]
        screen.controls.control("layers").value = "2,4,1"    # put right: a run is ready
        await pilot.pause()
        assert screen.session is not None and screen.session.phase is Phase.READY
