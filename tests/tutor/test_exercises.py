"""Build-it-yourself exercises (issue 16): every reference solution passes, every
typical wrong answer fails with its explanation, and the learner's code runs in a
subprocess that survives endless loops, crashes, syntax errors and huge allocations."""
from __future__ import annotations

import pytest

from tutor.exercises import NAMES, by_name, exercises
from tutor.exercises.checker import check_file
from tutor.exercises.runner import run

MISTAKES = [(exercise.name, mistake) for exercise in exercises() for mistake in exercise.mistakes]


def write(tmp_path, exercise, code: str):
    path = tmp_path / exercise.filename
    path.write_text(exercise.file_text(code), encoding="utf-8")
    return path


def test_the_exercises_come_in_course_order_from_the_sigmoid():
    assert [e.name for e in exercises()] == list(NAMES)
    assert NAMES == ("sigmoid", "tanh", "relu", "dense", "losses", "hidden_delta", "gradients", "sgd", "xor",
                     "gradcheck", "momentum", "adam")
    assert [e.number for e in exercises()] == list(range(1, len(NAMES) + 1))
    for exercise in exercises():
        assert exercise.hints and exercise.mistakes, exercise.name
        assert f"lesson: {exercise.lesson}" in exercise.doc
        assert f"tutor exercises check {exercise.name}" in exercise.doc


def test_each_exercise_names_a_lesson_of_the_course():
    from tutor.course.loader import load_course

    course = load_course()
    for exercise in exercises():
        assert course.lesson(exercise.lesson).id == exercise.lesson


@pytest.mark.parametrize("name", NAMES)
def test_every_reference_solution_passes(tmp_path, name):
    exercise = by_name(name)
    outcome = run(name, str(write(tmp_path, exercise, exercise.solution_code)))
    assert outcome == {"passed": True, "message": f"{name}: all checks pass", "line": None}


@pytest.mark.parametrize("name", NAMES)
def test_a_starter_file_fails_as_not_written_yet_at_its_line(tmp_path, name):
    exercise = by_name(name)
    path = write(tmp_path, exercise, exercise.stubs)
    outcome = run(name, str(path))
    assert not outcome["passed"]
    assert "is not written yet" in outcome["message"]
    assert "NotImplementedError" in path.read_text().splitlines()[outcome["line"] - 1]


@pytest.mark.parametrize("name, mistake", MISTAKES, ids=[f"{n}: {m.what}" for n, m in MISTAKES])
def test_each_typical_wrong_answer_fails_with_its_explanation(tmp_path, name, mistake):
    exercise = by_name(name)
    assert mistake.code != exercise.solution_code, "the mistake must change the solution"
    outcome = run(name, str(write(tmp_path, exercise, mistake.code)))
    assert not outcome["passed"]
    assert mistake.explains in outcome["message"]
    assert outcome["line"] is not None


def test_the_issues_example_reads_as_the_issue_wrote_it(tmp_path):
    exercise = by_name("sigmoid")
    code = exercise.solution_code.replace("return s * (1.0 - s)", "return s")
    outcome = run("sigmoid", str(write(tmp_path, exercise, code)))
    assert outcome["message"].startswith("your sigmoid_prime(2) returned 0.881; the derivative there is 0.105")
    assert outcome["message"].endswith("did you return σ(x) instead of σ(x)(1 − σ(x))?")


def test_a_derivative_is_judged_by_centered_differences_of_the_learners_own_function(tmp_path):
    # A sigmoid with the wrong sign passes nowhere, but its own derivative is then consistent:
    # the derivative check follows the learner's function, the value check the engine's.
    exercise = by_name("sigmoid")
    code = exercise.solution_code.replace("np.logaddexp(0.0, -z)", "np.logaddexp(0.0, z)")
    outcome = run("sigmoid", str(write(tmp_path, exercise, code)))
    assert "did you write e^(+z) where σ has e^(−z)?" in outcome["message"]


def test_shapes_and_dtypes_are_checked(tmp_path):
    exercise = by_name("tanh")
    code = exercise.solution_code.replace("return np.tanh(z)", "return np.tanh(z).astype(np.float32)")
    outcome = run("tanh", str(write(tmp_path, exercise, code)))
    assert "dtype float32; it should be float64" in outcome["message"]
    code = exercise.solution_code.replace("return np.tanh(z)", "return np.tanh(z).ravel()[:3]")
    outcome = run("tanh", str(write(tmp_path, exercise, code)))
    assert "returned shape (3,); it should be" in outcome["message"]


def test_a_missing_function_is_named(tmp_path):
    exercise = by_name("sigmoid")
    code = exercise.solution_code.replace("def sigmoid_prime", "def sigmoid_derivative")
    outcome = run("sigmoid", str(write(tmp_path, exercise, code)))
    assert outcome["message"].startswith("your file defines no function sigmoid_prime")


# The subprocess: what no learner's code may do to the tutor.

def file_with(tmp_path, body: str):
    path = tmp_path / "01_sigmoid.py"
    path.write_text("import numpy as np\n\n\n" + body, encoding="utf-8")
    return path


def test_the_reference_solution_passes_through_the_subprocess(tmp_path):
    exercise = by_name("sigmoid")
    outcome = check_file("sigmoid", write(tmp_path, exercise, exercise.solution_code))
    assert outcome.passed and outcome.text(exercise.filename) == "✓ sigmoid: all checks pass"


def test_a_syntax_error_is_reported_with_its_line(tmp_path):
    outcome = check_file("sigmoid", file_with(tmp_path, "def sigmoid(z):\n    return (1 +\n\n\n"))
    assert not outcome.passed
    assert outcome.message.startswith("syntax error at line")
    assert outcome.line in (5, 6)  # where Python's parser stops: "(" never closed
    assert "Traceback" not in outcome.message


def test_a_crash_is_reported_with_its_line_and_no_traceback(tmp_path):
    body = "def sigmoid(z):\n    values = {}\n    return values['z']\n\n\ndef sigmoid_prime(z):\n    return z\n"
    outcome = check_file("sigmoid", file_with(tmp_path, body))
    assert not outcome.passed and outcome.line == 6
    assert "raised KeyError at line 6" in outcome.message
    assert "Traceback" not in outcome.message and "tutor/" not in outcome.message


def test_a_crash_when_the_file_loads_is_reported_with_its_line(tmp_path):
    outcome = check_file("sigmoid", file_with(tmp_path, "x = 1\ny = x / 0\n"))
    assert outcome.message == "your file raised ZeroDivisionError at line 5 when loaded: division by zero"
    assert outcome.line == 5


def test_an_endless_loop_is_stopped_at_the_time_limit_with_its_line(tmp_path):
    body = "def sigmoid(z):\n    while True:\n        z = z + 1\n\n\ndef sigmoid_prime(z):\n    return z\n"
    outcome = check_file("sigmoid", file_with(tmp_path, body), time_limit=3)
    assert not outcome.passed
    assert outcome.message.startswith("your code did not finish in 3 s: still running at line")
    assert outcome.line in (5, 6)


def test_an_allocation_past_the_memory_limit_is_reported_with_its_line(tmp_path):
    body = "def sigmoid(z):\n    big = [0.0] * 10**9\n    return z\n\n\ndef sigmoid_prime(z):\n    return z\n"
    outcome = check_file("sigmoid", file_with(tmp_path, body), memory_limit=2**30)
    assert not outcome.passed and outcome.line == 5
    assert "ran out of memory at line 5 (the check allows 1 GB)" in outcome.message


def test_what_the_learner_prints_does_not_confuse_the_result(tmp_path):
    exercise = by_name("sigmoid")
    code = 'print("debug", flush=True)\n\n\n' + exercise.solution_code.replace(
        "    s = sigmoid(z)", '    print("@@nn-tutor", z[:1])\n    s = sigmoid(z)')
    assert check_file("sigmoid", write(tmp_path, exercise, code)).passed


def test_a_file_that_is_not_there_is_one_line(tmp_path):
    outcome = check_file("sigmoid", tmp_path / "gone.py")
    assert not outcome.passed and "tutor exercises init" in outcome.message


def test_a_file_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "01_sigmoid.py"
    path.write_bytes(b"def sigmoid(z):\n    return z  # caf\xe9\n")
    outcome = check_file("sigmoid", path)
    assert outcome.message == "your file is not UTF-8 text (line 2); save it as UTF-8"
    assert outcome.line == 2


def test_a_file_that_exits_stops_its_check_not_the_tutor(tmp_path):
    outcome = check_file("sigmoid", file_with(tmp_path, "import sys\nsys.exit(3)\n"))
    assert not outcome.passed
    assert outcome.message == "your code stopped the check (exit code 3)"
