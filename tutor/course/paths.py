"""Where the course's lesson files are.

Three places, first match wins:

1. the folder named by the environment variable NN_TUTOR_LESSONS (authors testing a draft);
2. `<tutor package>/_lessons`, the copy an installed wheel carries
   (pyproject.toml force-includes the top-level `lessons/` there);
3. `<repository>/lessons`, next to the `tutor` package in a source checkout.
"""
from __future__ import annotations

import os
from pathlib import Path

import tutor

ENV_VARIABLE = "NN_TUTOR_LESSONS"

PACKAGE_DIR = Path(tutor.__file__).resolve().parent


def lessons_dir() -> Path:
    """The lessons folder in force (it may not exist if NN_TUTOR_LESSONS names a missing one)."""
    override = os.environ.get(ENV_VARIABLE)
    if override:
        return Path(override).expanduser()
    shipped = PACKAGE_DIR / "_lessons"
    if shipped.is_dir():
        return shipped
    return PACKAGE_DIR.parent / "lessons"
