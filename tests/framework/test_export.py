"""tutor/framework/export.py: the exported scripts run alone and reproduce the engine's run.

Each script runs in a subprocess of its own, as a learner would run it."""
from __future__ import annotations

import ast
import math
import subprocess
import sys

import pytest

import engine
from framework_cases import need_torch
from tutor.framework.export import ExportError, MAX_NUMBERS, export

# Every activation once; together every output/loss pairing, optimizer and initialisation,
# full batch and mini-batches, one and three hidden layers.
CASES = [
    dict(activation="sigmoid", output="sigmoid", loss="mse", optimizer="momentum", init="normal"),
    dict(activation="tanh"),
    dict(activation="relu", dataset="circle", layers=(2, 6, 5, 4, 1), init="he", batch_size=16, samples=60),
    dict(activation="leaky_relu", dataset="sine", layers=(1, 8, 1), output="linear", loss="mse", init="he"),
    dict(activation="rrelu", dataset="moons", layers=(2, 6, 1), batch_size=10, samples=40, optimizer="adam", lr=0.01),
    dict(activation="elu", dataset="blobs", layers=(2, 5, 3), output="softmax", loss="cross_entropy",
         samples=30, optimizer="adam", lr=0.02),
    dict(activation="softplus", dataset="blobs", layers=(2, 5, 4, 3, 3), output="softmax", loss="mse", samples=30),
    dict(activation="gelu", output="tanh", loss="mse", optimizer="momentum", init="zero"),
    dict(activation="silu", dataset="gauss", layers=(2, 4, 1), samples=30, optimizer="sgd", lr=0.3),
    dict(activation="linear", dataset="spiral", layers=(2, 4, 4, 1), samples=40, batch_size=7),
]
# Regularisation (each penalty with each optimizer, full batch and mini-batches) and input
# features (all seven, and a circle drawn by a network without hidden layers).
EXTRA_CASES = {
    "l1-sgd": dict(activation="tanh", regularization="l1", regularization_rate=0.01),
    "l2-momentum": dict(activation="relu", dataset="circle", layers=(2, 6, 5, 1), init="he",
                        optimizer="momentum", lr=0.1, regularization="l2", regularization_rate=0.05),
    "l1-adam-zero-init": dict(activation="sigmoid", optimizer="adam", lr=0.02, init="zero", batch_size=16,
                              samples=40, regularization="l1", regularization_rate=0.1),
    "l2-adam-softmax": dict(activation="elu", dataset="blobs", layers=(2, 5, 3), output="softmax",
                            loss="cross_entropy", samples=30, optimizer="adam", lr=0.02,
                            regularization="l2", regularization_rate=0.01),
    "features-all": dict(activation="tanh", dataset="spiral", layers=(7, 6, 1), samples=60, batch_size=20,
                         features=("x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2")),
    "features-circle-l2": dict(activation="linear", dataset="circle", layers=(2, 1), features=("x1^2", "x2^2"),
                               regularization="l2", regularization_rate=0.001),
}
ALL_CASES = CASES + [pytest.param(case, id=name) for name, case in EXTRA_CASES.items()]
IDS = [case["activation"] for case in CASES] + list(EXTRA_CASES)
EPOCHS = 120


def run_config(case: dict) -> engine.RunConfig:
    return engine.RunConfig(**{"epochs": EPOCHS, **case})


def engine_losses(config: engine.RunConfig) -> dict[int, float]:
    """The engine's loss at epochs 1, 10, 100 and the last, as `tutor train` prints them."""
    _, trainer, _ = config.build()
    trainer.run(config.epochs)
    return {epoch: checkpoint.record.loss for epoch, checkpoint in trainer.checkpoints.items()
            if checkpoint.record is not None}


def script_losses(tmp_path, text: str, name: str) -> dict[int, float]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    losses = {}
    for line in done.stdout.splitlines():
        words = line.split()
        assert words[0] == "epoch" and words[2] == "loss", line
        losses[int(words[1])] = float(words[3])
    return losses


@pytest.mark.parametrize("case", ALL_CASES, ids=IDS)
def test_numpy_script_prints_exactly_the_engines_losses(tmp_path, case):
    config = run_config(case)
    ours = engine_losses(config)
    theirs = script_losses(tmp_path, export(config, "numpy"), "train_numpy.py")
    assert list(theirs) == [1, 10, 100, EPOCHS]
    assert theirs == ours     # to the last bit: the same arithmetic in the same order


@pytest.mark.parametrize("case", ALL_CASES, ids=IDS)
def test_pytorch_script_agrees_to_1e9(tmp_path, case):
    need_torch()
    config = run_config(case)
    ours = engine_losses(config)
    theirs = script_losses(tmp_path, export(config, "pytorch"), "train_pytorch.py")
    assert list(theirs) == list(ours)
    for epoch, loss in ours.items():
        assert math.isclose(theirs[epoch], loss, rel_tol=1e-9, abs_tol=0.0), (epoch, theirs[epoch], loss)


def test_numpy_script_imports_only_numpy_and_math():
    for case in CASES + list(EXTRA_CASES.values()):
        tree = ast.parse(export(run_config(case), "numpy"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert imported == {"numpy", "math"}


def test_numpy_script_reads_as_the_engines_equations():
    text = export(engine.RunConfig(), "numpy")
    for words in ("# BP1", "# BP2", "# BP3", "# BP4", "nabla_w", "nabla_b", "deltas", "zs", "activations",
                  "def backward(", "def initial_parameters("):
        assert words in text


@pytest.mark.parametrize("layers, says", [((2, 1), "xor 2-1: no hidden layer, sigmoid output"),
                                          ((2, 4, 1), "xor 2-4-1: one tanh hidden layer, sigmoid output"),
                                          ((2, 4, 4, 4, 1), "xor 2-4-4-4-1: 3 tanh hidden layers, sigmoid output")])
@pytest.mark.parametrize("to", ["numpy", "pytorch"])
def test_the_scripts_title_says_how_many_hidden_layers_there_are(layers, says, to):
    # A 2-1 network was once titled "tanh hidden layers": it has none, and no tanh.
    title = export(engine.RunConfig(layers=layers, activation="tanh"), to).splitlines()[0]
    assert title.startswith(f'"""{says}, bce loss')


def test_pytorch_script_uses_torch_nn():
    text = export(engine.RunConfig(activation="gelu"), "pytorch")
    assert "nn.Sequential(" in text and 'nn.GELU(approximate="tanh")' in text
    assert "nn.BCEWithLogitsLoss()" in text and "torch.optim.SGD" in text and "loss.backward()" in text


def test_a_diverging_run_says_so_and_stops(tmp_path):
    config = engine.RunConfig(dataset="sine", layers=(1, 8, 1), output="linear", loss="mse",
                              activation="relu", lr=1e5, epochs=50)
    path = tmp_path / "diverge.py"
    path.write_text(export(config, "numpy"), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "diverged at epoch" in done.stdout
    assert done.stderr == ""


def test_data_too_big_to_embed_is_refused_by_the_option_to_change():
    config = engine.RunConfig(dataset="circle", samples=MAX_NUMBERS // 2)
    with pytest.raises(ExportError, match="^samples: the script would hold 150,000 numbers"):
        export(config, "numpy")


def test_features_are_computed_from_the_embedded_points_in_both_scripts():
    config = run_config(EXTRA_CASES["features-circle-l2"])
    data = config.checked_dataset()
    for to, stack in (("numpy", "np.column_stack(["), ("pytorch", "torch.stack([")):
        text = export(config, to)
        assert "def features(points):" in text and "X = features(POINTS)" in text and stack in text
        assert "        x1 * x1,   # x1^2\n        x2 * x2,   # x2^2\n" in text
        # The points are embedded, not the features: the first point's coordinates as they are.
        assert f"    [{float(data.raw.X[0, 0])!r}, {float(data.raw.X[0, 1])!r}]," in text
        assert "--features x1^2,x2^2" in text


def test_a_default_run_names_no_default_option_in_its_docstring():
    """Features and regularisation at their defaults are not written as options."""
    text = export(engine.RunConfig(epochs=50), "numpy")
    assert "`tutor export --to numpy --epochs 50`" in text
    assert "def features(" not in text and "REGULARIZATION_RATE" not in text


@pytest.mark.parametrize("regularization, gradient, penalty", [
    ("l2", "nabla_w = [nw + REGULARIZATION_RATE * W for nw, W in zip(nabla_w, weights)]",
     "REGULARIZATION_RATE / 2 * sum((linear.weight ** 2).sum() for linear in linears)"),
    ("l1", "nabla_w = [nw + REGULARIZATION_RATE * np.sign(W) for nw, W in zip(nabla_w, weights)]",
     "REGULARIZATION_RATE * sum(linear.weight.abs().sum() for linear in linears)"),
])
def test_the_penalty_is_written_as_each_script_would_write_it(regularization, gradient, penalty):
    config = engine.RunConfig(regularization=regularization, regularization_rate=0.01)
    numpy_text, torch_text = export(config, "numpy"), export(config, "pytorch")
    assert gradient in numpy_text and "REGULARIZATION_RATE = 0.01" in numpy_text
    assert penalty in torch_text and "(loss + penalty()).backward()" in torch_text
    assert "losses.append(loss.item())" in torch_text     # the data loss L is what is printed
