"""The ```graph lesson block: validated as it loads (and by check-lessons), problems at their lines."""
from __future__ import annotations

from tests.tutor.test_lessons_loader import lesson_text, line_of, problems_of, write
from tutor.cli import main
from tutor.course.loader import load_course
from tutor.course.model import GraphBlock


def graph_block(fields: str) -> str:
    return f"```graph\n{fields}\n```\n"


GOOD = 'title = "neuron"\nexpression = "tanh(w*x + b)"\nvalues = { w = 0.5, x = 2, b = -0.5 }\npredict = ["w*x+b", "w"]'


def test_a_good_graph_block_becomes_the_model(tmp_path):
    write(tmp_path, "01-ok.md", lesson_text(graph_block(GOOD), "ok"))
    course = load_course(tmp_path)
    assert course.problems == ()
    block, = course.lessons[0].graphs
    assert isinstance(block, GraphBlock)
    assert block.expression == "tanh(w*x + b)" and dict(block.values) == {"w": 0.5, "x": 2.0, "b": -0.5}
    assert block.predict == ("w*x+b", "w") and block.title == "neuron"


def test_a_parse_error_is_reported_at_the_expression_line(tmp_path):
    path = write(tmp_path, "01-bad.md", lesson_text(graph_block(
        'expression = "tanh(w*x +)"\nvalues = { w = 1, x = 2 }'), "bad"))
    problems = problems_of(load_course(tmp_path), path)
    assert problems == [(line_of(path, "expression ="), "graph: `+` at position 10 has nothing after it")]


def test_a_missing_value_an_unused_one_and_a_bad_prediction_are_reported(tmp_path):
    path = write(tmp_path, "01-values.md", lesson_text(
        graph_block('expression = "w*x + b"\nvalues = { w = 1, x = 2 }') + "\n"
        + graph_block('expression = "w*x"\nvalues = { w = 1, x = 2, q = 3 }\npredict = ["w*y", "b"]'),
        "values"))
    problems = problems_of(load_course(tmp_path), path)
    values_lines = [number for number, line in enumerate(path.read_text().splitlines(), start=1)
                    if line.startswith("values =")]
    assert (values_lines[0], "graph: no value for b: add b=… to the values") in problems
    assert (values_lines[1], "graph: q is not in the expression") in problems
    predict = [message for line, message in problems if line == line_of(path, "predict =")]
    assert any('"w*y" in "predict": unknown name' in message for message in predict)
    assert any('"b" in "predict"' in message for message in predict)


def test_missing_fields_wrong_types_and_domain_errors(tmp_path):
    path = write(tmp_path, "01-fields.md", lesson_text(
        graph_block('values = { x = 1 }\nspeed = 2') + "\n"
        + graph_block('expression = "log(x)"\nvalues = { x = -1 }') + "\n"
        + graph_block('expression = "x"\nvalues = { x = "two" }'), "fields"))
    problems = problems_of(load_course(tmp_path), path)
    messages = [message for _, message in problems]
    assert 'graph: missing field "expression"' in messages
    assert any(line == line_of(path, "speed =") and 'unknown field "speed"' in m for line, m in problems)
    assert any("ln(x) is undefined at these values" in m and "positive" in m for m in messages)
    assert any('the value of "x" must be a finite number' in m for m in messages)
    assert load_course(tmp_path).lessons[0].graphs == ()


def test_check_lessons_counts_and_checks_graph_blocks(tmp_path, capsys):
    write(tmp_path, "01-ok.md", lesson_text(graph_block(GOOD), "ok"))
    assert main(["check-lessons", str(tmp_path)]) == 0
    assert "1 graph block" in capsys.readouterr().out
    bad = write(tmp_path, "02-bad.md", lesson_text(graph_block('expression = "x/y"\nvalues = { x = 1, y = 0 }'), "bad2"))
    assert main(["check-lessons", str(tmp_path)]) == 1
    assert (f"{bad}:{line_of(bad, 'expression =')}: graph: x/y is undefined at these values (f would be inf): "
            "a division by 0") in capsys.readouterr().out
