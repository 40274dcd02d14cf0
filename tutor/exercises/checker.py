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
import time
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


def learner_frame(text: str, paths: list[str]) -> tuple[str, int] | None:
    """The innermost frame of a dump or traceback in one of the learner's files: (path, line)."""
    found = re.search(r'File "(' + "|".join(re.escape(path) for path in paths) + r')", line (\d+)', text)
    return (found.group(1), int(found.group(2))) if found else None


def run_child(module: str, args: list[str], paths: list[str], time_limit: float = TIME_LIMIT,
              memory_limit: int = MEMORY_LIMIT, should_stop=None) -> dict | CheckResult | None:
    """`python -m module *args time_limit` under the time and memory limits: the JSON the
    child printed after RESULT_MARKER, or a failed CheckResult when it printed none (an
    endless loop, a crash, the memory limit), naming the line of the learner's files
    (`paths`) it was at; None if should_stop() turned true first (the child is killed)."""
    from tutor.exercises.runner import RESULT_MARKER

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", module, *args, str(time_limit)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             stdin=subprocess.DEVNULL, preexec_fn=_limits(memory_limit, time_limit))
    deadline = time.monotonic() + time_limit + 10
    while True:
        try:   # in short waits, so that should_stop is heard; communicate keeps what it read
            stdout, stderr = child.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            stopped = should_stop is not None and should_stop()
            if stopped or time.monotonic() > deadline:
                child.kill()
                child.communicate()
                if stopped:
                    return None
                return CheckResult(False, f"your code did not finish in {time_limit:g} s (an endless loop?)")
    for text in reversed(stdout.splitlines()):
        if text.startswith(RESULT_MARKER):
            return json.loads(text[len(RESULT_MARKER):])
    # No result: faulthandler's time-out, a signal (CPU or memory limit), or os._exit.
    frame = learner_frame(stderr, paths)
    line = frame[1] if frame else None
    if frame is None:
        where = ""
    elif len(paths) == 1:
        where = f" at line {line}"
    else:
        where = f" at {Path(frame[0]).name}:{line}"
    if "Timeout" in stderr:
        return CheckResult(False, f"your code did not finish in {time_limit:g} s: still running{where} (an endless loop?)", line)
    if "MemoryError" in stderr:
        return CheckResult(False, f"your code ran out of memory{where}", line)
    return CheckResult(False, f"your code stopped the check{where} (exit code {child.returncode})", line)


def check_file(name: str, path: str | os.PathLike, time_limit: float = TIME_LIMIT,
               memory_limit: int = MEMORY_LIMIT) -> CheckResult:
    """Run exercise `name`'s checks on the file at `path`, in a subprocess."""
    path = str(Path(path).resolve())
    if not Path(path).is_file():
        return CheckResult(False, f"no file {path}: `tutor exercises init` creates it")
    outcome = run_child("tutor.exercises.runner", [name, path], [path], time_limit, memory_limit)
    if isinstance(outcome, CheckResult):
        return outcome
    return CheckResult(outcome["passed"], outcome["message"], outcome["line"])
