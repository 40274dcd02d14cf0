"""A fully connected feed-forward network, forward and backward, in plain NumPy.

Conventions (DESIGN.md section 3), for layer l = 1..L:

    z^l = a^(l-1) @ W^l + b^l        W^l: (fan_in, fan_out), batches are rows
    a^l = f(z^l)                     f: the hidden activation, or the output's at l = L

Backpropagation computes delta^l = ∂C_x/∂z^l for each sample (Nielsen's four equations):

    BP1  delta^L = ∇_a C ⊙ f'(z^L)                (the loss supplies it; see losses.py)
    BP2  delta^l = (delta^(l+1) @ W^(l+1)ᵀ) ⊙ f'(z^l)
    BP3  ∂L/∂b^l = mean over the batch of delta^l
    BP4  ∂L/∂W^l = a^(l-1)ᵀ @ delta^l / n

In code, lists are indexed from 0: weights[0] is W^1, deltas[-1] is delta^L, and
nabla_w[0], nabla_b[0] are ∂L/∂W^1, ∂L/∂b^1 (the names of Nielsen's network.py).
"""
from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.activations import ACTIVATIONS, OUTPUTS
from engine.init import INITS
from engine.losses import LOSSES


class NetworkFileError(ValueError):
    """A file that is not a saved network, or is damaged."""


@dataclass(slots=True)
class Gradients:
    """What one backward pass finds, for a batch of n samples.

    The gradients sit in one vector ∇θ (`nabla_theta`), laid out as Network.theta, so
    that an optimizer steps with it as it is; `nabla_w` and `nabla_b` are views of it
    per layer, as in Nielsen's network.py.
    """

    nabla_theta: np.ndarray       # ∇θ: all ∂L/∂W^l, then all ∂L/∂b^l, in the order of θ
    nabla_w: list[np.ndarray]     # ∂L/∂W^l, shapes as the weights
    nabla_b: list[np.ndarray]     # ∂L/∂b^l
    loss: float = math.nan        # L, the mean of C_x over the batch
    deltas: list[np.ndarray] = field(default_factory=list)  # delta^l = ∂C_x/∂z^l, shape (n, fan_out), per sample
    zs: list[np.ndarray] = field(default_factory=list)      # z^l, per sample
    activations: list[np.ndarray] = field(default_factory=list)  # a^0 = X, a^1, ..., a^L


class ParameterViews(list):
    """A network's weights (or biases): a list of views into its θ.

    Assigning an entry copies the values into the view, so that θ, and with it
    training, keeps seeing them: `net.weights[0] = W` works like `net.weights[0][...] = W`
    (with W of the same shape), and `net.weights[0] += 1` changes W^1 in place.
    """

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            raise TypeError("assign the layers one at a time (or the whole list: net.weights = [...])")
        view = list.__getitem__(self, index)
        if value is not view:
            value = np.asarray(value, dtype=np.float64)
            if value.shape != view.shape:
                layer = index % len(self) + 1     # as in the book: index 0 holds layer 1
                raise ValueError(f"layer {layer} (index {index}) needs shape {view.shape}, got {value.shape}")
            view[...] = value


class Network:
    """Layer sizes [n_0, ..., n_L] (inputs first), one hidden activation, one output."""

    def __init__(self, sizes, activation="tanh", output="sigmoid", init="xavier", seed=0):
        self.sizes = [int(n) for n in sizes]
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"layer sizes must be at least two positive numbers, got {list(sizes)}")
        for kind, name, table in (("activation", activation, ACTIVATIONS),
                                  ("output", output, OUTPUTS), ("init", init, INITS)):
            if name not in table:
                raise ValueError(f"unknown {kind} {name!r}: choose from {', '.join(table)}")
        self.activation = ACTIVATIONS[activation]
        self.output = OUTPUTS[output]
        self.init = init
        self.seed = seed
        # One generator for the initial weights, another for training-time noise
        # (RReLU's slopes), so that evaluation never consumes random numbers.
        self.rng = np.random.default_rng([seed, 1])
        self.set_parameters(*INITS[init](self.sizes, np.random.default_rng(seed),
                                         gain=self.activation.gain if init != "xavier" else 1.0))

    def set_parameters(self, weights, biases) -> None:
        """Store all weights and biases in one vector θ (`self.theta`).

        `weights[l]` and `biases[l]` are views into θ, so writing into them in place
        (`net.weights[0][...] = ...`) changes θ, and an optimizer moves every
        parameter with one vector step, θ ← θ − η·∇θ. The order is W^1, ..., W^L,
        then b^1, ..., b^L. The values are copied: θ never shares memory with the
        arrays given.
        """
        arrays = [np.asarray(W, dtype=np.float64) for W in weights] + \
                 [np.asarray(b, dtype=np.float64) for b in biases]
        shapes = self._parameter_shapes()
        if [array.shape for array in arrays] != shapes:
            raise ValueError(f"layer sizes {self.sizes} need weights and biases of shapes {shapes}, "
                             f"got {[array.shape for array in arrays]}")
        self.theta = np.concatenate([array.ravel() for array in arrays])
        weights, biases = self.split(self.theta)
        # Set through object.__setattr__: this class's __setattr__ sends
        # `net.weights = ...` here, to keep the lists views of θ.
        object.__setattr__(self, "weights", ParameterViews(weights))  # W^1..W^L, (sizes[l], sizes[l+1])
        object.__setattr__(self, "biases", ParameterViews(biases))    # b^1..b^L, (sizes[l+1],)

    def _parameter_shapes(self) -> list[tuple[int, ...]]:
        """The shapes of W^1, ..., W^L, then b^1, ..., b^L: the order of θ."""
        sizes = self.sizes
        return [(m, n) for m, n in zip(sizes[:-1], sizes[1:])] + [(n,) for n in sizes[1:]]

    def split(self, vector: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Views of a vector laid out as θ, shaped as the layers: ([W^1..W^L], [b^1..b^L]).
        Leading axes stay: θ of many runs, (runs, P), gives W^l of shape (runs, fan_in, fan_out)."""
        views, start = [], 0
        for shape in self._parameter_shapes():
            size = math.prod(shape)
            views.append(vector[..., start:start + size].reshape(vector.shape[:-1] + shape))
            start += size
        L = len(self.sizes) - 1
        return views[:L], views[L:]

    def theta_index(self, l: int, i: int, j: int) -> int:
        """Where W^(l+1)[i, j] sits in θ (W^1, ..., W^L first, each row by row)."""
        sizes = self.sizes
        if not (0 <= l < len(sizes) - 1 and 0 <= i < sizes[l] and 0 <= j < sizes[l + 1]):
            raise ValueError(f"no weight W{l + 1}[{i},{j}] in a {sizes} network")
        before = sum(m * n for m, n in zip(sizes[:l], sizes[1:l + 1]))   # W^1 .. W^l
        return before + i * sizes[l + 1] + j

    def __setattr__(self, name, value):
        """`net.weights = [...]` (or biases) copies the values into θ."""
        if name == "weights":
            self.set_parameters(value, self.biases)
        elif name == "biases":
            self.set_parameters(self.weights, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def layers(self) -> int:
        """Number of weight layers L."""
        return len(self.weights)

    @property
    def weight_count(self) -> int:
        """How many weights (not biases) there are: θ's first entries, W^1..W^L."""
        return sum(m * n for m, n in zip(self.sizes[:-1], self.sizes[1:]))

    def config(self) -> dict:
        return {"sizes": self.sizes, "activation": self.activation.name,
                "output": self.output.name, "init": self.init, "seed": self.seed}

    def forward(self, X, train=False):
        """a^L for the inputs X (rows are samples)."""
        zs, activations, _ = self.feedforward(X, train, derivatives=False)
        return activations[-1]

    def feedforward(self, X, train=False, derivatives=True):
        """The forward pass, layer by layer, keeping what backpropagation needs.

        Returns (zs, activations, fprimes): z^l and a^l for l = 1..L, with a^0 = X
        first in activations, and f'(z^l) for the hidden layers (the output layer's
        derivative is the loss's business, BP1). In training (train=True) RReLU draws
        its random slopes; derivatives=False skips f'(z^l) for a pass that needs none.
        """
        a = np.asarray(X, dtype=np.float64)
        zs, activations, fprimes = [], [a], []
        L = self.layers
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b
            if l == L - 1:
                a = self.output(z)
            elif train:
                a, fprime = self.activation.sample(z, self.rng)
                fprimes.append(fprime)
            else:
                a = self.activation(z)
                if derivatives:
                    fprimes.append(self.activation.derivative(z))
            zs.append(z)
            activations.append(a)
        return zs, activations, fprimes

    def backward(self, X, Y, loss="bce", train=False, out: Gradients | None = None) -> Gradients:
        """Gradients of the batch loss L = mean C_x, by BP1-BP4.

        Given `out`, what an earlier call returned, it writes into out's arrays and
        returns it: a trainer that does so allocates no gradients at its steps.
        """
        cost = LOSSES[loss]
        Y = np.asarray(Y, dtype=np.float64)
        zs, activations, fprimes = self.feedforward(X, train)
        n = len(Y)
        if out is None:
            nabla_theta = np.empty_like(self.theta)
            out = Gradients(nabla_theta, *self.split(nabla_theta))
        elif out.nabla_theta.shape != self.theta.shape:
            raise ValueError(f"out holds {out.nabla_theta.size} gradients, the network {self.theta.size} parameters")
        nabla_w, nabla_b = out.nabla_w, out.nabla_b   # views of ∇θ: [...] = writes into it

        L = self.layers
        deltas = [None] * L
        deltas[-1] = cost.delta(zs[-1], activations[-1], Y, self.output)          # BP1
        for l in range(L - 2, -1, -1):
            deltas[l] = (deltas[l + 1] @ self.weights[l + 1].T) * fprimes[l]     # BP2
        for l, delta in enumerate(deltas):
            nabla_b[l][...] = delta.sum(axis=0) / n                              # BP3
            nabla_w[l][...] = activations[l].T @ delta / n                       # BP4

        out.loss = float(cost.cost(zs[-1], activations[-1], Y).sum() / n)
        out.deltas, out.zs, out.activations = deltas, zs, activations
        return out

    def evaluate(self, X, Y, loss="bce") -> tuple[np.ndarray, float]:
        """(a^L, L) on (X, Y) in evaluation mode: the outputs and the mean loss."""
        zs, activations, _ = self.feedforward(X, derivatives=False)
        cost = LOSSES[loss].cost(zs[-1], activations[-1], np.asarray(Y, dtype=np.float64))
        return activations[-1], float(cost.mean())

    def copy(self) -> "Network":
        """A twin with its own θ (a copy of this one's) and a fresh training-noise generator."""
        twin = Network.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin.set_parameters([W.copy() for W in self.weights], [b.copy() for b in self.biases])
        twin.rng = np.random.default_rng([self.seed, 1])
        return twin

    # ----- saving and loading ------------------------------------------------

    def save(self, path) -> None:
        """Write the weights, biases and config to an .npz file, as arrays W1..WL and b1..bL."""
        arrays = {f"W{l}": W for l, W in enumerate(self.weights, start=1)}
        arrays.update({f"b{l}": b for l, b in enumerate(self.biases, start=1)})
        with open(path, "wb") as file:
            np.savez(file, config=np.array(json.dumps(self.config())), **arrays)

    @classmethod
    def load(cls, path) -> "Network":
        """Read a network written by save(); a file that is not one raises NetworkFileError."""
        path = Path(path)
        if path.is_file() and not zipfile.is_zipfile(path):
            # np.load would take any other file for a pickle, and refuse it with advice
            # to unpickle it: never right for a file of unknown origin.
            raise NetworkFileError(f"{path}: not a saved network or damaged (not an .npz archive)")
        try:
            with np.load(path, allow_pickle=False) as data:
                config = json.loads(str(data["config"]))
                net = cls(config["sizes"], config["activation"], config["output"],
                          config.get("init", "xavier"), config.get("seed", 0))
                # Files saved before layers were numbered from 1 hold W0, b0 for W^1, b^1.
                first = 0 if "W0" in data.files else 1
                numbers = range(first, first + net.layers)
                weights = [data[f"W{l}"] for l in numbers]
                biases = [data[f"b{l}"] for l in numbers]
        except FileNotFoundError:
            raise NetworkFileError(f"{path}: no such file") from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, TypeError) as error:
            raise NetworkFileError(f"{path}: not a saved network or damaged ({error})") from None
        for l in range(net.layers):
            for name, read, expected in ((f"W{l + 1}", weights[l], net.weights[l]),
                                         (f"b{l + 1}", biases[l], net.biases[l])):
                if read.shape != expected.shape:
                    raise NetworkFileError(f"{path}: {name} has shape {read.shape}, expected {expected.shape}")
        net.set_parameters(weights, biases)
        return net

    def __repr__(self) -> str:
        return (f"Network({self.sizes}, activation={self.activation.name!r}, "
                f"output={self.output.name!r}, init={self.init!r}, seed={self.seed})")
