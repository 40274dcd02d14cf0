"""The ```gradcheck lesson block (tutor/gradcheck_demo.py): validated as it loads, and what it
shows: the engine's gradcheck on a network as built and on a copy with a broken derivative."""
from __future__ import annotations

import numpy as np

import engine
from engine.activations import ACTIVATIONS
from engine.gradcheck import gradcheck
from tests.tutor.test_lessons_loader import lesson_text, line_of, problems_of, write
from tutor.course.loader import load_course
from tutor.course.model import GradcheckBlock
from tutor.gradcheck_demo import BROKEN, broken_copy, gradcheck_lines, gradcheck_rows, verdict

XOR = 'dataset = "xor"\nlayers = [2, 4, 1]\nactivation = "{act}"\noutput = "sigmoid"\nloss = "bce"\nseed = 0\n'


def block(fields: str, act: str = "sigmoid") -> str:
    return f"```gradcheck\n{XOR.format(act=act)}{fields}\n```\n"


def config(act: str = "sigmoid", layers=(2, 4, 1)):
    return engine.RunConfig.from_mapping(dict(dataset="xor", layers=list(layers), activation=act,
                                              output="sigmoid", loss="bce", seed=0))


def test_a_good_gradcheck_block_becomes_the_model(tmp_path):
    write(tmp_path, "01-ok.md", lesson_text(block('title = "σ′ broken"\nbroken = "function-for-derivative"'), "ok"))
    course = load_course(tmp_path)
    assert course.problems == ()
    found, = [s for s in course.lessons[0].body if isinstance(s, GradcheckBlock)]
    assert found.broken == "function-for-derivative" and found.title == "σ′ broken"
    assert found.config.layers == (2, 4, 1) and found.config.activation == "sigmoid"


def test_bad_gradcheck_fields_are_reported_at_their_lines(tmp_path):
    path = write(tmp_path, "01-bad.md", lesson_text(block('broken = "sigmoid-is-wrong"\nlr = 0.5'), "bad"))
    problems = problems_of(load_course(tmp_path), path)
    assert any(line == line_of(path, "broken =") and 'unknown broken derivative "sigmoid-is-wrong"' in message
               and "function-for-derivative" in message for line, message in problems)
    assert any(line == line_of(path, "lr =") and 'unknown field "lr"' in message and "no training" in message
               for line, message in problems)


def test_a_broken_derivative_needs_a_hidden_layer_and_a_small_network(tmp_path):
    text = lesson_text(block('broken = "sign"').replace("[2, 4, 1]", "[2, 1]"), "flat")
    path = write(tmp_path, "01-flat.md", text)
    assert any("needs a hidden layer" in message for _, message in problems_of(load_course(tmp_path), path))
    big = lesson_text(block("").replace("[2, 4, 1]", "[2, 64, 64, 1]"), "big")
    path = write(tmp_path, "02-big.md", big)
    assert any(line == line_of(path, "layers =") and "2 forward passes per parameter" in message
               for line, message in problems_of(load_course(tmp_path), path))


def test_the_broken_copy_leaves_the_network_and_the_registry_alone():
    net, _, data = config().build()
    theta, registry = net.theta.copy(), ACTIVATIONS["sigmoid"]
    twin = broken_copy(net, "function-for-derivative")
    z = np.linspace(-3, 3, 7)
    assert np.allclose(twin.activation.derivative(z), registry(z))          # σ in place of σ′
    assert net.activation is registry and np.allclose(registry.derivative(z), registry(z) * (1 - registry(z)))
    assert np.array_equal(net.theta, theta) and twin.theta is not net.theta
    assert max(gradcheck(net, data.X, data.Y, "bce").values()) < 1e-7      # the original still checks right


def test_each_broken_derivative_fails_below_the_output_layer_only():
    for name in BROKEN:
        rows = {row.array: row for row in gradcheck_rows(config("tanh"), name)}
        assert all(row.correct < 1e-8 for row in rows.values()), name
        assert rows["W1"].broken > 1e-2 and rows["b1"].broken > 1e-2, name      # BP2's layer: ✗
        assert rows["W2"].broken < 1e-8 and rows["b2"].broken < 1e-8, name      # BP1's layer: untouched


def test_a_sign_error_gives_a_relative_error_of_exactly_two():
    rows = {row.array: row for row in gradcheck_rows(config("sigmoid"), "sign")}
    assert abs(rows["W1"].broken - 2.0) < 1e-8 and abs(rows["b1"].broken - 2.0) < 1e-8


def test_verdicts_follow_the_cs231n_thresholds():
    assert [verdict(e) for e in (1e-10, 1e-7, 2e-7, 1e-4, 1e-2, 0.5)] == ["✓", "✓", "?", "?", "?", "✗"]


def test_the_card_text_names_the_breakage_and_a_row_per_array():
    lines = gradcheck_lines(config("sigmoid"), "function-for-derivative")
    assert "Broken copy: σ′(x) returns σ(x) itself" in lines
    rows = [line for line in lines if line.strip()[:2] in ("W¹", "b¹", "W²", "b²")]
    assert len(rows) == 4 and rows[0].count("✓") == 1 and rows[0].count("✗") == 1
    assert all(len(line) <= 76 for line in lines[1:]), lines     # fits a card at 80 columns
