"""The check of a leftover `progress.db-wal` before SQLite replays it.

SQLite replays a WAL it finds beside the file on open, and then writes it into the
file for good. When no other tutor has the store open, the WAL is first tried on
copies: if it would change the store's identity (a random `store_id` kept in
`settings`) or lose answers or finished lessons, it came from another database and
is moved aside to `progress.db-wal.foreign-<timestamp>`, with a notice, instead of
being replayed.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from tutor.progress.errors import ProgressError
from tutor.progress.files import DB_NAME


def store_facts(db: Path) -> tuple[str | None, int, int] | None:
    """(store id, answers, finished lessons) of the database at `db` (a copy), or None if it
    cannot be read or fails its integrity check."""
    try:
        con = sqlite3.connect(db, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        # A file caught mid-checkpoint (a tutor killed then) may be inconsistent alone: no verdict.
        if [row[0] for row in con.execute("PRAGMA quick_check")] != ["ok"]:
            return None
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"settings", "answers", "completed_lessons"} <= tables:
            return None, 0, 0
        row = con.execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()
        answers = con.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        lessons = con.execute("SELECT COUNT(*) FROM completed_lessons").fetchone()[0]
        return (row[0] if row else None), answers, lessons
    except sqlite3.Error:
        return None
    finally:
        con.close()


def set_aside_foreign_wal(db: Path) -> str | None:
    """If progress.db-wal would replace the store's identity or lose answers or finished
    lessons (it belongs to another database), move it aside and return a notice.

    Both states are read from copies, so that SQLite never replays a WAL into the
    learner's file before it is known to belong there. Only called when no other
    tutor has the store open: then the files do not change while they are copied.
    """
    wal = Path(f"{db}-wal")
    try:
        if not (db.is_file() and wal.is_file() and wal.stat().st_size > 0):
            return None
        with tempfile.TemporaryDirectory(dir=db.parent, prefix=".progress-check-") as folder:
            copy = Path(folder) / DB_NAME
            shutil.copyfile(db, copy)
            before = store_facts(copy)
            shutil.copyfile(wal, f"{copy}-wal")
            after = store_facts(copy)
    except OSError:
        return None  # cannot check (no room for a copy): open as SQLite would
    if before is None or before == (None, 0, 0):
        return None  # not a store yet, or damaged: the usual checks deal with it
    same_store = after is not None and before[0] in (None, after[0])
    if same_store and after[1] >= before[1] and after[2] >= before[2]:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = Path(f"{wal}.foreign-{stamp}")
    try:
        os.rename(wal, aside)
        shm = Path(f"{db}-shm")
        if shm.exists():
            os.rename(shm, f"{db}-shm.foreign-{stamp}")
    except OSError as e:
        raise ProgressError(f"the journal {wal} does not belong to the progress store {db} and could "
                            f"not be moved aside: {e.strerror or e}", db) from None
    what = ("it belongs to another database" if after is None or not same_store
            else f"replaying it would have left {after[1]} of your {before[1]} answers")
    return (f"A journal file beside your progress file did not belong to it ({what}). It was moved "
            f"to {aside} and not replayed; your {before[1]} answers are kept.")
