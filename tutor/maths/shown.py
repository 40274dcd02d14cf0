"""Numbers as the learner reads them: four significant digits and a Unicode minus, as
lessons print them (the stepper and the chain-rule graph both show numbers this way)."""
from __future__ import annotations


def num(v: float) -> str:
    """Four significant digits, a Unicode minus: −0.4621, 1.573, 2."""
    return f"{v:.4g}".replace("-", "−")


def factor(v: float) -> str:
    """A number inside a product: negative ones in parentheses."""
    return f"({num(v)})" if v < 0 else num(v)
