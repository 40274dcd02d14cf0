"""Check a learner's answer to a quiz: one function for every kind and every front end.

`check_answer(quiz, text)` is what the plain-text `tutor quiz` and the app's quiz
widgets both call, so that an answer is judged the same way everywhere. Typed
math goes to tutor.maths.judge (numeric sampling, never eval); numbers, choices
and predictions are read here.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from tutor.course.model import ChoiceSpec, NumericSpec, PredictSpec, Quiz


@dataclass(frozen=True)
class Verdict:
    """`understood` is False when the text could not be read as an answer at all
    (e.g. a typo in the math): the learner is told why, and it is not an attempt.
    `reading` is typed math as the judge read it, in normal notation (else empty).
    `shows_answer` is True when the feedback gives the right answer away (a wrong
    prediction shows what the engine measured): the quiz then counts as "answer shown"."""

    correct: bool
    feedback: str
    understood: bool = True
    reading: str = ""
    shows_answer: bool = False
    detail: str = ""  # the feedback without a leading verdict word, for front ends with a mark of their own

    def __post_init__(self):
        if not self.detail:
            object.__setattr__(self, "detail", self.feedback)


# Words a verdict's text may start with that only repeat the verdict itself.
_VERDICT_WORDS = ("Correct.", "Correct:", "Right.", "Not yet.", "Not yet:", "Not quite.", "No.")


def verdict_line(verdict: Verdict) -> tuple[str, str]:
    """("✓ Right." or "✗ Not yet.", the detail without a word that repeats it), so
    that no front end shows "✗ Not yet. Not yet." or "✓ Right. Correct."."""
    detail = verdict.detail.strip()
    for word in _VERDICT_WORDS:
        if detail.startswith(word):
            detail = detail[len(word):].lstrip()
            break
    return ("✓ Right." if verdict.correct else "✗ Not yet."), detail


def check_answer(quiz: Quiz, text: str) -> Verdict:
    """Judge `text` as an answer to `quiz`."""
    text = text.strip()
    if not text:
        return Verdict(False, "Type an answer first.", understood=False)
    if quiz.kind == "derivative":
        return _judged(text, quiz.spec.expected, (quiz.spec.variable,), quiz.spec.function,
                       quiz.spec.ranges)
    if quiz.kind == "expression":
        return _judged(text, quiz.spec.expected, quiz.spec.variables, None, quiz.spec.ranges)
    if quiz.kind == "choice":
        return _check_choice(quiz.spec, text)
    if quiz.kind == "numeric":
        return _check_numeric(quiz.spec, text)
    if quiz.kind == "predict":
        return _check_predict(quiz.spec, text)
    raise ValueError(f"unknown quiz kind {quiz.kind!r}")


def _judged(text: str, expected: str, variables: tuple[str, ...], function: str | None,
            ranges) -> Verdict:
    from tutor.maths.judge import judge

    judgement = judge(text, expected, variables=variables, function=function,
                      ranges={name: (low, high) for name, low, high in ranges})
    return Verdict(judgement.correct, judgement.feedback, understood=judgement.attempt,
                   reading=judgement.understood, detail=judgement.detail)


# ----------------------------------------------------------------- choices

def read_choices(text: str, choices: tuple[str, ...]) -> set[int] | str:
    """0-based indices the learner picked ("2", "1, 3", "1 and 3", or a choice's text),
    or a message saying why the text is not a pick. Numbers always mean choice numbers
    (the loader refuses choices whose text is a bare number, which would be ambiguous)."""
    lowered = text.strip().lower()
    parts = [part for part in re.split(r"[,;\s]+|\band\b", lowered) if part]
    if parts and all(part.isdigit() for part in parts):
        picked = {int(part) - 1 for part in parts}
        outside = sorted(n + 1 for n in picked if not 0 <= n < len(choices))
        if outside:
            return f"There is no choice {outside[0]}: the choices are numbered 1 to {len(choices)}."
        return picked
    for index, choice in enumerate(choices):
        if lowered == choice.strip().lower():
            return {index}
    return f"Answer with the number of a choice, 1 to {len(choices)} (several: 1, 3)."


def _check_choice(spec: ChoiceSpec, text: str) -> Verdict:
    picked = read_choices(text, spec.choices)
    if isinstance(picked, str):
        return Verdict(False, picked, understood=False)
    right = spec.answers
    if picked == right:
        names = " and ".join(str(n + 1) for n in sorted(right))
        detail = f"{'Choice' if len(right) == 1 else 'Choices'} {names}."
        return Verdict(True, f"Correct: {detail[0].lower()}{detail[1:]}", detail=detail)
    wrong = sorted(picked - right)
    missing = right - picked
    if wrong:
        names = ", ".join(str(n + 1) for n in wrong)
        return Verdict(False, f"Not {'choice' if len(wrong) == 1 else 'choices'} {names}.")
    return Verdict(False, f"Right so far, but {len(missing)} more {'choice is' if len(missing) == 1 else 'choices are'} "
                          "right too: give all of them.")


# ----------------------------------------------------------------- numbers

NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def read_number(text: str) -> float | None:
    """A decimal number, a fraction like 3/16, or arithmetic on numbers such as
    (9.61 − 9)/0.1 or ¼ (read by the math parser, never evaluated as Python); None otherwise."""
    compact = text.strip().replace("−", "-").replace(" ", "").replace("_", "")
    if NUMBER.match(compact):
        return float(compact)
    if re.match(r"^[+-]?\d+/\d+$", compact):
        numerator, denominator = compact.split("/")
        if int(denominator) != 0:
            return float(Fraction(int(numerator), int(denominator)))
        return None
    return _arithmetic(text)


def _arithmetic(text: str) -> float | None:
    """The value of an expression without variables (e, π and functions allowed), if finite."""
    from tutor.maths.mathparse import ParseError, parse

    try:
        tree = parse(text, ("x",))
    except ParseError:
        return None
    if tree.variables():
        return None
    value = float(tree.evaluate())
    return value if math.isfinite(value) else None


def _check_numeric(spec: NumericSpec, text: str) -> Verdict:
    value = read_number(text)
    if value is None or not math.isfinite(value):
        return Verdict(False, "Type a number, like 0.125, -3.2e-4 or 3/16.", understood=False)
    error = abs(value - spec.expected)
    if error <= spec.tolerance:
        source = "the engine's value" if spec.network is not None else "the exact value"
        return Verdict(True, f"Correct: {source} is {spec.expected:.6g}.",
                       detail=f"{source[0].upper()}{source[1:]} is {spec.expected:.6g}.")
    if spec.expected != 0 and abs(value + spec.expected) <= spec.tolerance:
        return Verdict(False, "The size is right but the sign is wrong.")
    if error <= 5 * spec.tolerance:
        return Verdict(False, "Close, but not within the tolerance: keep four significant digits "
                              "in the intermediate steps.")
    if spec.expected != 0 and value != 0:
        ratio = value / spec.expected
        for factor in (2, 4, 0.5, 0.25):
            if abs(ratio - factor) <= 0.01 * factor:
                return Verdict(False, f"Your answer is {factor:g} times the right one: "
                                      "look for a forgotten or extra factor.")
    detail = f"{value:g} is not within ±{spec.tolerance:.2g} of the right value."
    return Verdict(False, f"Not yet: {detail}", detail=detail)


# ----------------------------------------------------------------- predictions

def read_prediction(text: str, choices: tuple[str, ...]) -> str | None:
    """The choice the learner means: its number, its word, or an unambiguous start of it."""
    lowered = text.strip().lower()
    if lowered.isdigit() and 1 <= int(lowered) <= len(choices):
        return choices[int(lowered) - 1]
    exact = [choice for choice in choices if choice.lower() == lowered]   # "lr 1" among "lr 1", "lr 10"
    if exact:
        return exact[0]
    starts = [choice for choice in choices if choice.startswith(lowered)]
    return starts[0] if len(starts) == 1 else None


def _check_predict(spec: PredictSpec, text: str) -> Verdict:
    from tutor.course.runs import predict_truth

    picked = read_prediction(text, spec.choices)
    if picked is None:
        return Verdict(False, f"Answer with one of: {', '.join(spec.choices)} (or its number).", understood=False)
    truth, measured = predict_truth(spec)
    # What the engine measured is the lesson of a predict quiz, so a wrong
    # prediction is shown it; with two or three choices any "no" gives the answer
    # away anyway. So a wrong prediction counts as "answer shown" (shows_answer):
    # retyping it does not solve the quiz, a fresh seed (tutor.course.variants) can.
    if picked == truth:
        return Verdict(True, measured)
    return Verdict(False, measured, shows_answer=True)
