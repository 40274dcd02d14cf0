"""The progress store's tables and their migrations.

The schema carries its version in `PRAGMA user_version`: the number of MIGRATIONS
steps applied. `migrate` brings an older file up to date and refuses one written
by a newer nn-tutor.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from tutor.progress.errors import ProgressError

# Each step moves the schema from version i to i + 1 (the file's user_version
# counts the steps applied). A released step is never edited: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE answers (
               id          INTEGER PRIMARY KEY,
               lesson_id   TEXT    NOT NULL,
               quiz_id     TEXT    NOT NULL,
               text        TEXT    NOT NULL,
               correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
               answered_at REAL    NOT NULL)""",
        "CREATE INDEX answers_by_quiz ON answers (lesson_id, quiz_id)",
        """CREATE TABLE completed_lessons (
               lesson_id    TEXT PRIMARY KEY,
               completed_at REAL NOT NULL)""",
        """CREATE TABLE settings (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL)""",
        """CREATE TABLE drills (
               family      TEXT    PRIMARY KEY,
               box         INTEGER NOT NULL,
               due_at      REAL    NOT NULL,
               reviewed_at REAL    NOT NULL)""",
        """CREATE TABLE runs (
               id       INTEGER PRIMARY KEY,
               name     TEXT NOT NULL,
               config   TEXT NOT NULL,
               metrics  TEXT,
               saved_at REAL NOT NULL)""",
    ),
    (
        # Quiz variants and shown answers: an answer typed after its variant's answer
        # was shown (after_reveal = 1) is kept but does not solve the quiz. Existing
        # answers are variant 0 and were never after a reveal, so they keep counting.
        "ALTER TABLE answers ADD COLUMN variant INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE answers ADD COLUMN after_reveal INTEGER NOT NULL DEFAULT 0 CHECK (after_reveal IN (0, 1))",
        """CREATE TABLE reveals (
               id          INTEGER PRIMARY KEY,
               lesson_id   TEXT    NOT NULL,
               quiz_id     TEXT    NOT NULL,
               variant     INTEGER NOT NULL,
               revealed_at REAL    NOT NULL)""",
        "CREATE INDEX reveals_by_quiz ON reveals (lesson_id, quiz_id)",
        """CREATE TABLE hints (
               lesson_id TEXT    NOT NULL,
               quiz_id   TEXT    NOT NULL,
               shown     INTEGER NOT NULL,
               PRIMARY KEY (lesson_id, quiz_id))""",
    ),
    (
        # Saved runs keep the weights to reopen them with: the checkpoints as the bytes
        # of one .npz file (tutor/run_archive.py). Runs saved before have none (NULL).
        "ALTER TABLE runs ADD COLUMN checkpoints BLOB",
    ),
    (
        # Build-it-yourself exercises (tutor/exercises): every check's outcome, the
        # hints shown and the solutions shown, by exercise name.
        """CREATE TABLE exercise_checks (
               id         INTEGER PRIMARY KEY,
               name       TEXT    NOT NULL,
               passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
               checked_at REAL    NOT NULL)""",
        "CREATE INDEX exercise_checks_by_name ON exercise_checks (name)",
        """CREATE TABLE exercise_hints (
               name  TEXT    PRIMARY KEY,
               shown INTEGER NOT NULL)""",
        """CREATE TABLE exercise_solutions (
               name     TEXT PRIMARY KEY,
               shown_at REAL NOT NULL)""",
    ),
)


def user_version(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA user_version").fetchone()[0]


def migrate(con: sqlite3.Connection, path: Path) -> None:
    """Apply the MIGRATIONS steps the file at `path` lacks, all in one transaction.

    The version is read again after taking the write lock, because another
    process may have migrated the file in the meantime.
    """
    target = len(MIGRATIONS)
    if user_version(con) == target:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        version = user_version(con)
        if version > target:
            raise ProgressError(
                f"the progress store {path} was written by a newer nn-tutor "
                f"(schema {version}; this one knows up to {target}); please upgrade nn-tutor",
                path,
            )
        for step in MIGRATIONS[version:]:
            for statement in step:
                con.execute(statement)
        con.execute(f"PRAGMA user_version = {target}")
        con.execute("COMMIT")
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
