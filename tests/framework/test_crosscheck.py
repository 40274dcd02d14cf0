"""tutor/framework/crosscheck.py: the engine and PyTorch agree to 1e-10 on every pairing."""
from __future__ import annotations

import dataclasses

import pytest

import engine
from framework_cases import PAIRINGS, architectures, config, need_torch
from tutor.framework import crosscheck as xc
from tutor.framework import twin

need_torch()


@pytest.mark.parametrize("activation", list(engine.ACTIVATIONS))
def test_every_output_loss_and_optimizer_agrees_on_two_architectures(activation):
    """10 activations × 6 output/loss pairings × 3 optimizers × 2 architectures (2-4-1 and
    three hidden layers), 10 steps each: every quantity within 1e-10 relative."""
    checked = 0
    for output, loss, dataset in PAIRINGS:
        for layers in architectures(dataset):
            for optimizer in engine.OPTIMIZERS:
                run = config(activation, output, loss, dataset, layers, optimizer=optimizer)
                report = xc.crosscheck(run, steps=10)
                assert report.agrees, f"{run}: {xc.verdict(report)}"
                checked += 1
    assert checked == 36


@pytest.mark.parametrize("optimizer", list(engine.OPTIMIZERS))
def test_the_default_hundred_steps_agree_with_each_optimizer(optimizer):
    report = xc.crosscheck(engine.RunConfig(optimizer=optimizer, lr=0.05 if optimizer == "adam" else 0.5))
    assert report.agrees, xc.verdict(report)
    quantities = [row.quantity for row in report.rows]
    assert quantities[:2] == ["a^2 (outputs)", "L (loss)"]
    for name in ("δ^1", "δ^2", "∂L/∂W^1", "∂L/∂b^2", "L at step 100", "W^1 after 100 steps",
                 "b^2 after 100 steps"):
        assert name in quantities


def test_mini_batches_and_he_init_agree_over_a_hundred_steps():
    run = engine.RunConfig(dataset="circle", layers=(2, 8, 8, 1), activation="relu", init="he",
                           batch_size=16, samples=100, optimizer="momentum", lr=0.1)
    report = xc.crosscheck(run, steps=100)
    assert report.agrees, xc.verdict(report)


def test_rrelu_is_compared_in_evaluation_and_in_training_mode():
    report = xc.crosscheck(config("rrelu", layers=(2, 5, 4, 3, 1)), steps=50)
    assert report.agrees, xc.verdict(report)
    modes = {row.mode for row in report.rows}
    assert modes == {"evaluation", "training"}


def test_rrelu_in_training_needs_the_engines_slopes(monkeypatch):
    """Without the slopes the engine drew, PyTorch's RReLU draws its own and disagrees:
    the training-mode comparison does use the engine's."""
    monkeypatch.setattr(xc, "drawn_slopes", lambda net, state, zs: None)
    report = xc.crosscheck(config("rrelu"), steps=5)
    first = report.first_disagreement
    assert first is not None and first.mode == "training"


def test_a_wrong_mapping_is_caught_and_the_first_disagreement_named(monkeypatch):
    torch = need_torch()
    real = twin.hidden_module
    monkeypatch.setattr(twin, "hidden_module", lambda torch, name: torch.nn.LeakyReLU(0.02)
                        if name == "leaky_relu" else real(torch, name))
    report = xc.crosscheck(config("leaky_relu", layers=(2, 4, 1)), steps=5)
    assert not report.agrees
    assert report.first_disagreement.quantity == "a^2 (outputs)"
    assert xc.verdict(report).startswith("disagreement: a^2 (outputs) differs by")


def test_a_setting_it_cannot_map_is_refused_by_name(monkeypatch):
    """A field RunConfig gains later (dropout, say: a made-up field) is refused until mapped."""
    from engine import config as config_module

    monkeypatch.setitem(config_module._PARSERS, "dropout", lambda field, raw: float(raw))
    Extended = dataclasses.make_dataclass("Extended", [("dropout", float, 0.0)], bases=(engine.RunConfig,),
                                          frozen=True)
    twin.check_carried(Extended())   # at its default: nothing to map
    monkeypatch.setitem(config_module._PARSERS, "augment", lambda field, raw: tuple(raw))
    WithFactory = dataclasses.make_dataclass(
        "WithFactory", [("augment", tuple, dataclasses.field(default_factory=lambda: ("flip",)))],
        bases=(engine.RunConfig,), frozen=True)
    twin.check_carried(WithFactory())   # a default from a factory is a default too
    with pytest.raises(twin.NotCarried, match="^augment: "):
        twin.check_carried(WithFactory(augment=("flip", "turn")))
    with pytest.raises(twin.NotCarried, match="^dropout: this setting has no PyTorch counterpart"):
        xc.crosscheck(Extended(dropout=0.5))


def test_every_field_runconfig_has_today_is_carried():
    assert {field.name for field in dataclasses.fields(engine.RunConfig)} <= twin.CARRIED


@pytest.mark.parametrize("optimizer", list(engine.OPTIMIZERS))
@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_regularised_weights_agree_after_a_hundred_steps(regularization, optimizer):
    """The penalty's gradient joins at the step on both sides: the weights after 100 steps
    agree to 1e-10, on a 2-4-1 net and a three-hidden-layer one."""
    for layers in architectures("xor"):
        run = config("tanh", layers=layers, optimizer=optimizer, regularization=regularization,
                     regularization_rate=0.05)
        report = xc.crosscheck(run, steps=100)
        assert report.agrees, f"{run}: {xc.verdict(report)}"
        assert f"W^{len(layers) - 1} after 100 steps" in [row.quantity for row in report.rows]
        assert f", {regularization} λ 0.05" in xc.report_text(report).splitlines()[0]


def test_l1_at_zero_weights_takes_sign_0_as_0_on_both_sides():
    run = config("relu", layers=(2, 5, 4, 3, 1), init="zero", regularization="l1", regularization_rate=0.1,
                 optimizer="momentum")
    report = xc.crosscheck(run, steps=20)
    assert report.agrees, xc.verdict(report)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_a_twin_without_the_penalty_disagrees_in_the_weights(monkeypatch, regularization):
    """The engine side does apply the penalty: a twin that leaves it out parts after the
    steps (the loss at step 20, the weights), not before (the first pass's gradients are
    the data loss's on both sides)."""
    real = twin.TorchTwin.__init__

    def without_penalty(self, *args):
        real(self, *args)
        self.regularization = "none"

    monkeypatch.setattr(twin.TorchTwin, "__init__", without_penalty)
    report = xc.crosscheck(config(regularization=regularization, regularization_rate=0.05), steps=20)
    assert report.first_disagreement.quantity == "L at step 20"
    assert not next(row for row in report.rows if row.quantity == "W^1 after 20 steps").agrees


def test_input_features_agree_on_two_architectures():
    """The twin gets the engine's X: the features computed from the points."""
    chosen = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2")
    for layers in ((7, 4, 1), (7, 5, 4, 3, 1)):
        run = engine.RunConfig(dataset="circle", layers=layers, features=chosen, samples=60,
                               regularization="l2", regularization_rate=0.01, optimizer="adam", lr=0.02)
        report = xc.crosscheck(run, steps=50)
        assert report.agrees, xc.verdict(report)
        assert "features x1,x2,x1^2,x2^2,x1x2,sin_x1,sin_x2" in xc.report_text(report).splitlines()[0]


def test_the_table_says_each_convention_it_mapped():
    text = xc.report_text(xc.crosscheck(engine.RunConfig(), steps=3))
    assert "δˡ = n·(zˡ.grad)" in text and "k/2" in text and "momentum" in text
    assert text.splitlines()[-1].startswith("all 13 quantities agree to 1e-10 relative")


def test_a_run_that_diverges_alike_on_both_sides_agrees_and_one_sided_inf_does_not():
    diverging = engine.RunConfig(dataset="sine", layers=(1, 8, 1), output="linear", loss="mse",
                                 activation="relu", lr=1e5)
    report = xc.crosscheck(diverging, steps=100)
    assert report.agrees, xc.verdict(report)
    stopped = next(row.quantity for row in report.rows if row.quantity.startswith("L at step"))
    assert stopped != "L at step 100"     # it stopped where the loss became inf or NaN
    one_sided = xc.difference("", "W^1", [1.0, float("nan")], [1.0, 2.0])
    assert not one_sided.agrees
    assert xc.difference("", "W^1", [1.0, float("inf")], [1.0, float("inf")]).agrees
