"""NetworkDiagram: the neurons, every weight, and what one neuron computes for one sample.

Layers stand in columns, inputs on the left. Between two layers sits the weight
matrix W^l that connects them, drawn where it acts: row j of the block holds the
weights into neuron j of the layer on its right (z_j = Σ_i a_i·W[i, j] + b_j), and
column i the weights out of neuron i of the layer on its left. Colour gives a
weight's sign (blue +, orange −, as in the TensorFlow Playground); the number, or
when the space is short a sign and a block whose density grows with |w|, gives
its size.

Select a neuron with the arrow keys or a click; [ and ] choose the sample. The
screen then shows that neuron's z, a and delta (NeuronInspector).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

POSITIVE = "#5aa7f0"
NEGATIVE = "#f0a05a"
# |w| thresholds for the glyphs: tiny, small, medium, large, huge.
# The legend under the diagram, longest first: the first that fits the width is shown.
LEGENDS = {
    True: ("W[i,j]: row j into neuron j, column i from neuron i · blue +, orange −",
           "W[i,j]: from i (column) into j (row) · blue +, orange −",
           "W[i,j]: from i (column) into j (row)"),
    False: ("blue +, orange − · |w| <.05 · <.25 ░ <.75 ▒ <2 ▓ else █",
            "blue +, orange − · |w| ·<.05 ░<.25 ▒<.75 ▓<2 █",
            "+ − sign · |w| ·<.05 ░<.25 ▒<.75 ▓<2 █",
            "|w| ·<.05 ░<.25 ▒<.75 ▓<2 █"),
}
GLYPH_STEPS = ((0.05, "·"), (0.25, "░"), (0.75, "▒"), (2.0, "▓"), (float("inf"), "█"))


def weight_glyph(w: float) -> str:
    """Sign and size of a weight in two characters, e.g. '+▒' for 0.5."""
    if not np.isfinite(w):
        return "!!"
    size = next(glyph for limit, glyph in GLYPH_STEPS if abs(w) < limit)
    return ("+" if w >= 0 else "−") + size


def weight_number(w: float) -> str:
    """A weight in five characters: +0.53, −12.3, +250, −1e5 (a Unicode minus, as lessons print it)."""
    if not np.isfinite(w):
        return f"{w:>5}"[:5]
    m = abs(w)
    if m < 9.995:
        text = f"{w:+.2f}"
    elif m < 99.95:
        text = f"{w:+.1f}"
    elif m < 99999.5:
        text = f"{w:+.0f}"
    else:
        text = f"{w:+.0e}".replace("e+0", "e").replace("e-0", "e-")
    return text.replace("-", "−")


def weight_style(w: float) -> Style:
    if not np.isfinite(w):
        return Style(color="red", bold=True)
    color = POSITIVE if w >= 0 else NEGATIVE
    return Style(color=color, bold=abs(w) >= 1.0, dim=abs(w) < 0.05)


def layer_names(layers: int) -> list[str]:
    """Column titles: in, h1, h2, ..., out (layers = number of weight layers)."""
    return ["in"] + [f"h{l}" for l in range(1, layers)] + ["out"]


_CELL = {True: 6, False: 2}   # characters per weight: '+0.53 ' or '+▒'


@dataclass
class _Layout:
    numbers: bool          # weights as numbers (else glyphs)
    rows: int              # neuron rows
    shown: list[int]       # neurons drawn per layer
    sources: list[int]     # source columns drawn per block (block l connects layer l-1 to l)


class NetworkDiagram(Widget, can_focus=True):
    """Neurons and weights of a network, updated from weight snapshots."""

    DEFAULT_CSS = """
    NetworkDiagram {
        width: 1fr;
        height: 1fr;
        min-height: 4;
    }
    NetworkDiagram:focus {
        background: $boost;
    }
    """

    BINDINGS = [
        Binding("up", "move(0, -1)", "Neuron ↑", show=False),
        Binding("down", "move(0, 1)", "Neuron ↓", show=False),
        Binding("left", "move(-1, 0)", "Layer ←", show=False),
        Binding("right", "move(1, 0)", "Layer →", show=False),
        Binding("left_square_bracket", "sample(-1)", "Sample −", show=False),
        Binding("right_square_bracket", "sample(1)", "Sample +", show=False),
    ]

    selected: reactive[tuple[int, int]] = reactive((1, 0), init=False)
    sample: reactive[int] = reactive(0, init=False)

    class Selected(Message):
        """The selected neuron or sample changed."""

        def __init__(self, layer: int, neuron: int, sample: int) -> None:
            super().__init__()
            self.layer, self.neuron, self.sample = layer, neuron, sample

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.sizes: list[int] = []
        self.weights: list[np.ndarray] = []
        self.activations: list[np.ndarray] | None = None   # a^l for the selected sample
        self.samples = 1
        # Neurons to mark instead of the selected one (the stepper's step), None: the selection.
        self.highlight: frozenset[tuple[int, int]] | None = None
        self._hits: dict[tuple[int, int], tuple[int, int]] = {}   # (row, column) -> neuron

    # ----- data in -----------------------------------------------------------------

    def show(self, sizes, weights, activations=None, samples: int = 1) -> None:
        """New weights (and the selected sample's activations, a^0 = x first)."""
        if list(sizes) != self.sizes:
            self.sizes = list(sizes)
            self.selected = (min(1, len(sizes) - 1), 0)
        self.weights = list(weights)
        self.activations = activations
        self.samples = max(1, samples)
        if self.sample >= self.samples:
            self.sample = 0
        self.refresh()

    # ----- selection ------------------------------------------------------------

    def action_move(self, dl: int, dj: int) -> None:
        if not self.sizes:
            return
        layer, neuron = self.selected
        layer = min(max(layer + dl, 0), len(self.sizes) - 1)
        neuron = min(max(neuron + dj, 0), self.sizes[layer] - 1)
        self.selected = (layer, neuron)

    def action_sample(self, step: int) -> None:
        self.sample = (self.sample + step) % self.samples

    def select(self, layer: int, neuron: int) -> None:
        layer = min(max(layer, 0), len(self.sizes) - 1)
        self.selected = (layer, min(max(neuron, 0), self.sizes[layer] - 1))

    def watch_selected(self) -> None:
        self.refresh()
        self.post_message(self.Selected(*self.selected, self.sample))

    def watch_sample(self) -> None:
        self.post_message(self.Selected(*self.selected, self.sample))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        hit = self._hits.get((offset.y, offset.x))
        if hit is not None:
            self.select(*hit)

    # ----- drawing ----------------------------------------------------------------

    def _layout(self, width: int, height: int) -> _Layout:
        """Numbers if they fit, else glyphs; blocks cut to fewer source columns if even
        the glyphs do not fit."""
        sizes = self.sizes
        rows = max(1, min(max(sizes), height - 3))   # 2 header lines and a legend
        shown = [n if n <= rows else rows - 1 for n in sizes]
        sources = shown[:-1]
        for numbers in (True, False):
            total = sum(self._neuron_width(numbers) for _ in sizes)
            total += sum(_CELL[numbers] * s + 1 for s in sources)
            if total <= width:
                return _Layout(numbers, rows, shown, sources)
        spare = width - self._neuron_width(False) * len(sizes) - len(sources)
        per_block = max(1, spare // (_CELL[False] * max(1, len(sources))))
        return _Layout(False, rows, shown, [min(s, per_block) for s in sources])

    def _neuron_width(self, numbers: bool) -> int:
        """Index, dot and a space; with numbers, the activation too ('3● +0.52 ')."""
        return len(str(max(self.sizes) - 1)) + 2 + (6 if numbers else 0)

    def render(self) -> Text:
        self._hits = {}
        if not self.sizes or not self.weights:
            return Text("no network yet", style="dim")
        width, height = self.size
        lay = self._layout(width, height)
        names = layer_names(len(self.sizes) - 1)
        offsets = [(lay.rows - s - (1 if s < n else 0)) // 2 for s, n in zip(lay.shown, self.sizes)]
        firsts = [self._first(l, s) for l, s in enumerate(lay.shown)]

        header, sources_line = Text(), Text()
        body = [Text() for _ in range(lay.rows)]
        column = 0
        for l, n in enumerate(self.sizes):
            if l > 0:
                column += self._draw_block(l, lay, offsets[l], firsts[l], header, sources_line, body)
            # The neurons of layer l.
            neuron_width = self._neuron_width(lay.numbers)
            header.append(names[l][:neuron_width].ljust(neuron_width), style="bold")
            sources_line.append(" " * neuron_width)
            for r in range(lay.rows):
                k = r - offsets[l]                # the k-th neuron drawn: neuron firsts[l] + k
                j = firsts[l] + k
                if 0 <= k < lay.shown[l]:
                    text = self._neuron_text(l, j, lay.numbers)
                    body[r].append(text.ljust(neuron_width), self._neuron_style(l, j))
                    for x in range(column, column + neuron_width):
                        self._hits[(r + 2, x)] = (l, j)
                elif k == lay.shown[l] and lay.shown[l] < n:
                    body[r].append(f"⋮+{n - lay.shown[l]}".ljust(neuron_width), Style(dim=True))
                else:
                    body[r].append(" " * neuron_width)
            column += neuron_width

        legend = next((text for text in LEGENDS[lay.numbers] if len(text) <= width),
                      LEGENDS[lay.numbers][-1])
        lines = [header, sources_line, *body, Text(legend, style="dim")]
        for line in lines:
            line.truncate(width)
        return Text("\n").join(lines[:height])

    def _first(self, l: int, count: int) -> int:
        """The first of the `count` neurons of layer l drawn: 0, or later so that the
        marked neurons (the stepper's) or the selected one are among them."""
        n = self.sizes[l]
        if count >= n:
            return 0
        if self.highlight is not None:
            marked = [j for layer, j in self.highlight if layer == l]
        else:
            marked = [self.selected[1]] if self.selected[0] == l else []
        if not marked or max(marked) < count:
            return 0
        middle = (min(marked) + max(marked)) // 2
        return min(max(middle - count // 2, 0), n - count)

    def _draw_block(self, l: int, lay: _Layout, offset: int, first: int, header: Text, sources_line: Text,
                    body: list[Text]) -> int:
        """The weights W^l into layer l, rows aligned with its neurons (the first drawn is
        neuron `first`); returns the width."""
        W = self.weights[l - 1]
        cell = _CELL[lay.numbers]
        src = lay.sources[l - 1]
        first_source = self._first(l - 1, src)
        sources = range(first_source, first_source + src)
        block_width = cell * src + 1
        title = f"W{l} {sources[0]}-{sources[-1]}" if 0 < src < W.shape[0] else f"W{l}"
        header.append(title[:block_width].ljust(block_width), style="bold")
        if not sources:   # too small for any source column (a one-row diagram)
            labels = ""
        elif lay.numbers:
            labels = "".join(f"{i:>{cell - 1}} " for i in sources)
        elif sources[-1] < 10:
            labels = "".join(f"{i:<{cell}}" for i in sources)
        else:   # two-digit indices over every other glyph column, so that they stay apart
            labels = "".join(f"{i:<{2 * cell}}" for i in sources[::2])
        sources_line.append(labels[:block_width - 1].ljust(block_width), style="dim")
        for r in range(lay.rows):
            k = r - offset
            j = first + k
            line = body[r]
            if not 0 <= k < lay.shown[l]:
                line.append(" " * block_width)
                continue
            into_selected = self.selected == (l, j)
            for i in sources:
                w = float(W[i, j])
                if self.highlight is not None:   # the weights between two marked neurons
                    into_selected = (l, j) in self.highlight and (l - 1, i) in self.highlight
                style = weight_style(w) + Style(underline=True) if into_selected else weight_style(w)
                line.append(weight_number(w) + " " if lay.numbers else weight_glyph(w), style)
            line.append(" ")
        return block_width

    def _neuron_text(self, l: int, j: int, numbers: bool) -> str:
        text = f"{j:>{len(str(max(self.sizes) - 1))}}●"
        if numbers and self.activations is not None:
            text += " " + weight_number(float(self.activations[l][0, j]))
        return text

    def _neuron_style(self, l: int, j: int) -> Style:
        color = None
        if self.activations is not None:
            a = float(self.activations[l][0, j])
            color = POSITIVE if a >= 0 else NEGATIVE
        style = Style(color=color)
        marked = (l, j) in self.highlight if self.highlight is not None else (l, j) == self.selected
        if marked:
            style += Style(reverse=True, bold=True)
        return style


class NeuronInspector(Static):
    """z, a and delta of the selected neuron for the selected sample, with their equations."""

    DEFAULT_CSS = """
    NeuronInspector {
        height: 3;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def describe(self, layer: int, neuron: int, sample: int, samples: int, x, y,
                 gradients, weights, biases, activation_name: str, output_name: str,
                 layers: int, inputs: tuple[str, ...] | None = None) -> None:
        """Fill in from one backward pass for the sample (session.inspect_sample): three
        lines, with the equations spelled out when the width allows. `inputs` names what
        each input holds when it is a feature of the point (x₁², sin x₁, ...)."""
        j, width = neuron, self.size.width or 40
        wide = width >= 64
        xs = ", ".join(f"{v:.3g}" for v in np.ravel(x)[:4]) + (", …" if np.size(x) > 4 else "")
        ys = ", ".join(f"{v:.3g}" for v in np.ravel(y)[:3]) + (", …" if np.size(y) > 3 else "")
        name = layer_names(layers)[layer]
        text = Text()
        text.append(f"{name}[{j}]", style="bold")
        text.append(f"  sample {sample} of {samples} ([ ])  x=({xs}) y={ys}\n", style="dim")
        if layer == 0:
            what = f"x[{j}]" if inputs is None else inputs[j]
            text.append(f"an input: a = {what} = {float(np.ravel(x)[j]):+.4g}")
            self._show(text)
            return
        l = layer - 1                      # index of the weight layer W^layer
        z = float(gradients.zs[l][0, j])
        a = float(gradients.activations[layer][0, j])
        delta = float(gradients.deltas[l][0, j])
        f = output_name if layer == layers else activation_name
        b = weight_number(float(biases[l][j]))
        sum_text = f"Σᵢ a{layer - 1}[i]·W{layer}[i,{j}] + b = " if wide else ""
        text.append(f"z = {sum_text}{z:+.4g}   a = {f}(z) = {a:+.4g}\n")
        text.append(f"δ = ∂C/∂z = {delta:+.4g}", style="bold")
        rule = ("BP1, output" if layer == layers else "BP2, from above") if not wide else \
            ("BP1: ∇ₐC ⊙ f′(z) at the output" if layer == layers else "BP2: (δ above · Wᵀ) ⊙ f′(z)")
        text.append(f"  ({rule})  b = {b}", style="dim")
        self._show(text)

    _shown_text: Text | None = None

    def _show(self, text: Text) -> None:
        """Redraw only if the text changed (over a slow link every redraw counts)."""
        if text != self._shown_text:
            self._shown_text = text
            self.update(text, layout=False)
