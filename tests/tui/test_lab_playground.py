"""What TensorFlow Playground's panel has, in the Lab: the input features of 2-D data as
toggles (keyboard and mouse; the first layer follows them; the decision map draws the
plane through them), regularisation as a setting, and Reset keeping the initial
weights until the seed changes (Playground issue #25)."""
from __future__ import annotations

import numpy as np
from lab_fixtures import key, lab_app, lab_screen, status_text, until, wait_phase

from tutor.session import Phase
from tutor.widgets.boundary import BoundaryMap
from tutor.widgets.feature_toggles import FeatureToggles
from tutor.widgets.lab_controls import FIELD_NAMES
from tutor.widgets.network_diagram import NetworkDiagram, NeuronInspector


async def test_feature_toggles_by_keyboard_and_mouse_set_the_features_and_the_first_layer(tmp_path):
    app = lab_app(tmp_path, dataset="circle", layers="2,3,1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lab_screen(app, pilot)
        await pilot.press("1")                                   # the Setup view
        toggles = screen.query_one(FeatureToggles)
        # Keyboard: Tab reaches the toggles; Space switches one, Enter another.
        for _ in range(12):
            if app.focused is toggles.toggle("x1"):
                break
            await pilot.press("tab")
        assert app.focused is toggles.toggle("x1")
        await pilot.press("tab", "tab", "space")                 # x1^2 on
        await pilot.press("tab", "enter")                        # x2^2 on
        await until(pilot, lambda: screen.session.config.features == ("x1", "x2", "x1^2", "x2^2"),
                    "a network with four features")
        assert screen.controls.raw("layers") == "4,3,1" and screen.session.net.sizes == [4, 3, 1]
        assert "one input per feature" in status_text(screen)
        # Mouse: a click switches x1 and x2 off.
        await pilot.click(toggles.toggle("x1"))
        await pilot.click(toggles.toggle("x2"))
        await until(pilot, lambda: screen.session.config.features == ("x1^2", "x2^2"), "two features")
        assert screen.session.net.sizes == [2, 3, 1] and toggles.value == "x1^2,x2^2"
        # The decision map shows the plane: the points as drawn, the features made on its grid.
        await pilot.press("2")
        boundary = screen.query_one(BoundaryMap)
        await until(pilot, lambda: boundary.predict is not None and boundary.X is not None, "the map")
        np.testing.assert_array_equal(boundary.X, screen.session.data.raw.X)
        grid = np.array([[0.5, -0.5], [0.0, 0.0]])
        np.testing.assert_allclose(boundary.predict(grid),
                                   screen.session.net.forward(np.array([[0.25, 0.25], [0.0, 0.0]])))
        # The inspector says what an input neuron holds.
        screen.query_one(NetworkDiagram).focus()
        await pilot.press("left", "left", "left")
        await until(pilot, lambda: "an input: a = x₁² of the point" in str(screen.query_one(NeuronInspector).render()),
                    "the input named")


async def test_the_features_fit_at_80x24_and_leave_with_a_dataset_that_is_not_2d(tmp_path):
    app = lab_app(tmp_path, dataset="circle", layers="3,4,1", features="x1,x2,x1x2")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await lab_screen(app, pilot)
        await pilot.press("1")
        controls = screen.controls
        await until(pilot, lambda: controls.query_one("#buttons").region.height > 0, "the Setup view laid out")
        # Every setting of a generated 2-D dataset and the buttons, without scrolling.
        shown = controls.content_region
        for field in FIELD_NAMES:
            region = controls.query_one(f"#setting-{field}").region
            assert shown.y <= region.y and region.bottom <= shown.bottom, (field, region, shown)
        assert controls.query_one("#buttons").region.bottom <= shown.bottom
        second_row = controls.query_one(FeatureToggles).toggle("sin_x2").region
        assert second_row.height == 1 and second_row.right <= shown.right
        # A 1-D dataset: the features go back to x1, x2 (hidden), the first layer to its 1 input.
        controls.control("dataset").value = "sine"
        await until(pilot, lambda: screen.session is not None and screen.session.config.dataset == "sine",
                    "a sine network")
        assert screen.session.config.features == ("x1", "x2") and screen.session.net.sizes[0] == 1
        assert not controls.query_one("#setting-features").display


async def test_regularization_is_a_setting_and_the_status_shows_the_penalty(tmp_path):
    app = lab_app(tmp_path, dataset="xor", epochs=50)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        controls = screen.controls
        controls.control("regularization").value = "l2"
        controls.control("regularization_rate").value = "0.01"
        await until(pilot, lambda: screen.session.config.regularization_rate == 0.01, "the regularised run")
        assert screen.session.trainer.penalty is not None
        controls.control("regularization_rate").value = "-1"
        await until(pilot, lambda: "regularization_rate" in controls.errors, "the rate's error")
        assert "must be at least 0" in controls.errors["regularization_rate"]
        controls.control("regularization_rate").value = "0.01"
        await until(pilot, lambda: not controls.errors, "no error")
        await key(app, pilot, "space")
        await wait_phase(pilot, screen, Phase.FINISHED)
        penalty = screen.session.log.last("penalty")
        assert penalty > 0
        await until(pilot, lambda: f"penalty {penalty:.4g}" in status_text(screen), "the penalty shown")


def shown_weights(screen) -> list[np.ndarray]:
    return [W.copy() for W in screen.query_one(NetworkDiagram).weights]


async def test_reset_keeps_the_initial_weights_until_the_seed_changes(tmp_path):
    app = lab_app(tmp_path, dataset="circle", layers="2,4,1", epochs=10**7, seed=5)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await lab_screen(app, pilot)
        diagram = screen.query_one(NetworkDiagram)
        await until(pilot, lambda: len(diagram.weights) == 2, "the diagram")
        initial = shown_weights(screen)

        async def train_a_while():
            await key(app, pilot, "space")
            await until(pilot, lambda: screen.session.log.count > 30, "some epochs")
            await until(pilot, lambda: not np.array_equal(diagram.weights[0], initial[0]), "trained weights shown")

        async def reset_shows(expected, same=True):
            old = screen.session
            await key(app, pilot, "r")
            await until(pilot, lambda: screen.session is not old, "a new session")
            await until(pilot, lambda: screen.session.snapshot.epoch == 0 and screen._shown_snapshot
                        is screen.session.snapshot, "the new network shown")
            matches = all(np.array_equal(a, b) for a, b in zip(shown_weights(screen), expected))
            assert matches == same

        await train_a_while()
        await reset_shows(initial)                           # Reset: the same start
        screen.controls.control("lr").value = "2"
        screen.controls.control("regularization").value = "l1"
        screen.controls.control("regularization_rate").value = "0.001"
        await until(pilot, lambda: screen.controls.read_config().regularization_rate == 0.001, "new settings")
        await train_a_while()
        await reset_shows(initial)                           # another rate and a penalty: the same start
        assert screen.session.config.lr == 2 and screen.session.config.regularization == "l1"
        screen.controls.control("seed").value = "6"
        await until(pilot, lambda: screen.session.config.seed == 6, "the new seed's network")
        assert not np.array_equal(shown_weights(screen)[0], initial[0])   # another seed: another start
        await reset_shows(shown_weights(screen))
        assert not np.array_equal(shown_weights(screen)[0], initial[0])
        screen.session.cancel()
