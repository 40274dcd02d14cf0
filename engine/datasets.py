"""Datasets for the tutor: the logic tables, TensorFlow Playground's 2-D sets, a sine, and CSV files.

Every dataset is a `Dataset`: inputs X (n, d) and targets Y (n, k), both float64 and
always 2-D, so that one sample is one row (the engine's convention: batches are rows).

Built-in datasets (`load(name, samples, noise, test_share, seed)`):

- xor, and, or: the four corners (0,0), (0,1), (1,0), (1,1) of the unit square with their
  truth-table target. They are always exactly these 4 points: `samples`, `noise` and
  `test_share` do not apply to them (X_test is empty), though they are still checked.
- circle, gauss, spiral: the TensorFlow Playground's generators (src/dataset.ts), drawn in
  the Playground's square [-6, 6]² and divided by 6, so inputs lie in roughly [-1, 1].
  `noise` means what the Playground's slider means (0 = clean, 0.5 = the slider's maximum).
  One difference: the Playground's circle keeps each point clean and labels it by where its
  jittered copy falls, so noise flips labels and unbalances the classes; ours moves the point
  itself and keeps the label it was drawn with, so the classes stay balanced.
- moons: two interleaving half-moons as scikit-learn's make_moons draws them, with Gaussian
  jitter of standard deviation `noise` (in moon radii), centred and scaled into [-1, 1].
- sine: regression, x ~ U(-1, 1) and y = sin(πx) + noise·N(0, 1).
- spiral3, blobs: three classes (one-hot targets, 3 columns: for a softmax output with
  cross-entropy). spiral3 is CS231n's three-armed spiral (each arm turns 4 radians as its
  radius grows from 0 to 1, the angle jittered by N(0, (2·noise)²)); blobs are three
  Gaussian clouds of standard deviation 0.1 + noise around the corners of a triangle.

Classification sets have balanced classes: two classes get ceil(samples/2) points for class 1
and the rest for class 0; three classes get samples // 3 each, the first samples % 3 classes
one more. All randomness comes from np.random.default_rng(seed), so a seed fixes the data.
"""

from __future__ import annotations

import csv
import io
import math
import operator
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.files import FileReadError, read_regular_file
from engine.names import closest

NAMES = ("xor", "and", "or", "circle", "gauss", "spiral", "moons", "sine", "spiral3", "blobs")
TASKS = ("binary", "multiclass", "regression")

# The limits of a dataset's settings; RunConfig reads these, so a run and the data agree.
MIN_SAMPLES = 4
MAX_SAMPLES = 1_000_000  # keeps a typo like 10**9 from exhausting memory
MAX_NOISE = 10.0         # 20 times the Playground slider's maximum: the points are all noise
MAX_TEST_SHARE = 0.9     # at least a tenth of the samples stay for training
MAX_SEED = 2**32 - 1     # the range of NumPy's legacy seeds, which learners meet elsewhere
MAX_CSV_BYTES = 20_000_000  # about 10^6 rows of a few columns; parsing it takes seconds

# The Playground draws its points in the square [-6, 6]²; dividing by 6 maps it onto [-1, 1]².
PLAYGROUND_HALF_WIDTH = 6.0


class DatasetError(ValueError):
    """Bad dataset request or bad data file. The message says what was wrong and where,
    for CSV files as 'file:line: problem', e.g. 'data.csv:7: expected 3 columns, found 2'."""


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays with == has no single truth value
class Dataset:
    """Training and test data. Rows are samples; X_test/Y_test may have 0 rows.

    task is "binary" (one target column of 0/1), "multiclass" (one-hot target rows)
    or "regression" (any real targets). The arrays are stored as read-only float64 copies.
    When X holds input features computed from 2-D points (engine/features.py), `raw` is
    the data as drawn, whose X are those points (what a picture of the plane shows).
    """

    name: str
    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    task: str
    raw: Dataset | None = None

    def __post_init__(self) -> None:
        for field in ("X", "Y", "X_test", "Y_test"):
            array = np.array(getattr(self, field), dtype=np.float64)
            if array.ndim != 2:
                raise DatasetError(f"Dataset {self.name!r}: {field} must be 2-D, got shape {array.shape}")
            array.setflags(write=False)
            object.__setattr__(self, field, array)
        if self.task not in TASKS:
            raise DatasetError(f"Dataset {self.name!r}: task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if len(self.X) != len(self.Y) or len(self.X_test) != len(self.Y_test):
            raise DatasetError(f"Dataset {self.name!r}: X and Y (and X_test and Y_test) need the same number of rows")
        if self.X_test.shape[1] != self.input_width or self.Y_test.shape[1] != self.output_width:
            raise DatasetError(f"Dataset {self.name!r}: test arrays must have the training arrays' widths")

    @property
    def input_width(self) -> int:
        """d, the number of input features (columns of X)."""
        return self.X.shape[1]

    @property
    def output_width(self) -> int:
        """k, the number of targets per sample (columns of Y)."""
        return self.Y.shape[1]


# ---------------------------------------------------------------------------------------------
# Generators. Each takes (samples n, noise, rng) and returns X (n, d) and Y (n, k), unshuffled.

Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


def _class_sizes(n: int) -> tuple[int, int]:
    """Balanced classes: class 1 gets ceil(n/2) points and class 0 gets floor(n/2)."""
    return (n + 1) // 2, n // 2


def _labels(n1: int, n0: int) -> np.ndarray:
    """A target column: n1 ones followed by n0 zeros."""
    return np.concatenate([np.ones(n1), np.zeros(n0)])[:, None]


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 in the disc r < 2.5, class 0 in the ring 3.5 < r < 5 (Playground units);
    each coordinate jittered by U(-5, 5)·noise."""
    n1, n0 = _class_sizes(n)
    radius = 5.0
    r = np.concatenate([rng.uniform(0, 0.5 * radius, n1), rng.uniform(0.7 * radius, radius, n0)])
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    points += rng.uniform(-radius, radius, (n, 2)) * noise
    return points / PLAYGROUND_HALF_WIDTH, _labels(n1, n0)


def _gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 ~ N((2, 2), σ²I), class 0 ~ N((-2, -2), σ²I), with the Playground's
    variance σ² = 0.5 + 7·noise (0.5 when clean, 4 at noise 0.5)."""
    n1, n0 = _class_sizes(n)
    sigma = math.sqrt(0.5 + 7.0 * noise)
    centres = np.concatenate([np.full((n1, 2), 2.0), np.full((n0, 2), -2.0)])
    points = centres + sigma * rng.standard_normal((n, 2))
    return points / PLAYGROUND_HALF_WIDTH, _labels(n1, n0)


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two arms r = 5·i/m, t = 1.75·2π·i/m (+π for class 0), i = 0..m-1, each coordinate
    jittered by U(-1, 1)·noise, as the Playground draws them."""
    n1, n0 = _class_sizes(n)
    arms = []
    for m, turn in ((n1, 0.0), (n0, np.pi)):
        i = np.arange(m)
        r = 5.0 * i / m
        t = 1.75 * 2 * np.pi * i / m + turn
        arms.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    points = np.concatenate(arms) + rng.uniform(-1, 1, (n, 2)) * noise
    return points / PLAYGROUND_HALF_WIDTH, _labels(n1, n0)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1: the lower moon (1 - cos t, 0.5 - sin t); class 0: the upper moon (cos t, sin t);
    t evenly spaced in [0, π], jitter N(0, noise²). The box [-1, 2] x [-0.5, 1] is then
    centred and divided by 1.5, so x lies in [-1, 1] and y in [-0.5, 0.5]."""
    n1, n0 = _class_sizes(n)
    t1 = np.linspace(0, np.pi, n1)
    t0 = np.linspace(0, np.pi, n0)
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    points = np.concatenate([lower, upper]) + noise * rng.standard_normal((n, 2))
    return (points - [0.5, 0.25]) / 1.5, _labels(n1, n0)


def _sine(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(-1, 1), y = sin(πx) + noise·N(0, 1): one full period of a sine."""
    x = rng.uniform(-1, 1, n)
    y = np.sin(np.pi * x) + noise * rng.standard_normal(n)
    return x[:, None], y[:, None]


def _class_counts(n: int, classes: int) -> np.ndarray:
    """Balanced classes: n // classes samples each, the first n % classes one more."""
    return n // classes + (np.arange(classes) < n % classes)


def _one_hot(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The class of each sample (class by class, as counts says) and its one-hot target rows."""
    k = np.repeat(np.arange(len(counts)), counts)
    return k, np.eye(len(counts))[k]


def _spiral3(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three arms (CS231n): for class k and i = 0..m-1, r = i/(m-1) and
    t = 4k + 4r + 2·noise·N(0, 1); the point is r·(sin t, cos t)."""
    counts = _class_counts(n, 3)
    k, Y = _one_hot(counts)
    # i/(m-1) within each class: the position in the class over the class's last position.
    start = np.repeat(np.cumsum(counts) - counts, counts)
    r = (np.arange(n) - start) / np.maximum(np.repeat(counts, counts) - 1, 1)
    t = 4.0 * k + 4.0 * r + 2.0 * noise * rng.standard_normal(n)
    return np.column_stack([r * np.sin(t), r * np.cos(t)]), Y


# The blobs' centres: the corners of a triangle of radius 0.6 around the origin.
_BLOB_CENTRES = 0.6 * np.column_stack([np.cos(np.pi / 2 + 2 * np.pi * np.arange(3) / 3),
                                       np.sin(np.pi / 2 + 2 * np.pi * np.arange(3) / 3)])


def _blobs(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian clouds, N(centre_k, (0.1 + noise)²I), one per class."""
    k, Y = _one_hot(_class_counts(n, 3))
    return _BLOB_CENTRES[k] + (0.1 + noise) * rng.standard_normal((n, 2)), Y


# Truth tables over the corners in this order: (0,0), (0,1), (1,0), (1,1).
_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_TRUTH_TABLES = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1)}


@dataclass(frozen=True)
class _Recipe:
    make: Generator
    task: str


_RECIPES = {
    "circle": _Recipe(_circle, "binary"),
    "gauss": _Recipe(_gauss, "binary"),
    "spiral": _Recipe(_spiral, "binary"),
    "moons": _Recipe(_moons, "binary"),
    "sine": _Recipe(_sine, "regression"),
    "spiral3": _Recipe(_spiral3, "multiclass"),
    "blobs": _Recipe(_blobs, "multiclass"),
}

_DESCRIPTIONS = {
    "xor": "XOR: the 4 corners of the unit square, target 1 when exactly one input is 1; no straight line separates the classes.",
    "and": "AND: the 4 corners of the unit square, target 1 only at (1, 1); one straight line separates the classes.",
    "or": "OR: the 4 corners of the unit square, target 0 only at (0, 0); one straight line separates the classes.",
    "circle": "Circle: class 1 in a central disc, class 0 on a ring around it (2 inputs); the boundary must curve all the way round.",
    "gauss": "Gauss: two Gaussian blobs, one per class, on the diagonal (2 inputs); a straight line separates them unless noise is high.",
    "spiral": "Spiral: two interleaved spiral arms, one per class (2 inputs); the hardest 2-D set, it needs several hidden units.",
    "moons": "Moons: two interleaving half-moons, one per class (2 inputs); the boundary must bend between them.",
    "sine": "Sine: regression of y = sin(πx) + noise for x in [-1, 1] (1 input, 1 output); one full period to fit.",
    "spiral3": "Spiral3: three interleaved spiral arms, one per class (2 inputs, 3 one-hot targets); for softmax with cross-entropy.",
    "blobs": "Blobs: three Gaussian clouds, one per class (2 inputs, 3 one-hot targets); straight lines separate them.",
}


# ---------------------------------------------------------------------------------------------
# Public API.


def load(name: str, samples: int = 200, noise: float = 0.1, test_share: float = 0.0, seed: int = 0) -> Dataset:
    """Build the dataset `name` (one of NAMES) with `samples` points in total, of which
    round(test_share·samples) go to the test set (at least one stays for training).

    For xor, and, or the data is always the 4-row truth table and the test set is empty.
    Raises DatasetError for an unknown name or an argument out of range.
    """
    name = _check_name(name)
    samples = _check_whole(samples, "samples", MIN_SAMPLES, MAX_SAMPLES)
    noise = _check_noise(noise)
    test_share = _check_test_share(test_share)
    seed = _check_whole(seed, "seed", 0, MAX_SEED)

    if name in _TRUTH_TABLES:
        Y = np.array(_TRUTH_TABLES[name], dtype=np.float64)[:, None]
        return Dataset(name, _CORNERS, Y, np.empty((0, 2)), np.empty((0, 1)), "binary")

    recipe = _RECIPES[name]
    rng = np.random.default_rng(seed)
    X, Y = recipe.make(samples, noise, rng)
    order = rng.permutation(samples)  # the generators emit class by class; mix them
    X, Y, X_test, Y_test = _split(X[order], Y[order], test_share, rng)
    return Dataset(name, X, Y, X_test, Y_test, recipe.task)


def parameters(name: str) -> tuple[str, ...]:
    """The arguments of load() that change the dataset `name`: none for the fixed truth
    tables (xor, and, or), samples, noise and test_share for the generated sets."""
    return () if _check_name(name) in _TRUTH_TABLES else ("samples", "noise", "test_share")


def shape(name: str) -> tuple[int, int, str]:
    """(input columns, target columns, task) of the built-in dataset `name`, without
    building it: what a network for it needs at each end."""
    name = _check_name(name)
    if name in _TRUTH_TABLES:
        return 2, 1, "binary"
    task = _RECIPES[name].task
    return (1 if name == "sine" else 2), (3 if task == "multiclass" else 1), task


def describe(name: str) -> str:
    """One line saying what the dataset `name` is, for help screens and the Lab."""
    return _DESCRIPTIONS[_check_name(name)]


def from_csv(path: str | os.PathLike, targets: int = 1, test_share: float = 0.0, seed: int = 0) -> Dataset:
    """Read a dataset from a CSV file of numbers: the last `targets` columns are the targets.

    The first row is a header if none of its cells is a number. Blank lines and lines
    starting with # are skipped. round(test_share·rows) rows, chosen at random by `seed`,
    go to the test set; both sets keep the file's row order. The task is inferred from the
    targets: one column of 0/1 is binary, several columns with one-hot rows are multiclass,
    anything else is regression. The dataset's name is the file's stem.
    Raises DatasetError naming the file (and line) for any problem.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise DatasetError(f"path must be a file path, got {path!r}")
    where = os.fspath(path)
    targets = _check_whole(targets, "targets", 1, None)
    test_share = _check_test_share(test_share)
    seed = _check_whole(seed, "seed", 0, MAX_SEED)

    values = _parse_csv(_read_text(Path(path), where), where)
    columns = values.shape[1]
    if targets >= columns:
        raise DatasetError(
            f"{where}: targets={targets} leaves no input column: the file has {columns} "
            f"column{'s' if columns != 1 else ''}, and at least one must be an input"
        )
    X, Y = values[:, :-targets], values[:, -targets:]
    X, Y, X_test, Y_test = _split(X, Y, test_share, np.random.default_rng(seed))
    return Dataset(_printable(Path(path).stem), X, Y, X_test, Y_test, _infer_task(values[:, -targets:]))


# ---------------------------------------------------------------------------------------------
# Helpers: splitting, task inference, CSV parsing, argument checks.


def _printable(name: str) -> str:
    """A file's name for messages and titles, with characters that are not printable
    (an escape sequence in a file name would reach the terminal) shown as '?'."""
    return "".join(char if char.isprintable() else "?" for char in name)


def _split(X: np.ndarray, Y: np.ndarray, test_share: float, rng: np.random.Generator):
    """Move round(test_share·n) randomly chosen rows to the test set, keeping row order in both
    parts. At least one row stays for training."""
    n = len(X)
    m = min(round(test_share * n), n - 1)
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.permutation(n)[:m]] = True
    return X[~is_test], Y[~is_test], X[is_test], Y[is_test]


def _infer_task(Y: np.ndarray) -> str:
    """binary: one column of 0/1; multiclass: several columns, each row one-hot; else regression."""
    zero_one = bool(np.all((Y == 0) | (Y == 1)))
    if Y.shape[1] == 1 and zero_one:
        return "binary"
    if Y.shape[1] > 1 and zero_one and bool(np.all(Y.sum(axis=1) == 1)):
        return "multiclass"
    return "regression"


def _read_text(path: Path, where: str) -> str:
    """The file's text, decoded as UTF-8 (a leading byte-order mark is dropped).
    Only a regular file of at most MAX_CSV_BYTES is read."""
    try:
        data = read_regular_file(path, MAX_CSV_BYTES)
    except FileReadError as error:
        raise DatasetError(f"{where}: {error}") from None
    except FileNotFoundError:
        raise DatasetError(f"{where}: file not found") from None
    except PermissionError:
        raise DatasetError(f"{where}: not readable (permission denied)") from None
    except (OSError, ValueError) as error:  # ValueError: e.g. a NUL character in the path
        raise DatasetError(f"{where}: cannot be read ({error})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DatasetError(f"{where}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x})") from None


def _parse_csv(text: str, where: str) -> np.ndarray:
    """The numeric rows of a CSV text as an (rows, columns) array; see from_csv for the rules."""
    reader = csv.reader(io.StringIO(text, newline=""))  # newline="": csv handles \r\n and \r itself
    rows: list[list[float]] = []
    width: int | None = None  # set by the header or the first data row
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if width is None and not any(_is_number(cell) for cell in row):
                width = len(row)  # a header row: names only
                continue
            if width is None:
                width = len(row)
            if len(row) != width:
                raise DatasetError(f"{where}:{line}: expected {width} columns, found {len(row)}")
            if len(rows) == MAX_SAMPLES:
                raise DatasetError(f"{where}:{line}: more than {MAX_SAMPLES:,} rows, the limit")
            rows.append([_parse_cell(cell, column, where, line) for column, cell in enumerate(row, 1)])
    except csv.Error as error:
        raise DatasetError(f"{where}:{reader.line_num}: {error}") from None
    if not rows:
        raise DatasetError(f"{where}: no data rows")
    return np.array(rows, dtype=np.float64)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _parse_cell(cell: str, column: int, where: str, line: int) -> float:
    """One CSV cell as a finite float, or a DatasetError naming file, line and column."""
    text = cell.strip()
    if not text:
        raise DatasetError(f"{where}:{line}: column {column} is empty")
    shown = text if len(text) <= 30 else text[:27] + "..."
    try:
        value = float(text)
    except ValueError:
        hint = " (columns must be separated by commas)" if (";" in text or "\t" in text) else ""
        raise DatasetError(f"{where}:{line}: column {column} is {shown!r}, not a number{hint}") from None
    if not math.isfinite(value):
        raise DatasetError(f"{where}:{line}: column {column} is {shown!r}, not a finite number")
    return value


def _check_name(name: object) -> str:
    """The canonical (lower-case) dataset name, or a DatasetError that suggests the closest."""
    if not isinstance(name, str):
        raise DatasetError(f"dataset name must be text, got {name!r}")
    key = name.strip().lower()
    if key in NAMES:
        return key
    close = closest(key, NAMES)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    raise DatasetError(f"unknown dataset {name!r}.{suggestion} Known datasets: {', '.join(NAMES)}.")


def _check_whole(value: object, what: str, low: int, high: int | None) -> int:
    """value as an int with low <= value (<= high), or a DatasetError saying the allowed range."""
    allowed = f"a whole number from {low} to {high}" if high is not None else f"a whole number ≥ {low}"
    try:
        if isinstance(value, bool):
            raise TypeError
        number = operator.index(value)
    except TypeError:
        raise DatasetError(f"{what} must be {allowed}, got {value!r}") from None
    if number < low or (high is not None and number > high):
        raise DatasetError(f"{what} must be {allowed}, got {number}")
    return number


def _check_real(value: object, what: str) -> float:
    """value as a finite float, or a DatasetError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DatasetError(f"{what} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise DatasetError(f"{what} must be a finite number, got {number}")
    return number


def _check_noise(value: object) -> float:
    noise = _check_real(value, "noise")
    if not 0 <= noise <= MAX_NOISE:
        raise DatasetError(f"noise must be in [0, {MAX_NOISE:g}] (0 means clean data), got {noise}")
    return noise


def _check_test_share(value: object) -> float:
    share = _check_real(value, "test_share")
    if not 0 <= share <= MAX_TEST_SHARE:
        raise DatasetError(f"test_share must be in [0, {MAX_TEST_SHARE:g}] (the fraction of samples held out for testing), got {share}")
    return share
