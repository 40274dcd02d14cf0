"""`tutor drill [--seed N]`: endless generated derivative drills in plain text.

The order of drills and the level follow tutor.maths.drill_plan (due families
first, the level follows the streak; the first judged answer is what counts).
After a miss the learner may try again. `?` gives a hint (the rule the drill
practises), as `?` does in `tutor quiz`; `giveup` or an empty line shows the
answer and moves on; `q` (or Ctrl-D) quits.
"""
from __future__ import annotations

import secrets

HELP = "type d/dx of each function; ? for a hint, giveup or an empty line shows the answer, q quits"

# The rule a drill family practises, by a word of its name (first match wins):
# the hint `?` gives. Families added later fall back to the general advice.
RULE_HINTS = (
    ("nested", "Chain rule, twice: differentiate from the outside in, multiplying the inner derivatives."),
    ("product-chain", "Product rule (uv)′ = u′v + uv′, and the chain rule inside each factor."),
    ("softplus", "softplus′(u) = σ(u); then multiply by the inner derivative (chain rule)."),
    ("swish", "Product rule: (x·f(ax))′ = f(ax) + x·a·f′(ax)."),
    ("product", "Product rule: (uv)′ = u′v + uv′."),
    ("quotient", "Quotient rule: (u/v)′ = (u′v − uv′)/v²."),
    ("sigmoid", "σ′(u) = σ(u)(1 − σ(u)); times the inner derivative u′ (chain rule)."),
    ("tanh", "tanh′(u) = 1 − tanh²(u); times the inner derivative u′ (chain rule)."),
    ("relu", "relu′(u) = heaviside(u) (1 for u > 0, 0 below); times u′. Write it with heaviside(u) or where(u > 0, …, 0)."),
    ("exp", "(e^u)′ = e^u · u′."),
    ("log", "(ln u)′ = u′/u."),
    ("power", "Power rule: (xⁿ)′ = n·xⁿ⁻¹, term by term."),
)


def rule_hint(family: str) -> str:
    """The hint for a drill of `family`."""
    for word, hint in RULE_HINTS:
        if word in family:
            return hint
    return "Name the outermost function, differentiate it, then multiply by the derivative of its inside."


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
        from tutor.maths.drill_plan import DrillPlan

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
        from tutor.maths.judge import judge
        from tutor.maths.mathparse import parse

        print()
        print(drill.prompt)
        recorded = False
        while True:
            text = input("d/dx = ").strip()
            if text in ("q", "quit"):
                return False
            if text == "?":
                print(f"Hint: {rule_hint(drill.family)}")
                continue
            if text in ("", "skip", "giveup"):
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
            print(f"{judgement.feedback} Try again, ? for a hint, or giveup (or an empty line) for the answer.")

    def record(self, drill, correct: bool) -> None:
        """Count the first judged answer: the family's Leitner box and the level."""
        if self.store is not None:
            self.store.record_drill(drill.family, correct)
        message = self.plan.count(correct)
        if message:
            print(message)
