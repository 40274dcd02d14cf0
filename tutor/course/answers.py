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

from tutor.course.choices import letters, read_choices
from tutor.course.model import ChoiceSpec, Mistake, NumericSpec, PredictSpec, Quiz

__all__ = ["Verdict", "check_answer", "matching_mistake", "read_choices", "read_number", "read_prediction", "verdict_line"]


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
    verdict = _check(quiz, text)
    if verdict.correct or not verdict.understood or not quiz.mistakes:
        return verdict
    mistake = matching_mistake(quiz, text)
    return verdict if mistake is None else _named_mistake(quiz, text, verdict, mistake)


def _check(quiz: Quiz, text: str) -> Verdict:
    """check_answer without the author's mistakes."""
    if quiz.kind in ("derivative", "expression"):
        return _judged(text, quiz.spec.expected, *_math_settings(quiz))
    if quiz.kind == "choice":
        return _check_choice(quiz.spec, text)
    if quiz.kind == "numeric":
        return _check_numeric(quiz.spec, text)
    if quiz.kind == "predict":
        return _check_predict(quiz.spec, text)
    raise ValueError(f"unknown quiz kind {quiz.kind!r}")


# ----------------------------------------------------------------- the author's mistakes

def matching_mistake(quiz: Quiz, text: str) -> Mistake | None:
    """The first of the quiz's expected mistakes that `text` equals, judged as the quiz
    judges: typed math by sampling, a number within the mistake's tolerance, a choice
    by the choices picked."""
    for mistake in quiz.mistakes:
        if quiz.kind in ("derivative", "expression"):
            try:
                same = _judged(text, mistake.answer, *_math_settings(quiz)).correct
            except ValueError:  # the mistake is undefined where the judge samples: check-lessons says so
                same = False
        elif quiz.kind == "numeric":
            value = read_number(text)
            same = value is not None and mistake.value is not None and abs(value - mistake.value) <= mistake.tolerance
        elif quiz.kind == "choice":
            same = read_choices(text, quiz.spec.choices) == set(mistake.picks)
        else:
            same = False
        if same:
            return mistake
    return None


def _named_mistake(quiz: Quiz, text: str, verdict: Verdict, mistake: Mistake) -> Verdict:
    """The verdict with the author's feedback in place of the generic diagnosis."""
    if verdict.reading:
        detail = f"Read as: {verdict.reading}. {mistake.feedback}"
    elif quiz.kind == "choice":
        picked = read_choices(text, quiz.spec.choices)
        detail = f"Not {'choice' if len(picked) == 1 else 'choices'} {letters(picked)}. {mistake.feedback}"
    else:
        detail = mistake.feedback
    return Verdict(False, f"Not yet: {detail}", reading=verdict.reading, detail=detail)


def _math_settings(quiz: Quiz):
    """(variables, function, ranges) of a derivative or expression quiz, as _judged takes them."""
    spec = quiz.spec
    if quiz.kind == "derivative":
        return (spec.variable,), spec.function, spec.ranges
    return spec.variables, None, spec.ranges


def _judged(text: str, expected: str, variables: tuple[str, ...], function: str | None,
            ranges) -> Verdict:
    from tutor.maths.judge import judge

    judgement = judge(text, expected, variables=variables, function=function,
                      ranges={name: (low, high) for name, low, high in ranges})
    return Verdict(judgement.correct, judgement.feedback, understood=judgement.attempt,
                   reading=judgement.understood, detail=judgement.detail)


# ----------------------------------------------------------------- choices

def _check_choice(spec: ChoiceSpec, text: str) -> Verdict:
    picked = read_choices(text, spec.choices)
    if isinstance(picked, str):
        return Verdict(False, picked, understood=False)
    right = spec.answers
    if picked == right:
        detail = f"{'Choice' if len(right) == 1 else 'Choices'} {letters(right)}."
        return Verdict(True, f"Correct: {detail[0].lower()}{detail[1:]}", detail=detail)
    wrong = picked - right
    missing = right - picked
    if wrong:
        return Verdict(False, f"Not {'choice' if len(wrong) == 1 else 'choices'} {letters(wrong)}.")
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

def read_prediction(text: str, choices: tuple[str, ...], values: tuple = ()) -> str | None:
    """The choice the learner means: its number, its word, or an unambiguous start of it.

    Choices that are numbers (`values`: a list comparison's learning rates, "lr 0.2")
    are lettered instead, as a choice quiz's: a typed number is then a learning rate,
    never a position ("2" is lr 2, not the second choice)."""
    lowered = text.strip().lower()
    if numbered(values):
        return _read_valued_prediction(text, choices, values)
    if lowered.isdigit() and 1 <= int(lowered) <= len(choices):
        return choices[int(lowered) - 1]
    exact = [choice for choice in choices if choice.lower() == lowered]   # "lr 1" among "lr 1", "lr 10"
    if exact:
        return exact[0]
    starts = [choice for choice in choices if choice.startswith(lowered)]
    return starts[0] if len(starts) == 1 else None


def numbered(values: tuple) -> bool:
    """Whether a prediction's choices are numbers (learning rates), read as values."""
    return bool(values) and all(isinstance(value, (int, float)) for value in values)


def _read_valued_prediction(text: str, choices: tuple[str, ...], values: tuple) -> str | None:
    """A letter, a choice's text ("lr 0.2") or a value exactly one choice has ("0.2")."""
    from tutor.course.choices import _same_value, read_choices

    value = read_number(text)
    if value is not None:
        stating = [choice for choice, stated in zip(choices, values) if _same_value(stated, value)]
        return stating[0] if len(stating) == 1 else None
    picks = read_choices(text, choices)
    return choices[min(picks)] if isinstance(picks, set) and len(picks) == 1 else None


def _check_predict(spec: PredictSpec, text: str) -> Verdict:
    from tutor.course.runs import predict_truth

    picked = read_prediction(text, spec.choices, spec.values)
    if picked is None:
        how = "its letter or the learning rate" if numbered(spec.values) else "its number"
        return Verdict(False, f"Answer with one of: {', '.join(spec.choices)} (or {how}).", understood=False)
    truth, measured = predict_truth(spec)
    # What the engine measured is the lesson of a predict quiz, so a wrong
    # prediction is shown it; with two or three choices any "no" gives the answer
    # away anyway. So a wrong prediction counts as "answer shown" (shows_answer):
    # retyping it does not solve the quiz, a fresh seed (tutor.course.variants) can.
    if picked == truth:
        return Verdict(True, measured)
    return Verdict(False, measured, shows_answer=True)
