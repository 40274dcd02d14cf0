"""The Lab's status line and settings as a learner meets them: the speed, the accuracy,
a learning rate changed mid-run, a pasted page of text, and legends after Reset."""
from __future__ import annotations

from html import unescape

from lab_fixtures import key, lab_app, lab_screen, status_text, until, wait_phase

import engine
from tutor.session import Phase
from tutor.widgets.charts import DeltaChart, WeightsChart


async def test_the_speed_shows_only_once_measured_never_as_0_epochs_per_second(tmp_path):
    app = lab_app(tmp_path, epochs=10**7)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        seen = []

        def measured() -> bool:
            seen.append(status_text(screen))
            return "epochs/s" in seen[-1]

        await key(app, pilot, "space")
        await until(pilot, measured, "a measured speed")
        # (Before it, the status said "running" with "0 epochs/s" for half a second.)
        assert not [text for text in seen if "· 0 epochs/s" in text]
        screen.session.cancel()


async def test_the_status_says_which_accuracy_is_train_and_which_is_test(tmp_path):
    app = lab_app(tmp_path, start=True, dataset="circle", test_share=0.3, epochs=50)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await wait_phase(pilot, screen, Phase.FINISHED)
        await until(pilot, lambda: "finished" in status_text(screen), "the status")
        text = status_text(screen)
        assert "train acc " in text and "test acc " in text and " · acc " not in text


async def test_a_learning_rate_typed_mid_run_says_it_applied_not_that_settings_wait_for_reset(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**7, lr=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        session = screen.session
        await until(pilot, lambda: session.log.count > 20, "some epochs")
        lr = screen.controls.control("lr")
        for typed in ("0", "0.", "0.0", "0.05"):     # as typed, key by key: "0" is not a rate
            lr.value = typed
            await until(pilot, lambda: screen.controls.raw("lr") == typed)
        await until(pilot, lambda: session.lr == 0.05, "the new rate")
        await until(pilot, lambda: "learning rate 0.05 from the next epoch" in status_text(screen), "the notice")
        assert "settings changed" not in status_text(screen)
        await until(pilot, lambda: "lr 0.05 ·" in status_text(screen), "the new rate in force")
        # Another setting still waits for Reset, and says so.
        screen.controls.control("activation").value = "relu"
        await until(pilot, lambda: "settings changed" in status_text(screen), "the pending change")
        session.cancel()


async def test_the_status_shows_the_learning_rate_in_force_and_the_one_asked_for_until_it_is(tmp_path):
    app = lab_app(tmp_path, lr=0.5)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        await key(app, pilot, "n")
        await until(pilot, lambda: screen.session.phase is Phase.PAUSED and screen.session.log.count == 1)
        await key(app, pilot, "plus")
        # Paused: epoch 1 trained at 0.5, and 1 waits for the next epoch.
        await until(pilot, lambda: "lr 0.5 → 1 ·" in status_text(screen), "the rate asked for beside the one in force")
        await key(app, pilot, "n")
        await until(pilot, lambda: screen.session.log.count == 2, "the next epoch")
        await until(pilot, lambda: "lr 1 ·" in status_text(screen), "the new rate in force")
        assert screen.session.log.last("lr") == 1.0
        screen.session.cancel()


async def test_a_pasted_page_of_text_gives_a_one_line_error_and_the_controls_stay_in_view(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lab_screen(app, pilot)
        await pilot.press("1")                           # the Setup view
        controls = screen.controls
        controls.control("epochs").value = "9" * 10_000
        await until(pilot, lambda: "epochs" in controls.errors, "the error")
        assert controls.errors["epochs"] == f"too long (10,000 characters; the limit is {engine.config.MAX_TEXT:,})"
        error = screen.query_one("#error-epochs")
        dataset = screen.query_one("#control-dataset")
        # One sentence, wrapped in its column; the fields below keep their row on screen.
        await until(pilot, lambda: 1 <= error.region.height <= 3 and dataset.region.height == 1
                    and screen.region.contains_region(dataset.region), "the error laid out in its column")
        controls.control("epochs").value = "1e4"         # scientific notation is a whole number
        await until(pilot, lambda: "epochs" not in controls.errors, "the error to go")
        assert screen.session.config.epochs == 10_000


async def test_reset_after_a_layer_change_rebuilds_the_legends_for_the_new_network(tmp_path):
    app = lab_app(tmp_path, start=True, epochs=10**7)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await lab_screen(app, pilot)
        weights, deltas = screen.query_one(WeightsChart), screen.query_one(DeltaChart)
        await until(pilot, lambda: "W1[1,3]" in str(weights.border_subtitle), "the 2-4-1 legend")
        screen.controls.control("layers").value = "2,3,3,1"
        await key(app, pilot, "space")
        await wait_phase(pilot, screen, Phase.PAUSED)
        await key(app, pilot, "r")
        await until(pilot, lambda: screen.session.phase is Phase.READY, "the new network")
        await until(pilot, lambda: "W1[1,2]" in str(weights.border_subtitle)
                    and "δ3" in str(deltas.border_subtitle), "the new legends")
        assert "W1[1,3]" not in str(weights.border_subtitle)
        # ... and on the screen, not only in the widgets: a legend set while a chart
        # rendered stayed unpainted until the next render, when training started.
        await pilot.pause()
        shown = unescape(app.export_screenshot())
        assert "W1[1,2]" in shown and "δ3" in shown and "W1[1,3]" not in shown


async def test_settings_a_dataset_ignores_are_hidden_and_come_back_with_one_that_uses_them(tmp_path):
    app = lab_app(tmp_path)                         # xor: its 4 fixed points
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        controls = screen.controls
        for field in ("samples", "noise", "test_share"):
            assert controls.control(field).disabled, field
            assert not controls.query_one(f"#setting-{field}").display, field
        assert not controls.control("seed").disabled and not controls.control("layers").disabled
        controls.control("dataset").value = "circle"
        await until(pilot, lambda: not controls.control("noise").disabled, "noise to apply")
        assert not controls.control("samples").disabled and not controls.control("test_share").disabled
        assert controls.query_one("#setting-noise").display
        await until(pilot, lambda: screen.session.config.dataset == "circle", "the circle")


async def test_a_three_class_dataset_gets_softmax_and_cross_entropy_and_the_others_say_why_not(tmp_path):
    app = lab_app(tmp_path)                          # xor: sigmoid and bce, 2,4,1
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        controls = screen.controls

        def prompts(field: str) -> dict[str, str]:
            return {value: str(prompt) for prompt, value in controls.control(field)._options}

        assert prompts("output")["softmax"] == "softmax ✗ multi-class only"
        assert prompts("loss")["cross_entropy"] == "cross_entropy ✗ multi-class only"
        assert prompts("output")["sigmoid"] == "sigmoid"
        controls.control("dataset").value = "spiral3"
        await until(pilot, lambda: screen.session.config.dataset == "spiral3", "the spiral")
        config = screen.session.config
        assert (config.output, config.loss, config.layers) == ("softmax", "cross_entropy", (2, 4, 3))
        assert not controls.errors
        assert "to fit spiral3" in status_text(screen)
        assert prompts("output")["softmax"] == "softmax"
        await key(app, pilot, "space")
        await until(pilot, lambda: screen.session.log.count > 50, "training")
        screen.session.cancel()
        # Back to one target column: sigmoid and bce again, one output.
        controls.control("dataset").value = "moons"
        await until(pilot, lambda: controls.raw("output") == "sigmoid", "sigmoid")
        assert controls.raw("loss") == "bce" and controls.raw("layers") == "2,4,1"
