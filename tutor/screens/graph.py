"""The chain rule as a graph: an expression's computation tree, walked backward one node at a time.

The learner types an expression in the judge's syntax and values for its variables; the
tree (tutor.maths.graph) shows each node's value, local derivative and gradient, and
n/b walk the backward pass from the root, each step stating the chain-rule product it
applies. Reached from the Lab (g: its first hidden neuron at the selected sample), the
command palette, and a lesson's ```graph block, whose `predict` nodes hide their gradient
until the learner types it (judged as numeric quizzes are, within 1%, with the slips named).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from tutor.course.answers import verdict_line
from tutor.maths.graph import Graph, GraphError, graph, num
from tutor.widgets.graph_tree import GraphTree, local_text

DEFAULT_EXPRESSION = "tanh(w*x + b)"
DEFAULT_VALUES = "w=0.5, x=2, b=-1.5"


# How the parser writes each engine activation of a neuron's z (those it has no name for).
_ACTIVATION_TEXT = {
    "sigmoid": "sigmoid({z})", "tanh": "tanh({z})", "relu": "relu({z})", "softplus": "softplus({z})",
    "linear": "{z}", "leaky_relu": "max({z}, 0.01*({z}))", "silu": "({z})*sigmoid({z})",
    "elu": "where({z} > 0, {z}, exp({z}) - 1)",
}
NEURON_INPUTS = 4   # inputs of a neuron the graph writes out; the rest are left out, and said so


def neuron_expression(net, x) -> tuple[str, dict[str, float]]:
    """Layer 1's neuron 0 of `net` at input `x`: f(w1*x1 + … + b) and its values (the
    weights W¹[i,0], b¹[0] and the sample). An activation the parser cannot write (gelu,
    rrelu) leaves z alone."""
    W, b = net.weights[0], net.biases[0]
    inputs = min(len(x), NEURON_INPUTS)
    z = " + ".join(f"w{i + 1}*x{i + 1}" for i in range(inputs)) + " + b"
    pattern = _ACTIVATION_TEXT.get(net.activation.name, "{z}")
    values = {f"w{i + 1}": float(W[i, 0]) for i in range(inputs)}
    values |= {f"x{i + 1}": float(x[i]) for i in range(inputs)}
    values["b"] = float(b[0])
    return pattern.format(z=z), values


def values_text(values: dict[str, float]) -> str:
    return ", ".join(f"{name}={value:.6g}" for name, value in values.items())


class GraphScreen(Screen):
    """The tree of an expression; n/→ next backward step, b/← previous, r reveal all, esc back."""

    BINDINGS = [
        Binding("n", "move(1)", "Next"),
        Binding("b,p", "move(-1)", "Previous"),
        Binding("r", "reveal_all", "Reveal all"),
        Binding("ctrl+r", "reveal", "Reveal this", show=False, tooltip="Show the gradient this step asks for"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, expression: str = DEFAULT_EXPRESSION, values: str | dict[str, float] = DEFAULT_VALUES, *,
                 predict: tuple[str, ...] = (), title: str = "", context: str = "") -> None:
        """`predict`: subexpressions (judge syntax) whose gradients the learner types first;
        `context`: a line saying where the expression comes from."""
        super().__init__()
        self.expression_text = expression
        self.values_text = values if isinstance(values, str) else values_text(values)
        # Numbers given exactly (the Lab's weights) stay exact while their shorter text is not edited.
        self.exact_values = None if isinstance(values, str) else dict(values)
        self.predict_texts = predict
        self.heading = title or "The chain rule as a graph"
        self.context = context
        self.graph: Graph | None = None
        self.index = 0                       # the current backward step
        self.asked: set[int] = set()         # nodes whose gradient the learner types first
        self.answered: set[int] = set()      # of those, typed or revealed
        self.verdicts: dict[int, str] = {}

    @classmethod
    def of_block(cls, block) -> "GraphScreen":
        """The graph of a lesson's graph block (course.model.GraphBlock)."""
        return cls(block.expression, dict(block.values), predict=block.predict, title=block.title)

    def compose(self) -> ComposeResult:
        self.title_bar = Static(id="graph-title")
        self.expression_input = Input(self.expression_text, id="graph-expression", compact=True,
                                      placeholder="an expression, e.g. tanh(w*x + b)")
        self.values_input = Input(self.values_text, id="graph-values", compact=True,
                                  placeholder="values, e.g. w=0.5, x=2, b=-1")
        self.error_line = Static(id="graph-error")
        self.tree_view = GraphTree(id="graph-tree")
        self.step_text = Static(id="graph-step")
        self.details = Static(id="graph-details")
        self.answer = Input(id="graph-answer", compact=True,
                            placeholder="type the gradient, Enter checks (ctrl+r reveals, esc leaves the field)")
        self.feedback = Static(id="graph-feedback")
        yield self.title_bar
        with Horizontal(id="graph-inputs"):
            yield self.expression_input
            yield self.values_input
        yield self.error_line
        yield self.tree_view
        yield self.step_text
        yield self.details
        yield self.answer
        yield self.feedback
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "The chain rule as a graph"
        self._rebuild(self.expression_text, self.values_text)
        self.tree_view.focus()

    # ----- building --------------------------------------------------------------------

    @on(Input.Submitted, "#graph-expression, #graph-values")
    def _retype(self, event: Input.Submitted) -> None:
        if self._rebuild(self.expression_input.value, self.values_input.value):
            self.tree_view.focus()

    def _rebuild(self, expression: str, values: str | dict[str, float]) -> bool:
        """A new tree from the inputs; on bad input one line says why and the old tree stays."""
        if self.exact_values is not None and values == self.values_text:
            values = self.exact_values
        try:
            built = graph(expression, values)
            asked = self._asked(built)
        except GraphError as error:
            self.error_line.update(Content.styled(f"✗ {error}", "$error"))
            return False
        self.error_line.update("")
        self.graph, self.index = built, 0
        self.asked, self.answered, self.verdicts = asked, set(), {}
        self._show()
        return True

    def _asked(self, built: Graph) -> set[int]:
        from tutor.maths.mathparse import ParseError, parse

        asked: set[int] = set()
        for text in self.predict_texts:
            try:
                asked |= set(built.matching(parse(text, tuple(built.values))))
            except ParseError:
                continue      # check-lessons reports it; the learner's own edits may drop it
        return {i for i in asked if built.nodes[i].gradient is not None}

    # ----- keys -------------------------------------------------------------------------

    def action_move(self, by: int) -> None:
        if self.graph is None:
            return
        self.index = min(max(self.index + by, 0), len(self.graph.steps) - 1)
        self._show()

    def action_reveal_all(self) -> None:
        if self.graph is None:
            return
        self.index = len(self.graph.steps) - 1
        self.answered |= self.asked
        self._show()

    def action_reveal(self) -> None:
        node = self._current_node()
        if node is not None:
            self.answered.add(node)
            self._show()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):   # out of a field: the keys walk again
            self.tree_view.focus()
            return
        self.dismiss()

    @on(Input.Submitted, "#graph-answer")
    def _check(self, event: Input.Submitted) -> None:
        node = self._current_node()
        if node is None or not self._hidden(node):
            return
        verdict = check_gradient(self.graph, node, event.value)
        mark, detail = verdict_line(verdict)
        if not verdict.understood:
            self.feedback.update(detail)
            return
        self.verdicts[node] = f"{mark} {detail}".strip()
        self.answered.add(node)            # right or wrong, the gradient shows now
        event.input.value = ""
        self._show()
        self.tree_view.focus()

    @on(DataTable.RowHighlighted, "#graph-tree")
    def _details(self, event: DataTable.RowHighlighted) -> None:
        """The node under the cursor (arrows or a click): what it computes, and its numbers."""
        if self.graph is None:
            return
        index = self.tree_view.node_at(event.cursor_row)
        if index is not None:
            self.details.update(Content(self._describe(index)))

    # ----- drawing ----------------------------------------------------------------------

    def _current_node(self) -> int | None:
        if self.graph is None:
            return None
        return self.graph.steps[self.index].node

    def _hidden(self, node: int) -> bool:
        return node in self.asked and node not in self.answered

    def _show(self) -> None:
        g = self.graph
        if g is None:
            return
        step = g.steps[self.index]
        reached = {s.node for s in g.steps[:self.index + 1] if s.node is not None}
        current = {step.node} if step.node is not None else set(step.uses)
        hidden = {i for i in self.asked if self._hidden(i)}
        self.tree_view.show(g, reached, current, hidden)
        heading = f"{self.heading}: f = {g.expression.pretty()}"
        where = f"backward step {self.index + 1} of {len(g.steps)}"
        context = " · ".join(part for part in (self.context, where) if part)
        self.title_bar.update(Content.from_markup("[b]$heading[/b]\n[dim]$context[/dim]",
                                                  heading=heading, context=context))
        asks = step.node is not None and step.node in hidden
        self.step_text.update(Content(step.question if asks else step.text))
        if step.node is not None:
            self.tree_view.move_cursor(row=self.tree_view.row_of(step.node), animate=False)
        self.answer.display = asks
        if asks:
            name = g.nodes[step.node].name
            self.feedback.update(Content(f"Predict ∂f/∂{name}: type it and press Enter (ctrl+r reveals it)."))
            self.call_after_refresh(self.answer.focus)
        else:
            self.feedback.update(Content(self.verdicts.get(step.node, "") if step.node is not None else ""))
            if self.focused is self.answer:
                self.tree_view.focus()

    def _describe(self, index: int) -> str:
        g = self.graph
        node = g.nodes[index]
        what = "a variable" if node.op == "var" else "a constant" if node.op == "const" else "an operation"
        parts = [f"{node.name} = {node.formula}" if node.name != node.formula else node.name,
                 f"({what}{', the output' if index == 0 else ''})", f"value {num(node.value)}"]
        if node.parent is not None:
            parts.append(f"local ∂{g.nodes[node.parent].name}/∂{node.name} = {local_text(g, index, self._hidden(index))}")
        if node.gradient is None:
            parts.append("no gradient needed (a constant)")
        elif index in {s.node for s in g.steps[:self.index + 1]} and not self._hidden(index):
            parts.append(f"gradient ∂f/∂{node.name} = {num(node.gradient)}")
            if node.op == "var" and len(g.uses(node.expr.name)) > 1:
                parts.append(f"this use only: ∂f/∂{node.expr.name} sums all {len(g.uses(node.expr.name))} "
                             f"uses, {num(g.gradients[node.expr.name])}")
        else:
            parts.append(f"gradient ∂f/∂{node.name} = ? (the backward pass has not reached it)")
        return " · ".join(parts)


def check_gradient(g: Graph, index: int, text: str):
    """Judge a typed ∂f/∂node against the graph's value, naming the chain rule's usual slips."""
    from tutor.stepper import Slip, Step, check_prediction

    node = g.nodes[index]
    above = g.nodes[node.parent].gradient if node.parent is not None else None
    slips = []
    if node.local is not None and above is not None:
        slips = [Slip(node.local, f"That is the local derivative ∂{g.nodes[node.parent].name}/∂{node.name} alone: "
                                  f"multiply it by the gradient above, ∂f/∂{g.nodes[node.parent].name} = {num(above)}."),
                 Slip(above, f"That is the gradient above, ∂f/∂{g.nodes[node.parent].name}: multiply it by "
                             f"the local derivative ∂{g.nodes[node.parent].name}/∂{node.name}.")]
    slips.append(Slip(-node.gradient, "The sign is off: check the local derivative's sign (a − has slope −1)."))
    far = [s for s in slips if abs(s.value - node.gradient) > 0.02 * max(abs(s.value), abs(node.gradient)) + 1e-9]
    step = Step("graph", index, "", "", (), (), (), f"∂f/∂{node.name}", node.gradient, tuple(far))
    return check_prediction(step, text)
