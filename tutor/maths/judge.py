"""Judge a typed answer against the expected one by numeric sampling, and say what went wrong.

Two expressions are taken as equal when they agree at about two dozen sample points,
as edX, Khan Academy and WeBWorK judge typed math (FACTS.md):

- the points lie on both sides of zero (half on each) at several scales: a dozen
  with |x| in [0.3, 3], four with |x| below 0.3, four with |x| in [3, 6] and four
  with |x| in [6, 60] (more from a reserve when needed); a quiz may confine a
  variable to a range instead (a sigmoid output a in (0, 1));
- the points are drawn afresh for each answer (seeded by the answer's text, so the
  same answer always gets the same verdict): no fixed set of points to fit;
- a point within 1e-3 of a kink (where relu(u), |u|, max or a comparison switches
  branch, in either expression) is skipped, and so is a point where the expected
  answer, or the function whose derivative is asked, is undefined (ln(2x) only for x > 0);
- an answer that is undefined (NaN, ±inf) where the expected one is defined is wrong,
  except at the wide points (|x| > 6), where an equivalent form may overflow;
- agreement means |answer − expected| <= 1e-10·|expected| + 1e-13·M, where M bounds
  the size of the terms either side adds up (its rounding error): a constant offset,
  even 1e-9, is never rounding.

The work is bounded by the answer's structure: a tree of more than MAX_NODES nodes,
or one whose kinks would take more than MAX_WORK node evaluations, gets the verdict
"too complex to check" before anything is sampled. As a safety net, a judgement
still running after DEADLINE_S is abandoned (tutor.maths.deadline), so that neither
the app nor quitting it ever waits on the judge.
When the answer is wrong, the judge looks for the usual slips: the function
itself instead of its derivative, the opposite sign, a constant factor (a
forgotten inner derivative), an answer right only for x > 0 or only for x < 0.
An answer that writes the asked derivative as σ′(x) restates the question and is
refused kindly. SymPy is used only by derivative_of(), never to judge.
"""
from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np

from tutor.maths.expr import (
    BINARY_OPERATIONS, FUNCTIONS, Binary, Call, Comparison, Constant, Expr, Negate, Number, Variable,
)
from tutor.maths.deadline import TooSlow, within
from tutor.maths.mathparse import ParseError, parse

RELATIVE_TOLERANCE = 1e-10
MAGNITUDE_TOLERANCE = 1e-13  # times M, the sum of the sizes of the terms (rounding error)
ABSOLUTE_TOLERANCE = 1e-15  # a floor, for answers that are 0 everywhere
KINK_MARGIN = 1e-3  # sample points closer than this to a kink are skipped
POINTS = 24  # sample points used per judgement
MIN_POINTS = 6  # fewer usable points than this: the expected answer is unusable
SEED = 20_170_301
WIDE = 6.0  # beyond this |x| a point is "wide": an overflow there is not the learner's fault
MAX_NODES = 1_000  # nodes of an answer's tree (500 characters make at most about 500)
MAX_WORK = 50_000  # node evaluations spent on an answer's kinks
DEADLINE_S = 5.0  # a judgement still running after this is abandoned (its budget is 0.2 s)

Ranges = Mapping[str, tuple[float, float]]


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer.

    `understood` is the answer in normal notation as the parser read it (empty when
    it could not be read); `diagnosis` names the slip when one was recognised:
    "parse-error", "too-complex", "too-slow", "restates-question", "function-not-derivative",
    "sign", "offset", "factor", "only-positive", "only-negative" or "undefined".
    `detail` is the feedback without its leading verdict word ("Correct." / "Not
    quite."), for front ends that show the verdict with a mark of their own.
    """

    correct: bool
    feedback: str
    understood: str = ""
    diagnosis: str | None = None
    detail: str = ""

    @property
    def attempt(self) -> bool:
        """Whether this counts as a try: unreadable, too complex or restating text does not."""
        return self.diagnosis not in NOT_ATTEMPTS


# Diagnoses that mean "this was not an answer to judge": the learner is told why, no attempt counts.
NOT_ATTEMPTS = ("parse-error", "too-complex", "too-slow", "restates-question")


def judge(answer: str, expected: str, variables: tuple[str, ...] = ("x",),
          function: str | None = None, ranges: Ranges | None = None) -> Judgement:
    """Is `answer` (learner text) equal to `expected` (author text) as a function of `variables`?

    `function`, when given, is the function whose derivative was asked for; it lets the
    judge recognise an answer that repeats the function or restates the question (σ′(x)),
    and keeps the sample inside its domain. `ranges` confines variables to open intervals,
    {"a": (0, 1)}. Learner text never raises: unreadable text is a wrong answer whose
    feedback says why. Author text that does not parse raises ParseError (a ValueError);
    check-lessons reports it first.
    A judgement still running after DEADLINE_S (far past its budget) is abandoned
    with the verdict "took too long", which is not counted as a try.
    """
    try:
        return within(DEADLINE_S, _judge, answer, expected, tuple(variables), function, ranges)
    except TooSlow:
        return _refused(f"This answer took more than {DEADLINE_S:g} s to check, so it was "
                        "abandoned; write it more simply.", "", "too-slow")


def _judge(answer: str, expected: str, variables: tuple[str, ...], function: str | None,
           ranges: Ranges | None) -> Judgement:
    """judge() without its deadline."""
    variables = tuple(variables)
    right = parse(expected, variables)
    original = parse(function, variables) if function is not None else None
    try:
        given = parse(answer, variables)
    except ParseError as error:
        message = str(error)
        ending = "" if message.endswith((".", "?", ")")) else "."
        return _refused(f"Could not read your answer: {message}{ending}", "", "parse-error")
    if given.size() > MAX_NODES or _kink_work(given) > MAX_WORK:
        return _refused(f"Too complex to check: your answer has {given.size():,} parts nested "
                        f"{given.depth()} deep; write it more simply (the judge stops at "
                        f"{MAX_NODES:,} parts).", "", "too-complex")
    understood = given.pretty()
    if original is not None and (restated := _restated(given, original)):
        shown = FUNCTIONS[restated].shown
        return _refused(f"{shown}′ restates the question: write the derivative in terms of "
                        f"{shown}({variables[0]}) or {variables[0]}.", understood, "restates-question")
    points = _sample_points(right, (given,) + ((original,) if original else ()), variables,
                            original, ranges or {}, _seed(answer, expected))
    points = _drop_overflow(given, points, variables)
    a, e = given.evaluate(**points), right.evaluate(**points)
    scale = np.maximum(_magnitude(given, points), _magnitude(right, points))
    if np.all(_close(a, e, scale)):
        detail = f"Read as: {understood}."
        return Judgement(True, f"Correct. {detail}", understood, detail=detail)
    inside = functools.partial(_inside, original, ranges or {})
    diagnosis, advice = _diagnose(given, right, original, points, variables, scale, inside)
    detail = f"Read as: {understood}. {advice}"
    return Judgement(False, f"Not quite. {detail}", understood, diagnosis, detail=detail)


def _refused(message: str, understood: str, diagnosis: str) -> Judgement:
    return Judgement(False, message, understood, diagnosis, detail=message)


def _nodes(tree: Expr):
    """Every node of the tree (iteratively: the depth is bounded, but a stack is cheaper)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


def _kink_work(tree: Expr) -> int:
    """Node evaluations the sampling spends on the tree's kinks (each switch is evaluated once)."""
    return sum(switch.size() for switch in tree.switches())


def _restated(given: Expr, original: Expr) -> str | None:
    """The name of a function of the question whose derivative the answer writes as f′(…)."""
    asked = {node.name for node in _nodes(original) if isinstance(node, Call)}
    for node in _nodes(given):
        if isinstance(node, Call) and node.prime and node.name in asked:
            return node.name
    return None


def _seed(answer: str, expected: str) -> int:
    """Points differ per answer, yet the same answer always meets the same points."""
    return SEED ^ zlib.crc32(f"{expected}\0{answer.strip()}".encode("utf-8", "replace"))


def is_derivative(function_text: str, derivative_text: str, variable: str = "x") -> bool:
    """Whether `derivative_text` is d/d(variable) of `function_text` (both author text)."""
    expected = derivative_of(function_text, variable)
    return judge(derivative_text, expected, (variable,)).correct


@functools.lru_cache(maxsize=256)
def derivative_of(function_text: str, variable: str = "x") -> str:
    """d/d(variable) of `function_text`, computed by SymPy from the parsed tree, in parser syntax.

    derivative_of("sigmoid(3*x**2 + 1)") == "6*x*sigmoid(3*x**2 + 1)*(1 - sigmoid(3*x**2 + 1))".
    The result is SymPy's chain and product rules without simplify() (which turns
    σ(1 − σ) into −(σ − 1)σ): it reads the way a learner writes the derivative. Raises ValueError (ParseError for unreadable text)
    when the function has no derivative the parser can write, such as heaviside(x).
    """
    import sympy

    from tutor.maths.symbolic import from_sympy, symbol

    tree = parse(function_text, (variable,))
    derivative = sympy.diff(tree.to_sympy(), symbol(variable))
    text = from_sympy(derivative).text()
    try:
        parse(text, (variable,))
    except ParseError as error:
        raise ValueError(f"its derivative {text} is beyond the parser's limits ({error})") from None
    return text


# ------------------------------------------------------------------ sampling

def _close(a: np.ndarray, e: np.ndarray, scale=0.0) -> np.ndarray:
    """|a − e| <= rtol·|e| + mtol·scale + atol, and a finite (scale: see _magnitude)."""
    with np.errstate(all="ignore"):
        tolerance = RELATIVE_TOLERANCE * np.abs(e) + MAGNITUDE_TOLERANCE * scale + ABSOLUTE_TOLERANCE
        return np.isfinite(a) & (np.abs(a - e) <= tolerance)


def _magnitude(tree: Expr, points) -> np.ndarray:
    """M: the tree evaluated with every sum and difference made a sum of sizes, |a| + |b|.

    Rounding error grows with the terms that cancel, not with the result: 1 − tanh(x)²
    at x = 8 is 4.5e-7 computed from terms of size 1, so its error is about 1e-16·1.
    Functions and powers count as their own size. NaN counts as 0 (the verdict handles it).
    """
    with np.errstate(all="ignore"):
        return np.nan_to_num(_size_of(tree, points)[1], nan=0.0, posinf=np.inf)


def _size_of(node: Expr, points) -> tuple[np.ndarray, np.ndarray]:
    """(value, magnitude) in one pass, so that the work stays one visit per node."""
    if isinstance(node, Binary):
        (a, ma), (b, mb) = _size_of(node.left, points), _size_of(node.right, points)
        value = BINARY_OPERATIONS[node.op](a, b)
        if node.op in "+-":
            return value, ma + mb
        if node.op == "*":
            return value, ma * mb
        if node.op == "/":
            return value, ma / np.abs(b)
        return value, np.abs(value)
    if isinstance(node, Negate):
        value, m = _size_of(node.operand, points)
        return -value, m
    if isinstance(node, Call):
        function = FUNCTIONS[node.name]
        evaluate = function.derivative if node.prime else function.value
        value = evaluate(*(_size_of(arg, points)[0] for arg in node.args))
        return value, np.abs(value)
    value = node.evaluate(**{name: points[name] for name in node.variables()}) \
        if isinstance(node, Comparison) else node._eval(points)
    return value, np.abs(value)


def _seeded_pool(variables: tuple[str, ...], ranges: Ranges, seed: int) -> dict[str, np.ndarray]:
    """Candidate points, 124 per variable: first the POINTS preferred ones, then a reserve.

    Without a range, each variable's column is 12 with |x| in [0.3, 3], 4 small
    (|x| in [0.005, 0.3]), 4 in [3, 6] and 4 wide (|x| in [6, 60], log-uniform), half
    of each positive, shuffled; then 60 more in [−3, 3] and 40 in [−10, 10]. With a
    range (low, high), all 124 are uniform inside it, off its ends.
    """
    rng = np.random.default_rng(seed)
    columns = {}
    for name in variables:
        if name in ranges:
            low, high = ranges[name]
            margin = 1e-6 * (high - low)
            columns[name] = rng.uniform(low + margin, high - margin, POINTS + 100)
            continue
        signs = np.resize([1.0, -1.0], POINTS)
        preferred = signs * np.concatenate([
            rng.uniform(0.3, 3, 12), rng.uniform(0.005, 0.3, 4), rng.uniform(3, WIDE, 4),
            np.exp(rng.uniform(np.log(WIDE), np.log(60), 4)),
        ])
        columns[name] = np.concatenate([
            rng.permutation(preferred), rng.uniform(-3, 3, 60), rng.uniform(-10, 10, 40),
        ])
    return columns


def _sample_points(expected: Expr, others: tuple[Expr, ...], variables, original: Expr | None,
                   ranges: Ranges, seed: int) -> dict[str, np.ndarray]:
    """The POINTS first candidates where `expected` (and the asked function) is defined
    and no expression is near a kink."""
    candidates = _seeded_pool(variables, ranges, seed)
    usable = np.isfinite(expected.evaluate(**candidates))
    if original is not None:  # the derivative of ln(2x) is asked for x > 0 only
        usable &= np.isfinite(original.evaluate(**candidates))
    for switch in expected.switches():
        near = _near_zero(switch, candidates)
        if near.mean() <= 0.5:  # a "switch" that is zero almost everywhere is no kink
            usable &= ~near
    if usable.sum() < MIN_POINTS:
        raise ValueError(f"the expected answer {expected.pretty()} is undefined (or at a kink) "
                         "at almost every sample point")
    # The answer's kinks are avoided too, but never at the cost of the sample: a crafted
    # answer must not be able to remove every point.
    for tree in others:
        for switch in tree.switches():
            fewer = usable & ~_near_zero(switch, candidates)
            if fewer.sum() >= POINTS:
                usable = fewer
    chosen = np.flatnonzero(usable)[:POINTS]
    return {name: column[chosen] for name, column in candidates.items()}


def _drop_overflow(given: Expr, points, variables) -> dict[str, np.ndarray]:
    """Without the wide points where the answer overflows: e^x/(1 + e^x)² is σ′(x), but
    inf/inf at x = 800. Points with every |x| <= WIDE still count it as undefined."""
    wide = np.zeros(len(points[variables[0]]), dtype=bool)
    for name in variables:
        wide |= np.abs(points[name]) > WIDE
    drop = wide & ~np.isfinite(given.evaluate(**points))
    return {name: column[~drop] for name, column in points.items()}


def _near_zero(switch: Expr, points: dict[str, np.ndarray]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(switch.evaluate(**points)) < KINK_MARGIN


# ------------------------------------------------------------------ diagnosis

def _diagnose(given: Expr, right: Expr, original: Expr | None, points, variables,
              scale, inside) -> tuple[str | None, str]:
    """(diagnosis code, advice) for a wrong answer."""
    with np.errstate(all="ignore"):  # k·e may overflow for a wild answer: then it is no factor
        return _find_slip(given, right, original, points, variables, scale, inside)


def _find_slip(given, right, original, points, variables, scale, inside) -> tuple[str | None, str]:
    a, e = given.evaluate(**points), right.evaluate(**points)
    close = _close(a, e, scale)
    if original is not None:
        f = original.evaluate(**points)
        defined = np.isfinite(f)
        if defined.sum() >= MIN_POINTS and np.all(_close(a, f, scale)[defined]):
            return "function-not-derivative", (
                f"That is the function itself, not its derivative: differentiate {original.pretty()}.")
    substantial = np.abs(e) > 1e-9
    if substantial.any() and np.all(_close(-a, e, scale)):
        return "sign", ("Your answer has the opposite sign of the right one: check each minus sign, "
                        "including those from inner derivatives such as d/dx (−x) = −1.")
    offset = _constant_offset(a, e)
    if offset is not None:
        return "offset", (f"Your answer differs from the right one by the constant {_format_number(offset)} "
                          "everywhere: a constant term is never rounding; remove it.")
    factor = _constant_factor(a, e, scale)
    if factor is not None:
        return "factor", (f"Your answer is {_format_factor(factor)} times the right one. "
                          + _factor_advice(original))
    if len(variables) == 1:
        x = points[variables[0]]
        for side, other, code, here, there in ((x > 0, x < 0, "only-positive", "x > 0", "x < 0"),
                                               (x < 0, x > 0, "only-negative", "x < 0", "x > 0")):
            if side.any() and other.any() and np.all(close[side]) and not np.all(close[other]):
                example = _counterexample(given, right, points, variables, other & ~close, inside)
                return code, f"Right for {here} but not for {there}: {example}"
    undefined = ~np.isfinite(a)
    if undefined.any():
        first = int(np.flatnonzero(undefined)[0])
        where = _format_point(points, variables, first)
        if np.isinf(a[first]):
            return "undefined", (f"Your answer is infinite at {where}, where the right one is an ordinary "
                                 "number (a division by zero, or a value too large to compute?).")
        return "undefined", (f"Your answer is undefined at {where}, where the right one is defined "
                             "(a division by zero, or the log or root of a negative number?).")
    example = _counterexample(given, right, points, variables, ~close, inside)
    return None, example[0].upper() + example[1:]


def _constant_offset(a: np.ndarray, e: np.ndarray) -> float | None:
    """c when a = e + c at every point, for a small constant c ≠ 0 (2x − 2 + 1e-9)."""
    d = a - e
    if not np.isfinite(d).all() or np.any(d == 0):
        return None
    c = float(np.median(d))
    if abs(c) > 1e-3 * max(1.0, float(np.max(np.abs(e)))):
        return None  # a visible offset gets the usual counterexample
    return c if np.all(np.abs(d - c) <= 1e-3 * abs(c)) else None


def _has_chain(tree: Expr | None) -> bool:
    """Whether the tree has an inner function: f(u) or u^n with u more than a variable."""
    if tree is None:
        return False
    simple = (Variable, Number, Constant)
    for node in _nodes(tree):
        if isinstance(node, Call) and not all(isinstance(arg, simple) for arg in node.args):
            return True
        if isinstance(node, Binary) and node.op == "**" and not isinstance(node.left, simple):
            return True
    return False


def _factor_advice(original: Expr | None) -> str:
    if _has_chain(original):
        return ("A constant factor is off: did you forget (or add) the derivative of the inner "
                "function?")
    return "A constant factor is off: check the coefficients and the power rule, d/dx xⁿ = n·xⁿ⁻¹."


def _constant_factor(a: np.ndarray, e: np.ndarray, scale) -> float | None:
    """k when a = k·e at every point, for a constant k other than 0, 1 and −1."""
    reference = int(np.argmax(np.abs(e)))
    if not np.isfinite(a).all() or abs(e[reference]) <= 1e-9:
        return None
    k = float(a[reference] / e[reference])
    if not np.isfinite(k) or abs(k) < 1e-9 or any(abs(k - c) <= 1e-6 for c in (1.0, -1.0)):
        return None
    return k if np.all(_close(a, k * e, abs(k) * scale)) else None


def _format_factor(k: float) -> str:
    """3, 1/2, −2, or 0.3183 when k is no simple fraction."""
    fraction = Fraction(k).limit_denominator(12)
    if abs(float(fraction) - k) <= 1e-9 * abs(k):
        text = str(fraction)
    else:
        text = f"{k:.4g}"
    return text.replace("-", "−")


def _format_number(v: float, digits: int = 4) -> str:
    return f"{v:.{digits}g}".replace("-", "−").replace("inf", "∞").replace("nan", "undefined")


def _format_pair(right: float, yours: float) -> tuple[str, str]:
    """Both values with as many digits as it takes to show that they differ (4 at least)."""
    for digits in range(4, 18):
        shown = _format_number(right, digits), _format_number(yours, digits)
        if shown[0] != shown[1]:
            return shown
    return shown


def _format_inside(point: dict[str, np.ndarray], name: str, inside) -> str:
    """A coordinate with the fewest digits (4 at least) that keep the point inside:
    a = 0.9997 in (0, 1) is not shown as a = 1."""
    value = float(point[name][0])
    for digits in range(4, 18):
        shown = {**point, name: np.array([float(f"{value:.{digits}g}")])}
        if inside(shown):
            break
    return _format_number(value, digits)


def _format_point(points, variables, index: int) -> str:
    return ", ".join(f"{name} = {_format_number(points[name][index])}" for name in variables)


def _inside(original: Expr | None, ranges: Ranges, point: dict[str, np.ndarray]) -> bool:
    """Whether a point is one the sample could hold: inside every range, off zero (each
    half of the sample keeps its sign), and where the asked function is defined."""
    for name, value in point.items():
        v = float(value[0])
        low, high = ranges.get(name, (-np.inf, np.inf))
        if not (low < v < high) or v == 0:
            return False
    return original is None or bool(np.isfinite(original.evaluate(**point)).all())


def _counterexample(given: Expr, right: Expr, points, variables, wrong: np.ndarray, inside) -> str:
    """"at x = −1.5 the right value is 0.01, yours is 1." at the first wrong point.

    The point is rounded to two decimals when the answers still differ there, so the
    learner can check it by hand; the rounded point must be one the sample could have
    chosen (no kink, the expected answer defined, inside the variable's range).
    """
    index = int(np.flatnonzero(wrong)[0])
    point = {name: points[name][index:index + 1] for name in variables}
    rounded = {name: np.round(value, 2) for name, value in point.items()}
    a, e = given.evaluate(**rounded), right.evaluate(**rounded)
    kinks = [s.evaluate(**rounded) for tree in (given, right) for s in tree.switches()]
    away = all(np.all(np.abs(k) >= KINK_MARGIN) for k in kinks)
    if away and inside(rounded) and np.isfinite(e).all() and not _close(a, e).all():
        point = rounded
    else:
        a, e = given.evaluate(**point), right.evaluate(**point)
    where = ", ".join(f"{name} = {_format_inside(point, name, inside)}" for name in variables)
    right_value, your_value = _format_pair(float(e[0]), float(a[0]))
    return f"at {where} the right value is {right_value}, yours is {your_value}."
