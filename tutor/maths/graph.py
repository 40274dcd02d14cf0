"""The chain rule on a computation tree, node by node, as micrograd's `draw_dot` shows it (issue 17).

    g = graph("tanh(w*x + b)", "w=0.5, x=2, b=-1")
    g.nodes[0]           the root: f = tanh(u₁), its value, gradient 1
    g.steps              the backward pass, root first, one node at a time
    g.gradients          ∂f/∂w, ∂f/∂x, ∂f/∂b (each variable's uses summed)

Built on the parser's tree (tutor.maths.mathparse; the text is never evaluated). Each
node is an operation, a variable or a constant, with
- its forward value (the tree's own NumPy evaluation, as the judge computes it),
- its local derivative: ∂parent/∂node, the factor the chain rule multiplies by on the
  edge from its parent, as a formula and a number,
- its gradient ∂f/∂node, the adjoint flowing back into it: ∂f/∂parent · ∂parent/∂node.

Shapes. The parser's tree is binary already: a + b + c is (a + b) + c and a·b·c is
(a·b)·c, so an n-ary sum shows as a chain of two-input sums, each a node. Unary minus
is its own node (local derivative −1); e^u is exp(u).

A variable used twice (x·x, w in two places) is two leaves of the tree, one per use: each
gets the gradient of its own use, and the variable's gradient is their SUM, which
the last steps say. Subtrees without variables (the 2 of u², π) are constants: the
backward pass does not visit them (no gradient is needed for them; ln of a negative
base would make ∂(u^p)/∂p undefined, which would not matter).

Derivatives at kinks follow what frameworks do: relu′(0) = 0, |u|′ at 0 = 0, max picks
its first argument on a tie. An expression with σ′ (a derivative of a known function)
is refused: the graph would need its second derivative.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from tutor.maths.expr import Binary, Call, Comparison, Constant, Expr, Negate, Number, Variable
from tutor.maths.mathparse import CONSTANT_NAMES, FUNCTION_ALIASES, FUNCTIONS, ParseError, parse
from tutor.maths.shown import factor, num

MAX_NODES = 200          # nodes of a tree the screen draws (a line each)
MAX_VALUES_LENGTH = 500  # characters of the values text
MAX_VALUE = 1e6          # largest |value| of a variable

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class GraphError(ValueError):
    """An expression or values the graph cannot be built from: the message is one line."""


@dataclass(frozen=True)
class Node:
    """One node of the tree; nodes are numbered in the backward pass's order (root 0)."""

    index: int
    name: str                     # f (the root), u₁, u₂, … (operations), the variable, or the constant
    op: str                       # what it computes: "+", "·", "tanh", "^", …; "var" or "const" for leaves
    expr: Expr                    # its subtree
    value: float
    children: tuple[int, ...]
    parent: int | None
    local: float | None           # ∂parent/∂node at these values (None: the root, or a constant)
    local_text: str               # that derivative as a formula of the parent's inputs ("1 − tanh²(u₂)")
    gradient: float | None        # ∂f/∂node (None: a constant, not visited)
    depth: int
    formula: str                  # what it computes from its children's names: "u₂ + b", "tanh(u₁)"; a leaf's text

    @property
    def is_constant(self) -> bool:
        return self.gradient is None


@dataclass(frozen=True)
class Step:
    """One step of the backward pass: the node whose gradient it finds, and the chain-rule product."""

    node: int | None              # None for a step that sums a variable's uses
    text: str                     # "∂f/∂u₂ = ∂f/∂u₁ · ∂u₁/∂u₂ = 1 · (1 − tanh²(u₂)) = 0.42"
    value: float                  # the gradient it finds
    uses: tuple[int, ...] = ()    # a sum step: the leaves it adds
    question: str = ""            # the text with its result as "?" (and the local derivative unworked)


@dataclass(frozen=True)
class Graph:
    expression: Expr
    values: dict[str, float]
    nodes: tuple[Node, ...]
    steps: tuple[Step, ...]
    gradients: dict[str, float]   # ∂f/∂variable, its uses summed

    @property
    def root(self) -> Node:
        return self.nodes[0]

    def uses(self, variable: str) -> tuple[int, ...]:
        return tuple(n.index for n in self.nodes if n.expr == Variable(variable))

    def matching(self, subexpression: Expr) -> tuple[int, ...]:
        """The nodes whose subtree is `subexpression` (every occurrence)."""
        return tuple(n.index for n in self.nodes if n.expr == subexpression)


# ------------------------------------------------------------------ reading the inputs

def parse_values(text: str) -> dict[str, float]:
    """`w=0.5, x=2, b=-1` (commas or semicolons; a value may be a constant expression like
    1/2 or −π) → {"w": 0.5, "x": 2.0, "b": -1.0}; GraphError naming the part that is wrong."""
    if len(text) > MAX_VALUES_LENGTH:
        raise GraphError(f"the values are too long ({len(text):,} characters; the limit is {MAX_VALUES_LENGTH})")
    values: dict[str, float] = {}
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        name, sign, right = part.partition("=")
        name = name.strip()
        if not sign or not name:
            raise GraphError(f"cannot read {part.strip()!r}: write each value as name=number, e.g. w=0.5, x=2")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise GraphError(f"{name!r} is not a variable name: use letters and digits, like w or w1")
        if name in values:
            raise GraphError(f"{name} is given twice")
        values[name] = _constant(name, right)
    if not values:
        raise GraphError("no values given: write them as name=number, e.g. w=0.5, x=2, b=-1")
    return values


def _constant(name: str, text: str) -> float:
    try:
        tree = parse(text, ("x",))
    except ParseError as error:
        raise GraphError(f"the value of {name}: {error}") from None
    if tree.variables():
        raise GraphError(f"the value of {name} must be a number, not {text.strip()!r}")
    value = float(tree.evaluate())
    if not (math.isfinite(value) and abs(value) <= MAX_VALUE):
        raise GraphError(f"the value of {name} must be a finite number within ±{MAX_VALUE:,.0f}")
    return value


def parse_expression(text: str, variables) -> Expr:
    """The tree of `text` in these variables; a name without a value is said so, in one line."""
    names = tuple(variables)
    try:
        return parse(text, names)
    except ParseError as error:
        missing = _unvalued_names(text, names)
        if missing:
            listed = ", ".join(missing)
            raise GraphError(f"no value for {listed}: add {missing[0]}=… to the values") from None
        raise GraphError(str(error)) from None


def _unvalued_names(text: str, variables: tuple[str, ...]) -> list[str]:
    """Words of the text that are neither a variable with a value nor a known name."""
    known = set(variables) | set(FUNCTIONS) | set(FUNCTION_ALIASES) | set(CONSTANT_NAMES) | {"sigma"}
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*", text)
    found = []
    for word in words:
        if word.lower() in known or word in known or word in found:
            continue
        if all(letter in variables for letter in word):   # wx read as w·x by the parser
            continue
        found.append(word)
    return found


def graph(expression: str | Expr, values: str | dict[str, float]) -> Graph:
    """The computation tree of `expression` at `values`, its gradients and backward steps."""
    values = parse_values(values) if isinstance(values, str) else dict(values)
    tree = parse_expression(expression, values) if isinstance(expression, str) else expression
    if isinstance(expression, Expr):
        missing = sorted(tree.variables() - values.keys())
        if missing:
            raise GraphError(f"no value for {', '.join(missing)}: add {missing[0]}=… to the values")
    if tree.size() > MAX_NODES:
        raise GraphError(f"the expression has {tree.size()} nodes; the graph draws at most {MAX_NODES}")
    return _Builder(tree, values).build()


# ------------------------------------------------------------------ the tree, its values and gradients

class _Builder:
    def __init__(self, tree: Expr, values: dict[str, float]):
        self.tree, self.values = tree, values

    def build(self) -> Graph:
        order = self._level_order()
        index = {id(expr): i for i, (expr, _, _) in enumerate(order)}
        names = self._names(order)
        forward = self._values(order, names)
        children = [tuple(index[id(c)] for c in expr.children()) for expr, _, _ in order]
        constant = [not expr.variables() for expr, _, _ in order]
        local: list[float | None] = [None] * len(order)
        local_text = [""] * len(order)
        for i, (expr, _, _) in enumerate(order):
            kids = children[i]
            derivatives = _local_derivatives(expr, [forward[k] for k in kids], [names[k] for k in kids])
            for k, (value, text) in zip(kids, derivatives):
                if constant[k]:
                    continue
                if not math.isfinite(value):
                    raise GraphError(f"{_described(expr, names, kids)} has no derivative at "
                                     f"{names[k]} = {num(forward[k])} (it is {num(value)} there)")
                local[k], local_text[k] = value, text
        gradient: list[float | None] = [None] * len(order)
        steps = []
        for i, (expr, parent, depth) in enumerate(order):
            if constant[i]:
                continue
            if parent is None:
                gradient[i] = 1.0
                steps.append(Step(i, f"∂f/∂f = 1: the gradient starts at 1 at the output f = {num(forward[i])}", 1.0))
                continue
            gradient[i] = gradient[parent] * local[i]
            text, question = self._chain(names, parent, i, gradient, local, local_text)
            steps.append(Step(i, text, gradient[i], question=question))
        nodes = tuple(
            Node(i, names[i], _op(expr), expr, forward[i], children[i], parent,
                 local[i], local_text[i], gradient[i], depth,
                 _formula(expr, [names[k] for k in children[i]]) or expr.pretty())
            for i, (expr, parent, depth) in enumerate(order))
        gradients, sums = self._sums(nodes)
        return Graph(self.tree, dict(self.values), nodes, tuple(steps) + sums, gradients)

    def _level_order(self) -> list[tuple[Expr, int | None, int]]:
        """(subtree, parent index, depth) root first, level by level: every parent before its children."""
        order: list[tuple[Expr, int | None, int]] = [(self.tree, None, 0)]
        i = 0
        while i < len(order):
            expr, _, depth = order[i]
            order.extend((child, i, depth + 1) for child in expr.children())
            i += 1
        return order

    @staticmethod
    def _names(order) -> list[str]:
        names, count = [], 0
        for i, (expr, _, _) in enumerate(order):
            if i == 0:
                names.append("f")
            elif isinstance(expr, Variable):
                names.append(expr.pretty())
            elif not expr.variables():    # a constant: named by its value's text (2, π, 1/2)
                names.append(expr.pretty())
            else:
                count += 1
                names.append("u" + str(count).translate(_SUB))
        return names

    def _values(self, order, names) -> list[float]:
        """Each node's forward value; the first undefined one from the leaves up is the error."""
        values = [float(expr.evaluate(**{v: self.values[v] for v in expr.variables()})) for expr, _, _ in order]
        for i in reversed(range(len(order))):     # deeper levels first: its children are all defined
            if not math.isfinite(values[i]):
                expr = order[i][0]
                raise GraphError(f"{expr.pretty()} is undefined at these values ({names[i]} would be "
                                 f"{num(values[i])})" + _domain_hint(expr))
        return values

    @staticmethod
    def _chain(names, parent: int, i: int, gradient, local, local_text) -> tuple[str, str]:
        """(the step's text, the same with its result as "?", for a learner to predict)."""
        up, me = names[parent], names[i]
        formula = local_text[i]
        if not formula or formula == num(local[i]):
            formula = ""
        if parent == 0:   # ∂f/∂f = 1: the gradient is f's own local derivative
            note = " (f is the output: ∂f/∂f = 1 times f's local derivative)"
            lead = f"∂f/∂{me} = {formula + ' = ' if formula else ''}"
            return f"{lead}{num(local[i])}{note}", f"{lead}?{note}"
        above = factor(gradient[parent])
        lead = f"∂f/∂{me} = ∂f/∂{up} · ∂{up}/∂{me} = {above} · "
        worked = f"{above} · {factor(local[i])}"
        if not formula:
            return f"{lead}{factor(local[i])} = {num(gradient[i])}", f"{lead}{factor(local[i])} = ?"
        written = formula if _simple(formula) else f"({formula})"
        return f"{lead}{written} = {worked} = {num(gradient[i])}", f"{lead}{written} = ?"

    @staticmethod
    def _sums(nodes) -> tuple[dict[str, float], tuple[Step, ...]]:
        """Each variable's gradient: the sum over its uses; a step for every variable used more than once."""
        uses: dict[str, list[Node]] = {}
        for node in nodes:
            if isinstance(node.expr, Variable):    # the root may be one: f = x
                uses.setdefault(node.expr.name, []).append(node)
        gradients, steps = {}, []
        for name, leaves in uses.items():
            total = math.fsum(leaf.gradient for leaf in leaves)
            gradients[name] = total
            if len(leaves) > 1:
                terms = " + ".join(factor(leaf.gradient) for leaf in leaves)
                steps.append(Step(None, f"{name} is used {len(leaves)} times: its gradient is the SUM over its uses, "
                                        f"∂f/∂{name} = {terms} = {num(total)}", total,
                                  tuple(leaf.index for leaf in leaves)))
        return gradients, tuple(steps)


def _domain_hint(expr: Expr) -> str:
    if isinstance(expr, Call) and expr.name in ("log", "sqrt"):
        shown = "ln" if expr.name == "log" else "√"
        return f": {shown} needs a {'positive' if expr.name == 'log' else 'non-negative'} argument"
    if isinstance(expr, Binary) and expr.op == "/":
        return ": a division by 0"
    return ""


def _described(expr: Expr, names, kids) -> str:
    return _formula(expr, [names[k] for k in kids]) or expr.pretty()


def _simple(formula: str) -> bool:
    """A formula that reads as one factor without brackets: a name, a number, −1."""
    return bool(re.fullmatch(r"−?[\w₀-₉.]+", formula))


# ------------------------------------------------------------------ each operation's local derivatives

def _op(expr: Expr) -> str:
    match expr:
        case Variable():
            return "var"
        case Number() | Constant():
            return "const"
        case Negate():
            return "−"
        case Binary(op=op):
            return {"+": "+", "-": "−", "*": "·", "/": "/", "**": "^"}[op]
        case Call(name=name):
            return FUNCTIONS[name].shown
        case Comparison(ops=ops):
            return " ".join(ops)
    return type(expr).__name__


def _formula(expr: Expr, kids: list[str]) -> str:
    """What an operation node computes, written with its children's names."""
    match expr:
        case Negate():
            return f"−{kids[0]}"
        case Binary(op=op):
            return f"{kids[0]} {_op(expr)} {kids[1]}" if op != "**" else f"{kids[0]}^{kids[1]}"
        case Call(name=name):
            return f"{FUNCTIONS[name].shown}({', '.join(kids)})"
        case Comparison(ops=ops):
            parts = [kids[0]]
            for op, kid in zip(ops, kids[1:]):
                parts += [op, kid]
            return " ".join(parts)
    return ""


def _power_rule(exponent: Expr, base: str, name: str) -> str:
    """∂(u^p)/∂u as a formula: 2·u for u², 3·u^2 for u³, p·u^(p − 1) when p is not a plain number."""
    if isinstance(exponent, Number):
        p = exponent.value
        lower = f"{p - 1:g}"
        return f"{exponent.literal}·{base}" if p == 2 else f"{exponent.literal}·{base}^{lower}"
    return f"{name}·{base}^({name} − 1)"


# f′(u) of each one-argument function, as a number and as a formula in the argument's name u.
_UNARY = {
    "exp": (np.exp, "e^{u}"),
    "log": (lambda u: 1.0 / u, "1/{u}"),
    "sqrt": (lambda u: 0.5 / np.sqrt(u), "1/(2√{u})"),
    "abs": (np.sign, "sign({u})"),
    "sign": (lambda u: 0.0 * u, "0"),
    "heaviside": (lambda u: 0.0 * u, "0"),
    "sin": (np.cos, "cos({u})"),
    "cos": (lambda u: -np.sin(u), "−sin({u})"),
    "tan": (lambda u: 1.0 / np.cos(u) ** 2, "1/cos²({u})"),
    "sinh": (np.cosh, "cosh({u})"),
    "cosh": (np.sinh, "sinh({u})"),
    "tanh": (lambda u: 1.0 - np.tanh(u) ** 2, "1 − tanh²({u})"),
    "sech": (lambda u: -np.tanh(u) / np.cosh(u), "−sech({u})·tanh({u})"),
    "sigmoid": (FUNCTIONS["sigmoid"].derivative, "σ({u})(1 − σ({u}))"),
    "relu": (lambda u: float(u > 0), "1 if {u} > 0, else 0"),
    "softplus": (FUNCTIONS["softplus"].derivative, "σ({u})"),
}


def _local_derivatives(expr: Expr, values: list[float], kids: list[str]) -> list[tuple[float, str]]:
    """(∂expr/∂child, its formula) for each child, at the children's values."""
    derivatives = _local_terms(expr, [np.float64(v) for v in values], kids)   # NumPy: 1/0 is inf, not an error
    return [(float(value), text) for value, text in derivatives]


def _local_terms(expr: Expr, values: list[np.float64], kids: list[str]) -> list[tuple[float, str]]:
    with np.errstate(all="ignore"):
        match expr:
            case Negate():
                return [(-1.0, "−1")]
            case Binary(op="+"):
                return [(1.0, "1"), (1.0, "1")]
            case Binary(op="-"):
                return [(1.0, "1"), (-1.0, "−1")]
            case Binary(op="*"):
                (a, b), (na, nb) = values, kids
                return [(b, nb), (a, na)]
            case Binary(op="/"):
                (a, b), (na, nb) = values, kids
                return [(1.0 / b, f"1/{nb}"), (-a / b ** 2, f"−{na}/{nb}²")]
            case Binary(op="**"):
                (a, b), (na, nb) = values, kids
                power = np.power(a, b - 1.0) * b
                by_exponent = np.power(a, b) * np.log(a) if a > 0 else math.nan
                return [(power, _power_rule(expr.right, na, nb)), (by_exponent, f"{na}^{nb}·ln {na}")]
            case Call(prime=True):
                raise GraphError(f"the graph cannot differentiate {expr.pretty()} (a derivative inside "
                                 "the expression): write it out, e.g. σ(x)(1 − σ(x)) for σ′(x)")
            case Call(name="max" | "min" as name):
                (a, b) = values
                first = float(a >= b) if name == "max" else float(a <= b)
                picks = "≥" if name == "max" else "≤"
                return [(first, f"1 if {kids[0]} {picks} {kids[1]}, else 0"),
                        (1.0 - first, f"1 if {kids[0]} {picks} {kids[1]} is false, else 0")]
            case Call(name="where"):
                condition = values[0]
                chosen = float(condition != 0)
                return [(0.0, "0"), (chosen, f"1 if {kids[0]} holds, else 0"),
                        (1.0 - chosen, f"1 if {kids[0]} fails, else 0")]
            case Call(name=name):
                derivative, text = _UNARY[name]
                return [(derivative(values[0]), text.format(u=kids[0]))]
            case Comparison():
                return [(0.0, "0")] * len(values)
    return []
