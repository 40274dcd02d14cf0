"""Lessons written carelessly or with ill intent: files that are not lesson text,
control characters, data files outside the lessons folder, networks too big to
build. Each is reported as path:line, never read unbounded, never shown raw."""
from __future__ import annotations

import os
import random

import pytest

import engine
from tutor.course.loader import Depth, load_course
from tutor.course.model import LabBlock, Prose

from tests.tutor.test_lessons_loader import GOOD, PREDICT, lesson_text, line_of, problems_of, write


def only_problem(course, path):
    (problem,), = [problems_of(course, path)]
    return problem


# ----- files that are not lesson text -------------------------------------------------

def test_a_lesson_linked_to_an_endless_device_is_refused_and_the_others_load(tmp_path):
    write(tmp_path, "01-good.md", GOOD)
    link = tmp_path / "02-zero.md"
    link.symlink_to("/dev/zero")
    course = load_course(tmp_path, depth=Depth.QUICK)
    assert [lesson.id for lesson in course.lessons] == ["good"]
    assert only_problem(course, link) == (1, "not read: the file is a device, not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_lesson_that_is_a_named_pipe_is_refused_at_once(tmp_path):
    pipe = tmp_path / "01-pipe.md"
    os.mkfifo(pipe)
    course = load_course(tmp_path, depth=Depth.QUICK)
    assert only_problem(course, pipe) == (1, "not read: the file is a named pipe, not a regular file")


def test_a_huge_lesson_file_is_refused_naming_the_limit(tmp_path):
    path = tmp_path / "01-huge.md"
    with open(path, "wb") as sparse:
        sparse.truncate(20 * 10**9)
    course = load_course(tmp_path, depth=Depth.QUICK)
    assert only_problem(course, path) == (1, "not read: the file is 20 GB, more than the 1 MB limit")


def test_a_file_of_random_bytes_is_reported_with_its_line(tmp_path):
    rng = random.Random(4)
    data = bytes(rng.randrange(256) for _ in range(4000))
    path = tmp_path / "01-noise.md"
    path.write_bytes(data)
    assert 0 in data
    line, message = only_problem(load_course(tmp_path, depth=Depth.QUICK), path)
    assert (line, message) == (data[:data.index(0)].count(b"\n") + 1, "binary file (a NUL byte), not lesson text")


def test_invalid_utf8_is_reported_on_its_line(tmp_path):
    path = tmp_path / "01-latin.md"
    path.write_bytes(lesson_text("Caf\xe9 au lait.\n").encode("latin-1"))
    line, message = only_problem(load_course(tmp_path, depth=Depth.QUICK), path)
    assert line == 8 and message.startswith("not UTF-8 text (byte 0xe9")


def test_a_nul_byte_marks_a_binary_file_on_its_line(tmp_path):
    path = tmp_path / "01-bin.md"
    path.write_bytes(lesson_text("Text.\n\0\1\2").encode())
    assert only_problem(load_course(tmp_path, depth=Depth.QUICK), path) == (
        9, "binary file (a NUL byte), not lesson text")


# ----- control characters ---------------------------------------------------------------

def test_an_escape_sequence_in_prose_is_reported_on_its_line_and_never_shown_raw(tmp_path):
    path = write(tmp_path, "01-a.md", lesson_text("Hello \x1b]2;PWNED-TITLE\x07 there.\n"))
    course = load_course(tmp_path, depth=Depth.QUICK)
    line, message = only_problem(course, path)
    assert line == line_of(path, "Hello")
    assert message.startswith("control character U+001B (ESCAPE)")
    prose = "".join(block.text for block in course.lessons[0].body if isinstance(block, Prose))
    assert "\x1b" not in prose and "\x07" not in prose
    assert "␛]2;PWNED-TITLE␇" in prose


def test_control_characters_in_the_title_are_shown_as_symbols(tmp_path):
    path = write(tmp_path, "01-a.md", '+++\nid = "a"\ntitle = "T\x1b[2J"\n+++\nProse.\n')
    course = load_course(tmp_path, depth=Depth.QUICK)
    assert course.lessons[0].title == "T␛[2J"
    assert only_problem(course, path)[0] == 3


def test_a_control_character_written_as_a_toml_escape_is_reported(tmp_path):
    body = '```quiz\nkind = "choice"\nprompt = "P\\u001b]2;x\\u0007"\nchoices = ["a", "b"]\nanswer = 1\nexplanation = "E"\n```\n'
    path = write(tmp_path, "01-a.md", lesson_text(body))
    line, message = only_problem(load_course(tmp_path, depth=Depth.QUICK), path)
    assert line == line_of(path, 'kind = "choice"')
    assert "control character" in message


# ----- a lesson's data stays in the lessons folder --------------------------------------

LAB = '```lab\ndataset = "{dataset}"\nlayers = [2, 2, 1]\n```\n'


@pytest.mark.parametrize("dataset", ["/etc/shadow", "/etc/passwd", "../outside.csv", "link.csv"])
def test_a_lab_dataset_outside_the_lessons_folder_is_refused_unread(tmp_path, dataset, monkeypatch):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (tmp_path / "outside.csv").write_text("root:x:0:0:secret\n")
    (lessons / "link.csv").symlink_to(tmp_path / "outside.csv")
    path = write(lessons, "01-a.md", lesson_text(LAB.format(dataset=dataset)))
    monkeypatch.setattr(engine.datasets, "read_regular_file",
                        lambda *_: pytest.fail("a file outside the lessons folder was read"))
    line, message = only_problem(load_course(lessons), path)
    assert line == line_of(path, "dataset =")
    assert "must be a built-in dataset" in message and "inside the lessons folder" in message
    assert "secret" not in message and "root:" not in message


def test_a_lab_dataset_inside_the_lessons_folder_is_loaded_from_there(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "points.csv").write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    write(tmp_path, "01-a.md", lesson_text(LAB.format(dataset="data/points.csv")))
    monkeypatch.chdir(tmp_path.parent)  # not where the lesson is
    course = load_course(tmp_path)
    assert course.problems == ()
    lab, = course.lessons[0].labs
    assert lab.config.dataset == str((tmp_path / "data" / "points.csv").resolve())
    assert lab.config.build()[2].input_width == 2


# ----- networks too big -----------------------------------------------------------------

def test_a_lab_block_over_the_size_limit_is_refused_and_no_network_is_built(tmp_path, monkeypatch):
    path = write(tmp_path, "01-a.md", lesson_text(LAB.format(dataset="xor").replace(
        "[2, 2, 1]", "[2" + ", 4096" * 40 + ", 1]")))
    built = []
    monkeypatch.setattr(engine.config, "Network", lambda *a, **k: built.append(a))
    for depth in Depth:
        line, message = only_problem(load_course(tmp_path, depth=depth), path)
        assert line == line_of(path, "layers =")
        assert "the limit is 5,000,000" in message
    assert built == []


def test_listing_lessons_never_builds_a_network(tmp_path, monkeypatch):
    write(tmp_path, "01-good.md", GOOD)
    write(tmp_path, "02-p.md", lesson_text(PREDICT.format(answer="converges", lr=20), lesson_id="p"))
    monkeypatch.setattr(engine.config, "Network", lambda *a, **k: pytest.fail("a network was built"))
    for depth in (Depth.QUICK, Depth.MATH):
        course = load_course(tmp_path, depth=depth)
        assert course.problems == () and len(course.lessons) == 2


def test_a_predict_run_with_too_much_work_is_refused_before_training(tmp_path):
    text = PREDICT.format(answer="converges", lr=2).replace("layers = [2, 2, 1]", "layers = [2, 2048, 2048, 1]")
    path = write(tmp_path, "01-a.md", lesson_text(text))
    line, message = only_problem(load_course(tmp_path, depth=Depth.RUNS), path)
    assert line == line_of(path, "layers =")
    assert "parameters × samples × epochs" in message and "the limit is 1,000,000,000" in message


def test_a_file_name_with_an_escape_sequence_is_printed_with_it_shown(tmp_path):
    path = write(tmp_path, "01-\x1b]2;PWNED\x07.md", lesson_text("Prose.\n"))
    problem, = load_course(tmp_path, depth=Depth.QUICK).problems
    assert problem.path == path
    assert "\x1b" not in str(problem) and "\x07" not in str(problem)
    assert "01-␛]2;PWNED␇.md:1: file name should look like" in str(problem)


def test_control_characters_on_many_lines_are_listed_ten_lines_then_summed_up(tmp_path):
    path = write(tmp_path, "01-a.md", lesson_text("".join(f"line {n} \x1b[2J\n" for n in range(40))))
    problems = problems_of(load_course(tmp_path, depth=Depth.QUICK), path)
    first = line_of(path, "line 0 ")
    assert [line for line, _ in problems] == list(range(first, first + 11))
    assert problems[-1][1] == "control characters on 30 more lines from here on (not listed one by one)"
