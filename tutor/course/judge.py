"""Judge a typed answer against the expected one by numeric sampling, and say what went wrong.

Two expressions are taken as equal when they agree at about twenty sample points,
as edX, Khan Academy and WeBWorK judge typed math (FACTS.md):

- the points lie on both sides of zero (ten on each) at several scales: a dozen
  with |x| in [0.3, 3], four with |x| below 0.3, four with |x| in [3, 6] (more from
  a reserve when needed);
- a point within 1e-3 of a kink (where relu(u), |u|, max or a comparison switches
  branch, in either expression) is skipped, and so is a point where the expected
  answer is undefined;
- an answer that is undefined (NaN, ±inf) where the expected one is defined is wrong;
- agreement means |answer − expected| <= 1e-6·|expected| + 1e-9.

The points come from a fixed seed, so a judgement never changes between runs.
When the answer is wrong, the judge looks for the usual slips: the function
itself instead of its derivative, the opposite sign, a constant factor (a
forgotten inner derivative), an answer right only for x > 0 or only for x < 0.
SymPy is used only by derivative_of(), never to judge.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from tutor.course.expr import Expr
from tutor.course.mathparse import ParseError, parse

RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-9
KINK_MARGIN = 1e-3  # sample points closer than this to a kink are skipped
POINTS = 20  # sample points used per judgement
MIN_POINTS = 6  # fewer usable points than this: the expected answer is unusable
SEED = 20_170_301


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer.

    `understood` is the answer in normal notation as the parser read it (empty when
    it could not be read); `diagnosis` names the slip when one was recognised:
    "parse-error", "function-not-derivative", "sign", "factor", "only-positive",
    "only-negative" or "undefined".
    """

    correct: bool
    feedback: str
    understood: str = ""
    diagnosis: str | None = None


def judge(answer: str, expected: str, variables: tuple[str, ...] = ("x",),
          function: str | None = None) -> Judgement:
    """Is `answer` (learner text) equal to `expected` (author text) as a function of `variables`?

    `function`, when given, is the function whose derivative was asked for; it lets the
    judge recognise an answer that repeats the function. Learner text never raises:
    unreadable text is a wrong answer whose feedback says why. Author text that does
    not parse raises ParseError (a ValueError); check-lessons reports it first.
    """
    variables = tuple(variables)
    right = parse(expected, variables)
    original = parse(function, variables) if function is not None else None
    try:
        given = parse(answer, variables)
    except ParseError as error:
        message = str(error)
        ending = "" if message.endswith((".", "?", ")")) else "."
        return Judgement(False, f"Could not read your answer: {message}{ending}", "", "parse-error")
    understood = given.pretty()
    points = _sample_points(right, (given,) + ((original,) if original else ()), variables)
    a, e = given.evaluate(**points), right.evaluate(**points)
    if np.all(_close(a, e)):
        return Judgement(True, f"Correct. Read as: {understood}.", understood)
    diagnosis, advice = _diagnose(given, right, original, points, variables)
    return Judgement(False, f"Not quite. Read as: {understood}. {advice}", understood, diagnosis)


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

    from tutor.course.symbolic import from_sympy, symbol

    tree = parse(function_text, (variable,))
    derivative = sympy.diff(tree.to_sympy(), symbol(variable))
    text = from_sympy(derivative).text()
    try:
        parse(text, (variable,))
    except ParseError as error:
        raise ValueError(f"its derivative {text} is beyond the parser's limits ({error})") from None
    return text


# ------------------------------------------------------------------ sampling

def _close(a: np.ndarray, e: np.ndarray) -> np.ndarray:
    """|a − e| <= rtol·|e| + atol, and a finite."""
    with np.errstate(all="ignore"):
        return np.isfinite(a) & (np.abs(a - e) <= RELATIVE_TOLERANCE * np.abs(e) + ABSOLUTE_TOLERANCE)


@functools.cache
def _pool(count: int) -> np.ndarray:
    """Candidate points, shape (120, count), first the twenty preferred ones, then a reserve.

    Each variable's column is drawn independently: 12 with |x| in [0.3, 3], 4 small
    (|x| in [0.005, 0.3]) and 4 larger (|x| in [3, 6]), half of each positive, in
    shuffled order; then 60 more in [−3, 3] and 40 in [−10, 10] for when many points
    are unusable.
    """
    rng = np.random.default_rng(SEED)
    columns = []
    for _ in range(count):
        signs = np.resize([1.0, -1.0], 20)
        preferred = signs * np.concatenate([
            rng.uniform(0.3, 3, 12), rng.uniform(0.005, 0.3, 4), rng.uniform(3, 6, 4),
        ])
        columns.append(np.concatenate([
            rng.permutation(preferred), rng.uniform(-3, 3, 60), rng.uniform(-10, 10, 40),
        ]))
    pool = np.stack(columns, axis=1)
    pool.setflags(write=False)
    return pool


def _sample_points(expected: Expr, others: tuple[Expr, ...], variables) -> dict[str, np.ndarray]:
    """The POINTS first candidates where `expected` is defined and no expression is near a kink."""
    pool = _pool(len(variables))
    candidates = {name: pool[:, k] for k, name in enumerate(variables)}
    usable = np.isfinite(expected.evaluate(**candidates))
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


def _near_zero(switch: Expr, points: dict[str, np.ndarray]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(switch.evaluate(**points)) < KINK_MARGIN


# ------------------------------------------------------------------ diagnosis

def _diagnose(given: Expr, right: Expr, original: Expr | None, points, variables) -> tuple[str | None, str]:
    """(diagnosis code, advice) for a wrong answer."""
    with np.errstate(all="ignore"):  # k·e may overflow for a wild answer: then it is no factor
        return _find_slip(given, right, original, points, variables)


def _find_slip(given, right, original, points, variables) -> tuple[str | None, str]:
    a, e = given.evaluate(**points), right.evaluate(**points)
    close = _close(a, e)
    if original is not None:
        f = original.evaluate(**points)
        defined = np.isfinite(f)
        if defined.sum() >= MIN_POINTS and np.all(_close(a, f)[defined]):
            return "function-not-derivative", (
                f"That is the function itself, not its derivative: differentiate {original.pretty()}.")
    substantial = np.abs(e) > 10 * ABSOLUTE_TOLERANCE
    if substantial.any() and np.all(_close(-a, e)):
        return "sign", ("Your answer has the opposite sign of the right one: check each minus sign, "
                        "including those from inner derivatives such as d/dx (−x) = −1.")
    factor = _constant_factor(a, e)
    if factor is not None:
        return "factor", (f"Your answer is {_format_factor(factor)} times the right one. A constant "
                          "factor is off: did you forget (or add) the derivative of the inner function?")
    if len(variables) == 1:
        x = points[variables[0]]
        for side, other, code, here, there in ((x > 0, x < 0, "only-positive", "x > 0", "x < 0"),
                                               (x < 0, x > 0, "only-negative", "x < 0", "x > 0")):
            if side.any() and other.any() and np.all(close[side]) and not np.all(close[other]):
                example = _counterexample(given, right, points, variables, other & ~close)
                return code, f"Right for {here} but not for {there}: {example}"
    undefined = ~np.isfinite(a)
    if undefined.any():
        where = _format_point(points, variables, int(np.flatnonzero(undefined)[0]))
        return "undefined", (f"Your answer is undefined at {where}, where the right one is defined "
                             "(a division by zero, or the log or root of a negative number?).")
    example = _counterexample(given, right, points, variables, ~close)
    return None, example[0].upper() + example[1:]


def _constant_factor(a: np.ndarray, e: np.ndarray) -> float | None:
    """k when a = k·e at every point, for a constant k other than 0, 1 and −1."""
    reference = int(np.argmax(np.abs(e)))
    if not np.isfinite(a).all() or abs(e[reference]) <= 10 * ABSOLUTE_TOLERANCE:
        return None
    k = float(a[reference] / e[reference])
    if not np.isfinite(k) or abs(k) < 1e-9 or any(abs(k - c) <= 1e-6 for c in (1.0, -1.0)):
        return None
    return k if np.all(_close(a, k * e)) else None


def _format_factor(k: float) -> str:
    """3, 1/2, −2, or 0.3183 when k is no simple fraction."""
    fraction = Fraction(k).limit_denominator(12)
    if abs(float(fraction) - k) <= 1e-9 * abs(k):
        text = str(fraction)
    else:
        text = f"{k:.4g}"
    return text.replace("-", "−")


def _format_number(v: float) -> str:
    return f"{v:.4g}".replace("-", "−").replace("inf", "∞").replace("nan", "undefined")


def _format_point(points, variables, index: int) -> str:
    return ", ".join(f"{name} = {_format_number(points[name][index])}" for name in variables)


def _counterexample(given: Expr, right: Expr, points, variables, wrong: np.ndarray) -> str:
    """"at x = −1.5 the right value is 0.01, yours is 1." at the first wrong point.

    The point is rounded to two decimals when the answers still differ there, so the
    learner can check it by hand.
    """
    index = int(np.flatnonzero(wrong)[0])
    point = {name: points[name][index:index + 1] for name in variables}
    rounded = {name: np.round(value, 2) for name, value in point.items()}
    a, e = given.evaluate(**rounded), right.evaluate(**rounded)
    kinks = [s.evaluate(**rounded) for tree in (given, right) for s in tree.switches()]
    away = all(np.all(np.abs(k) >= KINK_MARGIN) for k in kinks)
    if away and np.isfinite(e).all() and not _close(a, e).all():
        point = rounded
    else:
        a, e = given.evaluate(**point), right.evaluate(**point)
    where = ", ".join(f"{name} = {_format_number(point[name][0])}" for name in variables)
    return f"at {where} the right value is {_format_number(e[0])}, yours is {_format_number(a[0])}."
