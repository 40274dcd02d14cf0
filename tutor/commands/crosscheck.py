"""`tutor crosscheck [run options] [--steps N] [--speed]`: the engine beside PyTorch.

Prints the agreement table of tutor/framework/crosscheck.py (exit 0 when every quantity
agrees to 1e-10 relative, 1 when one does not, naming the first), or with --speed the
timings of tutor/framework/speed.py. Without PyTorch: how to install it, exit 2.
"""
from __future__ import annotations

import sys

from tutor.commands.common import UsageError, build_run, config_from_args, usage_error

MAX_STEPS = 100_000


def run(args) -> int:
    from tutor.framework.twin import NotCarried, TorchMissing, require_torch

    config = config_from_args(args)
    steps = _steps(args.steps)
    try:
        require_torch()
    except TorchMissing as error:
        print(f"tutor crosscheck: {error}", file=sys.stderr)
        return 2
    if args.speed:
        from tutor.framework.speed import speed_comparison, speed_text

        timings = speed_comparison(progress=lambda line: print(line, file=sys.stderr, flush=True))
        print(speed_text(timings))
        return 0
    build_run(config)   # a dataset that does not fit the layers: one line naming the option
    from tutor.framework.crosscheck import crosscheck, report_text

    try:
        report = crosscheck(config, steps)
    except NotCarried as error:
        raise usage_error(error) from None
    print(report_text(report))
    return 0 if report.agrees else 1


def _steps(text: str) -> int:
    try:
        steps = int(text)
    except ValueError:
        raise UsageError(f"--steps: expected a whole number, got {text!r}") from None
    if not 1 <= steps <= MAX_STEPS:
        raise UsageError(f"--steps: must be at least 1 and at most {MAX_STEPS:,}, got {steps}")
    return steps
