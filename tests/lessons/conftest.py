"""Helpers for the tests that back the lessons' claims with engine runs."""
from __future__ import annotations

import pytest

import engine


def train(**settings):
    """Run engine.RunConfig(**settings) epoch by epoch, stopping at divergence.

    Returns (records, net, data): one EpochRecord per epoch run.
    """
    config = engine.RunConfig.from_mapping(settings)
    net, trainer, data = config.build()
    records = []
    for _ in range(config.epochs):
        records.append(trainer.run_epoch())
        if records[-1].diverged:
            break
    return records, net, data


@pytest.fixture
def run():
    return train
