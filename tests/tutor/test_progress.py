"""The progress store: persistence, repair of damaged files, two processes at once,
Leitner scheduling, saved runs."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import platformdirs
import pytest

from tutor.maths.leitner import DAY, INTERVAL_DAYS, TOP_BOX, next_box, next_due
from tutor.progress import (
    Answer, Progress, ProgressError, UnknownRun, default_path, files, locks, open_progress, schema,
)
from tutor.progress import store as store_module
from tutor.progress import runs as runs_module

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path):
    with Progress(tmp_path) as p:
        yield p


def fill(p: Progress) -> int:
    """Put one of everything in the store; returns the saved run's id."""
    p.record_answer("sigmoid", "q1", "s(1-s)", False, when=10.0)
    p.record_answer("sigmoid", "q1", "σ(1−σ)", True, when=20.0)
    p.record_answer("sigmoid", "q2", "1/4", False, when=30.0)
    p.record_answer("chain-rule", "q1", "f'(g)g'", True, when=40.0)
    p.complete_lesson("chain-rule", when=50.0)
    p.set_last_lesson("sigmoid")
    p.record_drill("power", True, now=0.0)
    p.record_drill("power", True, now=DAY)
    p.record_drill("exp", False, now=0.0)
    return p.save_run("xor tanh", {"dataset": "xor", "layers": [2, 4, 1], "lr": 0.5},
                      {"loss": [0.25, 0.125], "epochs": 2})


def assert_filled(p: Progress, run_id: int) -> None:
    assert p.answers("sigmoid") == [
        Answer("sigmoid", "q1", "s(1-s)", False, 10.0),
        Answer("sigmoid", "q1", "σ(1−σ)", True, 20.0),
        Answer("sigmoid", "q2", "1/4", False, 30.0),
    ]
    assert len(p.answers()) == 4
    assert p.completed() == {"chain-rule"}
    assert p.last_lesson() == "sigmoid"
    assert p.drill_box("power") == 3
    assert p.drill_due_at("power") == DAY + INTERVAL_DAYS[3] * DAY
    assert p.drill_box("exp") == 1
    run = p.load_run(run_id)
    assert run.name == "xor tanh"
    assert run.config == {"dataset": "xor", "layers": [2, 4, 1], "lr": 0.5}
    assert run.metrics == {"loss": [0.25, 0.125], "epochs": 2}


# --- persistence and location ------------------------------------------------


def test_reopening_keeps_everything(tmp_path):
    with Progress(tmp_path) as p:
        run_id = fill(p)
    p2, notice = open_progress(tmp_path)
    with p2:
        assert notice is None
        assert_filled(p2, run_id)


def test_a_folder_path_gets_progress_db_inside_and_a_file_path_is_used_as_is(tmp_path):
    with Progress(tmp_path) as p:
        assert p.path == tmp_path / "progress.db"
    custom = tmp_path / "sub" / "mine.sqlite"
    with Progress(custom) as p:
        p.set_last_lesson("x")
        assert p.path == custom
    assert custom.is_file()


def test_nn_tutor_data_dir_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "progress.db"
    p, notice = open_progress()
    with p:
        p.complete_lesson("intro")
    assert notice is None
    assert p.path == tmp_path / "data" / "progress.db"
    with Progress(tmp_path / "data" / "progress.db") as again:
        assert again.is_complete("intro")


def test_without_the_variable_the_platform_data_dir_is_used(monkeypatch):
    monkeypatch.delenv("NN_TUTOR_DATA_DIR", raising=False)
    assert default_path() == Path(platformdirs.user_data_dir("nn-tutor")) / "progress.db"


def test_the_file_is_in_wal_mode_with_the_current_schema_version(store):
    con = sqlite3.connect(store.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    finally:
        con.close()
    assert store.schema_version() == len(schema.MIGRATIONS)


# --- answers, quizzes, lessons ----------------------------------------------


def test_a_right_answer_after_the_answer_was_shown_does_not_solve_that_variant(store):
    store.record_answer("l", "q", "1", False, when=1.0)
    store.record_reveal("l", "q", variant=0, when=2.0)
    assert store.record_answer("l", "q", "0.04158", True, when=3.0) is False
    state = store.quiz_states("l")["q"]
    assert (state.solved, state.answer_shown, state.status, state.reveals) == (False, True, "answer shown", 1)
    assert store.quiz_status("l") == {"q": False}
    assert store.answers("l")[-1].after_reveal is True
    # A fresh variant (the next number) can still be solved; then it stays solved.
    assert store.record_answer("l", "q", "0.05", True, when=4.0, variant=1) is True
    store.record_answer("l", "q", "9", False, when=5.0, variant=1)
    state = store.quiz_states("l")["q"]
    assert (state.solved, state.answer_shown, state.status, state.attempts) == (True, False, "solved", 4)


def test_quiz_states_list_shown_quizzes_never_answered_and_lesson_scores(store):
    store.record_reveal("l", "b", when=1.0)
    store.record_answer("l", "a", "x", True, when=2.0)
    store.record_answer("l", "c", "x", False, when=3.0)
    states = store.quiz_states("l")
    assert list(states) == ["b", "a", "c"]
    assert [states[q].status for q in states] == ["answer shown", "solved", "tried"]
    assert store.lesson_scores({"l": ["a", "b", "c", "d"], "other": ["z"]}) == {
        "l": (1, 1, 4), "other": (0, 0, 1)}


def test_hints_used_are_kept_and_never_go_down(store):
    store.record_hints("l", "q", 2)
    store.record_hints("l", "q", 1)
    store.record_hints("l", "r", 1)
    assert store.hints_shown("l") == {"q": 2, "r": 1}
    assert store.hints_shown("other") == {}


def test_quiz_status_and_score_count_a_quiz_solved_if_any_answer_was_right(store):
    fill(store)
    assert store.quiz_status("sigmoid") == {"q1": True, "q2": False}
    assert store.score("sigmoid") == (1, 2)
    assert store.score("chain-rule") == (1, 1)
    assert store.quiz_status("never-opened") == {}
    assert store.score("never-opened") == (0, 0)


def test_answers_are_listed_oldest_first_and_numpy_verdicts_are_stored_as_bool(store):
    store.record_answer("l", "b", "late", np.bool_(True), when=5.0)
    store.record_answer("l", "a", "early", False, when=1.0)
    got = store.answers()
    assert [a.text for a in got] == ["early", "late"]
    assert got[1].correct is True


def test_answer_time_defaults_to_now(store):
    before = time.time()
    store.record_answer("l", "q", "x", True)
    after = time.time()
    assert before <= store.answers()[0].when <= after


def test_bad_ids_are_refused_with_a_message(store):
    with pytest.raises(ValueError, match="lesson_id must be a non-empty string"):
        store.record_answer("", "q", "x", True)
    with pytest.raises(TypeError, match="answer text must be a string"):
        store.record_answer("l", "q", None, True)  # type: ignore[arg-type]
    assert store.answers() == []


def test_completing_twice_keeps_the_lesson_once(store):
    assert not store.is_complete("a")
    store.complete_lesson("a")
    store.complete_lesson("a")
    store.complete_lesson("b")
    assert store.is_complete("a")
    assert store.completed() == {"a", "b"}


def test_last_lesson_is_replaced(store):
    assert store.last_lesson() is None
    store.set_last_lesson("one")
    store.set_last_lesson("two")
    assert store.last_lesson() == "two"


# --- Leitner boxes -----------------------------------------------------------


def test_leitner_rule():
    assert [next_box(b, True) for b in range(1, TOP_BOX + 1)] == [2, 3, 4, 5, 5]
    assert [next_box(b, False) for b in range(1, TOP_BOX + 1)] == [1, 1, 1, 1, 1]
    assert next_due(1, 100.0) == 100.0
    assert next_due(4, 100.0) == 100.0 + 4 * DAY


def test_unknown_family_is_in_box_1_and_due(store):
    assert store.drill_box("power") == 1
    assert store.drill_due_at("power") is None
    assert store.due_drills(now=0.0) == []  # nothing drilled yet
    assert store.due_drills(now=0.0, families=["power", "exp"]) == ["power", "exp"]


def test_right_answers_climb_the_boxes_and_wait_longer(store):
    now = 1_000.0
    boxes = []
    for _ in range(6):
        box = store.record_drill("power", True, now=now)
        boxes.append(box)
        due = store.drill_due_at("power")
        assert due == now + INTERVAL_DAYS[box] * DAY
        assert store.due_drills(now=due - 1.0) == []
        assert store.due_drills(now=due) == ["power"]
        now = due
    assert boxes == [2, 3, 4, 5, 5, 5]
    assert store.drill_box("power") == TOP_BOX


def test_a_wrong_answer_sends_the_family_back_to_box_1_due_at_once(store):
    for day in range(3):
        store.record_drill("chain", True, now=day * 10 * DAY)
    assert store.drill_box("chain") == 4
    assert store.record_drill("chain", False, now=100 * DAY) == 1
    assert store.drill_box("chain") == 1
    assert store.due_drills(now=100 * DAY) == ["chain"]


def test_due_drills_lists_the_most_overdue_first_and_skips_those_not_due(store):
    store.record_drill("late", True, now=0.0)  # box 2, due at 1 day
    store.record_drill("later", True, now=0.5 * DAY)  # box 2, due at 1.5 days
    store.record_drill("future", True, now=5 * DAY)  # box 2, due at 6 days
    assert store.due_drills(now=2 * DAY) == ["late", "later"]
    assert store.due_drills(now=2 * DAY, families=["new", "later", "future"]) == ["new", "later"]


# --- saved runs --------------------------------------------------------------


def test_runs_round_trip_through_json(store):
    config = {"dataset": "spiral", "layers": [2, 16, 16, 3], "lr": 0.1 + 0.2, "seed": 7,
              "name": "σ net ✓", "momentum": None, "shuffle": True, "nested": {"a": [1.5e-300]}}
    metrics = {"loss": [1.0, 0.5, float("nan")], "diverged_at": 3}
    run_id = store.save_run("spiral", config, metrics, when=123.0)
    run = store.load_run(run_id)
    assert run.config == config
    assert run.config["lr"] == 0.1 + 0.2  # floats survive bit for bit
    assert run.metrics["loss"][:2] == [1.0, 0.5] and np.isnan(run.metrics["loss"][2])
    assert run.saved_at == 123.0
    assert store.load_run(store.save_run("bare", {"dataset": "xor"})).metrics is None


def test_numpy_values_are_stored_as_plain_numbers_and_lists(store):
    run_id = store.save_run("np", {"lr": np.float64(0.5), "epochs": np.int64(10)},
                            {"loss": np.array([0.5, 0.25])})
    run = store.load_run(run_id)
    assert run.config == {"lr": 0.5, "epochs": 10} and type(run.config["epochs"]) is int
    assert run.metrics == {"loss": [0.5, 0.25]}


def test_runs_are_listed_newest_first_and_can_be_deleted(store):
    a = store.save_run("a", {}, when=1.0)
    b = store.save_run("b", {}, when=2.0)
    c = store.save_run("c", {}, when=3.0)
    assert [r.id for r in store.runs()] == [c, b, a]
    store.delete_run(b)
    assert [r.name for r in store.runs()] == ["c", "a"]
    with pytest.raises(UnknownRun, match=f"no saved run with id {b}"):
        store.load_run(b)
    with pytest.raises(UnknownRun):
        store.delete_run(b)


def test_a_runs_checkpoint_bytes_round_trip_and_are_left_out_of_the_list(store):
    blob = bytes(range(256)) * 40 + b"\x00"   # any bytes, zeros included
    run_id = store.save_run("xor", {"dataset": "xor"}, {"epochs": 10}, when=5.0, checkpoints=blob)
    assert store.load_run(run_id).checkpoints == blob
    [listed] = store.runs()
    assert listed.id == run_id and listed.checkpoints is None and listed.metrics == {"epochs": 10}
    assert store.load_run(store.save_run("none", {})).checkpoints is None


def test_weights_above_the_limit_are_refused_and_nothing_is_saved(store, monkeypatch):
    monkeypatch.setattr(runs_module, "MAX_CHECKPOINT_BYTES", 100)
    with pytest.raises(ValueError, match="run 'big': its weights take .* MB a saved run may keep"):
        store.save_run("big", {}, checkpoints=b"x" * 101)
    assert store.runs() == []


def test_a_version_2_file_keeps_its_saved_runs_and_gains_room_for_weights(tmp_path):
    """Schema 2 (runs without checkpoints) migrates: its runs list and load, with no weights."""
    write_old_store(tmp_path, 2, "INSERT INTO runs (name, config, metrics, saved_at)"
                                 " VALUES ('old', '{\"dataset\": \"xor\"}', '{\"epochs\": 3}', 7.0)")
    with Progress(tmp_path) as p:
        assert p.schema_version() == len(schema.MIGRATIONS) >= 3
        [old] = p.runs()
        assert (old.name, old.config, old.metrics, old.saved_at) == ("old", {"dataset": "xor"}, {"epochs": 3}, 7.0)
        assert p.load_run(old.id).checkpoints is None
        p.save_run("new", {}, checkpoints=b"w")
        assert [r.name for r in p.runs()] == ["new", "old"]


def test_a_config_that_is_not_json_is_refused_and_nothing_is_saved(store):
    with pytest.raises(ValueError, match="run 'bad': config cannot be stored as JSON"):
        store.save_run("bad", {"f": object()})
    with pytest.raises(ValueError, match="needs a name"):
        store.save_run("  ", {})
    assert store.runs() == []


# --- damaged files -----------------------------------------------------------


def _damaged_copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("progress.db.damaged-*"))


def _assert_moved_aside(tmp_path: Path, original: bytes, notice: str | None) -> Path:
    [aside] = [p for p in _damaged_copies(tmp_path) if not p.name.endswith(("-wal", "-shm"))]
    assert aside.read_bytes() == original  # the old file is kept as it was
    assert notice is not None and str(aside) in notice and "fresh" in notice
    return aside


def _fresh_store_works(tmp_path: Path) -> None:
    with Progress(tmp_path) as p:
        assert p.answers() == [] and p.runs() == []
        p.record_answer("l", "q", "x", True, when=1.0)
    p, notice = open_progress(tmp_path)
    with p:
        assert notice is None
        assert len(p.answers()) == 1


def test_a_file_of_random_bytes_is_moved_aside_and_a_fresh_store_started(tmp_path):
    junk = np.random.default_rng(0).bytes(10_000)
    (tmp_path / "progress.db").write_bytes(junk)
    p, notice = open_progress(tmp_path)
    p.close()
    _assert_moved_aside(tmp_path, junk, notice)
    assert "not a database" in notice
    _fresh_store_works(tmp_path)


def _real_db(tmp_path: Path) -> bytes:
    with Progress(tmp_path) as p:
        for i in range(400):
            p.record_answer("lesson", f"q{i}", "x" * 40, i % 2 == 0, when=float(i))
    return (tmp_path / "progress.db").read_bytes()


def _store_with_answers(tmp_path, count: int) -> tuple[Path, Path]:
    """A store folder holding `count` answers (all in the file itself), and an empty scratch folder."""
    mine, scratch = tmp_path / "mine", tmp_path / "scratch"
    mine.mkdir(), scratch.mkdir()
    with Progress(mine) as p:
        for i in range(count):
            p.record_answer("l", f"q{i}", "x", True)
    return mine, scratch


def test_a_journal_from_another_database_is_moved_aside_not_replayed(tmp_path):
    mine, other = _store_with_answers(tmp_path, 300)
    with Progress(other) as q:  # copy its WAL while it is open, before it is folded in
        q.record_answer("other", "q", "y", False)
        shutil.copyfile(other / "progress.db-wal", mine / "progress.db-wal")
    store, notice = open_progress(mine)
    with store:
        assert len(store.answers()) == 300
    assert "did not belong" in notice and "your 300 answers are kept" in notice
    aside, = mine.glob("progress.db-wal.foreign-*")
    assert str(aside) in notice


def test_a_journal_of_the_same_store_that_would_lose_answers_is_moved_aside(tmp_path):
    mine, scratch = _store_with_answers(tmp_path, 20)
    shutil.copyfile(mine / "progress.db", scratch / "progress.db")  # same identity
    con = sqlite3.connect(scratch / "progress.db", isolation_level=None)
    con.execute("DELETE FROM answers WHERE id > 5")
    shutil.copyfile(scratch / "progress.db-wal", mine / "progress.db-wal")
    con.close()
    store, notice = open_progress(mine)
    with store:
        assert len(store.answers()) == 20
    assert "replaying it would have left 5 of your 20 answers" in notice


def test_a_journal_left_by_a_tutor_that_died_is_replayed(tmp_path):
    script = ("import os, sys; from tutor.progress import Progress\n"
              "p = Progress(sys.argv[1])\n"
              "[p.record_answer('l', f'q{i}', 'x', True) for i in range(25)]\n"
              "os._exit(0)  # no close: the answers are only in the WAL\n")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, cwd=REPO, timeout=60)
    assert (tmp_path / "progress.db-wal").stat().st_size > 0
    store, notice = open_progress(tmp_path)
    with store:
        assert notice is None
        assert len(store.answers()) == 25


def test_a_progress_file_linked_to_dev_null_is_moved_aside_and_a_fresh_store_works(tmp_path):
    link = tmp_path / "progress.db"
    link.symlink_to(os.devnull)
    store, notice = open_progress(tmp_path)
    with store:
        store.record_answer("l", "q", "x", True)
        assert len(store.answers()) == 1
    assert "was not a regular file (a link to /dev/null)" in notice
    aside, = tmp_path.glob("progress.db.damaged-*")
    assert aside.is_symlink() and str(aside) in notice
    assert link.is_file() and not link.is_symlink()


def test_a_truncated_database_is_moved_aside(tmp_path):
    whole = _real_db(tmp_path)
    half = whole[: len(whole) // 2]
    (tmp_path / "progress.db").write_bytes(half)
    p, notice = open_progress(tmp_path)
    p.close()
    _assert_moved_aside(tmp_path, half, notice)
    _fresh_store_works(tmp_path)


def test_a_page_of_garbage_is_caught_by_the_integrity_check(tmp_path):
    data = bytearray(_real_db(tmp_path))
    data[2 * 4096: 2 * 4096 + 200] = b"\xff" * 200  # scribble over the third page
    (tmp_path / "progress.db").write_bytes(bytes(data))
    p, notice = open_progress(tmp_path)
    p.close()
    _assert_moved_aside(tmp_path, bytes(data), notice)
    _fresh_store_works(tmp_path)


def test_moving_aside_takes_the_wal_and_shm_along_so_they_never_meet_a_fresh_file(tmp_path):
    db = tmp_path / "progress.db"
    for name, data in [("progress.db", b"db"), ("progress.db-wal", b"wal"), ("progress.db-shm", b"shm")]:
        (tmp_path / name).write_bytes(data)
    aside = files.move_aside(db)
    assert aside.name.startswith("progress.db.damaged-")
    assert [aside.read_bytes(), Path(f"{aside}-wal").read_bytes(), Path(f"{aside}-shm").read_bytes()] \
        == [b"db", b"wal", b"shm"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("progress.db")) \
        == sorted([aside.name, f"{aside.name}-wal", f"{aside.name}-shm"])


def test_a_second_repair_gets_its_own_name(tmp_path):
    for _ in range(2):
        (tmp_path / "progress.db").write_bytes(b"junk" * 1000)
        p, notice = open_progress(tmp_path)
        p.close()
        assert notice is not None
    assert len(_damaged_copies(tmp_path)) == 2


def test_an_empty_file_is_simply_a_new_store(tmp_path):
    (tmp_path / "progress.db").write_bytes(b"")
    p, notice = open_progress(tmp_path)
    with p:
        assert notice is None
        p.set_last_lesson("a")
        assert p.last_lesson() == "a"
    assert _damaged_copies(tmp_path) == []


# --- schema versions ---------------------------------------------------------


def write_old_store(folder: Path, version: int, *statements: str) -> None:
    """A progress file at schema `version` (its first MIGRATIONS steps), with these rows."""
    con = sqlite3.connect(folder / "progress.db")
    for step in schema.MIGRATIONS[:version]:
        for statement in step:
            con.execute(statement)
    for statement in statements:
        con.execute(statement)
    con.execute(f"PRAGMA user_version = {version}")
    con.commit()
    con.close()


def test_an_older_file_is_migrated_and_keeps_its_data(tmp_path, monkeypatch):
    with Progress(tmp_path) as p:
        run_id = fill(p)
    extra_step = ("ALTER TABLE runs ADD COLUMN note TEXT",)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + (extra_step,))
    with Progress(tmp_path) as p:
        assert p.schema_version() == len(schema.MIGRATIONS)
        assert_filled(p, run_id)
    con = sqlite3.connect(tmp_path / "progress.db")
    try:
        assert "note" in [row[1] for row in con.execute("PRAGMA table_info(runs)")]
    finally:
        con.close()


def test_a_version_1_file_gains_shown_answers_and_hints_and_keeps_every_answer(tmp_path):
    """Schema 1 (before shown answers were kept) migrates: its answers still count."""
    write_old_store(tmp_path, 1, "INSERT INTO answers (lesson_id, quiz_id, text, correct, answered_at)"
                                 " VALUES ('l', 'q1', '3x^2', 1, 5.0), ('l', 'q2', '7', 0, 6.0)")
    with Progress(tmp_path) as p:
        assert p.schema_version() == len(schema.MIGRATIONS) >= 2
        assert [(a.quiz_id, a.text, a.correct, a.variant, a.after_reveal) for a in p.answers("l")] == [
            ("q1", "3x^2", True, 0, False), ("q2", "7", False, 0, False)]
        assert p.quiz_status("l") == {"q1": True, "q2": False}
        assert p.hints_shown("l") == {}


def test_a_file_from_a_newer_tutor_is_refused_and_left_alone(tmp_path):
    with Progress(tmp_path) as p:
        p.set_last_lesson("x")
    con = sqlite3.connect(tmp_path / "progress.db")
    con.execute("PRAGMA user_version = 99")
    con.close()
    before = (tmp_path / "progress.db").read_bytes()
    with pytest.raises(ProgressError, match="newer nn-tutor .*schema 99"):
        open_progress(tmp_path)
    assert (tmp_path / "progress.db").read_bytes() == before
    assert _damaged_copies(tmp_path) == []


# --- unusable places ---------------------------------------------------------


def test_a_folder_that_cannot_be_created_gives_a_progress_error_naming_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a folder")
    with pytest.raises(ProgressError, match="cannot create the progress folder") as info:
        open_progress(blocker / "data" / "progress.db")
    message = str(info.value)
    assert str(blocker / "data") in message and f"{blocker} is a file, not a folder" in message
    assert info.value.path == blocker / "data" / "progress.db"


def test_a_folder_where_the_file_should_be_is_refused(tmp_path):
    (tmp_path / "progress.db").mkdir()
    with pytest.raises(ProgressError, match="is a folder, not a file"):
        open_progress(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that apply (not root)")
def test_a_read_only_folder_gives_a_progress_error_naming_it(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ProgressError, match="not writable") as info:
            open_progress(folder)
        assert str(folder) in str(info.value)
    finally:
        folder.chmod(0o700)


def test_a_closed_store_says_so(tmp_path):
    p = Progress(tmp_path)
    p.close()
    p.close()
    with pytest.raises(ProgressError, match="is closed"):
        p.answers()


def test_a_store_locked_too_long_gives_a_progress_error_and_loses_nothing_after(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.05)
    with Progress(tmp_path) as p:
        other = sqlite3.connect(p.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            with pytest.raises(ProgressError, match="locked"):
                p.record_answer("l", "q", "x", True)
        finally:
            other.execute("ROLLBACK")
            other.close()
        p.record_answer("l", "q", "y", True)
        assert [a.text for a in p.answers()] == ["y"]


# --- several writers ---------------------------------------------------------


def _hold_write_lock(path):
    """Another connection (as another tutor would) holding the write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_an_answer_recorded_while_another_tutor_writes_waits_and_succeeds(store):
    # A busy timeout of 0 would fail at once with "locked"; the store must wait.
    other = _hold_write_lock(store.path)
    other.execute("INSERT INTO answers (lesson_id, quiz_id, text, correct, answered_at)"
                  " VALUES ('l', 'q', 'theirs', 1, 1.0)")
    release = threading.Timer(0.3, lambda: (other.execute("COMMIT"), other.close()))
    release.start()
    try:
        store.record_answer("l", "q", "mine", True, when=2.0)
    finally:
        release.join()
    assert [a.text for a in store.answers()] == ["theirs", "mine"]


def test_a_drill_waits_for_the_write_lock_before_reading_its_box(store):
    # BEGIN IMMEDIATE: the drill's read-then-write starts only once the other
    # writer is done, so it moves on from the box the other one wrote (3 -> 4).
    # A deferred BEGIN would read box 1 first and write 2, or fail on the
    # snapshot that went stale meanwhile.
    started = threading.Event()
    store._con.set_trace_callback(lambda sql: started.set() if sql.startswith("BEGIN") else None)
    other = _hold_write_lock(store.path)
    other.execute("INSERT INTO drills (family, box, due_at, reviewed_at) VALUES ('power', 3, 0, 0)")
    result = {}
    drill = threading.Thread(target=lambda: result.update(box=store.record_drill("power", True, now=0.0)))
    drill.start()
    try:
        assert started.wait(30), "the drill never began its transaction"
        time.sleep(0.3)  # the drill is now waiting for the lock (or, deferred, has read its box)
    finally:
        other.execute("COMMIT")
        other.close()
    drill.join(30)
    assert result.get("box") == 4
    assert store.drill_box("power") == 4




def test_threads_sharing_one_store_all_get_their_answers_in(store):
    def answer(tag):
        for i in range(50):
            store.record_answer(tag, f"q{i}", "x", True)
    threads = [threading.Thread(target=answer, args=(f"t{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.answers()) == 200
    assert all(store.score(f"t{k}") == (50, 50) for k in range(4))


# Each child opens the store only after all have started (a pipe barrier, no
# sleeping), so opening (and repairing, and migrating) and writing all overlap.
CHILD = """
import sys
from tutor.progress import open_progress
folder, tag = sys.argv[1], sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()
p, notice = open_progress(folder)
with p:
    for i in range(200):
        p.record_answer(tag, f"q{i}", f"answer {i}", i % 2 == 0)
        if i % 50 == 0:
            p.record_drill("power", True)
            p.save_run(f"{tag} run {i}", {"i": i})
print("repaired" if notice else "clean", flush=True)
"""


def run_at_once(folder: Path, tags: list[str]) -> list[str]:
    """Run one CHILD per tag, all released at once; returns what each printed last."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(folder), tag], cwd=REPO, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for tag in tags
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0 and err == "", err
        outcomes.append(out.strip())
    return outcomes


def test_two_processes_answering_at_once_both_succeed(tmp_path):
    assert run_at_once(tmp_path, ["ssh-1", "ssh-2"]) == ["clean", "clean"]
    with Progress(tmp_path) as p:
        assert len(p.answers()) == 400
        assert p.score("ssh-1") == (100, 200) and p.score("ssh-2") == (100, 200)
        assert len(p.runs()) == 8
        assert p.drill_box("power") == TOP_BOX
    assert _damaged_copies(tmp_path) == []


def test_a_file_repaired_by_another_tutor_meanwhile_is_not_moved_again(tmp_path, monkeypatch):
    (tmp_path / "progress.db").write_bytes(b"\x00junk" * 2000)
    real_lock = locks.repair_lock
    others = []

    def other_tutor_wins_the_race(db):
        # Between our diagnosis and our taking the lock, another tutor repairs the file.
        monkeypatch.setattr(locks, "repair_lock", real_lock)
        other, notice = open_progress(tmp_path)
        other.record_answer("other", "q", "x", True)
        others.append((other, notice))
        return real_lock(db)

    monkeypatch.setattr(locks, "repair_lock", other_tutor_wins_the_race)
    p, notice = open_progress(tmp_path)
    [(other, other_notice)] = others
    with p, other:
        assert other_notice is not None and notice is None
        assert [a.lesson_id for a in p.answers()] == ["other"]  # the other's fresh file, kept
    assert len(_damaged_copies(tmp_path)) == 1


@pytest.mark.skipif(os.name != "posix", reason="flock is POSIX")
def test_the_repair_lock_is_exclusive(tmp_path):
    import fcntl
    db = tmp_path / "progress.db"
    with locks.repair_lock(db):
        fd = os.open(f"{db}.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(f"{db}.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released on leaving the block
    finally:
        os.close(fd)
