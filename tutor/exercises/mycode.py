""""Use my code": train a run's network with the learner's own functions (from their
exercise files) beside the engine, from the same initial weights on the same data,
and say whether the two agree or where they first part (issue 16).

    gate(config, results)      why the learner's code cannot train this run yet (one line), or None
    compare(config, workspace) the learner's run in a subprocess (mycode_runner.py, under
                               checker.py's time and memory limits) and the engine's
                               Trainer.run on the same config -> a Verdict

The subprocess gets the data, the initial weights and the settings in a temporary .npz
and returns the learner's loss per epoch and, at the first difference, the epoch, layer
and quantity: the data exchanged stays small whatever the run.
"""
from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import engine
from tutor.exercises import NAMES
from tutor.exercises.checker import MEMORY_LIMIT, TIME_LIMIT, CheckResult, run_child

# Epochs compared at most (fewer if the run has fewer): the Lab's default run (XOR 2-4-1,
# tanh, BCE) takes about 1 s for them in the subprocess, its start and NumPy included.
MYCODE_EPOCHS = 1000
AGREEMENT = 1e-9          # relative: the step's quantities and the losses per epoch
AGREEMENT_TEXT = "1e-9"
CORE = ("sigmoid", "dense", "losses", "hidden_delta", "gradients", "sgd")   # every run needs these
ACTIVATION_EXERCISES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "leaky_relu": "relu",
                        "rrelu": "relu"}
# The optimizers whose step an exercise has the learner write (the exercise has its name).
OPTIMIZERS = tuple(name for name in ("sgd", "momentum", "adam") if name in NAMES)
WHERE_TO_PASS = "`tutor exercises`, or the Exercises screen"


def needed(config: engine.RunConfig) -> list[str]:
    """The exercises whose functions train this run, in course order."""
    names = set(CORE) | {ACTIVATION_EXERCISES.get(config.activation, "sigmoid")}
    if config.optimizer in OPTIMIZERS:
        names.add(config.optimizer)
    return [name for name in NAMES if name in names]


def not_covered(config: engine.RunConfig) -> str | None:
    """What this run needs that no exercise has the learner write, in one line; None if nothing."""
    reasons = []
    if config.activation not in ACTIVATION_EXERCISES:
        reasons.append(f"the {config.activation} activation (the exercises write "
                       f"{', '.join(ACTIVATION_EXERCISES)})")
    if config.output != "sigmoid":
        reasons.append(f"a {config.output} output (the exercises write a sigmoid output)")
    if config.loss not in ("mse", "bce"):
        reasons.append(f"the {config.loss} loss (the exercises write mse and bce)")
    if config.optimizer not in OPTIMIZERS:
        reasons.append(f"the {config.optimizer} optimizer (the exercises write {', '.join(OPTIMIZERS)})")
    if config.regularization != "none":
        reasons.append(f"{config.regularization} regularisation (no exercise writes a penalty)")
    if not reasons:
        return None
    return "your code does not cover " + "; ".join(reasons) + ": change the run's settings to compare"


def gate(config: engine.RunConfig, results: dict[str, tuple[bool, int]]) -> str | None:
    """Why the learner's code cannot train `config` yet, in one line: settings no exercise
    covers, or exercises not passed yet (`results` as the progress store's
    exercise_results). None when it can."""
    uncovered = not_covered(config)
    if uncovered:
        return uncovered
    missing = [name for name in needed(config) if not results.get(name, (False, 0))[0]]
    if missing:
        return (f"pass the exercise{'s' if len(missing) > 1 else ''} {', '.join(missing)} first "
                f"({WHERE_TO_PASS}): this run trains with {'them' if len(missing) > 1 else 'it'}")
    return None


@dataclass(frozen=True)
class Verdict:
    agrees: bool
    text: str                                   # one line (or two), as the Lab and the CLI show it
    yours: np.ndarray = field(default_factory=lambda: np.zeros(0))    # the learner's loss per epoch
    engine: np.ndarray = field(default_factory=lambda: np.zeros(0))   # the engine's, as many epochs
    line: tuple[str, int] | None = None         # (file, line) of the learner's code it points at


def compare(config: engine.RunConfig, workspace: Path, epochs: int | None = None, should_stop=None,
            time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> Verdict | None:
    """Train `config`'s network with the learner's files in `workspace` and with the
    engine, for min(epochs or MYCODE_EPOCHS, config.epochs) epochs; the Verdict (None if
    should_stop() turned true first). Call gate() first: this assumes the exercises pass
    (settings no exercise covers are refused here too)."""
    uncovered = not_covered(config)
    if uncovered:   # the learner's code would train another network than the engine's
        return Verdict(False, f"✗ {uncovered}")
    epochs = min(epochs or MYCODE_EPOCHS, config.epochs)
    net, trainer, data = config.build()
    workspace = Path(workspace)
    missing = [name for name in needed(config) if not (workspace / _filename(name)).is_file()]
    if len(missing) == len(needed(config)):
        return Verdict(False, f"✗ no exercise files in {workspace}: run this from your workspace "
                              "(`tutor exercises init` creates one)")
    if missing:
        return Verdict(False, f"✗ no file {', '.join(_filename(name) for name in missing)} in {workspace}: "
                              "`tutor exercises init` writes the missing starter files")
    settings = dict(layers=list(config.layers), activation=config.activation, loss=config.loss,
                    optimizer=config.optimizer, lr=config.lr, batch_size=config.batch_size, seed=config.seed,
                    epochs=epochs, exercises=needed(config))
    # The engine's constants for the optimizer (momentum's μ; Adam's β₁, β₂, ε), given to the learner's step.
    settings.update({name: getattr(trainer.optimizer, name) for name in ("mu", "beta1", "beta2", "eps")
                     if hasattr(trainer.optimizer, name)})
    arrays = {f"W{l}": W for l, W in enumerate(net.weights, start=1)}
    arrays.update({f"b{l}": b for l, b in enumerate(net.biases, start=1)})
    with tempfile.TemporaryDirectory(prefix="nn-tutor-mycode-") as folder:
        run_file = Path(folder) / "run.npz"
        np.savez(run_file, X=trainer.X, Y=trainer.Y, settings=np.array(json.dumps(settings)), **arrays)
        paths = [str((workspace / _filename(name)).resolve()) for name in needed(config)]
        outcome = run_child("tutor.exercises.mycode_runner", [str(run_file), str(workspace.resolve())], paths,
                            time_limit, memory_limit, should_stop=should_stop)
    if outcome is None:
        return None
    if isinstance(outcome, CheckResult):
        return Verdict(False, f"✗ {outcome.message}")
    yours = np.array(outcome["losses"], dtype=np.float64)
    records = []
    if len(yours):
        trainer.run(len(yours), log=records, checkpoint=False)
    theirs = np.array([record.loss for record in records], dtype=np.float64)
    return verdict(outcome, yours, theirs)


def verdict(outcome: dict, yours: np.ndarray, theirs: np.ndarray) -> Verdict:
    """The child's outcome and both loss curves as one Verdict."""
    failure, part = outcome["failure"], outcome["part"]
    if failure is not None:
        where = f" ({failure['file']}:{failure['line']})" if failure.get("line") else ""
        line = (failure["file"], failure["line"]) if failure.get("line") else None
        return Verdict(False, f"✗ {failure['message']}{where}", yours, theirs, line)
    if part is not None:
        batch = f" (batch {part['batch']} of {part['batches']})" if part["batches"] > 1 else ""
        index = ", ".join(map(str, part["index"]))
        text = (f"✗ they part at epoch {part['epoch']:,}{batch}, layer {part['layer']} "
                f"({part['quantity']} differs: yours {part['yours']:.6g}, the engine {part['engine']:.6g}, "
                f"at [{index}]); it comes from your {part['function']} in {part['file']}")
        return Verdict(False, text, yours, theirs)
    n = min(len(yours), len(theirs))
    drift = _relative(yours[:n], theirs[:n])
    over = f"{len(yours):,} epoch{'s' if len(yours) != 1 else ''}"
    if outcome["stopped"] == "time":
        over += " (as many as the time allowed)"
    elif outcome["stopped"] == "diverged":
        over += " (until the loss diverged)"
    if drift.size and np.nanmax(drift) > AGREEMENT:
        first = int(np.argmax(drift > AGREEMENT)) + 1
        return Verdict(True, f"✓ every step of your code matches the engine's to {AGREEMENT_TEXT} over {over}; "
                             f"the losses drift apart from epoch {first:,} by rounding "
                             f"(largest relative difference {np.nanmax(drift):.2g})", yours, theirs)
    largest = f"{np.nanmax(drift):.2g}" if drift.size else "0"
    return Verdict(True, f"✓ your code and the engine agree to {AGREEMENT_TEXT} over {over} "
                         f"(largest relative difference in the loss: {largest})", yours, theirs)


def _relative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        difference = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), math.ulp(1.0))
    return np.where(np.isnan(a) & np.isnan(b), 0.0, np.where(np.isnan(difference), np.inf, difference))


def _filename(name: str) -> str:
    from tutor.exercises import by_name

    return by_name(name).filename
