"""The learner's workspace: a folder with one starter file per exercise, and the
exercises' states (passed, tried, open, locked) from the progress store's results.
"""
from __future__ import annotations

from pathlib import Path

from tutor.exercises import exercises

DEFAULT_DIR = "nn-exercises"
README = """Build it yourself: nn-tutor's exercises.

Each file asks for one or two functions. Edit a file, save it, then run
    tutor exercises check          (the current exercise; exit code 0 when it passes)
    tutor exercises watch          (re-checks on every save; Ctrl-C stops)
    tutor exercises hint NAME      (one hint at a time)
    tutor exercises                (the list and each exercise's state)
    tutor                          (the app: e opens the Exercises screen, which
                                    re-checks on every save, from this folder)
Your code runs in a subprocess with a time and a memory limit; it is not a sandbox.
"""


def find(directory: str | None) -> Path:
    """The workspace: `directory` if given; else the current folder if it holds the
    first exercise's file; else ./nn-exercises."""
    if directory:
        return Path(directory)
    here = Path.cwd()
    return here if (here / exercises()[0].filename).is_file() else here / DEFAULT_DIR


def init(directory: Path) -> tuple[list[str], list[str]]:
    """Write the starter files into `directory` (made if needed); a file that exists
    is kept (never overwrite the learner's work). Returns (written, kept) file names."""
    directory.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for exercise in exercises():
        path = directory / exercise.filename
        if path.exists():
            kept.append(exercise.filename)
        else:
            path.write_text(exercise.starter, encoding="utf-8")
            written.append(exercise.filename)
    readme = directory / "README.txt"
    if not readme.exists():
        readme.write_text(README, encoding="utf-8")
    return written, kept


def reset(directory: Path, exercise) -> Path | None:
    """Write the exercise's starter file again; the learner's file, if any, is renamed to
    a free name (01_sigmoid.py.bak, .bak2, ...) and returned: their work is never lost."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / exercise.filename
    kept = None
    if path.exists():
        kept = path.with_name(path.name + ".bak")
        number = 2
        while kept.exists():
            kept = path.with_name(f"{path.name}.bak{number}")
            number += 1
        path.rename(kept)
    path.write_text(exercise.starter, encoding="utf-8")
    return kept


def states(results: dict[str, tuple[bool, int]]) -> list[tuple[object, str]]:
    """Each exercise with its state: "passed", "tried" (failed checks, no pass yet),
    "open" (unlocked, never checked) or "locked" (the one before has not passed).
    The first is always unlocked; passing one unlocks the next."""
    listed, unlocked = [], True
    for exercise in exercises():
        passed, failed = results.get(exercise.name, (False, 0))
        if passed:
            state = "passed"
        elif not unlocked:
            state = "locked"
        else:
            state = "tried" if failed else "open"
        listed.append((exercise, state))
        unlocked = passed
    return listed


def edited(directory: Path, exercise) -> bool:
    """Whether the exercise's file exists and differs from its starter file (an untouched
    starter is not a try: checking it would count a failure and offer the solution)."""
    path = directory / exercise.filename
    try:
        return path.read_text(encoding="utf-8") != exercise.starter
    except (OSError, UnicodeDecodeError):
        return path.exists()


def reset_question(exercise) -> str:
    return f"Put the starter file of {exercise.name} back (yours is kept as a .bak file)?"


def reset_done(exercise, kept: Path | None) -> str:
    return f"{exercise.filename} is the starter file again" + (f"; yours is {kept.name}" if kept else "")


def hint_text(exercise, shown: int) -> str:
    """The hint a learner who has asked `shown` times sees (the last repeats)."""
    number = max(1, min(shown, len(exercise.hints)))
    return f"Hint {number} of {len(exercise.hints)} for {exercise.name}: {exercise.hints[number - 1]}"


def state_of(results: dict[str, tuple[bool, int]], name: str) -> str:
    """The state of the exercise called `name` (see states)."""
    return next(state for exercise, state in states(results) if exercise.name == name)


def solution_refusal(results: dict[str, tuple[bool, int]], name: str) -> str | None:
    """Why the reference solution of `name` may not be shown yet, or None when it may:
    only after at least one failed check (issue 16: the solution is for after a try)."""
    if results.get(name, (False, 0))[1]:
        return None
    return f"check {name} at least once and see it fail first: the solution is for after you have tried"


def after_pass(results: dict[str, tuple[bool, int]], exercise) -> str:
    """What passing `exercise` led to, in words: the next one unlocked, or the finish
    ("" when it unlocked nothing new, e.g. checked again after passing)."""
    after = current(results)
    if after is None:
        return FINISHED
    if after.number > exercise.number:
        return f"Unlocked: {after.filename} ({after.title})."
    return ""


FINISHED = "All exercises pass: you have written the pieces of a neural network engine yourself."


def stamps(directory: Path) -> dict[str, tuple[int, int]]:
    """Each Python file's (mtime, size) in the workspace: a save changes them (watchers
    poll this; no file-watching dependency). A folder that vanished has none."""
    found = {}
    try:
        for path in directory.glob("*.py"):
            try:
                stat = path.stat()
            except OSError:
                continue   # deleted between the listing and the stat
            found[path.name] = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        pass
    return found


class Saves:
    """What was saved in a workspace, from one poll of `stamps` to the next. A change is
    given out once a poll finds the files as the one before did: a file caught half
    written (truncated, not yet filled) is not checked."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.seen = stamps(directory)
        self.pending: set[str] = set()

    def forget(self) -> None:
        """Take the files as they are now as seen (after the tutor itself wrote them)."""
        self.seen, self.pending = stamps(self.directory), set()

    def poll(self) -> set[str]:
        """The names of the files saved since the last poll that gave any, once settled."""
        now = stamps(self.directory)
        if now != self.seen:
            self.pending |= {name for name in now.keys() | self.seen.keys() if now.get(name) != self.seen.get(name)}
            self.seen = now
            return set()
        settled, self.pending = self.pending, set()
        return {name for name in settled if name in now}


def current(results: dict[str, tuple[bool, int]]):
    """The first exercise not passed yet, or None when all have passed."""
    for exercise, state in states(results):
        if state != "passed":
            return exercise
    return None
