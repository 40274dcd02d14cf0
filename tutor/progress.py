"""The learner's progress: answers, finished lessons, drill schedule, saved runs.

One SQLite file (standard-library sqlite3) in the user's data folder:
`platformdirs.user_data_dir("nn-tutor")/progress.db`, or `$NN_TUTOR_DATA_DIR/progress.db`,
or wherever the `path` argument says.

Two `tutor` processes of the same user (two SSH sessions) may share the file:

- WAL journal: readers never block the writer, and a crash mid-write leaves the
  last committed state intact. synchronous=NORMAL keeps a commit to about a
  millisecond, so saving an answer never stalls the UI on a slow disk.
- busy timeout: a writer that finds the file locked waits (up to BUSY_TIMEOUT_S)
  instead of failing at once.
- one short `BEGIN IMMEDIATE` transaction per write: it takes the write lock
  up front, so a read-then-write (a drill's Leitner box) can never interleave
  with the other process and lose an update.

The schema carries its version in `PRAGMA user_version`; MIGRATIONS brings an
older file up to date. A file that is not a database, is truncated, or fails
`PRAGMA quick_check` is moved aside to `progress.db.damaged-<timestamp>` and a
fresh store is started; `open_progress` returns a notice saying where it went.
So is a progress.db that is not a regular file (a link to /dev/null).

A leftover `progress.db-wal` (SQLite replays it on open, and then writes it into
the file for good) is first checked on copies when no other tutor has the store
open: if it would change the store's identity (a random id kept in `settings`) or
lose answers or finished lessons, it came from another database and is moved aside
to `progress.db-wal.foreign-<timestamp>`, with a notice, instead of being replayed.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

__all__ = [
    "APP_NAME", "DB_NAME", "DATA_DIR_ENV", "BUSY_TIMEOUT_S", "MIGRATIONS",
    "TOP_BOX", "INTERVAL_DAYS", "DAY", "next_box", "next_due",
    "Answer", "QuizState", "SavedRun", "ProgressError", "UnknownRun",
    "Progress", "open_progress", "default_path",
]

APP_NAME = "nn-tutor"
DB_NAME = "progress.db"
DATA_DIR_ENV = "NN_TUTOR_DATA_DIR"
BUSY_TIMEOUT_S = 5.0

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
)

# SQLite's primary result codes that mean "this file is damaged", as opposed to
# "busy", "read-only" or "disk full", which are not reasons to move a file aside.
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}

# --- Leitner boxes -----------------------------------------------------------

DAY = 86_400.0
TOP_BOX = 5
# Wait before a family is due again, by the box it sits in. Box 1 is "practise
# again now"; each box above it doubles the wait.
INTERVAL_DAYS = {1: 0.0, 2: 1.0, 3: 2.0, 4: 4.0, 5: 8.0}


def next_box(box: int, correct: bool) -> int:
    """Leitner's rule: a right answer moves the card up one box (at most TOP_BOX),
    a wrong one sends it back to box 1."""
    return min(box + 1, TOP_BOX) if correct else 1


def next_due(box: int, now: float) -> float:
    """When a family in `box`, reviewed at `now`, is due again: now + interval[box]."""
    return now + INTERVAL_DAYS[box] * DAY


# --- records -----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer the learner typed or chose, with its verdict."""
    lesson_id: str
    quiz_id: str
    text: str
    correct: bool
    when: float  # seconds since the epoch (time.time())
    variant: int = 0  # which variant of the quiz (0: the author's numbers)
    after_reveal: bool = False  # typed after that variant's answer was shown: does not solve it


@dataclass(frozen=True)
class QuizState:
    """What the learner has done with one quiz.

    `solved`: a right answer given before that variant's answer was shown (once
    solved, stays solved). `reveals`: how many times an answer was shown; it is
    also the variant to ask next, since a shown variant cannot be solved any more.
    """
    quiz_id: str
    solved: bool = False
    attempts: int = 0
    reveals: int = 0

    @property
    def answer_shown(self) -> bool:
        """The answer was shown and the quiz has not been solved (since or before)."""
        return self.reveals > 0 and not self.solved

    @property
    def status(self) -> str:
        """"solved", "answer shown", "tried" or "new"."""
        if self.solved:
            return "solved"
        if self.reveals:
            return "answer shown"
        return "tried" if self.attempts else "new"


@dataclass(frozen=True)
class SavedRun:
    """A training run the learner kept: its configuration and, if given, its metrics."""
    id: int
    name: str
    config: dict[str, Any]
    metrics: dict[str, Any] | None
    saved_at: float


class ProgressError(Exception):
    """The progress store could not be opened, read or written. The message
    names the file, so it can be shown to the learner as it is."""

    def __init__(self, message: str, path: Path | str | None = None):
        super().__init__(message)
        self.path = path


class UnknownRun(ProgressError, LookupError):
    """No saved run has the id asked for."""


class _Busy(Exception):
    """Opening met a lock it must not wait for (see Progress._connect)."""

    def __init__(self, error: sqlite3.Error):
        super().__init__(str(error))
        self.error = error


class _Damaged(Exception):
    """Internal: the file is not a usable database (the reason is the message)."""


# --- where the file lives ----------------------------------------------------


def default_path() -> Path:
    """$NN_TUTOR_DATA_DIR/progress.db if that is set, else the platform's user data folder."""
    folder = os.environ.get(DATA_DIR_ENV, "").strip()
    base = Path(folder).expanduser() if folder else Path(platformdirs.user_data_dir(APP_NAME))
    return base / DB_NAME


def _resolve(path: str | os.PathLike[str] | None) -> Path:
    """The database file for `path`: a folder gets progress.db inside it."""
    if path is None:
        return default_path()
    p = Path(path).expanduser()
    return p / DB_NAME if p.is_dir() else p


# --- the store ---------------------------------------------------------------


class Progress:
    """The progress store. Open it with `open_progress()` (or `Progress(path)`),
    use it as a context manager or call `close()`.

    Every write is its own short transaction; every read sees the latest commit
    of any process. Safe to call from more than one thread of one process.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = _resolve(path)
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
        _check_writable(self.path)
        self.notice = _set_aside_if_not_a_file(self.path)
        self._in_use, alone = _claim(self.path)
        if alone:  # nobody is using the WAL: check that it belongs before SQLite replays it
            self.notice = _set_aside_foreign_wal(self.path) or self.notice
        if self._in_use is not None:
            _share(self._in_use)
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
        with _repair_lock(self.path):
            try:
                self._con = self._connect()
                return
            except _Damaged as again:
                reason = str(again)
            aside = _move_aside(self.path)
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
            self._migrate(con)
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

    def _migrate(self, con: sqlite3.Connection) -> None:
        """Apply the MIGRATIONS steps this file lacks, all in one transaction.

        The version is read again after taking the write lock, because another
        process may have migrated the file in the meantime.
        """
        target = len(MIGRATIONS)
        if _user_version(con) == target:
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            version = _user_version(con)
            if version > target:
                raise ProgressError(
                    f"the progress store {self.path} was written by a newer nn-tutor "
                    f"(schema {version}; this one knows up to {target}); please upgrade nn-tutor",
                    self.path,
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    con.execute(statement)
            con.execute(f"PRAGMA user_version = {target}")
            con.execute("COMMIT")
        finally:
            if con.in_transaction:
                con.execute("ROLLBACK")

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

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The file's schema version (PRAGMA user_version)."""
        with self._reading("read the schema version") as con:
            return _user_version(con)

    # -- answers --

    def record_answer(
        self, lesson_id: str, quiz_id: str, text: str, correct: bool, when: float | None = None,
        variant: int = 0,
    ) -> bool:
        """Store one answer: lesson, quiz, the text given, the verdict, the time, the variant.

        Returns whether the answer counts: False when this variant's answer had
        been shown before (it is kept, marked after_reveal, but solves nothing).
        """
        _need_id("lesson_id", lesson_id)
        _need_id("quiz_id", quiz_id)
        if not isinstance(text, str):
            raise TypeError(f"answer text must be a string, not {type(text).__name__}")
        with self._writing("save your answer") as con:
            shown = con.execute(
                "SELECT 1 FROM reveals WHERE lesson_id = ? AND quiz_id = ? AND variant = ?",
                (lesson_id, quiz_id, int(variant)),
            ).fetchone() is not None
            con.execute(
                "INSERT INTO answers (lesson_id, quiz_id, text, correct, answered_at, variant, after_reveal)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (lesson_id, quiz_id, text, int(bool(correct)), _now(when), int(variant), int(shown)),
            )
        return not shown

    def record_reveal(self, lesson_id: str, quiz_id: str, variant: int = 0, when: float | None = None) -> None:
        """Remember that the answer of this variant of the quiz was shown to the learner."""
        _need_id("lesson_id", lesson_id)
        _need_id("quiz_id", quiz_id)
        with self._writing("remember the shown answer") as con:
            con.execute(
                "INSERT INTO reveals (lesson_id, quiz_id, variant, revealed_at) VALUES (?, ?, ?, ?)",
                (lesson_id, quiz_id, int(variant), _now(when)),
            )

    def answers(self, lesson_id: str | None = None) -> list[Answer]:
        """Every answer (of one lesson, if given), oldest first."""
        query = "SELECT lesson_id, quiz_id, text, correct, answered_at, variant, after_reveal FROM answers"
        params: tuple[str, ...] = ()
        if lesson_id is not None:
            query += " WHERE lesson_id = ?"
            params = (lesson_id,)
        with self._reading("read your answers") as con:
            rows = con.execute(query + " ORDER BY answered_at, id", params).fetchall()
        return [Answer(l, q, t, bool(c), w, v, bool(r)) for l, q, t, c, w, v, r in rows]

    def quiz_states(self, lesson_id: str) -> dict[str, QuizState]:
        """The state of every quiz of the lesson the learner answered or gave up on,
        in the order first touched (a quiz never touched is absent: it is "new")."""
        with self._reading("read your quiz results") as con:
            answered = con.execute(
                "SELECT quiz_id, MAX(correct AND NOT after_reveal), COUNT(*), MIN(answered_at)"
                " FROM answers WHERE lesson_id = ? GROUP BY quiz_id",
                (lesson_id,),
            ).fetchall()
            revealed = con.execute(
                "SELECT quiz_id, COUNT(*), MIN(revealed_at) FROM reveals WHERE lesson_id = ? GROUP BY quiz_id",
                (lesson_id,),
            ).fetchall()
        first: dict[str, float] = {}
        fields: dict[str, dict[str, Any]] = {}
        for quiz, solved, attempts, when in answered:
            fields[quiz] = {"solved": bool(solved), "attempts": attempts}
            first[quiz] = when
        for quiz, reveals, when in revealed:
            fields.setdefault(quiz, {})["reveals"] = reveals
            first[quiz] = min(first.get(quiz, when), when)
        return {quiz: QuizState(quiz, **fields[quiz]) for quiz in sorted(fields, key=first.__getitem__)}

    def quiz_status(self, lesson_id: str) -> dict[str, bool]:
        """For each quiz of the lesson that was attempted or shown: solved?"""
        return {quiz: state.solved for quiz, state in self.quiz_states(lesson_id).items()}

    def solved_quizzes(self, lesson_id: str) -> set[str]:
        """Ids of the lesson's quizzes the learner has solved (read-only; what
        `tutor lessons` counts)."""
        return {quiz for quiz, solved in self.quiz_status(lesson_id).items() if solved}

    def score(self, lesson_id: str) -> tuple[int, int]:
        """(quizzes solved, quizzes attempted or shown) in the lesson."""
        status = self.quiz_status(lesson_id)
        return sum(status.values()), len(status)

    def lesson_scores(self, quiz_ids: Mapping[str, Iterable[str]]) -> dict[str, tuple[int, int, int]]:
        """For each lesson id -> its quiz ids: (solved, answer shown, total). For
        `tutor lessons` and the course map, which know the quizzes each lesson has."""
        scores = {}
        for lesson_id, ids in quiz_ids.items():
            ids = list(ids)
            states = self.quiz_states(lesson_id)
            solved = sum(1 for quiz in ids if quiz in states and states[quiz].solved)
            shown = sum(1 for quiz in ids if quiz in states and states[quiz].answer_shown)
            scores[lesson_id] = (solved, shown, len(ids))
        return scores

    # -- hints --

    def record_hints(self, lesson_id: str, quiz_id: str, shown: int) -> None:
        """Remember how many hints of the quiz the learner has seen (never fewer than before)."""
        _need_id("lesson_id", lesson_id)
        _need_id("quiz_id", quiz_id)
        with self._writing("remember the hints you used") as con:
            con.execute(
                "INSERT INTO hints (lesson_id, quiz_id, shown) VALUES (?, ?, ?)"
                " ON CONFLICT (lesson_id, quiz_id) DO UPDATE SET shown = MAX(shown, excluded.shown)",
                (lesson_id, quiz_id, int(shown)),
            )

    def hints_shown(self, lesson_id: str) -> dict[str, int]:
        """quiz id -> how many of its hints the learner has seen."""
        with self._reading("read the hints you used") as con:
            rows = con.execute("SELECT quiz_id, shown FROM hints WHERE lesson_id = ?", (lesson_id,)).fetchall()
        return dict(rows)

    # -- lessons --

    def complete_lesson(self, lesson_id: str, when: float | None = None) -> None:
        """Mark a lesson finished (the first completion time is kept)."""
        _need_id("lesson_id", lesson_id)
        with self._writing("mark the lesson complete") as con:
            con.execute(
                "INSERT OR IGNORE INTO completed_lessons (lesson_id, completed_at) VALUES (?, ?)",
                (lesson_id, _now(when)),
            )

    def is_complete(self, lesson_id: str) -> bool:
        with self._reading("read lesson completion") as con:
            row = con.execute(
                "SELECT 1 FROM completed_lessons WHERE lesson_id = ?", (lesson_id,)
            ).fetchone()
        return row is not None

    def completed(self) -> set[str]:
        """Ids of every finished lesson."""
        with self._reading("read lesson completion") as con:
            return {row[0] for row in con.execute("SELECT lesson_id FROM completed_lessons")}

    def set_last_lesson(self, lesson_id: str) -> None:
        """Remember the lesson open now, for "continue where I left off"."""
        _need_id("lesson_id", lesson_id)
        with self._writing("remember the current lesson") as con:
            con.execute(
                "INSERT INTO settings (key, value) VALUES ('last_lesson', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (lesson_id,),
            )

    def last_lesson(self) -> str | None:
        with self._reading("read the last lesson") as con:
            row = con.execute("SELECT value FROM settings WHERE key = 'last_lesson'").fetchone()
        return row[0] if row else None

    # -- drills (Leitner boxes, one per drill family) --

    def record_drill(self, family: str, correct: bool, now: float | None = None) -> int:
        """Move the family's box by Leitner's rule and set its next due time.
        Returns the new box. A family never drilled starts in box 1."""
        _need_id("family", family)
        now = _now(now)
        with self._writing("save the drill result") as con:
            row = con.execute("SELECT box FROM drills WHERE family = ?", (family,)).fetchone()
            box = next_box(row[0] if row else 1, bool(correct))
            con.execute(
                "INSERT INTO drills (family, box, due_at, reviewed_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (family) DO UPDATE SET"
                " box = excluded.box, due_at = excluded.due_at, reviewed_at = excluded.reviewed_at",
                (family, box, next_due(box, now), now),
            )
        return box

    def drill_box(self, family: str) -> int:
        """The family's Leitner box, 1 (new or just missed) to TOP_BOX."""
        with self._reading("read the drill schedule") as con:
            row = con.execute("SELECT box FROM drills WHERE family = ?", (family,)).fetchone()
        return row[0] if row else 1

    def drill_due_at(self, family: str) -> float | None:
        """When the family is next due (time.time() seconds); None if never drilled (due now)."""
        with self._reading("read the drill schedule") as con:
            row = con.execute("SELECT due_at FROM drills WHERE family = ?", (family,)).fetchone()
        return row[0] if row else None

    def due_drills(self, now: float | None = None, families: Iterable[str] | None = None) -> list[str]:
        """Families due at `now`, most overdue first.

        Without `families`: the drilled families that are due. With it: those of
        the given families that are due, counting a never-drilled one as due
        (listed first, in the order given).
        """
        now = _now(now)
        with self._reading("read the drill schedule") as con:
            rows = con.execute("SELECT family, due_at FROM drills ORDER BY due_at, family").fetchall()
        due = [family for family, due_at in rows if due_at <= now]
        if families is None:
            return due
        wanted = dict.fromkeys(families)  # ordered and without repeats
        known = {family for family, _ in rows}
        return [f for f in wanted if f not in known] + [f for f in due if f in wanted]

    # -- saved runs --

    def save_run(
        self, name: str, config: Mapping[str, Any], metrics: Mapping[str, Any] | None = None,
        when: float | None = None,
    ) -> int:
        """Keep a run's configuration (and metrics) as JSON; returns its id.
        NumPy scalars and arrays are stored as numbers and lists."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a saved run needs a name (a non-empty string)")
        config_json = _to_json(config, f"run {name!r}: config")
        metrics_json = None if metrics is None else _to_json(metrics, f"run {name!r}: metrics")
        with self._writing("save the run") as con:
            cur = con.execute(
                "INSERT INTO runs (name, config, metrics, saved_at) VALUES (?, ?, ?, ?)",
                (name, config_json, metrics_json, _now(when)),
            )
            return int(cur.lastrowid)

    def runs(self) -> list[SavedRun]:
        """Every saved run, newest first."""
        with self._reading("read your saved runs") as con:
            rows = con.execute(
                "SELECT id, name, config, metrics, saved_at FROM runs ORDER BY saved_at DESC, id DESC"
            ).fetchall()
        return [_saved_run(row) for row in rows]

    def load_run(self, run_id: int) -> SavedRun:
        with self._reading("read the saved run") as con:
            row = con.execute(
                "SELECT id, name, config, metrics, saved_at FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        if row is None:
            raise UnknownRun(f"there is no saved run with id {run_id}", self.path)
        return _saved_run(row)

    def delete_run(self, run_id: int) -> None:
        with self._writing("delete the saved run") as con:
            deleted = con.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount
        if deleted == 0:
            raise UnknownRun(f"there is no saved run with id {run_id}", self.path)

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


def open_progress(path: str | os.PathLike[str] | None = None) -> tuple[Progress, str | None]:
    """Open the learner's progress store.

    Returns the store and a notice for the learner when something had to be
    repaired (a damaged file moved aside), else None. Raises ProgressError,
    whose message names the file, when the store cannot be used at all.
    """
    store = Progress(path)
    return store, store.notice


# --- helpers -----------------------------------------------------------------


def _now(when: float | None) -> float:
    return time.time() if when is None else float(when)


def _code(e: sqlite3.Error) -> int:
    """SQLite's primary result code (the low byte of an extended one), or -1."""
    code = getattr(e, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def _user_version(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA user_version").fetchone()[0]


def _need_id(what: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")


def _json_default(value: Any) -> Any:
    # NumPy scalars and arrays (and anything else with tolist) become plain numbers/lists.
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _to_json(value: Mapping[str, Any], what: str) -> str:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a dict, not {type(value).__name__}")
    try:
        return json.dumps(dict(value), default=_json_default)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what} cannot be stored as JSON: {e}") from None


def _saved_run(row: tuple[Any, ...]) -> SavedRun:
    run_id, name, config, metrics, saved_at = row
    return SavedRun(run_id, name, json.loads(config),
                    None if metrics is None else json.loads(metrics), saved_at)


def _check_writable(db: Path) -> None:
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


@contextmanager
def _repair_lock(db: Path) -> Iterator[None]:
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


def _set_aside_if_not_a_file(db: Path) -> str | None:
    """Move progress.db aside if it is something SQLite cannot keep answers in (a link
    to /dev/null or another device, a pipe); returns the notice, or None."""
    def is_special() -> bool:
        try:
            return not stat.S_ISREG(os.stat(db).st_mode)
        except OSError:
            return False  # not there (a fresh store), or a dangling link SQLite will report

    if not is_special():
        return None
    with _repair_lock(db):  # another tutor may be moving it right now
        if not is_special():
            return None
        target = f" (a link to {os.readlink(db)})" if os.path.islink(db) else ""
        aside = _move_aside(db)
    return (f"Your progress file {db} was not a regular file{target}, so nothing could be saved in it. "
            f"It was moved to {aside} and a fresh progress store was started.")


def _claim(db: Path) -> tuple[int | None, bool]:
    """Take a lock on progress.db.inuse: (its descriptor, alone). alone: no other tutor
    has the store open, and we hold the lock exclusively until _share(). (None, False)
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


def _share(fd: int) -> None:
    """Hold the in-use lock shared, as every open store does (waits for a checker to finish)."""
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_SH)


def _store_facts(db: Path) -> tuple[str | None, int, int] | None:
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


def _set_aside_foreign_wal(db: Path) -> str | None:
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
            before = _store_facts(copy)
            shutil.copyfile(wal, f"{copy}-wal")
            after = _store_facts(copy)
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


def _move_aside(db: Path) -> Path:
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
