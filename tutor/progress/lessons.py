"""Which lessons the learner finished, and the lesson open last ("continue where I left off")."""
from __future__ import annotations

from tutor.progress.store import Store, need_id, timestamp


class LessonProgress(Store):
    """The completed_lessons table and the 'last_lesson' setting."""

    def complete_lesson(self, lesson_id: str, when: float | None = None) -> None:
        """Mark a lesson finished (the first completion time is kept)."""
        need_id("lesson_id", lesson_id)
        with self._writing("mark the lesson complete") as con:
            con.execute(
                "INSERT OR IGNORE INTO completed_lessons (lesson_id, completed_at) VALUES (?, ?)",
                (lesson_id, timestamp(when)),
            )

    def is_complete(self, lesson_id: str) -> bool:
        with self._reading("read lesson completion") as con:
            row = con.execute(
                "SELECT 1 FROM completed_lessons WHERE lesson_id = ?", (lesson_id,)
            ).fetchone()
        return row is not None

    def completed(self) -> set[str]:
        """Ids of every finished lesson."""
        with self._reading("read lesson completion") as con:
            return {row[0] for row in con.execute("SELECT lesson_id FROM completed_lessons")}

    def set_last_lesson(self, lesson_id: str) -> None:
        """Remember the lesson open now, for "continue where I left off"."""
        need_id("lesson_id", lesson_id)
        with self._writing("remember the current lesson") as con:
            con.execute(
                "INSERT INTO settings (key, value) VALUES ('last_lesson', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (lesson_id,),
            )

    def last_lesson(self) -> str | None:
        with self._reading("read the last lesson") as con:
            row = con.execute("SELECT value FROM settings WHERE key = 'last_lesson'").fetchone()
        return row[0] if row else None
