"""`tutor check-lessons [PATH]`: validate lesson files the way the tutor loads them.

PATH is a lessons folder (default: the course's) or one lesson file. Prints every
problem as `path:line: message` (the format editors jump to) and exits 1 if there
is any, or if there are no lessons to check; otherwise prints a one-line summary
and exits 0. Predict quizzes are verified by training their networks with the engine.
"""
from __future__ import annotations

import sys
from pathlib import Path

from tutor.commands.common import UsageError


def run(args) -> int:
    from tutor.course.loader import Depth, load_course, load_lesson_file
    from tutor.course.paths import lessons_dir

    path = Path(args.path) if args.path is not None else lessons_dir()
    if path.is_file():
        course = load_lesson_file(path, depth=Depth.RUNS)
    elif path.is_dir():
        course = load_course(path, depth=Depth.RUNS)
    else:
        raise UsageError(f"{path}: no such lesson file or folder")
    for problem in course.problems:
        print(problem)
    if course.problems:
        count = len(course.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)
        return 1
    if not course.lessons:
        print(f"{path}: no lessons to check (lesson files are named like 07-learning-rate.md)",
              file=sys.stderr)
        return 1
    lessons = course.lessons
    print(f"{plural(len(lessons), 'lesson')}, {plural(sum(len(l.quizzes) for l in lessons), 'quiz', 'quizzes')}, "
          f"{plural(sum(len(l.labs) for l in lessons), 'lab block')}, "
          f"{plural(sum(len(l.compares) for l in lessons), 'compare block')}, "
          f"{plural(sum(len(l.steppers) for l in lessons), 'stepper block')}, "
          f"{plural(sum(len(l.graphs) for l in lessons), 'graph block')}, "
          f"{plural(sum(len(l.exercises) for l in lessons), 'exercise block')}, "
          f"{plural(sum(len(l.gradchecks) for l in lessons), 'gradcheck block')}, "
          f"{plural(sum(len(l.engine_blocks) for l in lessons), 'engine block')}: no problems")
    return 0


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 quiz', '2 quizzes'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
