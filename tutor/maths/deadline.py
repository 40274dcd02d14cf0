"""Give up waiting for a computation that runs past its deadline.

Python cannot stop a thread, so the work runs in a daemon thread and the caller
waits for it at most `seconds`: past that the caller goes on (and is told so by
TooSlow), and the abandoned thread can never keep the process alive when the
learner quits. The judge uses it as a safety net (its work is bounded by the
answer's structure, so in practice nothing comes near the deadline), and so does
the app's loading of the lessons (a file on a hung network drive never returns).
"""
from __future__ import annotations

import queue
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


class TooSlow(Exception):
    """The computation did not finish within its deadline (it was abandoned)."""


def within(seconds: float, function: Callable[..., T], *args, **kwargs) -> T:
    """function(*args, **kwargs), or TooSlow if it has not returned after `seconds`.
    An exception it raises is raised here."""
    outcome: queue.SimpleQueue = queue.SimpleQueue()

    def run() -> None:
        try:
            outcome.put((True, function(*args, **kwargs)))
        except BaseException as error:  # handed to the caller, which raises it
            outcome.put((False, error))

    threading.Thread(target=run, name=f"deadline:{getattr(function, '__name__', 'work')}",
                     daemon=True).start()
    try:
        returned, value = outcome.get(timeout=seconds)
    except queue.Empty:
        raise TooSlow(f"still running after {seconds:g} s") from None
    if returned:
        return value
    raise value
