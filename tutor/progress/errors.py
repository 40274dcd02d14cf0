"""ProgressError: the one exception the progress store lets out to its callers."""
from __future__ import annotations

from pathlib import Path


class ProgressError(Exception):
    """The progress store could not be opened, read or written. The message
    names the file, so it can be shown to the learner as it is."""

    def __init__(self, message: str, path: Path | str | None = None):
        super().__init__(message)
        self.path = path
