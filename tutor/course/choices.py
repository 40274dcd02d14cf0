"""Choices are labelled with letters: a typed number is a value, never a choice's index.

A choice quiz whose choices differ by a number ("relu′(0) = 0", "relu′(0) = 1") used
to read a typed `1` as "choice 1", so a learner who thought relu′(0) = 1 got the
verdict for relu′(0) = 0. Now the learner picks `b` (or `b, d` when several are
right), types a choice's text, or types a value that exactly one choice states
("relu′(0) = 1" states 1; "4 times smaller" states 4; "¼" states 0.25).
"""
from __future__ import annotations

import re
import string

LETTERS = string.ascii_lowercase  # at most 26 choices (the loader refuses more)

# Words between picks: "a, c", "a and c", "a c", "(a) (c)".
_SEPARATORS = re.compile(r"[,;\s]+|\band\b")
_LEADING_NUMBER = re.compile(r"^\s*([+\-−]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s+[^\W\d]")


def letter(index: int) -> str:
    """The label of the choice at 0-based `index`: 0 -> "a"."""
    return LETTERS[index]


def letters(indices) -> str:
    """"a", "a and c", "a, b and d": 0-based indices as their letters, in order."""
    names = [letter(n) for n in sorted(indices)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def labelled(choices: tuple[str, ...]) -> list[str]:
    """["a. relu′(0) = 0", "b. relu′(0) = 1", ...]."""
    return [f"{letter(n)}. {choice}" for n, choice in enumerate(choices)]


def choice_value(choice: str) -> float | None:
    """The number a choice states, if any: what follows its last "=" ("relu′(0) = ½": 0.5),
    the whole text ("0.25", "¼"), or a leading number before a word ("4 times smaller": 4)."""
    from tutor.course.answers import read_number

    text = choice.split("=")[-1].strip() if "=" in choice else choice.strip()
    if not text:
        return None
    value = read_number(text)
    if value is None and "=" not in choice and (lead := _LEADING_NUMBER.match(text)):
        value = read_number(lead[1])
    return value


def _letter_picks(text: str) -> list[str] | None:
    """The letters in "a", "b, d", "(a) and (c)", "B."; None if some part is no single letter."""
    parts = [part.strip("().") for part in _SEPARATORS.split(text) if part and part.strip("().")]
    if parts and all(len(part) == 1 and part in LETTERS for part in parts):
        return parts
    return None


def read_choices(text: str, choices: tuple[str, ...]) -> set[int] | str:
    """0-based indices the learner picked, or a message saying why the text is not a pick.

    Read in this order: letters ("b", "a, c", "a and c"); a choice's whole text; a value
    that exactly one choice states ("1" for "relu′(0) = 1"). A number alone is never an index.
    """
    lowered = text.strip().lower()
    last = letter(len(choices) - 1)
    picks = _letter_picks(lowered)
    if picks is not None:
        outside = [pick for pick in picks if LETTERS.index(pick) >= len(choices)]
        if outside:
            return f"There is no choice {outside[0]}: the choices are a to {last}."
        return {LETTERS.index(pick) for pick in picks}
    for index, choice in enumerate(choices):
        if lowered == choice.strip().lower():
            return {index}
    from tutor.course.answers import read_number

    parts = [part for part in _SEPARATORS.split(lowered) if part]
    value = read_number(text) if len(parts) == 1 else None  # "1 3" is no value
    if value is not None:
        stating = [n for n, choice in enumerate(choices) if _same_value(choice_value(choice), value)]
        if len(stating) == 1:
            return set(stating)
        if stating:
            return f"{text.strip()} is the value of choices {letters(stating)}: answer with a letter."
        return f"There is no choice with the value {text.strip()}: answer with a letter, a to {last}."
    return f"Answer with the letter of a choice, a to {last} (several: a, c)."


def _same_value(stated: float | None, typed: float) -> bool:
    return stated is not None and abs(stated - typed) <= 1e-9 * max(1.0, abs(stated))


def read_author_answer(value, count: int) -> set[int] | str:
    """The 0-based choices, of `count`, that a lesson's `answer` (or a mistake's) names: a
    letter ("b"), a number from 1 (2), or a list of either; else what is wrong with it."""
    items = value if isinstance(value, list) else [value]
    picks = set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            return "must be a choice's letter (\"b\") or its number from 1, or a list of them"
        if isinstance(item, str) and not (len(item.strip()) == 1 and item.strip().lower() in LETTERS):
            return f'"{item}" is not a choice\'s letter (write "b" for the second choice)'
        index = item - 1 if isinstance(item, int) else LETTERS.index(item.strip().lower())
        if not 0 <= index < count:
            written = item if isinstance(item, int) else f'"{item}"'
            return (f"{written} is out of range: there are {count} choices, a to {letter(count - 1)} "
                    f"(or 1 to {count})")
        picks.add(index)
    if not items:
        return "names no choice"
    if len(picks) != len(items):
        return "lists the same choice twice"
    return picks
