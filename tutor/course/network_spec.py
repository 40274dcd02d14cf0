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

Quantities (layers l count from 0 after the input; one training example):
  loss            the cost C_x
  output[j]       the network's output a[L-1][j] ("output" alone if it has one unit)
  output_delta[j] delta of the output layer, dC/dz[L-1][j]
  z[l][j]         weighted input of unit j in layer l: z[l] = a[l-1] @ W[l] + b[l]
  a[l][j]         its activation f(z[l][j]); a[-1] is the input
  delta[l][j]     dC/dz[l][j] (Nielsen's delta)
  grad_w[l][i][j] dC/dW[l][i][j]; W[l] has shape (fan_in, fan_out)
  grad_b[l][j]    dC/db[l][j]
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

    layers = len(sizes) - 1
    weights, biases = table["weights"], table["biases"]
    if not isinstance(weights, list) or len(weights) != layers:
        raise SpecError("weights", f"weights must hold {layers} matrices for sizes {sizes}")
    if not isinstance(biases, list) or len(biases) != layers:
        raise SpecError("biases", f"biases must hold {layers} vectors for sizes {sizes}")
    for l in range(layers):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        _check_shape("weights", f"weights[{l}]", weights[l], (fan_in, fan_out),
                     f"(fan_in x fan_out for sizes {sizes})")
        _check_shape("biases", f"biases[{l}]", biases[l], (fan_out,), f"(fan_out for sizes {sizes})")
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
    """Split "grad_w[1][0][0]" into ("grad_w", (1, 0, 0)) and check the indices fit `spec`."""
    match = QUANTITY_PATTERN.match(quantity.replace(" ", ""))
    if not match or match["name"] not in QUANTITY_INDICES:
        raise SpecError("quantity", f'unknown quantity "{quantity}" '
                                    f'(known: {", ".join(QUANTITY_INDICES)}, e.g. "delta[0][1]")')
    name = match["name"]
    indices = tuple(int(i) for i in re.findall(r"-?\d+", match["indices"]))
    if len(indices) not in QUANTITY_INDICES[name]:
        counts = " or ".join(str(n) for n in QUANTITY_INDICES[name])
        raise SpecError("quantity", f'"{quantity}": {name} takes {counts} indices')
    shape = _quantity_shape(name, indices, spec)
    if name in ("output", "output_delta") and not indices:
        if spec.sizes[-1] != 1:
            raise SpecError("quantity", f'"{quantity}": the output layer has {spec.sizes[-1]} units; '
                                        f"say which, e.g. {name}[0]")
        indices = (0,)
    for position, (index, size) in enumerate(zip(indices, shape)):
        low = -1 if (name == "a" and position == 0) else 0
        if not low <= index < size:
            raise SpecError("quantity", f'"{quantity}": index {index} is out of range (0..{size - 1})')
    return name, indices


def _quantity_shape(name: str, indices: tuple[int, ...], spec: NetworkSpec) -> tuple[int, ...]:
    """The sizes the indices of `name` range over."""
    layers = len(spec.sizes) - 1
    if name in ("output", "output_delta"):
        return (spec.sizes[-1],)
    if name == "loss":
        return ()
    layer = indices[0] if indices else 0
    fits = -1 <= layer < layers if name == "a" else 0 <= layer < layers
    if not fits:
        return (layers,)  # the range check reports the bad layer index
    if name == "a" and layer == -1:
        return (layers, spec.sizes[0])
    if name == "grad_w":
        return (layers, spec.sizes[layer], spec.sizes[layer + 1])
    return (layers, spec.sizes[layer + 1])


def evaluate(spec: NetworkSpec, quantity: str) -> float:
    """Run the engine's forward and backward pass on `spec` and return `quantity`."""
    import engine

    name, indices = parse_quantity(quantity, spec)
    net = engine.Network(list(spec.sizes), activation=spec.activation, output=spec.output, seed=0)
    for l, (w, b) in enumerate(zip(spec.weights, spec.biases)):
        net.weights[l][...] = np.array(w)
        net.biases[l][...] = np.array(b)
    x = np.array([spec.input])
    y = np.array([spec.target])
    result = net.backward(x, y, loss=spec.loss)
    last = len(spec.sizes) - 2
    if name == "loss":
        return float(result.loss)
    if name == "output":
        return float(result.activations[-1][0, indices[0]])
    if name == "output_delta":
        return float(result.deltas[last][0, indices[0]])
    layer, rest = indices[0], indices[1:]
    if name == "z":
        return float(result.zs[layer][0, rest[0]])
    if name == "a":
        return float(result.activations[layer + 1][0, rest[0]])
    if name == "delta":
        return float(result.deltas[layer][0, rest[0]])
    if name == "grad_w":
        return float(result.nabla_w[layer][rest[0], rest[1]])
    return float(result.nabla_b[layer][rest[0]])


def describe_network(spec: NetworkSpec) -> list[str]:
    """The network as lines of text, for the quiz's prompt."""
    sizes = "-".join(str(n) for n in spec.sizes)
    lines = [f"Network {sizes}: hidden activation {spec.activation}, output {spec.output}, loss {spec.loss}"]
    for l, (w, b) in enumerate(zip(spec.weights, spec.biases)):
        rows = ", ".join("[" + ", ".join(_number(v) for v in row) + "]" for row in w)
        lines.append(f"  W[{l}] = [{rows}]   b[{l}] = [{', '.join(_number(v) for v in b)}]")
    lines.append(f"  input x = [{', '.join(_number(v) for v in spec.input)}], "
                 f"target y = [{', '.join(_number(v) for v in spec.target)}]")
    lines.append("  (W[l][i][j] connects unit i of the layer below to unit j of layer l; lists count from 0)")
    return lines


def _number(value: float) -> str:
    return f"{value:g}"
