"""engine.epoch_table: the rows at 1, 10, 100, ... and now, the loss's range between
rows, and the patterns it names in words (a cycle, a plateau, a loss that rises)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from engine import MetricsLog, RunConfig
from engine.epoch_table import EpochTable, Pattern, rounded, row_epochs


def train(epochs, **settings):
    """Train a RunConfig into an EpochTable fed by Trainer.run and a MetricsLog beside it."""
    config = RunConfig(epochs=epochs, **settings)
    net, trainer, _ = config.build()
    table, log = EpochTable(net.layers), MetricsLog(net.layers, len(trainer.tracked))

    class Both:
        def append(self, record):
            table.append(record)
            log.append(record)

    trainer.run(epochs, log=Both())
    return table, log


def fed(losses, layers=1):
    """A table fed records whose losses are these (epochs 1, 2, ...)."""
    table = EpochTable(layers)
    for epoch, loss in enumerate(losses, start=1):
        table.append(SimpleNamespace(epoch=epoch, loss=loss, lr=0.5, test_loss=None, accuracy=None,
                                     test_accuracy=None, delta_means=(1.0,) * layers,
                                     gradient_norms=(2.0,) * layers, weight_norms=(3.0,) * layers))
    return table


def same_rows(a, b):
    """Rows equal field by field, NaN equal to NaN."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert repr(x) == repr(y)


def test_rows_at_powers_of_ten_and_now_with_the_records_numbers_and_the_range_since_the_row_before():
    table, log = train(2500, dataset="circle", layers=(2, 5, 5, 1), test_share=0.25)
    rows = table.rows()
    assert [row.epoch for row in rows] == [1, 10, 100, 1000, 2500]
    assert [row.now for row in rows] == [False] * 4 + [True]
    assert [row.since for row in rows] == [1, 2, 11, 101, 1001]
    loss = log.column("loss")
    for row in rows:
        r = row.epoch - 1
        assert row.loss == loss[r] and row.lr == log.column("lr")[r] == 0.5
        assert row.low == loss[row.since - 1:row.epoch].min() and row.high == loss[row.since - 1:row.epoch].max()
        for name in ("delta_means", "gradient_norms", "weight_norms"):
            assert getattr(row, name) == tuple(log.column(name)[r]) and len(getattr(row, name)) == 3
        assert row.test_loss == log.column("test_loss")[r] and row.accuracy == log.column("accuracy")[r]


def test_a_run_that_ends_on_a_power_of_ten_has_no_separate_now_row():
    table, _ = train(100)
    assert [(row.epoch, row.now) for row in table.rows()] == [(1, False), (10, False), (100, False)]
    assert EpochTable(2).rows() == []


def test_rows_continue_past_ten_thousand():
    assert row_epochs(123_456) == [1, 10, 100, 1000, 10_000, 100_000]
    losses = np.linspace(1.0, 0.5, 100_001)
    assert [row.epoch for row in fed(losses).rows()] == [1, 10, 100, 1000, 10_000, 100_000, 100_001]


def test_lr_50_on_xor_every_row_shows_24_94_while_the_loss_alternates_with_37_56():
    # The example: 2-4-1 tanh, sigmoid output, BCE (the defaults), seed 0, lr 50.
    table, log = train(10_000, lr=50)
    rows = {row.epoch: row for row in table.rows()}
    for epoch in (100, 1000, 10_000):
        assert f"{rows[epoch].loss:.4g}" == "24.94"
    for epoch in (1000, 10_000):
        row = rows[epoch]
        assert (f"{row.low:.4g}", f"{row.high:.4g}") == ("24.94", "37.56")
        assert row.pattern.kind == "cycle" and row.pattern.period == 2
        assert row.words.startswith("loss alternates between 24.9 and 37.6 for ")
    # At 4 digits the loss alternates from epoch 98 to the end, as the log shows.
    assert rows[10_000].pattern.epochs == 10_000 - 97
    shown = rounded(log.column("loss"))
    assert set(shown[97:].tolist()) == {24.94, 37.56} and np.all(shown[98:] != shown[97:-1])
    assert shown[96] == shown[98] != shown[97] or shown[95] != shown[97]


def test_the_xor_plateau_at_one_eighth_reads_no_change():
    # 2-2-1 sigmoid with MSE, seed 24: one of the seeds stuck with two patterns at 0.5 (FACTS.md).
    table, _ = train(1000, layers=(2, 2, 1), activation="sigmoid", loss="mse", lr=2, seed=24)
    row = table.rows()[-1]
    assert f"{row.loss:.4g}" == "0.125" and row.pattern.kind == "plateau"
    assert row.words == "no change for 991 epochs"


def test_no_change_for_900_epochs():
    losses = list(np.linspace(1.0, 0.2, 100)) + [0.2] * 900
    rows = fed(losses).rows()
    assert rows[-1].epoch == 1000 and rows[-1].words == "no change for 900 epochs"
    assert rows[-1].low == rows[-1].high == 0.2
    # Changes below the 4th significant digit are no change: the table shows 4.
    jitter = 0.2 + 1e-6 * np.sin(np.arange(900))
    assert fed(losses[:100] + list(jitter)).rows()[-1].words == "no change for 900 epochs"
    assert fed(losses[:100] + list(jitter + 1e-4 * (np.arange(900) % 2))).rows()[-1].words != \
        "no change for 900 epochs"


def test_a_plateau_that_ended_since_the_row_before_is_named_with_its_last_epoch():
    losses = list(np.linspace(1.0, 0.5, 1000)) + [0.5] * 3000 + list(np.linspace(0.45, 0.1, 6000))
    row = fed(losses).rows()[-1]
    assert row.epoch == 10_000 and row.low == pytest.approx(0.1) and row.high == 0.5
    assert row.words == "no change for 3,000 epochs, until epoch 4,000"
    # Too short to mention next to the 9,000 epochs of the row: 100 steps.
    losses = list(np.linspace(1.0, 0.5, 1000)) + [0.5] * 100 + list(np.linspace(0.5, 0.1, 8900))
    assert fed(losses).rows()[-1].pattern is None


def test_longer_cycles_and_a_loss_that_rises():
    cycle = [3.0, 12.5, 12.8] * 40
    assert fed([5.0] * 1 + list(np.linspace(5, 4, 9)) + cycle[:90]).rows()[-1].words == \
        "loss repeats every 3 epochs, between 3 and 12.8, for 90 epochs"
    falling = 1.0 / np.arange(1, 101)
    falling[50::10] *= 1.5          # ten rises among 90 steps since epoch 10
    assert fed(falling).rows()[-1].words == "loss rose in 5 of 90 epochs"


def test_the_edge_of_stability_shows_as_a_loss_that_rises_now_and_then():
    # sine 1-16-16-1 at lr 0.2 (tests/engine/test_sharpness.py): the loss rises at about
    # 100 of 3,000 epochs once the sharpness reaches 2/η, yet falls in the long run.
    table, _ = train(3000, dataset="sine", layers=(1, 16, 16, 1), output="linear", loss="mse", lr=0.2)
    row = table.rows()[-1]
    assert row.pattern.kind == "rises" and 20 <= row.pattern.rises <= 400 and row.pattern.epochs == 2000
    assert row.loss < table.rows()[0].loss / 10


def test_following_a_log_in_any_blocks_gives_the_same_rows_as_appending_records():
    table, log = train(3000, lr=50)
    rng = np.random.default_rng(0)
    for _ in range(3):
        follower = EpochTable(log.layers)
        at = 0
        while at < log.count:
            at = min(log.count, at + int(rng.integers(1, 700)))
            view = SimpleNamespace(count=at, first=0, rows=log.rows)
            follower.follow(view)
            assert follower.epochs == at
        same_rows(follower.rows(), table.rows())


def test_rows_a_kept_log_let_go_unseen_are_nan_not_a_crash():
    config = RunConfig(epochs=300)
    net, trainer, _ = config.build()
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=16, keep=16)
    trainer.run(300, log=log)
    assert log.first > 100
    table = EpochTable(net.layers)
    assert table.follow(log) == 300
    rows = table.rows()
    assert [row.epoch for row in rows] == [1, 10, 100, 300]
    assert all(math.isnan(row.loss) for row in rows[:3])
    assert rows[-1].loss == log.last("loss") and rows[-1].low <= rows[-1].loss


def test_rounded_keeps_four_significant_digits_and_equal_digits_give_equal_numbers():
    assert rounded([24.9412, 37.5649, 0.0012345, 0.0, math.inf]).tolist() == [24.94, 37.56, 0.001234, 0.0, math.inf]
    assert rounded([9999.7])[0] == rounded([10000.2])[0] == 10000.0
    assert math.isnan(rounded([math.nan])[0])


def test_pattern_words():
    assert Pattern("plateau", 900).words == "no change for 900 epochs"
    assert Pattern("cycle", 12_000, low=24.94, high=37.56, period=2).words == \
        "loss alternates between 24.9 and 37.6 for 12,000 epochs"


def test_a_row_let_go_between_reading_the_loss_and_the_rest_shows_nan_not_an_error():
    # The Lab folds from its UI thread while training appends: MetricsLog(keep=...) may
    # drop a row between the two reads.
    _, log = train(20)

    def rows(name, start=0, stop=None):
        if name == "loss":
            return log.rows(name, start, stop)
        return start + 1, log.rows(name, start + 1, stop)[1]   # already let go

    table = EpochTable(log.layers)
    assert table.follow(SimpleNamespace(count=20, first=0, rows=rows)) == 20
    rows_ = table.rows()
    assert [row.epoch for row in rows_] == [1, 10, 20]
    assert all(math.isnan(row.loss) and math.isnan(row.weight_norms[0]) for row in rows_)
    assert rows_[-1].low == log.column("loss")[10:].min()    # the range is from the losses read
