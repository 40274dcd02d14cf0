"""The small expression tree that typed math is parsed into.

A tree is made of six frozen node types: Number, Variable, Constant (e, π),
Negate, Binary (+ − · / ^), Call (a known function, or its derivative σ′) and
Comparison (x > 0, read as an indicator: 1 where true, 0 where false).

Every node can
- evaluate itself on NumPy arrays (float64; NaN or ±inf where undefined),
- list its switches: the expressions whose sign change flips a branch
  (x in relu(x), x − 0 in x > 0), so the judge can keep away from kinks,
- print itself in normal notation, `σ(x)·(1 − σ(x))`, for the learner,
  or in the parser's own syntax, `sigmoid(x)*(1 - sigmoid(x))`,
- build the SymPy expression it stands for (tutor.maths.symbolic, imported lazily).

Nothing here reads text: tutor.maths.mathparse builds the trees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

# ------------------------------------------------------------------ functions


def _sigmoid(u):
    """σ(u) = 1/(1 + e^(−u)); at u = −1000 e^1000 overflows to inf and σ to 0, as it should."""
    return 1.0 / (1.0 + np.exp(-u))


def _sech(u):
    return 1.0 / np.cosh(u)


def _where(condition, a, b):
    """a where condition ≠ 0, else b; NaN where the condition itself is undefined."""
    return np.where(np.isnan(condition), np.nan, np.where(condition != 0, a, b))


@dataclass(frozen=True)
class Function:
    """A function the learner may call: its arity, its values, and (for σ′ etc.) its derivative.

    `derivative` is f′ as a function of f's argument, used for `sigmoid'(u)`; it is
    None for functions whose prime the tutor does not offer (max, where, sign, ...).
    `switch` says which arguments' zeros are kinks: "first" (relu(u), |u|), "difference"
    (max(a, b) switches where a − b = 0), "condition" (where(c, a, b) switches at c = 0).
    """

    name: str
    arity: int
    value: Callable
    derivative: Callable | None = None
    symbol: str = ""  # how normal notation writes it; the name when empty
    switch: str | None = None

    @property
    def shown(self) -> str:
        return self.symbol or self.name


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("exp", 1, np.exp, np.exp),
    Function("log", 1, np.log, lambda u: 1.0 / u, symbol="ln"),
    Function("sqrt", 1, np.sqrt, lambda u: 0.5 / np.sqrt(u)),
    Function("abs", 1, np.abs, np.sign, switch="first"),
    Function("sign", 1, np.sign, switch="first"),
    Function("sin", 1, np.sin, np.cos),
    Function("cos", 1, np.cos, lambda u: -np.sin(u)),
    Function("tan", 1, np.tan, lambda u: 1.0 / np.cos(u) ** 2),
    Function("sinh", 1, np.sinh, np.cosh),
    Function("cosh", 1, np.cosh, np.sinh),
    Function("tanh", 1, np.tanh, lambda u: 1.0 - np.tanh(u) ** 2),
    Function("sech", 1, _sech, lambda u: -_sech(u) * np.tanh(u)),
    Function("sigmoid", 1, _sigmoid, lambda u: _sigmoid(u) * (1.0 - _sigmoid(u)), symbol="σ"),
    Function("relu", 1, lambda u: np.maximum(u, 0.0), lambda u: np.heaviside(u, 0.5), switch="first"),
    Function("softplus", 1, lambda u: np.logaddexp(0.0, u), _sigmoid),
    # H(0) = 1/2, as SymPy's Heaviside, so both sides agree at the kink.
    Function("heaviside", 1, lambda u: np.heaviside(u, 0.5), switch="first"),
    Function("max", 2, np.maximum, switch="difference"),
    Function("min", 2, np.minimum, switch="difference"),
    Function("where", 3, _where, switch="condition"),
)}

COMPARISONS: dict[str, Callable] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "==": np.equal, "!=": np.not_equal,
}
PRETTY_COMPARISONS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "==", "!=": "≠"}
CONSTANTS = {"e": np.e, "pi": np.pi}

# Binding strength, loosest first: a child binding more loosely than its place needs is bracketed.
COMPARE, SUM, PRODUCT, NEGATE, POWER, ATOM = range(6)


# ------------------------------------------------------------------ nodes

class Expr:
    """Base of the tree nodes."""

    __slots__ = ()

    def evaluate(self, **values) -> np.ndarray:
        """The value at each point, e.g. `expr.evaluate(x=np.linspace(-3, 3, 7))`.

        float64 throughout; NaN or ±inf where the expression is undefined (log of a
        negative, 1/0), never a warning. Every variable of the tree needs a value.
        """
        arrays = {name: np.asarray(v, dtype=np.float64) for name, v in values.items()}
        missing = self.variables() - arrays.keys()
        if missing:
            raise ValueError(f"no value given for {', '.join(sorted(missing))}")
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values())) if arrays else ()
        with np.errstate(all="ignore"):
            out = self._eval(arrays)
        return np.array(np.broadcast_to(out, shape), dtype=np.float64)

    def variables(self) -> frozenset[str]:
        """Names of the variables that occur in the expression."""
        return frozenset().union(*(c.variables() for c in self.children()))

    def children(self) -> tuple[Expr, ...]:
        return ()

    def switches(self) -> tuple[Expr, ...]:
        """Expressions whose zeros are kinks: branch changes of comparisons, relu, |u|, max, where."""
        return tuple(s for c in self.children() for s in c.switches())

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children()), default=0)

    def size(self) -> int:
        """Number of nodes: the judge's work on a tree is proportional to it."""
        return 1 + sum(c.size() for c in self.children())

    def pretty(self) -> str:
        """Normal notation for the learner: σ(x)·(1 − σ(x)), e^(−x), 3x², (x > 0)."""
        return self._render(pretty=True)[0]

    def text(self) -> str:
        """The parser's own syntax, ASCII only: sigmoid(x)*(1 - sigmoid(x)). parse(text()) == self."""
        return self._render(pretty=False)[0]

    def to_sympy(self, elementary: bool = False):
        """The SymPy expression this tree stands for (imports SymPy; see tutor.maths.symbolic)."""
        from tutor.maths.symbolic import to_sympy

        return to_sympy(self, elementary=elementary)

    def __str__(self) -> str:
        return self.pretty()

    def _eval(self, values: dict[str, np.ndarray]):
        raise NotImplementedError

    def _render(self, pretty: bool) -> tuple[str, int]:
        """(text, binding strength of its outermost operation)."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Number(Expr):
    """A non-negative literal; `literal` is its canonical spelling (7, 0.01), kept for exact SymPy."""

    value: float
    literal: str

    def _eval(self, values):
        return np.float64(self.value)

    def _render(self, pretty):
        return self.literal, ATOM


@dataclass(frozen=True, slots=True)
class Variable(Expr):
    name: str

    def variables(self):
        return frozenset((self.name,))

    def _eval(self, values):
        return values[self.name]

    def _render(self, pretty):
        return (GREEK_VARIABLES.get(self.name, self.name) if pretty else self.name), ATOM


# Variables shown with their Greek letter (the parser reads η as eta and λ as lam).
GREEK_VARIABLES = {"eta": "η", "lam": "λ"}


@dataclass(frozen=True, slots=True)
class Constant(Expr):
    """e (Euler's number) or pi."""

    name: str

    def _eval(self, values):
        return np.float64(CONSTANTS[self.name])

    def _render(self, pretty):
        return ("π" if pretty and self.name == "pi" else self.name), ATOM


@dataclass(frozen=True, slots=True)
class Negate(Expr):
    operand: Expr

    def children(self):
        return (self.operand,)

    def _eval(self, values):
        return -self.operand._eval(values)

    def _render(self, pretty):
        inner, strength = self.operand._render(pretty)
        if strength < PRODUCT or inner.startswith(("-", "−")):
            inner = f"({inner})"
        return ("−" if pretty else "-") + inner, NEGATE


BINARY_OPERATIONS = {  # op -> NumPy ufunc (the judge reuses it)
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power,
}


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    """left op right, with op one of + - * / ** (** is written ^ in normal notation)."""

    op: str
    left: Expr
    right: Expr

    def children(self):
        return (self.left, self.right)

    def _eval(self, values):
        return BINARY_OPERATIONS[self.op](self.left._eval(values), self.right._eval(values))

    def _render(self, pretty):
        (a, sa), (b, sb) = self.left._render(pretty), self.right._render(pretty)
        right_negated = isinstance(self.right, Negate)
        op = self.op
        if op in "+-":
            if sa < SUM:
                a = f"({a})"
            if sb <= SUM or right_negated:  # a + (b + c) stays as typed
                b = f"({b})"
            sign = {"+": "+", "-": "−" if pretty else "-"}[op]
            return f"{a} {sign} {b}", SUM
        if op in "*/":
            if sa < PRODUCT:
                a = f"({a})"
            if sb <= PRODUCT or right_negated:  # a·(b·c) stays as typed
                b = f"({b})"
            if op == "/":
                return f"{a}/{b}", PRODUCT
            if pretty and _juxtaposes(self.left, self.right):
                return f"{a}{b}", PRODUCT
            return f"{a}{'·' if pretty else '*'}{b}", PRODUCT
        # power: right-associative, so a bracketed base unless it is an atom or a call
        if sa <= POWER:
            a = f"({a})"
        if pretty:
            return f"{a}{_exponent(self.right, b, sb)}", POWER
        if sb < POWER:
            b = f"({b})"
        return f"{a}**{b}", POWER


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """A known function applied to its arguments; with `prime`, its derivative: sigmoid'(u) = σ′(u)."""

    name: str
    args: tuple[Expr, ...]
    prime: bool = False

    def children(self):
        return self.args

    def switches(self):
        own: tuple[Expr, ...] = ()
        kind = FUNCTIONS[self.name].switch
        if kind == "first":
            own = (self.args[0],)
        elif kind == "difference":
            own = (Binary("-", self.args[0], self.args[1]),)
        elif kind == "condition" and not isinstance(self.args[0], Comparison):
            own = (self.args[0],)  # a Comparison condition reports its own switches
        return own + Expr.switches(self)

    def _eval(self, values):
        function = FUNCTIONS[self.name]
        evaluate = function.derivative if self.prime else function.value
        return evaluate(*(a._eval(values) for a in self.args))

    def _render(self, pretty):
        # Each argument is rendered once: rendering it again for e^u or √u doubled the
        # work per level of nesting (e^e^e^…x took seconds at 22 levels).
        rendered = [a._render(pretty) for a in self.args]
        args = [text for text, _ in rendered]
        mark = ("′" if pretty else "'") if self.prime else ""
        if not pretty:
            return f"{self.name}{mark}({', '.join(args)})", ATOM
        if self.name == "exp" and not self.prime:
            arg, strength = rendered[0]
            return "e" + _exponent(self.args[0], arg, strength), POWER
        if self.name == "sqrt" and not self.prime:
            bare = isinstance(self.args[0], (Number, Variable, Constant))
            return "√" + (args[0] if bare else f"({args[0]})"), POWER
        return f"{FUNCTIONS[self.name].shown}{mark}({', '.join(args)})", ATOM


@dataclass(frozen=True, slots=True)
class Comparison(Expr):
    """a < b (chains too: 0 < x < 1), worth 1 where true and 0 where false (an indicator)."""

    operands: tuple[Expr, ...]
    ops: tuple[str, ...]

    def children(self):
        return self.operands

    def switches(self):
        pairs = zip(self.operands, self.operands[1:])
        return tuple(Binary("-", a, b) for a, b in pairs) + Expr.switches(self)

    def _eval(self, values):
        sides = [o._eval(values) for o in self.operands]
        truth = np.bool_(True)
        undefined = np.bool_(False)
        for op, a, b in zip(self.ops, sides, sides[1:]):
            truth = truth & COMPARISONS[op](a, b)
            undefined = undefined | np.isnan(a) | np.isnan(b)
        return np.where(undefined, np.nan, truth.astype(np.float64))

    def _render(self, pretty):
        parts = []
        for i, operand in enumerate(self.operands):
            text, strength = operand._render(pretty)
            parts.append(f"({text})" if strength <= COMPARE else text)
            if i < len(self.ops):
                parts.append(PRETTY_COMPARISONS[self.ops[i]] if pretty else self.ops[i])
        return " ".join(parts), COMPARE


# ------------------------------------------------------------------ printing helpers

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _exponent(node: Expr, text: str, strength: int) -> str:
    """How an exponent is written after its base: x², e^x, e^(−x), x^(1/2)."""
    if isinstance(node, Number) and node.literal.isdigit():
        return node.literal.translate(_SUPERSCRIPT)
    if strength == ATOM and not isinstance(node, Call):
        return f"^{text}"
    return f"^({text})"


def _juxtaposes(left: Expr, right: Expr) -> bool:
    """Whether normal notation writes left·right as leftright: 3x², 2σ(x), 6x·... (a number first)."""
    if not isinstance(left, Number):
        return False
    base = right.left if isinstance(right, Binary) and right.op == "**" else right
    if isinstance(base, Variable) and re.match(r"[eE][0-9]", base.name):
        return False  # 2·e1 must not read as the number 2e1
    return isinstance(base, (Variable, Constant)) or (isinstance(base, Call) and base is right)
