"""The locks between tutors sharing one progress store (POSIX flock; none elsewhere).

- progress.db.lock, held exclusively while a damaged file is moved aside, so two
  tutors never repair the same file at once;
- progress.db.inuse, held shared by every open store; whoever gets it exclusively
  knows no other tutor has the store open (the foreign-WAL check needs that).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tutor.progress.errors import ProgressError


@contextmanager
def repair_lock(db: Path) -> Iterator[None]:
    """Hold an exclusive lock on progress.db.lock while repairing (POSIX flock).
    Elsewhere there is no flock, and renaming a file another process has open
    fails anyway, so repair is not raced there either."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    try:
        fd = os.open(f"{db}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise ProgressError(f"cannot create the lock file {db}.lock: {e.strerror or e}", db) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def claim(db: Path) -> tuple[int | None, bool]:
    """Take a lock on progress.db.inuse: (its descriptor, alone). alone: no other tutor
    has the store open, and we hold the lock exclusively until share(). (None, False)
    where there is no flock."""
    try:
        import fcntl
    except ImportError:
        return None, False
    try:
        fd = os.open(f"{db}.inuse", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None, False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd, True
    except OSError:
        return fd, False


def share(fd: int) -> None:
    """Hold the in-use lock shared, as every open store does (waits for a checker to finish)."""
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_SH)
