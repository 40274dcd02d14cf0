"""Between expression trees and SymPy: only objects built from a parsed tree reach SymPy.

to_sympy(tree) builds the SymPy expression a tree stands for; from_sympy(expr)
turns a SymPy result (a derivative) back into a tree, which prints in the
parser's syntax. Learner text never gets here as text: SymPy's own parsers use
eval and must not see untrusted input (FACTS.md, "How real graders judge typed math").

σ, relu and softplus are SymPy functions of their own, whose derivatives are the
course's formulas (σ′ = σ(1 − σ), relu′ = H, softplus′ = σ), so a computed
derivative reads like the chain rule a learner writes; `elementary=True`
rewrites them as 1/(1 + e^(−u)), max(0, u) and ln(1 + e^u).

Importing this module imports SymPy (about half a second): import it lazily.
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from tutor.maths.expr import Binary, Call, Comparison, Constant, Expr, Negate, Number, Variable


class sigmoid(sp.Function):
    """σ(u) = 1/(1 + e^(−u)), with σ′(u) = σ(u)(1 − σ(u))."""

    nargs = 1

    @classmethod
    def eval(cls, u):
        if u.is_Number:
            return 1 / (1 + sp.exp(-u))
        return None

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return 1 / (1 + sp.exp(-u))

    def _eval_is_real(self):
        return self.args[0].is_real


class relu(sp.Function):
    """relu(u) = max(0, u), with relu′(u) = H(u) (a step: 1 for u > 0, 0 for u < 0)."""

    nargs = 1

    @classmethod
    def eval(cls, u):
        if u.is_Number:
            return sp.Max(0, u)
        return None

    def fdiff(self, argindex=1):
        return sp.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, u, **kwargs):
        return sp.Max(0, u)

    def _eval_is_real(self):
        return self.args[0].is_real


class softplus(sp.Function):
    """softplus(u) = ln(1 + e^u), with softplus′(u) = σ(u)."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, u, **kwargs):
        return sp.log(1 + sp.exp(u))

    def _eval_is_real(self):
        return self.args[0].is_real


_PLAIN = {
    "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "sign": sp.sign,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sinh": sp.sinh, "cosh": sp.cosh,
    "tanh": sp.tanh, "sech": sp.sech, "sigmoid": sigmoid, "relu": relu, "softplus": softplus,
    "heaviside": sp.Heaviside, "max": sp.Max, "min": sp.Min,
}
_RELATIONS = {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge, "==": sp.Eq, "!=": sp.Ne}


def symbol(name: str) -> sp.Symbol:
    """The SymPy symbol for a variable: real, so that |x|′ = sign(x) and relu(x)′ = H(x)."""
    return sp.Symbol(name, real=True)


# ------------------------------------------------------------------ tree -> SymPy

def to_sympy(tree: Expr, elementary: bool = False) -> sp.Expr:
    """The SymPy expression of `tree`; numbers stay exact (0.01 becomes 1/100)."""
    result = _to_sympy(tree)
    if elementary:
        result = result.replace(sigmoid, lambda u: 1 / (1 + sp.exp(-u)))
        result = result.replace(relu, lambda u: sp.Max(0, u))
        result = result.replace(softplus, lambda u: sp.log(1 + sp.exp(u)))
    return result


def _to_sympy(node: Expr):
    match node:
        case Number(literal=literal):
            exact = Fraction(literal)
            return sp.Rational(exact.numerator, exact.denominator)
        case Variable(name=name):
            return symbol(name)
        case Constant(name="e"):
            return sp.E
        case Constant(name="pi"):
            return sp.pi
        case Negate(operand=operand):
            return -_to_sympy(operand)
        case Binary(op=op, left=left, right=right):
            a, b = _to_sympy(left), _to_sympy(right)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            return a / b if op == "/" else a ** b
        case Call(name="where", args=(condition, a, b)):
            return sp.Piecewise((_to_sympy(a), _condition(condition)), (_to_sympy(b), True))
        case Call(name=name, args=args, prime=prime):
            values = [_to_sympy(a) for a in args]
            if not prime:
                return _PLAIN[name](*values)
            t = sp.Dummy("t", real=True)
            return sp.diff(_PLAIN[name](t), t).subs(t, values[0])
        case Comparison():
            return sp.Piecewise((1, _condition(node)), (0, True))
    raise TypeError(f"not an expression tree node: {node!r}")


def _condition(node: Expr):
    """The SymPy truth value of a where() condition or an indicator: x > 0, or c ≠ 0."""
    if isinstance(node, Comparison):
        sides = [_to_sympy(o) for o in node.operands]
        parts = [_RELATIONS[op](a, b) for op, a, b in zip(node.ops, sides, sides[1:])]
        return sp.And(*parts)
    return sp.Ne(_to_sympy(node), 0)


# ------------------------------------------------------------------ SymPy -> tree

class Unrepresentable(ValueError):
    """A SymPy result the parser's syntax cannot write (a Dirac delta, an unevaluated derivative)."""


def from_sympy(expr) -> Expr:
    """The tree of a SymPy expression built from the functions above, for printing.

    Terms are ordered to read as a learner writes them: a positive term first
    (1 − σ(x), not −σ(x) + 1) except in polynomials, numbers and powers of variables before functions,
    sums last (6x·σ(u)·(1 − σ(u))).
    """
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"from_sympy takes a SymPy expression, not {type(expr).__name__}")
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise Unrepresentable(f"{expr} is undefined or infinite")
    return _tree(expr)


def _tree(expr) -> Expr:
    if expr.is_Rational:
        return _rational(expr)
    if expr.is_Float:
        return _number(float(expr)) if expr >= 0 else Negate(_number(float(-expr)))
    if expr.is_Symbol:
        return Variable(expr.name)
    if expr is sp.E:
        return Constant("e")
    if expr is sp.pi:
        return Constant("pi")
    if expr.is_Add:
        return _sum(expr)
    if expr.is_Mul:
        return _product(expr)
    if expr.is_Pow:
        return _power(expr)
    if isinstance(expr, sp.Piecewise):
        return _piecewise(expr.args)
    if isinstance(expr, sp.Heaviside):
        return Comparison((_tree(expr.args[0]), Number(0.0, "0")), (">",))
    if isinstance(expr, (sp.Max, sp.Min)):
        name = "max" if isinstance(expr, sp.Max) else "min"
        args = [_tree(a) for a in expr.args]
        tree = args[0]
        for arg in args[1:]:
            tree = Call(name, (tree, arg))
        return tree
    if isinstance(expr, sp.Abs):
        return Call("abs", (_tree(expr.args[0]),))
    if isinstance(expr, sp.Function):
        name = type(expr).__name__
        if name in _PLAIN and _PLAIN[name] is type(expr):
            return Call(name, tuple(_tree(a) for a in expr.args))
    if isinstance(expr, sp.logic.boolalg.Boolean):
        return _indicator(expr)
    raise Unrepresentable(f"cannot write {expr} in the tutor's notation")


def _number(value: float) -> Number:
    literal = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return Number(value, literal)


def _rational(r) -> Expr:
    """p/q as a decimal when it is short (1/100 -> 0.01), else as a quotient."""
    if r < 0:
        return Negate(_rational(-r))
    p, q = int(r.p), int(r.q)
    if q == 1:
        return Number(float(p), str(p))
    for digits in range(1, 7):
        if (Fraction(p, q) * 10 ** digits).denominator == 1:
            literal = f"{p / q:.{digits}f}"
            return Number(float(literal), literal)
    return Binary("/", Number(float(p), str(p)), Number(float(q), str(q)))


def _sum(expr) -> Expr:
    terms = list(expr.as_ordered_terms())
    symbols = sorted(expr.free_symbols, key=str)
    if symbols and expr.is_polynomial():  # highest power first: −5x⁴ + 2
        terms.sort(key=lambda term: -sp.Poly(term, *symbols).total_degree())
    positive = [t for t in terms if not t.could_extract_minus_sign()]
    # 1 − σ(x) rather than −σ(x) + 1; a polynomial keeps its descending powers (−x² + 1)
    if positive and terms[0].could_extract_minus_sign() and not expr.is_polynomial():
        terms.remove(positive[0])
        terms.insert(0, positive[0])
    tree = _tree(terms[0])
    for term in terms[1:]:
        if term.could_extract_minus_sign():
            tree = Binary("-", tree, _tree(-term))
        else:
            tree = Binary("+", tree, _tree(term))
    return tree


def _factor_rank(factor) -> int:
    """Order of factors in a product: numbers, variables and their powers, functions, sums."""
    base = factor.base if factor.is_Pow else factor
    if base.is_Number:
        return 0
    if base.is_Symbol:
        return 1
    if base.is_Add:
        return 3
    return 2


def _product(expr) -> Expr:
    if expr.could_extract_minus_sign():
        return Negate(_tree(-expr))
    numerator, denominator = [], []
    for factor in sorted(expr.as_ordered_factors(), key=_factor_rank):
        if factor.is_Rational:
            if factor.p != 1:
                numerator.append(sp.Integer(factor.p))
            if factor.q != 1:
                denominator.append(sp.Integer(factor.q))
        elif factor.is_Pow and factor.exp.is_Number and factor.exp < 0:
            denominator.append(factor.base ** -factor.exp)
        else:
            numerator.append(factor)
    top = _chain("*", [_tree(f) for f in numerator]) if numerator else Number(1.0, "1")
    if not denominator:
        return top
    return Binary("/", top, _chain("*", [_tree(f) for f in denominator]))


def _chain(op: str, trees: list[Expr]) -> Expr:
    tree = trees[0]
    for t in trees[1:]:
        tree = Binary(op, tree, t)
    return tree


def _power(expr) -> Expr:
    base, exponent = expr.base, expr.exp
    if exponent.is_Number and exponent < 0:
        return Binary("/", Number(1.0, "1"), _tree(base ** -exponent))
    if exponent == sp.S.Half:
        return Call("sqrt", (_tree(base),))
    return Binary("**", _tree(base), _tree(exponent))


def _piecewise(pieces) -> Expr:
    (value, condition), rest = pieces[0], pieces[1:]
    if condition is sp.true:
        return _tree(value)
    if not rest:
        raise Unrepresentable("a piecewise expression undefined outside its pieces")
    return Call("where", (_indicator(condition), _tree(value), _piecewise(rest)))


def _indicator(condition) -> Expr:
    """A SymPy condition as a 0/1 expression: x > 0, (x > 0)*(x < 1) for And, max(.., ..) for Or."""
    if isinstance(condition, sp.core.relational.Relational):
        op = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">",
              sp.GreaterThan: ">=", sp.Equality: "==", sp.Unequality: "!="}[type(condition)]
        return Comparison((_tree(condition.lhs), _tree(condition.rhs)), (op,))
    if isinstance(condition, sp.And):
        return _chain("*", [_indicator(c) for c in condition.args])
    if isinstance(condition, sp.Or):
        parts = [_indicator(c) for c in condition.args]
        tree = parts[0]
        for part in parts[1:]:
            tree = Call("max", (tree, part))
        return tree
    if isinstance(condition, sp.Not):
        return Binary("-", Number(1.0, "1"), _indicator(condition.args[0]))
    if condition is sp.true:
        return Number(1.0, "1")
    if condition is sp.false:
        return Number(0.0, "0")
    raise Unrepresentable(f"cannot write the condition {condition} in the tutor's notation")
