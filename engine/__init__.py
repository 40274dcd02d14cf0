"""nn-tutor's from-scratch neural network engine: NumPy and the standard library only.

    >>> import engine
    >>> net = engine.Network([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    >>> data = engine.datasets.load("xor")
    >>> trainer = engine.Trainer(net, data.X, data.Y, loss="bce", lr=0.5)
    >>> record = trainer.run(10000)
    >>> record.loss < 0.05
    True
"""
from engine import datasets
from engine.activations import ACTIVATIONS, OUTPUTS, Activation
from engine.config import ConfigError, RunConfig
from engine.gradcheck import gradcheck
from engine.init import INITS
from engine.losses import LOSSES
from engine.metrics import MetricsLog
from engine.network import Gradients, Network, NetworkFileError
from engine.optimizers import OPTIMIZERS
from engine.sharpness import estimate_sharpness, stability_limit
from engine.training import Checkpoint, EpochRecord, Trainer

__all__ = [
    "ACTIVATIONS", "OUTPUTS", "LOSSES", "INITS", "OPTIMIZERS", "Activation",
    "Network", "Gradients", "NetworkFileError", "Trainer", "EpochRecord", "Checkpoint",
    "MetricsLog", "RunConfig", "ConfigError", "gradcheck", "datasets", "estimate_sharpness", "stability_limit",
]
