"""The `tutor` command line: argparse front door, one subcommand per job.

This module only parses and dispatches: what the commands share is in
tutor/commands/common.py, which this module imports (never the other way round).
Imports here are standard library only; each subcommand's module (and with it
NumPy, SymPy or Textual) is imported when that subcommand runs.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from tutor.commands.common import RUN_DEFAULTS, UsageError


def engine_names(field: str) -> tuple[str, ...]:
    """The names a run option accepts, read from the engine's registries (so that
    --help never drifts from what the engine takes). Imports NumPy."""
    from engine import INITS, LOSSES, OPTIMIZERS, OUTPUTS, ACTIVATIONS, datasets
    from engine.features import FEATURES
    from engine.regularization import REGULARIZATIONS

    registries = {"dataset": datasets.NAMES, "activation": ACTIVATIONS, "output": OUTPUTS,
                  "loss": LOSSES, "init": INITS, "optimizer": OPTIMIZERS, "activations": ACTIVATIONS,
                  "regularization": REGULARIZATIONS, "features": FEATURES}
    return tuple(registries[field])


class RunHelpFormatter(argparse.HelpFormatter):
    """Fills `{names}` in a run option's help with the names the engine accepts,
    only when the help is printed: `tutor --help` and every command start without NumPy."""

    def _get_help_string(self, action):
        text = super()._get_help_string(action) or ""
        if "{names}" in text:
            text = text.replace("{names}", ", ".join(engine_names(action.dest)))
        return text


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options that describe a training run (shared by `train` and `lab`)."""
    d = RUN_DEFAULTS
    g = parser.add_argument_group("training run")
    g.add_argument("--dataset", default=d["dataset"],
                   help="a built-in dataset ({names}) or a CSV file path (default: %(default)s)")
    g.add_argument("--layers", default=d["layers"], help="layer sizes, input first (default: %(default)s)")
    g.add_argument("--activation", default=d["activation"],
                   help="hidden activation: {names} (default: %(default)s)")
    g.add_argument("--output", default=d["output"], help="output activation: {names} (default: %(default)s)")
    g.add_argument("--loss", default=d["loss"], help="loss function: {names} (default: %(default)s)")
    g.add_argument("--init", default=d["init"], help="weight initialisation: {names} (default: %(default)s)")
    g.add_argument("--optimizer", default=d["optimizer"], help="update rule: {names} (default: %(default)s)")
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
    g.add_argument("--regularization", default=d["regularization"],
                   help="penalty on the weights (not the biases): {names} (default: %(default)s)")
    g.add_argument("--regularization-rate", default=d["regularization_rate"], type=str,
                   help="its rate λ: L2 adds (λ/2)·Σw², L1 λ·Σ|w| to the loss (default: %(default)s)")
    g.add_argument("--features", default=d["features"],
                   help="inputs made from 2-D points, comma-separated: {names}; the first layer "
                        "has one input per feature (default: %(default)s)")


def positive_number(text: str) -> float:
    """argparse type for a number above 0: `--target-loss: expected a positive number, got 'x'`."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_compare_options(parser: argparse.ArgumentParser) -> None:
    """What `tutor compare` varies, and how it groups and exports the runs."""
    g = parser.add_argument_group("comparison")
    g.add_argument("--activations", help="hidden activations to compare, comma-separated: {names} "
                                         "(default: --activation alone)")
    g.add_argument("--lrs", help="learning rates to compare, comma-separated, e.g. 0.01,0.1,1,10 "
                                 "(default: --lr alone)")
    g.add_argument("--seeds", help="seeds to run each configuration with, e.g. 0,1,2 (default: --seed alone)")
    g.add_argument("--by", choices=("activation", "lr"),
                   help="colour and summarise the runs by activation or by learning rate "
                        "(default: activation, or lr when only the learning rates vary)")
    g.add_argument("--target-loss", type=positive_number,
                   help="the loss a run must reach to count as learned (default: 0.1 for bce and "
                        "cross_entropy, 0.01 for mse)")
    out = g.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="print every number as strict JSON (a value that is not finite is null)")
    out.add_argument("--csv", action="store_true", help="print the table and summaries as CSV")


class Parser(argparse.ArgumentParser):
    """argparse with the tutor's errors: one line naming the command
    (`tutor train: error: ...`), exit code 2, for every kind of bad command line."""

    commands: dict = {}  # command name -> its Parser (set on the top-level parser)

    def error(self, message: str):
        message = message.removeprefix("argument ")  # "argument --lr: ..." reads as "--lr: ..."
        self.exit(2, f"{self.prog}: error: {message}\n")

    def parse_args(self, args=None, namespace=None):
        # argparse reports arguments no parser knows on the top-level parser, as `tutor:`,
        # after a usage line; name the command they were given to instead.
        args, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self.commands.get(getattr(args, "command", None), self)
            parser.error(parser.unknown_arguments_message(extras))
        return args

    def unknown_arguments_message(self, extras: list[str]) -> str:
        options = [arg.split("=")[0] for arg in extras if arg.startswith("-")]
        if not options:
            return f"unexpected argument {extras[0]!r} (see `{self.prog} --help`)"
        known = [option for action in self._actions for option in action.option_strings]
        from engine.names import closest

        close = closest(options[0], known, cutoff=0.7)  # not --lr for --frob
        hint = f"did you mean {close[0]}?" if close else f"see `{self.prog} --help`"
        return f"unknown option{'s' if len(options) > 1 else ''} {', '.join(options)} ({hint})"


def whole_number(text: str) -> int:
    """argparse type for a whole-number option: `--port: expected a whole number, got 'x'`."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tutor",
        description="A terminal tutor that teaches neural networks from first principles.",
    )
    parser.add_argument("--slow-link", action="store_true",
                        help="low-bandwidth mode for slow SSH links (also NN_TUTOR_SLOW_LINK=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = sub.choices

    p = sub.add_parser("train", help="train a network headless and print the loss and deltas",
                       formatter_class=RunHelpFormatter)
    add_run_options(p)
    p.add_argument("--json", action="store_true",
                   help="print the results as strict JSON; a value that is not finite (inf or NaN, "
                        "after a divergence) is null, and diverged_at is the epoch it happened")

    p = sub.add_parser("compare", help="train one run over activations × learning rates × seeds, side by side",
                       formatter_class=RunHelpFormatter,
                       description="Train every combination of the lists (the run options are the base run "
                                   "each combination changes) and print the loss curves, a table at "
                                   "epochs 1, 100, 10,000 and the last, and a summary per configuration "
                                   "and per group.")
    add_run_options(p)
    add_compare_options(p)

    p = sub.add_parser("lab", help="open the Lab with a training configuration",
                       formatter_class=RunHelpFormatter)
    add_run_options(p)
    p.add_argument("--start", action="store_true", help="start training at once")

    p = sub.add_parser("quiz", help="answer a lesson's quizzes in plain text (no UI)",
                       description="Answer a lesson's quizzes in plain text. Lists each quiz's state, then "
                                   "asks the unsolved ones. While answering: ? shows the next hint (as in "
                                   "`tutor drill`), giveup shows the answer, an empty line skips.")
    p.add_argument("lesson_id", help="the lesson's id (see `tutor lessons`)")
    p.add_argument("--all", action="store_true", help="ask every quiz, solved ones too, from quiz 1")

    p = sub.add_parser("drill", help="endless generated derivative drills in plain text")
    p.add_argument("--seed", type=whole_number, default=None, help="seed for a reproducible series")

    sub.add_parser("lessons", help="list the lessons of the course")

    p = sub.add_parser("check-lessons", help="validate lesson files and print every problem")
    p.add_argument("path", nargs="?", default=None,
                   help="a lessons folder, or one lesson file (default: the course's folder)")

    p = sub.add_parser("serve", help="serve the app in a browser (needs the 'serve' extra)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=whole_number, default=8000, help="port (default: %(default)s)")
    p.add_argument("--no-token", action="store_true",
                   help="do not require the random token in the address (any local user "
                        "or program can then use the app as you)")
    add_framework_commands(sub)

    # Build-it-yourself exercises (tutor/commands/exercises.py)
    p = sub.add_parser("exercises", help="write the engine's pieces yourself, checked against the engine",
                       description="Exercises where you write the engine's pieces (sigmoid, tanh, ReLU, a dense "
                                   "layer, ...) in files of your own; each check runs your code against the engine. "
                                   "Without an action: the list and each exercise's state.")
    workspace_help = "the workspace (default: the current folder if it holds the exercises, else ./nn-exercises)"
    p.add_argument("--dir", help=workspace_help)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="each exercise with its state (the default)")
    a = actions.add_parser("init", help="write the starter files (existing files are kept)")
    a.add_argument("path", nargs="?", default=None, help="the workspace to create (default: ./nn-exercises)")
    check = actions.add_parser("check", help="check the current exercise (or NAME) once; exit 0 only if it passes")
    check.add_argument("name", nargs="?", default=None, help="an exercise's name (default: the first not passed)")
    a = actions.add_parser("hint", help="the next hint for an exercise")
    a.add_argument("name", help="the exercise's name")
    a = actions.add_parser("solution", help="the reference solution, after at least one check, with a confirmation")
    a.add_argument("name", help="the exercise's name")
    a.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    a = actions.add_parser("reset", help="put an exercise's starter file back (yours is kept as .bak)")
    a.add_argument("name", help="the exercise's name")
    a.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset = a
    watch = actions.add_parser("watch", help="re-check the current exercise on every save (Ctrl-C stops)")
    for a in (listing, check, reset, watch):  # --dir after the action too; SUPPRESS keeps one given before it
        a.add_argument("--dir", default=argparse.SUPPRESS, help=workspace_help)
    # "Use my code": a run trained with the learner's functions beside the engine (tutor/exercises/mycode.py)
    mycode = actions.add_parser("mycode", formatter_class=RunHelpFormatter,
                                help="train a run with your own code beside the engine: exit 0 when they agree, "
                                     "1 when they part (and where)")
    add_run_options(mycode)
    mycode.set_defaults(epochs="1000")   # tutor.exercises.mycode.MYCODE_EPOCHS: about a second on XOR
    mycode.add_argument("--dir", default=argparse.SUPPRESS, help=workspace_help)
    return parser


def add_framework_commands(sub) -> None:
    """`tutor crosscheck` and `tutor export`: the engine beside PyTorch (tutor/framework/)."""
    p = sub.add_parser("crosscheck", help="check the engine against PyTorch on a run's network "
                                          "(needs the 'torch' extra)", formatter_class=RunHelpFormatter)
    add_run_options(p)
    p.add_argument("--steps", default="100", help="optimizer steps to take in both (default: %(default)s)")
    p.add_argument("--speed", action="store_true",
                   help="time the engine and PyTorch on a tiny and a medium net instead")
    p = sub.add_parser("export", help="write a run as a standalone NumPy or PyTorch script",
                       formatter_class=RunHelpFormatter)
    # Checked by the command rather than required here, so that an unknown option is
    # still the error a learner sees first.
    p.add_argument("--to", default=None, choices=("numpy", "pytorch"), help="numpy or pytorch (needed)")
    add_run_options(p)
    p.add_argument("-o", dest="file", default=None, metavar="FILE",
                   help="write the script to FILE (default: print it)")


# command name -> module in tutor.commands that implements it
COMMANDS = {
    None: "app",
    "train": "train",
    "compare": "compare",
    "lab": "app",
    "quiz": "quiz",
    "drill": "drill",
    "lessons": "lessons",
    "check-lessons": "check_lessons",
    "serve": "serve",
    "crosscheck": "crosscheck",
    "export": "export",
    "exercises": "exercises",
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
