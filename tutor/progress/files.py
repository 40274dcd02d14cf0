"""The progress file on disk: where it lives, whether it can be written there, and
moving a file SQLite cannot use (damaged, or not a regular file) aside to
`progress.db.damaged-<timestamp>` so that a fresh store can start.

The file is `platformdirs.user_data_dir("nn-tutor")/progress.db`, or
`$NN_TUTOR_DATA_DIR/progress.db`, or wherever the store's `path` argument says.
"""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import platformdirs

from tutor.progress import locks
from tutor.progress.errors import ProgressError

APP_NAME = "nn-tutor"
DB_NAME = "progress.db"
DATA_DIR_ENV = "NN_TUTOR_DATA_DIR"


def default_path() -> Path:
    """$NN_TUTOR_DATA_DIR/progress.db if that is set, else the platform's user data folder."""
    folder = os.environ.get(DATA_DIR_ENV, "").strip()
    base = Path(folder).expanduser() if folder else Path(platformdirs.user_data_dir(APP_NAME))
    return base / DB_NAME


def resolve(path: str | os.PathLike[str] | None) -> Path:
    """The database file for `path`: a folder gets progress.db inside it."""
    if path is None:
        return default_path()
    p = Path(path).expanduser()
    return p / DB_NAME if p.is_dir() else p


def check_writable(db: Path) -> None:
    """Make the folder; fail with a ProgressError naming the path if we cannot write there."""
    folder = db.parent
    hint = f"set {DATA_DIR_ENV} to a writable folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        why = f"{blocker} is a file, not a folder" if blocker else (e.strerror or str(e))
        raise ProgressError(f"cannot create the progress folder {folder}: {why}; {hint}", db) from None
    if db.is_dir():
        raise ProgressError(f"the progress store {db} is a folder, not a file", db)
    # SQLite needs to create progress.db-wal and -shm next to the file.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ProgressError(f"the progress folder {folder} is not writable; {hint}", db)
    if db.exists() and not os.access(db, os.R_OK | os.W_OK):
        raise ProgressError(f"the progress store {db} is not readable and writable; {hint}", db)


def set_aside_if_not_a_file(db: Path) -> str | None:
    """Move progress.db aside if it is something SQLite cannot keep answers in (a link
    to /dev/null or another device, a pipe); returns the notice, or None."""
    def is_special() -> bool:
        try:
            return not stat.S_ISREG(os.stat(db).st_mode)
        except OSError:
            return False  # not there (a fresh store), or a dangling link SQLite will report

    if not is_special():
        return None
    with locks.repair_lock(db):  # another tutor may be moving it right now
        if not is_special():
            return None
        target = f" (a link to {os.readlink(db)})" if os.path.islink(db) else ""
        aside = move_aside(db)
    return (f"Your progress file {db} was not a regular file{target}, so nothing could be saved in it. "
            f"It was moved to {aside} and a fresh progress store was started.")


def move_aside(db: Path) -> Path:
    """Rename a damaged file (and its -wal/-shm companions, which must never be
    replayed into a fresh file) to progress.db.damaged-<timestamp>."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = db.with_name(f"{db.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = db.with_name(f"{db.name}.damaged-{stamp}-{n}")
    try:
        os.rename(db, aside)
        for suffix in ("-wal", "-shm"):
            companion = Path(f"{db}{suffix}")
            if companion.exists():
                os.rename(companion, f"{aside}{suffix}")
    except OSError as e:
        raise ProgressError(
            f"the progress store {db} is damaged and could not be moved aside: {e.strerror or e}", db
        ) from None
    return aside
