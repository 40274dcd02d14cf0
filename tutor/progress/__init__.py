"""The learner's progress: answers, finished lessons, drill schedule, saved runs.

One SQLite file (standard-library sqlite3) in the user's data folder, which two
`tutor` processes of the same user (two SSH sessions) may share. `open_progress()`
opens it and says what had to be repaired; `Progress` is the store with every query.

    errors       ProgressError, the one exception callers see
    files        where the file lives; moving a damaged or special file aside
    locks        the repair lock and the in-use lock between tutors
    foreign_wal  a leftover WAL is checked on copies before SQLite replays it
    schema       the tables, MIGRATIONS and PRAGMA user_version
    store        Store: open (WAL, quick_check, migrate, identity), repair, transactions
    quizzes      answers, shown answers, hints, quiz states and scores
    lessons      finished lessons and the last lesson open
    drills       each drill family's Leitner box and due time (rules: tutor.maths.leitner)
    exercises    build-it-yourself exercises: checks, hints and solutions shown
    runs         saved training runs: config, metrics summary, checkpoints (the Lab saves, home lists)
"""
from __future__ import annotations

import os

from tutor.progress.drills import DrillSchedule
from tutor.progress.errors import ProgressError
from tutor.progress.exercises import ExerciseProgress
from tutor.progress.files import APP_NAME, DATA_DIR_ENV, DB_NAME, default_path
from tutor.progress.lessons import LessonProgress
from tutor.progress.quizzes import Answer, QuizProgress, QuizState
from tutor.progress.runs import SavedRun, SavedRuns, UnknownRun

__all__ = [
    "APP_NAME", "DB_NAME", "DATA_DIR_ENV",
    "Answer", "QuizState", "SavedRun", "ProgressError", "UnknownRun",
    "Progress", "open_progress", "default_path",
]


class Progress(QuizProgress, LessonProgress, DrillSchedule, SavedRuns, ExerciseProgress):
    """The progress store with every query. Open it with `open_progress()` (or
    `Progress(path)`), use it as a context manager or call `close()`; see Store
    for how it is opened and how reads and writes are made safe."""


def open_progress(path: str | os.PathLike[str] | None = None) -> tuple[Progress, str | None]:
    """Open the learner's progress store.

    Returns the store and a notice for the learner when something had to be
    repaired (a damaged file moved aside), else None. Raises ProgressError,
    whose message names the file, when the store cannot be used at all.
    """
    store = Progress(path)
    return store, store.notice
