"""Run a lesson's training configuration with the engine and say what happened.

Predict quizzes ask what a run will do ("converges or diverges?", "higher or
lower?", "which activation is fastest?"). The answer key is never the author's
belief: it is what the engine does when it runs the configuration, measured here.
Runs are deterministic (a RunConfig carries its seed), so each is computed once per
process and cached. Runs compared with each other train together, as one
engine.sweep.Sweep (the machinery of `tutor compare`; each run's numbers are the
single-run engine's).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tutor.course.model import PredictSpec

if TYPE_CHECKING:
    from engine import RunConfig


@dataclass(frozen=True)
class RunSummary:
    """The loss after each epoch of a run, and the epoch where it diverged, if it did."""

    losses: tuple[float, ...]
    diverged_epoch: int | None = None

    @property
    def first_loss(self) -> float:
        return self.losses[0]

    @property
    def final_loss(self) -> float:
        return self.losses[-1]

    def describe(self) -> str:
        if self.diverged_epoch is not None:
            return (f"the loss started at {self.first_loss:.4g} and became non-finite "
                    f"at epoch {self.diverged_epoch}")
        return (f"the loss went from {self.first_loss:.4g} after epoch 1 "
                f"to {self.final_loss:.4g} after epoch {len(self.losses)}")


@lru_cache(maxsize=64)  # a RunConfig is frozen and hashable: it is its own cache key
def run_lab(config: RunConfig) -> RunSummary:
    """Train the network `config` describes and summarise it."""
    import engine

    net, trainer, _data = config.build()
    log = engine.MetricsLog(net.layers, len(trainer.tracked), capacity=min(config.epochs, 1 << 16))
    trainer.run(config.epochs, log=log)   # stops at the epoch the loss becomes inf or NaN
    return RunSummary(tuple(log.column("loss").tolist()), trainer.diverged_at)


@lru_cache(maxsize=64)
def run_together(configs: tuple[RunConfig, ...]) -> tuple[RunSummary, ...]:
    """Train the runs as one sweep and summarise each (in the order given)."""
    from engine.sweep import Sweep

    sweep = Sweep(configs)
    sweep.run()
    return tuple(RunSummary(tuple(run.log.column("loss").tolist()), run.diverged_at) for run in sweep.runs)


LIST_OF = {"activation": "activations", "lr": "lrs"}


def outcome(summary: RunSummary, target_loss: float | None) -> str:
    """"diverges", "converges" or "stalls", by the rules PredictSpec documents."""
    if summary.diverged_epoch is not None or summary.final_loss > summary.first_loss:
        return "diverges"
    if target_loss is None or summary.final_loss <= target_loss:
        return "converges"
    return "stalls"


def predict_truth(spec: PredictSpec) -> tuple[str | None, str]:
    """The right answer to a predict quiz and a sentence saying what the engine measured."""
    if spec.question == "outcome":
        base = run_lab(spec.lab)
        answer = outcome(base, spec.target_loss)
        return answer, f"The engine ran it: {base.describe()}, so it {answer}."
    if spec.measure is not None:
        return list_truth(spec)
    from tutor.course.display import changed_settings

    assert spec.compare is not None  # the loader gives every compare question its run
    base, other = run_together((spec.lab, spec.compare))
    if other.final_loss == base.final_loss:
        answer = "the same"
    else:
        answer = "higher" if other.final_loss > base.final_loss else "lower"
    return answer, (f"The engine ran both: final loss {base.final_loss:.4g} as given, "
                    f"{other.final_loss:.4g} with {changed_settings(spec)}, so it is {answer}.")


def value_label(setting: str, value) -> str:
    """A list value as a choice: the activation's name, or "lr 0.1" (a bare number would
    read as a choice number)."""
    from engine.config import typed

    return f"lr {typed(value)}" if setting == "lr" else str(value)


@lru_cache(maxsize=64)
def measured_values(lab: RunConfig, vary: str, values: tuple, measure: str, target: float) -> tuple[float, ...]:
    """Each run of the list comparison (the lab run with each of the values of its
    setting `vary`, trained as one engine.compare.Comparison) measured: lower is better.
    fastest: epochs to the target loss (inf if never); lowest_test_loss: the final test
    loss; highest_test_accuracy: minus the final test accuracy. Not finite: inf, the worst."""
    import math

    from engine.compare import Comparison

    comparison = Comparison(lab, **{LIST_OF[vary]: values})
    comparison.run()
    measured = []
    for index, run in enumerate(comparison.runs):
        if measure == "fastest":
            epoch = comparison.epochs_to_target(index, target)
            value = math.inf if epoch is None else float(epoch)
        elif measure == "lowest_test_loss":
            value = float(run.log.last("test_loss"))
        else:
            value = -float(run.log.last("test_accuracy"))
        measured.append(value if math.isfinite(value) else math.inf)
    return tuple(measured)


MEASURE_TEXT = {"fastest": "epochs to a training loss of at most {target:g}",
                "lowest_test_loss": "final test loss", "highest_test_accuracy": "final test accuracy"}
MEASURE_WINNER = {"fastest": "fastest", "lowest_test_loss": "lowest", "highest_test_accuracy": "highest"}


def list_truth(spec: PredictSpec) -> tuple[str | None, str]:
    """The value that wins by the quiz's measure (None if none or several do: a quiz
    check-lessons refuses) and a sentence with every run's number."""
    from engine.compare import default_target_loss

    target = default_target_loss(spec.lab.loss) if spec.target_loss is None else spec.target_loss
    values = measured_values(spec.lab, spec.vary, spec.values, spec.measure, target)
    shown = []
    for choice, value in zip(spec.choices, values):
        if spec.measure == "fastest":
            text = "never" if value == float("inf") else f"{value:,.0f}"
        elif spec.measure == "highest_test_accuracy":
            text = "none" if value == float("inf") else f"{-value:.3g}"
        else:
            text = "diverged" if value == float("inf") else f"{value:.4g}"
        shown.append(f"{choice} {text}")
    best = min(values)
    winners = [choice for choice, value in zip(spec.choices, values) if value == best]
    what = MEASURE_TEXT[spec.measure].format(target=target)
    measured = f"The engine ran each: {what}: {', '.join(shown)}"
    if best == float("inf") or len(winners) > 1:
        return None, measured + ("; no run reached it." if spec.measure == "fastest" and best == float("inf")
                                 else f"; a tie between {' and '.join(winners)}.")
    return winners[0], f"{measured}, so {winners[0]} is {MEASURE_WINNER[spec.measure]}."
