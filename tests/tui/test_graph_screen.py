"""The graph screen (tutor/screens/graph.py): from the Lab, walking, predicting, a wide tree,
bad input, a click on a node, the palette and a lesson's graph block."""
from __future__ import annotations

import pytest

from tests.tui.lab_fixtures import lab_app, lab_screen, until
from tutor.maths.graph import graph, num
from tutor.screens.graph import GraphScreen


def shown(widget) -> str:
    return str(widget.render())


def row(screen, index: int) -> list[str]:
    """The cells of node `index`'s row, as drawn."""
    return [str(cell) for cell in screen.tree_view.get_row(str(index))]


async def graph_screen(app, pilot) -> GraphScreen:
    await until(pilot, lambda: isinstance(app.screen, GraphScreen) and app.screen.graph is not None
                and app.screen.tree_view.row_count > 0, "the graph screen")
    await pilot.pause()
    return app.screen


async def test_from_the_lab_g_draws_the_first_hidden_neuron_and_walks_it_backward(tmp_path):
    app = lab_app(tmp_path, dataset="xor", layers=[2, 2, 1], activation="tanh", loss="mse", lr=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await lab_screen(app, pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")  # sample 4
        await pilot.press("g")
        screen = await graph_screen(app, pilot)
        session = lab.session
        net = session.snapshot.network(session.net)
        x = session.data.X[3]
        assert screen.expression_input.value == "tanh(w1*x1 + w2*x2 + b)"
        g = screen.graph
        assert g.values == {"w1": net.weights[0][0, 0], "w2": net.weights[0][1, 0], "x1": x[0], "x2": x[1],
                            "b": net.biases[0][0]}
        assert g.root.value == pytest.approx(net.backward(x[None, :], session.data.Y[3:4], "mse").activations[1][0, 0])
        assert "sample 4 of 4" in shown(screen.title_bar)
        leaf_w1 = g.uses("w1")[0]
        assert row(screen, leaf_w1)[3] == "?"                          # not reached yet
        assert row(screen, 0)[0].startswith("▶ f = tanh(u₁)") and row(screen, 0)[3] == "1"
        await pilot.press("n")
        assert shown(screen.step_text) == g.steps[1].text and "1 − tanh²(u₁)" in g.steps[1].text
        assert row(screen, 1)[0].startswith("▶ └─ u₁ = u₂ + b")
        assert "reverse" in str(screen.tree_view.get_row("1")[0].style)        # the current step, highlighted
        assert "reverse" not in str(screen.tree_view.get_row("0")[0].style)
        await pilot.press("r")                                         # reveal all
        assert screen.index == len(g.steps) - 1
        assert row(screen, leaf_w1)[3] == num(g.gradients["w1"])
        await pilot.press("b", "p")
        assert screen.index == len(g.steps) - 3
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is lab, "back in the Lab")


async def test_predicting_a_gradient_right_then_wrong_names_the_slip(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await lab_screen(app, pilot)
        app.push_screen(GraphScreen("tanh(w*x + b)", "w=0.5, x=2, b=-0.5", predict=("w*x + b", "w")))
        screen = await graph_screen(app, pilot)
        g = screen.graph
        z, w = g.matching(g.expression.args[0])[0], g.uses("w")[0]
        assert screen.asked == {z, w}
        await pilot.press("n")                          # ∂f/∂u₁ = ∂f/∂(w·x + b): asked
        assert screen.graph.steps[1].node == z
        assert shown(screen.step_text) == g.steps[1].question and "0.7864" not in shown(screen.step_text)
        assert row(screen, z)[3] == "?" and row(screen, z)[2] == "1 − tanh²(u₁)"     # nothing given away
        assert screen.answer.display and "Predict ∂f/∂u₁" in shown(screen.feedback)
        await until(pilot, lambda: screen.focused is screen.answer, "the answer field focused")
        await pilot.press(*"0.786", "enter")
        assert "✓ Right." in shown(screen.feedback)
        assert row(screen, z)[3] == "0.7864" and not screen.answer.display
        await pilot.press("n", "n", "n")                # u₂, b, then w: asked
        assert screen.graph.steps[screen.index].node == w
        await until(pilot, lambda: screen.focused is screen.answer, "the answer field focused")
        await pilot.press(*"2", "enter")                # ∂u₂/∂w = x alone: the gradient above forgotten
        feedback = shown(screen.feedback)
        assert "✗ Not yet." in feedback and "local derivative ∂u₂/∂w alone" in feedback
        assert row(screen, w)[3] == num(g.gradients["w"])    # shown now, right or wrong


async def test_a_wide_expression_at_80x24_scrolls_sideways_and_a_bad_one_is_one_line(tmp_path):
    wide = "sigmoid(w2*tanh(w1*x + b1) + w3*tanh(w4*x + b4) + w5*tanh(w6*x + b6) + b2) + (w1 - w2)^2"
    values = "w1=0.1, w2=-0.2, w3=0.3, w4=-0.4, w5=0.5, w6=0.6, b1=0.1, b2=0.2, b4=0.3, b6=-0.1, x=1.5"
    app = lab_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await lab_screen(app, pilot)
        app.push_screen(GraphScreen(wide, values))
        screen = await graph_screen(app, pilot)
        tree = screen.tree_view
        assert tree.row_count == len(graph(wide, values).nodes)
        await until(pilot, lambda: tree.region.height >= 4, "the tree with room")
        assert tree.virtual_size.height > tree.region.height             # deep: it scrolls down
        assert screen.step_text.region.bottom <= 24 and screen.step_text.region.height >= 1
        await pilot.press("r")
        tree.move_cursor(row=tree.row_count - 1, animate=False)
        await until(pilot, lambda: tree.scroll_y > 0, "the last row scrolled into view")
        tree.scroll_to(x=tree.max_scroll_x, animate=False)
        await pilot.pause()
        assert tree.max_scroll_x > 0 and tree.scroll_x == tree.max_scroll_x   # wide rows scroll sideways
        screen.expression_input.focus()
        screen.expression_input.value = "tanh(w1*x + )"
        await pilot.press("enter")
        assert shown(screen.error_line) == "✗ `+` at position 11 has nothing after it"
        assert screen.graph.expression == graph(wide, values).expression  # the old tree stays
        screen.values_input.value = "w1=0.5, x=2"
        screen.expression_input.value = "log(w1 - x)"
        screen.expression_input.focus()
        await pilot.press("enter")
        assert shown(screen.error_line) == ("✗ ln(w1 − x) is undefined at these values (f would be nan): "
                                            "ln needs a positive argument")
        screen.expression_input.value = "x*x + w1*x"
        await pilot.press("enter")
        assert shown(screen.error_line) == "" and screen.graph.gradients["x"] == 2 * 2 + 0.5
        await pilot.press("r")
        assert "SUM over its uses" in shown(screen.step_text)


async def test_clicking_a_node_shows_its_details(tmp_path):
    app = lab_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await lab_screen(app, pilot)
        app.push_screen(GraphScreen("x*x + w*x", "x=3, w=2"))
        screen = await graph_screen(app, pilot)
        tree = screen.tree_view
        x_use = screen.graph.uses("x")[0]
        await until(pilot, lambda: tree.region.height > tree.row_of(x_use) + 1, "the tree laid out")
        await pilot.click(tree, offset=(4, tree.row_of(x_use) + 1))         # +1: the header row
        await until(pilot, lambda: "a variable" in shown(screen.details), "the node's details")
        assert "has not reached it" in shown(screen.details)
        await pilot.press("r")
        await pilot.click(tree, offset=(4, tree.row_of(x_use) + 1))
        await until(pilot, lambda: "sums all 3 uses, 8" in shown(screen.details), "the sum over the uses")


async def test_the_palette_and_a_lesson_graph_block_open_the_graph(tmp_path):
    from textual.widgets import Button

    from tests.tui.tutor_fixtures import settle, wait_for_course
    from tests.tutor.test_lessons_graph_block import GOOD, graph_block
    from tutor.app import TutorApp
    from tutor.palette import TutorCommands

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-graph.md").write_text('+++\nid = "graph"\ntitle = "Graph"\nrequires = []\n+++\nProse.\n\n'
                                         + graph_block(GOOD), encoding="utf-8")
    app = TutorApp(progress_path=tmp_path / "progress.db", lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_course(app, pilot)
        commands = {command.title: command for command in TutorCommands(app.screen).commands()}
        commands["Chain rule as a graph"].run()
        screen = await graph_screen(app, pilot)
        assert screen.expression_input.value == "tanh(w*x + b)" and screen.asked == set()
        await pilot.press("escape")
        commands["Graph: neuron"].run()
        screen = await graph_screen(app, pilot)
        assert "neuron" in shown(screen.title_bar) and len(screen.asked) == 2
        await pilot.press("escape")
        app.open_lesson("graph")
        await settle(app, pilot)
        button = app.screen.query_one(".graph-open", Button)
        button.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(button)
        screen = await graph_screen(app, pilot)
        assert screen.values_input.value == "w=0.5, x=2, b=-0.5" and len(screen.asked) == 2


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu", "linear"])
def test_the_labs_neuron_expression_computes_the_engines_first_hidden_activation(activation):
    import numpy as np

    from engine.network import Network
    from tutor.screens.graph import neuron_expression

    net = Network([3, 2, 1], activation, "sigmoid", seed=3)
    x = np.array([0.9, -1.7, 0.4])
    expression, values = neuron_expression(net, x)
    a1 = net.backward(x[None, :], np.array([[1.0]]), "mse").activations[1][0, 0]
    assert graph(expression, values).root.value == pytest.approx(a1, rel=1e-12, abs=1e-15)


def test_a_neuron_with_many_inputs_writes_the_first_four():
    import numpy as np

    from engine.network import Network
    from tutor.screens.graph import neuron_expression

    expression, values = neuron_expression(Network([7, 2, 1], "gelu", "sigmoid", seed=0), np.arange(7.0))
    assert expression == "w1*x1 + w2*x2 + w3*x3 + w4*x4 + b"       # gelu: no parser name, z alone
    assert sorted(values) == ["b", "w1", "w2", "w3", "w4", "x1", "x2", "x3", "x4"]
