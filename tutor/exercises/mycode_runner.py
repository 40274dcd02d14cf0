"""The learner's subprocess for "use my code": `python -m tutor.exercises.mycode_runner RUN.npz SECONDS`.

RUN.npz (written by mycode.py) holds the run: the training data, the engine's initial
weights and the settings (which of the learner's files to load). This side trains that
network with the learner's own functions (their dense layer, activation, loss and its
delta, BP2, BP3/BP4 and step), batch by batch as engine.Trainer does, and beside each
step, until the first difference, the engine's step from the same weights on the same
batch (Network.backward and its optimizer). The first quantity that differs, in the
order a step computes them (z and a per layer, the loss, then per layer from the last
δ, ∂C/∂W, ∂C/∂b, then the new W and b), is where the two part. After that the
learner's network trains on alone, for its loss curve.

It prints RESULT_MARKER + JSON last: the learner's loss per epoch, the first
difference ("part") or the failure of their code (with its file and line), and the
epochs compared. The parent (checker.run_child) sets the memory and CPU limits; an
endless loop is reported by faulthandler, as for the checks (runner.py).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from engine.network import Network
from engine.optimizers import OPTIMIZERS
from engine.training import Trainer
from tutor.exercises import by_name
from tutor.exercises.checks import Failure, as_array, call
from tutor.exercises.runner import load_learner, reported

RTOL, ATOL = 1e-9, 1e-12   # what "the same" means, per quantity and element

# The hidden activations the exercises cover: the exercise, its function and derivative.
ACTIVATION_FUNCTIONS = {"sigmoid": ("sigmoid", "sigmoid", "sigmoid_prime"),
                        "tanh": ("tanh", "tanh", "tanh_prime"),
                        "relu": ("relu", "relu", "relu_prime"),
                        "leaky_relu": ("relu", "leaky_relu", "leaky_relu_prime"),
                        "rrelu": ("relu", "rrelu", None)}   # rrelu returns (f, f′) itself
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sup(n: int) -> str:
    return str(n).translate(_SUP)


class Parted(Exception):
    """Where the learner's step first differs from the engine's (or their code failed)."""

    def __init__(self, **details):
        super().__init__(details.get("message", ""))
        self.details = details


class LearnerCode:
    """The learner's functions for this run, each called through checks.call (a crash is
    a Failure naming their line) and named with its file for the verdict."""

    def __init__(self, workspace: Path, settings: dict):
        self.modules, self.files = {}, {}
        for name in settings["exercises"]:
            path = str((workspace / by_name(name).filename).resolve())
            self.files[name] = by_name(name).filename
            try:
                self.modules[name] = load_learner(path)
            except Failure as failure:
                raise Parted(message=f"{self.files[name]}: {failure.message}", file=self.files[name],
                             line=failure.line) from None
        self.activation = settings["activation"]
        self.loss = settings["loss"]
        self.rng = np.random.default_rng([settings["seed"], 1])   # as Network.rng: RReLU's slopes

    def call(self, exercise: str, function: str, context: str, *args, **kwargs):
        try:
            return call(self.modules[exercise], function, *args, **kwargs)
        except Failure as failure:
            raise Parted(message=f"at {context}, your {failure.message}", file=self.files[exercise],
                         line=failure.line, function=function) from None

    def file_of(self, function: str) -> str:
        exercise = {"dense_forward": "dense", "hidden_delta": "hidden_delta", "gradients": "gradients",
                    "sgd_step": "sgd", "momentum_step": "momentum", "adam_step": "adam", "sigmoid": "sigmoid",
                    f"{self.loss}_loss": "losses", f"{self.loss}_delta": "losses"}.get(function)
        if exercise is None:
            exercise = ACTIVATION_FUNCTIONS[self.activation][0]
        return self.files.get(exercise, "")


def array(value, shape, what: str, context: str, code: LearnerCode, function: str) -> np.ndarray:
    try:
        return as_array(function, value, shape, f"your {function} ({what})")
    except Failure as failure:
        raise Parted(message=f"at {context}: {failure.message}", file=code.file_of(function),
                     function=function) from None


def returned(value, names: str, context: str, code: LearnerCode, function: str):
    """The values a learner's function returns as a tuple (names: "(W, b)"), or Parted saying it must."""
    if not (isinstance(value, tuple) and len(value) == names.count(",") + 1):
        raise Parted(message=f"at {context}: your {function} must return the tuple {names}",
                     file=code.file_of(function), function=function)
    return value


def learner_step(code: LearnerCode, X, Y, weights, biases, state, settings, context):
    """One step of the learner's code on a batch: everything it computed, by name, in
    the order it computed it, and the new weights, biases and optimizer state."""
    L = len(weights)
    n = len(X)
    found = []   # (quantity, layer, value, function)
    a, activations, fprimes = X, [X], []
    act_exercise, act_name, prime_name = ACTIVATION_FUNCTIONS[code.activation]
    for l in range(1, L + 1):
        where = f"{context}, layer {l}"
        W, b = weights[l - 1], biases[l - 1]
        z = array(code.call("dense", "dense_forward", where, a, W, b), (n, W.shape[1]), f"z{sup(l)}",
                  where, code, "dense_forward")
        found.append((f"z{sup(l)}", l, z, "dense_forward"))
        if l == L:
            a = array(code.call("sigmoid", "sigmoid", where, z), z.shape, f"a{sup(l)}", where, code, "sigmoid")
            found.append((f"a{sup(l)} = σ(z{sup(l)})", l, a, "sigmoid"))
        else:
            if prime_name is None:   # rrelu: (f, f′) with the same random slopes
                a, fprime = returned(code.call(act_exercise, act_name, where, z, training=True, rng=code.rng),
                                 "(f(z), f′(z))", where, code, act_name)
            else:
                a = code.call(act_exercise, act_name, where, z)
                fprime = code.call(act_exercise, prime_name, where, z)
            a = array(a, z.shape, f"a{sup(l)}", where, code, act_name)
            fprime = array(fprime, z.shape, f"f′(z{sup(l)})", where, code, prime_name or act_name)
            found.append((f"a{sup(l)} = {code.activation}(z{sup(l)})", l, a, act_name))
            fprimes.append(fprime)
        activations.append(a)
    where = f"{context}, the loss"
    loss = code.call("losses", f"{code.loss}_loss", where, z, Y)
    try:
        loss = float(loss)
    except (TypeError, ValueError):
        raise Parted(message=f"at {where}: your {code.loss}_loss returned {type(loss).__name__}, not a number",
                     file=code.file_of(f"{code.loss}_loss"), function=f"{code.loss}_loss") from None
    found.append(("the loss L", L, np.array([loss]), f"{code.loss}_loss"))

    nabla_w, nabla_b = [None] * L, [None] * L
    for l in range(L, 0, -1):
        where = f"{context}, layer {l}"
        if l == L:
            delta = array(code.call("losses", f"{code.loss}_delta", where, z, Y), z.shape, f"δ{sup(l)}",
                          where, code, f"{code.loss}_delta")
            found.append((f"δ{sup(l)} (BP1)", l, delta, f"{code.loss}_delta"))
        else:
            delta = array(code.call("hidden_delta", "hidden_delta", where, delta, weights[l], fprimes[l - 1]),
                          fprimes[l - 1].shape, f"δ{sup(l)}", where, code, "hidden_delta")
            found.append((f"δ{sup(l)} (BP2)", l, delta, "hidden_delta"))
        dW, db = returned(code.call("gradients", "gradients", where, activations[l - 1], delta),
                      "(nabla_W, nabla_b)", where, code, "gradients")
        nabla_w[l - 1] = array(dW, weights[l - 1].shape, f"∂C/∂W{sup(l)}", where, code, "gradients")
        nabla_b[l - 1] = array(db, biases[l - 1].shape, f"∂C/∂b{sup(l)}", where, code, "gradients")
        found.append((f"∂C/∂W{sup(l)}", l, nabla_w[l - 1], "gradients"))
        found.append((f"∂C/∂b{sup(l)}", l, nabla_b[l - 1], "gradients"))

    new_weights, new_biases, new_state = [], [], []
    for l in range(1, L + 1):
        where = f"{context}, the step of layer {l}"
        W, b = weights[l - 1], biases[l - 1]
        if settings["optimizer"] == "sgd":
            W, b = returned(code.call("sgd", "sgd_step", where, W, b, nabla_w[l - 1], nabla_b[l - 1], settings["lr"]),
                            "(W, b)", where, code, "sgd_step")
        else:   # momentum or adam: one call per array, each with its own state
            slots = state[l - 1] if state else (None, None)
            W, slot_W = step(code, where, settings, W, nabla_w[l - 1], slots[0], f"W{sup(l)}")
            b, slot_b = step(code, where, settings, b, nabla_b[l - 1], slots[1], f"b{sup(l)}")
            new_state.append((slot_W, slot_b))
        function = STEP_FUNCTIONS[settings["optimizer"]]
        new_weights.append(array(W, weights[l - 1].shape, f"W{sup(l)}", where, code, function))
        new_biases.append(array(b, biases[l - 1].shape, f"b{sup(l)}", where, code, function))
        found.append((f"W{sup(l)} after the step", l, new_weights[-1], function))
        found.append((f"b{sup(l)} after the step", l, new_biases[-1], function))
    return loss, found, new_weights, new_biases, new_state


# The learner's step function for each optimizer (its exercise is the optimizer's name).
STEP_FUNCTIONS = {"sgd": "sgd_step", "momentum": "momentum_step", "adam": "adam_step"}


def step(code, where, settings, theta, gradient, slot, name):
    """The learner's momentum or Adam step on one array: (the new array, its state after:
    the velocity, or Adam's (m, v, t)). `slot` is the state before (None at the start)."""
    lr, shape = settings["lr"], theta.shape
    if settings["optimizer"] == "momentum":
        velocity = np.zeros(shape) if slot is None else slot
        theta, velocity = returned(code.call("momentum", "momentum_step", where, theta, velocity, gradient, lr,
                                             settings["mu"]), "(theta, velocity)", where, code, "momentum_step")
        return theta, array(velocity, shape, f"the velocity of {name}", where, code, "momentum_step")
    m, v, t = (np.zeros(shape), np.zeros(shape), 0) if slot is None else slot
    theta, m, v, t = returned(code.call("adam", "adam_step", where, theta, m, v, t, gradient, lr, settings["beta1"],
                                        settings["beta2"], settings["eps"]), "(W, m, v, t)", where, code, "adam_step")
    m = array(m, shape, f"the m of {name}", where, code, "adam_step")
    v = array(v, shape, f"the v of {name}", where, code, "adam_step")
    return theta, (m, v, t)


def engine_step(net: Network, X, Y, weights, biases, state, settings) -> list[np.ndarray]:
    """The engine's step from the learner's weights (and optimizer state) on the same
    batch: its quantities in the order learner_step lists them."""
    net.set_parameters(weights, biases)
    g = net.backward(X, Y, settings["loss"], train=True)
    L = net.layers
    expected = []
    for l in range(L):
        expected += [g.zs[l], g.activations[l + 1]]
    expected.append(np.array([g.loss]))
    for l in range(L - 1, -1, -1):
        expected += [g.deltas[l], g.nabla_w[l], g.nabla_b[l]]
    optimizer = OPTIMIZERS[settings["optimizer"]](net.theta.size, settings["lr"])

    def laid_out_as_theta(part):   # a state per weight array, then per bias array, as θ is
        return np.concatenate([part(W).ravel() for W, _ in state] + [part(b).ravel() for _, b in state])

    if settings["optimizer"] == "momentum":
        optimizer.mu = settings["mu"]
        if state:
            optimizer.velocity[...] = laid_out_as_theta(lambda velocity: velocity)
    elif settings["optimizer"] == "adam":
        optimizer.beta1, optimizer.beta2, optimizer.eps = settings["beta1"], settings["beta2"], settings["eps"]
        if state:
            optimizer.m[...] = laid_out_as_theta(lambda slot: slot[0])
            optimizer.v[...] = laid_out_as_theta(lambda slot: slot[1])
            optimizer.t = int(state[0][0][2])
    theta = net.theta.copy()
    optimizer.step(theta, g.nabla_theta)
    new_weights, new_biases = net.split(theta)
    for W, b in zip(new_weights, new_biases):
        expected += [W, b]
    return expected


def first_difference(found, expected):
    """The first (quantity, layer, index, yours, engine's, function) that differs, or None."""
    for (quantity, layer, yours, function), engine in zip(found, expected):
        bad = ~np.isclose(yours, engine, rtol=RTOL, atol=ATOL, equal_nan=True)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            return dict(quantity=quantity, layer=layer, index=list(index), yours=float(yours[index]),
                        engine=float(engine[index]), function=function)
    return None


def train(workspace: Path, run: dict, budget: float) -> dict:
    """The learner's losses per epoch, and the first difference or failure."""
    settings = json.loads(str(run["settings"]))
    X, Y = run["X"], run["Y"]
    L = len(settings["layers"]) - 1
    weights = [run[f"W{l}"] for l in range(1, L + 1)]
    biases = [run[f"b{l}"] for l in range(1, L + 1)]
    losses, part, failure, compared = [], None, None, 0
    try:
        code = LearnerCode(workspace, settings)
    except Parted as parted:
        return dict(losses=losses, part=None, failure=parted.details, compared=0, stopped="")
    net = Network(settings["layers"], settings["activation"], "sigmoid", seed=settings["seed"])
    # The batches as engine.Trainer cuts them: its own generator, one shuffle per epoch.
    batches = Trainer(net.copy(), X, Y, loss=settings["loss"], batch_size=settings["batch_size"] or None,
                      seed=settings["seed"])
    state, started, stopped = [], time.monotonic(), ""
    with np.errstate(all="ignore"):   # a diverging run shows as NaN in its loss, as the engine's does
        for epoch in range(1, settings["epochs"] + 1):
            epoch_batches = batches._batches()
            batch_losses = []
            for k, (Xb, Yb, _) in enumerate(epoch_batches, start=1):
                context = f"epoch {epoch}" + (f" (batch {k} of {len(epoch_batches)})" if len(epoch_batches) > 1 else "")
                before = (weights, biases, state)
                try:
                    loss, found, weights, biases, state = learner_step(code, Xb, Yb, weights, biases, state,
                                                                       settings, context)
                except Parted as parted:
                    failure = dict(parted.details, epoch=epoch)
                    break
                batch_losses.append(loss)
                if part is None:
                    difference = first_difference(found, engine_step(net, Xb, Yb, *before, settings))
                    if difference is not None:
                        part = dict(difference, epoch=epoch, batch=k, batches=len(epoch_batches),
                                    file=code.file_of(difference["function"]))
            if failure is not None:
                break
            losses.append(sum(batch_losses) / len(batch_losses))
            if part is None:
                compared = epoch
            if not np.isfinite(losses[-1]):
                stopped = "diverged"
                break
            if time.monotonic() - started > budget:
                stopped = "time"
                break
    return dict(losses=losses, part=part, failure=failure, compared=compared, stopped=stopped)


def main(argv: list[str]) -> int:
    path, workspace, seconds = argv[0], Path(argv[1]), float(argv[2])
    with np.load(path, allow_pickle=False) as run:
        arrays = dict(run)
    # Training stops after half the time limit, so that the result comes back before it.
    return reported(seconds, lambda: train(workspace, arrays, budget=seconds / 2))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
