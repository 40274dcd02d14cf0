"""Sweep speed (engine/sweep.py): many runs trained together, against one run alone,
as whole processes (start-up, imports, data, training), ratios measured in one run.

    python bench/compare.py [--repeat N] [--epochs E]

1. The 60-run example of `tutor compare` (xor 2-4-1; sigmoid, tanh, relu, leaky_relu,
   rrelu × lr 0.01, 0.1, 1, 10 × seeds 0, 1, 2; 10,000 epochs): the whole `tutor compare`
   command (training, chart, table, summary) / one `tutor train` run of the same 10,000
   epochs.                                                                  Target <= 4.
   Also the sweep alone in a bare process (engine.sweep, no CLI) against `tutor train` and
   against one run of the engine alone in the same kind of process, and for 5 runs (the
   activations at lr 1, seed 0) and 20 (the activations × the lrs, seed 0).
   And the sharpness (Sweep(sharpness_every=k), every run's estimate every k epochs, for
   Compare's chart against 2/η): the 60-run sweep with k = 100 and k = 1,000 / without.
2. A spiral sweep, 2-16-16-1 (200 points, full batch; the five activations × lr 0.1,
   1 × seeds 0, 1: 20 runs, 2,000 epochs) / one run of it, and / the same 20 runs
   trained one by one with Trainer (a net this size is bound by arithmetic, not by
   NumPy's overhead per call, so stacking gains little here).
Peak memory (maximum resident set) of each process, from the kernel's account of it.
Each time is the best of --repeat; the processes of a ratio take turns, so that a busy
spell slows both sides.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "rrelu")
ONE_THREAD = {variable: "1" for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def sweep_settings(name: str, epochs: int) -> list[dict]:
    """The runs of a named sweep, as RunConfig fields."""
    xor = dict(dataset="xor", layers=(2, 4, 1), epochs=epochs)
    spiral = dict(dataset="spiral", layers=(2, 16, 16, 1), epochs=epochs // 5)
    grids = {
        "xor5": (xor, ACTIVATIONS, (1.0,), (0,)),
        "xor20": (xor, ACTIVATIONS, (0.01, 0.1, 1.0, 10.0), (0,)),
        "xor60": (xor, ACTIVATIONS, (0.01, 0.1, 1.0, 10.0), (0, 1, 2)),
        "xor60-sharpness100": (xor, ACTIVATIONS, (0.01, 0.1, 1.0, 10.0), (0, 1, 2)),
        "xor60-sharpness1000": (xor, ACTIVATIONS, (0.01, 0.1, 1.0, 10.0), (0, 1, 2)),
        "xor1": (xor, ("tanh",), (0.5,), (0,)),
        "spiral20": (spiral, ACTIVATIONS, (0.1, 1.0), (0, 1)),
        "spiral1": (spiral, ("tanh",), (0.1,), (0,)),
    }
    base, activations, lrs, seeds = grids[name]
    return [dict(base, activation=a, lr=lr, seed=s) for a in activations for lr in lrs for s in seeds]


def child(name: str, epochs: int) -> None:
    """Train a named sweep in this process: with engine.sweep, or for one run, Trainer.run
    with a MetricsLog, as `tutor train` does."""
    sys.path.insert(0, str(ROOT))
    import engine
    from engine.sweep import Sweep

    one_by_one = name.endswith("-one-by-one")
    configs = [engine.RunConfig(**settings) for settings in sweep_settings(name.removesuffix("-one-by-one"), epochs)]
    if len(configs) == 1 or one_by_one:
        for config in configs:
            net, trainer, _ = config.build()
            trainer.run(config.epochs, log=engine.MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs))
    else:
        every = int(name.split("sharpness")[1]) if "sharpness" in name else None
        Sweep(configs, sharpness_every=every).run()


def timed(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of a whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **ONE_THREAD}, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024   # ru_maxrss is in kB on Linux


def best_of(repeat: int, commands: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """Each command's best time (and its peak memory), the commands taking turns."""
    best = {name: (float("inf"), 0.0) for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            seconds, megabytes = timed(command)
            best[name] = (min(best[name][0], seconds), max(best[name][1], megabytes))
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.epochs)
        return

    python, epochs = sys.executable, str(args.epochs)
    tutor = str(Path(python).parent / "tutor")
    commands = {"tutor train": [tutor, "train", "--dataset", "xor", "--layers", "2,4,1", "--epochs", epochs],
                "tutor compare": [tutor, "compare", "--dataset", "xor", "--layers", "2,4,1", "--activations",
                                  ",".join(ACTIVATIONS), "--lrs", "0.01,0.1,1,10", "--seeds", "0,1,2",
                                  "--epochs", epochs]}
    for name in ("xor1", "xor5", "xor20", "xor60", "xor60-sharpness100", "xor60-sharpness1000",
                 "spiral1", "spiral20", "spiral20-one-by-one"):
        commands[name] = [python, __file__, "--child", name, "--epochs", epochs]
    best = best_of(args.repeat, commands)
    for name, (seconds, megabytes) in best.items():
        print(f"   {name:20s} {seconds:6.2f} s   peak memory {megabytes:6.1f} MB")

    train, single = best["tutor train"][0], best["xor1"][0]
    print(f"1. xor 2-4-1, {args.epochs:,} epochs: `tutor compare` of 60 runs / one `tutor train` run = "
          f"{best['tutor compare'][0] / train:.2f} (target <= 4); the sweep alone {best['xor60'][0] / train:.2f}; "
          f"/ one engine run = {best['xor60'][0] / single:.2f}; "
          f"5 runs {best['xor5'][0] / train:.2f} and 20 runs {best['xor20'][0] / train:.2f} of `tutor train` "
          f"({best['xor5'][0] / single:.2f} and {best['xor20'][0] / single:.2f} of one engine run)")
    print(f"   sharpness every 100 epochs: the 60-run sweep takes {best['xor60-sharpness100'][0] / best['xor60'][0]:.2f}x "
          f"its time without; every 1,000: {best['xor60-sharpness1000'][0] / best['xor60'][0]:.2f}x")
    print(f"2. spiral 2-16-16-1, {args.epochs // 5:,} epochs: 20 runs / one run = "
          f"{best['spiral20'][0] / best['spiral1'][0]:.2f}; / the 20 runs one by one with Trainer = "
          f"{best['spiral20'][0] / best['spiral20-one-by-one'][0]:.2f}")


if __name__ == "__main__":
    main()
