"""Lab blocks with the run fields of issue 13: `features` and `regularization`, parsed
into the RunConfig, described on the card, and their problems reported at their lines."""
from __future__ import annotations

from test_lessons_loader import lesson_text, line_of, problems_of, write

import engine
from tutor.course.display import describe_run
from tutor.course.loader import load_course


def test_a_lab_block_with_features_and_regularization_becomes_its_run(tmp_path):
    body = ('```lab\ndataset = "circle"\nlayers = [2, 1]\nfeatures = ["x1²", "x2^2"]\n'
            'regularization = "l2"\nregularization_rate = 0.001\n```\n')
    path = write(tmp_path, "01-a.md", lesson_text(body, lesson_id="a"))
    course = load_course(tmp_path)
    assert problems_of(course, path) == []
    config = course.lesson("a").labs[0].config
    assert config == engine.RunConfig(dataset="circle", layers=(2, 1), features=("x1^2", "x2^2"),
                                      regularization="l2", regularization_rate=0.001)
    text = describe_run(config)
    assert "features x1^2,x2^2" in text and "regularization l2, regularization_rate 0.001" in text
    # Runs without them are described as before.
    assert "features" not in describe_run(engine.RunConfig()) and "regular" not in describe_run(engine.RunConfig())


def test_features_with_their_own_first_layer_are_no_problem_when_another_setting_is(tmp_path):
    body = '```lab\ndataset = "circle"\nlayers = [3, 4, 1]\nfeatures = "x1,x2,x1x2"\nlr = -1\n```\n'
    path = write(tmp_path, "01-a.md", lesson_text(body))
    found = problems_of(load_course(tmp_path), path)
    assert [(line, message.split(":")[1].strip()) for line, message in found] == [(line_of(path, "lr ="), "lr")]


def test_features_that_do_not_fit_are_reported_at_their_lines(tmp_path):
    body = '```lab\ndataset = "circle"\nlayers = [2, 4, 1]\nfeatures = "x1,x2,x1x2"\n```\n'
    path = write(tmp_path, "01-a.md", lesson_text(body))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "layers =")
    assert "the first layer has 2 inputs but features x1,x2,x1x2 make 3" in message
    body = '```lab\ndataset = "sine"\nlayers = [1, 4, 1]\noutput = "linear"\nloss = "mse"\nfeatures = "x1,x3"\n```\n'
    path = write(tmp_path, "01-a.md", lesson_text(body))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "features =") and "unknown feature 'x3'" in message
