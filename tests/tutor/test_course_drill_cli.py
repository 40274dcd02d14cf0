"""`tutor drill`: generated drills judged, recorded for spaced repetition, missed families first."""
from __future__ import annotations

import pytest

from tutor.cli import main
from tutor.maths import drills
from tutor.progress import Progress


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path))
    return tmp_path


def feed(monkeypatch, lines):
    remaining = list(lines)

    def fake_input(prompt=""):
        if not remaining:
            raise EOFError
        return remaining.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)


def test_right_answer_is_recorded_and_q_quits(data_dir, monkeypatch, capsys):
    first = drills.generate(11, level=1)
    feed(monkeypatch, [first.expected, "q"])
    assert main(["drill", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert first.prompt in out and "Correct." in out
    assert out.rstrip().endswith("1 drill, 1 right at the first try.")
    with Progress(data_dir / "progress.db") as store:
        assert store.drill_box(first.family) == 2


def test_missed_family_comes_back_after_other_families(data_dir, monkeypatch, capsys):
    from tutor.maths.drill_plan import RECENT

    first = drills.generate(5, level=1)
    # wrong, move on; skip RECENT other drills (each counts as missed); then q
    feed(monkeypatch, ["0", ""] + [""] * RECENT + ["q"])
    assert main(["drill", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "Not quite." in out and "The answer: " in out
    prompts = [line for line in out.splitlines() if line.startswith("d/dx of ")]
    assert len(prompts) == RECENT + 2
    # the drills between are of other families; the missed one is due again after them
    with Progress(data_dir / "progress.db") as store:
        assert store.drill_box(first.family) == 1
    assert prompts[1] != prompts[0]
    last = prompts[-1]
    assert any(drills.generate(5 + RECENT + 1 + k * 7919, family=first.family).prompt == last
               for k in range(20)), prompts
    assert out.rstrip().endswith(f"{RECENT + 1} drills, 0 right at the first try.")


def test_level_rises_after_a_streak(data_dir, monkeypatch, capsys):
    from tutor.maths.drill_plan import LEVEL_UP, DrillPlan

    plan = DrillPlan(100)
    answers = []
    for _ in range(LEVEL_UP):
        answers.append(plan.generate(*plan.next_spec([])).expected)
        plan.count(True)
    feed(monkeypatch, answers + ["q"])
    main(["drill", "--seed", "100"])
    out = capsys.readouterr().out
    assert "Level 2." in out
    assert plan.generate(*plan.next_spec([])).prompt in out.split("Level 2.", 1)[1]


def test_question_mark_is_a_hint_as_in_tutor_quiz_and_giveup_shows_the_answer(data_dir, monkeypatch, capsys):
    from tutor.commands.drill import rule_hint

    first = drills.generate(5, level=1)
    feed(monkeypatch, ["?", "giveup", "q"])
    main(["drill", "--seed", "5"])
    out = capsys.readouterr().out
    assert "? for a hint" in out.splitlines()[0]
    assert f"Hint: {rule_hint(first.family)}" in out
    assert out.index("Hint: ") < out.index("The answer: ")  # ? did not give the answer away
    assert all(rule_hint(family) for family in drills.FAMILIES)
