"""`tutor quiz LESSON_ID` in plain text: answers, hints, skipping, giving up, EOF, and saving."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tutor
from tutor.cli import main
from tutor.progress import Progress

LESSON = '''\
+++
id = "mini"
title = "Mini lesson"
requires = []
+++
Prose.

```quiz
id = "cube"
kind = "derivative"
prompt = "Differentiate x³."
function = "x^3"
hints = ["Power rule.", "n·xⁿ⁻¹ with n = 3."]
explanation = "3x², by the power rule."
```

```quiz
id = "pick"
kind = "choice"
prompt = "Which is the sigmoid's largest slope?"
choices = ["one", "¼", "½"]
answer = 2
hints = ["σ′ = σ(1 − σ)."]
explanation = "At 0, σ = ½ and σ′ = ¼."
```
'''


@pytest.fixture
def course(tmp_path, monkeypatch):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-mini.md").write_text(LESSON, encoding="utf-8")
    monkeypatch.setenv("NN_TUTOR_LESSONS", str(lessons))
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def feed(monkeypatch, lines):
    """Make input() return `lines` one by one, then raise EOFError (Ctrl-D)."""
    remaining = list(lines)

    def fake_input(prompt=""):
        if not remaining:
            raise EOFError
        return remaining.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)


def answers(course_dir):
    with Progress(course_dir / "data" / "progress.db") as store:
        return [(a.quiz_id, a.text, a.correct) for a in store.answers("mini")], store.completed()


def test_right_answers_complete_the_lesson(course, monkeypatch, capsys):
    feed(monkeypatch, ["3x^2", "2"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert "[1/2] Differentiate x³." in out
    assert "Correct. Read as: 3x²." in out and "3x², by the power rule." in out
    assert "  2. ¼" in out and "At 0, σ = ½ and σ′ = ¼." in out
    assert "Solved 2 of 2. 2 answers saved." in out and "Lesson complete." in out
    assert answers(course) == ([("cube", "3x^2", True), ("pick", "2", True)], {"mini"})


def test_wrong_answer_feedback_then_hints_then_right(course, monkeypatch, capsys):
    feed(monkeypatch, ["x^3", "?", "?", "?", "3*x**2", "skip"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert "Not quite. Read as: x³." in out and "Try again, or ? for a hint." in out
    assert "Hint 1/2: Power rule." in out and "Hint 2/2: n·xⁿ⁻¹ with n = 3." in out
    assert "No more hints: type giveup to see the answer and the explanation." in out
    assert "Skipped." in out and "Solved 1 of 2. 2 answers saved." in out
    assert "Lesson complete." not in out
    assert answers(course) == ([("cube", "x^3", False), ("cube", "3*x**2", True)], set())


def test_unreadable_answer_is_explained_and_not_saved(course, monkeypatch, capsys):
    feed(monkeypatch, ["3x^^2", "", "giveup"])
    main(["quiz", "mini"])
    out = capsys.readouterr().out
    assert "Could not read your answer" in out
    assert "Skipped." in out
    assert "The answer: 2. ¼\nAt 0, σ = ½ and σ′ = ¼." in out
    assert answers(course) == ([], set())


def test_eof_ends_cleanly_keeping_what_was_answered(course, monkeypatch, capsys):
    feed(monkeypatch, ["3x^2"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Stopped. 1 answer saved.")
    assert answers(course) == ([("cube", "3x^2", True)], set())


def test_unknown_lesson_suggests_close_ids(course, capsys):
    assert main(["quiz", "minni"]) == 2
    assert capsys.readouterr().err.strip() == 'tutor quiz: error: no lesson "minni" (did you mean mini?)'


def test_subprocess_with_stdin(course):
    env = {**os.environ, "PYTHONPATH": str(Path(tutor.__file__).resolve().parent.parent)}
    result = subprocess.run([sys.executable, "-m", "tutor", "quiz", "mini"], input="3*x^2\n1\n",
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Correct." in result.stdout and "Not choice 1." in result.stdout
    assert result.stdout.rstrip().endswith("Stopped. 2 answers saved.")
    assert "Traceback" not in result.stderr


def test_problems_in_the_lesson_are_mentioned(course, monkeypatch, capsys):
    path = course / "lessons" / "01-mini.md"
    path.write_text(path.read_text(encoding="utf-8") + '\n```quiz\nkind = "derivitive"\n```\n', encoding="utf-8")
    feed(monkeypatch, [])
    assert main(["quiz", "mini"]) == 0
    err = capsys.readouterr().err
    assert "note: 1 problem(s) in 01-mini.md leave some blocks out; `tutor check-lessons` lists them" in err
