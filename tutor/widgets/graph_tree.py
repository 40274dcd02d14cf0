"""A computation tree (tutor.maths.graph.Graph) drawn as rows, with box-drawing branches.

    node                         value    ∂parent/∂node         ∂f/∂node
    f = tanh(u₁)                 −0.4621  —                     1
    └─ u₁ = u₂ + b               −0.5     1 − tanh²(u₁) = 0.79  0.7864
       ├─ u₂ = w · x             1        1                     ?
       │  ├─ w                   0.5      x = 2                 ?

The root is on top and each node's inputs hang below it (depth first), so that a tree of
any width stays one line a node: deep trees scroll down, long formulas scroll sideways.
A node the backward pass has not reached shows its gradient as "?"; constants, which
it does not visit, "—". The current step's node(s) are marked ▶ and highlighted. The
row cursor (arrows, or a click) picks a node: DataTable.RowHighlighted says which.
"""
from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tutor.maths.graph import Graph, num

COLUMNS = ("node", "value", "∂parent/∂node (local)", "∂f/∂node (gradient)")


def display_order(graph: Graph) -> list[tuple[int, str]]:
    """(node index, branch prefix) depth first, the root first: "├─ ", "│  └─ ", …"""
    rows: list[tuple[int, str]] = []

    def visit(index: int, lead: str, branch: str) -> None:
        rows.append((index, lead + branch))
        children = graph.nodes[index].children
        below = lead + ("" if not branch else "   " if branch.startswith("└") else "│  ")
        for k, child in enumerate(children):
            visit(child, below, "└─ " if k == len(children) - 1 else "├─ ")

    visit(0, "", "")
    return rows


def local_text(graph: Graph, index: int, unworked: bool = False) -> str:
    """The local derivative, "1 − tanh²(u₁) = 0.7864"; `unworked`: its formula alone (while the
    learner predicts the gradient, which it would give away under ∂f/∂f = 1)."""
    node = graph.nodes[index]
    if node.local is None:
        return "—"
    if unworked and node.local_text:
        return node.local_text
    if node.local_text and node.local_text != num(node.local):
        return f"{node.local_text} = {num(node.local)}"
    return num(node.local)


class GraphTree(DataTable):
    """The tree, one row a node; `show` redraws it for the backward pass's progress."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.graph: Graph | None = None
        self.rows_order: list[int] = []

    def show(self, graph: Graph, reached: set[int], current: set[int], hidden: set[int] = frozenset()) -> None:
        """Draw `graph`: gradients of `reached` nodes shown (except `hidden` ones, asked first),
        `current` marked. Keeps the cursor's row when the tree is the same."""
        same = graph is self.graph
        cursor = self.cursor_row if same else 0
        self.graph = graph
        self.clear(columns=not same)
        if not self.columns:
            self.add_columns(*COLUMNS)
        order = display_order(graph)
        self.rows_order = [index for index, _ in order]
        for index, prefix in order:
            node = graph.nodes[index]
            label = node.name if node.name == node.formula else f"{node.name} = {node.formula}"
            if node.gradient is None:
                gradient = "—"
            elif index in reached and index not in hidden:
                gradient = num(node.gradient)
            else:
                gradient = "?"
            mark = "▶ " if index in current else "  "
            style = "bold reverse" if index in current else ""
            cells = [mark + prefix + label, num(node.value), local_text(graph, index, index in hidden), gradient]
            self.add_row(*(Text(cell, style=style) for cell in cells), key=str(index))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1), animate=False)

    def node_at(self, row: int) -> int | None:
        return self.rows_order[row] if 0 <= row < len(self.rows_order) else None

    def row_of(self, index: int) -> int:
        return self.rows_order.index(index)
