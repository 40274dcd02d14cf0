"""`tutor lessons`: each lesson with the learner's progress (solved of its quizzes)."""
from __future__ import annotations

import pytest

from tutor.cli import main
from tutor.progress import Progress

QUIZ = '```quiz\nid = "{id}"\nkind = "choice"\nprompt = "P"\nchoices = ["a", "b"]\nanswer = 1\nexplanation = "E"\n```\n\n'


def lesson(lesson_id: str, quizzes: list[str], requires: str = "[]") -> str:
    return (f'+++\nid = "{lesson_id}"\ntitle = "Lesson {lesson_id}"\nrequires = {requires}\n+++\nProse.\n\n'
            + "".join(QUIZ.format(id=quiz) for quiz in quizzes))


@pytest.fixture
def course(tmp_path, monkeypatch):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-one.md").write_text(lesson("one", ["a", "b", "c"]), encoding="utf-8")
    (lessons / "02-two.md").write_text(lesson("two", ["d", "e"], requires='["one"]'), encoding="utf-8")
    (lessons / "03-read.md").write_text(lesson("read", []), encoding="utf-8")
    monkeypatch.setenv("NN_TUTOR_LESSONS", str(lessons))
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def listed(capsys) -> list[str]:
    assert main(["lessons"]) == 0
    return capsys.readouterr().out.splitlines()


def test_lessons_show_how_many_quizzes_are_solved(course, capsys):
    with Progress(course / "data" / "progress.db") as store:
        store.record_answer("one", "a", "1", True)
        store.record_answer("one", "b", "2", False)      # tried, not solved
        store.record_answer("one", "gone", "1", True)    # a quiz no longer in the lesson
        for quiz in ("d", "e"):
            store.record_answer("two", quiz, "1", True)
        store.complete_lesson("two")
    assert listed(capsys) == [
        "one   1/3 solved    Lesson one",
        "two   2/2 solved ✓  Lesson two  (requires one)",
        "read  no quizzes    Lesson read",
    ]


def test_a_new_learner_sees_nothing_solved(course, capsys):
    assert listed(capsys) == [
        "one   0/3 solved  Lesson one",
        "two   0/2 solved  Lesson two  (requires one)",
        "read  no quizzes  Lesson read",
    ]


def test_an_unreadable_progress_store_still_lists_the_lessons(course, capsys, monkeypatch):
    (course / "blocker").write_text("a file where the data folder should be")
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(course / "blocker" / "data"))
    assert main(["lessons"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "one   0/3 solved  Lesson one"
    assert captured.err.startswith("warning: progress not shown: cannot create the progress folder")


def test_in_a_narrow_terminal_long_titles_wrap_under_the_title_column(course, capsys, monkeypatch):
    import os
    import shutil
    import sys

    long = course / "lessons" / "04-long.md"
    long.write_text(lesson("long", ["f"]).replace('"Lesson long"', '"' + "word " * 20 + 'end"'))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *args: os.terminal_size((50, 24)))
    lines = listed(capsys)[3:]
    assert len(lines) > 1 and all(len(line) <= 50 for line in lines), lines
    assert lines[0].startswith("long  0/1 solved  word word")
    assert all(line.startswith(" " * 18) and line[18] != " " for line in lines[1:]), lines


def test_lessons_are_listed_under_their_parts_as_the_course_map_shows_them(course, capsys):
    # A lesson's `part` starts a part; the lessons after it join it (tutor/course/model.py, Course.parts).
    for name, part in (("01-one.md", "Foundations"), ("03-read.md", "Reading on")):
        path = course / "lessons" / name
        path.write_text(path.read_text().replace("requires = []", f'requires = []\npart = "{part}"'))
    assert listed(capsys) == [
        "Foundations (lessons 1–2)",
        "one   0/3 solved  Lesson one",
        "two   0/2 solved  Lesson two  (requires one)",
        "",
        "Reading on (lesson 3)",
        "read  no quizzes  Lesson read",
    ]


def test_the_real_course_lists_every_part_title_once_before_its_lessons(monkeypatch, tmp_path, capsys):
    from tutor.course.loader import load_course

    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    lines = listed(capsys)
    titles = [title for title, _ in load_course().parts if title]
    assert len(titles) >= 2
    for title, part in load_course().parts:
        if not title:
            continue
        at = next(i for i, line in enumerate(lines) if line.startswith(title + " ("))
        assert [line.split()[0] for line in lines[at + 1:at + 1 + len(part)]] == [lesson.id for lesson in part]
