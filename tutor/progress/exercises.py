"""Build-it-yourself exercises: each check's outcome, hints and solutions shown.

The order that unlocks exercises is tutor.exercises'; this module keeps what happened.
"""
from __future__ import annotations

from tutor.progress.store import Store, need_id, timestamp


class ExerciseProgress(Store):
    """The exercise_checks, exercise_hints and exercise_solutions tables."""

    def record_exercise_check(self, name: str, passed: bool, when: float | None = None) -> None:
        need_id("exercise", name)
        with self._writing("save the exercise check") as con:
            con.execute("INSERT INTO exercise_checks (name, passed, checked_at) VALUES (?, ?, ?)",
                        (name, int(bool(passed)), timestamp(when)))

    def exercise_results(self) -> dict[str, tuple[bool, int]]:
        """name -> (passed at least once, number of failed checks), for exercises checked."""
        with self._reading("read the exercise checks") as con:
            rows = con.execute("SELECT name, MAX(passed), SUM(1 - passed) FROM exercise_checks GROUP BY name")
            return {name: (bool(passed), failed) for name, passed, failed in rows}

    def show_exercise_hint(self, name: str) -> int:
        """Count one more hint shown for `name`; returns how many are shown now."""
        need_id("exercise", name)
        with self._writing("save the hint shown") as con:
            con.execute("INSERT INTO exercise_hints (name, shown) VALUES (?, 1)"
                        " ON CONFLICT (name) DO UPDATE SET shown = shown + 1", (name,))
            return con.execute("SELECT shown FROM exercise_hints WHERE name = ?", (name,)).fetchone()[0]

    def exercise_hints_shown(self) -> dict[str, int]:
        """name -> how many hints have been shown, for exercises with any."""
        with self._reading("read the hints shown") as con:
            return dict(con.execute("SELECT name, shown FROM exercise_hints"))

    def record_exercise_solution(self, name: str, when: float | None = None) -> None:
        need_id("exercise", name)
        with self._writing("save the solution shown") as con:
            con.execute("INSERT OR IGNORE INTO exercise_solutions (name, shown_at) VALUES (?, ?)",
                        (name, timestamp(when)))

    def exercise_solutions_shown(self) -> set[str]:
        with self._reading("read the solutions shown") as con:
            return {row[0] for row in con.execute("SELECT name FROM exercise_solutions")}
