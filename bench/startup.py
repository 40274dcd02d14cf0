"""How fast `tutor` starts: `tutor --help`, the first frame of the app, the lessons listed.

    python bench/startup.py [--runs N]

Each measurement is a fresh process (imports are what cost), timed from just
before the process is spawned:

- `tutor --help`: until the process exits (budget 0.3 s);
- first frame: until the app has drawn its first screen, the course map (budget 0.8 s);
- lessons listed: until the course loader's worker has filled in the map.

The app runs headless (no terminal needed) with the real lessons and a throwaway
progress store. Prints the median and the fastest of N runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HELP_BUDGET = 0.3
FIRST_FRAME_BUDGET = 0.8

# Runs in the child: the real `tutor` code path (cli.main -> commands.app -> TutorApp),
# with the app made headless and reporting when its first frame and the lessons are drawn.
CHILD = r"""
import sys, time
import tutor.app

class Timed(tutor.app.TutorApp):
    def run(self, **kwargs):
        return super().run(headless=True, **kwargs)

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._first_frame)
        self.watch(self, "course", self._lessons_listed, init=False)

    def _first_frame(self):
        print("first_frame", time.time(), flush=True)

    def _lessons_listed(self, course):
        self.call_after_refresh(self._listed)

    def _listed(self):
        print("lessons_listed", time.time(), flush=True)
        self.exit()

tutor.app.TutorApp = Timed
from tutor.cli import main
main([])
"""


def time_help() -> float:
    start = time.time()
    subprocess.run([sys.executable, "-m", "tutor", "--help"], check=True, stdout=subprocess.DEVNULL)
    return time.time() - start


def time_app(data_dir: str) -> tuple[float, float]:
    env = dict(os.environ, NN_TUTOR_DATA_DIR=data_dir)
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD], check=True, capture_output=True, text=True,
                         env=env, timeout=60).stdout
    stamps = dict(line.split() for line in out.splitlines() if line.split()[:1] in (["first_frame"],
                                                                                  ["lessons_listed"]))
    return float(stamps["first_frame"]) - start, float(stamps["lessons_listed"]) - start


def report(name: str, times: list[float], budget: float | None) -> None:
    line = f"{name:16s} median {statistics.median(times):.3f} s   fastest {min(times):.3f} s"
    if budget is not None:
        line += f"   budget {budget} s: {'ok' if statistics.median(times) <= budget else 'OVER'}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    time_help()  # warm the file cache and the bytecode
    helps = [time_help() for _ in range(runs)]
    with tempfile.TemporaryDirectory() as data_dir:
        time_app(data_dir)
        frames, listed = zip(*(time_app(data_dir) for _ in range(runs)))
    print(f"{runs} runs each, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    report("tutor --help", helps, HELP_BUDGET)
    report("first frame", list(frames), FIRST_FRAME_BUDGET)
    report("lessons listed", list(listed), None)


if __name__ == "__main__":
    main()
