"""The ```stepper lesson block: validated as it loads (and by check-lessons)."""
from __future__ import annotations

from tests.tutor.test_lessons_loader import NETWORK, lesson_text, line_of, problems_of, write
from tutor.course.loader import load_course
from tutor.course.model import StepperBlock

ENGINE = NETWORK   # the worked example of lesson 4, as the numeric quizzes' tests use it


def stepper(fields: str) -> str:
    return f"```stepper\n{fields}\n{ENGINE}```\n"


def test_a_good_stepper_block_becomes_the_model(tmp_path):
    write(tmp_path, "01-ok.md", lesson_text(stepper('title = "2-2-1"\nlr = 0.5\npredict = ["z", "bp2"]'), "ok"))
    course = load_course(tmp_path)
    assert course.problems == ()
    block, = [s for s in course.lessons[0].body if isinstance(s, StepperBlock)]
    assert block.lr == 0.5 and block.predict == ("z", "bp2") and block.title == "2-2-1"
    assert block.network.sizes == (2, 2, 1) and block.network.target == (0.01,)


def test_bad_stepper_fields_are_reported_at_their_lines(tmp_path):
    path = write(tmp_path, "01-bad.md", lesson_text(stepper('lr = -1\npredict = ["bp5", "z"]\nspeed = 2'), "bad"))
    problems = problems_of(load_course(tmp_path), path)
    assert (line_of(path, "lr = -1"), 'stepper: "lr" must be positive, got -1') in problems
    assert any(line == line_of(path, "predict =") and 'unknown step "bp5"' in message and "bp1" in message
               for line, message in problems)
    assert any(line == line_of(path, "speed =") and 'unknown field "speed"' in message for line, message in problems)


def test_a_wrong_network_shape_and_a_missing_lr_are_reported(tmp_path):
    text = lesson_text(stepper("").replace("target = [0.01]", "target = [0.01, 1]"), "shape")
    path = write(tmp_path, "01-shape.md", text)
    problems = problems_of(load_course(tmp_path), path)
    assert any('missing field "lr"' in message for _, message in problems)
    assert any(line == line_of(path, "target =") and "[engine]" in message for line, message in problems)


def test_the_optimizer_field_picks_the_update_and_a_wrong_one_is_reported(tmp_path):
    write(tmp_path, "01-adam.md", lesson_text(stepper('lr = 0.01\noptimizer = "adam"'), "adam"))
    path = write(tmp_path, "02-bad.md", lesson_text(stepper('lr = 0.5\noptimizer = "adma"'), "bad"))
    course = load_course(tmp_path)
    block, = [s for s in course.lessons[0].body if isinstance(s, StepperBlock)]
    assert block.optimizer == "adam"
    problems = problems_of(course, path)
    assert any(line == line_of(path, "optimizer =") and 'unknown optimizer "adma"' in message
               and '"adam"' in message and "sgd, momentum, adam" in message for line, message in problems)


def test_without_an_optimizer_field_the_update_is_plain_gradient_descent(tmp_path):
    write(tmp_path, "01-ok.md", lesson_text(stepper("lr = 0.5"), "ok"))
    block, = [s for s in load_course(tmp_path).lessons[0].body if isinstance(s, StepperBlock)]
    assert block.optimizer == "sgd"
