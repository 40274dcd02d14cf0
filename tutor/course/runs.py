"""Run a lesson's training configuration with the engine and say what happened.

Predict quizzes ask what a run will do ("converges or diverges?", "higher or
lower?"). The answer key is never the author's belief: it is what the engine
does when it runs the configuration, measured here. Runs are deterministic
(a RunConfig carries its seed), so each is computed once per process and cached.
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


def outcome(summary: RunSummary, target_loss: float | None) -> str:
    """"diverges", "converges" or "stalls", by the rules PredictSpec documents."""
    if summary.diverged_epoch is not None or summary.final_loss > summary.first_loss:
        return "diverges"
    if target_loss is None or summary.final_loss <= target_loss:
        return "converges"
    return "stalls"


def predict_truth(spec: PredictSpec) -> tuple[str, str]:
    """The right answer to a predict quiz and a sentence saying what the engine measured."""
    base = run_lab(spec.lab)
    if spec.question == "outcome":
        answer = outcome(base, spec.target_loss)
        return answer, f"The engine ran it: {base.describe()}, so it {answer}."
    from tutor.course.display import changed_settings

    assert spec.compare is not None  # the loader gives every compare question its run
    other = run_lab(spec.compare)
    if other.final_loss == base.final_loss:
        answer = "the same"
    else:
        answer = "higher" if other.final_loss > base.final_loss else "lower"
    return answer, (f"The engine ran both: final loss {base.final_loss:.4g} as given, "
                    f"{other.final_loss:.4g} with {changed_settings(spec)}, so it is {answer}.")
