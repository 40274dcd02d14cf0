"""Cases for the tests of tutor/framework (the engine beside PyTorch), imported by them."""
from __future__ import annotations

import pytest

import engine

SKIP_WITHOUT_TORCH = ("PyTorch is not installed (pip install 'nn-tutor[torch]'); "
                      "the crosscheck and PyTorch export tests need it")

# Every output/loss pairing the engine accepts, each with a dataset that fits it.
PAIRINGS = (
    ("sigmoid", "bce", "xor"), ("sigmoid", "mse", "xor"), ("tanh", "mse", "xor"),
    ("linear", "mse", "sine"), ("softmax", "cross_entropy", "blobs"), ("softmax", "mse", "blobs"),
)
INPUTS = {"xor": 2, "sine": 1, "blobs": 2}
OUTPUTS = {"xor": 1, "sine": 1, "blobs": 3}


def architectures(dataset: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """One hidden layer of 4, and three hidden layers (5, 4, 3), for the dataset's widths."""
    n_in, n_out = INPUTS[dataset], OUTPUTS[dataset]
    return (n_in, 4, n_out), (n_in, 5, 4, 3, n_out)


def config(activation="tanh", output="sigmoid", loss="bce", dataset="xor", layers=None, **settings):
    lr = 0.01 if settings.get("optimizer") == "adam" else 0.1
    values = dict(dataset=dataset, layers=layers or architectures(dataset)[0], activation=activation,
                  output=output, loss=loss, lr=lr, samples=40)
    values.update(settings)
    return engine.RunConfig(**values)


def need_torch():
    """The torch module, or the test skipped with the reason."""
    return pytest.importorskip("torch", reason=SKIP_WITHOUT_TORCH)
