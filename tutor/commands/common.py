"""What the commands share: a training run from options, and errors as one line.

Standard library only at import (cli.py imports this for RUN_DEFAULTS and UsageError
before any command runs, and `tutor --help` must answer without NumPy). The
dependency goes one way: cli.py imports this module; no command imports cli.py.
"""
from __future__ import annotations

# Defaults of a training run; engine.RunConfig has the same ones and is the authority
# (kept here as text so that --help needs no NumPy).
RUN_DEFAULTS = dict(
    dataset="xor", layers="2,4,1", activation="tanh", output="sigmoid", loss="bce",
    init="xavier", optimizer="sgd", lr=0.5, batch_size=0, epochs=10000, seed=0,
    noise=0.1, test_share=0.0, samples=200,
    regularization="none", regularization_rate=0.0, features="x1,x2",
)
RUN_FIELDS = tuple(RUN_DEFAULTS)


class UsageError(Exception):
    """A bad command-line value: printed as one line, exit code 2."""


def usage_error(config_error) -> UsageError:
    """An engine.ConfigError as the option it came from: `--lr: expected a number, got 'abc'`."""
    return UsageError(f"--{config_error.field.replace('_', '-')}: {config_error.message}")


def config_from_args(args):
    """The engine.RunConfig that the run options describe (names and ranges checked;
    `config.build()` checks the data against the layers)."""
    from engine import ConfigError, RunConfig

    try:
        return RunConfig.from_mapping({name: getattr(args, name) for name in RUN_FIELDS})
    except ConfigError as error:
        raise usage_error(error) from None


def build_run(config):
    """config.build() (network, trainer, data), with a mismatch between the data and
    the layers as a UsageError naming the option."""
    from engine import ConfigError

    try:
        return config.build()
    except ConfigError as error:
        raise usage_error(error) from None
