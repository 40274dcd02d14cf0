"""The stepper screen (tutor/screens/stepper.py): from the Lab, walking, predicting, a large layer."""
from __future__ import annotations

import numpy as np
import pytest

from engine.network import Network
from tests.tui.lab_fixtures import lab_app, lab_screen, until
from tutor.screens.stepper import StepperScreen
from tutor.stepper import num


PARTS = {"#stepper-title": "title_bar", "#stepper-lines": "numbers", "#stepper-feedback": "feedback"}


def text(screen, selector: str) -> str:
    return str(getattr(screen, PARTS[selector]).render())


async def stepper(app, pilot) -> StepperScreen:
    await until(pilot, lambda: isinstance(app.screen, StepperScreen)
                and getattr(app.screen, "numbers", None) is not None and app.screen.numbers.is_mounted,
                "the stepper")
    await pilot.pause()
    return app.screen


async def test_from_the_lab_it_walks_the_selected_sample_with_the_engines_numbers(tmp_path):
    app = lab_app(tmp_path, dataset="xor", layers=[2, 2, 1], activation="sigmoid", loss="mse", lr=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await lab_screen(app, pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")  # sample 4
        await pilot.press("b")
        screen = await stepper(app, pilot)
        assert "Step 1 of 13" in text(screen, "#stepper-title")
        assert "sample 4 of 4" in text(screen, "#stepper-title")
        session = lab.session
        net = session.snapshot.network(session.net)
        X, Y = session.data.X[3:4], session.data.Y[3:4]
        g = net.backward(X, Y, "mse")
        assert f"= {num(g.zs[0][0, 0])}" in text(screen, "#stepper-lines")
        await pilot.press("n", "n", "n")
        assert "Step 4 of 13" in text(screen, "#stepper-title")
        assert f"= {num(g.activations[2][0, 0])}" in text(screen, "#stepper-lines")      # a² of the output
        await pilot.press("b")
        assert "Step 3 of 13" in text(screen, "#stepper-title")
        await pilot.press("1")                     # the next step of layer 1 after step 3: BP2
        assert "BP2" in text(screen, "#stepper-title")
        assert f"= {num(g.deltas[0][0, 0])}" in text(screen, "#stepper-lines")
        assert screen.diagram.highlight == frozenset({(1, 0), (1, 1), (2, 0)})
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lab, "back in the Lab")


def square_net() -> Network:
    net = Network([2, 3, 3, 1], "tanh", "sigmoid", seed=4)
    net.biases = [np.array([0.1, -0.2, 0.3])] * 2 + [np.array([0.05])]
    return net


async def test_predicting_right_then_wrong_names_the_slip_and_shows_the_engines_value(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await lab_screen(app, pilot)
        app.push_screen(StepperScreen(square_net(), [1.0, -1.0], [1.0], "bce", 0.5, predict=True))
        screen = await stepper(app, pilot)
        first = screen.walk.steps[0]
        assert first.lines[1].endswith(f"= {num(first.value)}")
        assert text(screen, "#stepper-lines").splitlines()[1].endswith("= ?")        # hidden until typed
        assert f"Predict {first.asks}" in text(screen, "#stepper-feedback")
        await pilot.press(*f"{first.value:.5g}", "enter")
        assert "✓ Right." in text(screen, "#stepper-feedback")
        assert text(screen, "#stepper-lines").splitlines()[1].endswith(f"= {num(first.value)}")
        await pilot.press("2")                    # layer 2's first step after this one: z²
        assert screen.step.kind == "z" and screen.step.layer == 2
        bp2 = next(i for i, s in enumerate(screen.walk.steps) if s.kind == "bp2" and s.layer == 1)
        for _ in range(bp2 - screen.index):       # reveal (ctrl+r works in the answer field), then next
            await pilot.press("ctrl+r", "n")
        assert screen.index == bp2
        step = screen.step
        slip = next(s for s in step.slips if "not (W²)ᵀ" in s.feedback)
        await pilot.press(*f"{slip.value:.5g}", "enter")
        feedback = text(screen, "#stepper-feedback")
        assert "✗ Not yet." in feedback and "You multiplied by W², not (W²)ᵀ" in feedback
        assert f"{step.asks} = {num(step.value)} (the engine's value)" in feedback
        await pilot.press("n", "ctrl+r")          # reveal without typing
        assert f"= {num(screen.step.value)} (the engine's value)" in text(screen, "#stepper-feedback")


async def test_a_large_layer_shows_the_selected_neuron_and_fits_80x24(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await lab_screen(app, pilot)
        net = Network([2, 64, 1], "relu", "sigmoid", seed=1)
        app.push_screen(StepperScreen(net, [0.5, -0.5], [1.0], "bce", 0.1, focus=(1, 40)))
        screen = await stepper(app, pilot)
        lines = text(screen, "#stepper-lines")
        assert "z¹[40] = a⁰[0]·W¹[0,40] + a⁰[1]·W¹[1,40] + b¹[40]" in lines and "z¹[0]" not in lines
        assert "40●" in screen.diagram.render().plain            # the diagram draws the neuron the step is about
        await pilot.press("3")                 # no layer 3: a notice, the step stays
        assert screen.index == 0
        await pilot.press("n", "n")
        assert "a¹[40]·W²[40,0] + … (63 more terms)" in text(screen, "#stepper-lines")
        await until(pilot, lambda: screen.title_bar.region.y == 0 and screen.numbers.parent.region.height >= 4,
                    "the title on top and the numbers with room")


async def test_a_lesson_stepper_block_opens_the_walk_with_its_predict_steps(tmp_path):
    from textual.widgets import Button

    from tests.tui.tutor_fixtures import settle, wait_for_course
    from tests.tutor.test_lessons_stepper_block import stepper as stepper_block
    from tutor.app import TutorApp

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-walk.md").write_text(
        '+++\nid = "walk"\ntitle = "Walk"\nrequires = []\n+++\nProse.\n\n'
        + stepper_block('title = "Mazur\'s 2-2-1"\nlr = 0.5\npredict = ["bp2"]'), encoding="utf-8")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        app.open_lesson("walk")
        await settle(app, pilot)
        button = app.screen.query_one(".stepper-open", Button)
        button.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(button)
        screen = await stepper(app, pilot)
        assert "Mazur's 2-2-1" in text(screen, "#stepper-title")
        assert not screen.asks(0)                                   # z¹: shown at once
        bp2 = [i for i, s in enumerate(screen.walk.steps) if s.kind == "bp2"]
        assert bp2 and all(screen.asks(i) for i in bp2)
        await pilot.press("1", "1")                                 # z¹ → a¹ → BP2 of layer 1
        assert screen.index == bp2[0]
        assert text(screen, "#stepper-lines").splitlines()[1].endswith("= ?")
        await pilot.press("escape", "p")                           # predict mode off: the value shows
        assert not screen.asks(bp2[0]) and not text(screen, "#stepper-lines").splitlines()[1].endswith("= ?")
        await pilot.press("p")                                      # on again: the lesson's steps, no others
        assert screen.asks(bp2[0]) and not screen.asks(0)


async def test_the_palette_offers_the_stepper_in_the_lab_and_each_lesson_block(tmp_path):
    from tests.tui.tutor_fixtures import wait_for_course
    from tests.tutor.test_lessons_stepper_block import stepper as stepper_block
    from tutor.app import TutorApp
    from tutor.palette import TutorCommands

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-walk.md").write_text('+++\nid = "walk"\ntitle = "Walk"\nrequires = []\n+++\nProse.\n\n'
                                        + stepper_block('title = "by hand"\nlr = 0.5'), encoding="utf-8")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        commands = {command.title: command for command in TutorCommands(app.screen).commands()}
        assert "Backprop step by step" not in commands                 # no Lab open: no network to walk
        commands["Stepper: by hand"].run()
        screen = await stepper(app, pilot)
        assert "by hand" in text(screen, "#stepper-title")
        await pilot.press("escape")
        app.open_lab()
        lab = await lab_screen(app, pilot)
        await until(pilot, lambda: lab.session is not None, "the Lab's run")
        commands = {command.title: command for command in TutorCommands(app.screen).commands()}
        commands["Backprop step by step"].run()
        screen = await stepper(app, pilot)
        assert "epoch 0" in text(screen, "#stepper-title")


async def test_b_on_a_running_adam_run_pauses_it_and_shows_the_step_its_optimizer_would_take(tmp_path):
    import copy

    from tests.tui.lab_fixtures import key
    from tests.tutor.test_stepper import engine_values
    from tutor.session import Phase

    app = lab_app(tmp_path, start=True, epochs=10**7, dataset="xor", layers=[2, 3, 1], activation="tanh",
                  optimizer="adam", lr=0.01, regularization="l2", regularization_rate=0.001)
    async with app.run_test(size=(120, 40)) as pilot:
        lab = await lab_screen(app, pilot)
        session = lab.session
        await until(pilot, lambda: session.trainer.epoch > 20, "some epochs of Adam")
        await key(app, pilot, "b")
        screen = await stepper(app, pilot)
        assert session.paused and session.phase is Phase.PAUSED          # the run rests while it is walked
        trainer = session.trainer
        kept = copy.deepcopy(trainer.optimizer)
        assert trainer.epoch == session.snapshot.epoch and f"epoch {trainer.epoch:,}" in text(screen, "#stepper-title")
        assert "adam" in text(screen, "#stepper-title")
        update = screen.walk.steps[-1]
        assert "Adam" in update.title and f"Step t = {trainer.optimizer.t + 1} of Adam" in "\n".join(update.lines)
        net = session.snapshot.network(session.net)
        i = lab.query_one("NetworkDiagram").sample % 4
        value = engine_values(net, session.data.X[i], session.data.Y[i], "bce", 0.01, optimizer=trainer.optimizer)
        for name, shown in update.quantities:
            assert shown == pytest.approx(value(name), rel=1e-12, abs=1e-15), name
        await click_step(pilot, screen, "W¹←")                           # the last step: layer 1's update
        assert screen.index == len(screen.walk.steps) - 1
        assert "m̂ = m/(1 − β₁" in text(screen, "#stepper-lines")
        await pilot.press("p")                                           # predict: the new weight hidden
        step = screen.step
        focused = next(line for line in text(screen, "#stepper-lines").splitlines() if "W¹[0,0] ← W¹[0,0]" in line)
        assert focused.endswith("= ?")
        await pilot.press(*step.shown_value.replace("−", "-"), "enter")
        assert "✓ Right." in text(screen, "#stepper-feedback")
        assert f"{step.asks} = {step.shown_value}" in text(screen, "#stepper-feedback")
        await pilot.press("p")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lab, "back in the Lab")
        assert trainer.optimizer.t == kept.t and np.array_equal(trainer.optimizer.m, kept.m)   # never moved


async def click_step(pilot, screen, symbol: str) -> None:
    """Click a step's symbol on the step line (the line's left padding is one cell)."""
    plain = str(screen.crumbs.render())
    at = f" {plain} ".index(f" {symbol} ")
    assert await pilot.click(screen.crumbs, offset=(1 + at, 0))
    await pilot.pause()


async def test_with_the_mouse_a_step_a_neuron_and_the_footers_keys(tmp_path):
    from textual.widgets._footer import FooterKey

    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await lab_screen(app, pilot)
        app.push_screen(StepperScreen(Network([2, 3, 2, 1], "tanh", "sigmoid", seed=2), [1.0, -1.0], [1.0],
                                      "bce", 0.5, predict=True))
        screen = await stepper(app, pilot)
        line = str(screen.crumbs.render())
        assert line == "z¹ a¹ z² a² z³ a³ · C · δ³ · δ² δ¹ · ∂b³ ∂b² ∂b¹ · ∂W³ ∂W² ∂W¹ · W³← W²← W¹←"
        await click_step(pilot, screen, "∂W²")
        assert (screen.step.kind, screen.step.layer) == ("bp4", 2)
        assert "BP4" in text(screen, "#stepper-title")
        await click_step(pilot, screen, "C")
        assert screen.step.kind == "loss"
        # A click on neuron 2 of layer 1 makes it the unit the steps ask about.
        await click_step(pilot, screen, "z¹")
        cell = next(cell for cell, neuron in screen.diagram._hits.items() if neuron == (1, 2))
        assert await pilot.click(screen.diagram, offset=(cell[1], cell[0]))
        await until(pilot, lambda: screen.step.asks == "z¹[2]", "the clicked neuron asked about")
        # The footer's keys answer clicks: out of the answer field first (esc), then Next.
        await pilot.press("escape")
        await until(pilot, lambda: any(k.key == "n" for k in screen.query(FooterKey)), "Next in the footer")
        assert await pilot.click(next(k for k in screen.query(FooterKey) if k.key == "n"))
        await until(pilot, lambda: screen.index == 1, "the next step")
        reveal = next(k for k in screen.query(FooterKey) if k.key in ("r", "ctrl+r"))   # ^r in the answer
        assert await pilot.click(reveal)
        await until(pilot, lambda: 1 in screen.revealed, "the step revealed")
