"""Build it yourself: exercises where the learner writes the engine's pieces, in
course order, each checked against the engine in a subprocess (issue 16).

    model      Exercise, Mistake, Failure: an exercise as data
    checks     the checks' tools (run inside the learner's subprocess; NumPy)
    runner     the subprocess: load the learner's file, run the checks, print the result
    checker    check_file: the subprocess with its time and memory limits
    workspace  the learner's folder of exercise files
    <name>     one module per exercise: its starter text, solution, hints, checks, mistakes
"""
from __future__ import annotations

import importlib

from tutor.exercises.model import Exercise

# Course order; each module defines EXERCISE.
NAMES = ("sigmoid", "tanh", "relu", "dense", "losses", "hidden_delta", "gradients", "sgd", "xor",
         "gradcheck", "momentum", "adam")


def exercises() -> tuple[Exercise, ...]:
    return tuple(importlib.import_module(f"tutor.exercises.{name}").EXERCISE for name in NAMES)


def by_name(name: str) -> Exercise:
    """The exercise called `name` (KeyError if there is none)."""
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module(f"tutor.exercises.{name}").EXERCISE
