"""Check a learner's file: run the exercise's checks in a subprocess with a time
limit and a memory limit, so that an endless loop, a crash or a huge allocation in
the learner's code never freezes or crashes the tutor.

It is the learner's own code on their own machine: the limits protect the tutor,
they are not a sandbox (none is needed).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 10.0          # seconds the checks may take (NumPy's import included)
MEMORY_LIMIT = 2 * 2**30   # bytes of address space for the learner's process


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    message: str
    line: int | None = None

    def text(self, filename: str) -> str:
        mark = "✓" if self.passed else "✗"
        where = f"{filename}:{self.line}: " if self.line and not self.passed else ""
        return f"{mark} {where}{self.message}"


def _limits(memory: int, seconds: float):
    def apply():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(seconds) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    return apply


def last_line_in(text: str, path: str) -> int | None:
    """The last `File "path", line N` in a dump or traceback (faulthandler lists the
    innermost frame first, so the first match there)."""
    lines = re.findall(r'File "' + re.escape(path) + r'", line (\d+)', text)
    return int(lines[0]) if lines else None


def check_file(name: str, path: str | os.PathLike, time_limit: float = TIME_LIMIT,
               memory_limit: int = MEMORY_LIMIT) -> CheckResult:
    """Run exercise `name`'s checks on the file at `path`, in a subprocess."""
    from tutor.exercises.runner import RESULT_MARKER

    path = str(Path(path).resolve())
    if not Path(path).is_file():
        return CheckResult(False, f"no file {path}: `tutor exercises init` creates it")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "tutor.exercises.runner", name, path, str(time_limit)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                              timeout=time_limit + 10, preexec_fn=_limits(memory_limit, time_limit))
    except subprocess.TimeoutExpired:
        return CheckResult(False, f"your code did not finish in {time_limit:g} s (an endless loop?)")
    for text in reversed(done.stdout.splitlines()):
        if text.startswith(RESULT_MARKER):
            outcome = json.loads(text[len(RESULT_MARKER):])
            return CheckResult(outcome["passed"], outcome["message"], outcome["line"])
    # No result: faulthandler's time-out, a signal (CPU or memory limit), or os._exit.
    line = last_line_in(done.stderr, path)
    where = f" at line {line}" if line else ""
    if "Timeout" in done.stderr:
        return CheckResult(False, f"your code did not finish in {time_limit:g} s: still running{where} (an endless loop?)", line)
    if "MemoryError" in done.stderr:
        return CheckResult(False, f"your code ran out of memory{where}", line)
    return CheckResult(False, f"your code stopped the check{where} (exit code {done.returncode})", line)
