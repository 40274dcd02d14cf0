"""The learner's subprocess: `python -m tutor.exercises.runner NAME PATH`.

Loads the learner's file and runs the exercise's checks on it; prints one result
line (RESULT_MARKER + JSON: passed, message, line) last on stdout. The parent
(checker.py) sets the memory and CPU limits; this side arms faulthandler so that
a loop that never ends is reported with the learner's line before the time runs out.
"""
from __future__ import annotations

import faulthandler
import json
import sys
import types

RESULT_MARKER = "@@nn-tutor-exercise-result@@ "


class NotUtf8(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


def load(path: str) -> types.ModuleType:
    """The learner's file as a module (its __file__ is `path`, so tracebacks name it)."""
    with open(path, "rb") as file:
        data = file.read()
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise NotUtf8(f"your file is not UTF-8 text (line {line}); save it as UTF-8", line) from None
    code = compile(source, path, "exec")  # SyntaxError carries lineno
    module = types.ModuleType("learner")
    module.__file__ = path
    exec(code, module.__dict__)
    return module


def result(passed: bool, message: str = "", line: int | None = None) -> dict:
    return {"passed": passed, "message": message, "line": line}


def load_learner(path: str) -> types.ModuleType:
    """load(path), with whatever stops it (a syntax error, a crash, the memory limit,
    bytes that are not UTF-8) as a Failure naming the learner's line."""
    from tutor.exercises.checks import learner_line, memory_limit_text
    from tutor.exercises.model import Failure

    try:
        return load(path)
    except SyntaxError as error:
        raise Failure(f"syntax error at line {error.lineno}: {error.msg}", error.lineno) from None
    except MemoryError as error:
        line = learner_line(error, path)
        raise Failure(f"ran out of memory at line {line} while loading your file{memory_limit_text()}", line) from None
    except NotUtf8 as error:
        raise Failure(error.message, error.line) from None
    except Exception as error:
        line = learner_line(error, path)
        raise Failure(f"your file raised {type(error).__name__} at line {line} when loaded: {error}", line) from None


def run(name: str, path: str) -> dict:
    from tutor.exercises import by_name
    from tutor.exercises.checks import learner_line, memory_limit_text
    from tutor.exercises.model import Failure

    exercise = by_name(name)
    try:
        learner = load_learner(path)
    except Failure as failure:
        return result(False, failure.message, failure.line)
    try:
        exercise.check(learner)
    except Failure as failure:
        return result(False, failure.message, failure.line)
    except MemoryError as error:
        line = learner_line(error, path)
        return result(False, f"ran out of memory at line {line}{memory_limit_text()}", line)
    return result(True, f"{exercise.name}: all checks pass")


def reported(seconds: float, work) -> int:
    """work()'s result printed as the parent reads it (RESULT_MARKER + JSON, last).
    Past `seconds`, every thread's stack (the learner's line among them) is dumped and
    the process exits, before the parent's deadline: the parent reads the line from stderr."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    outcome = work()
    faulthandler.cancel_dump_traceback_later()
    sys.stdout.write("\n" + RESULT_MARKER + json.dumps(outcome) + "\n")
    sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    name, path, seconds = argv[0], argv[1], float(argv[2])
    return reported(seconds, lambda: run(name, path))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
