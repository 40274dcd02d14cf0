"""`tutor lessons`: list the course's lessons with their ids and what they require."""
from __future__ import annotations

import sys


def run(args) -> int:
    from tutor.course.loader import load_course

    course = load_course()
    if not course.lessons:
        print(f"No lessons found in {course.directory}.", file=sys.stderr)
        return 1
    width = max(len(lesson.id) for lesson in course.lessons)
    for lesson in course.lessons:
        requires = f"  (requires {', '.join(lesson.requires)})" if lesson.requires else ""
        print(f"{lesson.id:<{width}}  {lesson.title}{requires}")
    if course.problems:
        print(f"{len(course.problems)} problem(s) in the lesson files: run `tutor check-lessons` to see them.",
              file=sys.stderr)
    return 0
