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
    feed(monkeypatch, ["3x^2", "b"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert "[1/2] Differentiate x³." in out
    assert "✓ Right. Read as: 3x²." in out and "3x², by the power rule." in out
    assert "  a. one\n  b. ¼\n  c. ½\n(type the letter of your choice (or the value it states))" in out
    assert "✓ Right. Choice b." in out and "At 0, σ = ½ and σ′ = ¼." in out
    assert "Score: 2 of 2 solved. 2 answers saved." in out and "Lesson complete." in out
    assert answers(course) == ([("cube", "3x^2", True), ("pick", "b", True)], {"mini"})


def test_wrong_answer_feedback_then_hints_then_right(course, monkeypatch, capsys):
    feed(monkeypatch, ["x^3", "?", "?", "?", "3*x**2", "skip"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert "✗ Not yet. Read as: x³." in out and "Try again, or ? for a hint." in out
    assert "Hint 1/2: Power rule." in out and "Hint 2/2: n·xⁿ⁻¹ with n = 3." in out
    assert "No more hints: type giveup to see the answer and the explanation." in out
    assert "Skipped." in out and "Score: 1 of 2 solved. 2 answers saved." in out
    assert "Lesson complete." not in out
    assert answers(course) == ([("cube", "x^3", False), ("cube", "3*x**2", True)], set())


def test_unreadable_answer_is_explained_and_not_saved(course, monkeypatch, capsys):
    feed(monkeypatch, ["3x^^2", "", "giveup"])
    main(["quiz", "mini"])
    out = capsys.readouterr().out
    assert "Could not read your answer" in out
    assert "Skipped." in out
    assert "The answer: b. ¼\nAt 0, σ = ½ and σ′ = ¼." in out
    assert answers(course) == ([], set())


def test_eof_ends_cleanly_keeping_what_was_answered(course, monkeypatch, capsys):
    feed(monkeypatch, ["3x^2"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Stopped. Score: 1 of 2 solved. 1 answer saved.")
    assert answers(course) == ([("cube", "3x^2", True)], set())


def test_a_second_session_shows_states_starts_at_the_first_unsolved_and_scores(course, monkeypatch, capsys):
    feed(monkeypatch, ["3x^2"])
    main(["quiz", "mini"])
    capsys.readouterr()
    feed(monkeypatch, ["a", "b"])
    assert main(["quiz", "mini"]) == 0
    out = capsys.readouterr().out
    assert "  ✓ 1. Differentiate x³. (solved)" in out and "    2. Which is the sigmoid's largest slope?" in out
    assert "Starting at quiz 2, the first one to solve (--all asks every quiz)." in out
    assert "[1/2]" not in out and "[2/2] Which is the sigmoid's largest slope?" in out
    assert "Score: 2 of 2 solved. 2 answers saved." in out and "Lesson complete." in out
    feed(monkeypatch, [])
    main(["quiz", "mini"])
    assert "Every quiz is solved. `tutor quiz mini --all` asks them again." in capsys.readouterr().out
    feed(monkeypatch, ["x", "3x^2"])  # --all: from quiz 1; a wrong try keeps it solved
    main(["quiz", "mini", "--all"])
    out = capsys.readouterr().out
    assert "[1/2] Differentiate x³." in out
    assert "✗ Not this one. Read as: x." in out and "The quiz stays solved: you solved it before." in out


def test_a_shown_answer_retyped_is_not_solved_and_says_so_everywhere(course, monkeypatch, capsys):
    feed(monkeypatch, ["giveup", "giveup"])
    main(["quiz", "mini"])
    capsys.readouterr()
    feed(monkeypatch, [])
    main(["quiz", "mini"])  # neither has a fresh variant: nothing left to solve
    out = capsys.readouterr().out
    assert "Quizzes 1, 2: the answer was shown and there is no fresh variant; --all asks them as practice." in out
    assert "Nothing left to solve. `tutor quiz mini --all` asks them again." in out
    feed(monkeypatch, ["3x^2", "b"])
    main(["quiz", "mini", "--all"])
    out = capsys.readouterr().out
    assert "  ◐ 1. Differentiate x³. (answer shown)" in out
    assert "it stays \"answer shown\"" in out
    assert "✓ Right. Read as: 3x². You were shown this answer, so it does not solve the quiz." in out
    assert "Score: 0 of 2 solved, 2 answers shown. 2 answers saved." in out and "Lesson complete." not in out
    assert answers(course) == ([("cube", "3x^2", True), ("pick", "b", True)], set())
    with Progress(course / "data" / "progress.db") as store:
        assert [state.status for state in store.quiz_states("mini").values()] == ["answer shown"] * 2


def test_hints_seen_are_kept_for_the_next_session(course, monkeypatch, capsys):
    feed(monkeypatch, ["?"])
    main(["quiz", "mini"])
    capsys.readouterr()
    feed(monkeypatch, ["?"])
    main(["quiz", "mini"])
    out = capsys.readouterr().out
    assert "Hint 1/2 (seen before): Power rule." in out and "Hint 2/2: n·xⁿ⁻¹ with n = 3." in out


def test_help_says_what_question_mark_means(capsys):
    with pytest.raises(SystemExit):
        main(["quiz", "--help"])
    out = capsys.readouterr().out
    assert "? shows the next hint" in out and "--all" in out


def test_unknown_lesson_suggests_close_ids(course, capsys):
    assert main(["quiz", "minni"]) == 2
    assert capsys.readouterr().err.strip() == 'tutor quiz: error: no lesson "minni" (did you mean mini?)'


def test_subprocess_with_stdin(course):
    env = {**os.environ, "PYTHONPATH": str(Path(tutor.__file__).resolve().parent.parent)}
    result = subprocess.run([sys.executable, "-m", "tutor", "quiz", "mini"], input="3*x^2\na\n",
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "✓ Right." in result.stdout and "✗ Not yet. Not choice a." in result.stdout
    assert result.stdout.rstrip().endswith("Stopped. Score: 1 of 2 solved. 2 answers saved.")
    assert "Traceback" not in result.stderr


def test_problems_in_the_lesson_are_mentioned(course, monkeypatch, capsys):
    path = course / "lessons" / "01-mini.md"
    path.write_text(path.read_text(encoding="utf-8") + '\n```quiz\nkind = "derivitive"\n```\n', encoding="utf-8")
    feed(monkeypatch, [])
    assert main(["quiz", "mini"]) == 0
    err = capsys.readouterr().err
    assert "note: 1 problem(s) in 01-mini.md leave some blocks out; `tutor check-lessons` lists them" in err


PREDICT_LESSON = (Path(__file__).resolve().parents[1] / "samples" / "predict" / "01-guess.md").read_text(
    encoding="utf-8")  # a predict quiz that stalls (tests/tui/test_lesson.py uses it too)


def test_a_wrong_prediction_shows_the_run_and_the_next_session_asks_another_seed(course, monkeypatch, capsys):
    from tutor.course.loader import load_course
    from tutor.course.runs import predict_truth
    from tutor.course.variants import variant

    (course / "lessons" / "02-guess.md").write_text(PREDICT_LESSON, encoding="utf-8")
    quiz = load_course(course / "lessons").lesson("guess").quizzes[0]
    truth = predict_truth(quiz.spec)[0]
    wrong = next(choice for choice in quiz.spec.choices if choice != truth)
    feed(monkeypatch, [wrong, truth])
    main(["quiz", "guess"])
    out = capsys.readouterr().out
    assert "The engine ran it" in out and "answer shown" in out
    assert "Score: 0 of 1 solved, 1 answer shown." in out  # the retyped truth was never asked
    fresh_truth = predict_truth(variant(quiz, 1).spec)[0]
    feed(monkeypatch, [fresh_truth])
    main(["quiz", "guess"])
    out = capsys.readouterr().out
    assert "seed 1" in out and "variant 1" in out
    assert "Score: 1 of 1 solved." in out
    with Progress(course / "data" / "progress.db") as store:
        assert [(a.variant, a.correct) for a in store.answers("guess")] == [(0, False), (1, True)]


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "01-kinks.md"


def test_a_typed_number_is_a_choices_value_and_mistakes_get_their_feedback(tmp_path, monkeypatch, capsys):
    # Issue 14: "1" was read as choice 1 (relu′(0) = 0), so a learner who thought relu′(0) = 1 was told right.
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-kinks.md").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("NN_TUTOR_LESSONS", str(lessons))
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    feed(monkeypatch, ["1", "3", "0", "cos(x^2)", "cos(x²)·2x", "2, 1", "a and b", "2/11", "11/48"])
    assert main(["quiz", "kinks"]) == 0
    out = capsys.readouterr().out
    assert "  a. relu′(0) = 0\n  b. relu′(0) = 1\n  c. relu′(0) = ½\n" in out
    assert "✗ Not yet. Not choice b. 1 is the slope from the right; the engine computes (z > 0). Try again" in out
    assert "There is no choice with the value 3: answer with a letter, a to c." in out
    assert "✓ Right. Choice a." in out
    assert "✗ Not yet. Read as: cos(x²). The outer derivative is right; the inner one, 2x, is missing." in out
    assert "Answer with the letter of a choice, a to c (several: a, c)." in out   # "2, 1": numbers pick nothing
    assert "✓ Right. Choices a and b." in out
    assert "✗ Not yet. That is the paper's rule. Try again" in out
    assert "Score: 4 of 4 solved." in out
