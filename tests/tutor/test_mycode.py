""""Use my code" (issue 16): a run trained with the learner's exercise files beside the
engine agrees with it for the reference solutions, and a typical wrong answer is found
at its epoch, layer and quantity; settings no exercise covers and exercises not passed
are one line each; an endless loop is reported with its file and line."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import engine
from tutor.cli import build_parser, main
from tutor.exercises import NAMES, by_name, exercises
from tutor.exercises.mycode import MYCODE_EPOCHS, compare, gate, needed, not_covered, verdict


@pytest.fixture
def workspace(tmp_path):
    """A workspace where every exercise holds its reference solution."""
    folder = tmp_path / "nn-exercises"
    folder.mkdir()
    for exercise in exercises():
        (folder / exercise.filename).write_text(exercise.solution, encoding="utf-8")
    return folder


def config(**settings) -> engine.RunConfig:
    return engine.RunConfig.from_mapping(settings)


def with_mistake(workspace, name: str, what: str) -> None:
    exercise = by_name(name)
    mistake = next(m for m in exercise.mistakes if m.what == what)
    (workspace / exercise.filename).write_text(exercise.file_text(mistake.code), encoding="utf-8")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_the_reference_solutions_coincide_with_the_engine(workspace, activation, loss):
    result = compare(config(activation=activation, loss=loss, layers="2,3,3,1", epochs=200), workspace)
    assert result.agrees, result.text
    assert result.text.startswith("✓ your code and the engine agree to 1e-9 over 200 epochs")
    assert len(result.yours) == len(result.engine) == 200
    np.testing.assert_allclose(result.yours, result.engine, rtol=1e-9)
    assert result.yours[-1] < result.yours[0]    # it learned: the curves are curves, not zeros


def test_mini_batches_in_the_trainers_order_and_rrelus_random_slopes_coincide_too(workspace):
    run = config(dataset="moons", samples=64, activation="rrelu", batch_size=16, layers="2,6,1", epochs=30)
    result = compare(run, workspace)
    assert result.agrees, result.text
    np.testing.assert_allclose(result.yours, result.engine, rtol=1e-9)


def test_momentum_coincides_with_the_learners_momentum_step(workspace):
    result = compare(config(optimizer="momentum", lr=0.1, activation="leaky_relu", epochs=100), workspace)
    assert result.agrees, result.text


def test_the_default_run_compares_mycode_epochs(workspace):
    result = compare(engine.RunConfig(), workspace, time_limit=60)   # a loaded machine cuts no epochs short
    assert f"over {MYCODE_EPOCHS:,} epochs" in result.text and result.agrees


def test_gradients_summed_instead_of_averaged_part_at_epoch_1_in_the_last_layers_dw(workspace):
    with_mistake(workspace, "gradients", "summing instead of averaging over the batch")
    result = compare(config(epochs=50), workspace)
    assert not result.agrees
    assert result.text.startswith("✗ they part at epoch 1, layer 2 (∂C/∂W² differs: yours 0.0801011, "
                                  "the engine 0.0200253, at [0, 0]); it comes from your gradients in 07_gradients.py")
    # Both curves are there to draw, and they do part.
    assert len(result.yours) == len(result.engine) == 50 and not np.allclose(result.yours, result.engine)


def test_hidden_delta_with_w_instead_of_its_transpose_fails_at_epoch_1_layer_1_with_its_line(workspace):
    with_mistake(workspace, "hidden_delta", "a transposed matrix")
    result = compare(config(epochs=50), workspace)
    assert not result.agrees
    assert result.text.startswith("✗ at epoch 1, layer 1, your hidden_delta(an array of shape (4, 1), "
                                  "an array of shape (4, 1), an array of shape (4, 4)) raised ValueError")
    line = next(number for number, text in enumerate(
        (workspace / "06_hidden_delta.py").read_text().splitlines(), start=1) if "delta_next @ W_next" in text)
    assert result.text.endswith(f"(06_hidden_delta.py:{line})") and result.line == ("06_hidden_delta.py", line)


@pytest.mark.parametrize("name, what, expected", [
    ("hidden_delta", "a missing chain factor", "they part at epoch 1, layer 2 (δ² (BP2) differs"),
    ("sgd", "a sign error", "they part at epoch 1, layer 1 (W¹ after the step differs"),
    ("losses", "MSE delta without σ′", "they part at epoch 1, layer 3 (δ³ (BP1) differs"),
    # The biases start at 0: leaving them out changes nothing until the first step moved them.
    ("dense", "no bias", "they part at epoch 2, layer 1 (z¹ differs"),
])
def test_a_typical_wrong_answer_is_found_at_its_epoch_layer_and_quantity(workspace, name, what, expected):
    with_mistake(workspace, name, what)
    result = compare(config(loss="mse", layers="2,3,3,1", epochs=20), workspace)
    assert expected in result.text and not result.agrees


def test_an_endless_loop_is_stopped_and_named_with_its_file_and_line(workspace):
    (workspace / "07_gradients.py").write_text("def gradients(a_prev, delta):\n    while True: pass\n")
    result = compare(config(epochs=50), workspace, time_limit=3)
    assert not result.agrees
    assert result.text == "✗ your code did not finish in 3 s: still running at 07_gradients.py:2 (an endless loop?)"


def test_a_syntax_error_names_its_file_and_line(workspace):
    (workspace / "04_dense.py").write_text("def dense_forward(a_prev, W, b):\n    return (a_prev @\n")
    result = compare(config(epochs=5), workspace)
    assert result.text.startswith("✗ 04_dense.py: syntax error at line 2") and result.line == ("04_dense.py", 2)


def test_a_missing_workspace_or_file_says_how_to_make_it(tmp_path, workspace):
    result = compare(config(epochs=5), tmp_path)
    assert not result.agrees and result.text.startswith(f"✗ no exercise files in {tmp_path}: run this from your workspace")
    (workspace / "06_hidden_delta.py").unlink()
    result = compare(config(epochs=5), workspace)
    assert result.text == (f"✗ no file 06_hidden_delta.py in {workspace}: `tutor exercises init` writes the "
                           "missing starter files")


def test_a_comparison_asked_to_stop_kills_the_learners_process(workspace):
    (workspace / "07_gradients.py").write_text("def gradients(a_prev, delta):\n    while True: pass\n")
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    assert compare(config(epochs=50), workspace, should_stop=stop.is_set) is None
    assert time.monotonic() - started < 8    # not the 10 s time limit: stopped when asked


def test_losses_that_drift_by_rounding_after_matching_steps_still_agree_and_say_so():
    outcome = dict(failure=None, part=None, stopped="")
    yours = np.array([1.0, 0.5, 0.25 * (1 + 1e-6)])
    result = verdict(outcome, yours, np.array([1.0, 0.5, 0.25]))
    assert result.agrees and "drift apart from epoch 3 by rounding" in result.text


# ----- what the learner's code covers, and what must pass first -------------------------

def passed(*names) -> dict:
    return {name: (True, 0) for name in names}


def test_the_exercises_a_run_needs_follow_its_activation_and_optimizer():
    assert needed(config(activation="tanh")) == ["sigmoid", "tanh", "dense", "losses", "hidden_delta",
                                                 "gradients", "sgd"]
    assert needed(config(activation="rrelu", optimizer="momentum")) == [
        "sigmoid", "relu", "dense", "losses", "hidden_delta", "gradients", "sgd", "momentum"]


def test_exercises_not_passed_yet_are_named_with_where_to_do_them():
    why = gate(config(), passed("sigmoid", "tanh", "relu", "dense", "losses"))
    assert why == ("pass the exercises hidden_delta, gradients, sgd first (`tutor exercises`, or the "
                   "Exercises screen): this run trains with them")
    assert gate(config(), passed(*needed(config()))) is None
    one_missing = gate(config(optimizer="momentum"), passed(*needed(config())))
    assert one_missing.startswith("pass the exercise momentum first") and one_missing.endswith("trains with it")


@pytest.mark.parametrize("settings, named", [
    (dict(activation="elu"), "the elu activation"),
    (dict(dataset="blobs", layers="2,4,3", output="softmax", loss="cross_entropy"), "a softmax output"),
    (dict(regularization="l2", regularization_rate=0.01), "l2 regularisation"),
])
def test_settings_no_exercise_covers_are_one_line_that_names_them(settings, named):
    why = not_covered(config(**settings))
    assert named in why and "\n" not in why
    assert gate(config(**settings), passed(*(e.name for e in exercises()))) == why


def test_compare_refuses_settings_no_exercise_covers_rather_than_train_another_network(workspace):
    # A linear output: the learner's code has a sigmoid output, the engine's run has not.
    result = compare(config(dataset="sine", layers="1,8,1", output="linear", loss="mse", epochs=20), workspace)
    assert not result.agrees and result.text == "✗ " + not_covered(config(output="linear", loss="mse"))


# ----- tutor exercises mycode ------------------------------------------------------------

@pytest.fixture
def learner(workspace, tmp_path, monkeypatch):
    """The workspace as the current folder, with a progress store of its own."""
    monkeypatch.setenv("NN_TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(workspace)
    return workspace


def test_cli_mycode_exits_0_when_they_agree_and_1_when_they_part(learner, capsys):
    workspace = learner
    for name in NAMES[:NAMES.index("sgd") + 1]:   # checked in course order, as a learner unlocks them
        assert main(["exercises", "check", name]) == 0
    capsys.readouterr()
    assert main(["exercises", "mycode", "--epochs", "100"]) == 0
    out = capsys.readouterr().out
    assert "✓ your code and the engine agree to 1e-9 over 100 epochs" in out
    with_mistake(workspace, "gradients", "summing instead of averaging over the batch")
    assert main(["exercises", "mycode", "--epochs", "100", "--dir", str(workspace)]) == 1
    assert "✗ they part at epoch 1, layer 2 (∂C/∂W² differs" in capsys.readouterr().out


def test_cli_mycode_names_the_exercises_to_pass_first(learner, capsys):
    assert main(["exercises", "mycode"]) == 1
    assert capsys.readouterr().out.startswith("Pass the exercises sigmoid, tanh, dense")


def test_cli_mycode_refuses_bad_options_and_uncovered_settings_with_exit_2(learner, capsys):
    assert main(["exercises", "mycode", "--lr", "abc"]) == 2
    assert "--lr: expected a number" in capsys.readouterr().err
    assert main(["exercises", "mycode", "--regularization", "l1", "--regularization-rate", "0.01"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "your code does not cover l1 regularisation" in err
    assert main(["exercises", "mycode", "--layers", "3,4,1"]) == 2
    assert "--layers: the first layer has 3 inputs" in capsys.readouterr().err


def test_cli_mycode_compares_mycode_epochs_by_default():
    args = build_parser().parse_args(["exercises", "mycode"])
    assert int(args.epochs) == MYCODE_EPOCHS


def test_adam_coincides_with_the_learners_adam_step_and_a_wrong_one_parts_at_its_step(workspace):
    result = compare(config(optimizer="adam", lr=0.01, epochs=100), workspace)
    assert result.agrees, result.text
    with_mistake(workspace, "adam", next(m.what for m in by_name("adam").mistakes if "bias correction" in m.what))
    result = compare(config(optimizer="adam", lr=0.01, epochs=20), workspace)
    assert "they part at epoch 1, layer 1 (W¹ after the step differs" in result.text
    assert "it comes from your adam_step in 12_adam.py" in result.text
