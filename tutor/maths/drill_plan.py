"""DrillPlan: which drill comes next and how the level follows the learner.

Shared by `tutor drill` (plain text) and the app's drill screen, so both follow
one set of rules:
- families the progress store says are due come first (spaced repetition by
  Leitner's boxes, tutor.maths.leitner); otherwise a new drill is generated at
  the current level;
- variety: a family drilled in the last RECENT drills waits (a missed family is due
  at once, and used to come back ten times in a row), unless no other family is left,
  and a drill never repeats the one just shown;
- drill n of a session uses seed + n, so a session is reproducible by its seed;
- the first judged answer to each drill is the one that counts: it moves the
  family's Leitner box (the caller records it in the store) and the streak;
- the level rises after LEVEL_UP right answers in a row and falls after
  LEVEL_DOWN misses in a row.
"""
from __future__ import annotations

from tutor.maths import drills

LEVEL_UP = 4
LEVEL_DOWN = 2
RECENT = 2  # a family waits this many drills before it comes again
RESEED = 7_919  # seed step when a drill would repeat the previous one


class DrillPlan:
    def __init__(self, seed: int):
        self.seed = seed
        self.level = min(drills.LEVELS)
        self.streak = 0  # > 0: right answers in a row; < 0: misses in a row
        self.shown = 0   # drills generated so far
        self.asked = 0   # drills with a counted answer
        self.right_first_time = 0
        self.recent: list[str] = []  # families of the last RECENT drills, oldest first
        self.previous: str | None = None  # the function of the last drill

    def next_spec(self, due_families) -> tuple[int, str | None]:
        """(number, family) of the next drill: the first due family not drilled just
        before, or None for a drill at the current level. Advances the count of drills shown."""
        due = [family for family in due_families if family in drills.FAMILIES and family not in self.recent]
        number = self.seed + self.shown
        self.shown += 1
        return number, (due[0] if due else None)

    def generate(self, number: int, family: str | None) -> drills.Drill:
        """The drill for next_spec()'s answer (SymPy differentiates it: slow the first time).

        A drill at the current level whose family was just drilled gives way to another
        family of the level; a drill equal to the previous one is drawn again."""
        if family is not None:
            drill = drills.generate(number, family=family)
        else:
            drill = drills.generate(number, level=self.level)
            others = [f for f in drills.families(self.level) if f not in self.recent]
            if drill.family in self.recent and others:
                drill = drills.generate(number, family=others[number % len(others)])
        for attempt in range(1, 20):
            if drill.function != self.previous:
                break
            drill = drills.generate(number + attempt * RESEED, family=drill.family)
        self.recent = (self.recent + [drill.family])[-RECENT:]
        self.previous = drill.function
        return drill

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
