"""Generated derivative drills, reproducible by seed, in families for spaced repetition.

    generate(7, level=2)  ->  Drill(family="sigmoid-chain", function="sigmoid(3*x**2 + 1)",
                                    expected="6*x*sigmoid(3*x**2 + 1)*(1 - sigmoid(3*x**2 + 1))",
                                    prompt="d/dx of σ(3x² + 1)", ...)

A family is one kind of exercise (one rule to practise); the scheduler keeps one
Leitner box per family. Levels: 1 is one rule with a linear inside (σ(2x), e^(−3x),
a leaky ReLU), 2 a chain with a polynomial inside or a product, 3 chains of
three functions and products of chains. The expected answer is SymPy's
derivative of the parsed function (judge.derivative_of), so it cannot be wrong.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from tutor.maths.judge import derivative_of
from tutor.maths.mathparse import parse


@dataclass(frozen=True)
class Drill:
    """One exercise: find d/dx of `function` (parser syntax); `expected` is the answer."""

    family: str
    level: int
    seed: int
    function: str
    expected: str
    prompt: str


# ------------------------------------------------------------------ writing functions

def _poly(*terms: tuple[int, int]) -> str:
    """Σ c·x^n as text with tidy signs: _poly((3, 2), (-2, 1), (1, 0)) == "3*x**2 - 2*x + 1"."""
    text = ""
    for coefficient, power in terms:
        if coefficient == 0:
            continue
        monomial = {0: "", 1: "x"}.get(power, f"x**{power}")
        size = abs(coefficient)
        if not monomial:
            body = str(size)
        elif size == 1:
            body = monomial
        else:
            body = f"{size}*{monomial}"
        if not text:
            text = ("-" if coefficient < 0 else "") + body
        else:
            text += (" - " if coefficient < 0 else " + ") + body
    return text or "0"


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([k for k in range(low, high + 1) if k != 0])


def _linear(rng: random.Random) -> str:
    """k·x with k in ±1..3: the simplest inner function (its derivative is k)."""
    return _poly((_nonzero(rng, -3, 3), 1))


def _quadratic(rng: random.Random) -> str:
    """a·x² + b·x + c, a ≠ 0."""
    return _poly((_nonzero(rng, -3, 3), 2), (rng.randint(-2, 2), 1), (rng.randint(-2, 2), 0))


# ------------------------------------------------------------------ families

def _power(rng):
    return _poly((_nonzero(rng, -5, 5), rng.randint(2, 5)), (rng.randint(-4, 4), 1), (rng.randint(-3, 3), 0))


def _exp(rng):
    return f"exp({_linear(rng)})"


def _log(rng):
    return f"{rng.choice(['', '2*', '3*'])}log({rng.randint(2, 5)}*x)"


def _sigmoid(rng):
    return f"sigmoid({_linear(rng)})"


def _tanh(rng):
    return f"tanh({_linear(rng)})"


def _relu(rng):
    slope = rng.choice(["0.01", "0.1", "0.2"])
    return rng.choice([
        f"where(x > 0, x, {slope}*x)", f"where(x > 0, {rng.randint(2, 3)}*x, {slope}*x)",
        "max(0, x)", "relu(x)", f"relu({rng.randint(2, 4)}*x)",
    ])


def _chain_exp(rng):
    return f"exp({_quadratic(rng)})"


def _chain_log(rng):
    return f"log({_poly((rng.randint(1, 3), 2), (rng.randint(-2, 2), 1), (rng.randint(1, 4), 0))})"


def _sigmoid_chain(rng):
    return f"sigmoid({_poly((_nonzero(rng, -3, 3), rng.randint(2, 3)), (rng.randint(-2, 2), 0))})"


def _tanh_chain(rng):
    return f"tanh({_quadratic(rng)})"


def _relu_chain(rng):
    inner = rng.choice([_poly((_nonzero(rng, -3, 3), 1), (_nonzero(rng, -2, 2), 0)),
                        _poly((rng.randint(1, 2), 2), (-rng.randint(1, 3), 0))])
    return f"relu({inner})"


def _product(rng):
    power = _poly((1, rng.randint(1, 3)))
    return f"{power}*{rng.choice(['exp', 'sigmoid', 'tanh'])}({_linear(rng)})"


def _quotient(rng):
    top = rng.choice(["x", f"exp({_linear(rng)})", f"tanh({_linear(rng)})"])
    return f"{top}/({_poly((1, 2), (rng.randint(1, 4), 0))})"


def _nested_chain(rng):
    outer = rng.choice(["sigmoid", "tanh", "exp"])
    middle = rng.choice(["sigmoid", "tanh", "exp"])
    if middle == "exp":  # keep e^(e^u) finite: the middle exponent stays <= 0
        inner = _poly((-rng.randint(1, 2), 2))
    else:
        inner = _quadratic(rng)
    return f"{outer}({middle}({inner}))"


def _product_chain(rng):
    first = rng.choice(["x", "x**2", f"sigmoid({_linear(rng)})", f"exp({_linear(rng)})"])
    second = rng.choice([f"tanh({_quadratic(rng)})", f"sigmoid({_quadratic(rng)})",
                         f"exp({_poly((-rng.randint(1, 2), 2))})"])
    return f"{first}*{second}"


def _softplus_chain(rng):
    return f"log(1 + exp({_quadratic(rng)}))"


def _swish(rng):
    return f"x*sigmoid({rng.randint(1, 3)}*x)" if rng.random() < 0.5 else f"x*tanh({_linear(rng)})"


_FAMILIES: dict[str, tuple[int, Callable[[random.Random], str]]] = {
    "power": (1, _power), "exp": (1, _exp), "log": (1, _log), "sigmoid": (1, _sigmoid),
    "tanh": (1, _tanh), "relu": (1, _relu),
    "chain-exp": (2, _chain_exp), "chain-log": (2, _chain_log), "sigmoid-chain": (2, _sigmoid_chain),
    "tanh-chain": (2, _tanh_chain), "relu-chain": (2, _relu_chain), "product": (2, _product),
    "quotient": (2, _quotient),
    "nested-chain": (3, _nested_chain), "product-chain": (3, _product_chain),
    "softplus-chain": (3, _softplus_chain), "swish": (3, _swish),
}

FAMILIES: tuple[str, ...] = tuple(_FAMILIES)
LEVELS: tuple[int, ...] = tuple(sorted({level for level, _ in _FAMILIES.values()}))


def families(level: int) -> tuple[str, ...]:
    """The families of one level."""
    return tuple(name for name, (lvl, _) in _FAMILIES.items() if lvl == level)


def level_of(family: str) -> int:
    return _FAMILIES[_check_family(family)][0]


def generate(seed: int, level: int = 1, family: str | None = None) -> Drill:
    """The drill of `seed`: same seed, level and family, same drill.

    Without `family`, the seed also picks the family among those of `level`; with it,
    the drill is of that family (and of that family's level, whatever `level` says).
    """
    if family is None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(map(str, LEVELS))}, not {level}")
        rng = random.Random(f"drill:{seed}:{level}")
        family = rng.choice(families(level))
    else:
        _check_family(family)
        rng = random.Random(f"drill:{seed}:{family}")
    family_level, write = _FAMILIES[family]
    function = parse(write(rng)).text()
    return Drill(family=family, level=family_level, seed=seed, function=function,
                 expected=derivative_of(function), prompt=f"d/dx of {parse(function).pretty()}")


def _check_family(family: str) -> str:
    if family not in _FAMILIES:
        raise ValueError(f"unknown drill family {family!r}; the families are {', '.join(FAMILIES)}")
    return family
