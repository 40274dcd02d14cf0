"""Numeric quizzes about a small, fully specified network, answered by the engine.

A numeric quiz may describe a network instead of stating its answer:

    quantity = "delta[1][0]"
    [engine]
    sizes = [2, 2, 1]
    activation = "sigmoid"
    output = "sigmoid"
    loss = "mse"
    weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5], [0.6]]]
    biases = [[0.0, 0.0], [0.0]]
    input = [1.0, 0.5]
    target = [1.0]

The engine runs one forward and one backward pass and the answer key is the
quantity it computed, so the key of a backprop-by-hand exercise cannot be wrong.

Quantities (one training example). Layers count from 1 as in the book: W¹, b¹, δ¹
belong to the first layer after the input, a[0] is the input x (a⁰ = x), and layer
L is the output. The units of a layer, in brackets, count from 0 like the engine's
arrays (and the Lab's labels: W1[0,1]).
  loss            the cost C_x
  output[j]       the network's output a[L][j] ("output" alone if it has one unit)
  output_delta[j] delta of the output layer, dC/dz[L][j]
  z[l][j]         weighted input of unit j in layer l: z[l] = a[l-1] @ W[l] + b[l], l = 1..L
  a[l][j]         its activation f(z[l][j]), l = 1..L; a[0] is the input
  delta[l][j]     dC/dz[l][j] (Nielsen's delta), l = 1..L
  grad_w[l][i][j] dC/dW[l][i][j]; W[l] has shape (fan_in, fan_out)
  grad_b[l][j]    dC/db[l][j]
Until issue 12 layers counted from 0 (delta[0] was δ¹, a[-1] the input); a quantity
that can only mean that (layer 0 of z, delta or a gradient, or a[-1]) is refused
with its book form.
"""
from __future__ import annotations

import re
from numbers import Real

import numpy as np

from tutor.course.model import NetworkSpec

NETWORK_FIELDS = ("sizes", "activation", "output", "loss", "weights", "biases", "input", "target")

# name -> number of indices after it: (layer, unit) or (layer, row, column)
QUANTITY_INDICES = {
    "loss": (0,),
    "output": (0, 1),
    "output_delta": (0, 1),
    "z": (2,),
    "a": (2,),
    "delta": (2,),
    "grad_w": (3,),
    "grad_b": (2,),
}

QUANTITY_PATTERN = re.compile(r"^(?P<name>[a-z_]+)(?P<indices>(\[-?\d+\])*)$")

# What an author who counted layers from 0 is told.
BOOK_NUMBERING = ("layers count from 1 as in the book "
                  "(W¹, b¹, δ¹ for the first layer after the input, a[0] for the input x)")


class SpecError(ValueError):
    """A network description or quantity that cannot be used; `.key` names the field."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def parse_network(table: dict) -> NetworkSpec:
    """Check the `[engine]` table's names and shapes and build a NetworkSpec."""
    import engine

    for key in table:
        if key not in NETWORK_FIELDS:
            raise SpecError(key, f'unknown field "{key}" (expected {", ".join(NETWORK_FIELDS)})')
    for key in NETWORK_FIELDS:
        if key not in table:
            raise SpecError("engine", f'missing field "{key}"')

    sizes = table["sizes"]
    if not (isinstance(sizes, list) and len(sizes) >= 2
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes)):
        raise SpecError("sizes", "sizes must list at least two positive integers, input first")
    for key, names in (("activation", engine.ACTIVATIONS), ("output", engine.OUTPUTS), ("loss", engine.LOSSES)):
        if table[key] not in names:
            raise SpecError(key, f'unknown {key} "{table[key]}" (known: {", ".join(sorted(names))})')

    try:
        engine.losses.check_pairing(table["output"], table["loss"])  # BP1 assumes the pair fits
    except ValueError as error:
        raise SpecError("loss", str(error)) from None

    layers = len(sizes) - 1
    weights, biases = table["weights"], table["biases"]
    if not isinstance(weights, list) or len(weights) != layers:
        raise SpecError("weights", f"weights must hold {layers} matrices for sizes {sizes}")
    if not isinstance(biases, list) or len(biases) != layers:
        raise SpecError("biases", f"biases must hold {layers} vectors for sizes {sizes}")
    for l in range(layers):   # the lists hold W¹, b¹ first
        fan_in, fan_out = sizes[l], sizes[l + 1]
        _check_shape("weights", f"weights[{l}] ({book_name('W', l + 1)})", weights[l], (fan_in, fan_out),
                     f"(fan_in x fan_out for sizes {sizes})")
        _check_shape("biases", f"biases[{l}] ({book_name('b', l + 1)})", biases[l], (fan_out,),
                     f"(fan_out for sizes {sizes})")
    _check_shape("input", "input", table["input"], (sizes[0],), "(one example, the input layer's width)")
    _check_shape("target", "target", table["target"], (sizes[-1],), "(the output layer's width)")

    return NetworkSpec(
        sizes=tuple(sizes),
        activation=table["activation"],
        output=table["output"],
        loss=table["loss"],
        weights=tuple(tuple(tuple(float(v) for v in row) for row in w) for w in weights),
        biases=tuple(tuple(float(v) for v in b) for b in biases),
        input=tuple(float(v) for v in table["input"]),
        target=tuple(float(v) for v in table["target"]),
    )


def _check_shape(key: str, name: str, value, shape: tuple[int, ...], why: str) -> None:
    actual = _shape(value)
    if actual is None:
        raise SpecError(key, f"{name} must be a {'x'.join(map(str, shape))} array of numbers")
    if actual != shape:
        raise SpecError(key, f"{name} has shape {'x'.join(map(str, actual))}, "
                             f"expected {'x'.join(map(str, shape))} {why}")


def _shape(value) -> tuple[int, ...] | None:
    """Shape of a nested list of real numbers, None if ragged or not numbers."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return ()
    if not isinstance(value, list) or not value:
        return None
    shapes = {_shape(item) for item in value}
    if len(shapes) != 1 or None in shapes:
        return None
    return (len(value), *shapes.pop())


def parse_quantity(quantity: str, spec: NetworkSpec) -> tuple[str, tuple[int, ...]]:
    """Split "grad_w[2][0][0]" into ("grad_w", (2, 0, 0)) and check the indices fit `spec`."""
    match = QUANTITY_PATTERN.match(quantity.replace(" ", ""))
    if not match or match["name"] not in QUANTITY_INDICES:
        raise SpecError("quantity", f'unknown quantity "{quantity}" '
                                    f'(known: {", ".join(QUANTITY_INDICES)}, e.g. "delta[1][0]")')
    name = match["name"]
    indices = tuple(int(i) for i in re.findall(r"-?\d+", match["indices"]))
    if len(indices) not in QUANTITY_INDICES[name]:
        counts = " or ".join(str(n) for n in QUANTITY_INDICES[name])
        raise SpecError("quantity", f'"{quantity}": {name} takes {counts} indices')
    if name in ("output", "output_delta") and not indices:
        if spec.sizes[-1] != 1:
            raise SpecError("quantity", f'"{quantity}": the output layer has {spec.sizes[-1]} units; '
                                        f"say which, e.g. {name}[0]")
        indices = (0,)
    if _counts_layers_from_0(name, indices):
        book = name + "".join(f"[{i}]" for i in (indices[0] + 1, *indices[1:]))
        raise SpecError("quantity", f'"{quantity}" counts layers from 0; {BOOK_NUMBERING}: write "{book}"')
    for position, (index, (low, high)) in enumerate(zip(indices, _index_ranges(name, indices, spec))):
        if not low <= index <= high:
            what = "layer" if position == 0 and name not in ("output", "output_delta") else "index"
            raise SpecError("quantity", f'"{quantity}": {what} {index} is out of range ({low}..{high})')
    return name, indices


def _counts_layers_from_0(name: str, indices: tuple[int, ...]) -> bool:
    """Can the layer index only be the numbering from 0 (before issue 12)? Layer 0 of z,
    delta or a gradient does not exist, and the input was a[-1]. Any other layer is
    valid in both numberings (delta[1] was δ², is δ¹): those cannot be told apart."""
    if name in ("z", "delta", "grad_w", "grad_b"):
        return indices[0] == 0
    return name == "a" and indices[0] == -1


def _index_ranges(name: str, indices: tuple[int, ...], spec: NetworkSpec) -> list[tuple[int, int]]:
    """The (lowest, highest) value each index of `name` may take, layer first."""
    last = len(spec.sizes) - 1                 # L: spec.sizes[l] is the width of layer l
    if name in ("output", "output_delta"):
        return [(0, spec.sizes[last] - 1)]
    if name == "loss":
        return []
    layers = (0 if name == "a" else 1, last)
    layer = indices[0]
    if not layers[0] <= layer <= last:
        return [layers]                        # the range check reports the bad layer
    units = (0, spec.sizes[layer] - 1)
    if name == "grad_w":
        return [layers, (0, spec.sizes[layer - 1] - 1), units]
    return [layers, units]


def network(spec: NetworkSpec):
    """The engine's Network with the spec's layers, activations and every weight."""
    import engine

    net = engine.Network(list(spec.sizes), activation=spec.activation, output=spec.output, seed=0)
    for l, (w, b) in enumerate(zip(spec.weights, spec.biases)):
        net.weights[l][...] = np.array(w)
        net.biases[l][...] = np.array(b)
    return net


def evaluate(spec: NetworkSpec, quantity: str) -> float:
    """Run the engine's forward and backward pass on `spec` and return `quantity`."""
    name, indices = parse_quantity(quantity, spec)
    net = network(spec)
    x = np.array([spec.input])
    y = np.array([spec.target])
    result = net.backward(x, y, loss=spec.loss)
    if name == "loss":
        return float(result.loss)
    if name == "output":
        return float(result.activations[-1][0, indices[0]])
    if name == "output_delta":
        return float(result.deltas[-1][0, indices[0]])
    layer, rest = indices[0], indices[1:]
    if name == "a":                            # activations[0] is the input a⁰ = x
        return float(result.activations[layer][0, rest[0]])
    l = layer - 1                              # the engine's lists hold layer 1 at index 0
    if name == "z":
        return float(result.zs[l][0, rest[0]])
    if name == "delta":
        return float(result.deltas[l][0, rest[0]])
    if name == "grad_w":
        return float(result.nabla_w[l][rest[0], rest[1]])
    return float(result.nabla_b[l][rest[0]])


def describe_network(spec: NetworkSpec) -> list[str]:
    """The network as lines of text, for the quiz's prompt."""
    sizes = "-".join(str(n) for n in spec.sizes)
    if len(spec.sizes) == 2:  # one layer: there is no hidden activation to name
        lines = [f"Network {sizes} (one layer, no hidden units): output {spec.output}, loss {spec.loss}"]
    else:
        lines = [f"Network {sizes}: hidden activation {spec.activation}, output {spec.output}, loss {spec.loss}"]
    for l, (w, b) in enumerate(zip(spec.weights, spec.biases), start=1):
        rows = ", ".join("[" + ", ".join(_number(v) for v in row) + "]" for row in w)
        lines.append(f"  {book_name('W', l)} = [{rows}]   {book_name('b', l)} = [{', '.join(_number(v) for v in b)}]")
    lines.append(f"  input x = [{', '.join(_number(v) for v in spec.input)}], "
                 f"target y = [{', '.join(_number(v) for v in spec.target)}]")
    lines.append("  (Wˡ: a row per unit of layer l − 1, a column per unit of layer l)")   # fits 80 columns
    return lines


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def book_name(symbol: str, layer: int) -> str:
    """W¹, b², δ³: a quantity of a layer, numbered from 1 as in the book."""
    return symbol + str(layer).translate(_SUPERSCRIPT)


def _number(value: float) -> str:
    return f"{value:g}"
