"""A Lab run packed for the progress store and read back (tutor/run_archive.py)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import engine
from tutor import run_archive
from tutor.progress import Progress


def trained(epochs: int = 120, **settings) -> tuple[engine.RunConfig, engine.Trainer]:
    config = engine.RunConfig(epochs=epochs, **settings)
    _, trainer, _ = config.build()
    trainer.run(epochs)
    return config, trainer


def test_a_runs_checkpoints_round_trip_through_the_store_exactly(tmp_path):
    config, trainer = trained()
    checkpoints = list(trainer.checkpoints.values())
    with Progress(tmp_path) as store:
        run_id = store.save_run("xor", config.to_dict(), run_archive.summary(trainer.last_record),
                                checkpoints=run_archive.pack(checkpoints))
    with Progress(tmp_path) as store:
        run = store.load_run(run_id)
    assert engine.RunConfig.from_mapping(run.config) == config
    back = run_archive.unpack(run.checkpoints, config.layers)
    assert [c.epoch for c in back] == [1, 10, 100, 120]
    for saved, original in zip(back, checkpoints):
        assert all(np.array_equal(a, b) for a, b in zip(saved.weights, original.weights))
        assert all(np.array_equal(a, b) for a, b in zip(saved.biases, original.biases))
        # Every number of the epoch, bit for bit (the record's link back to its checkpoint aside).
        assert saved.record == dataclasses.replace(original.record, checkpoint=None)
    assert run.metrics == {"epochs": 120, "loss": trainer.last_record.loss, "test_loss": None,
                           "accuracy": 1.0, "test_accuracy": None, "message": ""}
    assert run_archive.summary_text(run.metrics).startswith("120 epochs · loss ")


def test_the_stored_size_is_bounded_by_dropping_the_earliest_checkpoints(monkeypatch):
    _, trainer = trained(120, layers=(2, 64, 64, 1))   # 4,417 values a checkpoint
    monkeypatch.setattr(run_archive, "MAX_SAVED_VALUES", 10_000)
    assert [c.epoch for c in run_archive.kept(list(trainer.checkpoints.values()))] == [100, 120]
    monkeypatch.setattr(run_archive, "MAX_SAVED_VALUES", 10)   # the last is always kept
    assert [c.epoch for c in run_archive.kept(list(trainer.checkpoints.values()))] == [120]


def test_a_diverged_runs_summary_keeps_its_message():
    record = engine.EpochRecord(7, float("inf"), None, 0.5, None, 1e3, (), (), (), (), diverged=True)
    metrics = run_archive.summary(record, "diverged at epoch 7")
    assert metrics["loss"] is None and metrics["epochs"] == 7
    assert run_archive.summary_text(metrics) == "7 epochs · acc 50% · diverged at epoch 7"


def test_weights_that_are_damaged_or_fit_another_network_are_one_clear_error():
    config, trainer = trained(10)
    data = run_archive.pack(list(trainer.checkpoints.values()))
    with pytest.raises(run_archive.ArchiveError, match=r"the saved W1 has shape \(2, 4\), not \(2, 8\)"):
        run_archive.unpack(data, (2, 8, 1))
    with pytest.raises(run_archive.ArchiveError, match="the saved weights cannot be read"):
        run_archive.unpack(b"PK\x03\x04 broken", config.layers)
    with pytest.raises(run_archive.ArchiveError, match="the saved weights cannot be read"):
        run_archive.unpack(data, (2, 4, 4, 1))   # a layer more than was saved


def test_the_default_name_says_dataset_layers_activation_rate_and_epoch():
    config = engine.RunConfig(dataset="circle", layers=(2, 8, 1), activation="relu", lr=0.05)
    assert run_archive.run_name(config, 1234) == "circle 2-8-1 relu lr 0.05 · epoch 1,234"
