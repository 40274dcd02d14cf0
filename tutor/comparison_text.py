"""A comparison (engine.compare.Comparison) as text: its loss curves, table and summary.

`tutor compare` prints these; the Compare screen shows the same cells and curves, so
that both say the same thing in the same words. Nothing here imports Textual.

- curves(comparison, by, points): per configuration (activation × lr), the median of
  its seeds' training loss and the band between the lowest and highest, cut to about
  `points` x positions, coloured by its group (`by`: the activation or the lr);
- chart_text(curves, ...): those curves overlaid on one plotext chart, log10 of the loss;
- table_columns / table_cells / table_text: each run at epochs 1, 100, 10,000 and its last;
- summary_columns / summary_cells / summary_text: per configuration, or per group;
- export(...): every number shown, as one dict (JSON) or rows (CSV).
"""
from __future__ import annotations

import csv
import io
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from engine.compare import Comparison, SummaryRow, TableRow

# The groups' colours, as plotext names them (the Lab's series colours, in its order).
GROUP_COLORS = ("blue+", "orange+", "green+", "magenta+", "cyan+", "red+")


def group_color(k: int) -> str:
    return GROUP_COLORS[k % len(GROUP_COLORS)]


def default_grouping(comparison: Comparison) -> str:
    """Group by activation when several are compared, else by learning rate when several are."""
    return "lr" if len(comparison.activations) == 1 and len(comparison.lrs) > 1 else "activation"


def number(value: float | None, digits: int = 4) -> str:
    """A number as the tables show it: 4 significant digits; "" for none; inf and nan as such."""
    if value is None:
        return ""
    return f"{value:.{digits}g}"


def lr_text(lr: float) -> str:
    from engine.config import typed

    return typed(lr)


def group_label(key, by: str) -> str:
    """A group as the legend and the summary name it: "tanh", or "lr 0.1"."""
    return f"lr {lr_text(key)}" if by == "lr" else str(key)


def configuration_label(activation: str, lr: float) -> str:
    return f"{activation} lr {lr_text(lr)}"


# ----- curves --------------------------------------------------------------------

@dataclass(frozen=True)
class Curve:
    """One configuration's training loss over its seeds: at each epoch of `epochs`, the
    median of the seeds' losses, and the lowest and highest loss of any seed in the
    stretch of epochs that point stands for (so an oscillation shows as a band).
    A seed whose run ended (or diverged) before an epoch has no part in it."""

    label: str                  # "tanh lr 0.1"
    group: int                  # the group's position in comparison.groups(by): its colour
    runs: tuple[int, ...]       # the runs (seeds) it summarises
    epochs: np.ndarray
    median: np.ndarray          # NaN where no seed had a finite loss
    low: np.ndarray
    high: np.ndarray


def curves(comparison: Comparison, by: str, points: int = 200) -> list[Curve]:
    """Every configuration's curve, in the runs' order, cut to at most about `points`
    epochs (buckets of equal length; each point stands for its bucket)."""
    keys = list(comparison.groups(by))
    configurations: dict[tuple, list[int]] = {}
    for index, config in enumerate(comparison.configs):
        configurations.setdefault((config.activation, config.lr), []).append(index)
    # Read once: the runs may go on training meanwhile (the Compare screen reads them live).
    losses = [run.log.column("loss") for run in comparison.runs]
    longest = max((len(loss) for loss in losses), default=0)
    result = []
    for (activation, lr), indices in configurations.items():
        epochs, median, low, high = _bucketed([losses[i] for i in indices], longest, points)
        key = activation if by == "activation" else lr
        result.append(Curve(configuration_label(activation, lr), keys.index(key), tuple(indices),
                            epochs, median, low, high))
    return result


def _bucketed(losses: list[np.ndarray], longest: int, points: int):
    """(epochs, median, low, high) over buckets of equal length of the epochs 1..longest:
    per bucket, the median over runs of each run's mean loss in it, and the lowest and
    highest loss of any run in it. Non-finite losses are left out."""
    if longest == 0:
        empty = np.empty(0)
        return empty, empty, empty, empty
    width = max(1, -(-longest // max(1, points)))      # epochs per bucket
    buckets = -(-longest // width)
    table = np.full((len(losses), buckets * width), np.nan)
    for row, loss in zip(table, losses):
        row[:len(loss)] = loss
    table[~np.isfinite(table)] = np.nan
    table = table.reshape(len(losses), buckets, width)
    with warnings.catch_warnings():   # a bucket where no run has a loss is NaN, as meant
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(table, axis=2)               # (runs, buckets)
        median = np.nanmedian(means, axis=0)
        low = np.nanmin(table, axis=(0, 2))
        high = np.nanmax(table, axis=(0, 2))
    epochs = np.minimum(np.arange(buckets) * width + (width + 1) / 2, longest)   # each bucket's middle
    return epochs, median, low, high


def chart_ceiling(comparison: Comparison) -> float:
    """The highest loss a chart shows: 10 times the highest loss of epoch 1 (a run above
    that counts as diverging, engine.training.DIVERGING_FACTOR). A diverging run would
    otherwise stretch the axis to 10^300 and flatten every other curve; it runs along
    the top edge instead."""
    from engine.training import DIVERGING_FACTOR

    firsts = [run.log.column("loss")[0] for run in comparison.runs if run.log.count]
    firsts = [loss for loss in firsts if math.isfinite(loss) and loss > 0]
    return DIVERGING_FACTOR * max(firsts) if firsts else math.inf


def chart_text(chart_curves: list[Curve], labels: dict[int, str], width: int = 100, height: int = 18,
               color: bool = True, ceiling: float = math.inf,
               title: str = "training loss (log10): median of the seeds, band lowest to highest") -> str:
    """The curves on one plotext chart: log10 of the loss, at most `ceiling` (higher
    values are drawn on it); each band as dots, each median as a line over it, in its
    group's colour; then a legend line naming the groups (`labels`: group position ->
    label). color=False: plain text (for a pipe).

    The lines are drawn with NumPy (tutor/widgets/braille.py, as the Lab's charts draw
    theirs) into plotext's built matrix: plotext draws every dot in Python, and 20
    curves of 200 points were most of the time `tutor compare` took beyond training."""
    import plotext as plt
    from plotext import _core

    from tutor.series import epoch_ticks
    from tutor.widgets.braille import LineRaster

    top = math.log10(ceiling) if 0 < ceiling < math.inf else math.inf
    lines = []
    for curve in chart_curves:
        keep = np.isfinite(curve.median) & (curve.median > 0)
        if keep.any():
            lines.append((curve.epochs[keep], np.minimum(np.log10(curve.median[keep]), top), group_color(curve.group)))
    bands = [_band_dots(curve, top) for curve in chart_curves]
    xs = np.concatenate([np.array([1.0])] + [x for x, _, _ in lines] + [x for x, _ in bands])
    ys = np.concatenate([np.array([0.0])] + [y for _, y, _ in lines] + [y for _, y in bands])
    plt.clear_figure()
    plt.plot_size(width, height)
    grid = (float(xs.max()), width, float(ys.min()), float(ys.max()), height)
    for curve, (x, y) in zip(chart_curves, bands):   # the bands first, so the medians are drawn over them
        x, y = _one_dot_per_cell(x, y, grid)
        if len(x):
            plt.scatter(x.tolist(), y.tolist(), marker="·", color=group_color(curve.group))
    # Two invisible points at the corners, so that plotext sets the limits the lines need.
    plt.scatter([1.0, grid[0]], [grid[2], grid[3]], marker=" ", color="default")
    plt.xticks(*epoch_ticks(grid[0]))
    plt.title(title)
    plt.xlabel("epoch")
    figure = _core._figure
    figure._set_sizes()
    figure._build_matrix()
    matrix = figure.monitor.matrix
    raster = LineRaster(len(matrix.Cols_canvas), len(matrix.Rows_canvas))
    for x, y, line_color in lines:
        raster.line(x, y, figure.monitor.xlim[0], figure.monitor.ylim[0], line_color)
    raster.paint(matrix)
    matrix.set_canvas()
    chart = matrix.get_canvas()
    legend = "  ".join(plt.colorize(f"━ {labels[k]}", group_color(k)) for k in sorted(labels))
    text = f"{chart.rstrip()}\n{legend}"
    return text if color else plt.uncolorize(text)


def _band_dots(curve: Curve, top: float) -> tuple[np.ndarray, np.ndarray]:
    """The band between low and high (log10, at most `top`) as points: each epoch
    position's low and high, and (for _one_dot_per_cell to fill) the cells between."""
    keep = np.isfinite(curve.low) & np.isfinite(curve.high) & (curve.low > 0)
    low, high = np.minimum(np.log10(curve.low[keep]), top), np.minimum(np.log10(curve.high[keep]), top)
    return np.concatenate([curve.epochs[keep], curve.epochs[keep]]), np.concatenate([low, high])


def _one_dot_per_cell(x: np.ndarray, y: np.ndarray, grid) -> tuple[np.ndarray, np.ndarray]:
    """The band's points (each x twice: low, then high) as one dot per character cell
    it covers (grid: x from 1 to last over `width` columns, y from bottom to ceiling over
    `height` rows), not one per point: plotext draws each dot in Python."""
    if len(x) == 0:
        return x, y
    last, width, bottom, ceiling, height = grid
    half = len(x) // 2
    x_cell = max(last - 1.0, 1.0) / width
    y_cell = max(ceiling - bottom, 1e-9) / height
    columns = np.round((x[:half] - 1.0) / x_cell).astype(int)
    lows = np.floor((y[:half] - bottom) / y_cell).astype(int)
    highs = np.ceil((y[half:] - bottom) / y_cell).astype(int)
    cells = {(column, row) for column, lo, hi in zip(columns.tolist(), lows.tolist(), highs.tolist())
             for row in range(lo, hi + 1)}
    columns, rows = np.array(sorted(cells)).T
    return 1.0 + columns * x_cell, np.clip(bottom + rows * y_cell, y.min(), y.max())


# ----- the table -----------------------------------------------------------------

def table_columns(comparison: Comparison) -> list[str]:
    """The table's column titles (layers counted from 1, as in the book)."""
    layers = len(comparison.base.layers) - 1
    columns = ["activation", "lr", "seed", "epoch", "loss"]
    if comparison.classify:
        columns.append("accuracy")
    if comparison.has_test:
        columns.append("test loss")
        if comparison.classify:
            columns.append("test accuracy")
    columns += [f"mean|δ{l}|" for l in range(1, layers + 1)]
    columns += [f"‖W{l}‖" for l in range(1, layers + 1)]
    return columns + ["note"]


def table_cells(comparison: Comparison, row: TableRow) -> list[str]:
    """One table row's cells, in the order of table_columns()."""
    cells = [row.activation, lr_text(row.lr), str(row.seed), f"{row.epoch:,}", number(row.loss)]
    if comparison.classify:
        cells.append(number(row.accuracy, 3))
    if comparison.has_test:
        cells.append(number(row.test_loss))
        if comparison.classify:
            cells.append(number(row.test_accuracy, 3))
    cells += [number(value) for value in row.delta_means]
    cells += [number(value) for value in row.weight_norms]
    return cells + [run_note(comparison, row.run) if row.epoch == comparison.runs[row.run].log.count else ""]


def run_note(comparison: Comparison, index: int) -> str:
    """What went wrong with a run, in a few words: "diverged at epoch 37", "diverging"."""
    run = comparison.runs[index]
    if run.diverged_at is not None:
        return f"diverged at epoch {run.diverged_at:,}"
    if run.divergence():
        return f"diverging since epoch {run.rising_since:,}"
    return ""


def table_text(comparison: Comparison, rows: list[TableRow] | None = None) -> str:
    rows = comparison.table() if rows is None else rows
    lines = [table_columns(comparison)] + [table_cells(comparison, row) for row in rows]
    if not any(line[-1] for line in lines[1:]):   # no run went wrong: no note column
        lines = [line[:-1] for line in lines]
    return aligned(lines, left=("activation", "note"))


# ----- the summary ---------------------------------------------------------------

def summary_columns(comparison: Comparison, by: str | None = None) -> list[str]:
    """The summary's column titles: per configuration (by None), or per group."""
    first = ["activation", "lr"] if by is None else [by]
    columns = first + ["runs", "reached target", "epochs to target", "final loss", "min–max"]
    if comparison.has_test:
        columns += ["final test loss", "test min–max"]
    return columns + ["diverged"]


def summary_cells(comparison: Comparison, row: SummaryRow, by: str | None = None) -> list[str]:
    if by is None:
        cells = [row.activation, lr_text(row.lr)]
    else:
        cells = [row.activation if by == "activation" else lr_text(row.lr)]
    cells += [str(row.runs), f"{row.reached}/{row.runs} ({row.reached_share:.0%})",
              "—" if row.epochs_to_target is None else f"{row.epochs_to_target:,.0f}",
              number(row.final_loss.median), f"{number(row.final_loss.low)}–{number(row.final_loss.high)}"]
    if comparison.has_test:
        spread = row.final_test_loss
        cells += [number(spread.median), f"{number(spread.low)}–{number(spread.high)}"]
    return cells + [str(row.diverged)]


def summary_text(comparison: Comparison, target_loss: float, by: str | None = None,
                 rows: list[SummaryRow] | None = None) -> str:
    rows = comparison.summary(target_loss, by) if rows is None else rows
    return aligned([summary_columns(comparison, by)] + [summary_cells(comparison, row, by) for row in rows],
                   left=("activation",))


def aligned(lines: list[list[str]], left=()) -> str:
    """Rows of cells as columns two spaces apart: numbers to the right, the columns
    named in `left` (from the first row, the titles) to the left."""
    widths = [max(len(line[c]) for line in lines) for c in range(len(lines[0]))]
    to_left = [title in left for title in lines[0]]
    return "\n".join("  ".join(cell.ljust(w) if is_left else cell.rjust(w)
                               for cell, w, is_left in zip(line, widths, to_left)).rstrip()
                     for line in lines)


# ----- export --------------------------------------------------------------------

def export(comparison: Comparison, target_loss: float, by: str, chart_curves: list[Curve]) -> dict:
    """Every number the text shows, as plain data (inf and NaN left as floats: the
    caller's JSON writes them as null)."""
    base = comparison.base.to_dict()
    for name in ("activation", "lr", "seed"):
        base.pop(name)
    runs = []
    for index, run in enumerate(comparison.runs):
        runs.append(dict(activation=run.config.activation, lr=run.config.lr, seed=run.config.seed,
                         epochs_run=run.log.count, diverged_at=run.diverged_at, diverging=run.divergence(),
                         epochs_to_target=comparison.epochs_to_target(index, target_loss)))
    labels = {k: group_label(key, by) for k, key in enumerate(comparison.groups(by))}
    return {
        "base": base,
        "activations": list(comparison.activations), "lrs": list(comparison.lrs),
        "seeds": list(comparison.seeds), "by": by, "target_loss": target_loss,
        "runs": runs,
        "table": [_table_dict(row) for row in comparison.table()],
        "summary": [_summary_dict(row) for row in comparison.summary(target_loss)],
        "groups": [_summary_dict(row) for row in comparison.summary(target_loss, by)],
        "curves": [dict(label=curve.label, group=labels[curve.group], epochs=curve.epochs.tolist(),
                        median=curve.median.tolist(), low=curve.low.tolist(), high=curve.high.tolist())
                   for curve in chart_curves],
    }


def _table_dict(row: TableRow) -> dict:
    return dict(activation=row.activation, lr=row.lr, seed=row.seed, epoch=row.epoch, loss=row.loss,
                accuracy=row.accuracy, test_loss=row.test_loss, test_accuracy=row.test_accuracy,
                mean_abs_delta=list(row.delta_means), weight_norms=list(row.weight_norms),
                diverged_at=row.diverged_at)


def _summary_dict(row: SummaryRow) -> dict:
    def spread(s):
        return None if s is None else dict(median=s.median, min=s.low, max=s.high)

    return dict(activation=row.activation, lr=row.lr, runs=row.runs, reached=row.reached,
                reached_share=row.reached_share, epochs_to_target=row.epochs_to_target,
                final_loss=spread(row.final_loss), final_test_loss=spread(row.final_test_loss),
                diverged=row.diverged)


CSV_COLUMNS = ("section", "activation", "lr", "seed", "epoch", "loss", "accuracy", "test_loss",
               "test_accuracy", "mean_abs_delta", "weight_norms", "diverged_at", "runs", "reached",
               "reached_share", "epochs_to_target", "final_loss_median", "final_loss_min",
               "final_loss_max", "final_test_loss_median", "final_test_loss_min", "final_test_loss_max",
               "diverged", "group", "curve_median", "curve_min", "curve_max")


def csv_text(data: dict) -> str:
    """export()'s numbers as one CSV: a `section` column says which ("table", "summary"
    per configuration, "group", "curve": a point of a chart's curve, its epoch and the
    seeds' median, min and max loss there); per-layer values are one cell each
    (mean_abs_delta_1, ...); an empty cell is a value that does not apply."""
    layers = len(data["table"][0]["mean_abs_delta"]) if data["table"] else 0
    columns = []
    for name in CSV_COLUMNS:
        if name in ("mean_abs_delta", "weight_norms"):
            columns += [f"{name}_{l}" for l in range(1, layers + 1)]
        else:
            columns.append(name)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in data["table"]:
        flat = {key: value for key, value in row.items() if key not in ("mean_abs_delta", "weight_norms")}
        for name in ("mean_abs_delta", "weight_norms"):
            flat.update({f"{name}_{l}": value for l, value in enumerate(row[name], start=1)})
        writer.writerow(_cells(dict(section="table", **flat)))
    for section, rows in (("summary", data["summary"]), ("group", data["groups"])):
        for row in rows:
            flat = {key: value for key, value in row.items() if key not in ("final_loss", "final_test_loss")}
            for name in ("final_loss", "final_test_loss"):
                for part in ("median", "min", "max"):
                    flat[f"{name}_{part}"] = None if row[name] is None else row[name][part]
            writer.writerow(_cells(dict(section=section, **flat)))
    for curve in data["curves"]:
        activation, _, lr = curve["label"].partition(" lr ")
        for point in zip(curve["epochs"], curve["median"], curve["low"], curve["high"]):
            writer.writerow(_cells(dict(zip(("epoch", "curve_median", "curve_min", "curve_max"), point),
                                        section="curve", activation=activation, lr=float(lr),
                                        group=curve["group"])))
    return out.getvalue()


def _cells(row: dict) -> dict:
    """None as an empty cell; floats in full (repr), inf and nan as such."""
    return {key: "" if value is None else (repr(value) if isinstance(value, float) else value)
            for key, value in row.items()}

