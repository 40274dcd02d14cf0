"""RunConfig: everything that defines a training run, validated in one place.

The CLI (`tutor train`, `tutor lab`), the Lab's controls and lessons' lab blocks all
describe runs with the same fields; each turns its text or TOML into a RunConfig via
`RunConfig.from_mapping`, which names the field that is wrong. A RunConfig checks
every field when it is made (also by RunConfig(...) or dataclasses.replace), so one
that exists is a valid run: nothing downstream validates it again.
"""
from __future__ import annotations

import dataclasses
import math
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass
from pathlib import Path

from engine import datasets, features
from engine.activations import ACTIVATIONS, OUTPUTS
from engine.init import INITS
from engine.losses import LOSSES, check_pairing
from engine.names import did_you_mean
from engine.network import Network
from engine.optimizers import OPTIMIZERS
from engine.regularization import REGULARIZATIONS
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
    # An L1 or L2 penalty on the weights (not the biases), of rate λ (engine/regularization.py).
    regularization: str = "none"
    regularization_rate: float = 0.0
    # The inputs the network sees, made from 2-D points (engine/features.py), in FEATURES'
    # order; the default, x1 and x2, leaves data of any width as it is.
    features: tuple[str, ...] = features.RAW

    def __post_init__(self) -> None:
        """Parse and check every field, so that a RunConfig that exists is a valid run
        (however it was made: from_mapping, RunConfig(...), dataclasses.replace)."""
        for field in dataclasses.fields(self):
            object.__setattr__(self, field.name, _PARSERS[field.name](field.name, getattr(self, field.name)))
        self.validate()

    @classmethod
    def from_mapping(cls, mapping) -> "RunConfig":
        """Build from text or typed values (CLI strings, TOML, the Lab's inputs);
        raises ConfigError naming the first bad field."""
        names = [f.name for f in dataclasses.fields(cls)]
        values = {}
        for key, raw in mapping.items():
            key = key.replace("-", "_")
            if key not in names:
                raise ConfigError(key, f"unknown setting{did_you_mean(key, names)}")
            values[key] = raw
        return cls(**values)   # __post_init__ parses each value

    @staticmethod
    def parse_field(field: str, raw):
        """One setting's value from text or a typed value, checked on its own (ConfigError
        naming the field): for a setting a running session takes alone (the learning rate)."""
        if field not in _PARSERS:
            raise ConfigError(field, f"unknown setting{did_you_mean(field, _PARSERS)}")
        return _PARSERS[field](field, raw)

    def validate(self) -> None:
        """Check the names and their combinations (not the dataset's width: see build());
        each field's own range was checked as it was parsed."""
        for field, table in (("activation", ACTIVATIONS), ("output", OUTPUTS), ("loss", LOSSES),
                             ("init", INITS), ("optimizer", OPTIMIZERS),
                             ("regularization", REGULARIZATIONS)):
            value = getattr(self, field)
            if value not in table:
                # Two-letter names (l1, l2) are never 60% alike: for them one letter right is a hint.
                hint = did_you_mean(value, table, cutoff=0.5 if field == "regularization" else 0.6)
                raise ConfigError(field, f"unknown {field} {shown(value)}{hint}; "
                                         f"choose from {', '.join(table)}")
        if not _is_csv(self.dataset) and self.dataset not in datasets.NAMES:
            raise ConfigError("dataset", f"unknown dataset {shown(self.dataset)}{did_you_mean(self.dataset, datasets.NAMES)}; "
                                         f"choose from {', '.join(datasets.NAMES)} or give a .csv file")
        if len(self.layers) < 2 or min(self.layers) < 1:
            raise ConfigError("layers", "need at least an input and an output size, each at least 1 (e.g. 2,4,1)")
        self._check_features()
        try:
            check_pairing(self.output, self.loss)
        except ValueError as error:
            raise ConfigError("loss", str(error)) from None
        if self.output == "softmax" and self.layers[-1] < 2:
            raise ConfigError("output", "softmax over a single output is always 1, so nothing can be learned; "
                                        "use sigmoid for one output, or give softmax one output per class")
        self.check_size()

    def _check_features(self) -> None:
        """Features other than the raw x1, x2 need 2-D points, and one input neuron each.
        (A CSV file's width is checked when it is read: see load_dataset.)"""
        if self.features == features.RAW:
            return
        if not _is_csv(self.dataset) and datasets.shape(self.dataset)[0] != 2:
            raise ConfigError("features", _not_2d(self.features, self.dataset, datasets.shape(self.dataset)[0]))
        if self.layers[0] != len(self.features):
            layers = ",".join(map(str, (len(self.features),) + self.layers[1:]))
            raise ConfigError("layers", f"the first layer has {self.layers[0]} inputs but features "
                                        f"{','.join(self.features)} make {len(self.features)}: "
                                        f"one input per feature (layers {layers})")

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
        """The data, with the input features computed from its points (if any are chosen)."""
        try:
            if _is_csv(self.dataset):
                data = datasets.from_csv(self.dataset, targets=self.layers[-1],
                                         test_share=self.test_share, seed=self.seed)
            else:
                data = datasets.load(self.dataset, **self.dataset_kwargs())
        except datasets.DatasetError as error:
            raise ConfigError("dataset", str(error)) from None
        if self.features == features.RAW:
            return data
        if data.input_width != 2:
            raise ConfigError("features", _not_2d(self.features, data.name, data.input_width))
        return features.apply(data, self.features)

    def inputs(self, points):
        """What the input layer gets for 2-D points (n, 2), such as the grid of a decision
        map: their features, or the points themselves with the default x1, x2."""
        return points if self.features == features.RAW else features.expand(points, self.features)

    def build(self) -> tuple[Network, Trainer, "datasets.Dataset"]:
        """The network, its trainer and the data, ready for trainer.run(epochs)."""
        data = self.checked_dataset()
        net = Network(self.layers, self.activation, self.output, self.init, self.seed)
        trainer = Trainer(net, data.X, data.Y, loss=self.loss, lr=self.lr, optimizer=self.optimizer,
                          batch_size=self.batch_size or None, seed=self.seed,
                          X_test=data.X_test, Y_test=data.Y_test, regularization=self.regularization,
                          regularization_rate=self.regularization_rate)
        return net, trainer, data

    def checked_dataset(self) -> "datasets.Dataset":
        """Load the data and check it fits the network, without building the network."""
        data = self.load_dataset()
        rows = len(data.X) + len(data.X_test)
        if _is_csv(self.dataset) and rows < datasets.MIN_SAMPLES:   # said in rows: `samples` is not used
            raise ConfigError("dataset", f"{self.dataset} has {rows} row{'s' if rows != 1 else ''}; "
                                         f"a dataset needs at least {datasets.MIN_SAMPLES}")
        for field in ("output", "loss"):
            why = unfit(getattr(self, field), data.task)
            if why:
                raise ConfigError(field, f"{field} {getattr(self, field)} {why}; dataset {data.name} "
                                         f"{_TASK_TEXT[data.task]}: {_FITTING[data.task]}")
        if data.input_width != self.layers[0]:
            raise ConfigError("layers", f"the first layer has {self.layers[0]} inputs but dataset "
                                        f"{data.name} has {data.input_width} input columns")
        if data.output_width != self.layers[-1]:
            raise ConfigError("layers", f"the last layer has {self.layers[-1]} outputs but dataset "
                                        f"{data.name} has {data.output_width} target columns")
        if _is_csv(self.dataset):  # the file's rows, not `samples`, are what the run holds
            dataclasses.replace(self, samples=rows).check_size()
        return data

    def to_dict(self) -> dict:
        values = dataclasses.asdict(self)
        values["layers"] = list(self.layers)
        values["features"] = list(self.features)
        return values


# What each task's data is, and which output and loss fit it.
_TASK_TEXT = {"binary": "has one target column (0 or 1)",
              "multiclass": "has one-hot targets, one column per class",
              "regression": "is a regression task (real targets)"}
_FITTING = {"binary": "use a sigmoid output with bce (or mse)",
            "multiclass": "use a softmax output with cross_entropy",
            "regression": "use mse with a linear output"}


def unfit(name: str, task: str, short: bool = False) -> str:
    """Why the output or loss `name` cannot learn data of this task ("" if it can);
    short: in two or three words, for a list of choices."""
    if task == "regression" and name in ("bce", "cross_entropy"):
        return "classification only" if short else "is for classification"
    if task != "multiclass" and name in ("softmax", "cross_entropy"):
        return "multi-class only" if short else "needs one output per class (a multi-class dataset)"
    return ""


def fitting(task: str) -> dict[str, str]:
    """The output and loss a network for data of this task starts with."""
    output, loss = {"binary": ("sigmoid", "bce"), "multiclass": ("softmax", "cross_entropy"),
                    "regression": ("linear", "mse")}[task]
    return {"output": output, "loss": loss}


def _is_csv(dataset: str) -> bool:
    """A file to load: a .csv name, or an existing file that is not a built-in dataset's name."""
    return dataset.lower().endswith(".csv") or (dataset not in datasets.NAMES and Path(dataset).is_file())


def _not_2d(chosen, dataset: str, inputs: int) -> str:
    """Why features cannot be made from this dataset's inputs."""
    return (f"input features ({','.join(chosen)}) are made from 2-D points (x1, x2), but dataset {dataset} has "
            f"{inputs} input column{'s' if inputs != 1 else ''}: keep the default x1,x2")


def _sizes(layers) -> str:
    """Layer sizes as written in a config, shortened when there are many: 2,4096,…,1 (40 layers)."""
    if len(layers) <= 6:
        return ",".join(map(str, layers))
    return f"{layers[0]},{layers[1]},…,{layers[-1]} ({len(layers)} layers)"


# ----- parsing one field from text or a typed value -----------------------------

def _text(field, raw):
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(field, f"expected a name, got {shown(raw)}")
    _check_length(field, raw, 4096)    # a CSV file's path may be long; nothing is longer
    return raw.strip()


# Longest text a setting may be: numbers are a few characters, layer sizes a few
# hundred at most; a pasted page is refused before any parsing.
MAX_TEXT = 1000


def _check_length(field: str, raw, limit: int = MAX_TEXT) -> None:
    """Refuse text longer than `limit` before parsing it (in time independent of its length)."""
    if isinstance(raw, str) and len(raw) > limit:
        raise ConfigError(field, f"too long ({len(raw):,} characters; the limit is {limit:,})")


def shown(raw, limit: int = 24) -> str:
    """raw as an error message quotes it: repr, cut to `limit` characters (a pasted
    page of text must not become a page of error)."""
    text = repr(raw)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def typed(value) -> str:
    """A limit as the learner would type it: 100000000 as 1e8, 0.9 as 0.9, 4294967295 in full."""
    text = f"{value:g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    return text if float(text) == value else str(value)


def _whole(text: str) -> int:
    """A whole number from text, also in scientific notation ("1e8", "2.5e3");
    ValueError if the text is not a number or not integral. Decimal reads it exactly,
    in time linear in its length."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or number != number.to_integral_value() or abs(number.adjusted()) > 30:
        raise ValueError(text)
    return int(number)


def _number(field, raw, kind, low, high, low_open=False):
    """A number in [low, high] (or (low, high] when low_open), from text or a number.
    Whole numbers may be written in scientific notation (1e8)."""
    if isinstance(raw, bool):
        raise ConfigError(field, f"expected a number, got {shown(raw)}")
    _check_length(field, raw)
    if kind is int and isinstance(raw, float) and not raw.is_integer():
        raise ConfigError(field, f"expected a whole number, got {shown(raw)}")  # int() would truncate it
    try:
        if isinstance(raw, str):
            value = _whole(raw.strip()) if kind is int else float(raw.strip())
        else:
            value = kind(raw)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(field, f"expected {'a whole number' if kind is int else 'a number'}, "
                                 f"got {shown(raw)}") from None
    if kind is float and not math.isfinite(value):
        raise ConfigError(field, f"must be finite, got {shown(raw)}")
    if value < low or value > high or (low_open and value == low):
        bound = f"greater than {typed(low)}" if low_open else f"at least {typed(low)}"
        raise ConfigError(field, f"must be {bound} and at most {typed(high)}, got {shown(raw)}")
    return value


def _layers(field, raw):
    _check_length(field, raw)
    if isinstance(raw, str):
        parts = [part.strip() for part in raw.split(",")]
        if "" in parts:
            raise ConfigError(field, f"empty size in {shown(raw)}: write sizes like 2,4,1")
    elif isinstance(raw, (list, tuple)):
        parts = list(raw)
    else:
        raise ConfigError(field, f"expected sizes like 2,4,1, got {shown(raw)}")
    sizes = []
    for part in parts:
        if isinstance(part, bool) or (isinstance(part, float) and not part.is_integer()):
            raise ConfigError(field, f"expected sizes like 2,4,1, got {shown(raw)}")
        try:
            size = _whole(part.strip()) if isinstance(part, str) else int(part)
        except (TypeError, ValueError):
            raise ConfigError(field, f"{shown(part)} is not a whole number (write sizes like 2,4,1)") from None
        if size < 1 or size > 4096:
            raise ConfigError(field, f"every layer needs 1 to 4096 neurons, got {size} in {shown(raw)}")
        sizes.append(size)
    if len(sizes) < 2:
        raise ConfigError(field, f"need at least an input and an output size (e.g. 2,4,1), got {shown(raw)}")
    return tuple(sizes)


def _features(field, raw):
    """Feature names, as text (x1,x2,x1x2) or a list, each spelled as engine.features
    allows (x1^2, x1², sin(x1), ...), returned in the input layer's order."""
    _check_length(field, raw)
    if isinstance(raw, str):
        names = [part.strip() for part in raw.split(",") if part.strip()]
    elif isinstance(raw, (list, tuple)) and all(isinstance(name, str) for name in raw):
        names = list(raw)
    else:
        raise ConfigError(field, f"expected feature names like x1,x2,x1x2, got {shown(raw)}")
    if not names:
        raise ConfigError(field, f"choose at least one of {', '.join(features.FEATURES)}")
    chosen = []
    for name in names:
        key = features.canonical(name)
        if key not in features.FEATURES:
            raise ConfigError(field, f"unknown feature {shown(name)}{did_you_mean(key, features.FEATURES, cutoff=0.5)}; "
                                     f"choose from {', '.join(features.FEATURES)}")
        if key in chosen:
            raise ConfigError(field, f"feature {key} is given twice")
        chosen.append(key)
    return features.ordered(chosen)


_PARSERS = {
    "dataset": _text, "activation": _text, "output": _text, "loss": _text,
    "init": _text, "optimizer": _text,
    "regularization": lambda f, r: _text(f, r).lower(),      # L2 as written in books is l2
    "regularization_rate": lambda f, r: _number(f, r, float, 0.0, 1e6),
    "features": _features,
    "layers": _layers,
    "lr": lambda f, r: _number(f, r, float, 0.0, 1e6, low_open=True),
    "batch_size": lambda f, r: _number(f, r, int, 0, 10**7),
    "epochs": lambda f, r: _number(f, r, int, 1, 10**8),
    "seed": lambda f, r: _number(f, r, int, 0, datasets.MAX_SEED),
    "noise": lambda f, r: _number(f, r, float, 0.0, datasets.MAX_NOISE),
    "test_share": lambda f, r: _number(f, r, float, 0.0, datasets.MAX_TEST_SHARE),
    "samples": lambda f, r: _number(f, r, int, datasets.MIN_SAMPLES, datasets.MAX_SAMPLES),
}
