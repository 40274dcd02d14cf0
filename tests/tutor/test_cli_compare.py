"""`tutor compare`: the chart, the table at epochs 1, 100, 10,000 and the last, the
summary per configuration and per group, --json and --csv with every number, progress
on stderr, and one-line errors (exit 2) for bad options."""
from __future__ import annotations

import csv
import io
import json
import math

import pytest

from engine import RunConfig
from engine.compare import Comparison
from tutor.cli import main

# Relu and tanh at a calm and a wild learning rate: lr 50 diverges (the loss becomes
# inf) within a hundred epochs, while lr 0.05 converges; the runs are independent.
SINE = ["--dataset", "sine", "--layers", "1,5,1", "--output", "linear", "--loss", "mse", "--samples", "20",
        "--activations", "relu,tanh", "--lrs", "0.05,50", "--seeds", "0,1", "--epochs", "120"]


def compare(capsys, *args) -> tuple[int, str, str]:
    code = main(["compare", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def engine_comparison() -> Comparison:
    """What the SINE options describe, trained by the engine directly."""
    base = RunConfig(dataset="sine", layers=(1, 5, 1), output="linear", loss="mse", samples=20, epochs=120)
    comparison = Comparison(base, activations=["relu", "tanh"], lrs=[0.05, 50.0], seeds=[0, 1])
    comparison.run()
    return comparison


@pytest.fixture(scope="module")
def reference() -> Comparison:
    return engine_comparison()


def section(out: str, title_start: str) -> list[list[str]]:
    """The rows (split into cells on runs of 2+ spaces) of the block starting with a line
    that starts with title_start, up to the next blank line."""
    import re

    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title_start))
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(re.split(r"\s{2,}", line.strip()))
    return block


def test_text_output_chart_table_and_summary_with_a_diverging_run_among_others(capsys, reference):
    code, out, err = compare(capsys, *SINE)
    assert code == 0, err
    assert "training loss (log10)" in out and "\x1b[" not in out   # the chart, no colour in a pipe
    table = section(out, "activation    lr")
    assert table[0][:5] == ["activation", "lr", "seed", "epoch", "loss"]
    assert table[0][5:] == ["mean|δ1|", "mean|δ2|", "‖W1‖", "‖W2‖", "note"]   # regression: no accuracy
    expected = reference.table()
    assert len(table) - 1 == len(expected)
    for cells, row in zip(table[1:], expected):
        assert cells[:4] == [row.activation, f"{row.lr:g}", str(row.seed), f"{row.epoch:,}"]
        assert cells[4] == f"{row.loss:.4g}"
    diverged = [cells for cells in table[1:] if cells[-1].startswith("diverged at epoch")]
    wild = [run for run in reference.runs if run.diverged_at is not None]
    assert len(diverged) == len(wild) == 4   # both activations, both seeds at lr 50
    assert sorted(cells[-1] for cells in diverged) == sorted(f"diverged at epoch {run.diverged_at:,}" for run in wild)
    assert all(cells[4] in ("inf", "nan") for cells in diverged)
    # the calm runs go on to epoch 120, with rows at 1, 100 and 120
    assert [cells[3] for cells in table[1:4]] == ["1", "100", "120"]

    summary = section(out, "activation    lr  runs")
    assert summary[0] == ["activation", "lr", "runs", "reached target", "epochs to target", "final loss",
                          "min–max", "diverged"]
    for cells, row in zip(summary[1:], reference.summary()):
        assert cells[:3] == [row.activation, f"{row.lr:g}", "2"]
        assert cells[3] == f"{row.reached}/2 ({row.reached / 2:.0%})"
        assert cells[5] == f"{row.final_loss.median:.4g}" and cells[-1] == str(row.diverged)
    assert [cells[-1] for cells in summary[1:]] == ["0", "2", "0", "2"]
    assert "Target loss 0.01 (mse)" in out   # the default for mse
    per_activation = section(out, "activation  runs")
    assert [cells[:2] for cells in per_activation[1:]] == [["relu", "4"], ["tanh", "4"]]
    assert err.strip().splitlines()[-1] == "runs done 8/8, epoch 120/120"   # progress on stderr


def test_grouping_by_lr_and_a_target_loss(capsys, reference):
    code, out, _ = compare(capsys, *SINE, "--by", "lr", "--target-loss", "0.2")
    assert code == 0
    assert "Target loss 0.2 (mse)" in out
    rows = section(out, "lr  runs")
    assert [cells[0] for cells in rows[1:]] == ["0.05", "50"]
    for cells, row in zip(rows[1:], reference.summary(0.2, by="lr")):
        assert cells[2] == f"{row.reached}/4 ({row.reached / 4:.0%})"
    assert "lr 0.05" in out and "lr 50" in out   # the chart's legend names the groups


def strict_json(text: str):
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_json_has_every_number_shown_and_null_for_what_is_not_finite(capsys, reference):
    code, out, err = compare(capsys, *SINE, "--json")
    assert code == 0, err
    data = strict_json(out)
    assert data["activations"] == ["relu", "tanh"] and data["lrs"] == [0.05, 50.0] and data["seeds"] == [0, 1]
    assert data["by"] == "activation" and data["target_loss"] == 0.01
    assert data["base"]["dataset"] == "sine" and "activation" not in data["base"]
    assert len(data["table"]) == len(reference.table())
    for item, row in zip(data["table"], reference.table()):
        assert (item["activation"], item["lr"], item["seed"], item["epoch"]) == (row.activation, row.lr,
                                                                                row.seed, row.epoch)
        assert item["loss"] == (row.loss if math.isfinite(row.loss) else None)
        assert item["diverged_at"] == row.diverged_at
        assert len(item["mean_abs_delta"]) == len(item["weight_norms"]) == 2
    assert any(item["loss"] is None for item in data["table"])   # a diverged run's loss
    for item, row in zip(data["summary"], reference.summary()):
        assert item["reached"] == row.reached and item["diverged"] == row.diverged
        assert item["final_loss"]["median"] == (row.final_loss.median if math.isfinite(row.final_loss.median)
                                                else None)
    assert [item["activation"] for item in data["groups"]] == ["relu", "tanh"]
    assert [run["diverged_at"] is not None for run in data["runs"]] == [False, False, True, True] * 2
    assert [curve["label"] for curve in data["curves"]] == ["relu lr 0.05", "relu lr 50", "tanh lr 0.05",
                                                            "tanh lr 50"]
    assert "\x1b[" not in out


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_csv_has_the_table_and_summaries(capsys, reference):
    code, out, err = compare(capsys, *SINE, "--csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    table = [row for row in rows if row["section"] == "table"]
    assert len(table) == len(reference.table())
    for item, row in zip(table, reference.table()):
        assert same(float(item["loss"]), row.loss) and item["loss"] == repr(row.loss)   # inf, nan as such
        assert same(float(item["mean_abs_delta_1"]), row.delta_means[0])
        assert same(float(item["weight_norms_2"]), row.weight_norms[1])
        assert item["diverged_at"] == ("" if row.diverged_at is None else str(row.diverged_at))
    summary = [row for row in rows if row["section"] == "summary"]
    assert [(row["activation"], float(row["lr"]), int(row["reached"])) for row in summary] == \
        [(row.activation, row.lr, row.reached) for row in reference.summary()]
    groups = [row for row in rows if row["section"] == "group"]
    assert [row["activation"] for row in groups] == ["relu", "tanh"] and groups[0]["lr"] == ""
    curve = [row for row in rows if row["section"] == "curve" and row["activation"] == "relu" and row["lr"] == "0.05"]
    assert len(curve) > 10 and curve[0]["group"] == "relu"
    data = strict_json(compare(capsys, *SINE, "--json")[1])
    assert [float(row["curve_median"]) for row in curve] == data["curves"][0]["median"]


def test_a_test_split_adds_test_columns(capsys):
    code, out, _ = compare(capsys, "--dataset", "circle", "--samples", "40", "--test-share", "0.25",
                           "--layers", "2,4,1", "--lrs", "0.5,2", "--epochs", "20")
    assert code == 0
    table = section(out, "activation  ")
    assert table[0][4:8] == ["loss", "accuracy", "test loss", "test accuracy"]
    assert table[0][-1] == "‖W2‖"   # no run went wrong: no note column
    assert "final test loss" in out


@pytest.mark.parametrize("args, message", [
    (["--activations", "tanh,tahn"], "--activations: unknown activation 'tahn' (did you mean 'tanh'?); "
                                     "choose from sigmoid, tanh, relu, leaky_relu, rrelu, elu, softplus, gelu, "
                                     "silu, linear"),
    (["--lrs", "0.1,abc"], "--lrs: expected a number, got 'abc'"),
    (["--lrs", "0.1,,1"], "--lrs: empty value in '0.1,,1': write values like 0.1,1,10"),
    (["--lrs", "0.1,-2"], "--lrs: must be greater than 0 and at most 1e6, got '-2'"),
    (["--seeds", "0,1,0"], "--seeds: '0' is listed twice"),
    (["--seeds", "1.5"], "--seeds: expected a whole number, got '1.5'"),
    (["--seeds", ",".join(map(str, range(501)))], "--activations × --lrs × --seeds: 501 runs (1 × 1 × 501: "
                                                  "activations × learning rates × seeds); the limit is 500"),
    (["--lr", "abc"], "--lr: expected a number, got 'abc'"),
    (["--layers", "3,4,1"], "--layers: the first layer has 3 inputs but dataset xor has 2 input columns"),
])
def test_bad_values_are_one_line_naming_the_option(capsys, args, message):
    code, out, err = compare(capsys, *args, "--epochs", "5")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"tutor compare: error: {message}"]


@pytest.mark.parametrize("args, message", [
    (["--by", "seed"], "--by: invalid choice: 'seed' (choose from 'activation', 'lr')"),
    (["--target-loss", "-1"], "--target-loss: expected a positive number, got '-1'"),
    (["--target-loss", "nan"], "--target-loss: expected a positive number, got 'nan'"),
    (["--json", "--csv"], "--csv: not allowed with argument --json"),
])
def test_bad_options_exit_2_with_one_line(capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        main(["compare", *args])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.splitlines() == [f"tutor compare: error: {message}"]
