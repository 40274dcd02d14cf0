"""Lines drawn in braille dots with NumPy: the cells plotext's plot(marker="braille") draws.

A braille character holds 2x4 dots, so a canvas of W x H cells has 2W x 4H dots.
plotext joins consecutive points with lines of dots, groups the dots by cell and
writes one braille character per cell, in Python loops over every dot: for two
series across a 120-column chart that is most of the time a chart takes to build.
`LineRaster` does the same steps with NumPy arrays, with plotext's own rounding,
so that the cells come out exactly as plotext would draw them (a test checks it).
Everything else in a chart (axes, ticks, scatter points, vertical lines) is still
plotext's; the raster only writes its cells into plotext's character matrix.

Coordinates follow plotext: dot column 0 is the left edge, dot row 0 the bottom.
"""
from __future__ import annotations

import numpy as np

# The bit each dot of a braille cell sets in U+2800 + bits, by [dot row from the bottom][dot column].
BRAILLE_BITS = np.array([[0x40, 0x80], [0x04, 0x20], [0x02, 0x10], [0x01, 0x08]], dtype=np.uint8)
BRAILLE_BLANK = 0x2800


def dot_coordinates(values: np.ndarray, low: float, high: float, dots: int) -> np.ndarray:
    """Data values to dot indices 0 .. dots-1 across [low, high], as plotext's
    get_matrix_data does (the round to 8 decimals makes 9.99999999 land on 10)."""
    scaled = 0.5 + (dots - 1) * (np.asarray(values, dtype=np.float64) - low) / (high - low)
    return np.floor(np.round(scaled, 8)).astype(np.int64)


def line_dots(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every dot on the straight lines joining (x[i], y[i]) to (x[i+1], y[i+1]).

    As plotext's get_line: a segment of dx, dy dots gets max(|dx|, |dy|) + 1 evenly
    spaced points, truncated to whole dots; its last point is the next segment's first.
    """
    if len(x) < 2:
        return x, y
    x0, y0 = x[:-1], y[:-1]
    dx, dy = np.diff(x), np.diff(y)
    steps = np.maximum(np.abs(dx), np.abs(dy))          # points per segment, its end left out
    segment = np.repeat(np.arange(len(steps)), steps)     # which segment each point is on
    k = np.arange(len(segment)) - np.repeat(np.cumsum(steps) - steps, steps)  # 0, 1, .. within it
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero-length segment has no points
        x_slope, y_slope = dx / steps, dy / steps
    line_x = np.trunc(x0[segment] + k * x_slope[segment]).astype(np.int64)
    line_y = np.trunc(y0[segment] + k * y_slope[segment]).astype(np.int64)
    return np.append(line_x, x[-1]), np.append(line_y, y[-1])


class LineRaster:
    """Lines over a canvas of `width` x `height` character cells, each line in one colour.

    braille=True draws 2x4 dots per cell; braille=False one '•' per cell (for the
    Linux console, whose font has no braille). As in plotext, a later line takes
    over a cell an earlier one drew in.
    """

    def __init__(self, width: int, height: int, braille: bool = True) -> None:
        self.width, self.height, self.braille = width, height, braille
        self.per_cell = (2, 4) if braille else (1, 1)
        self.cells: list[tuple[np.ndarray, np.ndarray, list[str], object]] = []

    def line(self, x, y, xlim: tuple[float, float], ylim: tuple[float, float], color) -> None:
        """Join the points (x, y), in data units within the limits, in `color`."""
        dots_x, dots_y = self.width * self.per_cell[0], self.height * self.per_cell[1]
        if dots_x <= 0 or dots_y <= 0 or len(x) == 0:
            return
        px, py = line_dots(dot_coordinates(x, *xlim, dots_x), dot_coordinates(y, *ylim, dots_y))
        self._add_dots(px, py, color)

    def band(self, low: tuple, high: tuple, xlim: tuple[float, float], ylim: tuple[float, float],
             color) -> None:
        """Hatch the region between two lines, low = (x, y) and high = (x, y) in data units:
        every fourth dot column (the first of every other braille cell), from the low
        line's dot to the high line's: light stripes, which a line drawn later shows over."""
        dots_x, dots_y = self.width * self.per_cell[0], self.height * self.per_cell[1]
        if dots_x <= 0 or dots_y <= 0 or len(low[0]) == 0 or len(high[0]) == 0:
            return
        lo_x, lo_y = dot_coordinates(low[0], *xlim, dots_x), dot_coordinates(low[1], *ylim, dots_y)
        hi_x, hi_y = dot_coordinates(high[0], *xlim, dots_x), dot_coordinates(high[1], *ylim, dots_y)
        first, last = max(lo_x[0], hi_x[0], 0), min(lo_x[-1], hi_x[-1], dots_x - 1)
        stride = 4   # the first dot column of every other braille cell (of every fourth cell without braille)
        columns = np.arange(first + (-first) % stride, last + 1, stride)
        if len(columns) == 0:
            return
        bottom = np.floor(np.interp(columns, lo_x, lo_y)).astype(np.int64)
        top = np.ceil(np.interp(columns, hi_x, hi_y)).astype(np.int64)
        bottom, top = np.minimum(bottom, top), np.maximum(bottom, top)
        heights = top - bottom + 1
        px = np.repeat(columns, heights)
        py = np.repeat(bottom, heights) + np.arange(heights.sum()) - np.repeat(np.cumsum(heights) - heights, heights)
        self._add_dots(px, py, color)

    def _add_dots(self, px: np.ndarray, py: np.ndarray, color) -> None:
        """Set these dots (columns px, rows py; those off the canvas are left out) in `color`."""
        dots_x, dots_y = self.width * self.per_cell[0], self.height * self.per_cell[1]
        inside = (px >= 0) & (px < dots_x) & (py >= 0) & (py < dots_y)
        px, py = px[inside], py[inside]
        columns, rows = divmod(px, self.per_cell[0]), divmod(py, self.per_cell[1])
        cell = rows[0] * self.width + columns[0]
        bits = np.zeros(self.width * self.height, dtype=np.uint8)   # each cell's dots
        np.bitwise_or.at(bits, cell, BRAILLE_BITS[rows[1], columns[1]])
        drawn = np.flatnonzero(bits)
        if self.braille:
            markers = [chr(BRAILLE_BLANK + int(b)) for b in bits[drawn]]
        else:
            markers = ["•"] * len(drawn)
        row, col = np.divmod(drawn, self.width)
        self.cells.append((row, col, markers, color))

    def paint(self, matrix) -> None:
        """Write the lines' cells into plotext's matrix (after it is built), in order."""
        col_start, row_start = matrix.Cols_canvas.start, matrix.Rows_canvas.start
        for rows, cols, markers, color in self.cells:
            for r, c, marker in zip(rows.tolist(), cols.tolist(), markers):
                matrix.marker[row_start + r][col_start + c] = marker
                matrix.fullground[row_start + r][col_start + c] = color
