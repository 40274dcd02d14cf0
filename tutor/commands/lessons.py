"""`tutor lessons`: list the course's lessons with their ids, the learner's progress
(quizzes solved of the lesson's quizzes, ✓ once complete) and what each requires,
under the titles of the course's parts (a lesson's `part`), as the course map does."""
from __future__ import annotations

import shutil
import sys
import textwrap


def run(args) -> int:
    from tutor.course.loader import load_course

    course = load_course()
    if not course.lessons:
        print(f"No lessons found in {course.directory}.", file=sys.stderr)
        return 1
    progress = [_progress_text(lesson, solved, done) for lesson, solved, done in _progress(course.lessons)]
    id_width = max(len(lesson.id) for lesson in course.lessons)
    progress_width = max(len(text) for text in progress)
    indent = " " * (id_width + progress_width + 4)
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 0
    texts = dict(zip((lesson.id for lesson in course.lessons), progress))
    numbers = {lesson.id: n for n, lesson in enumerate(course.lessons, start=1)}
    for index, (title, part) in enumerate(course.parts):
        if title:   # under the part's title, as the course map shows it
            first, last = numbers[part[0].id], numbers[part[-1].id]
            numbers_text = f"lesson {first}" if first == last else f"lessons {first}–{last}"
            print(("\n" if index else "") + f"{title} ({numbers_text})")
        for lesson in part:
            requires = f"  (requires {', '.join(lesson.requires)})" if lesson.requires else ""
            line = f"{lesson.id:<{id_width}}  {texts[lesson.id]:<{progress_width}}  {lesson.title}{requires}".rstrip()
            if width > len(indent) + 20:  # in a terminal: wrap long titles under the title column
                line = textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False)
            print(line)
    if course.problems:
        print(f"{len(course.problems)} problem(s) in the lesson files: run `tutor check-lessons` to see them.",
              file=sys.stderr)
    return 0


def _progress(lessons):
    """(lesson, ids of its quizzes solved, complete?) for each lesson; nothing solved
    (and a warning) if the progress store cannot be read."""
    from tutor.progress import ProgressError, open_progress

    try:
        store, _ = open_progress()
        with store:
            done = store.completed()
            return [(lesson, store.solved_quizzes(lesson.id), lesson.id in done) for lesson in lessons]
    except ProgressError as error:
        print(f"warning: progress not shown: {error}", file=sys.stderr)
        return [(lesson, set(), False) for lesson in lessons]


def _progress_text(lesson, solved: set[str], complete: bool) -> str:
    """'2/5 solved', '5/5 solved ✓', or 'no quizzes'."""
    quizzes = [quiz.id for quiz in lesson.quizzes]
    if not quizzes:
        return "no quizzes ✓" if complete else "no quizzes"
    text = f"{sum(quiz in solved for quiz in quizzes)}/{len(quizzes)} solved"
    return text + " ✓" if complete else text
