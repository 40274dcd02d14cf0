"""Saved training runs: the Lab keeps a run under a name, and the home screen lists
them to reopen or delete.

A run is its configuration and a summary of its metrics (JSON), and its checkpoints'
weights as opaque bytes (an .npz made by tutor/run_archive.py: the store itself never
imports NumPy, so that the first screen starts without it). Listing leaves the bytes
out; load_run reads them.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tutor.progress.errors import ProgressError
from tutor.progress.store import Store, timestamp

# A saved run's weights are refused above this size: runs are kept in the progress
# store, which every answer writes to, so it stays small (see tutor/run_archive.py).
MAX_CHECKPOINT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class SavedRun:
    """A training run the learner kept: its configuration, a summary of its metrics (if
    given) and, from load_run, its checkpoints' bytes (None when listed or never stored)."""
    id: int
    name: str
    config: dict[str, Any]
    metrics: dict[str, Any] | None
    saved_at: float
    checkpoints: bytes | None = None


class UnknownRun(ProgressError, LookupError):
    """No saved run has the id asked for."""


class SavedRuns(Store):
    """The runs table."""

    def save_run(
        self, name: str, config: Mapping[str, Any], metrics: Mapping[str, Any] | None = None,
        when: float | None = None, checkpoints: bytes | None = None,
    ) -> int:
        """Keep a run's configuration (and metrics) as JSON and its checkpoints' bytes;
        returns its id. NumPy scalars and arrays are stored as numbers and lists."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a saved run needs a name (a non-empty string)")
        config_json = _to_json(config, f"run {name!r}: config")
        metrics_json = None if metrics is None else _to_json(metrics, f"run {name!r}: metrics")
        if checkpoints is not None and len(checkpoints) > MAX_CHECKPOINT_BYTES:
            raise ValueError(f"run {name!r}: its weights take {len(checkpoints) / 2**20:.0f} MB, "
                             f"more than the {MAX_CHECKPOINT_BYTES // 2**20} MB a saved run may keep")
        with self._writing("save the run") as con:
            cur = con.execute(
                "INSERT INTO runs (name, config, metrics, saved_at, checkpoints) VALUES (?, ?, ?, ?, ?)",
                (name.strip(), config_json, metrics_json, timestamp(when),
                 None if checkpoints is None else bytes(checkpoints)),
            )
            return int(cur.lastrowid)

    def runs(self) -> list[SavedRun]:
        """Every saved run, newest first (without its checkpoints' bytes)."""
        with self._reading("read your saved runs") as con:
            rows = con.execute(
                "SELECT id, name, config, metrics, saved_at, NULL FROM runs ORDER BY saved_at DESC, id DESC"
            ).fetchall()
        return [_saved_run(row) for row in rows]

    def load_run(self, run_id: int) -> SavedRun:
        """One saved run, with its checkpoints' bytes."""
        with self._reading("read the saved run") as con:
            row = con.execute(
                "SELECT id, name, config, metrics, saved_at, checkpoints FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        if row is None:
            raise UnknownRun(f"there is no saved run with id {run_id}", self.path)
        return _saved_run(row)

    def delete_run(self, run_id: int) -> None:
        with self._writing("delete the saved run") as con:
            deleted = con.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount
        if deleted == 0:
            raise UnknownRun(f"there is no saved run with id {run_id}", self.path)


def _json_default(value: Any) -> Any:
    # NumPy scalars and arrays (and anything else with tolist) become plain numbers/lists.
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _to_json(value: Mapping[str, Any], what: str) -> str:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a dict, not {type(value).__name__}")
    try:
        return json.dumps(dict(value), default=_json_default)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{what} cannot be stored as JSON: {e}") from None


def _saved_run(row: tuple[Any, ...]) -> SavedRun:
    run_id, name, config, metrics, saved_at, checkpoints = row
    return SavedRun(run_id, name, json.loads(config),
                    None if metrics is None else json.loads(metrics), saved_at,
                    None if checkpoints is None else bytes(checkpoints))
