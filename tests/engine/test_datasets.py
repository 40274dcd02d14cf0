"""Tests for engine.datasets: built-in datasets, the CSV loader and their error messages."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import datasets
from engine.datasets import NAMES, Dataset, DatasetError, describe, from_csv, load

DATA = Path(__file__).parent / "data"
LOGIC = ("xor", "and", "or")
PLANE = ("circle", "gauss", "spiral", "moons")  # 2-D binary classification
RANDOM = PLANE + ("sine",)


def rows(*arrays: np.ndarray) -> list[tuple[float, ...]]:
    """The rows of the arrays side by side, sorted: compares datasets as sets of samples."""
    return sorted(map(tuple, np.hstack(arrays)))


def radius(points: np.ndarray, centre=(0.0, 0.0)) -> np.ndarray:
    return np.hypot(points[:, 0] - centre[0], points[:, 1] - centre[1])


# --- shapes, dtypes, tasks -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_dataset_has_2d_float64_arrays_of_matching_widths(name):
    ds = load(name)
    assert ds.name == name
    for array in (ds.X, ds.Y, ds.X_test, ds.Y_test):
        assert array.dtype == np.float64
        assert array.ndim == 2
        assert np.all(np.isfinite(array))
    expected_n = 4 if name in LOGIC else 200
    assert ds.X.shape == (expected_n, ds.input_width)
    assert ds.Y.shape == (expected_n, ds.output_width)
    assert ds.X_test.shape == (0, ds.input_width)
    assert ds.Y_test.shape == (0, ds.output_width)
    assert (ds.input_width, ds.output_width) == ((1, 1) if name == "sine" else (2, datasets.shape(name)[1]))
    assert ds.task == {"sine": "regression", "spiral3": "multiclass", "blobs": "multiclass"}.get(name, "binary")


@pytest.mark.parametrize("name", NAMES)
def test_describe_gives_one_line_naming_the_dataset(name):
    text = describe(name)
    assert "\n" not in text
    assert text.lower().startswith(name)


def test_names_list_exactly_the_loadable_datasets():
    assert NAMES == ("xor", "and", "or", "circle", "gauss", "spiral", "moons", "sine", "spiral3", "blobs")


def test_name_is_case_and_space_insensitive():
    assert load(" Circle ", samples=10).name == "circle"
    assert describe("XOR") == describe("xor")


# --- the logic tables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "targets"), [("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])]
)
def test_logic_tables_are_the_four_corners_with_their_truth_values(name, targets):
    ds = load(name)
    np.testing.assert_array_equal(ds.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(ds.Y[:, 0], targets)


@pytest.mark.parametrize("name", LOGIC)
def test_samples_noise_and_test_share_do_not_apply_to_logic_tables(name):
    plain = load(name)
    other = load(name, samples=50, noise=0.7, test_share=0.5, seed=3)
    np.testing.assert_array_equal(other.X, plain.X)
    np.testing.assert_array_equal(other.Y, plain.Y)
    assert other.X_test.shape == (0, 2) and other.Y_test.shape == (0, 1)


# --- reproducibility -------------------------------------------------------------------------


@pytest.mark.parametrize("name", RANDOM)
def test_same_seed_gives_the_same_data(name):
    a = load(name, samples=60, noise=0.2, test_share=0.25, seed=7)
    b = load(name, samples=60, noise=0.2, test_share=0.25, seed=7)
    for field in ("X", "Y", "X_test", "Y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("name", RANDOM)
def test_different_seeds_give_different_samples(name):
    a = load(name, samples=60, noise=0.2, seed=1)
    b = load(name, samples=60, noise=0.2, seed=2)
    assert rows(a.X, a.Y) != rows(b.X, b.Y)


# --- classes and geometry ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PLANE)
@pytest.mark.parametrize("samples", [4, 5, 200, 201])
def test_classes_are_balanced_to_within_one_point(name, samples):
    ds = load(name, samples=samples, noise=0.3)
    assert set(np.unique(ds.Y)) == {0.0, 1.0}
    assert int(ds.Y.sum()) == (samples + 1) // 2  # class 1 takes the odd point


@pytest.mark.parametrize("name", PLANE)
def test_classes_are_mixed_not_stored_one_after_the_other(name):
    labels = load(name, samples=200).Y[:, 0]
    assert labels[:100].sum() not in (0, 100)


@pytest.mark.parametrize("name", ("circle", "spiral", "moons", "sine"))
def test_clean_inputs_lie_in_the_unit_box(name):
    X = load(name, samples=500, noise=0.0).X
    assert np.all(np.abs(X) <= 1.0)


def test_clean_circle_is_a_disc_inside_a_ring():
    ds = load("circle", samples=400, noise=0.0)
    r = radius(ds.X)
    inner, ring = r[ds.Y[:, 0] == 1], r[ds.Y[:, 0] == 0]
    assert inner.max() <= 2.5 / 6
    assert ring.min() >= 3.5 / 6 and ring.max() <= 5 / 6


def test_noisy_circle_classes_overlap():
    ds = load("circle", samples=400, noise=0.5, seed=1)
    r = radius(ds.X)
    assert r[ds.Y[:, 0] == 1].max() > r[ds.Y[:, 0] == 0].min()


def test_gauss_blobs_sit_on_the_diagonal_and_spread_with_noise():
    clean = load("gauss", samples=2000, noise=0.0)
    ones = clean.X[clean.Y[:, 0] == 1]
    zeros = clean.X[clean.Y[:, 0] == 0]
    np.testing.assert_allclose(ones.mean(axis=0), [2 / 6, 2 / 6], atol=0.03)
    np.testing.assert_allclose(zeros.mean(axis=0), [-2 / 6, -2 / 6], atol=0.03)
    # Playground variance 0.5 + 7·noise: standard deviation √0.5/6 clean, 2/6 at noise 0.5.
    np.testing.assert_allclose(ones.std(axis=0), np.sqrt(0.5) / 6, rtol=0.1)
    noisy = load("gauss", samples=2000, noise=0.5)
    np.testing.assert_allclose(noisy.X[noisy.Y[:, 0] == 1].std(axis=0), 2 / 6, rtol=0.1)


def test_clean_spiral_arms_are_each_others_half_turn():
    ds = load("spiral", samples=200, noise=0.0)
    arm1, arm0 = ds.X[ds.Y[:, 0] == 1], ds.X[ds.Y[:, 0] == 0]
    np.testing.assert_allclose(sorted(map(tuple, -arm1)), sorted(map(tuple, arm0)), atol=1e-12)
    assert radius(ds.X).max() < 5 / 6


def test_clean_moons_lie_on_two_offset_circles():
    ds = load("moons", samples=200, noise=0.0)
    lower, upper = ds.X[ds.Y[:, 0] == 1], ds.X[ds.Y[:, 0] == 0]
    np.testing.assert_allclose(radius(lower, (1 / 3, 1 / 6)), 2 / 3)
    np.testing.assert_allclose(radius(upper, (-1 / 3, -1 / 6)), 2 / 3)
    assert np.all(lower[:, 1] <= 1 / 6 + 1e-12) and np.all(upper[:, 1] >= -1 / 6 - 1e-12)


def test_sine_targets_are_sin_pi_x_plus_noise():
    clean = load("sine", samples=300, noise=0.0)
    np.testing.assert_allclose(clean.Y[:, 0], np.sin(np.pi * clean.X[:, 0]))
    noisy = load("sine", samples=5000, noise=0.2)
    residual = noisy.Y[:, 0] - np.sin(np.pi * noisy.X[:, 0])
    assert abs(residual.std() - 0.2) < 0.01
    assert abs(residual.mean()) < 0.01


# --- train/test split ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "share", "test_rows"), [(200, 0.25, 50), (200, 0.3, 60), (101, 0.5, 50), (4, 0.9, 3), (10, 0.29, 3), (10, 0.0, 0)]
)
def test_test_share_sets_the_test_size(samples, share, test_rows):
    ds = load("moons", samples=samples, test_share=share)
    assert len(ds.X_test) == len(ds.Y_test) == test_rows
    assert len(ds.X) == len(ds.Y) == samples - test_rows


@pytest.mark.parametrize("name", RANDOM)
def test_split_partitions_the_same_samples(name):
    whole = load(name, samples=80, seed=4)
    split = load(name, samples=80, seed=4, test_share=0.4)
    assert len(split.X_test) == 32
    assert sorted(rows(split.X, split.Y) + rows(split.X_test, split.Y_test)) == rows(whole.X, whole.Y)


def test_at_least_one_training_sample_stays():
    ds = load("sine", samples=4, test_share=0.9)
    assert len(ds.X) == 1 and len(ds.X_test) == 3


# --- argument errors ---------------------------------------------------------------------------------


def test_unknown_name_suggests_the_closest_and_lists_all():
    with pytest.raises(DatasetError) as error:
        load("spiarl")
    message = str(error.value)
    assert "unknown dataset 'spiarl'" in message
    assert "Did you mean 'spiral'?" in message
    assert all(name in message for name in NAMES)


def test_unknown_name_without_close_match_lists_all():
    with pytest.raises(DatasetError) as error:
        describe("imagenet")
    assert "Did you mean" not in str(error.value)
    assert "xor, and, or, circle, gauss, spiral, moons, sine" in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": 3}, "dataset name must be text, got 3"),
        ({"samples": 3}, "samples must be a whole number from 4 to 1000000, got 3"),
        ({"samples": 10**9}, "samples must be a whole number from 4 to 1000000, got 1000000000"),
        ({"samples": 20.5}, "samples must be a whole number from 4 to 1000000, got 20.5"),
        ({"samples": True}, "samples must be a whole number"),
        ({"noise": -0.1}, "noise must be in [0, 10] (0 means clean data), got -0.1"),
        ({"noise": 11}, "noise must be in [0, 10] (0 means clean data), got 11.0"),
        ({"noise": float("nan")}, "noise must be a finite number, got nan"),
        ({"noise": "a lot"}, "noise must be a number, got 'a lot'"),
        ({"test_share": 5}, "test_share must be in [0, 0.9]"),
        ({"test_share": 0.95}, "test_share must be in [0, 0.9]"),
        ({"test_share": -0.2}, "test_share must be in [0, 0.9] (the fraction of samples held out for testing), got -0.2"),
        ({"seed": -1}, "seed must be a whole number from 0 to 4294967295, got -1"),
        ({"seed": 2**32}, "seed must be a whole number from 0 to 4294967295, got 4294967296"),
    ],
)
def test_bad_arguments_raise_dataset_error_saying_what_is_wrong(kwargs, fragment):
    arguments = {"name": "circle", **kwargs}
    with pytest.raises(DatasetError) as error:
        load(**arguments)
    assert fragment in str(error.value)


def test_arguments_are_checked_for_logic_tables_too():
    with pytest.raises(DatasetError, match="samples must be"):
        load("xor", samples=2)


def test_numpy_integers_and_floats_are_accepted():
    ds = load("gauss", samples=np.int64(10), noise=np.float32(0.2), test_share=np.float64(0.2), seed=np.int32(1))
    assert len(ds.X) + len(ds.X_test) == 10


# --- the Dataset record ------------------------------------------------------------------------------


def test_dataset_arrays_are_read_only():
    ds = load("circle", samples=10)
    with pytest.raises(ValueError):
        ds.X[0, 0] = 5.0


def test_dataset_copies_its_inputs_and_converts_to_float64():
    X = np.array([[1, 2], [3, 4]])
    ds = Dataset("tiny", X, [[0], [1]], np.empty((0, 2)), np.empty((0, 1)), "binary")
    X[0, 0] = 99
    assert ds.X.dtype == np.float64 and ds.X[0, 0] == 1.0


@pytest.mark.parametrize(
    ("arrays", "task", "fragment"),
    [
        (([[1.0]], [1.0], np.empty((0, 1)), np.empty((0, 1))), "binary", "Y must be 2-D"),
        (([[1.0]], [[1.0]], np.empty((0, 1)), np.empty((0, 1))), "ranking", "task must be one of"),
        (([[1.0], [2.0]], [[1.0]], np.empty((0, 1)), np.empty((0, 1))), "binary", "same number of rows"),
        (([[1.0]], [[1.0]], np.empty((0, 2)), np.empty((0, 1))), "binary", "training arrays' widths"),
    ],
)
def test_dataset_rejects_inconsistent_arrays(arrays, task, fragment):
    with pytest.raises(DatasetError, match=fragment):
        Dataset("bad", *arrays, task)


# --- CSV: happy paths --------------------------------------------------------------------------------


def test_csv_with_header_comments_and_blank_line():
    ds = from_csv(DATA / "xor_with_header.csv")
    assert ds.name == "xor_with_header"
    np.testing.assert_array_equal(ds.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(ds.Y, [[0], [1], [1], [0]])
    assert ds.task == "binary"
    assert ds.X_test.shape == (0, 2) and ds.Y_test.shape == (0, 1)


def test_csv_without_header_is_regression():
    ds = from_csv(str(DATA / "line_no_header.csv"))
    np.testing.assert_array_equal(ds.X[:, 0], [-1.0, 0.0, 0.5, 1.5])
    np.testing.assert_array_equal(ds.Y[:, 0], 2 * ds.X[:, 0] + 1)
    assert ds.task == "regression"


def test_csv_with_one_hot_targets_is_multiclass():
    ds = from_csv(DATA / "three_classes_onehot.csv", targets=3)
    assert ds.X.shape == (6, 2) and ds.Y.shape == (6, 3)
    assert ds.task == "multiclass"
    np.testing.assert_array_equal(ds.Y.argmax(axis=1), [0, 1, 2, 0, 1, 2])


def test_csv_several_targets_that_are_not_one_hot_are_regression(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("1,1,0\n2,1,1\n3,0,0\n")
    assert from_csv(path, targets=2).task == "regression"


def test_csv_one_target_that_is_not_zero_one_is_regression(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("1,0\n2,2\n")
    assert from_csv(path).task == "regression"


def test_csv_test_share_keeps_file_order_and_all_rows(tmp_path):
    path = tmp_path / "count.csv"
    path.write_text("".join(f"{i},{i % 2}\n" for i in range(20)))
    ds = from_csv(path, test_share=0.25, seed=3)
    assert len(ds.X_test) == 5 and len(ds.X) == 15
    assert list(ds.X[:, 0]) == sorted(ds.X[:, 0]) and list(ds.X_test[:, 0]) == sorted(ds.X_test[:, 0])
    assert sorted(np.concatenate([ds.X[:, 0], ds.X_test[:, 0]])) == list(range(20))
    again = from_csv(path, test_share=0.25, seed=3)
    np.testing.assert_array_equal(again.X_test, ds.X_test)
    other = from_csv(path, test_share=0.25, seed=4)
    assert not np.array_equal(other.X_test, ds.X_test)


def test_csv_accepts_crlf_bom_spaces_and_exponents(tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes("\ufeffa, b\r\n 1e-3 , -2\r\n+4,  1\r\n".encode())
    ds = from_csv(path)
    np.testing.assert_array_equal(ds.X[:, 0], [0.001, 4.0])
    np.testing.assert_array_equal(ds.Y[:, 0], [-2.0, 1.0])


# --- CSV: errors, each naming file and line ----------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_error(path: Path, **kwargs) -> str:
    with pytest.raises(DatasetError) as error:
        from_csv(path, **kwargs)
    return str(error.value)


def test_csv_ragged_row_names_its_line(tmp_path):
    path = write(tmp_path, "a,b,c\n1,2,3\n\n# note\n4,5,6\n7,8,9\n1,2\n")
    assert csv_error(path) == f"{path}:7: expected 3 columns, found 2"


def test_csv_row_wider_than_header_names_its_line(tmp_path):
    path = write(tmp_path, "x,y\n1,2,3\n")
    assert csv_error(path) == f"{path}:2: expected 2 columns, found 3"


def test_csv_non_number_names_line_and_column(tmp_path):
    path = write(tmp_path, "x,y,z\n1,2,3\n# comment\n\n4,abc,6\n")
    assert csv_error(path) == f"{path}:5: column 2 is 'abc', not a number"


def test_csv_first_row_with_a_typo_is_data_not_a_header(tmp_path):
    path = write(tmp_path, "0.5,0.3x,1\n0.1,0.2,0\n")
    assert csv_error(path) == f"{path}:1: column 2 is '0.3x', not a number"


def test_csv_empty_cell_names_line_and_column(tmp_path):
    path = write(tmp_path, "1,2\n3,\n")
    assert csv_error(path) == f"{path}:2: column 2 is empty"


def test_csv_non_finite_value_is_rejected(tmp_path):
    path = write(tmp_path, "1,2\nnan,3\n")
    assert csv_error(path) == f"{path}:2: column 1 is 'nan', not a finite number"


def test_csv_semicolon_separated_file_gets_a_hint(tmp_path):
    path = write(tmp_path, "x;y\n1;2\n")
    assert csv_error(path) == f"{path}:2: column 1 is '1;2', not a number (columns must be separated by commas)"


def test_csv_long_cell_is_shortened_in_the_message(tmp_path):
    path = write(tmp_path, "1,2\n1," + "z" * 100 + "\n")
    assert csv_error(path) == f"{path}:2: column 2 is '{'z' * 27}...', not a number"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "x,y\n", "x,y\n\n# nothing\n"])
def test_csv_without_data_rows(tmp_path, text):
    path = write(tmp_path, text)
    assert csv_error(path) == f"{path}: no data rows"


@pytest.mark.parametrize("targets", [2, 3])
def test_csv_targets_must_leave_an_input_column(tmp_path, targets):
    path = write(tmp_path, "1,0\n2,1\n")
    message = csv_error(path, targets=targets)
    assert message.startswith(f"{path}: targets={targets} leaves no input column")
    assert "the file has 2 columns" in message


def test_csv_missing_file(tmp_path):
    path = tmp_path / "absent.csv"
    assert csv_error(path) == f"{path}: file not found"


def test_csv_directory_instead_of_file(tmp_path):
    assert csv_error(tmp_path) == f"{tmp_path}: is a directory, not a regular file"


def test_csv_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "1,2\n")

    def refuse(path, limit):
        raise PermissionError(13, "Permission denied", str(path))

    # chmod cannot lock out root, so simulate the operating system's refusal instead.
    monkeypatch.setattr(datasets, "read_regular_file", refuse)
    assert csv_error(path) == f"{path}: not readable (permission denied)"


def test_csv_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,y\n1,2\ncaf\u00e9,3\n".encode("latin-1"))
    assert csv_error(path) == f"{path}:3: not UTF-8 text (byte 0xe9)"


def test_csv_error_from_the_csv_reader_names_the_line(tmp_path):
    path = write(tmp_path, "1,2\n3," + "9" * 200_000 + "\n")
    message = csv_error(path)
    assert message.startswith(f"{path}:2: field larger than field limit")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"targets": 0}, "targets must be a whole number ≥ 1, got 0"),
        ({"test_share": 1.5}, "test_share must be in [0, 0.9]"),
        ({"seed": -3}, "seed must be a whole number from 0 to 4294967295, got -3"),
    ],
)
def test_csv_bad_arguments(kwargs, fragment):
    assert fragment in csv_error(DATA / "xor_with_header.csv", **kwargs)


def test_csv_path_must_be_a_path():
    with pytest.raises(DatasetError, match="path must be a file path, got 42"):
        from_csv(42)


# --- property: any valid arguments give consistent, finite data --------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    samples=st.integers(datasets.MIN_SAMPLES, 300),
    noise=st.floats(0.0, 3.0),
    test_share=st.floats(0.0, datasets.MAX_TEST_SHARE),
    seed=st.integers(0, datasets.MAX_SEED),
)
def test_load_keeps_shapes_and_finiteness(name, samples, noise, test_share, seed):
    ds = load(name, samples=samples, noise=noise, test_share=test_share, seed=seed)
    if name in LOGIC:
        assert ds.X.shape == (4, 2) and ds.X_test.shape == (0, 2)
        return
    test_rows = min(round(test_share * samples), samples - 1)
    assert len(ds.X_test) == len(ds.Y_test) == test_rows
    assert len(ds.X) == len(ds.Y) == samples - test_rows >= 1
    assert ds.X.shape[1] == ds.X_test.shape[1] == (1 if name == "sine" else 2)
    assert ds.Y.shape[1] == ds.Y_test.shape[1] == datasets.shape(name)[1]
    everything = np.concatenate([ds.Y, ds.Y_test])
    for array in (ds.X, ds.Y, ds.X_test, ds.Y_test):
        assert array.dtype == np.float64 and np.all(np.isfinite(array))
    if ds.task == "binary":
        assert int(everything.sum()) == (samples + 1) // 2
    if ds.task == "multiclass":   # one-hot rows, classes balanced to within one sample
        assert np.all(everything.sum(axis=1) == 1) and np.all(np.isin(everything, (0.0, 1.0)))
        counts = everything.sum(axis=0)
        assert counts.max() - counts.min() <= 1 and counts.sum() == samples


# ----- files that are not files of data: bounded reads -------------------------------


def test_csv_link_to_an_endless_device_is_refused_without_reading(tmp_path):
    link = tmp_path / "zeros.csv"
    link.symlink_to("/dev/zero")
    assert csv_error(link) == f"{link}: is a device, not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_csv_named_pipe_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert csv_error(pipe) == f"{pipe}: is a named pipe, not a regular file"


def test_csv_larger_than_the_limit_is_refused_naming_the_limit(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as sparse:  # 20 GB that take no disk space
        sparse.truncate(20 * 10**9)
    assert csv_error(path) == f"{path}: is 20 GB, more than the 20 MB limit"


def test_csv_with_more_rows_than_the_sample_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_SAMPLES", 5)
    path = write(tmp_path, "x,y\n" + "1,0\n" * 6)
    assert csv_error(path) == f"{path}:7: more than 5 rows, the limit"


def test_csv_messages_quote_only_a_short_escaped_excerpt_of_a_bad_cell(tmp_path):
    path = write(tmp_path, "1,2\n\x1b]2;PWNED\x07root:$6$saltsaltsalt$longsecrethash,3\n")
    message = csv_error(path)
    assert "\x1b" not in message and "\x07" not in message
    assert "longsecrethash" not in message
    assert message.startswith(f"{path}:2: column 1 is '\\x1b]2;PWNED\\x07root:$6$salt")


def test_csv_dataset_name_shows_control_characters_of_the_file_name_as_question_marks(tmp_path):
    path = tmp_path / "evil\x1b]2;PWNED\x07.csv"
    path.write_text("0,0\n1,1\n")
    assert from_csv(path).name == "evil?]2;PWNED?"


def test_parameters_name_the_load_arguments_that_change_each_dataset():
    for name in ("xor", "and", "or"):
        assert datasets.parameters(name) == ()
        assert len(datasets.load(name, samples=50, noise=0.5).X) == 4
    assert datasets.parameters("circle") == ("samples", "noise", "test_share")


@pytest.mark.parametrize("name", ["spiral3", "blobs"])
def test_the_three_class_sets_have_one_hot_targets_and_a_seed_fixes_them(name):
    ds = load(name, samples=301, seed=5)
    assert ds.task == "multiclass" and ds.Y.shape == (301, 3)
    np.testing.assert_array_equal(ds.Y.sum(axis=0), [101, 100, 100])
    assert np.abs(ds.X).max() < 2
    again = load(name, samples=301, seed=5)
    np.testing.assert_array_equal(ds.X, again.X)
    assert not np.array_equal(load(name, samples=301, seed=6).X, ds.X)


def test_the_three_class_sets_are_what_their_names_say():
    # blobs: every point nearest its own centre when clean; spiral3: each arm a spiral,
    # its radius growing from 0 to 1 as its angle turns 4 radians.
    blobs = load("blobs", samples=300, noise=0.0, seed=1)
    centres = np.array([blobs.X[blobs.Y[:, k] == 1].mean(axis=0) for k in range(3)])
    nearest = ((blobs.X[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert (nearest == blobs.Y.argmax(axis=1)).mean() > 0.99
    spiral = load("spiral3", samples=300, noise=0.0, seed=1)
    radius = np.hypot(*spiral.X.T)
    assert radius.min() == 0 and np.isclose(radius.max(), 1)
    arm = spiral.X[spiral.Y[:, 0] == 1]
    order = np.argsort(np.hypot(*arm.T))
    angle = np.unwrap(np.arctan2(arm[order, 0], arm[order, 1])[1:])
    assert np.isclose(angle[-1] - angle[0], 4.0, atol=0.1)


@pytest.mark.parametrize("name", NAMES)
def test_shape_tells_a_datasets_widths_and_task_without_building_it(name):
    ds = load(name, samples=30)
    assert datasets.shape(name) == (ds.input_width, ds.output_width, ds.task)
