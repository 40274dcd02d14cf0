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
BRAILLE_BIT_INDEX = np.log2(BRAILLE_BITS).astype(np.int64)   # which bit, 0-7
BIT_VALUES = (1 << np.arange(8)).astype(np.uint8)
BRAILLE_CHARACTERS = np.array([chr(BRAILLE_BLANK + bits) for bits in range(256)], dtype=object)


def scaled_dots(values: np.ndarray, low: float, high: float, dots: int) -> np.ndarray:
    """Data values to fractional dot coordinates across [low, high], 0.5 .. dots-0.5; _whole
    turns them into dot indices 0 .. dots-1 as plotext's get_matrix_data does."""
    return 0.5 + (dots - 1) * (np.asarray(values, dtype=np.float64) - low) / (high - low)


def line_dots(x: np.ndarray, y: np.ndarray, starts=()) -> tuple[np.ndarray, np.ndarray]:
    """Every dot on the straight lines joining (x[i], y[i]) to (x[i+1], y[i+1]); several
    lines at once if `starts` says at which points new ones begin (no segment joins a
    line's last point to the next one's first).

    As plotext's get_line: a segment of dx, dy dots gets max(|dx|, |dy|) + 1 evenly
    spaced points, truncated to whole dots; its last point is the next segment's first.
    """
    if len(x) < 2:
        return x, y
    ends = np.append(np.asarray(starts, dtype=np.int64) - 1, len(x) - 1)   # each line's last point
    joins = np.ones(len(x) - 1, dtype=bool)
    joins[ends[:-1]] = False                              # the gaps between lines
    line_x, line_y = segment_dots(x[:-1][joins], y[:-1][joins], x[1:][joins], y[1:][joins])
    return np.append(line_x, x[ends]), np.append(line_y, y[ends])


def segment_dots(x0, y0, x1, y1) -> tuple[np.ndarray, np.ndarray]:
    """The dots of the segments from (x0[i], y0[i]) to (x1[i], y1[i]), each without its end."""
    dx, dy = x1 - x0, y1 - y0
    steps = np.maximum(np.abs(dx), np.abs(dy))          # points per segment, its end left out
    segment = np.repeat(np.arange(len(steps)), steps)     # which segment each point is on
    k = np.arange(len(segment)) - np.repeat(np.cumsum(steps) - steps, steps)  # 0, 1, .. within it
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero-length segment has no points
        x_slope, y_slope = dx / steps, dy / steps
    line_x = np.trunc(x0[segment] + k * x_slope[segment]).astype(np.int64)
    line_y = np.trunc(y0[segment] + k * y_slope[segment]).astype(np.int64)
    return line_x, line_y


# A line is drawn dot by dot, so a point far off the canvas (a diverging network's curve
# at 10⁸ on a chart scaled to its data) would cost a dot per step of the way: gigabytes.
# Segments reaching beyond this many canvases off each edge are first cut at that band.
BAND = 2


def beyond_band(fx: np.ndarray, fy: np.ndarray, dots_x: int, dots_y: int) -> bool:
    """Whether a point at fractional dot coordinates lies beyond the band around the canvas."""
    return bool(((fx < -BAND * dots_x) | (fx > (1 + BAND) * dots_x)
                 | (fy < -BAND * dots_y) | (fy > (1 + BAND) * dots_y)).any())


def band_dots(fx: np.ndarray, fy: np.ndarray, dots_x: int, dots_y: int) -> tuple[np.ndarray, np.ndarray]:
    """line_dots of the points at fractional dot coordinates (fx, fy), with every segment
    cut to the band BAND canvases around the canvas: the same dots as line_dots wherever
    no point lies outside the band, and at most a few canvases' worth of dots anyway."""
    low_x, high_x = -BAND * dots_x, (1 + BAND) * dots_x
    low_y, high_y = -BAND * dots_y, (1 + BAND) * dots_y
    far = (fx < low_x) | (fx > high_x) | (fy < low_y) | (fy > high_y)
    if not far.any() or len(fx) < 2:
        return line_dots(_whole(fx), _whole(fy))
    x0, y0, x1, y1 = fx[:-1], fy[:-1], fx[1:], fy[1:]
    # Liang-Barsky: the part t in [enter, leave] of each segment p0 + t·(p1 − p0) inside the band.
    enter, leave = np.zeros(len(x0)), np.ones(len(x0))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start, delta, low, high in ((x0, x1 - x0, low_x, high_x), (y0, y1 - y0, low_y, high_y)):
            t_low, t_high = (low - start) / delta, (high - start) / delta
            flat = delta == 0
            outside = flat & ((start < low) | (start > high))
            enter = np.where(flat, enter, np.maximum(enter, np.minimum(t_low, t_high)))
            leave = np.where(flat, leave, np.minimum(leave, np.maximum(t_low, t_high)))
            leave = np.where(outside, -1.0, leave)
    kept = enter <= leave
    a, b = enter[kept], leave[kept]
    dx, dy = (x1 - x0)[kept], (y1 - y0)[kept]
    sx, sy = _whole(x0[kept] + a * dx), _whole(y0[kept] + a * dy)
    ex, ey = _whole(x0[kept] + b * dx), _whole(y0[kept] + b * dy)
    line_x, line_y = segment_dots(sx, sy, ex, ey)
    return np.concatenate([line_x, ex]), np.concatenate([line_y, ey])   # ends: each segment's own


def _whole(scaled: np.ndarray) -> np.ndarray:
    """Fractional dot coordinates to dot indices, with plotext's rounding (the round to
    8 decimals makes 9.99999999 land on 10)."""
    return np.floor(np.round(scaled, 8)).astype(np.int64)


class LineRaster:
    """Lines over a canvas of `width` x `height` character cells, each line in one colour.

    braille=True draws 2x4 dots per cell; braille=False one '•' per cell (for the
    Linux console, whose font has no braille). As in plotext, a later line takes
    over a cell an earlier one drew in.
    """

    def __init__(self, width: int, height: int, braille: bool = True) -> None:
        self.width, self.height, self.braille = width, height, braille
        self.per_cell = (2, 4) if braille else (1, 1)
        self._cells: list[tuple[np.ndarray, np.ndarray, list[str], object]] = []
        self._pending: dict | None = None   # a colour's lines and bands not yet made cells

    def line(self, x, y, xlim: tuple[float, float], ylim: tuple[float, float], color) -> None:
        """Join the points (x, y), in data units within the limits, in `color`."""
        dots_x, dots_y = self.width * self.per_cell[0], self.height * self.per_cell[1]
        if dots_x <= 0 or dots_y <= 0 or len(x) == 0:
            return
        fx, fy = scaled_dots(x, *xlim, dots_x), scaled_dots(y, *ylim, dots_y)
        if beyond_band(fx, fy, dots_x, dots_y):   # cut to the band first: its dots, drawn alone
            self._add(color, "dots", band_dots(fx, fy, dots_x, dots_y))
        else:                                     # joined with the colour's other lines
            self._add(color, "lines", (_whole(fx), _whole(fy)))

    def band(self, low: tuple, high: tuple, xlim: tuple[float, float], ylim: tuple[float, float],
             color) -> None:
        """Hatch the region between two lines, low = (x, y) and high = (x, y) in data units:
        every fourth dot column (the first of every other braille cell), from the low
        line's dot to the high line's: light stripes, which a line drawn later shows over."""
        dots_x, dots_y = self.width * self.per_cell[0], self.height * self.per_cell[1]
        if dots_x <= 0 or dots_y <= 0 or len(low[0]) == 0 or len(high[0]) == 0:
            return
        self._add(color, "bands", tuple(_whole(scaled_dots(values, *limits, dots))
                                        for values, limits, dots in ((low[0], xlim, dots_x), (low[1], ylim, dots_y),
                                                                     (high[0], xlim, dots_x), (high[1], ylim, dots_y))))

    def _add(self, color, kind: str, item) -> None:
        """Lines and bands drawn one after another in the same colour share their cells and
        their NumPy calls (a chart of 20 curves in 5 colours makes 5 sets of cells, not
        20): they wait here until another colour comes, or the cells are read."""
        if self._pending and self._pending["color"] is not color and self._pending["color"] != color:
            self._flush()
        if not self._pending:
            self._pending = {"color": color, "lines": [], "bands": [], "dots": []}
        self._pending[kind].append(item)

    def _band_dots(self, bands) -> tuple[np.ndarray, np.ndarray]:
        """The hatch dots of bands given in dot coordinates (lo_x, lo_y, hi_x, hi_y), all at
        once: each band's edges are moved `offset` further right than the band before, so
        that one np.interp reads each band's columns off its own edges."""
        dots_x, stride = self.width * self.per_cell[0], 4   # every other braille cell (every fourth without)
        offset = 2 * dots_x + 2
        columns, shifted, lo_x, lo_y, hi_x, hi_y = [], [], [], [], [], []
        for b, (lx, ly, hx, hy) in enumerate(bands):
            first, last = max(lx[0], hx[0], 0), min(lx[-1], hx[-1], dots_x - 1)
            band_columns = np.arange(first + (-first) % stride, last + 1, stride)
            columns.append(band_columns)
            shifted.append(band_columns + b * offset)
            lo_x.append(lx + b * offset), lo_y.append(ly), hi_x.append(hx + b * offset), hi_y.append(hy)
        columns, shifted = np.concatenate(columns), np.concatenate(shifted)
        bottom = np.floor(np.interp(shifted, np.concatenate(lo_x), np.concatenate(lo_y))).astype(np.int64)
        top = np.ceil(np.interp(shifted, np.concatenate(hi_x), np.concatenate(hi_y))).astype(np.int64)
        # Only the rows on the canvas (and one beyond): a band reaching 10⁸ off it stays cheap.
        dots_y = self.height * self.per_cell[1]
        bottom, top = np.clip(np.minimum(bottom, top), -1, dots_y), np.clip(np.maximum(bottom, top), -1, dots_y)
        heights = top - bottom + 1
        px = np.repeat(columns, heights)
        py = np.repeat(bottom, heights) + np.arange(heights.sum()) - np.repeat(np.cumsum(heights) - heights, heights)
        return px, py

    def _flush(self) -> None:
        """The waiting dots and lines as cells (those off the canvas left out), in their colour."""
        if not self._pending:
            return
        color, lines, bands = self._pending["color"], self._pending["lines"], self._pending["bands"]
        dots = self._pending["dots"]              # lines cut to the band, already dots
        self._pending = None
        if bands:
            dots.append(self._band_dots(bands))
        if lines:
            starts = np.cumsum([len(x) for x, _ in lines])[:-1]
            dots.append(line_dots(np.concatenate([x for x, _ in lines]), np.concatenate([y for _, y in lines]),
                                  starts))
        px, py = np.concatenate([x for x, _ in dots]), np.concatenate([y for _, y in dots])
        dots_x, dots_y = self.width * self.per_cell[0], self.height * self.per_cell[1]
        inside = (px >= 0) & (px < dots_x) & (py >= 0) & (py < dots_y)
        px, py = px[inside], py[inside]
        columns, rows = divmod(px, self.per_cell[0]), divmod(py, self.per_cell[1])
        cell = rows[0] * self.width + columns[0]
        # Each cell's dots: a flag per (cell, dot), then the flags as the bits of a byte
        # (np.bitwise_or.at does it in one line, at about 50 ns a dot: 1-2 ms for the
        # thousands of dots of a chart's bands).
        flags = np.zeros((self.width * self.height, 8), dtype=np.uint8)
        flags[cell, BRAILLE_BIT_INDEX[rows[1], columns[1]]] = 1
        bits = flags @ BIT_VALUES
        drawn = np.flatnonzero(bits)
        if self.braille:
            markers = BRAILLE_CHARACTERS[bits[drawn]].tolist()
        else:
            markers = ["•"] * len(drawn)
        row, col = np.divmod(drawn, self.width)
        self._cells.append((row, col, markers, color))

    @property
    def cells(self) -> list[tuple[np.ndarray, np.ndarray, list[str], object]]:
        """Each colour's cells so far, in drawing order: (rows, columns, markers, colour)."""
        self._flush()
        return self._cells

    def paint(self, matrix) -> None:
        """Write the lines' cells into plotext's matrix (after it is built), in order."""
        col_start, row_start = matrix.Cols_canvas.start, matrix.Rows_canvas.start
        for rows, cols, markers, color in self.cells:
            for r, c, marker in zip(rows.tolist(), cols.tolist(), markers):
                matrix.marker[row_start + r][col_start + c] = marker
                matrix.fullground[row_start + r][col_start + c] = color
