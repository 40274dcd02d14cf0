"""`tutor train`: the headless run, its table, its JSON, and one-line errors for bad options."""
import json
import subprocess
import sys

import pytest


def tutor(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_issue_example_learns_xor_and_prints_the_decade_table():
    result = tutor("train", "--dataset", "xor", "--layers", "2,4,1", "--activation", "tanh",
                   "--output", "sigmoid", "--loss", "bce", "--lr", "0.5", "--epochs", "10000", "--seed", "0")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["epoch", "loss"])
    assert "mean|δ1|" in lines[header] and "mean|δ2|" in lines[header]
    epochs = [int(line.split()[0]) for line in lines[header + 1:header + 6]]
    assert epochs == [1, 10, 100, 1000, 10000]
    final_loss = float(lines[header + 5].split()[1])
    assert final_loss < 0.05
    assert "training loss" in result.stdout  # the plotext chart
    assert "\n10,000 epochs in " in result.stdout  # thousands separated, as in "epochs/s"
    assert "\x1b[" not in result.stdout  # no colour codes when piped
    assert "epoch 10000/10000" in result.stderr  # progress


def test_json_has_the_same_numbers():
    result = tutor("train", "--epochs", "1000", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [row["epoch"] for row in data["table"]] == [1, 10, 100, 1000]
    assert data["epochs_run"] == 1000
    assert len(data["table"][0]["mean_abs_delta"]) == 2
    assert data["final_loss"] == data["table"][-1]["loss"]
    assert data["table"][-1]["loss"] < data["table"][0]["loss"]
    assert [len(W) for W in data["weights"]] == [2, 4]


def test_a_loss_that_ends_far_above_its_start_is_reported_as_diverging():
    result = tutor("train", "--lr", "1000", "--epochs", "300")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ("diverging since epoch 2: the loss rose from 0.7286 to 853.1 "
                                              "(learning rate 1000 may be too large)")
    data = json.loads(tutor("train", "--lr", "1000", "--epochs", "300", "--json").stdout)
    assert data["diverging"].startswith("diverging since epoch 2")
    assert json.loads(tutor("train", "--epochs", "300", "--json").stdout)["diverging"] is None


def test_divergence_is_reported_not_a_crash():
    result = tutor("train", "--loss", "mse", "--output", "linear", "--activation", "relu",
                   "--lr", "1000", "--epochs", "500", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["diverged_at"] is not None and data["epochs_run"] == data["diverged_at"] < 500
    assert "Warning" not in result.stderr


@pytest.mark.parametrize("args, option", [
    (["--activation", "sigmod"], "--activation"),
    (["--layers", "2,0,1"], "--layers"),
    (["--layers", "2,,1"], "--layers"),
    (["--lr", "-1"], "--lr"),
    (["--lr", "abc"], "--lr"),
    (["--layers", "3,4,1"], "--layers"),   # xor has two inputs
    (["--epochs", "0"], "--epochs"),
    (["--output", "softmax"], "--loss"),   # bce needs a sigmoid output
    (["--dataset", "nowhere.csv"], "--dataset"),
    (["--features", "x1,x3"], "--features"),
    (["--features", "x1,x2,x1x2"], "--layers"),      # three features need three inputs
    (["--regularization", "l3"], "--regularization"),
    (["--regularization-rate", "-0.1"], "--regularization-rate"),
])
def test_bad_options_give_one_line_and_exit_2(args, option):
    result = tutor("train", "--epochs", "10", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tutor train: error: {option}:"), result.stderr


def test_a_csv_of_three_rows_is_named_with_its_rows_not_the_samples_option(tmp_path):
    (tmp_path / "data.csv").write_text("x1,x2,y\n0,0,0\n1,0,1\n0,1,1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tutor", "train", "--dataset", "data.csv", "--epochs", "3"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "tutor train: error: --dataset: data.csv has 3 rows; a dataset needs at least 4"


def test_a_long_run_does_not_set_aside_memory_for_every_epoch():
    # 10^8 epochs (the most RunConfig allows) under a 1 GB address-space limit: keeping
    # a row per epoch would need ~12 GB; what is printed needs a few rows.
    resource = pytest.importorskip("resource")
    limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    process = subprocess.Popen([sys.executable, "-m", "tutor", "train", "--epochs", "100000000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=limit)
    try:
        lines = [process.stderr.readline() for _ in range(4)]   # epochs 1, 10, 100, 1000
    finally:
        process.kill()
        process.communicate()
    assert [line.split()[:2] for line in lines] == [
        ["epoch", f"{10**k}/100000000"] for k in range(4)], lines


def strict_json(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity, as strict parsers do."""
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("args", [
    # diverges to inf in the loss (the table printed "inf" as a string)
    ["--loss", "mse", "--output", "linear", "--activation", "relu", "--lr", "1000", "--epochs", "500"],
    # diverges to NaN in the weights and deltas (printed as bare NaN inside arrays)
    ["--dataset", "sine", "--layers", "1,8,1", "--activation", "tanh", "--output", "linear",
     "--loss", "mse", "--lr", "1e6", "--epochs", "2000"],
])
def test_json_of_a_diverged_run_is_strict_json_with_null_for_non_finite_values(args):
    result = tutor("train", *args, "--json")
    assert result.returncode == 0, result.stderr
    data = strict_json(result.stdout)
    assert data["diverged_at"] == data["epochs_run"]
    assert data["final_loss"] is None and data["table"][-1]["loss"] is None
    assert '"inf"' not in result.stdout and '"nan"' not in result.stdout  # one encoding: null


def test_help_lists_the_names_each_option_accepts_from_the_engine_registries():
    import engine

    result = tutor("train", "--help")
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())  # argparse wraps lines
    for option, names in [("--activation", engine.ACTIVATIONS), ("--output", engine.OUTPUTS),
                          ("--loss", engine.LOSSES), ("--init", engine.INITS),
                          ("--optimizer", engine.OPTIMIZERS), ("--dataset", engine.datasets.NAMES),
                          ("--regularization", engine.regularization.REGULARIZATIONS),
                          ("--features", engine.features.FEATURES)]:
        listed = ", ".join(names)
        assert listed in help_text, (option, listed)
    assert "null" in help_text and "diverged_at" in help_text  # the JSON encoding is documented


def test_the_epoch_table_shows_the_range_and_the_alternation_at_lr_50():
    # The issue's example: every row from 100 on shows 24.94, the loss alternating with 37.56.
    result = tutor("train", "--lr", "50", "--epochs", "10000")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["epoch", "loss"])
    assert " min–max " in lines[header] and "‖∂L/∂W2‖" in lines[header] \
        and "‖W1‖" in lines[header] and " lr " in lines[header]
    rows = {line.split()[0]: line for line in lines[header + 1:header + 6]}
    for epoch in ("1000", "10000"):
        assert rows[epoch].split()[1:3] == ["24.94", "24.94–37.56"]
        assert rows[epoch].endswith("loss alternates between 24.9 and 37.6 for "
                                    f"{int(epoch) - 97:,} epochs")
    assert rows["100"].split()[1:3] == ["24.94", "21.37–41.1"]

    data = json.loads(tutor("train", "--lr", "50", "--epochs", "3000", "--json").stdout)
    last = data["table"][-1]
    assert [row["epoch"] for row in data["table"]] == [1, 10, 100, 1000, 3000]
    assert last["now"] is True and last["since"] == 1001 and last["lr"] == 50
    assert [round(v, 2) for v in last["loss_range"]] == [24.94, 37.56]
    assert last["pattern"] == "loss alternates between 24.9 and 37.6 for 2,903 epochs"
    assert len(last["gradient_norms"]) == len(last["weight_norms"]) == len(last["mean_abs_delta"]) == 2
    assert data["table"][0]["pattern"] is None


def test_the_epoch_table_names_a_plateau():
    result = tutor("train", "--layers", "2,2,1", "--activation", "sigmoid", "--loss", "mse", "--lr", "2",
                   "--seed", "24", "--epochs", "1000")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.split()[:1] == ["1000"])
    assert row.split()[1:3] == ["0.125", "0.125"]   # the loss, and its range as one number
    assert row.endswith("  no change for 991 epochs")


def test_bad_features_and_regularization_say_what_was_meant():
    lines = {args: tutor("train", "--epochs", "10", *args).stderr.strip()
             for args in (("--features", "x1,x1^3"), ("--regularization", "L3"),
                          ("--dataset", "circle", "--features", "x1,x2,x1x2"))}
    assert lines[("--features", "x1,x1^3")] == (
        "tutor train: error: --features: unknown feature 'x1^3' (did you mean 'x1^2'?); "
        "choose from x1, x2, x1^2, x2^2, x1x2, sin_x1, sin_x2")
    assert "unknown regularization 'l3' (did you mean 'l" in lines[("--regularization", "L3")]
    assert lines[("--dataset", "circle", "--features", "x1,x2,x1x2")] == (
        "tutor train: error: --layers: the first layer has 2 inputs but features x1,x2,x1x2 make 3: "
        "one input per feature (layers 3,4,1)")


def test_features_and_regularization_train_and_the_penalty_is_shown_beside_the_loss():
    result = tutor("train", "--dataset", "circle", "--layers", "2,1", "--features", "x1^2,x2^2",
                   "--regularization", "l2", "--regularization-rate", "0.001", "--lr", "1", "--epochs", "500")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:3] == ["epoch", "loss", "penalty"])
    last = lines[header + 4].split()            # epochs 1, 10, 100, 500
    assert last[:2] == ["500", "now"] and float(last[3]) > 0 and float(last[5]) >= 0.99   # penalty, accuracy
    assert "penalty" in result.stderr.splitlines()[-1]
    data = json.loads(tutor("train", "--dataset", "circle", "--layers", "2,1", "--features", "x1^2,x2^2",
                            "--regularization", "l2", "--regularization-rate", "0.001", "--lr", "1",
                            "--epochs", "500", "--json").stdout)
    assert data["config"]["features"] == ["x1^2", "x2^2"] and data["config"]["regularization"] == "l2"
    assert f"{data['table'][-1]['penalty']:.4g}" == last[3]
    assert "penalty" not in json.loads(tutor("train", "--epochs", "10", "--json").stdout)["table"][0]
