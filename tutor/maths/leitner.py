"""Leitner's rules for spacing drills: which box a drill family moves to, and when it is due.

The drill plan (tutor.maths.drill_plan) asks for due families first; the progress
store (tutor.progress.drills) keeps each family's box and due time and moves them
by these rules. Standard library only, so the store can use them without loading
the math that generates drills.
"""
from __future__ import annotations

__all__ = ["DAY", "TOP_BOX", "INTERVAL_DAYS", "next_box", "next_due"]

DAY = 86_400.0
TOP_BOX = 5
# Wait before a family is due again, by the box it sits in. Box 1 is "practise
# again now"; each box above it doubles the wait.
INTERVAL_DAYS = {1: 0.0, 2: 1.0, 3: 2.0, 4: 4.0, 5: 8.0}


def next_box(box: int, correct: bool) -> int:
    """Leitner's rule: a right answer moves the card up one box (at most TOP_BOX),
    a wrong one sends it back to box 1."""
    return min(box + 1, TOP_BOX) if correct else 1


def next_due(box: int, now: float) -> float:
    """When a family in `box`, reviewed at `now`, is due again: now + interval[box]."""
    return now + INTERVAL_DAYS[box] * DAY
