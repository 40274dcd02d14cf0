"""`tutor check-lessons [DIR]`: validate lesson files the way the tutor loads them.

Prints every problem as `path:line: message` (the format editors jump to) and
exits 1 if there is any; otherwise prints a one-line summary and exits 0. Predict
quizzes are verified by training their networks with the engine.
"""
from __future__ import annotations

import sys
from pathlib import Path

from tutor.cli import UsageError


def run(args) -> int:
    from tutor.course.loader import Depth, load_course

    if args.directory is not None and not Path(args.directory).is_dir():
        raise UsageError(f"{args.directory}: no such folder")
    course = load_course(args.directory, depth=Depth.RUNS)
    for problem in course.problems:
        print(problem)
    if course.problems:
        count = len(course.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    quizzes = sum(len(lesson.quizzes) for lesson in course.lessons)
    labs = sum(len(lesson.labs) for lesson in course.lessons)
    engine_blocks = sum(len(lesson.engine_blocks) for lesson in course.lessons)
    print(f"{len(course.lessons)} lessons, {quizzes} quizzes, {labs} lab blocks, "
          f"{engine_blocks} engine blocks: no problems")
    return 0
