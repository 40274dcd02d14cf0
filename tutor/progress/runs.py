"""Saved training runs: a run's configuration and metrics kept as JSON under a name.

Nothing in the app calls this yet (only tests do): whether the Lab saves and
reopens runs through it, or it goes, is still to be decided (issue 12, item 6).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tutor.progress.errors import ProgressError
from tutor.progress.store import Store, timestamp


@dataclass(frozen=True)
class SavedRun:
    """A training run the learner kept: its configuration and, if given, its metrics."""
    id: int
    name: str
    config: dict[str, Any]
    metrics: dict[str, Any] | None
    saved_at: float


class UnknownRun(ProgressError, LookupError):
    """No saved run has the id asked for."""


class SavedRuns(Store):
    """The runs table."""

    def save_run(
        self, name: str, config: Mapping[str, Any], metrics: Mapping[str, Any] | None = None,
        when: float | None = None,
    ) -> int:
        """Keep a run's configuration (and metrics) as JSON; returns its id.
        NumPy scalars and arrays are stored as numbers and lists."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a saved run needs a name (a non-empty string)")
        config_json = _to_json(config, f"run {name!r}: config")
        metrics_json = None if metrics is None else _to_json(metrics, f"run {name!r}: metrics")
        with self._writing("save the run") as con:
            cur = con.execute(
                "INSERT INTO runs (name, config, metrics, saved_at) VALUES (?, ?, ?, ?)",
                (name, config_json, metrics_json, timestamp(when)),
            )
            return int(cur.lastrowid)

    def runs(self) -> list[SavedRun]:
        """Every saved run, newest first."""
        with self._reading("read your saved runs") as con:
            rows = con.execute(
                "SELECT id, name, config, metrics, saved_at FROM runs ORDER BY saved_at DESC, id DESC"
            ).fetchall()
        return [_saved_run(row) for row in rows]

    def load_run(self, run_id: int) -> SavedRun:
        with self._reading("read the saved run") as con:
            row = con.execute(
                "SELECT id, name, config, metrics, saved_at FROM runs WHERE id = ?", (run_id,)
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
    run_id, name, config, metrics, saved_at = row
    return SavedRun(run_id, name, json.loads(config),
                    None if metrics is None else json.loads(metrics), saved_at)
