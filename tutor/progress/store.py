"""Store: one open progress file, and the transactions every query runs in.

Opening checks, in order: the folder can be written (files), the file is a regular
file (files), a leftover WAL belongs to it (foreign_wal, only when no other tutor
has the store open), then SQLite opens it: `PRAGMA quick_check`, WAL mode, the
schema brought up to date (schema), and the store's random identity written into
the file. A file that is not a database, is truncated, or fails the check is moved
aside under the repair lock and a fresh store is started; `notice` says where it went.

Two `tutor` processes of the same user (two SSH sessions) may share the file:

- WAL journal: readers never block the writer, and a crash mid-write leaves the
  last committed state intact. synchronous=NORMAL keeps a commit to about a
  millisecond, so saving an answer never stalls the UI on a slow disk.
- busy timeout: a writer that finds the file locked waits (up to BUSY_TIMEOUT_S)
  instead of failing at once.
- one short `BEGIN IMMEDIATE` transaction per write: it takes the write lock
  up front, so a read-then-write (a drill's Leitner box) can never interleave
  with the other process and lose an update.

The queries (quizzes, lessons, drills, runs) are subclasses of Store that use
`_reading` and `_writing`; `tutor.progress.Progress` combines them.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from tutor.progress import files, locks, schema
from tutor.progress.errors import ProgressError
from tutor.progress.foreign_wal import set_aside_foreign_wal

BUSY_TIMEOUT_S = 5.0

# SQLite's primary result codes that mean "this file is damaged", as opposed to
# "busy", "read-only" or "disk full", which are not reasons to move a file aside.
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class _Busy(Exception):
    """Opening met a lock it must not wait for (see Store._connect)."""

    def __init__(self, error: sqlite3.Error):
        super().__init__(str(error))
        self.error = error


class _Damaged(Exception):
    """Internal: the file is not a usable database (the reason is the message)."""


class Store:
    """One open progress file. Use it as a context manager or call `close()`.

    Every write is its own short transaction; every read sees the latest commit
    of any process. Safe to call from more than one thread of one process.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = files.resolve(path)
        self.notice: str | None = None
        self._lock = threading.RLock()
        self._con: sqlite3.Connection | None = None
        self._in_use: int | None = None  # a file descriptor holding a shared lock on progress.db.inuse
        try:
            self._open()
        except BaseException:
            self._release()
            raise

    # -- opening, repair, migration --

    def _open(self) -> None:
        files.check_writable(self.path)
        self.notice = files.set_aside_if_not_a_file(self.path)
        self._in_use, alone = locks.claim(self.path)
        if alone:  # nobody is using the WAL: check that it belongs before SQLite replays it
            self.notice = set_aside_foreign_wal(self.path) or self.notice
        if self._in_use is not None:
            locks.share(self._in_use)
        self._connect_or_repair()
        self._keep_identity()

    def _connect_or_repair(self) -> None:
        try:
            self._con = self._connect()
            return
        except _Damaged as first:
            reason = str(first)
        # Another tutor may be repairing the same file right now: repair under a
        # lock, and look again once we hold it (it may have been replaced already).
        with locks.repair_lock(self.path):
            try:
                self._con = self._connect()
                return
            except _Damaged as again:
                reason = str(again)
            aside = files.move_aside(self.path)
            try:
                self._con = self._connect()
            except _Damaged as fresh:
                raise ProgressError(
                    f"cannot start a fresh progress store at {self.path}: {fresh}", self.path
                ) from None
        self.notice = (
            f"Your progress file could not be read ({reason}). It was moved to {aside} "
            f"and a fresh progress store was started."
        )

    def _keep_identity(self) -> None:
        """Give the store its random id if it has none, and write it into the file itself
        (a checkpoint), where the WAL check on the next open reads it."""
        con = self._live()
        try:
            if con.execute("SELECT 1 FROM settings WHERE key = 'store_id'").fetchone() is None:
                con.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('store_id', ?)",
                            (secrets.token_hex(8),))
                con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # busy or read-only: the next open tries again; nothing is lost

    def _connect(self) -> sqlite3.Connection:
        """Open, check and migrate the file. Raises _Damaged or ProgressError.

        Two tutors opening a new file at once can each hold a read lock while
        asking for the write lock that the switch to WAL needs; SQLite then
        answers one of them "busy" at once, without waiting (waiting could never
        end). That one closes its connection, lets go of its lock, and tries again.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                return self._connect_once()
            except _Busy as busy:
                if time.monotonic() > deadline:
                    raise self._error("open", busy.error) from None
                time.sleep(0.01)

    def _connect_once(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise ProgressError(f"cannot open the progress store {self.path}: {e}", self.path) from None
        try:
            # quick_check first: never write (the WAL switch) into a damaged file.
            problems = [row[0] for row in con.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise _Damaged(f"integrity check failed: {problems[0]}")
            # WAL needs shared memory; on a file system without it SQLite keeps
            # its rollback journal, which is slower but just as safe.
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode == "wal":
                # Commits skip fsync (a checkpoint does it): a crash of tutor loses
                # nothing, a power cut at worst the last answers, never the file.
                con.execute("PRAGMA synchronous = NORMAL")
            schema.migrate(con, self.path)
        except sqlite3.Error as e:
            con.close()
            if _code(e) in _DAMAGE_CODES:
                raise _Damaged(str(e)) from None
            if _code(e) in _BUSY_CODES:
                raise _Busy(e) from None
            raise self._error("open", e) from None
        except BaseException:
            con.close()
            raise
        return con

    # -- life cycle --

    def close(self) -> None:
        """Close the file (idempotent). SQLite folds the WAL back into it."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
            self._release()

    def _release(self) -> None:
        if self._in_use is not None:
            os.close(self._in_use)  # closing lets go of the lock
            self._in_use = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The file's schema version (PRAGMA user_version)."""
        with self._reading("read the schema version") as con:
            return schema.user_version(con)

    # -- transactions and errors --

    def _live(self) -> sqlite3.Connection:
        if self._con is None:
            raise ProgressError(f"the progress store {self.path} is closed", self.path)
        return self._con

    @contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            con = self._live()
            try:
                yield con
            except sqlite3.Error as e:
                raise self._error(action, e) from None

    @contextmanager
    def _writing(self, action: str) -> Iterator[sqlite3.Connection]:
        """One short write transaction. BEGIN IMMEDIATE takes the write lock
        first (waiting up to the busy timeout), so what the body reads cannot
        change before it writes."""
        with self._lock:
            con = self._live()
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    yield con
                    con.execute("COMMIT")
                finally:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
            except sqlite3.Error as e:
                raise self._error(action, e) from None

    def _error(self, action: str, e: sqlite3.Error) -> ProgressError:
        code = _code(e)
        if code in _BUSY_CODES:
            why = (f"another tutor kept the progress store {self.path} locked for more than "
                   f"{BUSY_TIMEOUT_S:g} s; try again")
        elif code in _DAMAGE_CODES:
            why = (f"the progress store {self.path} is damaged ({e}); restart tutor to set it "
                   f"aside and start a fresh one")
        elif code == sqlite3.SQLITE_READONLY:
            why = f"the progress store {self.path} is read-only ({e})"
        else:
            why = f"{e} (progress store {self.path})"
        return ProgressError(f"could not {action}: {why}", self.path)


# --- helpers for the queries -------------------------------------------------


def timestamp(when: float | None) -> float:
    """`when` as a float, or now (time.time()) if it is None."""
    return time.time() if when is None else float(when)


def need_id(what: str, value: object) -> None:
    """Refuse an empty or non-string id with a message naming it."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")


def _code(e: sqlite3.Error) -> int:
    """SQLite's primary result code (the low byte of an extended one), or -1."""
    code = getattr(e, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1
