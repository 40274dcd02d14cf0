"""`tutor drill [--seed N]`: endless generated derivative drills in plain text.

The order of drills and the level follow tutor.course.drill_plan (due families
first, the level follows the streak; the first judged answer is what counts).
After a miss the learner may try again, `?` shows the answer, an empty line
moves on, `q` (or Ctrl-D) quits.
"""
from __future__ import annotations

import secrets

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
        from tutor.course.drill_plan import DrillPlan

        self.plan = DrillPlan(seed)
        self.store = store

    def run(self) -> int:
        print(f"Derivative drills, seed {self.plan.seed} ({HELP}).")
        try:
            while self.ask(self.next_drill()):
                pass
        except EOFError:
            print()
        print(f"{self.plan.summary()}.")
        return 0

    def next_drill(self):
        """A due family's drill if any is due, else a new one at the current level."""
        due = self.store.due_drills() if self.store is not None else []
        return self.plan.generate(*self.plan.next_spec(due))

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
            if not judgement.attempt:
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
        """Count the first judged answer: the family's Leitner box and the level."""
        if self.store is not None:
            self.store.record_drill(drill.family, correct)
        message = self.plan.count(correct)
        if message:
            print(message)
