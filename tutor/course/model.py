"""The course as data: lessons, their prose and blocks, quizzes, and load problems.

Everything here is a frozen dataclass built by tutor.course.loader; the screens
and the plain-text commands only read it. Conventions a lesson author meets:

- A quiz's id is its `id` field, or `<lesson id>-q<n>` for the n-th quiz of the lesson.
- Choices are labelled with letters (a, b, c ...) wherever a learner sees them, so
  that a typed number is never read as a choice; the file's `answer` is that letter
  (`answer = "b"`) or the choice's number from 1 (`answer = 2`); the model keeps
  0-based indices.
- A quiz may name expected mistakes (`mistakes = [{answer = ..., feedback = ...}]`):
  an answer the quiz's own judge finds equal to one gets the author's feedback.
- A numeric quiz's network uses the engine's conventions (DESIGN.md section 3):
  layer l computes z[l] = a[l-1] @ W[l] + b[l], a[l] = f(z[l]), with W[l] of shape
  (fan_in, fan_out) and layers counted from 1 as in the book (a[0] is the input x);
  its `weights` and `biases` lists hold W¹ and b¹ first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, Union

if TYPE_CHECKING:
    from engine import RunConfig


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is inside it, as authors type it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    """Something wrong in a lesson file, printed as `path:line: message`."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        from tutor.visible import visible_line

        where = visible_line(str(display_path(self.path)))  # a file name may hold an escape sequence
        if self.line <= 0:  # about the whole folder or file
            return f"{where}: {visible_line(self.message)}"
        return f"{where}:{self.line}: {visible_line(self.message)}"


@dataclass(frozen=True)
class Prose:
    """Markdown text between blocks."""

    text: str
    line: int


# ----------------------------------------------------------------- quiz kinds

@dataclass(frozen=True)
class DerivativeSpec:
    """Type d/d(variable) of `function`; the expected answer is the author's (`given`)
    or, when the author gave none, computed by SymPy the first time it is needed."""

    function: str
    given: str = ""
    variable: str = "x"
    ranges: tuple[tuple[str, float, float], ...] = ()  # (variable, low, high): sample inside

    @cached_property
    def expected(self) -> str:
        if self.given:
            return self.given
        from tutor.maths.judge import derivative_of  # SymPy: only when a quiz needs it

        return derivative_of(self.function, self.variable)


@dataclass(frozen=True)
class ExpressionSpec:
    """Type an expression equal to `expected` (judged by sampling the variables, each
    inside its range when `ranges` gives one: a sigmoid output a lies in (0, 1))."""

    expected: str
    variables: tuple[str, ...] = ("x",)
    ranges: tuple[tuple[str, float, float], ...] = ()  # (variable, low, high)


@dataclass(frozen=True)
class ChoiceSpec:
    """Pick the right choice(s); `answers` holds 0-based indices into `choices`."""

    choices: tuple[str, ...]
    answers: frozenset[int]

    @property
    def multiple(self) -> bool:
        return len(self.answers) > 1


@dataclass(frozen=True)
class NetworkSpec:
    """A small network with every weight given, and one training example."""

    sizes: tuple[int, ...]
    activation: str
    output: str
    loss: str
    weights: tuple[tuple[tuple[float, ...], ...], ...]  # weights[l][i][j], shape (fan_in, fan_out)
    biases: tuple[tuple[float, ...], ...]  # biases[l][j]
    input: tuple[float, ...]
    target: tuple[float, ...]


@dataclass(frozen=True)
class NumericSpec:
    """Type a number within `tolerance` of `expected`.

    With a `network`, `expected` was computed by the engine from `quantity`
    (e.g. "delta[0][1]"), so a backprop-by-hand exercise cannot have a wrong key.
    """

    expected: float
    tolerance: float
    network: NetworkSpec | None = None
    quantity: str | None = None


PREDICT_OUTCOMES = ("converges", "stalls", "diverges")
PREDICT_COMPARISONS = ("higher", "lower")
# What a list comparison asks for: the run that reaches the target loss in the fewest
# epochs, the lowest final test loss, or the highest final test accuracy.
PREDICT_MEASURES = ("fastest", "lowest_test_loss", "highest_test_accuracy")


@dataclass(frozen=True)
class PredictSpec:
    """Predict what a training run does; the engine runs it to find out.

    question "outcome": does the `lab` run converge (final loss <= target_loss),
    stall, or diverge (a non-finite loss, or a final loss above the first epoch's)?
    question "compare": is the final loss of the `compare` run (the lab run with the
    settings of the quiz's [compare] table changed) higher or lower than that of the
    `lab` run? Both runs were parsed and validated when the lesson loaded.
    question "compare" with a list (a `measure`): the lab run is varied over `values`
    of its setting `vary` ("activation" or "lr"), and the quiz asks which value wins
    by the measure (PREDICT_MEASURES); the choices are the values, as value_label
    names them ("tanh", "lr 0.1").
    """

    question: str
    lab: RunConfig
    choices: tuple[str, ...]
    compare: RunConfig | None = None
    target_loss: float | None = None
    author_answer: str | None = None  # what the author says; check-lessons verifies it
    measure: str | None = None        # a list comparison's measure (None: not a list comparison)
    vary: str = ""                    # the setting its list varies: "activation" or "lr"
    values: tuple = ()                # the list's values, parsed as RunConfig parses that setting

    def changes(self) -> dict[str, object]:
        """The settings the compared run changes, by name, in field order."""
        if self.compare is None:
            return {}
        return {name: value for name, value in self.compare.to_dict().items()
                if value != self.lab.to_dict()[name]}


QuizSpec = Union[DerivativeSpec, ExpressionSpec, ChoiceSpec, NumericSpec, PredictSpec]


@dataclass(frozen=True)
class Mistake:
    """An answer the author expects from a learner who slipped, and what to tell them.

    `answer` is as the author wrote it: typed math (derivative, expression quizzes),
    a number (numeric: `value`, matched within `tolerance`) or a choice's letter
    (choice: `picks`, the 0-based indices it names). It is judged as the quiz judges.
    """

    answer: str
    feedback: str
    value: float | None = None
    tolerance: float = 0.0
    picks: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Quiz:
    id: str
    lesson_id: str
    kind: str  # "derivative", "expression", "choice", "numeric" or "predict"
    prompt: str
    spec: QuizSpec
    hints: tuple[str, ...] = ()
    explanation: str = ""
    line: int = 0
    mistakes: tuple[Mistake, ...] = ()


# ----------------------------------------------------------------- other blocks

@dataclass(frozen=True)
class LabBlock:
    """A training configuration the learner can open in the Lab (parsed and
    validated when the lesson loaded)."""

    config: RunConfig
    title: str = ""
    charts: tuple[str, ...] = ("loss",)
    line: int = 0


@dataclass(frozen=True)
class CompareBlock:
    """A comparison the learner can run: the base run `config` varied over `activations`
    × `lrs` × `seeds` (an empty list keeps the base's value), parsed and validated when
    the lesson loaded. `by` ("activation", "lr" or "" for the default) groups the runs;
    `target_loss` (None: the loss's default) is what counts as learned."""

    config: RunConfig
    activations: tuple[str, ...] = ()
    lrs: tuple[float, ...] = ()
    seeds: tuple[int, ...] = ()
    title: str = ""
    by: str = ""
    target_loss: float | None = None
    line: int = 0

    def comparison(self, sharpness_every: int | None = None):
        """A fresh engine.compare.Comparison of these runs, not yet trained."""
        from engine.compare import Comparison

        return Comparison(self.config, self.activations, self.lrs, self.seeds, sharpness_every=sharpness_every)


@dataclass(frozen=True)
class EngineBlock:
    """The real source of an engine function, e.g. `engine.activations.sigmoid`."""

    function: str
    source: str
    title: str = ""
    line: int = 0


@dataclass(frozen=True)
class StepperBlock:
    """One training step of a fully given network on one sample, walked operation by
    operation (tutor/stepper.py); the steps whose kind is in `predict` ask first; the
    update is `optimizer`'s first step (a key of engine.OPTIMIZERS)."""

    network: NetworkSpec
    lr: float
    predict: tuple[str, ...] = ()
    title: str = ""
    optimizer: str = "sgd"
    line: int = 0


@dataclass(frozen=True)
class GraphBlock:
    """An expression's computation tree at given values, walked backward node by node
    (tutor/maths/graph.py); the nodes matching a `predict` subexpression ask for their
    gradient first."""

    expression: str
    values: tuple[tuple[str, float], ...]
    predict: tuple[str, ...] = ()
    title: str = ""
    line: int = 0


@dataclass(frozen=True)
class ExerciseBlock:
    """A link to a build-it-yourself exercise (tutor.exercises; `name` is one of its NAMES)."""

    name: str
    title: str = ""
    line: int = 0


@dataclass(frozen=True)
class GradcheckBlock:
    """The engine's gradient check on a run's network at its initial weights, and on a copy
    whose hidden derivative is broken as tutor.gradcheck_demo.BROKEN[`broken`] says ("": none)."""

    config: RunConfig
    broken: str = ""
    title: str = ""
    line: int = 0



Block = Union[Quiz, LabBlock, CompareBlock, EngineBlock, StepperBlock, GraphBlock, ExerciseBlock, GradcheckBlock]
Segment = Union[Prose, Quiz, LabBlock, CompareBlock, EngineBlock, StepperBlock, GraphBlock, ExerciseBlock,
                GradcheckBlock]


# ----------------------------------------------------------------- lessons and course

@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    requires: tuple[str, ...]
    path: Path
    body: tuple[Segment, ...]
    summary: str = ""
    part: str = ""   # the title of the part of the course this lesson starts ("": it continues one)

    @property
    def quizzes(self) -> tuple[Quiz, ...]:
        return tuple(s for s in self.body if isinstance(s, Quiz))

    @property
    def labs(self) -> tuple[LabBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, LabBlock))

    @property
    def compares(self) -> tuple[CompareBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, CompareBlock))

    @property
    def steppers(self) -> tuple[StepperBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, StepperBlock))

    @property
    def graphs(self) -> tuple[GraphBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, GraphBlock))

    @property
    def gradchecks(self) -> tuple[GradcheckBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, GradcheckBlock))

    @property
    def exercises(self) -> tuple[ExerciseBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, ExerciseBlock))

    @property
    def engine_blocks(self) -> tuple[EngineBlock, ...]:
        return tuple(s for s in self.body if isinstance(s, EngineBlock))

    def quiz(self, quiz_id: str) -> Quiz:
        for quiz in self.quizzes:
            if quiz.id == quiz_id:
                return quiz
        raise KeyError(quiz_id)


@dataclass(frozen=True)
class Course:
    """All lessons in file-name order, the `requires` graph, and every load problem."""

    directory: Path
    lessons: tuple[Lesson, ...]
    problems: tuple[Problem, ...] = field(default=())

    @cached_property
    def by_id(self) -> Mapping[str, Lesson]:
        return MappingProxyType({lesson.id: lesson for lesson in self.lessons})

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; KeyError if there is none."""
        return self.by_id[lesson_id]

    @cached_property
    def parts(self) -> tuple[tuple[str, tuple[Lesson, ...]], ...]:
        """The lessons in parts, in order: a lesson with a `part` starts one, a lesson
        without joins the part before it (lessons before the first part are in a part
        titled ""). One part titled "" when no lesson names a part."""
        parts: list[tuple[str, list[Lesson]]] = []
        for lesson in self.lessons:
            if lesson.part or not parts:
                parts.append((lesson.part, []))
            parts[-1][1].append(lesson)
        return tuple((title, tuple(lessons)) for title, lessons in parts)

    def suggest(self, lesson_id: str, n: int = 3) -> list[str]:
        """Lesson ids close to a mistyped one."""
        from engine.names import closest

        return closest(lesson_id, self.by_id, n=n, cutoff=0.5)

    def prerequisites(self, lesson_id: str) -> tuple[str, ...]:
        """Ids the lesson requires, directly or through other lessons, nearest first."""
        seen: list[str] = []
        frontier = list(self.lesson(lesson_id).requires)
        while frontier:
            current = frontier.pop(0)
            if current in seen or current == lesson_id or current not in self.by_id:
                continue
            seen.append(current)
            frontier.extend(self.by_id[current].requires)
        return tuple(seen)

    def dependents(self, lesson_id: str) -> tuple[str, ...]:
        """Ids of the lessons that list this one in `requires`."""
        return tuple(lesson.id for lesson in self.lessons if lesson_id in lesson.requires)
