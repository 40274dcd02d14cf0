"""RunConfig: everything that defines a training run, validated in one place.

The CLI (`tutor train`, `tutor lab`), the Lab's controls and lessons' lab blocks all
describe runs with the same fields; each turns its text or TOML into a RunConfig via
`RunConfig.from_mapping`, which names the field that is wrong.
"""
from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass
from pathlib import Path

from engine import datasets
from engine.activations import ACTIVATIONS, OUTPUTS
from engine.init import INITS
from engine.losses import LOSSES, check_pairing
from engine.network import Network
from engine.optimizers import OPTIMIZERS
from engine.training import Trainer


# A bound on a network's size: each layer may have 4096 neurons (see _layers), but
# a few such layers already need gigabytes. Every run, from the CLI, the Lab or a
# lesson, passes RunConfig.check_size.
MAX_PARAMETERS = 5_000_000        # weights and biases: θ alone is then 40 MB
MAX_MEMORY_BYTES = 1_000_000_000  # what a run's arrays may take, by memory_estimate()

# Extra copies of θ an optimizer keeps (momentum's velocity; Adam's m and v).
_OPTIMIZER_COPIES = {"sgd": 0, "momentum": 1, "adam": 2}


class ConfigError(ValueError):
    """A bad value in a run's configuration; `.field` names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RunConfig:
    dataset: str = "xor"
    layers: tuple[int, ...] = (2, 4, 1)
    activation: str = "tanh"
    output: str = "sigmoid"
    loss: str = "bce"
    init: str = "xavier"
    optimizer: str = "sgd"
    lr: float = 0.5
    batch_size: int = 0      # 0: the full batch
    epochs: int = 10000
    seed: int = 0
    noise: float = 0.1
    test_share: float = 0.0
    samples: int = 200

    @classmethod
    def from_mapping(cls, mapping) -> "RunConfig":
        """Build from text or typed values (CLI strings, TOML, the Lab's inputs);
        raises ConfigError naming the first bad field."""
        names = [f.name for f in dataclasses.fields(cls)]
        values = {}
        for key, raw in mapping.items():
            key = key.replace("-", "_")
            if key not in names:
                raise ConfigError(key, f"unknown setting{_suggest(key, names)}")
            values[key] = _PARSERS[key](key, raw)
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        """Check names and ranges (not the dataset's width: see build())."""
        for field, table in (("activation", ACTIVATIONS), ("output", OUTPUTS), ("loss", LOSSES),
                             ("init", INITS), ("optimizer", OPTIMIZERS)):
            value = getattr(self, field)
            if value not in table:
                raise ConfigError(field, f"unknown {field} {value!r}{_suggest(value, table)}; "
                                         f"choose from {', '.join(table)}")
        if not _is_csv(self.dataset) and self.dataset not in datasets.NAMES:
            raise ConfigError("dataset", f"unknown dataset {self.dataset!r}{_suggest(self.dataset, datasets.NAMES)}; "
                                         f"choose from {', '.join(datasets.NAMES)} or give a .csv file")
        if len(self.layers) < 2 or min(self.layers) < 1:
            raise ConfigError("layers", "need at least an input and an output size, each at least 1 (e.g. 2,4,1)")
        try:
            check_pairing(self.output, self.loss)
        except ValueError as error:
            raise ConfigError("loss", str(error)) from None
        if self.output == "softmax" and self.layers[-1] < 2:
            raise ConfigError("output", "softmax over a single output is always 1, so nothing can be learned; "
                                        "use sigmoid for one output, or give softmax one output per class")
        self.check_size()

    def parameter_count(self) -> int:
        """Weights and biases: Σ (fan_in + 1)·fan_out over the layers."""
        return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(self.layers, self.layers[1:]))

    def memory_estimate(self) -> int:
        """Bytes of float64 a run holds at once, roughly: θ with its gradient and
        scratch copies, the optimizer's state and the checkpoints (epochs 1, 10, 100,
        ... and the last), plus z, a and delta of every layer for one batch."""
        checkpoints = len(str(self.epochs)) + 1
        copies = 4 + _OPTIMIZER_COPIES.get(self.optimizer, 2) + checkpoints
        rows = min(self.batch_size or self.samples, self.samples)
        return 8 * (copies * self.parameter_count() + 3 * rows * sum(self.layers))

    def check_size(self) -> None:
        """Refuse a network or a run too big for memory, naming the limit."""
        count = self.parameter_count()
        if count > MAX_PARAMETERS:
            raise ConfigError("layers", f"{_sizes(self.layers)} has {count:,} weights and biases; the limit is "
                                        f"{MAX_PARAMETERS:,}: use fewer or smaller layers")
        need = self.memory_estimate()
        if need > MAX_MEMORY_BYTES:
            raise ConfigError("samples", f"this run would need about {need / 1e9:.1f} GB of memory "
                                         f"({count:,} parameters, {self.samples:,} samples); the limit is "
                                         f"{MAX_MEMORY_BYTES / 1e9:g} GB: use fewer samples, a batch_size, "
                                         "or smaller layers")

    def dataset_kwargs(self) -> dict:
        return dict(samples=self.samples, noise=self.noise, test_share=self.test_share, seed=self.seed)

    def load_dataset(self) -> "datasets.Dataset":
        try:
            if _is_csv(self.dataset):
                return datasets.from_csv(self.dataset, targets=self.layers[-1],
                                         test_share=self.test_share, seed=self.seed)
            return datasets.load(self.dataset, **self.dataset_kwargs())
        except datasets.DatasetError as error:
            raise ConfigError("dataset", str(error)) from None

    def build(self) -> tuple[Network, Trainer, "datasets.Dataset"]:
        """The network, its trainer and the data, ready for run_epoch()."""
        data = self.checked_dataset()
        net = Network(self.layers, self.activation, self.output, self.init, self.seed)
        trainer = Trainer(net, data.X, data.Y, loss=self.loss, lr=self.lr, optimizer=self.optimizer,
                          batch_size=self.batch_size or None, seed=self.seed,
                          X_test=data.X_test, Y_test=data.Y_test)
        return net, trainer, data

    def checked_dataset(self) -> "datasets.Dataset":
        """Validate, load the data and check it fits the network, without building the network."""
        self.validate()
        data = self.load_dataset()
        if data.input_width != self.layers[0]:
            raise ConfigError("layers", f"the first layer has {self.layers[0]} inputs but dataset "
                                        f"{data.name} has {data.input_width} input columns")
        if data.output_width != self.layers[-1]:
            raise ConfigError("layers", f"the last layer has {self.layers[-1]} outputs but dataset "
                                        f"{data.name} has {data.output_width} target columns")
        if self.loss in ("bce", "cross_entropy") and data.task == "regression":
            raise ConfigError("loss", f"{self.loss} is for classification; dataset {data.name} is a "
                                      "regression task: use mse with a linear output")
        if _is_csv(self.dataset):  # the file's rows, not `samples`, are what the run holds
            dataclasses.replace(self, samples=len(data.X) + len(data.X_test)).check_size()
        return data

    def to_dict(self) -> dict:
        values = dataclasses.asdict(self)
        values["layers"] = list(self.layers)
        return values


def _is_csv(dataset: str) -> bool:
    """A file to load: a .csv name, or an existing file that is not a built-in dataset's name."""
    return dataset.lower().endswith(".csv") or (dataset not in datasets.NAMES and Path(dataset).is_file())


def _sizes(layers) -> str:
    """Layer sizes as written in a config, shortened when there are many: 2,4096,…,1 (40 layers)."""
    if len(layers) <= 6:
        return ",".join(map(str, layers))
    return f"{layers[0]},{layers[1]},…,{layers[-1]} ({len(layers)} layers)"


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ----- parsing one field from text or a typed value -----------------------------

def _text(field, raw):
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(field, f"expected a name, got {raw!r}")
    return raw.strip()


def _number(field, raw, kind, low, high, low_open=False):
    """A number in [low, high] (or (low, high] when low_open), from text or a number."""
    if isinstance(raw, bool):
        raise ConfigError(field, f"expected a number, got {raw!r}")
    if kind is int and isinstance(raw, float) and not raw.is_integer():
        raise ConfigError(field, f"expected a whole number, got {raw!r}")  # int() would truncate it
    try:
        value = kind(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise ConfigError(field, f"expected {'a whole number' if kind is int else 'a number'}, got {raw!r}") from None
    if kind is float and not math.isfinite(value):
        raise ConfigError(field, f"must be finite, got {raw!r}")
    if value < low or value > high or (low_open and value == low):
        bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
        raise ConfigError(field, f"must be {bound} and at most {high:g}, got {raw!r}")
    return value


def _layers(field, raw):
    if isinstance(raw, str):
        parts = [part.strip() for part in raw.split(",")]
        if "" in parts:
            raise ConfigError(field, f"empty size in {raw!r}: write sizes like 2,4,1")
    elif isinstance(raw, (list, tuple)):
        parts = list(raw)
    else:
        raise ConfigError(field, f"expected sizes like 2,4,1, got {raw!r}")
    sizes = []
    for part in parts:
        if isinstance(part, bool) or (isinstance(part, float) and not part.is_integer()):
            raise ConfigError(field, f"expected sizes like 2,4,1, got {raw!r}")
        try:
            size = int(part)
        except (TypeError, ValueError):
            raise ConfigError(field, f"{part!r} is not a whole number (write sizes like 2,4,1)") from None
        if size < 1 or size > 4096:
            raise ConfigError(field, f"every layer needs 1 to 4096 neurons, got {size} in {raw!r}")
        sizes.append(size)
    if len(sizes) < 2:
        raise ConfigError(field, f"need at least an input and an output size (e.g. 2,4,1), got {raw!r}")
    return tuple(sizes)


_PARSERS = {
    "dataset": _text, "activation": _text, "output": _text, "loss": _text,
    "init": _text, "optimizer": _text,
    "layers": _layers,
    "lr": lambda f, r: _number(f, r, float, 0.0, 1e6, low_open=True),
    "batch_size": lambda f, r: _number(f, r, int, 0, 10**7),
    "epochs": lambda f, r: _number(f, r, int, 1, 10**8),
    "seed": lambda f, r: _number(f, r, int, 0, 2**32 - 1),
    "noise": lambda f, r: _number(f, r, float, 0.0, 10.0),
    "test_share": lambda f, r: _number(f, r, float, 0.0, 0.9),
    "samples": lambda f, r: _number(f, r, int, 4, 10**6),
}
