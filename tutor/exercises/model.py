"""What an exercise is, as data: its starter file, reference solution, hints, checks
and the typical wrong answers the checks must recognise.

Standard library only: the CLI lists exercises without importing NumPy; the checks
(which use NumPy and the engine) run in the learner's subprocess (runner.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


class Failure(Exception):
    """The first failing case, in words; `line` is the learner's line it points at, if known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: `code` replaces the solution's functions, and the
    check must fail with a message that contains `explains`."""

    what: str
    code: str
    explains: str


@dataclass(frozen=True)
class Exercise:
    name: str            # also the file's stem: sigmoid -> 01_sigmoid.py
    number: int          # its place in the course order, from 1
    title: str
    lesson: str          # the lesson id it belongs to
    doc: str             # the starter file's docstring: the task, the math, the lesson
    stubs: str           # the functions to complete, as the learner first sees them
    solution_code: str   # the reference solution's functions
    check: Callable      # check(learner) raises Failure at the first failing case
    hints: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = field(default=())

    @property
    def filename(self) -> str:
        return f"{self.number:02d}_{self.name}.py"

    def file_text(self, code: str) -> str:
        """A whole file: the docstring, `import numpy as np`, then `code`."""
        return f'"""{self.doc.strip()}\n"""\nimport numpy as np\n\n\n{code.strip()}\n'

    @property
    def starter(self) -> str:
        return self.file_text(self.stubs)

    @property
    def solution(self) -> str:
        return self.file_text(self.solution_code)
