"""Fresh variants of a quiz, for a learner who was shown its answer.

A shown answer does not solve a quiz (retyping it proves nothing), but some
quizzes can be asked again with other numbers, and solving one of those does:

- a numeric quiz with an [engine] network: the same question about a network
  whose input and weights are nudged; the engine computes the new answer, so
  the key is as sound as the author's;
- a predict quiz: the same runs with another seed (other initial weights and
  samples); the engine trains them to find out.

Variant 0 is the author's quiz. Variant n is the same for everyone and every
run (seeded by the quiz id and n), so a saved answer names what was asked.
Derivative, expression, choice and plain numeric quizzes have no variants:
their answer, once shown, stays shown (the drills give fresh derivatives).
"""
from __future__ import annotations

import dataclasses
import random

from tutor.course.model import NumericSpec, PredictSpec, Quiz

# How far a variant moves each weight and input: small steps that keep the
# hand computation the same size, rounded to two decimals like the lessons' numbers.
WEIGHT_STEPS = (-0.15, -0.1, -0.05, 0.05, 0.1, 0.15)


def has_variants(quiz: Quiz) -> bool:
    """Can this quiz be asked again with other numbers or another seed?"""
    spec = quiz.spec
    return isinstance(spec, PredictSpec) or (isinstance(spec, NumericSpec) and spec.network is not None)


def variant(quiz: Quiz, n: int) -> Quiz:
    """Variant `n` of the quiz (0: the quiz itself; the quiz itself if it has no variants)."""
    if n <= 0 or not has_variants(quiz):
        return quiz
    rng = random.Random(f"{quiz.id}:{n}")
    if isinstance(quiz.spec, PredictSpec):
        return dataclasses.replace(quiz, spec=_predict_variant(quiz.spec, n))
    # The author's mistakes are numbers about the author's network: not about the nudged one.
    return dataclasses.replace(quiz, spec=_numeric_variant(quiz.spec, rng), mistakes=())


def _predict_variant(spec: PredictSpec, n: int) -> PredictSpec:
    """Both runs with the seed moved by n (a compared run that sets its own seed keeps it),
    wrapping round within the seeds a run accepts."""
    from engine.datasets import MAX_SEED

    seed = (spec.lab.seed + n) % (MAX_SEED + 1)
    compare = spec.compare
    if compare is not None and compare.seed == spec.lab.seed:
        compare = dataclasses.replace(compare, seed=seed)
    return dataclasses.replace(spec, lab=dataclasses.replace(spec.lab, seed=seed), compare=compare,
                               author_answer=None)


def _numeric_variant(spec: NumericSpec, rng: random.Random) -> NumericSpec:
    from tutor.course.network_spec import evaluate

    network = spec.network
    assert network is not None and spec.quantity is not None
    for _ in range(20):  # a nudge can make the asked quantity 0 or non-finite: draw again
        nudged = dataclasses.replace(
            network,
            weights=tuple(tuple(tuple(_nudge(w, rng) for w in row) for row in layer) for layer in network.weights),
            input=tuple(_nudge(x, rng) for x in network.input),
        )
        value = evaluate(nudged, spec.quantity)
        if value == value and abs(value) < 1e6 and value != 0 and value != spec.expected:
            scale = abs(value / spec.expected) if spec.expected else 1.0
            return dataclasses.replace(spec, expected=value, tolerance=spec.tolerance * scale, network=nudged)
    return spec


def _nudge(value: float, rng: random.Random) -> float:
    return round(value + rng.choice(WEIGHT_STEPS), 2)
