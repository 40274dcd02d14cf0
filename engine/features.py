"""Input features for 2-D data, as TensorFlow Playground offers them.

A network need not see the points (x1, x2) as they are: each input neuron can hold a
feature computed from them. With x1² and x2² a network without any hidden layer
draws a circle, since w1·x1² + w2·x2² + b = 0 is one; with x1 and x2 alone it can
only draw a straight line.

    x1, x2           the coordinates
    x1^2, x2^2       their squares
    x1x2             their product
    sin_x1, sin_x2   their sines (our 2-D data lies in about [-1, 1]², where sin x is
                     close to x; the Playground's lies in [-6, 6]², where it waves)

The features are computed when the data is built, for the training and the test
points alike, and for every grid point a decision map draws; the network's input
layer has one neuron per feature, in FEATURES' order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.datasets import Dataset


@dataclass(frozen=True)
class Feature:
    name: str          # as a run option writes it: x1^2
    label: str         # as the Lab shows it: x₁²
    of: Callable[[np.ndarray, np.ndarray], np.ndarray]   # (x1, x2) -> the feature, elementwise


FEATURES = {feature.name: feature for feature in (
    Feature("x1", "x₁", lambda x1, x2: x1),
    Feature("x2", "x₂", lambda x1, x2: x2),
    Feature("x1^2", "x₁²", lambda x1, x2: x1 * x1),
    Feature("x2^2", "x₂²", lambda x1, x2: x2 * x2),
    Feature("x1x2", "x₁x₂", lambda x1, x2: x1 * x2),
    Feature("sin_x1", "sin x₁", lambda x1, x2: np.sin(x1)),
    Feature("sin_x2", "sin x₂", lambda x1, x2: np.sin(x2)),
)}

# The points as they are: the default, which leaves data of any width alone.
RAW = ("x1", "x2")

# Other ways to write a feature (after lower-casing and removing spaces).
_SPELLINGS = {"x1²": "x1^2", "x2²": "x2^2", "x1**2": "x1^2", "x2**2": "x2^2", "x1*x2": "x1x2",
              "x2x1": "x1x2", "x2*x1": "x1x2", "x₁": "x1", "x₂": "x2", "x₁²": "x1^2", "x₂²": "x2^2",
              "x₁x₂": "x1x2", "sin(x1)": "sin_x1", "sin(x2)": "sin_x2", "sinx1": "sin_x1",
              "sinx2": "sin_x2", "sinx₁": "sin_x1", "sinx₂": "sin_x2"}


def canonical(word: str) -> str:
    """A feature's name as FEATURES has it, from any of its spellings (x1², sin(x1), ...);
    the word itself, normalised, if it is none."""
    key = word.strip().lower().replace(" ", "")
    return _SPELLINGS.get(key, key)


def ordered(names) -> tuple[str, ...]:
    """The names in FEATURES' order (the order of the input neurons)."""
    names = set(names)
    return tuple(name for name in FEATURES if name in names)


def expand(X: np.ndarray, names) -> np.ndarray:
    """The features `names` of 2-D points X (n, 2): one column per feature, (n, len(names))."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[name].of(x1, x2) for name in names]).reshape(len(X), len(names))


def apply(data: Dataset, names) -> Dataset:
    """The dataset with the features `names` of its 2-D points as inputs, training and
    test set alike; `raw` keeps the points."""
    return Dataset(data.name, expand(data.X, names), data.Y, expand(data.X_test, names), data.Y_test,
                   data.task, raw=data)
