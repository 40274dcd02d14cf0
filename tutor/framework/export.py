"""`tutor export --to numpy|pytorch`: a run as one readable, standalone Python script.

The NumPy script imports only NumPy (and math): the engine's arithmetic written out for
this one network, in the engine's names (z, a, delta, nabla_w, nabla_b) with BP1-BP4 as
comments, top to bottom like a page of a textbook. It draws the same initial weights,
shuffles and RReLU slopes from the same seeds, so it prints exactly the losses the engine
computes. The PyTorch script is the same network in torch.nn as a PyTorch user writes it,
started from the same weights; it agrees with the engine to about 1e-12 (float64).

Both embed the training data as the tutor generated it (so they need no dataset code),
up to MAX_NUMBERS numbers, and print the loss at epochs 1, 10, 100, ... and the last.
With input features, they embed the 2-D points and compute the features from them in a
`features(points)` function; with regularisation, the NumPy script adds the penalty's
gradient at its step, the PyTorch one adds the penalty to the loss before backward.
Both print the data loss L, without the penalty, as `tutor train` does.
"""
from __future__ import annotations

import engine
from engine.features import RAW
from tutor.framework.twin import check_carried

TARGETS = ("numpy", "pytorch")
MAX_NUMBERS = 100_000   # data embedded in a script: 200 samples of 2 inputs are 600 numbers


class ExportError(ValueError):
    """A run that cannot be exported; `.field` names the setting to change."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def export(config: engine.RunConfig, to: str) -> str:
    """The script for `config` (raises ExportError, NotCarried or engine.ConfigError)."""
    if to not in TARGETS:
        raise ExportError("to", f"unknown target {to!r}: choose from {', '.join(TARGETS)}")
    check_carried(config)
    data = config.checked_dataset()
    numbers = _points(config, data).size + data.Y.size
    if numbers > MAX_NUMBERS:
        raise ExportError("samples", f"the script would hold {numbers:,} numbers of data; the limit is "
                                     f"{MAX_NUMBERS:,}: use fewer samples")
    return (_numpy_script if to == "numpy" else _pytorch_script)(config, data)


# ----- the parts both scripts share ------------------------------------------------------

def _title(config: engine.RunConfig) -> str:
    extras = ""
    if config.features != RAW:
        extras += f" Input features {', '.join(config.features)}."
    if config.regularization != "none":
        extras += f" {config.regularization.upper()} regularisation, λ = {config.regularization_rate:g}."
    return (f"{config.dataset} {'-'.join(map(str, config.layers))}: {_hidden_text(config)}, "
            f"{config.output} output, {config.loss} loss, {config.optimizer} with learning rate "
            f"{config.lr:g}, {config.epochs:,} epochs, seed {config.seed}.{extras}")


def _hidden_text(config: engine.RunConfig) -> str:
    """'no hidden layer' (the activation is then unused), 'one tanh hidden layer', '3 tanh hidden layers'."""
    hidden = len(config.layers) - 2
    if hidden == 0:
        return "no hidden layer"
    return f"one {config.activation} hidden layer" if hidden == 1 else f"{hidden} {config.activation} hidden layers"


def _options(config: engine.RunConfig) -> str:
    default = engine.RunConfig().to_dict()
    return " ".join(f"--{name.replace('_', '-')} {_option_value(value)}"
                    for name, value in config.to_dict().items()
                    if value != default.get(name, value))


def _option_value(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def _settings(config: engine.RunConfig, samples: int) -> str:
    batch = config.batch_size if config.batch_size and config.batch_size < samples else samples
    whole = "      # the whole set: full-batch gradient descent" if batch == samples else ""
    return (f"SIZES = {list(config.layers)}      # n⁰ inputs, the hidden layers' sizes, nᴸ outputs\n"
            f"LEARNING_RATE = {config.lr!r}     # η\n"
            f"EPOCHS = {config.epochs}\n"
            f"BATCH_SIZE = {batch}{whole}\n"
            f"SEED = {config.seed}          # initial weights, shuffles and RReLU slopes all follow from it\n"
            + (f"REGULARIZATION_RATE = {config.regularization_rate!r}   # λ, the {config.regularization.upper()} "
               "penalty's rate\n" if config.regularization != "none" else ""))


def _matrix(name: str, rows, wrap: str) -> str:
    """`name = wrap([...])`, one sample per line, each number exactly (repr round-trips)."""
    lines = ",\n".join("    [" + ", ".join(repr(float(v)) for v in row) + "]" for row in rows)
    return f"{name} = {wrap}([\n{lines},\n])\n"


def _points(config: engine.RunConfig, data):
    """What a script embeds as its inputs: the 2-D points when it computes features from
    them, else X itself."""
    return data.X if config.features == RAW else data.raw.X


# Each feature as a script computes it from the columns x1 and x2 (engine/features.py's
# arithmetic, so that the NumPy script's inputs are the engine's to the last bit).
_FEATURE_CODE = {"x1": "x1", "x2": "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1x2": "x1 * x2",
                 "sin_x1": "{lib}.sin(x1)", "sin_x2": "{lib}.sin(x2)"}


def _features(config: engine.RunConfig, lib: str, stack: str) -> str:
    """def features(points): one column per chosen feature, in the input layer's order."""
    width = max(len(_FEATURE_CODE[name].format(lib=lib)) for name in config.features)
    columns = "".join(f"        {_FEATURE_CODE[name].format(lib=lib) + ',':<{width + 1}}   # {name}\n"
                      for name in config.features)
    return ("\n\n# The input features: the network does not see the points (x1, x2) as they are,\n"
            "# but these, computed from them, one input neuron each.\n"
            "def features(points):\n"
            "    x1, x2 = points[:, 0], points[:, 1]\n"
            f"    return {stack}([\n{columns}    ]{', dim=1' if lib == 'torch' else ''})\n\n\n"
            "X = features(POINTS)   # the inputs a⁰ = x\n")


def _data(config: engine.RunConfig, data, wrap: str) -> str:
    made = (f"the file {config.dataset}" if data.name != config.dataset or config.dataset.endswith(".csv")
            else f"dataset {config.dataset}, as nn-tutor generated it with seed {config.seed}")
    if config.features == RAW:
        return (f"# The training data ({made}): one sample per row,\n"
                "# X the inputs a⁰ = x, Y the targets y.\n"
                + _matrix("X", data.X, wrap) + _matrix("Y", data.Y, wrap))
    lib, stack = ("np", "np.column_stack") if wrap == "np.array" else ("torch", "torch.stack")
    return (f"# The training data ({made}): one sample per row,\n"
            "# POINTS the 2-D points (x1, x2), Y the targets y.\n"
            + _matrix("POINTS", data.raw.X, wrap) + _matrix("Y", data.Y, wrap) + _features(config, lib, stack))


def _initial_parameters(config: engine.RunConfig) -> str:
    """The initialisation scheme, drawing what engine.init draws, in the same order."""
    gain = 1.0 if config.init == "xavier" else engine.ACTIVATIONS[config.activation].gain
    body = {
        "xavier": ('    """Xavier/Glorot uniform: W ~ U(±√(6/(fan_in + fan_out))), b = 0."""\n'
                   "    weights = []\n"
                   "    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):\n"
                   f"        bound = {gain!r} * math.sqrt(6.0 / (fan_in + fan_out))\n"
                   "        weights.append(rng.uniform(-bound, bound, size=(fan_in, fan_out)))\n"
                   "    return weights, [np.zeros(n) for n in sizes[1:]]\n"),
        "he": ('    """He/Kaiming normal: W ~ N(0, (gain/√fan_in)²), b = 0; the gain suits the activation."""\n'
               f"    gain = {gain!r}\n"
               "    weights = [rng.normal(0.0, gain / math.sqrt(fan_in), size=(fan_in, fan_out))\n"
               "               for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]\n"
               "    return weights, [np.zeros(n) for n in sizes[1:]]\n"),
        "normal": ('    """Every weight and bias ~ N(0, 1), as Nielsen\'s network.py."""\n'
                   "    weights = [rng.normal(0.0, 1.0, size=(fan_in, fan_out))\n"
                   "               for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]\n"
                   "    return weights, [rng.normal(0.0, 1.0, size=n) for n in sizes[1:]]\n"),
        "zero": ('    """All zeros: every hidden unit stays the same as its neighbours (symmetry)."""\n'
                 "    return ([np.zeros((fan_in, fan_out)) for fan_in, fan_out in zip(sizes[:-1], sizes[1:])],\n"
                 "            [np.zeros(n) for n in sizes[1:]])\n"),
    }[config.init]
    return ("# Initial weights: Wˡ has shape (fan_in, fan_out), one row per unit of the layer below.\n"
            "def initial_parameters(sizes, rng):\n" + body)


def _batches(wrap_rows: str) -> str:
    return ("def batches(shuffle):\n"
            '    """The epoch\'s batches: the whole set, or a fresh shuffle cut into BATCH_SIZE pieces."""\n'
            "    if BATCH_SIZE >= len(X):\n"
            "        return [(X, Y)]\n"
            f"    order = {wrap_rows}\n"
            "    X_shuffled, Y_shuffled = X[order], Y[order]\n"
            "    return [(X_shuffled[i:i + BATCH_SIZE], Y_shuffled[i:i + BATCH_SIZE])\n"
            "            for i in range(0, len(X), BATCH_SIZE)]\n")


def _report(indent: str) -> str:
    """Print the loss at epochs 1, 10, 100, ... and the last; stop on inf or NaN."""
    return (f"{indent}if epoch == report_at or epoch == EPOCHS or not math.isfinite(loss):\n"
            f"{indent}    print(f\"epoch {{epoch:>{{len(str(EPOCHS))}}}}  loss {{loss!r}}\")\n"
            f"{indent}if epoch == report_at:\n"
            f"{indent}    report_at *= 10\n"
            f"{indent}if not math.isfinite(loss):\n"
            f"{indent}    print(f\"diverged at epoch {{epoch}}: the learning rate is too large for this network\")\n"
            f"{indent}    break\n")


# ----- NumPy ----------------------------------------------------------------------------

# The hidden activation in training: a = f(z) and f′(z), exactly as engine/activations.py
# computes them (`sample`), so that the script's numbers are the engine's to the last bit.
_ACTIVATE = {
    "sigmoid": ("σ(z) = 1/(1 + e^(−z)), σ′ = σ(1 − σ)",
                "a = np.exp(-np.logaddexp(0.0, -z))   # 1/(1 + e^−z), without overflow\n"
                "return a, a * (1.0 - a)"),
    "tanh": ("tanh(z), tanh′ = 1 − tanh²",
             "a = np.tanh(z)\nreturn a, 1.0 - a * a"),
    "relu": ("max(0, z), relu′ = 1 for z > 0, else 0",
             "return np.maximum(z, 0.0), (z > 0).astype(np.float64)"),
    "leaky_relu": ("z for z > 0, else 0.01·z; f′ = 1 or 0.01",
                   "return np.where(z > 0, z, 0.01 * z), np.where(z > 0, 1.0, 0.01)"),
    "rrelu": ("z for z > 0, else s·z with a slope s ~ U(1/8, 1/3) drawn per element in training",
              "slopes = noise.uniform(1.0 / 8.0, 1.0 / 3.0, size=z.shape)\n"
              "fprime = np.where(z > 0, 1.0, slopes)\n"
              "return z * fprime, fprime"),
    "elu": ("z for z > 0, else α(e^z − 1), α = 1; f′ = 1 or αe^z",
            "alpha = 1.0\n"
            "return (np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0))),\n"
            "        np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0))))"),
    "softplus": ("ln(1 + e^z), softplus′ = σ(z)",
                 "return np.logaddexp(0.0, z), np.exp(-np.logaddexp(0.0, -z))"),
    "gelu": ("½z(1 + tanh(√(2/π)(z + 0.044715z³))), the tanh approximation",
             "c, k = math.sqrt(2.0 / math.pi), 0.044715\n"
             "t = np.tanh(c * (z + k * z**3))\n"
             "a = 0.5 * z * (1.0 + t)\n"
             "return a, 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * c * (1.0 + 3.0 * k * z * z)"),
    "silu": ("z·σ(z), silu′ = σ(1 + z(1 − σ))",
             "s = np.exp(-np.logaddexp(0.0, -z))   # σ(z)\n"
             "return z * s, s * (1.0 + z * (1.0 - s))"),
    "linear": ("z, f′ = 1", "return z, np.ones_like(z)"),
}

_OUTPUT = {
    "sigmoid": "return np.exp(-np.logaddexp(0.0, -z))   # σ(z), without overflow",
    "softmax": ("shifted = z - z.max(axis=-1, keepdims=True)   # the same result, no overflow\n"
                "e = np.exp(shifted)\n"
                "return e / e.sum(axis=-1, keepdims=True)"),
    "linear": "return z",
    "tanh": "return np.tanh(z)",
}

_COST = {
    "mse": ("½·Σ_k (a_k − y_k)²", "error = a - y\nreturn 0.5 * (error * error).sum(axis=-1)"),
    "bce": ("−Σ_k [y ln a + (1 − y) ln(1 − a)], written with z: ln(1 + e^z) − y·z (finite at |z| = 1000)",
            "return (np.logaddexp(0.0, z) - y * z).sum(axis=-1)"),
    "cross_entropy": ("−Σ_k y_k ln a_k, with ln softmax(z)_k = z_k − ln Σ_j e^(z_j)",
                      "shifted = z - z.max(axis=-1, keepdims=True)\n"
                      "log_a = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))\n"
                      "return -(y * log_a).sum(axis=-1)"),
}

_MSE_OUTPUT_DERIVATIVE = {
    "sigmoid": "s = np.exp(-np.logaddexp(0.0, -z))\nreturn (a - y) * (s * (1.0 - s))   # (a − y) ⊙ σ′(z)",
    "tanh": "t = np.tanh(z)\nreturn (a - y) * (1.0 - t * t)   # (a − y) ⊙ tanh′(z)",
    "linear": "return (a - y) * np.ones_like(z)   # (a − y) ⊙ 1",
    "softmax": ("g = a - y   # ∂C/∂a; softmax mixes the outputs, so ∂C/∂z = a ⊙ (g − Σ_j g_j a_j)\n"
                "return a * (g - (g * a).sum(axis=-1, keepdims=True))"),
}

_STEP = {
    "sgd": ("# Gradient descent: θ ← θ − η·∇θ, for every weight and bias.\n"
            "def make_optimizer(parameters):\n"
            "    def step(gradients):\n"
            "        for theta, gradient in zip(parameters, gradients):\n"
            "            theta -= LEARNING_RATE * gradient\n"
            "    return step\n"),
    "momentum": ("# Momentum (heavy ball): v ← μ·v − η·∇θ;  θ ← θ + v, with μ = 0.9.\n"
                 "def make_optimizer(parameters):\n"
                 "    mu = 0.9\n"
                 "    velocities = [np.zeros_like(theta) for theta in parameters]\n"
                 "    def step(gradients):\n"
                 "        for theta, v, gradient in zip(parameters, velocities, gradients):\n"
                 "            v *= mu\n"
                 "            v -= LEARNING_RATE * gradient\n"
                 "            theta += v\n"
                 "    return step\n"),
    "adam": ("# Adam (Kingma & Ba 2015): m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;\n"
             "# θ ← θ − η·m̂/(√v̂ + ε), with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).\n"
             "def make_optimizer(parameters):\n"
             "    beta1, beta2, eps = 0.9, 0.999, 1e-8\n"
             "    ms = [np.zeros_like(theta) for theta in parameters]\n"
             "    vs = [np.zeros_like(theta) for theta in parameters]\n"
             "    t = 0\n"
             "    def step(gradients):\n"
             "        nonlocal t\n"
             "        t += 1\n"
             "        for theta, m, v, g in zip(parameters, ms, vs, gradients):\n"
             "            m *= beta1\n"
             "            m += (1.0 - beta1) * g\n"
             "            v *= beta2\n"
             "            v += (1.0 - beta2) * (g * g)\n"
             "            m_hat = m / (1.0 - beta1**t)\n"
             "            v_hat = v / (1.0 - beta2**t)\n"
             "            theta -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + eps)\n"
             "    return step\n"),
}


def _indent(code: str, spaces: int = 4) -> str:
    return "".join(" " * spaces + line + "\n" for line in code.splitlines())


# The penalty's gradient, added to ∂L/∂W before the step (engine/regularization.py).
_PENALTY_GRADIENT = {
    "l2": ("REGULARIZATION_RATE * W", "L2, P = (λ/2)·Σ w²", "λ·W"),
    "l1": ("REGULARIZATION_RATE * np.sign(W)", "L1, P = λ·Σ |w|", "λ·sign(W)"),   # np.sign(0) = 0
}


def _numpy_penalty(config: engine.RunConfig) -> str:
    if config.regularization == "none":
        return ""
    gradient, penalty, derivative = _PENALTY_GRADIENT[config.regularization]
    return (f"            # {penalty} on the weights: step on ∂(L + P)/∂W = ∂L/∂W + {derivative}.\n"
            f"            nabla_w = [nw + {gradient} for nw, W in zip(nabla_w, weights)]\n")


def _numpy_script(config: engine.RunConfig, data) -> str:
    what, activate = _ACTIVATE[config.activation]
    cost_formula, cost = _COST[config.loss]
    if config.loss == "mse":
        delta, delta_doc = _MSE_OUTPUT_DERIVATIVE[config.output], "BP1: δᴸ = ∇ₐC ⊙ f′(zᴸ), with ∇ₐC = a − y"
    else:
        delta, delta_doc = "return a - y", (f"BP1: δᴸ = a − y ({config.output}'s derivative cancels "
                                           f"against the {config.loss} loss's logarithm)")
    return f'''"""{_title(config)}

Exported from nn-tutor (`tutor export --to numpy {_options(config)}`): the network that
`tutor train` trains with these settings, in plain NumPy, with nothing from nn-tutor.
The names are the tutor engine's and Nielsen's: zˡ = aˡ⁻¹ Wˡ + bˡ and aˡ = f(zˡ) for
layers l = 1 … L (a batch is a stack of rows), delta for δˡ = ∂C_x/∂zˡ, nabla_w and
nabla_b for ∂L/∂Wˡ and ∂L/∂bˡ, L the mean of the per-sample cost C_x over a batch.
Python lists count from 0: weights[0] is W¹.

Run it with `python <this file>`: it prints the loss at epochs 1, 10, 100, ... and the
last, the numbers `tutor train` prints (here to every digit).
"""
import math

import numpy as np

{_settings(config, len(data.X))}
{_data(config, data, "np.array")}

# The hidden layers' activation, in training: a = f(z) and f′(z) for backpropagation.
# f(z) = {what}.
def activate(z, noise):
{_indent(activate)}

# The output layer: aᴸ = output(zᴸ).
def output(z):
{_indent(_OUTPUT[config.output])}

# The cost of each sample (one per row): C_x = {cost_formula}.
def cost(z, a, y):
{_indent(cost)}

# {delta_doc}.
def output_delta(z, a, y):
{_indent(delta)}

{_initial_parameters(config)}

def backward(x, y, weights, biases, noise):
    """The batch loss L and its gradients ∂L/∂Wˡ and ∂L/∂bˡ, by Nielsen's BP1-BP4."""
    # Forward, keeping what the backward pass needs: zˡ, aˡ and f′(zˡ).
    a = x
    zs, activations, fprimes = [], [a], []
    L = len(weights)
    for l in range(L):
        z = a @ weights[l] + biases[l]
        if l == L - 1:
            a = output(z)
        else:
            a, fprime = activate(z, noise)
            fprimes.append(fprime)
        zs.append(z)
        activations.append(a)
    # Backward: δ from the output layer down, then the gradients of each layer.
    n = len(y)
    deltas = [None] * L
    deltas[-1] = output_delta(zs[-1], activations[-1], y)              # BP1: δᴸ
    for l in range(L - 2, -1, -1):
        deltas[l] = (deltas[l + 1] @ weights[l + 1].T) * fprimes[l]    # BP2: δˡ = (δˡ⁺¹ (Wˡ⁺¹)ᵀ) ⊙ f′(zˡ)
    nabla_b = [delta.sum(axis=0) / n for delta in deltas]             # BP3: ∂L/∂bˡ = mean of δˡ
    nabla_w = [activations[l].T @ deltas[l] / n for l in range(L)]    # BP4: ∂L/∂Wˡ = (aˡ⁻¹)ᵀ δˡ / n
    loss = float(cost(zs[-1], activations[-1], y).sum() / n)
    return loss, nabla_w, nabla_b


{_STEP[config.optimizer]}

{_batches("shuffle.permutation(len(X))")}

def main():
    weights, biases = initial_parameters(SIZES, np.random.default_rng(SEED))
    noise = np.random.default_rng([SEED, 1])     # RReLU's random slopes (other activations draw none)
    shuffle = np.random.default_rng([SEED, 2])   # the order of the samples in each epoch
    step = make_optimizer(weights + biases)
    report_at = 1
    for epoch in range(1, EPOCHS + 1):
        losses = []                              # each batch's loss L (without P), measured before its step
        for x, y in batches(shuffle):
            loss, nabla_w, nabla_b = backward(x, y, weights, biases, noise)
{_numpy_penalty(config)}            step(nabla_w + nabla_b)
            losses.append(loss)
        loss = sum(losses) / len(losses)
{_report(" " * 8)}

if __name__ == "__main__":
    with np.errstate(all="ignore"):              # a diverging run is reported, not warned about
        main()
'''


# ----- PyTorch ----------------------------------------------------------------------------

_TORCH_HIDDEN = {
    "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.01)", "rrelu": "RReLUWithNumPySlopes(noise)", "elu": "nn.ELU(alpha=1.0)",
    "softplus": "nn.Softplus(threshold=500.0)", "gelu": 'nn.GELU(approximate="tanh")',
    "silu": "nn.SiLU()", "linear": "nn.Identity()",
}
_TORCH_OUTPUT = {"sigmoid": "nn.Sigmoid()", "softmax": "nn.Softmax(dim=1)", "tanh": "nn.Tanh()"}

_TORCH_LOSS = {
    "mse": ("# nn.MSELoss averages (a − y)² over all n·k numbers and has no ½; nn-tutor's MSE is\n"
            "# ½·Σ_k (a_k − y_k)² per sample, averaged over the batch: k/2 times MSELoss.\n"
            "mse = nn.MSELoss()\n"
            "def loss_fn(a, y):\n"
            "    return y.shape[1] / 2 * mse(a, y)\n"),
    "bce": ("# BCEWithLogitsLoss takes z (the model has no final sigmoid): overflow-safe, as the\n"
            "# engine's BCE. It averages over all n·k numbers; nn-tutor sums the k outputs.\n"
            "bce = nn.BCEWithLogitsLoss()\n"
            "def loss_fn(z, y):\n"
            "    return y.shape[1] * bce(z, y)\n"),
    "cross_entropy": ("# CrossEntropyLoss takes z (the model has no final softmax) and the one-hot rows\n"
                      "# of Y as class probabilities: the mean of −Σ_k y_k ln softmax(z)_k.\n"
                      "loss_fn = nn.CrossEntropyLoss()\n"),
}

_TORCH_OPTIMIZER = {
    "sgd": "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)",
    "momentum": ("torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)\n"
                 "# (PyTorch keeps b ← 0.9·b + g and steps −η·b; nn-tutor's velocity v = −η·b: the same steps.)"),
    "adam": "torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)",
}

_TORCH_PENALTY = {
    "l2": ("# L2 regularisation: the penalty P = (λ/2)·Σ w² on the weights (not the biases). Added\n"
           "# to the loss before backward, autograd adds ∂P/∂W = λ·W to each weight's gradient.\n"
           "# (torch.optim's weight_decay=λ would add λ·θ to the biases' gradients too; AdamW's\n"
           "# decoupled weight decay is another method, outside Adam's moments.)\n"
           "def penalty():\n"
           "    return REGULARIZATION_RATE / 2 * sum((linear.weight ** 2).sum() for linear in linears)\n\n"),
    "l1": ("# L1 regularisation: the penalty P = λ·Σ |w| on the weights (not the biases). Added to\n"
           "# the loss before backward, autograd adds ∂P/∂W = λ·sign(W) (|w|'s slope at 0 is taken as 0).\n"
           "def penalty():\n"
           "    return REGULARIZATION_RATE * sum(linear.weight.abs().sum() for linear in linears)\n\n"),
}


def _torch_backward(config: engine.RunConfig) -> str:
    if config.regularization == "none":
        return "            loss.backward()                      # autograd: BP1-BP4 for every parameter\n"
    return ("            (loss + penalty()).backward()        # autograd: ∇(L + P) for every parameter\n")


_RRELU_MODULE = '''
class RReLUWithNumPySlopes(nn.Module):
    """nn.RReLU(1/8, 1/3), with its training-time slopes drawn from NumPy's generator in the
    order nn-tutor's engine draws them, so that this run is the tutor's run. In a project of
    your own, write nn.RReLU(1/8, 1/3) (it draws from PyTorch's generator instead)."""

    def __init__(self, rng):
        super().__init__()
        self.rng = rng

    def forward(self, z):
        if not self.training:
            return nn.functional.rrelu(z, 1.0 / 8.0, 1.0 / 3.0, training=False)   # slope 11/48
        slopes = torch.from_numpy(self.rng.uniform(1.0 / 8.0, 1.0 / 3.0, size=tuple(z.shape)))
        return torch.where(z > 0, z, z * slopes)

'''


def _pytorch_script(config: engine.RunConfig, data) -> str:
    sizes = config.layers
    lines = []
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = l == len(sizes) - 2
        lines.append(f"    nn.Linear({fan_in}, {fan_out}),")
        if not last:
            lines.append(f"    {_TORCH_HIDDEN[config.activation]},")
        elif config.loss == "mse" and config.output in _TORCH_OUTPUT:
            lines.append(f"    {_TORCH_OUTPUT[config.output]},")
        elif config.loss != "mse":
            lines[-1] += f"    # no final {config.output}: the loss takes z"
    rrelu = config.activation == "rrelu"
    return f'''"""{_title(config)}

Exported from nn-tutor (`tutor export --to pytorch {_options(config)}`): the network that
`tutor train` trains with these settings, written with torch.nn in float64. It starts
from the tutor's initial weights (drawn with NumPy as the tutor draws them) and takes
the same batches, so its losses agree with `tutor train`'s to about 12 digits.

Run it with `python <this file>`: it prints the loss at epochs 1, 10, 100, ... and the last.
"""
import math

import numpy as np
import torch
from torch import nn

torch.set_default_dtype(torch.float64)   # nn-tutor's engine computes in float64 throughout

{_settings(config, len(data.X))}
{_data(config, data, "torch.tensor")}

{_initial_parameters(config)}
{_RRELU_MODULE if rrelu else ""}
{"noise = np.random.default_rng([SEED, 1])   # RReLU's training-time slopes" + chr(10) if rrelu else ""}model = nn.Sequential(
{chr(10).join(lines)}
)
# Start where nn-tutor starts: nn.Linear keeps weight as (fan_out, fan_in), the transpose
# of the tutor's Wˡ. (A PyTorch project would usually keep PyTorch's own initialisation.)
weights, biases = initial_parameters(SIZES, np.random.default_rng(SEED))
with torch.no_grad():
    linears = [module for module in model if isinstance(module, nn.Linear)]
    for linear, W, b in zip(linears, weights, biases):
        linear.weight.copy_(torch.from_numpy(W.T))
        linear.bias.copy_(torch.from_numpy(b))

{_TORCH_LOSS[config.loss]}
{_TORCH_PENALTY.get(config.regularization, "")}optimizer = {_TORCH_OPTIMIZER[config.optimizer]}


{_batches("torch.from_numpy(shuffle.permutation(len(X)))")}

def main():
    shuffle = np.random.default_rng([SEED, 2])   # the order of the samples in each epoch
    report_at = 1
    for epoch in range(1, EPOCHS + 1):
        losses = []                              # each batch's loss L (without P), measured before its step
        for x, y in batches(shuffle):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
{_torch_backward(config)}            optimizer.step()
            losses.append(loss.item())
        loss = sum(losses) / len(losses)
{_report(" " * 8)}

if __name__ == "__main__":
    main()
'''
