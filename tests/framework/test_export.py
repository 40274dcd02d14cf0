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


@pytest.mark.parametrize("case", CASES, ids=[case["activation"] for case in CASES])
def test_numpy_script_prints_exactly_the_engines_losses(tmp_path, case):
    config = run_config(case)
    ours = engine_losses(config)
    theirs = script_losses(tmp_path, export(config, "numpy"), "train_numpy.py")
    assert list(theirs) == [1, 10, 100, EPOCHS]
    assert theirs == ours     # to the last bit: the same arithmetic in the same order


@pytest.mark.parametrize("case", CASES, ids=[case["activation"] for case in CASES])
def test_pytorch_script_agrees_to_1e9(tmp_path, case):
    need_torch()
    config = run_config(case)
    ours = engine_losses(config)
    theirs = script_losses(tmp_path, export(config, "pytorch"), "train_pytorch.py")
    assert list(theirs) == list(ours)
    for epoch, loss in ours.items():
        assert math.isclose(theirs[epoch], loss, rel_tol=1e-9, abs_tol=0.0), (epoch, theirs[epoch], loss)


def test_numpy_script_imports_only_numpy_and_math():
    for case in CASES:
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
