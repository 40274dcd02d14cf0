""""Use my code" speed: the Lab's default run (XOR 2-4-1, tanh, BCE) compared over
MYCODE_EPOCHS epochs with the reference solutions must take a few seconds at most.

    python bench/mycode.py [--repeat N]

Times tutor.exercises.mycode.compare (the learner's subprocess with NumPy's import, its
training step by step beside the engine's, and the engine's Trainer.run in this process)
--repeat times, and the engine's Trainer.run alone for the same epochs; prints the best
and worst time, the ratio to the engine alone, and PASS/FAIL against LIMIT.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine  # noqa: E402
from tutor.exercises import exercises  # noqa: E402
from tutor.exercises.mycode import MYCODE_EPOCHS, compare  # noqa: E402

LIMIT = 3.0  # seconds: "a few seconds at most" for the Lab's default run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = engine.RunConfig()
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        for exercise in exercises():
            (workspace / exercise.filename).write_text(exercise.solution, encoding="utf-8")
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            verdict = compare(config, workspace)
            times.append(time.perf_counter() - started)
            assert verdict.agrees, verdict.text
    started = time.perf_counter()
    config.build()[1].run(MYCODE_EPOCHS)
    alone = time.perf_counter() - started
    print(f"use my code, {config.dataset} {config.layers} over {MYCODE_EPOCHS:,} epochs: best {min(times):.2f} s, "
          f"worst {max(times):.2f} s; the engine alone {alone:.3f} s (ratio {min(times) / alone:.0f})")
    ok = max(times) <= LIMIT
    print(f"{'PASS' if ok else 'FAIL'}: worst {max(times):.2f} s against {LIMIT:g} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
