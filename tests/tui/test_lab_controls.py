"""LabControls show a RunConfig and give one back: parsed once when the settings are
good, field by field only to point at what is wrong."""
from __future__ import annotations

from lab_fixtures import until
from textual.app import App

import engine
from tutor.widgets.lab_controls import LabControls


class ControlsHarness(App):
    def __init__(self, config: engine.RunConfig) -> None:
        super().__init__()
        self.controls = LabControls(config)

    def compose(self):
        yield self.controls


# Good together, not alone: a million samples through 4096 neurons fit in memory only in
# batches of 100 (every run from the CLI or a lesson accepts it).
BIG_IN_BATCHES = engine.RunConfig.from_mapping(
    {"dataset": "circle", "layers": "2,4096,1", "samples": 10**6, "batch_size": 100})


async def test_the_controls_give_back_the_config_they_show_parsed_once(monkeypatch):
    config = engine.RunConfig.from_mapping({"dataset": "circle", "layers": "2,8,8,1", "lr": 0.05,
                                            "optimizer": "adam", "noise": 0.3, "test_share": 0.2})
    app = ControlsHarness(config)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.controls.is_mounted, "the controls")
        parses = []
        parse = engine.RunConfig.from_mapping.__func__

        def counted(cls, mapping):
            parses.append(dict(mapping))
            return parse(cls, mapping)
        monkeypatch.setattr(engine.RunConfig, "from_mapping", classmethod(counted))
        assert app.controls.read_config() == config
        assert len(parses) == 1   # it was 16: each control alone, then all together


async def test_settings_good_together_are_accepted_though_one_alone_is_not():
    app = ControlsHarness(BIG_IN_BATCHES)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.controls.is_mounted, "the controls")
        assert app.controls.read_config() == BIG_IN_BATCHES
        assert app.controls.errors == {}


async def test_every_wrong_field_is_marked_and_a_fix_clears_its_mark():
    app = ControlsHarness(engine.RunConfig())
    async with app.run_test(size=(100, 40)) as pilot:
        controls = app.controls
        await until(pilot, lambda: controls.is_mounted, "the controls")
        controls.control("lr").value = "-1"
        controls.control("epochs").value = "many"
        await until(pilot, lambda: controls.raw("epochs") == "many")
        assert controls.read_config() is None
        assert set(controls.errors) == {"lr", "epochs"}
        controls.control("lr").value = "0.1"
        controls.control("epochs").value = "20"
        await until(pilot, lambda: controls.raw("epochs") == "20")
        assert controls.read_config() == engine.RunConfig(lr=0.1, epochs=20)
        assert controls.errors == {}
