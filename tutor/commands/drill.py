"""`tutor drill [--seed N]`: endless generated derivative drills in plain text.

Families the progress store says are due (missed recently, or whose Leitner
interval has passed) come first; otherwise a new drill is generated at the
current level. The level rises after LEVEL_UP right answers in a row and falls
after LEVEL_DOWN misses in a row. The first judged answer to each drill is what
the scheduler records; after a miss the learner may try again, `?` shows the
answer, an empty line moves on, `q` (or Ctrl-D) quits.
"""
from __future__ import annotations

import secrets

LEVEL_UP = 4
LEVEL_DOWN = 2
HELP = "type d/dx of each function; ? shows the answer, an empty line skips, q quits"


def run(args) -> int:
    from tutor.commands.quiz import open_store

    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    store = open_store()
    session = DrillSession(seed, store)
    try:
        return session.run()
    finally:
        if store is not None:
            store.close()


class DrillSession:
    def __init__(self, seed: int, store):
        from tutor.course import drills

        self.drills = drills
        self.seed = seed
        self.store = store
        self.level = min(drills.LEVELS)
        self.streak = 0  # > 0: right answers in a row; < 0: misses in a row
        self.asked = 0
        self.right_first_time = 0

    def run(self) -> int:
        print(f"Derivative drills, seed {self.seed} ({HELP}).")
        try:
            while self.ask(self.next_drill()):
                pass
        except EOFError:
            print()
        print(f"{self.asked} drill{'s' if self.asked != 1 else ''}, "
              f"{self.right_first_time} right at the first try.")
        return 0

    def next_drill(self):
        """A due family's drill if any is due, else a new one at the current level."""
        number = self.seed + self.asked
        due = self.store.due_drills() if self.store is not None else []
        due = [family for family in due if family in self.drills.FAMILIES]
        if due:
            return self.drills.generate(number, family=due[0])
        return self.drills.generate(number, level=self.level)

    def ask(self, drill) -> bool:
        """One drill; False when the learner quits."""
        from tutor.course.judge import judge
        from tutor.course.mathparse import parse

        print()
        print(drill.prompt)
        recorded = False
        while True:
            text = input("d/dx = ").strip()
            if text in ("q", "quit"):
                return False
            if text in ("", "skip", "?", "giveup"):
                print(f"The answer: {parse(drill.expected).pretty()}")
                if not recorded:
                    self.record(drill, correct=False)
                return True
            judgement = judge(text, drill.expected, function=drill.function)
            if judgement.diagnosis == "parse-error":
                print(judgement.feedback)
                continue
            if not recorded:
                self.record(drill, judgement.correct)
                recorded = True
            if judgement.correct:
                print(judgement.feedback)
                return True
            print(f"{judgement.feedback} Try again, ? for the answer, or an empty line to move on.")

    def record(self, drill, correct: bool) -> None:
        """Count the first judged answer, move the family's Leitner box, adjust the level."""
        self.asked += 1
        if correct:
            self.right_first_time += 1
        if self.store is not None:
            self.store.record_drill(drill.family, correct)
        self.streak = max(self.streak, 0) + 1 if correct else min(self.streak, 0) - 1
        levels = self.drills.LEVELS
        if self.streak >= LEVEL_UP and self.level < max(levels):
            self.level += 1
            self.streak = 0
            print(f"Level {self.level}.")
        elif self.streak <= -LEVEL_DOWN and self.level > min(levels):
            self.level -= 1
            self.streak = 0
            print(f"Back to level {self.level}.")
