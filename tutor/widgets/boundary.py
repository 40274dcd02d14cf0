"""BoundaryMap: what a network with two inputs says at every point of the plane.

The Playground's picture: the background is the network's output over a grid of
points (blue where it says 1, orange where it says 0, pale near the boundary
a = 1/2), and the data points sit on top in the colour of their class. Each
character cell holds two grid points, one above the other (the upper half block
"▀" takes the upper colour as foreground and the lower one as background).

The screen hands over a `predict` function (net.forward with a copy of the
weights); the map evaluates it on a grid as fine as the widget is, so a resize
needs no help. Built with Textual's line API and cached: a plotext scatter with a
colour per cell costs tens of milliseconds per frame, this a millisecond or two.
"""
from __future__ import annotations

import time
from typing import Callable

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

LEVELS = 9  # output shades from "surely 0" to "surely 1"
MAX_POINTS = 2000  # samples drawn at most (every k-th of a larger set): a map has fewer cells

# Endpoints of the two classes and the neutral middle (Playground's orange and blue).
_ORANGE = np.array([0xC0, 0x56, 0x21])
_BLUE = np.array([0x2B, 0x6C, 0xB0])
_NEUTRAL = np.array([0x3A, 0x3A, 0x3A])
POINT_COLORS = ("#fbb36b", "#7cc4f8")  # class 0, class 1: brighter than any background
# Further classes (softmax outputs) get their own hues.
CLASS_COLORS = [_ORANGE, _BLUE, np.array([0x2F, 0x85, 0x5A]), np.array([0x80, 0x4A, 0xB0]),
                np.array([0xB0, 0x3A, 0x5A]), np.array([0x1F, 0x8A, 0x8A])]
CLASS_POINT_COLORS = ["#fbb36b", "#7cc4f8", "#8fe3a8", "#d3a6f5", "#f5a6c0", "#8fe3e3"]


def _hex(rgb: np.ndarray) -> str:
    r, g, b = (int(v) for v in np.clip(rgb, 0, 255))
    return f"#{r:02x}{g:02x}{b:02x}"


def shade(level: int, classes: int = 2, klass: int = 1) -> str:
    """Colour of a grid point. Two classes: level 0 (output 0) .. LEVELS-1 (output 1).
    More classes: the class's hue, stronger with `level` (its confidence)."""
    middle = (LEVELS - 1) / 2
    if classes == 2:
        strength = abs(level - middle) / middle
        end = _BLUE if level > middle else _ORANGE
    else:
        strength = level / (LEVELS - 1)
        end = CLASS_COLORS[klass % len(CLASS_COLORS)]
    return _hex(_NEUTRAL + (end - _NEUTRAL) * strength)


class BoundaryMap(Widget):
    """Decision regions of a two-input network, with the data on top."""

    DEFAULT_CSS = """
    BoundaryMap {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.predict: Callable[[np.ndarray], np.ndarray] | None = None
        self.X: np.ndarray | None = None
        self.labels: np.ndarray | None = None       # class of each point
        self.test_X: np.ndarray | None = None
        self.test_labels: np.ndarray | None = None
        self.target_range = (0.0, 1.0)
        self._version = 0
        self._cache_key: tuple | None = None
        self._lines: list[Strip] = []
        self.build_seconds = 0.0
        self.build_total = 0.0
        self.builds = 0

    def show(self, predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, Y: np.ndarray,
             X_test: np.ndarray | None = None, Y_test: np.ndarray | None = None) -> None:
        """Draw predict's view of the plane with the samples (X, Y) (and test samples
        as hollow circles)."""
        self.predict = predict
        X, Y = _thin(X, Y)
        self.X, self.labels = X, _classes(Y)
        has_test = X_test is not None and len(X_test) > 0
        self.test_X, Y_test = _thin(X_test, Y_test) if has_test else (None, None)
        self.test_labels = _classes(Y_test) if has_test else None
        self.target_range = (float(np.min(Y)), float(np.max(Y))) if Y.shape[1] == 1 else (0.0, 1.0)
        self._version += 1
        self.refresh()

    def extent(self) -> tuple[float, float, float, float]:
        """(x_min, x_max, y_min, y_max): the data with a margin of an eighth on each side."""
        points = self.X if self.test_X is None else np.vstack([self.X, self.test_X])
        low, high = points.min(axis=0), points.max(axis=0)
        pad = np.maximum((high - low) / 8, 0.1)
        return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1])

    def render_line(self, y: int) -> Strip:
        key = (self._version, self.size, self.app.theme)
        if key != self._cache_key:
            started = time.thread_time()
            self._lines = self._build()
            self._cache_key = key
            self.build_seconds = time.thread_time() - started
            self.builds += 1
            self.build_total += self.build_seconds
        return self._lines[y] if y < len(self._lines) else Strip.blank(self.size.width)

    # ----- building the picture --------------------------------------------------

    def _build(self) -> list[Strip]:
        width, height = self.size
        if self.predict is None or self.X is None or width < 4 or height < 2:
            return []
        rows = height - 1                          # the last line says what the axes are
        x0, x1, y0, y1 = self.extent()
        gx = x0 + (np.arange(width) + 0.5) / width * (x1 - x0)
        gy = y1 - (np.arange(2 * rows) + 0.5) / (2 * rows) * (y1 - y0)   # top row first
        grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
        with np.errstate(all="ignore"):
            out = np.asarray(self.predict(grid), dtype=np.float64)
        colors = self._grid_colors(out).reshape(2 * rows, width)

        # Data points: the cell each falls in (later points win a shared cell).
        glyphs: dict[tuple[int, int], tuple[str, str]] = {}
        for points, labels, glyph in ((self.test_X, self.test_labels, "○"), (self.X, self.labels, "●")):
            if points is None:
                continue
            cols = np.clip(((points[:, 0] - x0) / (x1 - x0) * width).astype(int), 0, width - 1)
            cells = np.clip(((y1 - points[:, 1]) / (y1 - y0) * rows).astype(int), 0, rows - 1)
            for c, r, k in zip(cols.tolist(), cells.tolist(), labels.tolist()):
                glyphs[(r, c)] = (glyph, CLASS_POINT_COLORS[k % len(CLASS_POINT_COLORS)])

        styles: dict[tuple, Style] = {}
        lines = []
        for r in range(rows):
            top, bottom = colors[2 * r], colors[2 * r + 1]
            segments: list[Segment] = []
            run_text, run_style = "", None
            for c in range(width):
                point = glyphs.get((r, c))
                if point is None:
                    char, key = "▀", (top[c], bottom[c])
                    style = styles.get(key) or styles.setdefault(key, Style(color=top[c], bgcolor=bottom[c]))
                else:
                    char, key = point[0], (point[1], bottom[c], "point")
                    style = styles.get(key) or styles.setdefault(key, Style(color=point[1], bgcolor=bottom[c], bold=True))
                if style is run_style:
                    run_text += char
                else:
                    if run_text:
                        segments.append(Segment(run_text, run_style))
                    run_text, run_style = char, style
            segments.append(Segment(run_text, run_style))
            lines.append(Strip(segments, width))
        lines.append(Strip([Segment(self.caption(width).ljust(width), Style(dim=True))], width))
        return lines

    def caption(self, width: int) -> str:
        """The last line: which mark is which (kept whole) and, as room allows, the axes."""
        x0, x1, y0, y1 = self.extent()
        marks = "● train" + (" ○ test" if self.test_X is not None else "")
        for axes in (f"x1 {x0:.1f}…{x1:.1f} →   x2 {y0:.1f}…{y1:.1f} ↑   ",
                     f"x1 {x0:.1f}…{x1:.1f} x2 {y0:.1f}…{y1:.1f}  ",
                     f"→{x0:.1f}…{x1:.1f} ↑{y0:.1f}…{y1:.1f}  ", ""):
            if len(axes) + len(marks) + 1 <= width:
                return f" {axes}{marks}"
        return marks[:width]

    def _grid_colors(self, out: np.ndarray) -> np.ndarray:
        """One colour (hex text) per grid point from the network's outputs."""
        if out.shape[1] == 1:
            low, high = self.target_range
            t = (out[:, 0] - low) / ((high - low) or 1.0)
            t = np.where(np.isfinite(t), np.clip(t, 0.0, 1.0), 0.5)
            levels = np.rint(t * (LEVELS - 1)).astype(int)
            palette = np.array([shade(level) for level in range(LEVELS)])
            return palette[levels]
        klass = np.nan_to_num(out).argmax(axis=1)
        confidence = np.nan_to_num(out.max(axis=1))
        # Confidence 1/k means "no idea": map [1/k, 1] onto the levels.
        k = out.shape[1]
        strength = np.clip((confidence - 1 / k) / (1 - 1 / k), 0.0, 1.0)
        levels = np.rint(strength * (LEVELS - 1)).astype(int)
        palette = np.array([[shade(level, k, c) for level in range(LEVELS)] for c in range(k)])
        return palette[klass, levels]


def _thin(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_POINTS samples, evenly spread through the set."""
    step = -(-len(X) // MAX_POINTS)
    return X[::step], Y[::step]


def _classes(Y: np.ndarray) -> np.ndarray:
    """The class of each sample: argmax of one-hot rows, or y > 1/2 for one column."""
    if Y.shape[1] == 1:
        middle = (float(np.min(Y)) + float(np.max(Y))) / 2
        return (Y[:, 0] > middle).astype(int)
    return Y.argmax(axis=1)
