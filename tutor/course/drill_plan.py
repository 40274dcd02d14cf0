"""DrillPlan: which drill comes next and how the level follows the learner.

Shared by `tutor drill` (plain text) and the app's drill screen, so both follow
one set of rules:
- families the progress store says are due come first (spaced repetition by
  Leitner's boxes, tutor.course.leitner); otherwise a new drill is generated at
  the current level;
- drill n of a session uses seed + n, so a session is reproducible by its seed;
- the first judged answer to each drill is the one that counts: it moves the
  family's Leitner box (the caller records it in the store) and the streak;
- the level rises after LEVEL_UP right answers in a row and falls after
  LEVEL_DOWN misses in a row.
"""
from __future__ import annotations

from tutor.course import drills

LEVEL_UP = 4
LEVEL_DOWN = 2


class DrillPlan:
    def __init__(self, seed: int):
        self.seed = seed
        self.level = min(drills.LEVELS)
        self.streak = 0  # > 0: right answers in a row; < 0: misses in a row
        self.shown = 0   # drills generated so far
        self.asked = 0   # drills with a counted answer
        self.right_first_time = 0

    def next_spec(self, due_families) -> tuple[int, str | None]:
        """(number, family) of the next drill: the first due family, or None for a
        drill at the current level. Advances the count of drills shown."""
        due = [family for family in due_families if family in drills.FAMILIES]
        number = self.seed + self.shown
        self.shown += 1
        return number, (due[0] if due else None)

    def generate(self, number: int, family: str | None) -> drills.Drill:
        """The drill for next_spec()'s answer (SymPy differentiates it: slow the first time)."""
        if family is not None:
            return drills.generate(number, family=family)
        return drills.generate(number, level=self.level)

    def count(self, correct: bool) -> str | None:
        """Count a drill's first judged answer; returns a level-change message, if any."""
        self.asked += 1
        self.right_first_time += bool(correct)
        self.streak = max(self.streak, 0) + 1 if correct else min(self.streak, 0) - 1
        if self.streak >= LEVEL_UP and self.level < max(drills.LEVELS):
            self.level, self.streak = self.level + 1, 0
            return f"Level {self.level}."
        if self.streak <= -LEVEL_DOWN and self.level > min(drills.LEVELS):
            self.level, self.streak = self.level - 1, 0
            return f"Back to level {self.level}."
        return None

    def summary(self) -> str:
        return (f"{self.asked} drill{'s' if self.asked != 1 else ''}, "
                f"{self.right_first_time} right at the first try")
