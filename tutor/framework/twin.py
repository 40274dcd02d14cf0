"""The engine's network rebuilt in PyTorch, and every convention that differs, in one place.

A RunConfig maps onto torch.nn field by field (CARRIED). A field RunConfig gains later
is refused by `check_carried` when it is set away from its default, until a line here
says how PyTorch does the same: one place to add. Input features need no mapping: both
sides get the same X, the features already computed from the points (config.build).

What differs between the engine and PyTorch, and how the twin maps it (CONVENTIONS):
- nn.Linear keeps its weight as (fan_out, fan_in) and computes x @ weight.T + bias;
  the engine's W^l is (fan_in, fan_out): weight = W^l transposed.
- MSE: the engine's per-sample cost is ½·Σ_k (a_k − y_k)², averaged over the batch;
  nn.MSELoss averages over every element and has no ½: L = (k/2)·MSELoss(a, y).
- BCE: the engine computes it from z^L (ln(1 + e^z) − y·z, overflow-safe), summed over
  the k outputs: L = k·BCEWithLogitsLoss(z^L, y).
- Cross-entropy: nn.CrossEntropyLoss takes z^L (the logits) and one-hot rows as class
  probabilities: the same L.
- δ^l: PyTorch's z^l.grad (retained) is ∂L/∂z^l with L the batch mean, so δ^l = n·z^l.grad.
- Momentum: the engine's velocity is a step (v ← μv − ηg, θ ← θ + v); torch.optim.SGD's
  buffer is a gradient (b ← μb + g, θ ← θ − ηb): v = −η·b while η stays the same.
- Adam: the same update and defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, ε added to √v̂).
- Softplus: nn.Softplus switches to x above threshold=20 (an error of e^−20); the twin
  sets threshold=500, past which the difference is below float64's resolution.
- RReLU: nn.RReLU(1/8, 1/3) in eval() is a leaky ReLU of slope 11/48, as the engine's
  evaluation mode; in training it draws its own slopes, so the twin applies the slopes
  the engine drew instead (replayed from the engine's generator).
- Regularisation: the engine adds the penalty's gradient ∂P/∂W (λ·W for L2, λ·sign(W)
  for L1, sign(0) = 0; the weights only) to ∇θ at the step, before momentum or Adam see
  it. The twin adds the same to each weight's .grad before optimizer.step(), explicitly:
  torch.optim's weight_decay=λ adds λ·θ to the gradient too (L2, in SGD, momentum and
  Adam alike), but to every parameter of its group, biases included, and has no L1;
  AdamW (decoupled decay: θ shrinks by ηλθ beside Adam's step, outside m and v) is
  another method and would differ.
"""
from __future__ import annotations

import dataclasses

import numpy as np

import engine

TORCH_EXTRA = "pip install 'nn-tutor[torch]'"
TORCH_CPU_HINT = "(the CPU build: add --index-url https://download.pytorch.org/whl/cpu to install torch alone)"

# The RunConfig fields that crosscheck and export carry over to PyTorch (all of them
# today). A new field is refused while set away from its default, until added here and
# mapped below.
CARRIED = frozenset({"dataset", "layers", "activation", "output", "loss", "init", "optimizer",
                     "lr", "batch_size", "epochs", "seed", "noise", "test_share", "samples",
                     "regularization", "regularization_rate", "features"})

# The mappings said to the learner (tutor crosscheck prints them; the lesson quotes them).
CONVENTIONS = (
    "nn.Linear.weight is (fan_out, fan_in): weight = Wˡ transposed",
    "mse: L = (k/2)·nn.MSELoss()(a, y)  (MSELoss averages over all n·k elements, without the ½)",
    "bce: L = k·nn.BCEWithLogitsLoss()(z, y)  (from z, as the engine computes it)",
    "cross_entropy: L = nn.CrossEntropyLoss()(z, y)  (one-hot rows as class probabilities)",
    "δˡ = n·(zˡ.grad): PyTorch's gradient of the batch mean, the engine's per sample",
    "momentum: torch.optim.SGD(momentum=0.9) keeps b = μb + g and steps −η·b; the engine's v = −η·b",
    "adam: torch.optim.Adam(betas=(0.9, 0.999), eps=1e-8): the same update",
    "softplus: nn.Softplus(threshold=500) (the default 20 switches to x too early for 1e-10)",
    "rrelu: nn.RReLU(1/8, 1/3) in eval() (slope 11/48); in training the engine's drawn slopes",
    "l2, l1: weight.grad += λ·W or λ·sign(W) before optimizer.step(), not on the biases",
    "(torch.optim's weight_decay=λ adds λ·θ to every parameter, biases too, and has no L1; AdamW differs)",
)


class TorchMissing(RuntimeError):
    """PyTorch is not installed: the message says how to install it."""


def require_torch():
    """The torch module, or TorchMissing saying how to install the extra."""
    try:
        import torch
    except ImportError:
        raise TorchMissing(f"PyTorch is not installed: {TORCH_EXTRA} {TORCH_CPU_HINT}") from None
    return torch


def torch_available() -> bool:
    try:
        require_torch()
    except TorchMissing:
        return False
    return True


class NotCarried(ValueError):
    """A setting crosscheck and export cannot carry to PyTorch yet; `.field` names it."""

    def __init__(self, field: str):
        self.field = field
        self.message = ("this setting has no PyTorch counterpart here yet, so the run cannot be "
                        "checked or exported with it; leave it at its default")
        super().__init__(f"{field}: {self.message}")


def check_carried(config: engine.RunConfig) -> None:
    """Refuse a config that sets a field this module does not map (NotCarried)."""
    default = type(config)()       # every field at its default (default_factory ones too)
    for field in dataclasses.fields(config):
        if field.name not in CARRIED and getattr(config, field.name) != getattr(default, field.name):
            raise NotCarried(field.name)


# ----- the twin ------------------------------------------------------------------------

def hidden_module(torch, name: str):
    """The torch.nn module for an engine activation (by its name)."""
    nn = torch.nn
    return {
        "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(engine.ACTIVATIONS["leaky_relu"].slope),
        "rrelu": lambda: nn.RReLU(engine.ACTIVATIONS["rrelu"].lower, engine.ACTIVATIONS["rrelu"].upper),
        "elu": lambda: nn.ELU(alpha=engine.ACTIVATIONS["elu"].alpha),
        "softplus": lambda: nn.Softplus(threshold=500.0),
        "gelu": lambda: nn.GELU(approximate="tanh"),
        "silu": nn.SiLU, "linear": nn.Identity,
    }[name]()


def output_module(torch, name: str):
    nn = torch.nn
    return {"sigmoid": nn.Sigmoid, "softmax": lambda: nn.Softmax(dim=1),
            "linear": nn.Identity, "tanh": nn.Tanh}[name]()


def torch_loss(torch, name: str, z, a, y):
    """The engine's batch loss L from PyTorch's loss modules (CONVENTIONS)."""
    nn, k = torch.nn, y.shape[1]
    if name == "mse":
        return (k / 2) * nn.functional.mse_loss(a, y)
    if name == "bce":
        return k * nn.functional.binary_cross_entropy_with_logits(z, y)
    return nn.functional.cross_entropy(z, y)


def torch_optimizer(torch, name: str, parameters, lr: float):
    optim = torch.optim
    if name == "sgd":
        return optim.SGD(parameters, lr=lr)
    if name == "momentum":
        return optim.SGD(parameters, lr=lr, momentum=engine.OPTIMIZERS["momentum"](0, lr).mu)
    adam = engine.OPTIMIZERS["adam"](0, lr)
    return optim.Adam(parameters, lr=lr, betas=(adam.beta1, adam.beta2), eps=adam.eps)


@dataclasses.dataclass
class TorchPass:
    """What one forward and backward pass of the twin gives, as NumPy arrays in the
    engine's layout (W as (fan_in, fan_out), δ per sample)."""

    output: np.ndarray
    loss: float
    deltas: list[np.ndarray]
    nabla_w: list[np.ndarray]
    nabla_b: list[np.ndarray]


def linear_layer(torch, W: np.ndarray, b: np.ndarray):
    """nn.Linear in float64 holding copies of the engine's Wˡ (transposed: nn.Linear keeps
    (fan_out, fan_in)) and bˡ."""
    linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(W.T.copy()))
        linear.bias.copy_(torch.from_numpy(b.copy()))
    return linear


class TorchTwin:
    """The engine network `net` rebuilt as a torch.nn.Sequential in float64, from its
    weights (copies: the two train apart), with the optimizer and loss of `config`."""

    def __init__(self, torch, config: engine.RunConfig, net: engine.Network):
        self.torch = torch
        self.loss_name = config.loss
        layers = []
        for l, (W, b) in enumerate(zip(net.weights, net.biases)):
            last = l == net.layers - 1
            layers += [linear_layer(torch, W, b), output_module(torch, config.output) if last
                       else hidden_module(torch, config.activation)]
        self.model = torch.nn.Sequential(*layers)
        self.linears = list(self.model)[0::2]
        self.optimizer = torch_optimizer(torch, config.optimizer, self.model.parameters(), config.lr)
        self.regularization, self.rate = config.regularization, config.regularization_rate

    def train(self, mode: bool) -> None:
        """Training or evaluation mode (only RReLU behaves differently)."""
        self.model.train(mode)

    def backward(self, X: np.ndarray, Y: np.ndarray, slopes=None) -> TorchPass:
        """Forward and backward on (X, Y); gradients left in the parameters for a step.
        slopes: per hidden layer, the RReLU slopes to apply (the engine's draws)."""
        torch = self.torch
        a = torch.from_numpy(np.array(X))      # copies: the data arrays are read-only
        y = torch.from_numpy(np.array(Y))
        zs = []
        modules = list(self.model)
        for l in range(len(self.linears)):
            z = modules[2 * l](a)
            z.retain_grad()      # so that z.grad holds ∂L/∂z after backward: δ / n
            zs.append(z)
            if slopes is not None and l < len(slopes):
                a = torch.where(z > 0, z, z * torch.from_numpy(slopes[l]))
            else:
                a = modules[2 * l + 1](z)
        loss = torch_loss(torch, self.loss_name, zs[-1], a, y)
        self.optimizer.zero_grad()
        loss.backward()
        n = len(X)
        return TorchPass(
            output=a.detach().numpy().copy(), loss=float(loss.item()),
            deltas=[n * z.grad.numpy().copy() for z in zs],
            nabla_w=[linear.weight.grad.numpy().T.copy() for linear in self.linears],
            nabla_b=[linear.bias.grad.numpy().copy() for linear in self.linears])

    def step(self) -> None:
        """The optimizer's step on ∇(L + P): the penalty's gradient joins each weight's
        .grad first, as the engine adds it to ∇θ (CONVENTIONS)."""
        with self.torch.no_grad():
            for linear in self.linears:
                W = linear.weight
                if self.regularization == "l2":
                    W.grad += self.rate * W                       # ∂P/∂W = λ·W
                elif self.regularization == "l1":
                    W.grad += self.rate * self.torch.sign(W)      # ∂P/∂W = λ·sign(W), sign(0) = 0
        self.optimizer.step()

    def weights(self) -> list[np.ndarray]:
        return [linear.weight.detach().numpy().T.copy() for linear in self.linears]

    def biases(self) -> list[np.ndarray]:
        return [linear.bias.detach().numpy().copy() for linear in self.linears]
