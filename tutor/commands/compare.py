"""`tutor compare`: one run varied over activations × learning rates × seeds, side by side.

Trains every combination as one engine.compare.Comparison (a sweep: runs of the same
shapes share each NumPy call), then prints the loss curves overlaid (one colour per
group, seeds as a median line with a min–max band), the table of each run at epochs 1,
100, 10,000 and its last, and the summary per configuration and per group. --json or
--csv prints every one of those numbers instead. Progress goes to stderr.
"""
from __future__ import annotations

import shutil
import sys
import time

from tutor.commands.common import UsageError, config_from_args, usage_error

# Seconds between two progress lines on stderr.
PROGRESS_EVERY = 0.5


def run(args) -> int:
    from engine import ConfigError
    from engine.compare import Comparison, ComparisonError, default_target_loss
    from tutor import comparison_text as text

    base = config_from_args(args)
    lists = {name: split_list(f"--{name}", getattr(args, name)) for name in ("activations", "lrs", "seeds")}
    try:
        comparison = Comparison(base, **lists)
    except ComparisonError as error:
        raise UsageError(f"{option_of(error.field)}: {error.message}") from None
    except ConfigError as error:   # the data does not fit the layers, the output or the loss
        raise usage_error(error) from None
    by = args.by or text.default_grouping(comparison)
    target = default_target_loss(base.loss) if args.target_loss is None else args.target_loss

    progress = Progress(comparison, sys.stderr)
    start = time.perf_counter()
    comparison.run(should_stop=progress.update)
    seconds = time.perf_counter() - start
    progress.finish()

    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    curves = text.curves(comparison, by, points=2 * width)
    if args.json or args.csv:
        from tutor.commands.train import json_text

        data = text.export(comparison, target, by, curves)
        print(json_text(data) if args.json else text.csv_text(data), end="\n" if args.json else "")
        return 0
    labels = {k: text.group_label(key, by) for k, key in enumerate(comparison.groups(by))}
    print(text.chart_text(curves, labels, width=width, color=sys.stdout.isatty(),
                          ceiling=text.chart_ceiling(comparison)))
    print()
    print(text.table_text(comparison))
    print()
    print(f"Target loss {target:g} ({base.loss}). Per configuration, over {len(comparison.seeds)} "
          f"seed{'s' if len(comparison.seeds) > 1 else ''}:")
    print(text.summary_text(comparison, target))
    print()
    print(f"Per {'activation' if by == 'activation' else 'learning rate'}:")
    print(text.summary_text(comparison, target, by))
    print()
    epochs = sum(run.log.count for run in comparison.runs)
    print(f"{len(comparison.runs)} runs, {epochs:,} epochs in all, in {seconds:.2f} s")
    return 0


def split_list(option: str, raw: str | None) -> list[str]:
    """A comma list as its items ("" or None: no list); an empty item is an error naming the option."""
    if raw is None or not raw.strip():
        return []
    items = [item.strip() for item in raw.split(",")]
    if "" in items:
        raise UsageError(f"{option}: empty value in {raw!r}: write values like 0.1,1,10")
    return items


def option_of(field: str) -> str:
    """The option a ComparisonError's field came from."""
    return {"runs": "--activations × --lrs × --seeds"}.get(field, f"--{field.replace('_', '-')}")


class Progress:
    """should_stop for Comparison.run that never stops it, but writes the runs done and
    the epoch to stderr every PROGRESS_EVERY seconds (over itself on a terminal)."""

    def __init__(self, comparison, stream):
        self.comparison, self.stream = comparison, stream
        self.epochs = max(config.epochs for config in comparison.configs)
        self.terminal = stream.isatty()
        self.last = time.perf_counter()

    def line(self) -> str:
        epoch = max(run.log.count for run in self.comparison.runs)
        return (f"runs done {self.comparison.done}/{len(self.comparison.runs)}, "
                f"epoch {epoch:,}/{self.epochs:,}")

    def update(self) -> bool:
        now = time.perf_counter()
        if now - self.last >= PROGRESS_EVERY:
            self.last = now
            self.write(self.line())
        return False

    def finish(self) -> None:
        self.write(self.line())
        if self.terminal:
            self.stream.write("\n")

    def write(self, line: str) -> None:
        self.stream.write(f"\r{line}\x1b[K" if self.terminal else line + "\n")
        self.stream.flush()
