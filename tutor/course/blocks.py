"""Turn one fenced block of a lesson (TOML text) into a Quiz, LabBlock, CompareBlock, EngineBlock,
StepperBlock or GraphBlock.

Every check an author needs happens here, and each failure is reported with the
line of the lesson file it concerns: TOML syntax, unknown or missing fields, an
unknown quiz kind, an expected answer that does not parse or is not the
derivative it claims to be, a choice out of range, a lab configuration the engine
refuses, a compare block's list value the engine refuses (or a comparison too big), an engine function that does not exist, a network of the wrong shape,
an exercise block naming no exercise,
and a predict quiz whose stated answer is not what the engine does.

A block with any problem is left out of the lesson; the rest of the lesson loads.
"""
from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from enum import IntEnum
from numbers import Real
from pathlib import Path

from tutor.course.choices import LETTERS, letter, read_author_answer
from tutor.course.engine_source import EngineLookupError, engine_source
from tutor.course.lessonfile import RawBlock
from tutor.course.model import (
    PREDICT_COMPARISONS, PREDICT_MEASURES, PREDICT_OUTCOMES, ChoiceSpec, CompareBlock, DerivativeSpec,
    EngineBlock, ExerciseBlock, ExpressionSpec, GradcheckBlock, GraphBlock, LabBlock, Mistake, NumericSpec,
    PredictSpec, Quiz, StepperBlock,
)
from tutor.course.network_spec import SpecError, evaluate, parse_network, parse_quantity

QUIZ_KINDS = ("derivative", "expression", "choice", "numeric", "predict")

COMMON_QUIZ_FIELDS = ("id", "kind", "prompt", "hints", "explanation")
QUIZ_FIELDS = {
    "derivative": ("function", "expected", "variable", "ranges", "mistakes"),
    "expression": ("expected", "variables", "ranges", "mistakes"),
    "choice": ("choices", "answer", "mistakes"),
    "numeric": ("expected", "tolerance", "engine", "quantity", "mistakes"),
    "predict": ("question", "lab", "compare", "choices", "answer", "target_loss", "measure"),
}

# A numeric answer passes within 1% of the key (plus a hair for keys that are 0),
# unless the quiz sets `tolerance` (absolute).
RELATIVE_TOLERANCE = 0.01
ABSOLUTE_TOLERANCE = 1e-9

# A predict quiz trains its run(s) while the learner waits for the verdict (and
# check-lessons trains every one): a bound on epochs, and on the work of a run,
# parameters × samples × epochs. 10^9 took 1.7 s here (2-512-512-1 on a busy 2-core
# machine); [2,2048,2048,2048,1] on 200 samples for 10,000 epochs would be 1.7·10^13.
PREDICT_MAX_EPOCHS = 10_000
PREDICT_MAX_WORK = 10**9

# What a lab block may ask the Lab to chart: EpochRecord's series, and the decision boundary.
LAB_CHARTS = ("loss", "accuracy", "weight_norms", "delta_means", "gradient_norms", "tracked", "lr",
              "sharpness", "decision_boundary")
LAB_EXTRA_FIELDS = ("title", "charts")

# A compare block: the base run's fields (as a lab block's), what to vary, and how to show it.
COMPARE_LISTS = {"activations": "activation", "lrs": "lr", "seeds": "seed"}   # list -> the setting it varies
COMPARE_EXTRA_FIELDS = ("title", "by", "target_loss") + tuple(COMPARE_LISTS)
# A compare block trains its runs when the learner opens it (live, and stoppable), so its
# bound is higher than a predict quiz's: runs × parameters × samples × epochs at most 10^10
# (the 60-run example of xor 2-4-1 over 10,000 epochs is 2·10^9, counting 200 samples).
COMPARE_MAX_WORK = 10**10

ENGINE_FIELDS = ("function", "title")
# A stepper block: a network with every weight given (the [engine] table of a numeric
# quiz), the learning rate of its update, the optimizer whose first step the update shows,
# and the kinds of step that ask the learner first.
STEPPER_FIELDS = ("title", "lr", "optimizer", "predict", "engine")
STEP_KINDS = ("z", "a", "loss", "bp1", "bp2", "bp3", "bp4", "update")
# A graph block: an expression in the judge's syntax, its variables' values (an inline table),
# and the subexpressions whose gradient the learner types first.
GRAPH_FIELDS = ("title", "expression", "values", "predict")
# An exercise block: which build-it-yourself exercise (tutor.exercises.NAMES) it opens.
EXERCISE_FIELDS = ("name", "title")

# A gradcheck block: the settings that make a network and its data (the check runs at the
# initial weights, so no training settings), and a broken derivative to show beside it.
# Centered differences cost 2 forward passes per parameter: parameters² × samples at most 10^8.
GRADCHECK_RUN_FIELDS = ("dataset", "layers", "activation", "output", "loss", "init", "seed", "noise",
                        "samples", "test_share", "features")
GRADCHECK_EXTRA_FIELDS = ("title", "broken")
GRADCHECK_MAX_WORK = 10**8

Problems = list[tuple[int, str]]


class BlockLines:
    """Find the line of the lesson file on which a block's key is written."""

    HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")

    def __init__(self, raw: RawBlock):
        self.raw = raw
        self.lines = raw.body.splitlines()

    def of(self, key: str | None, table: str | None = None) -> int:
        """Line of `key = ...` (inside `[table]` if given); the table's or block's line if not found."""
        current, table_line = None, None
        for offset, text in enumerate(self.lines):
            line = self.raw.line + 1 + offset
            header = self.HEADER.match(text)
            if header:
                current = header[1]
                if current == table:
                    table_line = line
                continue
            if key is None or current != table:
                continue
            if re.match(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=', text):
                return line
        if table_line is not None:
            return table_line
        if table is not None:
            return self.of(table)  # an inline table: `lab = { ... }`
        return self.raw.line


def parse_toml(text: str, line_before: int, label: str, problems: Problems) -> dict | None:
    """`text` parsed as TOML, or None with a problem on the file's line.

    `line_before` is the file line just before the text's first line. A control
    character written as a TOML escape ("\\u001b") is reported and shown as a symbol.
    """
    try:
        table = tomllib.loads(text)
        shown = _visible_strings(table)
        if shown != table:
            problems.append((line_before + 1, f"{label}: a string holds a control character "
                                              "(written as an escape like \\u001b); remove it"))
        return shown
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if where:
            line = line_before + int(where[1])
            message = message[:where.start()].rstrip() + f" (column {where[2]})"
        else:
            line = line_before + max(1, len(text.splitlines()))
            message = re.sub(r"\s*\(at end of document\)", " at the end", message)
        problems.append((line, f"{label}: TOML syntax error: {message}"))
        return None


def _visible_strings(value):
    """`value` (parsed TOML) with control characters in its strings made visible."""
    from tutor.visible import visible

    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {_visible_strings(key): _visible_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible_strings(item) for item in value]
    return value


class Depth(IntEnum):
    """How much the loader checks. QUICK: syntax, fields and references (the app's
    start-up); MATH: also each derivative quiz's answer with SymPy, and each lab's data
    (the default); RUNS: also trains predict quizzes' networks (`tutor check-lessons`)."""

    QUICK = 0
    MATH = 1
    RUNS = 2


def build_block(raw: RawBlock, lesson_id: str, quiz_number: int, depth: Depth = Depth.MATH,
                folder: Path | None = None):
    """(block or None, problems) for one fenced block; `quiz_number` counts quizzes from 1.

    `folder` is the lessons folder: a run's data file must lie inside it (None: no data files).
    """
    problems: Problems = []
    table = parse_toml(raw.body, raw.line, raw.kind, problems)
    if table is None:
        return None, problems
    lines = BlockLines(raw)
    if raw.kind == "quiz":
        block = _build_quiz(table, lines, problems, lesson_id, quiz_number, depth, folder)
    elif raw.kind == "lab":
        block = _build_lab(table, lines, problems, depth, folder)
    elif raw.kind == "compare":
        block = _build_compare(table, lines, problems, depth, folder)
    elif raw.kind == "stepper":
        block = _build_stepper(table, lines, problems)
    elif raw.kind == "graph":
        block = _build_graph(table, lines, problems)
    elif raw.kind == "gradcheck":
        block = _build_gradcheck(table, lines, problems, depth, folder)
    elif raw.kind == "exercise":
        block = _build_exercise(table, lines, problems)
    else:
        block = _build_engine(table, lines, problems)
    return (block if not problems else None), problems


# ----------------------------------------------------------------- field readers

class _Fields:
    """Read typed fields of one block, reporting wrong types at the field's line."""

    def __init__(self, kind: str, table: dict, lines: BlockLines, problems: Problems, folder: Path | None = None):
        self.kind, self.table, self.lines, self.problems = kind, table, lines, problems
        self.folder = folder  # the lessons folder, where a run's data file must be

    def report(self, key: str | None, message: str, table: str | None = None) -> None:
        """A problem on the line of `key` (in `[table]` if given; the table's header if key is None)."""
        self.problems.append((self.lines.of(key, table), f"{self.kind}: {message}"))

    def unknown(self, allowed, what: str) -> None:
        from engine.names import did_you_mean

        for key in self.table:
            if key not in allowed:
                hint = did_you_mean(key, allowed, quote='"')
                self.report(key, f'unknown field "{key}" for {what}{hint}')

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.table.get(key)
        if value is None:
            if required:
                self.report(None, f'missing field "{key}"')
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.report(key, f'"{key}" must be a non-empty string')
            return default
        return value

    def texts(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.table.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.report(key, f'"{key}" must be a list of strings, like ["...", "..."]')
            return default
        return tuple(value)

    def number(self, key: str) -> float | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            self.report(key, f'"{key}" must be a finite number, got {value!r}')
            return None
        return float(value)

    def subtable(self, key: str, required: bool = False) -> dict | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.report(None, f'missing table [{key}]')
            return None
        if not isinstance(value, dict):
            self.report(key, f'"{key}" must be a table: write [{key}] and its fields below it')
            return None
        return value


# ----------------------------------------------------------------- quizzes

def _build_quiz(table, lines, problems, lesson_id, number, depth, folder=None) -> Quiz | None:
    fields = _Fields("quiz", table, lines, problems, folder)
    kind = table.get("kind")
    if kind is None:
        fields.report(None, f'missing field "kind" (one of {", ".join(QUIZ_KINDS)})')
        return None
    if kind not in QUIZ_KINDS:
        from engine.names import did_you_mean

        hint = did_you_mean(str(kind), QUIZ_KINDS, quote='"')
        fields.report("kind", f'unknown kind "{kind}"{hint}; '
                              f'choose from {", ".join(QUIZ_KINDS)}')
        return None
    fields.unknown(COMMON_QUIZ_FIELDS + QUIZ_FIELDS[kind], f'kind "{kind}"')
    quiz_id = fields.text("id", default=f"{lesson_id}-q{number}")
    prompt = fields.text("prompt", required=True)
    explanation = fields.text("explanation", required=True)
    hints = fields.texts("hints")
    spec = SPEC_BUILDERS[kind](fields, depth)
    if spec is None:
        return None
    quiz = Quiz(id=quiz_id, lesson_id=lesson_id, kind=kind, prompt=prompt.strip(), spec=spec,
                hints=hints, explanation=explanation.strip(), line=lines.raw.line)
    mistakes = _mistakes(fields, quiz, depth)
    return None if mistakes is None else dataclasses.replace(quiz, mistakes=mistakes)


MISTAKE_FIELDS = ("answer", "feedback")
MISTAKE_EXAMPLE = 'mistakes = [{answer = "cos(x^2)", feedback = "..."}]'


def _mistakes(fields: _Fields, quiz: Quiz, depth: Depth) -> tuple[Mistake, ...] | None:
    """The quiz's expected mistakes, each judged as the quiz judges answers; None (reported)
    if one is malformed, unreadable or equal to the right answer."""
    entries = fields.table.get("mistakes", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        fields.report("mistakes", f'"mistakes" must be a list of tables, like {MISTAKE_EXAMPLE}')
        return None
    mistakes = []
    for entry in entries:
        unknown = [key for key in entry if key not in MISTAKE_FIELDS]
        answer, feedback = entry.get("answer"), entry.get("feedback")
        if unknown or not isinstance(feedback, str) or not feedback.strip() or answer is None:
            what = f'unknown field "{unknown[0]}"' if unknown else 'each needs "answer" and a non-empty "feedback"'
            fields.report("mistakes", f"mistakes: {what}, like {MISTAKE_EXAMPLE}")
            return None
        mistake = _mistake(fields, quiz, answer, feedback.strip())
        if mistake is None:
            return None
        if depth >= Depth.MATH or quiz.kind in ("numeric", "choice"):
            from tutor.course.answers import check_answer

            try:
                right = check_answer(quiz, mistake.answer)  # the quiz has no mistakes yet: the plain judge
            except ValueError as error:
                fields.report("mistakes", f'mistake "{mistake.answer}" cannot be judged: {error}')
                return None
            if right.correct:
                fields.report("mistakes", f'mistake "{mistake.answer}" equals the right answer; '
                                          'a mistake must be wrong')
                return None
        mistakes.append(mistake)
    return tuple(mistakes)


def _mistake(fields: _Fields, quiz: Quiz, answer, feedback: str) -> Mistake | None:
    """One mistake, its answer read the way the quiz reads an answer."""
    if quiz.kind == "choice":
        picks = _picks(fields, "mistakes", answer, len(quiz.spec.choices))
        if picks is None:
            return None
        return Mistake(answer=", ".join(letter(n) for n in sorted(picks)), feedback=feedback,
                       picks=frozenset(picks))
    if quiz.kind == "numeric":
        from tutor.course.answers import read_number

        value = answer if isinstance(answer, Real) and not isinstance(answer, bool) else (
            read_number(answer) if isinstance(answer, str) else None)
        if value is None or not math.isfinite(value):
            fields.report("mistakes", f"mistakes: the answer of a numeric quiz's mistake must be a number, "
                                      f"got {answer!r}")
            return None
        tolerance = _tolerance(float(value), fields.number("tolerance"))
        return Mistake(answer=f"{value:.15g}", feedback=feedback, value=float(value), tolerance=tolerance)
    variables = (quiz.spec.variable,) if quiz.kind == "derivative" else quiz.spec.variables
    if not isinstance(answer, str) or not _parses(fields, "mistakes", answer, variables):
        if not isinstance(answer, str):
            fields.report("mistakes", f"mistakes: the answer must be typed math in quotes, got {answer!r}")
        return None
    return Mistake(answer=answer, feedback=feedback)


def _parses(fields: _Fields, key: str, text: str, variables: tuple[str, ...]) -> bool:
    from tutor.maths.mathparse import ParseError, parse

    try:
        parse(text, variables)
    except ParseError as error:
        fields.report(key, f'{key} "{text}" does not parse: {error}')
        return False
    return True


def _derivative_spec(fields: _Fields, depth: Depth) -> DerivativeSpec | None:
    variable = fields.text("variable", default="x")
    if not variable.isidentifier():
        fields.report("variable", f'variable "{variable}" must be a name like x or z')
        return None
    function = fields.text("function", required=True)
    if not function or not _parses(fields, "function", function, (variable,)):
        return None
    expected = fields.text("expected")
    if expected and not _parses(fields, "expected", expected, (variable,)):
        return None
    ranges = _ranges(fields, (variable,))
    if ranges is None:
        return None
    if depth < Depth.MATH:  # checked by check-lessons; the app's start-up skips SymPy
        return DerivativeSpec(function=function, given=expected, variable=variable, ranges=ranges)
    from tutor.maths.judge import derivative_of, is_derivative

    try:
        true_derivative = derivative_of(function, variable)
    except ValueError as error:
        fields.report("function", f'cannot differentiate "{function}": {error}')
        return None
    if not expected:
        return DerivativeSpec(function=function, given=true_derivative, variable=variable, ranges=ranges)
    if not is_derivative(function, expected, variable):
        fields.report("expected", f'expected "{expected}" is not the derivative of "{function}" '
                                  f'with respect to {variable} (it is {true_derivative})')
        return None
    return DerivativeSpec(function=function, given=expected, variable=variable, ranges=ranges)


def _expression_spec(fields: _Fields, depth: Depth) -> ExpressionSpec | None:
    variables = fields.texts("variables", default=("x",))
    bad = [name for name in variables if not name.isidentifier()]
    if bad:
        fields.report("variables", f'variable "{bad[0]}" must be a name like x or z')
        return None
    expected = fields.text("expected", required=True)
    if not expected or not _parses(fields, "expected", expected, variables):
        return None
    ranges = _ranges(fields, variables)
    if ranges is None:
        return None
    return ExpressionSpec(expected=expected, variables=variables, ranges=ranges)


def _ranges(fields: _Fields, variables: tuple[str, ...]) -> tuple[tuple[str, float, float], ...] | None:
    """`ranges = { a = [0, 1] }`: the open interval each named variable is sampled in."""
    table = fields.table.get("ranges")
    if table is None:
        return ()
    example = f'ranges = {{ {variables[0]} = [0, 1] }}'
    if not isinstance(table, dict):
        fields.report("ranges", f'"ranges" must be a table of [low, high] pairs, like {example}')
        return None
    ranges = []
    for name, pair in table.items():
        if name not in variables:
            fields.report("ranges", f'ranges: "{name}" is not a variable of this quiz '
                                    f'({", ".join(variables)})')
            return None
        numbers = pair if isinstance(pair, list) else []
        if len(numbers) != 2 or not all(isinstance(v, Real) and not isinstance(v, bool)
                                        and math.isfinite(v) for v in numbers) or not numbers[0] < numbers[1]:
            fields.report("ranges", f'ranges: {name} must be [low, high] with low < high, like {example}')
            return None
        ranges.append((name, float(numbers[0]), float(numbers[1])))
    return tuple(ranges)


def _choice_spec(fields: _Fields, depth: Depth) -> ChoiceSpec | None:
    choices = fields.texts("choices")
    if len(choices) < 2:
        fields.report("choices" if "choices" in fields.table else None,
                      'a choice quiz needs "choices" with at least two strings')
        return None
    if len(choices) > len(LETTERS):
        fields.report("choices", f"a choice quiz has at most {len(LETTERS)} choices (a to z), not {len(choices)}")
        return None
    # A choice "b" is fine as the second choice; elsewhere the letter would name another choice.
    labels = LETTERS[:len(choices)]
    lettered = [choice for n, choice in enumerate(choices)
                if len(choice.strip()) == 1 and choice.strip().lower() in labels and choice.strip().lower() != letter(n)]
    if lettered:
        fields.report("choices", f'choice "{lettered[0]}" is a single letter, which reads like the label '
                                 f'of another choice (a, b, ...): write it with words')
        return None
    answer = fields.table.get("answer")
    if answer is None:
        fields.report(None, 'missing field "answer": the letter of the right choice ("b"), or its number '
                            'from 1 (a list when several are right)')
        return None
    picks = _picks(fields, "answer", answer, len(choices))
    if picks is None:
        return None
    return ChoiceSpec(choices=choices, answers=frozenset(picks))


def _picks(fields: _Fields, key: str, value, count: int) -> set[int] | None:
    """The 0-based choices that a letter ("b"), a number from 1 (2) or a list of them names."""
    picks = read_author_answer(value, count)
    if isinstance(picks, str):
        fields.report(key, f"{key} {picks}")
        return None
    return picks


def _numeric_spec(fields: _Fields, depth: Depth) -> NumericSpec | None:
    expected = fields.number("expected")
    tolerance = fields.number("tolerance")
    if tolerance is not None and tolerance <= 0:
        fields.report("tolerance", "tolerance must be positive")
        return None
    network_table = fields.subtable("engine")
    quantity = fields.text("quantity")
    if network_table is None:
        if "expected" not in fields.table:
            fields.report(None, 'a numeric quiz needs "expected" (a number) or an [engine] table and "quantity"')
            return None
        if expected is None:
            return None
        if quantity:
            fields.report("quantity", '"quantity" needs an [engine] table describing the network')
            return None
        return NumericSpec(expected=expected, tolerance=_tolerance(expected, tolerance))
    if "expected" in fields.table:
        fields.report("expected", 'give "expected" or an [engine] table, not both: the engine computes the answer')
        return None
    if not quantity:
        fields.report(None, 'missing field "quantity" (e.g. "output", "delta[1][0]", "grad_w[2][0][0]")')
        return None
    try:
        network = parse_network(network_table)
        parse_quantity(quantity, network)
        value = evaluate(network, quantity)
    except SpecError as error:
        if error.key == "quantity":
            fields.report("quantity", str(error))
        else:  # a field of [engine], or "engine" for the table as a whole
            fields.report(None if error.key == "engine" else error.key, f"[engine] {error}", table="engine")
        return None
    except ValueError as error:  # anything else the engine refuses in this network
        fields.report(None, f"[engine] {error}", table="engine")
        return None
    if not math.isfinite(value):
        fields.report("quantity", f'the engine computes {quantity} = {value}; choose weights that keep it finite')
        return None
    return NumericSpec(expected=value, tolerance=_tolerance(value, tolerance), network=network, quantity=quantity)


def _tolerance(expected: float, tolerance: float | None) -> float:
    if tolerance is not None:
        return tolerance
    return RELATIVE_TOLERANCE * abs(expected) + ABSOLUTE_TOLERANCE


def _predict_spec(fields: _Fields, depth: Depth) -> PredictSpec | None:
    question = fields.text("question", default="outcome")
    if question not in ("outcome", "compare"):
        fields.report("question", f'question "{question}" must be "outcome" or "compare"')
        return None
    target_loss = fields.number("target_loss")
    if target_loss is not None and target_loss <= 0:
        fields.report("target_loss", "target_loss must be positive")
        return None
    lab = _in_lesson_folder(fields, fields.subtable("lab", required=True), "lab")
    run = _valid_run(fields, lab, "lab", depth) if lab is not None else None
    if run is None:
        return None
    compare = _in_lesson_folder(fields, fields.subtable("compare", required=(question == "compare")), "compare")
    if question == "outcome" and compare is not None:
        fields.report(None, '[compare] needs question = "compare"', table="compare")
        return None
    if compare is not None and any(key in compare for key in PREDICT_LISTS):
        return _list_comparison(fields, run, compare, target_loss, depth)
    if "measure" in fields.table:
        fields.report("measure", '"measure" needs a [compare] table with a list: activations = [...] or lrs = [...]')
        return None
    compared_run = None
    if compare is not None:
        if not compare:
            fields.report(None, "[compare] must change at least one setting of [lab]", table="compare")
            return None
        compared_run = _valid_run(fields, {**lab, **compare}, "compare", depth)
        if compared_run is None:
            return None
        if compared_run.loss != run.loss:
            fields.report("loss", "[compare] changes the loss: losses of different kinds are not comparable",
                          table="compare")
            return None

    allowed = PREDICT_OUTCOMES if question == "outcome" else PREDICT_COMPARISONS
    default = PREDICT_COMPARISONS if question == "compare" else (
        PREDICT_OUTCOMES if target_loss is not None else ("converges", "diverges"))
    choices = fields.texts("choices", default=default)
    for choice in choices:
        if choice not in allowed:
            fields.report("choices", f'choice "{choice}" is not one of {", ".join(allowed)}')
            return None
    if "stalls" in choices and target_loss is None:
        fields.report("choices", '"stalls" needs target_loss: the loss a converged run reaches')
        return None
    return _verified(fields, PredictSpec(question=question, lab=run, choices=choices, compare=compared_run,
                                         target_loss=target_loss, author_answer=fields.text("answer") or None),
                     depth)


def _verified(fields: _Fields, spec: PredictSpec, depth: Depth) -> PredictSpec | None:
    """The spec, or None with a problem: the author's answer must be one of the choices
    and, when check-lessons trains the runs (RUNS), the engine's answer: a single one,
    among the choices."""
    if spec.author_answer is not None and spec.author_answer not in spec.choices:
        fields.report("answer", f'answer "{spec.author_answer}" is not among the choices ({", ".join(spec.choices)})')
        return None
    if depth < Depth.RUNS:
        return spec
    from tutor.course.runs import predict_truth

    truth, measured = predict_truth(spec)
    if truth is None:
        fields.report("measure", f"the engine finds no single answer. {measured}")
        return None
    if truth not in spec.choices:
        fields.report("choices", f'the engine\'s answer "{truth}" is not among the choices. {measured}')
        return None
    if spec.author_answer is not None and spec.author_answer != truth:
        fields.report("answer", f'the answer "{spec.author_answer}" disagrees with the engine. {measured}')
        return None
    return spec


# The lists a predict quiz's [compare] may give (-> the setting each varies).
PREDICT_LISTS = {"activations": "activation", "lrs": "lr"}


def _list_comparison(fields: _Fields, run, compare: dict, target_loss, depth: Depth) -> PredictSpec | None:
    """A predict quiz whose [compare] gives a list (activations or lrs): which value wins
    by its `measure`? The choices are the list's values; check-lessons trains the runs."""
    from engine.compare import ComparisonError, parse_list
    from engine.names import did_you_mean
    from tutor.course.runs import value_label

    others = [key for key in compare if key not in PREDICT_LISTS]
    lists = [key for key in compare if key in PREDICT_LISTS]
    if others or len(lists) > 1:
        key = (others or lists[1:])[0]
        fields.report(key, f"[compare] with a list varies that one setting: give one list "
                           f"(activations or lrs) and nothing else, not {key}", table="compare")
        return None
    (key,) = lists
    setting = PREDICT_LISTS[key]
    given = compare[key]
    if not isinstance(given, list) or len(given) < 2:
        fields.report(key, f'[compare] "{key}" must be a list of at least two values', table="compare")
        return None
    try:
        values = parse_list(run, setting, given)
    except ComparisonError as error:
        fields.report(key, f"[compare] {error}", table="compare")
        return None
    measure = fields.text("measure")
    if measure not in PREDICT_MEASURES:
        hint = did_you_mean(measure, PREDICT_MEASURES, quote='"') if measure else ""
        fields.report("measure" if measure else None,
                      (f'unknown measure "{measure}"{hint}; ' if measure else '[compare] with a list needs "measure": ')
                      + f'choose from {", ".join(PREDICT_MEASURES)}')
        return None
    if measure != "fastest" and run.test_share == 0:
        fields.report("measure", f'measure "{measure}" needs a held-out set: set test_share in [lab]')
        return None
    if measure == "highest_test_accuracy" and depth >= Depth.MATH and run.checked_dataset().task == "regression":
        fields.report("measure", f'measure "{measure}" needs a classification dataset, not {run.dataset}')
        return None
    if "choices" in fields.table:
        fields.report("choices", "a list comparison's choices are its list's values: leave \"choices\" out")
        return None
    work = len(values) * run.parameter_count() * run.samples * run.epochs
    if work > PREDICT_MAX_WORK:
        fields.report(key, f"[compare] the {len(values)} runs are {work:.1e} parameter-updates together "
                           f"(runs × parameters × samples × epochs); a predict quiz trains them when a learner "
                           f"answers, and the limit is {PREDICT_MAX_WORK:,}", table="compare")
        return None
    choices = tuple(value_label(setting, value) for value in values)
    return _verified(fields, PredictSpec(question="compare", lab=run, choices=choices, target_loss=target_loss,
                                         author_answer=fields.text("answer") or None, measure=measure,
                                         vary=setting, values=values), depth)


def _valid_run(fields: _Fields, config: dict, section: str, depth: Depth):
    """A predict quiz's run as an engine.RunConfig, or None with each refused field
    reported at its line."""
    run, errors = parse_run(config, depth)
    if run is not None:
        error = _predict_work_error(run)
        if error is None:
            return run
        errors = [error]
    for field, message in errors:
        in_compare = section == "compare" and field in fields.table.get("compare", {})
        where = "compare" if in_compare else "lab"
        fields.report(field, f"[{where}] {message}", table=where)
    return None


def _predict_work_error(run) -> tuple[str, str] | None:
    """(field, message) if a predict quiz's run is too long to train while a learner waits."""
    if run.epochs > PREDICT_MAX_EPOCHS:
        return ("epochs", f"epochs: a predict quiz trains its run when a learner answers; "
                          f"keep epochs at most {PREDICT_MAX_EPOCHS}, not {run.epochs}")
    work = run.parameter_count() * run.samples * run.epochs
    if work > PREDICT_MAX_WORK:
        return ("layers", f"layers: a predict quiz trains its run when a learner answers, and this one is "
                          f"{work:.1e} parameter-updates (parameters × samples × epochs); the limit is "
                          f"{PREDICT_MAX_WORK:,}: use a smaller network, fewer samples or fewer epochs")
    return None


# The settings each setting is judged against: a loss fits an output or not, layers fit
# a dataset's columns (or its features) or not, a CSV dataset has as many target columns
# as the last layer, features need 2-D data and one input each.
JUDGED_WITH = {"loss": ("output",), "layers": ("dataset", "features"), "dataset": ("layers", "features"),
               "features": ("dataset", "layers")}


def parse_run(config: dict, depth: Depth = Depth.MATH):
    """(engine.RunConfig, []) for a run's settings as a lesson writes them, or
    (None, every (field, message) the engine refuses).

    The engine stops at the first problem, so a refused run's settings are then each
    checked on their own (with the settings each is judged with, the others at their
    defaults), to name every bad number or unknown name at once; the whole run's error
    (the loss for the output, the layers and loss for the data) when each passes alone.
    """
    run, error = _checked_run(config, depth)
    if error is None:
        return run, []
    problems = []
    for field, value in config.items():
        alone = {key: config[key] for key in JUDGED_WITH.get(field, ()) if key in config}
        _, own = _checked_run({**alone, field: value}, depth)
        if own is not None and own[0] == field:
            problems.append(own)
    return None, problems or [error]


def _checked_run(config: dict, depth: Depth):
    """(RunConfig, None), or (None, (field, message)) if the engine refuses the settings.

    Never builds the network: QUICK checks the fields, deeper also loads the data
    and checks its width against the layers.
    """
    import engine

    try:
        run = engine.RunConfig.from_mapping(config)
        if depth >= Depth.MATH:
            run.checked_dataset()
    except engine.ConfigError as error:
        return None, (error.field, str(error))
    return run, None


def _in_lesson_folder(fields: _Fields, config: dict | None, section: str) -> dict | None:
    """`config` with its dataset, if it names a file, as a path inside the lessons folder.

    A lesson may only read data it ships with: an absolute path, or one that leads out
    of the folder (../, a symlink), is reported and the block left out, unread.
    """
    import engine

    name = config.get("dataset") if config is not None else None
    if not isinstance(name, str) or name.strip() in engine.datasets.NAMES:
        return config
    folder = fields.folder
    inside = None
    if folder is not None and name.strip() and not Path(name).is_absolute():
        root = Path(folder).resolve()
        path = (root / name.strip()).resolve()
        inside = path if path.is_relative_to(root) else None
    if inside is None:
        table = section if section in fields.table else None
        fields.report("dataset", f'[{section}] dataset "{_short(name)}" must be a built-in dataset '
                                 f'({", ".join(engine.datasets.NAMES)}) or a file inside the lessons folder, '
                                 f'given relative to it (like data/points.csv)', table=table)
        return None
    return {**config, "dataset": str(inside)}


def _short(text: str, limit: int = 40) -> str:
    """`text` with control characters shown, cut to `limit` characters."""
    from tutor.visible import visible

    return visible(text if len(text) <= limit else text[:limit - 1] + "…")


SPEC_BUILDERS = {
    "derivative": _derivative_spec,
    "expression": _expression_spec,
    "choice": _choice_spec,
    "numeric": _numeric_spec,
    "predict": _predict_spec,
}


# ----------------------------------------------------------------- lab and engine blocks

def _build_lab(table, lines, problems, depth=Depth.MATH, folder=None) -> LabBlock | None:
    import engine
    from engine.names import did_you_mean

    fields = _Fields("lab", table, lines, problems, folder)
    run_fields = [f.name for f in dataclasses.fields(engine.RunConfig)]
    fields.unknown(run_fields + list(LAB_EXTRA_FIELDS), "a lab block")
    title = fields.text("title")
    charts = fields.texts("charts", default=("loss",))
    for chart in charts:
        if chart not in LAB_CHARTS:
            hint = did_you_mean(chart, LAB_CHARTS, quote='"')
            fields.report("charts", f'unknown chart "{chart}"{hint}; '
                                    f'choose from {", ".join(LAB_CHARTS)}')
    config = _in_lesson_folder(fields, {key: value for key, value in table.items() if key in run_fields}, "lab")
    run, errors = parse_run(config, depth) if config is not None else (None, [])
    for field, message in errors:
        fields.report(field, message)
    if problems or run is None:
        return None
    return LabBlock(config=run, title=title, charts=charts, line=lines.raw.line)


def _build_compare(table, lines, problems, depth=Depth.MATH, folder=None) -> CompareBlock | None:
    import engine
    from engine.compare import GROUPINGS, ComparisonError, check_size, parse_list
    from engine.names import did_you_mean

    fields = _Fields("compare", table, lines, problems, folder)
    run_fields = [f.name for f in dataclasses.fields(engine.RunConfig)]
    fields.unknown(run_fields + list(COMPARE_EXTRA_FIELDS), "a compare block")
    title = fields.text("title")
    by = fields.text("by")
    if by and by not in GROUPINGS:
        hint = did_you_mean(by, GROUPINGS, quote='"')
        fields.report("by", f'unknown grouping "{by}"{hint}; choose from {", ".join(GROUPINGS)}')
    target_loss = fields.number("target_loss")
    if target_loss is not None and target_loss <= 0:
        fields.report("target_loss", "target_loss must be positive")
    config = _in_lesson_folder(fields, {key: value for key, value in table.items() if key in run_fields}, "compare")
    run, errors = parse_run(config, depth) if config is not None else (None, [])
    for field, message in errors:
        fields.report(field, message)

    lists = {}
    for key, setting in COMPARE_LISTS.items():
        given = table.get(key, [])
        if not isinstance(given, list):
            fields.report(key, f'"{key}" must be a list, like {key} = {_LIST_EXAMPLES[key]}')
            continue
        if given and setting in table:
            fields.report(key, f'give "{setting}" or "{key}", not both: the list replaces the base run\'s {setting}')
            continue
        try:   # each value checked as the engine checks that setting (against the defaults if the base is bad)
            lists[key] = parse_list(run or engine.RunConfig(), setting, given) if given else ()
        except ComparisonError as error:
            fields.report(key, str(error))
    if problems or run is None:
        return None
    sizes = {key: len(values) or 1 for key, values in lists.items()}
    runs = sizes["activations"] * sizes["lrs"] * sizes["seeds"]
    if runs < 2:
        fields.report(None, "nothing to compare: give two or more values in activations, lrs or seeds")
        return None
    try:
        check_size(run, sizes["activations"], sizes["lrs"], sizes["seeds"])
    except ComparisonError as error:
        fields.report("epochs" if error.field == "epochs" else None, str(error))
        return None
    work = runs * run.parameter_count() * run.samples * run.epochs
    if work > COMPARE_MAX_WORK:
        fields.report("epochs", f"a compare block trains its {runs} runs when a learner opens it, and these are "
                                f"{work:.1e} parameter-updates (runs × parameters × samples × epochs); the limit "
                                f"is {COMPARE_MAX_WORK:.0e}: use fewer runs, a smaller network, fewer samples or "
                                "fewer epochs")
        return None
    return CompareBlock(config=run, activations=lists["activations"], lrs=lists["lrs"], seeds=lists["seeds"],
                        title=title, by=by, target_loss=target_loss, line=lines.raw.line)


_LIST_EXAMPLES = {"activations": '["sigmoid", "tanh", "relu"]', "lrs": "[0.1, 1, 10]", "seeds": "[0, 1, 2]"}


def _build_engine(table, lines, problems) -> EngineBlock | None:
    fields = _Fields("engine", table, lines, problems)
    fields.unknown(ENGINE_FIELDS, "an engine block")
    function = fields.text("function", required=True)
    title = fields.text("title")
    if problems:
        return None
    try:
        source = engine_source(function)
    except EngineLookupError as error:
        fields.report("function", f"unknown engine function: {error}")
        return None
    return EngineBlock(function=function, source=source, title=title, line=lines.raw.line)


def _build_stepper(table, lines, problems) -> StepperBlock | None:
    fields = _Fields("stepper", table, lines, problems)
    fields.unknown(STEPPER_FIELDS, "a stepper block")
    title = fields.text("title")
    lr = fields.number("lr")
    if lr is None and "lr" not in table:
        fields.report(None, 'missing field "lr" (the learning rate of the update step, e.g. lr = 0.5)')
    elif lr is not None and lr <= 0:
        fields.report("lr", f'"lr" must be positive, got {lr:g}')
    optimizer = fields.text("optimizer") or "sgd"
    from engine.optimizers import OPTIMIZERS

    if optimizer not in OPTIMIZERS:
        from engine.names import did_you_mean

        fields.report("optimizer", f'unknown optimizer "{optimizer}"{did_you_mean(optimizer, OPTIMIZERS, quote=chr(34))} '
                                   f'(optimizers: {", ".join(OPTIMIZERS)})')
    predict = fields.texts("predict")
    for kind in predict:
        if kind not in STEP_KINDS:
            from engine.names import did_you_mean

            fields.report("predict", f'unknown step "{kind}" in "predict"{did_you_mean(kind, STEP_KINDS, quote=chr(34))} '
                                     f'(steps: {", ".join(STEP_KINDS)})')
    network_table = fields.subtable("engine", required=True)
    if network_table is None:
        return None
    try:
        network = parse_network(network_table)
    except SpecError as error:
        fields.report(None if error.key == "engine" else error.key, f"[engine] {error}", table="engine")
        return None
    if problems:
        return None
    return StepperBlock(network=network, lr=lr, predict=predict, title=title, optimizer=optimizer,
                        line=lines.raw.line)


def _build_graph(table, lines, problems) -> GraphBlock | None:
    from tutor.maths.graph import GraphError, graph
    from tutor.maths.mathparse import ParseError, parse

    fields = _Fields("graph", table, lines, problems)
    fields.unknown(GRAPH_FIELDS, "a graph block")
    title = fields.text("title")
    expression = fields.text("expression", required=True)
    predict = fields.texts("predict")
    values = fields.subtable("values", required=True)
    if values is None or problems:
        return None
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            fields.report("values", f'the value of "{name}" must be a finite number, got {value!r}')
    if problems:
        return None
    numbers = {name: float(value) for name, value in values.items()}
    try:
        built = graph(expression, numbers)
    except GraphError as error:
        about_values = str(error).startswith(("no value", "the value"))
        fields.report("values" if about_values else "expression", str(error))
        return None
    unused = sorted(numbers.keys() - built.expression.variables())
    if unused:
        fields.report("values", f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} not in the expression")
    for text in predict:
        try:
            found = built.matching(parse(text, tuple(numbers)))
        except ParseError as error:
            fields.report("predict", f'"{text}" in "predict": {error}')
            continue
        if not any(built.nodes[i].gradient is not None for i in found):
            fields.report("predict", f'"{text}" in "predict" is not a node of {built.expression.pretty()} with a '
                                     "gradient (write a subexpression as the tree has it, e.g. w*x + b)")
    if problems:
        return None
    return GraphBlock(expression=expression, values=tuple(numbers.items()), predict=predict, title=title,
                      line=lines.raw.line)


def _build_gradcheck(table, lines, problems, depth=Depth.MATH, folder=None) -> GradcheckBlock | None:
    from engine.names import did_you_mean
    from tutor.gradcheck_demo import BROKEN

    fields = _Fields("gradcheck", table, lines, problems, folder)
    fields.unknown(GRADCHECK_RUN_FIELDS + GRADCHECK_EXTRA_FIELDS,
                   "a gradcheck block (it checks the initial weights: no training settings)")
    title = fields.text("title")
    broken = fields.text("broken")
    if broken and broken not in BROKEN:
        fields.report("broken", f'unknown broken derivative "{_short(broken)}"{did_you_mean(broken, BROKEN, quote=chr(34))}; '
                                f'choose from {", ".join(BROKEN)}')
    config = _in_lesson_folder(fields, {key: value for key, value in table.items()
                                        if key in GRADCHECK_RUN_FIELDS}, "gradcheck")
    run, errors = parse_run(config, depth) if config is not None else (None, [])
    for field, message in errors:
        fields.report(field, message)
    if problems or run is None:
        return None
    if broken and len(run.layers) < 3:
        fields.report("broken", "a broken derivative needs a hidden layer (the output's derivative "
                                "belongs to the loss, BP1): give layers at least three sizes")
        return None
    work = run.parameter_count() ** 2 * run.samples
    if work > GRADCHECK_MAX_WORK:
        fields.report("layers", f"a gradient check takes 2 forward passes per parameter: these are {work:.1e} "
                                f"(parameters² × samples), the limit {GRADCHECK_MAX_WORK:.0e}; use a smaller "
                                "network or fewer samples")
        return None
    return GradcheckBlock(config=run, broken=broken, title=title, line=lines.raw.line)


def _build_exercise(table, lines, problems) -> ExerciseBlock | None:
    from engine.names import did_you_mean
    from tutor.exercises import NAMES

    fields = _Fields("exercise", table, lines, problems)
    fields.unknown(EXERCISE_FIELDS, "an exercise block")
    name = fields.text("name", required=True)
    title = fields.text("title")
    if name and name not in NAMES:
        hint = did_you_mean(name, NAMES, quote='"') or f' (exercises: {", ".join(NAMES)})'
        fields.report("name", f'unknown exercise "{name}"{hint}')
    if problems:
        return None
    return ExerciseBlock(name=name, title=title, line=lines.raw.line)
