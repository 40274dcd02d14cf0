"""The `tutor` command line: argparse front door, one subcommand per job.

Imports here are standard library only; each subcommand's module (and with it
NumPy, SymPy or Textual) is imported when that subcommand runs.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Defaults of a training run; engine.RunConfig has the same ones and is the authority
# (kept here as text so that --help needs no NumPy).
RUN_DEFAULTS = dict(
    dataset="xor", layers="2,4,1", activation="tanh", output="sigmoid", loss="bce",
    init="xavier", optimizer="sgd", lr=0.5, batch_size=0, epochs=10000, seed=0,
    noise=0.1, test_share=0.0, samples=200,
)


class UsageError(Exception):
    """A bad command-line value: printed as one line, exit code 2."""


RUN_FIELDS = tuple(RUN_DEFAULTS)


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


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options that describe a training run (shared by `train` and `lab`)."""
    d = RUN_DEFAULTS
    g = parser.add_argument_group("training run")
    g.add_argument("--dataset", default=d["dataset"],
                   help="xor, and, or, circle, gauss, spiral, moons, sine, or a CSV file path (default: %(default)s)")
    g.add_argument("--layers", default=d["layers"], help="layer sizes, input first (default: %(default)s)")
    g.add_argument("--activation", default=d["activation"], help="hidden activation (default: %(default)s)")
    g.add_argument("--output", default=d["output"], help="output activation (default: %(default)s)")
    g.add_argument("--loss", default=d["loss"], help="mse, bce or cross_entropy (default: %(default)s)")
    g.add_argument("--init", default=d["init"], help="xavier, he, normal or zero (default: %(default)s)")
    g.add_argument("--optimizer", default=d["optimizer"], help="sgd, momentum or adam (default: %(default)s)")
    g.add_argument("--lr", default=d["lr"], type=str, help="learning rate (default: %(default)s)")
    g.add_argument("--batch-size", default=d["batch_size"], type=str,
                   help="mini-batch size, 0 for the full batch (default: full batch)")
    g.add_argument("--epochs", default=d["epochs"], type=str, help="epochs to run (default: %(default)s)")
    g.add_argument("--seed", default=d["seed"], type=str, help="random seed (default: %(default)s)")
    g.add_argument("--noise", default=d["noise"], type=str, help="dataset noise (default: %(default)s)")
    g.add_argument("--test-share", default=d["test_share"], type=str,
                   help="share of samples held out for testing (default: %(default)s)")
    g.add_argument("--samples", default=d["samples"], type=str,
                   help="samples for generated datasets (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tutor",
        description="A terminal tutor that teaches neural networks from first principles.",
    )
    parser.add_argument("--slow-link", action="store_true",
                        help="low-bandwidth mode for slow SSH links (also NN_TUTOR_SLOW_LINK=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("train", help="train a network headless and print the loss and deltas")
    add_run_options(p)
    p.add_argument("--json", action="store_true", help="print the results as JSON")

    p = sub.add_parser("lab", help="open the Lab with a training configuration")
    add_run_options(p)
    p.add_argument("--start", action="store_true", help="start training at once")

    p = sub.add_parser("quiz", help="answer a lesson's quizzes in plain text (no UI)")
    p.add_argument("lesson_id", help="the lesson's id (see `tutor lessons`)")

    p = sub.add_parser("drill", help="endless generated derivative drills in plain text")
    p.add_argument("--seed", type=int, default=None, help="seed for a reproducible series")

    sub.add_parser("lessons", help="list the lessons of the course")

    p = sub.add_parser("check-lessons", help="validate lesson files and print every problem")
    p.add_argument("directory", nargs="?", default=None, help="lessons folder (default: the course)")

    p = sub.add_parser("serve", help="serve the app in a browser (needs the 'serve' extra)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    p.add_argument("--no-token", action="store_true",
                   help="do not require the random token in the address (any local user "
                        "or program can then use the app as you)")
    return parser


# command name -> module in tutor.commands that implements it
COMMANDS = {
    None: "app",
    "train": "train",
    "lab": "app",
    "quiz": "quiz",
    "drill": "drill",
    "lessons": "lessons",
    "check-lessons": "check_lessons",
    "serve": "serve",
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(f"tutor.commands.{COMMANDS[args.command]}")
    try:
        return module.run(args)
    except UsageError as error:
        print(f"tutor {args.command or ''}: error: {error}".replace("  ", " "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`tutor train | head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")
        return 141
