"""The ```exercise lesson block: validated as it loads (and by check-lessons)."""
from __future__ import annotations

from tests.tutor.test_lessons_loader import lesson_text, line_of, problems_of, write
from tutor.cli import main
from tutor.course.loader import load_course
from tutor.course.model import ExerciseBlock


def exercise(fields: str) -> str:
    return f"```exercise\n{fields}\n```\n"


def test_a_good_exercise_block_becomes_the_model(tmp_path):
    body = exercise('name = "sigmoid"\ntitle = "Write σ yourself"') + "\nProse.\n" + exercise('name = "tanh"')
    write(tmp_path, "01-ok.md", lesson_text(body, "ok"))
    course = load_course(tmp_path)
    assert course.problems == ()
    first, second = course.lessons[0].exercises
    assert first == ExerciseBlock(name="sigmoid", title="Write σ yourself", line=first.line) and first.line == 8
    assert second.name == "tanh" and second.title == ""


def test_a_misspelt_exercise_gets_a_did_you_mean_at_its_line(tmp_path):
    path = write(tmp_path, "01-bad.md", lesson_text(exercise('name = "sigmod"'), "bad"))
    course = load_course(tmp_path)
    assert course.lessons[0].exercises == ()     # the block is left out, the lesson loads
    assert problems_of(course, path) == [(line_of(path, 'name = "sigmod"'),
                                          'exercise: unknown exercise "sigmod" (did you mean "sigmoid"?)')]


def test_an_unknown_name_lists_the_exercises_and_missing_or_extra_fields_are_reported(tmp_path):
    path = write(tmp_path, "01-bad.md", lesson_text(exercise('name = "zzz"') + exercise('title = "T"\npath = 2'), "bad"))
    problems = problems_of(load_course(tmp_path), path)
    assert any(line == line_of(path, 'name = "zzz"') and 'unknown exercise "zzz" (exercises: sigmoid, tanh' in message
               for line, message in problems)
    assert (line_of(path, "path = 2"), 'exercise: unknown field "path" for an exercise block') in problems
    assert any('exercise: missing field "name"' == message for _, message in problems)


def test_check_lessons_reports_the_problem_and_counts_exercise_blocks(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "01-ok.md", lesson_text(exercise('name = "sigmoid"') + exercise('name = "relu"'), "ok"))
    assert main(["check-lessons", str(tmp_path)]) == 0
    assert "2 exercise blocks" in capsys.readouterr().out
    write(tmp_path, "02-bad.md", lesson_text(exercise('name = "dens"'), "bad"))
    assert main(["check-lessons", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert '02-bad.md:9: exercise: unknown exercise "dens" (did you mean "dense"?)' in out
