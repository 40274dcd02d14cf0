"""The name a typo meant: the one rule behind every "did you mean" in nn-tutor.

The engine's messages (an unknown activation, dataset or setting) and the tutor's
(a lesson's field, a quiz kind, a command-line option, a name in a typed answer)
all ask `closest`; the usual parenthesised hint is `did_you_mean`.
"""
from __future__ import annotations

import difflib
from typing import Iterable

LONGEST_NAME = 40  # no name is longer; difflib's time grows with the word's length


def closest(word: object, names: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to `n` of `names` most like `word` (difflib's similarity at least `cutoff`), best first."""
    if not isinstance(word, str) or len(word) > LONGEST_NAME:
        return []
    return difflib.get_close_matches(word, list(names), n=n, cutoff=cutoff)


def did_you_mean(word: object, names: Iterable[str], cutoff: float = 0.6, quote: str = "'") -> str:
    """' (did you mean 'tanh'?)' for the name closest to `word`, or "" if none is close."""
    found = closest(word, names, cutoff=cutoff)
    return f" (did you mean {quote}{found[0]}{quote}?)" if found else ""
