"""`tutor check-lessons [PATH]`: a folder or one file; nothing to check is not a success."""
from __future__ import annotations

from tutor.cli import main

LESSON = '+++\nid = "{id}"\ntitle = "T"\nrequires = {requires}\n+++\nProse.\n'


def test_an_empty_folder_says_there_are_no_lessons_and_exits_1(tmp_path, capsys):
    (tmp_path / "README.md").write_text("Not a lesson.")
    assert main(["check-lessons", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"{tmp_path}: no lessons to check "
                            "(lesson files are named like 07-learning-rate.md)\n")


def test_one_lesson_file_is_checked_alone(tmp_path, capsys):
    (tmp_path / "01-base.md").write_text(LESSON.format(id="base", requires="[]") +
                                         '```quiz\nkind = "derivitive"\n```\n')
    path = tmp_path / "02-next.md"
    path.write_text(LESSON.format(id="next", requires='["base"]'))
    assert main(["check-lessons", str(path)]) == 0
    captured = capsys.readouterr()
    # the other file's problem is not reported; its id satisfies `requires`
    assert captured.out == "1 lesson, 0 quizzes, 0 lab blocks, 0 compare blocks, 0 stepper blocks, 0 graph blocks, 0 exercise blocks, 0 gradcheck blocks, 0 engine blocks: no problems\n"


def test_one_lesson_file_with_problems_lists_them(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "01-a.md"
    path.write_text(LESSON.format(id="a", requires='["b"]') + '```lab\nactivation = "sigmod"\nlr = -1\n```\n')
    assert main(["check-lessons", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        '01-a.md:4: front matter: requires "b", which no lesson has',
        "01-a.md:8: lab: activation: unknown activation 'sigmod' (did you mean 'sigmoid'?); "
        "choose from sigmoid, tanh, relu, leaky_relu, rrelu, elu, softplus, gelu, silu, linear",
        "01-a.md:9: lab: lr: must be greater than 0 and at most 1e6, got -1",
    ]
    assert captured.err == "3 problems found\n"


def test_a_quiz_counting_layers_from_0_is_told_the_books_numbering(tmp_path, capsys, monkeypatch):
    # Layers counted from 0 until issue 12; a lesson written then names δ¹ delta[0][...].
    monkeypatch.chdir(tmp_path)
    (tmp_path / "01-a.md").write_text(
        LESSON.format(id="a", requires="[]") +
        '```quiz\nkind = "numeric"\nprompt = "P"\nexplanation = "E"\nquantity = "a[-1][1]"\n'
        '[engine]\nsizes = [2, 1]\nactivation = "tanh"\noutput = "sigmoid"\nloss = "mse"\n'
        'weights = [[[0.5], [1.0]]]\nbiases = [[0.0]]\ninput = [1.0, 2.0]\ntarget = [1.0]\n```\n')
    assert main(["check-lessons", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        '01-a.md:11: quiz: "a[-1][1]" counts layers from 0; layers count from 1 as in the book '
        '(W¹, b¹, δ¹ for the first layer after the input, a[0] for the input x): write "a[0][1]"',
    ]


def test_the_summary_counts_compare_and_stepper_blocks(tmp_path, capsys):
    (tmp_path / "01-blocks.md").write_text(
        LESSON.format(id="blocks", requires="[]")
        + '```compare\ndataset = "xor"\nepochs = 5\nlrs = [0.1, 1]\n```\n'
        + '```stepper\nlr = 0.5\n[engine]\nsizes = [2, 2, 1]\nactivation = "sigmoid"\noutput = "sigmoid"\n'
          'loss = "mse"\nweights = [[[0.15, 0.25], [0.20, 0.30]], [[0.40], [0.45]]]\nbiases = [[0.35, 0.35], [0.60]]\n'
          'input = [0.05, 0.10]\ntarget = [0.01]\n```\n')
    assert main(["check-lessons", str(tmp_path)]) == 0, capsys.readouterr()
    assert "1 compare block, 1 stepper block" in capsys.readouterr().out
