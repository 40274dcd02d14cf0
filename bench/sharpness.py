"""What the sharpness estimate costs during training, as ratios measured in one run.

    python bench/sharpness.py [--epochs N] [--every K]

For each run (the Lab's defaults on XOR 2-4-1 and circle 2-8-8-1, the same at lr 10,
where the Hessian's top eigenvector turns fastest and power iteration needs the most
products, and sine 1-16-16-1 with MSE at lr 0.2, a run at the edge of stability),
Trainer.run with sharpness_every=K (default: the Lab's, engine.sharpness.LAB_SHARPNESS_EVERY)
and a MetricsLog, as the Lab trains. Prints the time spent in the estimates divided by the
time spent on everything else, both timed inside the same run, so that the machine's
load weighs on both alike.                                                   Target <= 0.20.
Also the Hessian-vector products per estimate (mean and most) and the microseconds of an
estimate and of an epoch.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine  # noqa: E402
from engine.sharpness import LAB_SHARPNESS_EVERY  # noqa: E402

RUNS = {
    "xor 2-4-1, lr 0.5": dict(dataset="xor", layers=(2, 4, 1)),
    "circle 2-8-8-1, lr 0.5": dict(dataset="circle", layers=(2, 8, 8, 1), test_share=0.2),
    "xor 2-4-1, lr 10": dict(dataset="xor", layers=(2, 4, 1), lr=10.0),
    "circle 2-8-8-1, lr 10": dict(dataset="circle", layers=(2, 8, 8, 1), test_share=0.2, lr=10.0),
    "sine 1-16-16-1 mse, lr 0.2": dict(dataset="sine", layers=(1, 16, 16, 1), output="linear", loss="mse", lr=0.2),
}


def measure(config: engine.RunConfig, every: int) -> dict:
    """Train with the sharpness estimated every `every` epochs, timing the estimates apart."""
    net, trainer, _ = config.build()
    trainer.sharpness_every = every
    estimate, in_estimates, products = trainer._estimate_sharpness, [0.0], []

    def timed_estimate():
        started = time.perf_counter()
        value = estimate()
        in_estimates[0] += time.perf_counter() - started
        products.append(trainer.last_sharpness.iterations)
        return value

    trainer._estimate_sharpness = timed_estimate   # the hook Trainer._epoch calls
    log = engine.MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    started = time.perf_counter()
    trainer.run(config.epochs, log=log)
    total = time.perf_counter() - started
    rest = total - in_estimates[0]
    sharpness = log.column("sharpness")
    sharpness = sharpness[np.isfinite(sharpness)]
    return dict(ratio=in_estimates[0] / rest, products_mean=float(np.mean(products)),
                products_most=max(products), estimate_us=in_estimates[0] / len(products) * 1e6,
                epoch_us=rest / trainer.epoch * 1e6, last_sharpness=float(sharpness[-1]),
                limit=engine.stability_limit(config.lr))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=LAB_SHARPNESS_EVERY)
    args = parser.parse_args()
    print(f"sharpness every {args.every} epochs, {args.epochs:,} epochs a run; "
          f"load average {os.getloadavg()[0]:.1f}")
    ratios = {}
    for name, options in RUNS.items():
        result = measure(engine.RunConfig(epochs=args.epochs, **options), args.every)
        ratios[name] = result["ratio"]
        print(f"{name:28} estimates/training {result['ratio']:.3f}   products per estimate "
              f"{result['products_mean']:.1f} (most {result['products_most']})   estimate "
              f"{result['estimate_us']:.0f} µs, epoch {result['epoch_us']:.0f} µs   "
              f"last sharpness {result['last_sharpness']:.3g} (2/lr {result['limit']:.3g})")
    defaults = max(ratio for name, ratio in ratios.items() if name.endswith("lr 0.5"))
    print(f"overhead, Lab defaults (xor, circle at lr 0.5): {defaults:.3f}; every run: "
          f"{max(ratios.values()):.3f} (target <= 0.20)")


if __name__ == "__main__":
    main()
