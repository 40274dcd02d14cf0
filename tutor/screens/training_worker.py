"""The body of a training thread worker, shared by the Lab and the Compare screen."""
from __future__ import annotations

from textual.worker import get_current_worker


def train(session):
    """Run session.run() (a TrainingSession's or a CompareSession's loop), also stopped if
    Textual cancels the worker (the screen left, the app quit); returns the final phase."""
    worker = get_current_worker()
    return session.run(should_stop=lambda: worker.is_cancelled)
