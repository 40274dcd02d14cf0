"""The course's own lessons: they pass check-lessons, and together use every block and quiz kind."""
from __future__ import annotations

from tutor.cli import main
from tutor.course.blocks import QUIZ_KINDS
from tutor.course.loader import load_course
from tutor.course.paths import lessons_dir


def test_check_lessons_passes_on_the_course(capsys, monkeypatch):
    monkeypatch.delenv("NN_TUTOR_LESSONS", raising=False)
    assert main(["check-lessons"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].endswith("no problems"), out


def test_the_course_uses_every_quiz_kind_and_block():
    course = load_course(lessons_dir())
    assert [lesson.id for lesson in course.lessons][:4] == ["derivatives", "gradient-descent", "activations", "backprop"]
    kinds = {quiz.kind for lesson in course.lessons for quiz in lesson.quizzes}
    assert kinds == set(QUIZ_KINDS)
    assert any(lesson.labs for lesson in course.lessons)
    assert any(lesson.engine_blocks for lesson in course.lessons)
    for lesson in course.lessons:
        for quiz in lesson.quizzes:
            assert quiz.explanation and quiz.hints, quiz.id


def test_check_lessons_reports_problems_and_exit_1(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "01-a.md").write_text('+++\nid = "a"\ntitle = "A"\nrequires = ["b"]\n+++\n```quiz\nkind = "derivitive"\n```\n')
    assert main(["check-lessons", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        '01-a.md:4: front matter: requires "b", which no lesson has',
        '01-a.md:7: quiz: unknown kind "derivitive" (did you mean "derivative"?); '
        'choose from derivative, expression, choice, numeric, predict',
    ]
    assert captured.err.strip() == "2 problems found"


def test_check_lessons_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["check-lessons", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"tutor check-lessons: error: {tmp_path / 'nope'}: no such lesson file or folder"


def test_lessons_command_lists_ids_titles_and_requires(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("NN_TUTOR_LESSONS", raising=False)
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path))  # not the learner's own progress
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Foundations: derivatives to backpropagation (lessons 1–")   # the first part
    assert lines[1].startswith("derivatives ") and "Derivatives: the limit" in lines[1]
    assert lines[2].startswith("gradient-descent ") and lines[2].endswith("(requires derivatives)")
    assert lines[3].startswith("activations ") and lines[3].endswith("(requires gradient-descent)")


def test_judge_names_a_forgotten_constant_inner_derivative_as_lesson_01_says():
    from tutor.course.answers import check_answer

    import dataclasses

    quiz = load_course(lessons_dir()).lesson("activations").quiz("sigmoid-chain")
    # The lesson names this slip itself (its `mistakes`); without that, the judge's own diagnosis says it.
    verdict = check_answer(dataclasses.replace(quiz, mistakes=()), "σ(3x)(1 − σ(3x))")
    assert not verdict.correct
    assert "derivative of the inner function" in verdict.feedback
    assert "inner derivative d(3x)/dx = 3" in check_answer(quiz, "σ(3x)(1 − σ(3x))").feedback


def _quiz(quiz_id):
    course = load_course(lessons_dir())
    return next(q for lesson in course.lessons for q in lesson.quizzes if q.id == quiz_id)


def test_a_sigmoid_output_is_sampled_inside_0_1():
    # Issue 10: "At a = −1.1, y = −0.05 …" for a sigmoid output a.
    from tutor.course.answers import check_answer

    quiz = _quiz("bce-delta")
    assert dict((name, (low, high)) for name, low, high in quiz.spec.ranges)["a"] == (0.0, 1.0)
    import re

    for answer in ("a + y", "a*y", "a - y + a*y", "a - y + 1"):
        verdict = check_answer(quiz, answer)
        values = re.findall(r"\b[ay] = ([^,\s]+?)[,\s]", verdict.feedback)
        assert values and all(0 < float(v) < 1 for v in values), verdict.feedback


def test_a_decimal_with_the_digits_the_prompt_asks_for_is_right():
    # Issue 10: 0.23 was refused for 11/48 = 0.2291… "as a decimal"; 0.015 passed for 0.014996.
    from tutor.course.answers import check_answer

    quiz = _quiz("rrelu-eval-slope")
    assert check_answer(quiz, "0.23").correct and check_answer(quiz, "0.229").correct
    assert not check_answer(quiz, "0.2").correct


def test_a_tolerance_tighter_than_1_percent_is_stated_in_the_prompt():
    import re

    course = load_course(lessons_dir())
    for lesson in course.lessons:
        for quiz in lesson.quizzes:
            if quiz.kind != "numeric" or quiz.spec.expected == 0:
                continue
            if quiz.spec.tolerance < 0.0099 * abs(quiz.spec.expected):
                assert re.search(r"exact|decimal places|significant digits", quiz.prompt), quiz.id
