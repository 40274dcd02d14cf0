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


def test_a_regularised_run_with_features_round_trips_and_older_saves_read_with_the_defaults(tmp_path):
    import io
    import json

    config, trainer = trained(dataset="circle", layers=(3, 4, 1), features="x1^2,x2^2,x1x2",
                              regularization="l1", regularization_rate=0.01)
    data = run_archive.pack(list(trainer.checkpoints.values()))
    with Progress(tmp_path) as store:
        run_id = store.save_run("circle", config.to_dict(), run_archive.summary(trainer.last_record),
                                checkpoints=data)
        run = store.load_run(run_id)
    assert engine.RunConfig.from_mapping(run.config) == config
    back = run_archive.unpack(run.checkpoints, config.layers)
    assert back[-1].record.penalty == trainer.last_record.penalty > 0
    # Saved before issue 13: no penalty in the records, no new fields in the settings.
    with np.load(io.BytesIO(data)) as archive:
        arrays = {name: archive[name] for name in archive.files}
    records = json.loads(str(arrays["records"]))
    for record in records:
        record.pop("penalty")
    arrays["records"] = np.array(json.dumps(records))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    assert run_archive.unpack(buffer.getvalue(), config.layers)[-1].record.penalty == 0.0
    old = {key: value for key, value in config.to_dict().items()
           if key not in ("features", "regularization", "regularization_rate")}
    assert engine.RunConfig.from_mapping({**old, "layers": [2, 4, 1]}) == engine.RunConfig(
        dataset="circle", layers=(2, 4, 1), epochs=120)
