"""The Lab's live charts: PlotextPlot widgets that redraw only when their data changed.

Every chart follows one pattern. The screen calls `pull(...)` a few times a second;
the chart folds new epochs into its Envelopes (see series.py) and, if anything
changed, marks itself stale and asks Textual to repaint. `render()` rebuilds the
figure only when the data, the size or the theme changed since the last build;
otherwise it returns the text it built before. A build has plotext draw the frame,
ticks and marks, and draws the lines itself (`lines()`, rasterised with NumPy by
braille.py into plotext's matrix: plotext's per-dot Python was most of a build). The cost of a build is
recorded in `build_seconds`, so that the screen can slow its refresh down when
drawing takes too much of the UI's time.

Losses and deltas span orders of magnitude, so they can be drawn as log10 of the
value on a linear axis (plotext's own log scale misbehaves when a figure is built
repeatedly).
"""
from __future__ import annotations

import math
import os
import time

import numpy as np
import plotext._utility as plotext_utility
from rich.style import Style
from rich.text import Span, Text
from textual.content import Content
from textual_plotext import PlotextPlot

import engine
from tutor.widgets.braille import LineRaster
from tutor.series import Envelope, epoch_ticks

# Series colours, as plotext names them and as Textual does (the same ANSI colours,
# so that a 16-colour terminal shows the legend in the colours of the lines).
SERIES_COLORS = (("blue+", "ansi_bright_blue"), ("orange+", "ansi_bright_yellow"),
                 ("green+", "ansi_bright_green"), ("magenta+", "ansi_bright_magenta"),
                 ("cyan+", "ansi_bright_cyan"), ("red+", "ansi_bright_red"))
TRAIN, TEST = 0, 1     # indices into SERIES_COLORS
# Braille: 2x4 dots per character cell, the finest lines a terminal can draw. The Linux
# console's font has no braille, so there the lines are drawn with plain dots.
MARKER = "dot" if os.environ.get("TERM") == "linux" else "braille"


def plot_color(k: int) -> str:
    return SERIES_COLORS[k % len(SERIES_COLORS)][0]


def band_color(k: int) -> str:
    """The plain (not bright) version of series k's colour: its band, behind its line."""
    return plot_color(k).rstrip("+")


def legend(labels: list[str], width: int) -> Content:
    """The series' names, each after a mark in its line's colour ('━ train ━ test'),
    within `width`: closer together if need be, then without the last entries
    ('+2' says how many), never cut inside an entry or without its mark."""
    def assemble(count: int, gap: str) -> Content:
        parts: list = []
        for k, label in enumerate(labels[:count]):
            color = SERIES_COLORS[k % len(SERIES_COLORS)][1]
            parts += [" " if parts else "", (f"━{gap}{label}", color)]
        if count < len(labels):
            parts.append(f" +{len(labels) - count}")
        return Content.assemble(*parts)

    for count in range(len(labels), 0, -1):
        for gap in (" ", ""):
            content = assemble(count, gap)
            if content.cell_length <= width:
                return content
    return assemble(1, "").truncate(width, ellipsis=True) if labels else Content("")


def figure_text(plt) -> Text:
    """The figure as Rich Text: plotext's two build steps, then matrix_text.

    Equal to Text.from_ansi(plt.build()) (a test checks it), at a fraction of the
    cost. Uses plotext's own build steps and matrix (plotext 5.x), as textual-plotext does.
    """
    plt._set_sizes()
    plt._build_matrix()
    return matrix_text(plt.monitor.matrix)


# plotext places a value v at row (rows - 1)·(v - low)/(high - low), which overflows
# once v - low passes about 1e306; the last losses and weights of a diverging run get
# there. Values beyond ±LARGEST are drawn at ±LARGEST.
LARGEST = 1e300


def make_room_for_lines(plt, lines: list[tuple]) -> list[tuple]:
    """Before plotext's other data: two invisible points at the corners of the lines'
    extent, so that plotext sets the limits and ticks the lines would get if it drew
    them. Returns the lines, (x, y, plotext colour) each, without non-finite points and
    within ±LARGEST."""
    lines = [(np.clip(x[finite], -LARGEST, LARGEST), np.clip(y[finite], -LARGEST, LARGEST), color)
             for x, y, color in lines
             for finite in [np.isfinite(x) & np.isfinite(y)] if finite.any()]
    if lines:
        xs = np.concatenate([x for x, _, _ in lines])
        ys = np.concatenate([y for _, y, _ in lines])
        plt.scatter([float(xs.min()), float(xs.max())], [float(ys.min()), float(ys.max())],
                    marker=" ", color="default")
    return lines


MAX_Y_TICKS = 7   # plotext's own number of y ticks


def canvas_rows(plt, height: int) -> int:
    """How many rows of `height` plotext gives the plot itself: less the frame's two
    lines, the x tick labels, and a title or axis label line if there is one."""
    monitor = plt.monitor
    return (height - sum(map(bool, monitor.xaxes)) - 1
            - bool(monitor.title is not None or monitor.xlabel[1] is not None)
            - bool(monitor.ylabel[0] is not None or monitor.ylabel[1] is not None
                   or monitor.xlabel[0] is not None))


def tick_rows(rows: int) -> list[int]:
    """The rows (0 at the bottom) that get a y tick: every row of a short chart, else
    at most MAX_Y_TICKS from the bottom row to the top one, evenly spaced where the
    rows allow it and otherwise a row closer or further apart."""
    if rows <= MAX_Y_TICKS:
        return list(range(rows))
    gaps = next((n for n in range(MAX_Y_TICKS - 1, 2, -1) if (rows - 1) % n == 0), MAX_Y_TICKS - 1)
    return [round(k * (rows - 1) / gaps) for k in range(gaps + 1)]


def place_y_ticks(plt, rows: int) -> None:
    """Put each y tick on a row, labelled with the value that row stands for.

    plotext spreads 7 ticks evenly over the limits and rounds each to a row: on fewer
    than 7 rows two ticks share a row and one label is lost, and the others sit up to
    half a row off their values. Here the ticks are the rows' own values
    (low + r·(high − low)/(rows − 1), which plotext places on row r exactly), in
    fixed-point labels, or in e-notation where those fail: plotext writes 1e300 as 301
    digits, and for a span like 1e-310 looks for more decimals than a float has."""
    monitor = plt.monitor
    low, high = monitor.ylim[0]
    if low is None or high is None:
        ys = [v for signal in monitor.y for v in signal] + list(monitor.hcoord[0])
        if not ys:
            return
        low, high = plotext_utility.get_lim(ys)
    if rows < 2 or not high > low:
        return
    ticks = [low + r / (rows - 1) * (high - low) if r < rows - 1 else high for r in tick_rows(rows)]
    if max(abs(low), abs(high)) < 1e6 and high - low > 1e-6:
        labels = plotext_utility.get_labels(ticks)
    else:
        for digits in range(3, 18):
            labels = [f"{tick:.{digits}g}" for tick in ticks]
            if len(set(labels)) == len(labels):
                break
    plt.yticks(ticks, labels)


def draw_lines(plt, lines: list[tuple], braille: bool = MARKER == "braille", bands=()) -> None:
    """After plotext's build: the lines, rasterised with NumPy into its matrix, within
    the limits plotext chose. The same cells as plt.plot(x, y, marker="braille").
    Bands ((x, y) low, (x, y) high, colour) are hatched first, under the lines."""
    if not lines and not bands:
        return
    monitor, matrix = plt.monitor, plt.monitor.matrix
    raster = LineRaster(len(matrix.Cols_canvas), len(matrix.Rows_canvas), braille=braille)
    for low, high, color in bands:
        raster.band(low, high, monitor.xlim[0], monitor.ylim[0], color)
    for x, y, color in lines:
        raster.line(x, y, monitor.xlim[0], monitor.ylim[0], color)
    raster.paint(matrix)


def matrix_text(matrix) -> Text:
    """plotext's built character matrix as Rich Text: one span per run of same-coloured cells.

    plotext's own build writes every cell out as ANSI escape codes for Rich to parse
    back; the text and a span per coloured run is all Rich needs.
    """
    lines, spans, offset = [], [], 0
    for row in range(matrix.rows - 1, -1, -1):   # plotext's row 0 is the bottom
        cells = list(zip(matrix.fullground[row], matrix.style[row], matrix.background[row]))
        start = 0
        for col in range(1, len(cells) + 1):
            if col == len(cells) or cells[col] != cells[start]:
                style = _rich_style(cells[start])
                if style is not None:
                    spans.append(Span(offset + start, offset + col, style))
                start = col
        lines.append("".join(matrix.marker[row]))
        offset += len(cells) + 1   # the row and its newline
    return Text("\n".join(lines), spans=spans, end="")


_STYLES: dict[tuple, Style | None] = {}


def _rich_style(cell: tuple) -> Style | None:
    """plotext's (foreground, style, background) of a cell as a Rich Style, through
    plotext's own ANSI codes."""
    key = tuple(map(str, cell))   # colours may be names, numbers or RGB lists
    if key not in _STYLES:
        spans = Text.from_ansi(plotext_utility.colors_to_ansi(*cell) + "x").spans
        _STYLES[key] = spans[0].style if spans else None
    return _STYLES[key]


def log10_finite(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices and log10 of the positive values of y (log10 of 0 would be -inf)."""
    keep = np.flatnonzero(y > 0)
    return keep, np.log10(y[keep])


class LiveChart(PlotextPlot):
    """A PlotextPlot with a build cache: subclasses give lines() and draw(plt)."""

    DEFAULT_CSS = """
    LiveChart {
        width: 1fr;
        height: 1fr;
        min-height: 5;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # Plotext's "pro" theme leaves the canvas, axes and ticks uncoloured, so they take
        # the widget's own colours from the app's theme; and it builds faster than a
        # theme that colours every cell.
        self.theme = "pro"
        self._version = 0                  # bumped by stale()
        self._built_key: tuple | None = None
        self._built: Text | None = None
        self.build_seconds = 0.0           # CPU time the last build took
        self.build_total = 0.0             # CPU time all builds took
        self.builds = 0                    # how many builds so far (tests look at this)

    @property
    def points_wanted(self) -> int:
        """About two points per column of the plot."""
        return max(16, 2 * self.size.width)

    def stale(self) -> None:
        """The data changed: build again at the next repaint, and update the titles now
        (a title set while the chart renders would show only at its next repaint)."""
        self._version += 1
        self._set_titles()
        self.refresh()

    def on_resize(self) -> None:
        self._set_titles()      # the legend is fitted to the width

    def render(self):
        key = (self._version, self.size, self.app.theme)
        if key != self._built_key or self._built is None:
            started = time.thread_time()  # CPU time: waiting for the training thread is not cost
            try:
                self._built = self.build_figure(*self.size)
            except (ArithmeticError, ValueError) as error:
                # plotext's arithmetic on numbers it cannot place: say so in the chart's
                # place; a chart must not end the app, and the run with it.
                self._built = Text(f"cannot draw this chart: {error}", style="italic", end="")
            self._built_key = key
            self.build_seconds = time.thread_time() - started
            self.builds += 1
            self.build_total += self.build_seconds
        return self._built

    def build_figure(self, width: int, height: int) -> Text:
        """The chart at this size: plotext draws the frame, ticks and draw()'s extras;
        the lines are rasterised with NumPy (see braille.py) into plotext's matrix."""
        plt = self.plt
        plt.clear_figure()
        lines = [(x, y, plot_color(k)) for x, y, k in self.lines()]
        bands = [(low, high, band_color(k)) for low, high, k in self.bands()]
        # The bands' edges count for the limits (colour None: not drawn as lines).
        edges = [(x, y, None) for low, high, _ in bands for x, y in (low, high)]
        lines = [line for line in make_room_for_lines(plt, lines + edges) if line[2] is not None]
        self.draw(plt)
        # What PlotextPlot.render does, with a cheaper last step (see matrix_text).
        plt.plotsize(width, height)
        plt._set_size(width, height)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        place_y_ticks(plt, canvas_rows(plt, height))
        plt._set_sizes()
        plt._build_matrix()
        draw_lines(plt, lines, bands=bands)
        return matrix_text(plt.monitor.matrix)

    def lines(self) -> list[tuple[np.ndarray, np.ndarray, int]]:
        """The chart's lines: (x, y, colour index) each, drawn in that order."""
        return []

    def bands(self) -> list[tuple[tuple, tuple, int]]:
        """Regions hatched under the lines: ((x, y) low edge, (x, y) high edge, colour
        index) each, finite values within ±LARGEST."""
        return []

    def draw(self, plt) -> None:
        """Whatever else the chart shows, with plotext calls: limits, ticks, points."""

    log_scale = False   # charts over the epochs may draw log10 of their values

    def set_log_scale(self, log_scale: bool) -> None:
        if log_scale != self.log_scale:
            self.log_scale = log_scale
            self.stale()

    # Titles: what the chart shows on the top border, the legend on the bottom one.

    next_key: str | None = None     # the key that shows another chart in this one's place

    def set_next_key(self, key: str | None) -> None:
        if key != self.next_key:
            self.next_key = key
            self.stale()     # the title says it

    def title(self) -> str:
        return ""

    def legend_labels(self) -> list[str]:
        return []

    def _set_titles(self) -> None:
        # Setting a border title repaints the widget, so only a changed one is set. The
        # legend is compared with the legend set last (with its colours): the
        # border_subtitle getter returns markup, which never equals a Content.
        title = self.title() + (f" · {self.next_key}: next" if self.next_key else "")
        # Room on the bottom border: all but its corners and a line and a space each side.
        subtitle = legend(self.legend_labels(), max(8, self.outer_size.width - 6))
        if title != str(self.border_title or ""):
            self.border_title = title
        if subtitle.markup != self._legend_markup:
            self._legend_markup = subtitle.markup
            self.border_subtitle = subtitle

    _legend_markup: str | None = None


class LogChart(LiveChart):
    """Columns of a MetricsLog over the epochs, each through its own Envelope."""

    def __init__(self, *, log_scale: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.log_scale = log_scale
        self._log: engine.MetricsLog | None = None
        self._envelopes: list[Envelope] = []
        self._labels: list[str] = []

    def sources(self, log: engine.MetricsLog) -> list[tuple[str, int | None]]:
        """What to chart: a MetricsLog name each, and which column of its block (or None)."""
        raise NotImplementedError

    def labels(self, log: engine.MetricsLog) -> list[str]:
        raise NotImplementedError

    def derive(self, name: str, values: np.ndarray) -> np.ndarray:
        """What is charted of a source's values (the values themselves, unless a chart
        charts something computed from them)."""
        return values

    def pull(self, log: engine.MetricsLog) -> bool:
        """Fold in the epochs appended since the last pull; True if anything changed."""
        if log is not self._log:
            self._log = log
            self._labels = self.labels(log)
            self._envelopes = [Envelope() for _ in self._labels]
            self.stale()
        count = log.count
        seen = self._envelopes[0].count if self._envelopes else count
        if count == seen:
            return False
        for envelope, (name, k) in zip(self._envelopes, self.sources(log)):
            first, values = log.rows(name, envelope.count, count)
            if first > envelope.count:   # rows a log with `keep` let go before we saw them
                envelope.extend(np.full(first - envelope.count, np.nan))
            envelope.extend(self.derive(name, values if k is None else values[:, k]))
        self.stale()
        return True

    @property
    def epochs(self) -> int:
        return self._envelopes[0].count if self._envelopes else 0

    def series(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(label, epochs, values) for each column with something to draw, decimated."""
        out = []
        for label, envelope in zip(self._labels, self._envelopes):
            x, y = envelope.points(self.points_wanted)
            if self.log_scale:
                keep, y = log10_finite(y)
                x = x[keep]
            if len(x):
                out.append((label, x, y))
        return out

    def lines(self):
        # Colours follow the column, drawn or not.
        return [(x, y, self._labels.index(label)) for label, x, y in self.series()]

    def draw(self, plt) -> None:
        last = max(self.epochs, 2)
        plt.xlim(1, last)
        plt.xticks(*epoch_ticks(last))

    def legend_labels(self) -> list[str]:
        return list(self._labels)

    def _has_values(self, k: int) -> bool:
        """Whether column k has anything to draw (a test set, a classification task)."""
        return len(self._envelopes) > k and np.isfinite(self._envelopes[k].points(4)[1]).any()


class TrainTestChart(LogChart):
    """One quantity on the training set and on the test set (when there is one)."""

    columns: tuple[str, str] = ("", "")     # the MetricsLog names: training, test

    def sources(self, log):
        return [(name, None) for name in self.columns]

    def labels(self, log):
        return ["train", "test"]

    def legend_labels(self) -> list[str]:
        return [label for k, label in enumerate(("train", "test")) if self._has_values(k)]


class LossChart(TrainTestChart):
    """Training loss, and test loss when there is a test set."""

    columns = ("loss", "test_loss")

    def title(self) -> str:
        return "log10 loss (l: linear)" if self.log_scale else "loss (l: log10)"

    def legend_labels(self) -> list[str]:
        return ["train", *super().legend_labels()[1:]]   # "train" even before the first epoch


class AccuracyChart(TrainTestChart):
    """Share of samples classified right, on the training set and the test set."""

    columns = ("accuracy", "test_accuracy")

    def title(self) -> str:
        return "accuracy" if self._has_values(0) or not self.epochs else "accuracy (none: not classification)"

    def draw(self, plt) -> None:
        super().draw(plt)
        plt.ylim(0.0, 1.0)


class LearningRateChart(LogChart):
    """The learning rate in force at each epoch (it changes when + − or a typed rate says so)."""

    def sources(self, log):
        return [("lr", None)]

    def labels(self, log):
        return ["lr"]

    def title(self) -> str:
        return "learning rate"


class SharpnessChart(LogChart):
    """The sharpness λ_max (the Hessian's largest eigenvalue, estimated every
    engine.sharpness.LAB_SHARPNESS_EVERY epochs) against 2/η, the stability limit of the
    learning rate in force at each epoch: gradient descent keeps λ_max below about 2/η,
    and on real nets λ_max climbs to it and hovers there (the edge of stability)."""

    def sources(self, log):
        return [("sharpness", None), ("lr", None)]

    def labels(self, log):
        return ["λ_max", "2/η"]

    def derive(self, name: str, values: np.ndarray) -> np.ndarray:
        return engine.stability_limit(values) if name == "lr" else values

    def title(self) -> str:
        return "sharpness λ_max and 2/η"


class PerLayerChart(LogChart):
    """One MetricsLog block with a column per layer, one line each."""

    block = ""          # the MetricsLog name
    label = ""          # each line's name, with {l} for the layer's number (from 1)
    log10 = False       # drawn as log10 of the values

    def __init__(self, **kwargs) -> None:
        super().__init__(log_scale=self.log10, **kwargs)

    def sources(self, log):
        return [(self.block, l) for l in range(log.layers)]

    def labels(self, log):
        return [self.label.format(l=l + 1) for l in range(log.layers)]


class WeightNormChart(PerLayerChart):
    """‖W^l‖ (Frobenius) of every layer: growing weights, and which layer moves."""

    block, label = "weight_norms", "W{l}"

    def title(self) -> str:
        return "‖W‖ per layer"


class GradientNormChart(PerLayerChart):
    """log10 of ‖∂L/∂W^l‖ of every layer: vanishing or exploding gradients, layer by layer."""

    block, label, log10 = "gradient_norms", "W{l}", True

    def title(self) -> str:
        return "log10 ‖∂L/∂W‖ per layer"


class DeltaChart(PerLayerChart):
    """log10 of the mean |delta^l| of every layer: vanishing deltas sink to the bottom."""

    block, label, log10 = "delta_means", "δ{l}", True

    def title(self) -> str:
        return "log10 mean |δ| per layer"


class WeightsChart(LogChart):
    """A few tracked individual weights (the trainer's choice: first and last of each layer)."""

    def __init__(self, tracked_labels: list[str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tracked_labels = list(tracked_labels or [])

    def sources(self, log):
        return [("tracked", j) for j in range(log.n_tracked)]

    def labels(self, log):
        names = self.tracked_labels
        return [names[j] if j < len(names) else f"w{j + 1}" for j in range(log.n_tracked)]

    def title(self) -> str:
        return "tracked weights"


class ActivationChart(LiveChart):
    """f and f' of the hidden activation, with the range of z the network uses now."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.activation: engine.Activation | None = None
        self.z_range: tuple[float, float] | None = None

    def show(self, activation: engine.Activation, z_range: tuple[float, float] | None) -> None:
        if z_range is not None:  # a chart this size cannot show finer steps
            digits = 1 if max(abs(z_range[0]), abs(z_range[1])) < 10 else 0
            z_range = (round(z_range[0], digits), round(z_range[1], digits))
        if activation is not self.activation or z_range != self.z_range:
            self.activation, self.z_range = activation, z_range
            self.stale()

    def title(self) -> str:
        return f"{self.activation.name} and its derivative" if self.activation else "activation"

    def legend_labels(self) -> list[str]:
        if self.activation is None:
            return []
        name = self.activation.name
        return [f"{name}(z)", f"{name}′(z)", "z in use now"]

    def x_limit(self) -> float:
        """Half the width of the x axis: 4, or wide enough for the z range (at most 60)."""
        reach = 4.0
        if self.z_range is not None:
            reach = max(reach, abs(self.z_range[0]), abs(self.z_range[1]))
        return min(60.0, math.ceil(reach * 1.1))

    def lines(self):
        if self.activation is None:
            return []
        f = self.activation
        r = self.x_limit()
        z = np.linspace(-r, r, self.points_wanted)
        with np.errstate(all="ignore"):
            a, slope = f(z), f.derivative(z)
        return [(z, a, 0), (z, slope, 1)]

    def draw(self, plt) -> None:
        if self.activation is not None and self.z_range is not None:
            r = self.x_limit()
            for edge in self.z_range:
                plt.vertical_line(max(-r, min(r, edge)), color=plot_color(2))


class FitChart(LiveChart):
    """One input, real targets: the data points and the network's curve through them."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: tuple[np.ndarray, np.ndarray] | None = None
        self.curve: tuple[np.ndarray, np.ndarray] | None = None

    def show(self, x: np.ndarray, y: np.ndarray, curve_x: np.ndarray, curve_y: np.ndarray) -> None:
        self.data, self.curve = (x, y), (curve_x, curve_y)
        self.stale()

    def lines(self):
        return [] if self.curve is None else [(*self.curve, 0)]   # non-finite points are left out

    def draw(self, plt) -> None:
        if self.data is None:
            return
        x, y = self.data
        plt.scatter(x.tolist(), y.tolist(), marker="dot", color=plot_color(1))
        low, high = float(np.min(y)), float(np.max(y))
        pad = 0.25 * (high - low or 1.0)
        plt.ylim(low - pad, high + pad)  # a wild curve must not squash the data
