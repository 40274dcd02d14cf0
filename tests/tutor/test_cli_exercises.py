"""`tutor exercises`: init, the list with states, check's exit code and unlocking,
hints one at a time, the solution only after a failed check and with a confirmation, watch."""
from __future__ import annotations

import pytest

from tutor.cli import main
from tutor.commands import exercises as command
from tutor.exercises import NAMES, by_name
from tutor.progress import Progress


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert main(["exercises", "init"]) == 0
    monkeypatch.chdir(tmp_path / "nn-exercises")
    return tmp_path / "nn-exercises"


def solve(workspace, name, code=None):
    exercise = by_name(name)
    (workspace / exercise.filename).write_text(exercise.file_text(code or exercise.solution_code), encoding="utf-8")


def states(capsys) -> dict[str, str]:
    capsys.readouterr()
    assert main(["exercises"]) == 0
    rows = capsys.readouterr().out.splitlines()[:-1]
    return {row.split()[2]: row.split()[-1] for row in rows}


def test_init_writes_the_starter_files_and_keeps_the_learners(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "mine"
    assert main(["exercises", "init", str(target)]) == 0
    assert (target / "01_sigmoid.py").read_text() == by_name("sigmoid").starter
    assert (target / "README.txt").is_file()
    (target / "01_sigmoid.py").write_text("# my work\n")
    (target / "02_tanh.py").unlink()
    capsys.readouterr()
    assert main(["exercises", "init", str(target)]) == 0
    assert (target / "01_sigmoid.py").read_text() == "# my work\n"
    assert (target / "02_tanh.py").read_text() == by_name("tanh").starter
    assert f"1 file(s) written, {len(NAMES) - 1} kept as they were" in capsys.readouterr().out


def test_the_list_shows_the_first_open_and_the_rest_locked(workspace, capsys):
    assert states(capsys) == {"sigmoid": "open"} | {name: "locked" for name in NAMES[1:]}


def test_check_fails_with_exit_1_then_passes_with_exit_0_and_unlocks_the_next(workspace, capsys):
    solve(workspace, "sigmoid", by_name("sigmoid").mistakes[0].code)
    assert main(["exercises", "check"]) == 1
    out = capsys.readouterr().out
    assert "✗ 01_sigmoid.py:" in out and "did you return σ(x) instead of σ(x)(1 − σ(x))?" in out
    assert states(capsys)["sigmoid"] == "tried"
    solve(workspace, "sigmoid")
    assert main(["exercises", "check"]) == 0
    out = capsys.readouterr().out
    assert "✓ sigmoid: all checks pass" in out and "Unlocked: 02_tanh.py" in out
    assert states(capsys) == {"sigmoid": "passed", "tanh": "open"} | {name: "locked" for name in NAMES[2:]}
    # `check` alone now checks tanh, still the starter file
    assert main(["exercises", "check"]) == 1
    assert "tanh is not written yet" in capsys.readouterr().out


def test_a_locked_exercise_is_refused_in_one_line(workspace, capsys):
    assert main(["exercises", "check", "dense"]) == 2
    assert capsys.readouterr().err == ("tutor exercises: error: exercise dense is locked: "
                                       "pass the ones before it first (see `tutor exercises`)\n")


def test_an_unknown_name_gets_a_suggestion(workspace, capsys):
    assert main(["exercises", "hint", "sigmod"]) == 2
    assert capsys.readouterr().err == 'tutor exercises: error: no exercise "sigmod" (did you mean "sigmoid"?)\n'


def test_hints_come_one_at_a_time_and_are_saved(workspace, capsys):
    hints = by_name("sigmoid").hints
    for number in (1, 2, 3, 3):
        assert main(["exercises", "hint", "sigmoid"]) == 0
        assert capsys.readouterr().out == f"Hint {number} of 3 for sigmoid: {hints[number - 1]}\n"


def test_the_solution_needs_a_check_first_then_a_confirmation(workspace, capsys, monkeypatch):
    assert main(["exercises", "solution", "sigmoid"]) == 2
    assert "check sigmoid at least once and see it fail first" in capsys.readouterr().err
    assert main(["exercises", "check"]) == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["exercises", "solution", "sigmoid"]) == 1
    assert "def sigmoid" not in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["exercises", "solution", "sigmoid"]) == 0
    assert capsys.readouterr().out == by_name("sigmoid").solution
    with Progress(workspace.parent / "data" / "progress.db") as store:
        assert store.exercise_solutions_shown() == {"sigmoid"}


def test_a_check_that_passed_at_once_does_not_unlock_the_solution(workspace, capsys, monkeypatch):
    # Issue 16: the solution comes after at least one FAILED check (a pass alone was enough before).
    solve(workspace, "sigmoid")
    assert main(["exercises", "check"]) == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["exercises", "solution", "sigmoid"]) == 2
    captured = capsys.readouterr()
    assert "see it fail first" in captured.err and "def sigmoid" not in captured.out


def test_watch_checks_at_start_and_again_after_a_save(workspace, capsys, monkeypatch):
    # The save is seen by the third poll and checked by the fourth, which finds it settled.
    saves = iter([lambda: None, lambda: solve(workspace, "sigmoid"), lambda: None, lambda: None])
    parser_args = type("Args", (), {"dir": None})()
    with Progress(workspace.parent / "data" / "progress.db") as store:
        assert command.watch(parser_args, store, polls=4, sleep=lambda seconds: next(saves)()) == 0
        # The untouched starter was not checked: no failed check, so no solution yet.
        assert store.exercise_results() == {"sigmoid": (True, 0)}
    out = capsys.readouterr().out
    assert out.index("01_sigmoid.py is the starter file: write sigmoid in it and save") < out.index(
        "✓ sigmoid: all checks pass")
    assert "not written yet" not in out
    assert "Unlocked: 02_tanh.py" in out


def test_watch_checks_an_edited_file_at_start(workspace, capsys):
    (workspace / "01_sigmoid.py").write_text("def sigmoid(z):\n    return z\n", encoding="utf-8")
    parser_args = type("Args", (), {"dir": None})()
    with Progress(workspace.parent / "data" / "progress.db") as store:
        assert command.watch(parser_args, store, polls=1, sleep=lambda seconds: None) == 0
        assert store.exercise_results() == {"sigmoid": (False, 1)}
    assert "✗" in capsys.readouterr().out


def test_the_store_keeps_checks_hints_and_solutions(tmp_path):
    with Progress(tmp_path / "p.db") as store:
        assert store.exercise_results() == {}
        store.record_exercise_check("sigmoid", False)
        store.record_exercise_check("sigmoid", False)
        store.record_exercise_check("sigmoid", True)
        store.record_exercise_check("tanh", False)
        assert store.exercise_results() == {"sigmoid": (True, 2), "tanh": (False, 1)}
        assert [store.show_exercise_hint("tanh") for _ in range(2)] == [1, 2]
    with Progress(tmp_path / "p.db") as store:   # saved, not just in memory
        assert store.exercise_results()["tanh"] == (False, 1)


def test_dir_may_come_before_or_after_the_action(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert main(["exercises", "init", "elsewhere"]) == 0
    solve(tmp_path / "elsewhere", "sigmoid")
    capsys.readouterr()
    assert main(["exercises", "check", "--dir", "elsewhere"]) == 0
    assert main(["exercises", "--dir", "elsewhere", "check", "sigmoid"]) == 0
    assert capsys.readouterr().out.count("✓ sigmoid: all checks pass") == 2
    assert main(["exercises", "check"]) == 1   # ./nn-exercises does not exist
    assert "no file" in capsys.readouterr().out


def test_reset_puts_the_starter_back_and_keeps_the_learners_file(workspace, capsys, monkeypatch):
    path = workspace / "01_sigmoid.py"
    for attempt in ("# first try\n", "# second try\n"):
        path.write_text(attempt)
        assert main(["exercises", "reset", "sigmoid", "--yes"]) == 0
        assert path.read_text() == by_name("sigmoid").starter
    assert (workspace / "01_sigmoid.py.bak").read_text() == "# first try\n"
    assert (workspace / "01_sigmoid.py.bak2").read_text() == "# second try\n"
    assert "yours is 01_sigmoid.py.bak2" in capsys.readouterr().out
    path.write_text("# third\n")
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    assert main(["exercises", "reset", "sigmoid"]) == 1
    assert path.read_text() == "# third\n"
