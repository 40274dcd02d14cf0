"""One training step of a network on one sample, operation by operation (issue 17).

`walk(net, x, y, loss, lr)` lists what a training step does, in order: the forward
pass (zˡ = aˡ⁻¹Wˡ + bˡ, then aˡ = f(zˡ), per layer), the loss, BP1, BP2 for each hidden
layer, BP3 and BP4 per layer, and the update with the learning rate in force. Each
Step has its equation, the numbers substituted, the quantities it shows (name, value),
the neurons it involves, and the one value a learner may predict, with the values of
the usual slips and what to say about them.

Every number is the engine's own: Network.backward on the one sample (z, a, δ, ∂C/∂W,
∂C/∂b, C), Network.feedforward's f′(zˡ) for the hidden layers, the output activation's
derivative for BP1 under MSE, and the engine's optimizer (SGD, momentum or Adam, with
the run's regularisation penalty) stepping a copy of the network from a copy of its
state for the update: v, m, v, m̂ and v̂ are the engine's arrays (Adam.corrected()).
Nothing here recomputes them a second way; only the slips' values (never shown as
right) are arithmetic on them.

Layers count from 1 as in the book (a⁰ is the input, W¹ the first weights); units count
from 0, as the arrays, the Lab and the diagram do, and are written in brackets: z¹[0],
δ²[0], W²[1,0] (from unit 1 of layer 1 into unit 0 of layer 2). Brackets keep them apart
from the book-style subscripts of hand-worked examples in the lessons, which count from 1
(lesson 4's δ¹₁ is δ¹[0] here); lesson prose names units in words ("the first hidden
unit"). Layers wider than SMALL show only the focused unit (and its weights), with the
rest summarised.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from engine.network import Network
from engine.optimizers import OPTIMIZERS, Optimizer
from tutor.maths.shown import factor, num

SMALL = 4   # a layer this wide or narrower shows all its units

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# Output/loss pairs whose delta is a − y: the loss's log cancels the output's f′.
CANCELS = {("sigmoid", "bce"), ("softmax", "cross_entropy")}


def sup(n: int) -> str:
    return str(n).translate(_SUP)


def unit(n: int) -> str:
    """A unit's index in brackets, counted from 0 as the arrays count: z¹[0]."""
    return f"[{n}]"


def step_digits(old: float, new: float) -> int:
    """Significant digits (4 to 12) that show a step from old to new: its size at least
    ten units of the last digit. Late in a run a step moves a weight in its 6th digit."""
    step, size = abs(new - old), max(abs(old), abs(new))
    if not (np.isfinite(step) and step > 0 and size > 0):
        return 4
    digits = math.floor(math.log10(size)) + 1 - math.log10(step / 10)
    return min(max(4, math.ceil(digits)), 12)


def last_digit(value: float, digits: int) -> float:
    """The size of one unit in the last of `digits` significant digits of value."""
    return 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1) if value else 0.0


def nums(old: float, new: float) -> tuple[str, str]:
    """A value before and after a step, with the digits that show the step (5.017021 →
    5.017057, where four digits would show 5.017 twice)."""
    digits = step_digits(old, new)
    return (f"{old:.{digits}g}".replace("-", "−"), f"{new:.{digits}g}".replace("-", "−"))


@dataclass(frozen=True)
class Slip:
    """A value a learner who slipped would type, and what to tell them."""

    value: float
    feedback: str


@dataclass(frozen=True)
class Step:
    kind: str                 # "z", "a", "loss", "bp1", "bp2", "bp3", "bp4", "update"
    layer: int                # the book's l (the loss and BP1: L)
    title: str
    equation: str
    lines: tuple[str, ...]    # the numbers substituted
    quantities: tuple[tuple[str, float], ...]   # every number shown, by name (z¹₀, W²[0,1], ...)
    neurons: tuple[tuple[int, int], ...]        # (layer, unit) on the diagram; layer 0 the inputs
    asks: str                 # the quantity a prediction asks for
    value: float              # its engine value
    slips: tuple[Slip, ...] = ()
    value_text: str = ""      # the value as the lines print it, if not num(value)
    tolerance: float = 0.0    # how far a prediction may be off; 0: 1% of the value, as numeric quizzes

    @property
    def shown_value(self) -> str:
        return self.value_text or num(self.value)


@dataclass(frozen=True)
class Walk:
    steps: tuple[Step, ...]
    focus: tuple[int, ...]    # the unit shown in each layer 0..L when the layer is large
    loss: str
    lr: float
    new_weights: tuple[np.ndarray, ...] = field(repr=False)
    new_biases: tuple[np.ndarray, ...] = field(repr=False)
    optimizer: str = "sgd"    # the optimizer whose step the update steps show

    def first_of_layer(self, layer: int) -> int:
        """Index of the first step of layer `layer` (forward), for jumping."""
        return next(i for i, step in enumerate(self.steps) if step.layer == layer)


def shown(n: int, unit: int) -> list[int]:
    """The units of a layer of n that a step lists: all when small, else the focused one."""
    return list(range(n)) if n <= SMALL else [unit]


def walk(net: Network, x, y, loss: str, lr: float, focus: tuple[int, int] | None = None,
         optimizer: str | Optimizer = "sgd") -> Walk:
    """The steps of one training step of `net` on the sample (x, y), in evaluation mode.

    `focus` = (layer, unit) picks the unit a large layer shows (and a prediction asks
    for); other layers show their unit 0. `optimizer` is a name of engine.OPTIMIZERS (a
    fresh one: its first step) or a run's optimizer, whose state (velocity, moments, t)
    and penalty the update starts from: the step that run would take next on this one
    sample. The network and that optimizer are left as they were.
    """
    X = np.asarray(x, dtype=np.float64).reshape(1, -1)
    Y = np.asarray(y, dtype=np.float64).reshape(1, -1)
    with np.errstate(all="ignore"):
        g = net.backward(X, Y, loss)
        _, _, fprimes = net.feedforward(X)
        update = Update.of(net, g.nabla_theta, optimizer, lr)
    L, sizes = net.layers, net.sizes
    units = [0] * (L + 1)
    if focus is not None:
        layer, unit = focus
        if 0 <= layer <= L and 0 <= unit < sizes[layer]:
            units[layer] = unit
    zs = [None] + [z[0] for z in g.zs]                     # zs[l] is zˡ
    a = [act[0] for act in g.activations]                   # a[l] is aˡ
    deltas = [None] + [d[0] for d in g.deltas]             # deltas[l] is δˡ
    W = [None] + list(net.weights)
    b = [None] + list(net.biases)
    steps = []
    for l in range(1, L + 1):
        steps += [_z_step(l, a, W, b, zs, sizes, units), _a_step(net, l, zs, a, sizes, units)]
    steps.append(_loss_step(net, loss, a[L], Y[0], g.loss, L))
    steps.append(_bp1_step(net, loss, zs[L], a[L], Y[0], deltas[L], L, units))
    for l in range(L - 1, 0, -1):
        steps.append(_bp2_step(l, W, deltas, zs, fprimes[l - 1][0], sizes, units))
    for l in range(L, 0, -1):
        steps.append(_bp3_step(l, deltas, g.nabla_b[l - 1], sizes, units))
    for l in range(L, 0, -1):
        steps.append(_bp4_step(l, a, deltas, g.nabla_w[l - 1], sizes, units))
    for l in range(L, 0, -1):
        steps.append(_update_step(l, update, sizes, units))
    twin = update.twin
    return Walk(tuple(steps), tuple(units), loss, lr,
                tuple(W.copy() for W in twin.weights), tuple(b.copy() for b in twin.biases),
                update.after.name)


# ----- the steps --------------------------------------------------------------------

def _z_step(l, a, W, b, zs, sizes, units) -> Step:
    sources, targets = shown(sizes[l - 1], units[l - 1]), shown(sizes[l], units[l])
    lines, quantities = [], []
    for j in targets:
        terms = [f"{factor(a[l - 1][i])}·{factor(W[l][i, j])}" for i in sources]
        names = " + ".join(f"a{sup(l - 1)}{unit(i)}·W{sup(l)}[{i},{j}]" for i in sources)
        more = sizes[l - 1] - len(sources)
        rest = f" + … ({more} more terms)" if more else ""
        lines.append(f"z{sup(l)}{unit(j)} = {names}{rest} + b{sup(l)}{unit(j)}")
        lines.append(f"    = {' + '.join(terms)}{rest} + {factor(b[l][j])} = {num(zs[l][j])}")
        quantities += [(f"a{sup(l - 1)}{unit(i)}", a[l - 1][i]) for i in sources]
        quantities += [(f"W{sup(l)}[{i},{j}]", W[l][i, j]) for i in sources]
        quantities += [(f"b{sup(l)}{unit(j)}", b[l][j]), (f"z{sup(l)}{unit(j)}", zs[l][j])]
    j = units[l]
    value = zs[l][j]
    slips = [Slip(value - b[l][j], f"You left out the bias b{sup(l)}{unit(j)}.")]
    if W[l].shape[0] == W[l].shape[1]:
        slips.append(Slip(float(a[l - 1] @ W[l][j, :]) + b[l][j],
                          f"You used row {j} of W{sup(l)} (the weights out of neuron {j}); "
                          f"z{sup(l)}{unit(j)} takes column {j}, the weights into it."))
    return Step("z", l, f"Forward, layer {l}: the weighted input",
                f"z{sup(l)} = a{sup(l - 1)}W{sup(l)} + b{sup(l)}", tuple(lines), _floats(quantities),
                tuple((l - 1, i) for i in sources) + tuple((l, j) for j in targets),
                f"z{sup(l)}{unit(j)}", float(value), _slips(value, slips))


def _a_step(net, l, zs, a, sizes, units) -> Step:
    L = net.layers
    f = net.output if l == L else net.activation
    targets = shown(sizes[l], units[l])
    if f.name == "softmax":
        lines = [f"a{sup(l)}{unit(j)} = e^z{sup(l)}{unit(j)} / Σ_k e^z{sup(l)}ₖ = {num(a[l][j])}" for j in targets]
    else:
        lines = [f"a{sup(l)}{unit(j)} = {f.name}({num(zs[l][j])}) = {num(a[l][j])}" for j in targets]
    quantities = [(f"z{sup(l)}{unit(j)}", zs[l][j]) for j in targets] + \
                 [(f"a{sup(l)}{unit(j)}", a[l][j]) for j in targets]
    j = units[l]
    value = a[l][j]
    slips = [Slip(zs[l][j], f"That is z{sup(l)}{unit(j)} itself: a{sup(l)} = f(z{sup(l)}) applies {f.name} to it.")]
    where = "the output" if l == L else f"layer {l}"
    return Step("a", l, f"Forward, layer {l}: the activation ({where}, {f.name})",
                f"a{sup(l)} = f(z{sup(l)}),  {f.formula}", tuple(lines), _floats(quantities),
                tuple((l, j) for j in targets), f"a{sup(l)}{unit(j)}", float(value), _slips(value, slips))


def _loss_step(net, loss, aL, y, C, L) -> Step:
    from engine.losses import LOSSES

    cost = LOSSES[loss]
    outputs = range(len(aL))
    if loss == "mse":
        terms = " + ".join(f"({num(aL[k])} − {num(y[k])})²" for k in outputs)
        lines = [f"C = ½·[{terms}] = {num(C)}"]
    elif loss == "bce":
        terms = " + ".join(f"{num(y[k])}·ln {num(aL[k])} + (1 − {num(y[k])})·ln(1 − {num(aL[k])})" for k in outputs)
        lines = [f"C = −[{terms}] = {num(C)}"]
    else:
        terms = " + ".join(f"{num(y[k])}·ln {num(aL[k])}" for k in outputs)
        lines = [f"C = −[{terms}] = {num(C)}"]
    quantities = [(f"a{sup(L)}{unit(k)}", aL[k]) for k in outputs] + \
                 [(f"y{unit(k)}", y[k]) for k in outputs] + [("C", C)]
    slips = [Slip(2 * C, "You left out the ½ of C = ½·Σ(a − y)².")] if loss == "mse" else []
    return Step("loss", L, f"The loss for this sample ({loss})", cost.formula, tuple(lines),
                _floats(quantities), tuple((L, k) for k in outputs), "C", float(C), _slips(C, slips))


def _bp1_step(net, loss, zL, aL, y, deltaL, L, units) -> Step:
    targets = shown(len(aL), units[L])
    output = net.output
    cancels = (output.name, loss) in CANCELS
    quantities = [(f"a{sup(L)}{unit(k)}", aL[k]) for k in targets] + [(f"y{unit(k)}", y[k]) for k in targets]
    k = units[L]
    slips = []
    if cancels:
        equation = f"δ{sup(L)} = ∇ₐC ⊙ f′(z{sup(L)}) = a{sup(L)} − y"
        lines = [f"The {loss} loss cancels {output.name}′: ∂C/∂a = (a − y)/f′(z), so δ{sup(L)} = a{sup(L)} − y."]
        lines += [f"δ{sup(L)}{unit(j)} = {num(aL[j])} − {factor(y[j])} = {num(deltaL[j])}" for j in targets]
        if output.name == "sigmoid":
            fprime = output.derivative(zL)
            slips.append(Slip(deltaL[k] * fprime[k], f"With {loss} the {output.name}′ cancels: δ{sup(L)} = a − y, "
                                                      f"with no f′(z{sup(L)}) factor."))
    elif output.name == "softmax":
        equation = f"δ{sup(L)} = J(z{sup(L)})ᵀ(a{sup(L)} − y),  J the softmax Jacobian ∂aₖ/∂zⱼ = aₖ(δₖⱼ − aⱼ)"
        lines = [f"δ{sup(L)}[{j}] = Σₖ (a{sup(L)}[k] − y[k])·a{sup(L)}[k]·([k = {j}] − a{sup(L)}[{j}]) = {num(deltaL[j])}" for j in targets]
    else:
        fprime = output.derivative(zL)
        equation = f"δ{sup(L)} = ∇ₐC ⊙ f′(z{sup(L)}) = (a{sup(L)} − y) ⊙ {output.name}′(z{sup(L)})"
        lines = [f"{loss} keeps f′: ∂C/∂a = a − y, times {output.derivative_formula}"]
        lines += [f"δ{sup(L)}{unit(j)} = ({num(aL[j])} − {factor(y[j])})·{factor(fprime[j])} = {num(deltaL[j])}"
                  for j in targets]
        quantities += [(f"f′(z{sup(L)}{unit(j)})", fprime[j]) for j in targets]
        slips.append(Slip(aL[k] - y[k], f"You left out f′(z{sup(L)}): with {loss}, "
                                         f"δ{sup(L)} = (a − y) ⊙ f′(z{sup(L)})."))
    quantities += [(f"δ{sup(L)}{unit(j)}", deltaL[j]) for j in targets]
    value = deltaL[k]
    return Step("bp1", L, "Backward, BP1: the output layer's error", equation, tuple(lines),
                _floats(quantities), tuple((L, j) for j in targets), f"δ{sup(L)}{unit(k)}",
                float(value), _slips(value, slips))


def _bp2_step(l, W, deltas, zs, fprime, sizes, units) -> Step:
    targets, nexts = shown(sizes[l], units[l]), shown(sizes[l + 1], units[l + 1])
    Wn, dn = W[l + 1], deltas[l + 1]
    lines, quantities = [], []
    more = sizes[l + 1] - len(nexts)
    rest = f" + … ({more} more terms)" if more else ""
    for j in targets:
        names = " + ".join(f"W{sup(l + 1)}[{j},{k}]·δ{sup(l + 1)}{unit(k)}" for k in nexts)
        terms = " + ".join(f"{factor(Wn[j, k])}·{factor(dn[k])}" for k in nexts)
        lines.append(f"δ{sup(l)}{unit(j)} = ({names}{rest})·f′(z{sup(l)}{unit(j)})")
        lines.append(f"    = ({terms}{rest})·{factor(fprime[j])} = {num(deltas[l][j])}")
        quantities += [(f"W{sup(l + 1)}[{j},{k}]", Wn[j, k]) for k in nexts]
        quantities += [(f"δ{sup(l + 1)}{unit(k)}", dn[k]) for k in nexts]
        quantities += [(f"f′(z{sup(l)}{unit(j)})", fprime[j]), (f"δ{sup(l)}{unit(j)}", deltas[l][j])]
    j = units[l]
    value = deltas[l][j]
    slips = [Slip(float(dn @ Wn[j, :]), f"You left out f′(z{sup(l)}{unit(j)}): BP2 multiplies by it, term by term.")]
    if Wn.shape[0] == Wn.shape[1]:
        slips.append(Slip(float(dn @ Wn[:, j]) * fprime[j],
                          f"You multiplied by W{sup(l + 1)}, not (W{sup(l + 1)})ᵀ: δ flows back along the "
                          f"weights out of neuron {j}, row {j} of W{sup(l + 1)}."))
    return Step("bp2", l, f"Backward, BP2: layer {l}'s error from layer {l + 1}'s",
                f"δ{sup(l)} = ((W{sup(l + 1)})ᵀδ{sup(l + 1)}) ⊙ f′(z{sup(l)})", tuple(lines),
                _floats(quantities), tuple((l, j) for j in targets) + tuple((l + 1, k) for k in nexts),
                f"δ{sup(l)}{unit(j)}", float(value), _slips(value, slips))


def _bp3_step(l, deltas, nabla_b, sizes, units) -> Step:
    targets = shown(sizes[l], units[l])
    lines = [f"∂C/∂b{sup(l)}{unit(j)} = δ{sup(l)}{unit(j)} = {num(nabla_b[j])}" for j in targets]
    quantities = [(f"δ{sup(l)}{unit(j)}", deltas[l][j]) for j in targets] + \
                 [(f"∂C/∂b{sup(l)}{unit(j)}", nabla_b[j]) for j in targets]
    j = units[l]
    return Step("bp3", l, f"Backward, BP3: the gradient of layer {l}'s biases",
                f"∂C/∂b{sup(l)} = δ{sup(l)}  (one sample: the batch mean is itself)", tuple(lines),
                _floats(quantities), tuple((l, j) for j in targets), f"∂C/∂b{sup(l)}{unit(j)}",
                float(nabla_b[j]))


def _bp4_step(l, a, deltas, nabla_w, sizes, units) -> Step:
    sources, targets = shown(sizes[l - 1], units[l - 1]), shown(sizes[l], units[l])
    lines = [f"∂C/∂W{sup(l)}[{i},{j}] = a{sup(l - 1)}{unit(i)}·δ{sup(l)}{unit(j)} = "
             f"{factor(a[l - 1][i])}·{factor(deltas[l][j])} = {num(nabla_w[i, j])}"
             for j in targets for i in sources]
    quantities = [(f"a{sup(l - 1)}{unit(i)}", a[l - 1][i]) for i in sources] + \
                 [(f"δ{sup(l)}{unit(j)}", deltas[l][j]) for j in targets] + \
                 [(f"∂C/∂W{sup(l)}[{i},{j}]", nabla_w[i, j]) for j in targets for i in sources]
    i, j = units[l - 1], units[l]
    value = nabla_w[i, j]
    slips = [Slip(a[l][j] * deltas[l][j], f"You used a{sup(l)}{unit(j)}, the neuron's own output; "
                                          f"BP4 takes its input a{sup(l - 1)}{unit(i)}.")]
    return Step("bp4", l, f"Backward, BP4: the gradient of layer {l}'s weights",
                f"∂C/∂W{sup(l)}[i,j] = a{sup(l - 1)}ᵢ·δ{sup(l)}ⱼ,  ∂C/∂W{sup(l)} = (a{sup(l - 1)})ᵀδ{sup(l)}",
                tuple(lines), _floats(quantities),
                tuple((l - 1, i) for i in sources) + tuple((l, j) for j in targets),
                f"∂C/∂W{sup(l)}[{i},{j}]", float(value), _slips(value, slips))


@dataclass(frozen=True)
class Update:
    """The optimizer's step on this sample's gradient, taken by the engine on copies:
    `before` is the optimizer's state before it (the Lab run's, or a fresh one), `after`
    its state after stepping `twin` (a copy of the network). `total` is ∇(C + P), the
    gradient the optimizer steps on (∂C/∂θ alone without a penalty)."""

    net: Network
    before: Optimizer
    after: Optimizer
    twin: Network
    gradient: np.ndarray      # ∂C/∂θ
    total: np.ndarray         # ∇(C + P)
    of_run: bool = False      # `before` is a run's optimizer (not a fresh one)

    @classmethod
    def of(cls, net: Network, gradient: np.ndarray, optimizer: str | Optimizer, lr: float) -> "Update":
        if isinstance(optimizer, str):
            before = OPTIMIZERS[optimizer](net.theta.size, lr)
        else:   # the run's optimizer: copied, so that the run's own state never moves
            before = copy.deepcopy(optimizer)
            before.lr = lr
        after, twin = copy.deepcopy(before), net.copy()
        after.step(twin.theta, gradient)
        total = copy.deepcopy(before).with_penalty(net.theta, gradient).copy()
        return cls(net, before, after, twin, gradient, total, not isinstance(optimizer, str))

    def at(self, vector: np.ndarray, l: int, index: tuple[int, ...]) -> float:
        """The entry of a θ-shaped vector for W^l[i, j] (index (i, j)) or b^l_j (index (j,))."""
        weights, biases = self.net.split(vector)
        return float((weights if len(index) == 2 else biases)[l - 1][index])


# What each optimizer's update shows: its equation and the state it keeps, by name.
_OPTIMIZER_EQUATIONS = {
    "sgd": "{W} ← {W} − η·{g}{W},  {b} ← {b} − η·{g}{b}",
    "momentum": "v ← μ·v − η·∇,  {W} ← {W} + v  (and {b} alike; v the velocity the run kept)",
    "adam": "m ← β₁m + (1 − β₁)∇,  v ← β₂v + (1 − β₂)∇²,  m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),  "
            "{W} ← {W} − η·m̂/(√v̂ + ε)  (and {b} alike)",
}


def _update_step(l, update: Update, sizes, units) -> Step:
    sources, targets = shown(sizes[l - 1], units[l - 1]), shown(sizes[l], units[l])
    before, after = update.before, update.after
    name, lr, penalty = after.name, after.lr, after.penalty
    params = [(f"W{sup(l)}[{i},{j}]", (i, j)) for j in targets for i in sources] + \
             [(f"b{sup(l)}{unit(j)}", (j,)) for j in targets]
    focused = params[sources.index(units[l - 1]) + len(sources) * targets.index(units[l])]

    def value(vector, index):
        return update.at(vector, l, index)

    lines, quantities = [], [("η", lr)]
    if update.of_run:
        lines.append("(The run steps on its batch's mean gradient; this is the step of this one sample.)")
    if penalty is not None:   # the gradient the optimizer steps on: ∂C/∂w plus the penalty's
        lines.append(f"With {penalty.name} regularisation (λ = {num(penalty.rate)}) each weight's "
                     f"gradient gains ∂P/∂w = {penalty.derivative_formula}; biases none:")
        quantities.append(("λ", penalty.rate))
        for label, index in params[:-len(targets)]:
            grad, total = value(update.gradient, index), value(update.total, index)
            lines.append(f"∇{label} = ∂C/∂{label} + {penalty.derivative_formula} = "
                         f"{factor(grad)} + {factor(total - grad)} = {num(total)}")
            quantities += [(f"∂P/∂{label}", total - grad)]
    elif name != "sgd":
        lines.append("∇ is ∂C/∂w from BP4 (∂C/∂b from BP3).")
    if name == "momentum":
        quantities.append(("μ", after.mu))
        lines.append("v starts from the run's velocity (0 on a first step).")
    if name == "adam":
        quantities += [("β₁", after.beta1), ("β₂", after.beta2), ("ε", after.eps), ("t", after.t)]
        lines.append(f"Step t = {after.t} of Adam (m and v start from the run's, 0 on a first step).")
        m_hat, v_hat = after.corrected()
    for label, index in params:
        old, new = value(update.net.theta, index), value(update.twin.theta, index)
        grad = value(update.total, index)
        old_text, new_text = nums(old, new)
        if (label, index) == focused:
            value_text = new_text
        quantities += [(label, old), (f"∇{label}", grad), (f"new {label}", new)]
        if name == "sgd":
            lines.append(f"{label} ← {old_text} − {num(lr)}·{factor(grad)} = {new_text}")
        elif name == "momentum":
            v0, v1 = value(before.velocity, index), value(after.velocity, index)
            quantities += [(f"v {label}", v0), (f"new v {label}", v1)]
            if (label, index) == focused:
                lines += [f"{label}: v ← μ·v − η·∇ = {num(after.mu)}·{factor(v0)} − {num(lr)}·{factor(grad)} = {num(v1)}",
                          f"    {label} ← {label} + v = {old_text} + {factor(v1)} = {new_text}"]
            else:
                lines.append(f"{label} ← {old_text} + ({num(after.mu)}·{factor(v0)} − {num(lr)}·{factor(grad)}) "
                             f"= {new_text}")
        else:
            m0, m1 = value(before.m, index), value(after.m, index)
            v0, v1 = value(before.v, index), value(after.v, index)
            mh, vh = value(m_hat, index), value(v_hat, index)
            quantities += [(f"m {label}", m0), (f"new m {label}", m1), (f"v {label}", v0), (f"new v {label}", v1),
                           (f"m̂ {label}", mh), (f"v̂ {label}", vh)]
            b1, b2, t = num(after.beta1), num(after.beta2), after.t
            if (label, index) == focused:
                lines += [f"{label}: m ← β₁m + (1 − β₁)∇ = {b1}·{factor(m0)} + {num(1 - after.beta1)}·{factor(grad)} "
                          f"= {num(m1)}",
                          f"    v ← β₂v + (1 − β₂)∇² = {b2}·{factor(v0)} + {num(1 - after.beta2)}·{factor(grad)}² "
                          f"= {num(v1)}",
                          f"    m̂ = m/(1 − β₁{sup(t)}) = {num(m1)}/(1 − {b1}{sup(t)}) = {num(mh)}",
                          f"    v̂ = v/(1 − β₂{sup(t)}) = {num(v1)}/(1 − {b2}{sup(t)}) = {num(vh)}",
                          f"    {label} ← {label} − η·m̂/(√v̂ + ε) = {old_text} − {num(lr)}·{factor(mh)}/"
                          f"(√{num(vh)} + {num(after.eps)}) = {new_text}"]
            else:
                lines.append(f"{label} ← {old_text} − {num(lr)}·{factor(mh)}/(√{num(vh)} + ε) = {new_text}")
    label, index = focused
    w, grad, value_ = value(update.net.theta, index), value(update.total, index), value(update.twin.theta, index)
    # Judged against the step's size, not the weight's: a step of 10⁻⁵ on a weight of 5
    # would leave the old weight within 1%. One unit of the last digit shown is allowed.
    tolerance = 0.01 * abs(value_ - w) + last_digit(max(abs(w), abs(value_)), step_digits(w, value_)) \
        if value_ != w else 0.0
    slips = [Slip(w, f"That is {label} before the step: apply the update to it."),
             Slip(w + lr * grad, "You added η·∇w: a step goes against the gradient, w − η·∇w."),
             Slip(w - grad, "You left out the learning rate η.")]
    if name == "momentum":
        slips += [Slip(w - lr * grad, "That is plain gradient descent: momentum adds μ·v, the velocity the run "
                                      "has built up (v ← μ·v − η·∇, then w ← w + v)."),
                  Slip(w - value(after.velocity, index), "You subtracted v: here v already holds −η·∇, "
                                                          "so the step is w ← w + v.")]
    elif name == "adam":
        m1, v1 = value(after.m, index), value(after.v, index)
        slips += [Slip(w - lr * m1 / (np.sqrt(v1) + after.eps), "You left out the bias correction: "
                       f"m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ) with t = {after.t}."),
                  Slip(w - lr * grad, "That is plain gradient descent: Adam steps by η·m̂/(√v̂ + ε).")]
    W, b = f"W{sup(l)}", f"b{sup(l)}"
    return Step("update", l, f"Update, layer {l}: {_OPTIMIZER_NAMES[name]} (η = {num(lr)})",
                _OPTIMIZER_EQUATIONS[name].format(W=W, b=b, g="∇" if penalty else "∂C/∂"), tuple(lines), _floats(quantities),
                tuple((l - 1, i) for i in sources) + tuple((l, j) for j in targets),
                f"new {label}", float(value_), _slips(value_, slips, tolerance), value_text, tolerance)


_OPTIMIZER_NAMES = {"sgd": "a step against the gradient", "momentum": "a momentum step",
                    "adam": "an Adam step"}


# ----- predicting ------------------------------------------------------------------

def prediction_quiz(step: Step):
    """The step's value as a numeric quiz (1% tolerance, as numeric quizzes have), its
    slips as the author's expected mistakes, so that course.answers judges it."""
    from tutor.course.blocks import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE
    from tutor.course.model import Mistake, NumericSpec, Quiz

    def tolerance(value: float) -> float:
        return step.tolerance or RELATIVE_TOLERANCE * abs(value) + ABSOLUTE_TOLERANCE

    mistakes = tuple(Mistake(f"{slip.value:.15g}", slip.feedback, slip.value, tolerance(slip.value))
                     for slip in step.slips)
    return Quiz(id=f"stepper-{step.kind}-{step.layer}", lesson_id="", kind="numeric",
                prompt=f"{step.asks} = ?", spec=NumericSpec(step.value, tolerance(step.value)),
                mistakes=mistakes)


def check_prediction(step: Step, text: str):
    """Judge a typed value of step.asks against the engine's: a course.answers Verdict."""
    from tutor.course.answers import check_answer

    return check_answer(prediction_quiz(step), text)


def _floats(quantities) -> tuple[tuple[str, float], ...]:
    return tuple((name, float(value)) for name, value in quantities)


def _slips(value: float, slips: list[Slip], tolerance: float = 0.0) -> tuple[Slip, ...]:
    """The slips whose value a judge can tell from the right one (1% apart at least, or
    twice the step's own tolerance)."""
    kept = []
    for slip in slips:
        apart = 2 * tolerance if tolerance else 0.02 * max(abs(value), abs(float(slip.value))) + 1e-9
        far = abs(float(slip.value) - value) > apart
        if np.isfinite(slip.value) and far and all(abs(slip.value - k.value) > 1e-12 for k in kept):
            kept.append(Slip(float(slip.value), slip.feedback))
    return tuple(kept)
