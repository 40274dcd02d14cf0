"""The drill schedule: each drill family's Leitner box and when it is due again.

The rules that move a family between boxes are tutor.maths.leitner's, beside the
drill plan that asks for due families first; this module only keeps their results.
"""
from __future__ import annotations

from collections.abc import Iterable

from tutor.maths.leitner import next_box, next_due
from tutor.progress.store import Store, need_id, timestamp


class DrillSchedule(Store):
    """The drills table: one row per family drilled (box, due_at, reviewed_at)."""

    def record_drill(self, family: str, correct: bool, now: float | None = None) -> int:
        """Move the family's box by Leitner's rule and set its next due time.
        Returns the new box. A family never drilled starts in box 1."""
        need_id("family", family)
        now = timestamp(now)
        with self._writing("save the drill result") as con:
            row = con.execute("SELECT box FROM drills WHERE family = ?", (family,)).fetchone()
            box = next_box(row[0] if row else 1, bool(correct))
            con.execute(
                "INSERT INTO drills (family, box, due_at, reviewed_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (family) DO UPDATE SET"
                " box = excluded.box, due_at = excluded.due_at, reviewed_at = excluded.reviewed_at",
                (family, box, next_due(box, now), now),
            )
        return box

    def drill_box(self, family: str) -> int:
        """The family's Leitner box, 1 (new or just missed) to TOP_BOX."""
        with self._reading("read the drill schedule") as con:
            row = con.execute("SELECT box FROM drills WHERE family = ?", (family,)).fetchone()
        return row[0] if row else 1

    def drill_due_at(self, family: str) -> float | None:
        """When the family is next due (time.time() seconds); None if never drilled (due now)."""
        with self._reading("read the drill schedule") as con:
            row = con.execute("SELECT due_at FROM drills WHERE family = ?", (family,)).fetchone()
        return row[0] if row else None

    def due_drills(self, now: float | None = None, families: Iterable[str] | None = None) -> list[str]:
        """Families due at `now`, most overdue first.

        Without `families`: the drilled families that are due. With it: those of
        the given families that are due, counting a never-drilled one as due
        (listed first, in the order given).
        """
        now = timestamp(now)
        with self._reading("read the drill schedule") as con:
            rows = con.execute("SELECT family, due_at FROM drills ORDER BY due_at, family").fetchall()
        due = [family for family, due_at in rows if due_at <= now]
        if families is None:
            return due
        wanted = dict.fromkeys(families)  # ordered and without repeats
        known = {family for family, _ in rows}
        return [f for f in wanted if f not in known] + [f for f in due if f in wanted]
