"""Engine speed, as ratios measured in one run on this machine.

    python bench/engine.py [--repeat N]

1. XOR 2-4-1 tanh/sigmoid, full batch, SGD, 10,000 epochs with full EpochRecords:
   engine time / a minimal hand-written NumPy loop doing the same arithmetic.  Target <= 2.0.
2. The same: PyTorch CPU (one thread) time / engine time.                       Target >= 3.
3. 64-512-512-1 on 1,797 x 64 random data, batches of 256:
   engine time / PyTorch time.                                                 Target <= 1.1.
PyTorch rows are skipped (and say so) when torch is not installed (`pip install -e '.[torch]'`).
Each timing is the best of --repeat runs, to keep out noise from the other process on the machine;
the runs of the two sides of a ratio take turns, so that a busy spell slows both.
Both sides run on one thread: PyTorch by torch.set_num_threads(1), NumPy's BLAS by the
environment variables below, which it reads when it is first imported.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import engine  # noqa: E402

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def best_of(repeat, *fns):
    """The best time of each function over `repeat` rounds, in which each runs once."""
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


# ----- 1. XOR: engine vs a bare NumPy loop ---------------------------------------

def xor_engine(epochs):
    net = engine.Network([2, 4, 1], "tanh", "sigmoid", seed=0)
    trainer = engine.Trainer(net, XOR_X, XOR_Y, loss="bce", lr=0.5)
    log = engine.MetricsLog(net.layers, len(trainer.tracked), capacity=epochs)
    trainer.run(epochs, log=log)
    return log


def xor_minimal(epochs):
    """The same arithmetic as the engine (tanh hidden, overflow-safe sigmoid output,
    BCE loss value, delta^L = a - y), nothing recorded."""
    rng = np.random.default_rng(0)
    b1_bound, b2_bound = np.sqrt(6 / 6), np.sqrt(6 / 5)
    W1 = rng.uniform(-b1_bound, b1_bound, (2, 4))
    W2 = rng.uniform(-b2_bound, b2_bound, (4, 1))
    b1, b2 = np.zeros(4), np.zeros(1)
    X, Y, n, lr = XOR_X, XOR_Y, 4, 0.5
    for _ in range(epochs):
        z1 = X @ W1 + b1
        a1 = np.tanh(z1)
        fp1 = 1 - a1 * a1
        z2 = a1 @ W2 + b2
        a2 = np.exp(-np.logaddexp(0.0, -z2))
        loss = float((np.logaddexp(0.0, z2) - Y * z2).sum(axis=1).sum() / n)
        d2 = a2 - Y
        d1 = (d2 @ W2.T) * fp1
        gb2, gb1 = d2.sum(axis=0) / n, d1.sum(axis=0) / n
        gW2, gW1 = a1.T @ d2 / n, X.T @ d1 / n
        W1 -= lr * gW1
        W2 -= lr * gW2
        b1 -= lr * gb1
        b2 -= lr * gb2
    return loss


# ----- PyTorch equivalents --------------------------------------------------------

def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def xor_torch(epochs):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    X = torch.tensor(XOR_X)
    Y = torch.tensor(XOR_Y)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        opt.step()
    return loss.item()


def big_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1797, 64))
    Y = (rng.random((1797, 1)) < 0.5).astype(np.float64)
    return X, Y


def big_engine(epochs):
    X, Y = big_data()
    net = engine.Network([64, 512, 512, 1], "relu", "sigmoid", init="he", seed=0)
    trainer = engine.Trainer(net, X, Y, loss="bce", lr=0.01, batch_size=256, seed=0)
    trainer.run(epochs)


def big_torch(epochs):
    import torch

    torch.set_num_threads(1)
    X, Y = (torch.tensor(a) for a in big_data())
    model = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                                torch.nn.ReLU(), torch.nn.Linear(512, 1)).double()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        for start in range(0, len(X), 256):
            idx = order[start:start + 256]
            opt.zero_grad()
            loss_fn(model(X[idx]), Y[idx]).backward()
            opt.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10000)
    args = parser.parse_args()

    t_engine, t_minimal = best_of(args.repeat, lambda: xor_engine(args.epochs), lambda: xor_minimal(args.epochs))
    print(f"1. XOR 2-4-1, {args.epochs} epochs: engine {t_engine:.3f} s, minimal loop {t_minimal:.3f} s, "
          f"ratio engine/minimal = {t_engine / t_minimal:.2f} (target <= 2.0)")
    if torch_available():
        t_torch, t_engine_again = best_of(args.repeat, lambda: xor_torch(args.epochs),
                                          lambda: xor_engine(args.epochs))
        print(f"2. XOR 2-4-1: PyTorch {t_torch:.3f} s, ratio PyTorch/engine = {t_torch / t_engine_again:.2f} "
              f"(target >= 3)")
        big_epochs = 3
        t_big_engine, t_big_torch = best_of(max(1, args.repeat // 2), lambda: big_engine(big_epochs),
                                            lambda: big_torch(big_epochs))
        print(f"3. 64-512-512-1, 1797x64, batch 256, {big_epochs} epochs: engine {t_big_engine:.3f} s, "
              f"PyTorch {t_big_torch:.3f} s, ratio engine/PyTorch = {t_big_engine / t_big_torch:.2f} "
              f"(target <= 1.1)")
    else:
        print("2, 3. skipped: PyTorch is not installed (pip install -e '.[torch]')")


if __name__ == "__main__":
    main()
