"""Exercise 9: a whole training loop on XOR, compared epoch by epoch with the engine."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 9: train a network on XOR     (lesson: backprop)

Put the pieces together: a 2-H-1 network (H hidden neurons, tanh; a sigmoid output),
BCE, full-batch gradient descent. Given the initial weights,

    train_xor(W1, b1, W2, b2, lr, epochs) returns (losses, W1, b1, W2, b2)

where losses[e] is the batch loss L (mean BCE over the 4 samples) of epoch e's
forward pass, computed before that epoch's update. Each epoch:

    z1 = X @ W1 + b1;  a1 = tanh(z1);  z2 = a1 @ W2 + b2;  a2 = σ(z2)
    δ2 = a2 − Y                              (BP1 for BCE after a sigmoid)
    δ1 = (δ2 @ W2ᵀ) ⊙ tanh′(z1)              (BP2)
    ∂L/∂W = a_prevᵀ @ δ / n;  ∂L/∂b = mean of δ over the samples   (BP4, BP3)
    W ← W − lr·∂L/∂W;  b ← b − lr·∂L/∂b

The check starts your loop and the engine's from the same weights: your losses must
coincide with the engine's at every epoch, and reach the engine's final loss.

Check your work:  tutor exercises check xor'''

HELPERS = '''X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def bce_loss(z, y):
    """Mean over the batch of C_x = −Σ[y ln σ(z) + (1 − y) ln(1 − σ(z))], safely."""
    return float(np.mean(np.sum(np.logaddexp(0.0, z) - y * z, axis=1)))'''

STUBS = HELPERS + '''


def train_xor(W1, b1, W2, b2, lr, epochs):
    """Full-batch gradient descent on XOR; returns (losses, W1, b1, W2, b2)."""
    raise NotImplementedError("write train_xor")'''

SOLUTION = HELPERS + '''


def train_xor(W1, b1, W2, b2, lr, epochs):
    """Full-batch gradient descent on XOR; returns (losses, W1, b1, W2, b2)."""
    n = len(X)
    losses = []
    for epoch in range(epochs):
        z1 = X @ W1 + b1
        a1 = np.tanh(z1)
        z2 = a1 @ W2 + b2
        a2 = sigmoid(z2)
        losses.append(bce_loss(z2, Y))
        delta2 = a2 - Y
        delta1 = (delta2 @ W2.T) * (1.0 - a1 ** 2)
        W2 = W2 - lr * (a1.T @ delta2 / n)
        b2 = b2 - lr * delta2.mean(axis=0)
        W1 = W1 - lr * (X.T @ delta1 / n)
        b1 = b1 - lr * delta1.mean(axis=0)
    return np.array(losses), W1, b1, W2, b2'''

FORWARD = "at epoch 1 nothing has been updated yet: your forward pass or your loss differs from z = a @ W + b, tanh, σ, mean BCE"
BACKWARD = "your epoch 1 agrees, so the forward pass is right: the update differs (δ, the gradients or the step)"
LEARNED_NOTHING = "your loss does not change: are the updated weights used in the next epoch?"
NOT_MOVED = "it did not move: are the new weights kept (W1 = W1 − lr·…) and returned?"


def engine_net(W1, b1, W2, b2):
    """The engine's Network with these weights, and XOR's X and Y."""
    import numpy as np

    from engine.network import Network

    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    net = Network([2, W1.shape[1], 1], activation="tanh", output="sigmoid")
    net.set_parameters([W1.copy(), W2.copy()], [b1.copy(), b2.copy()])
    return net, X, Y


def engine_run(W1, b1, W2, b2, lr, epochs):
    """The engine's losses for the same start: Network.backward (BP1-BP4) and a plain SGD step."""
    import numpy as np

    net, X, Y = engine_net(W1, b1, W2, b2)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        gradients = net.backward(X, Y, "bce")
        losses[epoch] = gradients.loss
        net.theta -= lr * gradients.nabla_theta
    return losses


SIGN = "a sign error: the step goes with the gradient, W + lr·∂L/∂W, where it must go against it"
SUMMED = "your step is n = 4 times the engine's: summing instead of averaging over the batch (divide by n)"
NO_FPRIME = "a missing chain factor: δ1 = (δ2 @ W2ᵀ) ⊙ tanh′(z1); did you leave out tanh′(z1) = 1 − a1²?"
WHERE = {"W2": "the output layer's ∂L/∂W (BP4 with δ2 = a2 − Y)", "b2": "the output layer's ∂L/∂b (BP3)",
         "W1": "the hidden layer: δ1 (BP2) or its ∂L/∂W (BP4)", "b1": "the hidden layer: δ1 (BP2) or its ∂L/∂b (BP3)"}


def first_step(W1, b1, W2, b2, lr):
    """The engine's step on each parameter in epoch 1, and what typical mistakes would step."""
    net, X, Y = engine_net(W1, b1, W2, b2)
    g = net.backward(X, Y, "bce")
    steps = {"W1": -lr * g.nabla_w[0], "b1": -lr * g.nabla_b[0], "W2": -lr * g.nabla_w[1], "b2": -lr * g.nabla_b[1]}
    delta1 = g.deltas[1] @ W2.T   # BP2 without tanh′
    no_fprime = {"W1": -lr * X.T @ delta1 / 4, "b1": -lr * delta1.mean(axis=0)}
    return steps, no_fprime, g.loss


def check_first_step(learner, W1, b1, W2, b2, lr, line):
    """After one epoch, name the parameter whose step differs from the engine's, and why."""
    import numpy as np

    from tutor.exercises.checks import Failure, call

    result = call(learner, "train_xor", W1.copy(), b1.copy(), W2.copy(), b2.copy(), lr, 1)
    if not (isinstance(result, tuple) and len(result) == 5):
        raise Failure("train_xor must return (losses, W1, b1, W2, b2)", line)
    steps, no_fprime, loss = first_step(W1, b1, W2, b2, lr)
    first = np.asarray(result[0], dtype=np.float64).reshape(-1)
    if first.size != 1:
        raise Failure(f"train_xor(..., epochs=1) returned {first.size} losses; one per epoch, so 1", line)
    if not np.isclose(first[0], loss, rtol=1e-7, atol=1e-10):
        raise Failure(f"your loss at epoch 1 is {first[0]:.6g}, the engine's from the same weights {loss:.6g}: {FORWARD}",
                      line)
    for name, old, new in zip(("W1", "b1", "W2", "b2"), (W1, b1, W2, b2), result[1:]):
        new = np.asarray(new, dtype=np.float64)
        if new.shape != old.shape:
            raise Failure(f"train_xor returned {name} of shape {new.shape}; it should keep {old.shape}", line)
        step, expected = new - old, steps[name]
        if np.allclose(step, expected, rtol=1e-7, atol=1e-12):
            continue
        if np.allclose(step, 0.0):
            why = NOT_MOVED
        elif np.allclose(step, -expected, rtol=1e-7, atol=1e-12):
            why = SIGN
        elif np.allclose(step, 4 * expected, rtol=1e-7, atol=1e-12):
            why = SUMMED
        elif name in no_fprime and np.allclose(step, no_fprime[name], rtol=1e-7, atol=1e-12):
            why = NO_FPRIME
        else:
            why = f"check {WHERE[name]}"
        raise Failure(f"after one epoch (lr {lr:g}) your {name} moved by {step.ravel()[0]:.6g} (first entry), "
                      f"the engine's by {expected.ravel()[0]:.6g}: {why}", line)


def check(learner):
    import numpy as np

    from engine.network import Network
    from tutor.exercises.checks import Failure, call, function

    fn = function(learner, "train_xor")
    line = fn.__code__.co_firstlineno
    for hidden, seed, lr, epochs in ((4, 0, 1.0, 2000), (3, 5, 0.5, 300)):
        start = Network([2, hidden, 1], activation="tanh", output="sigmoid", seed=seed)
        (W1, W2), (b1, b2) = start.weights, start.biases
        check_first_step(learner, W1, b1, W2, b2, lr, line)
        result = call(learner, "train_xor", W1.copy(), b1.copy(), W2.copy(), b2.copy(), lr, epochs)
        if not (isinstance(result, tuple) and len(result) == 5):
            raise Failure("train_xor must return (losses, W1, b1, W2, b2)", line)
        losses = np.asarray(result[0], dtype=np.float64).reshape(-1)
        if losses.shape != (epochs,):
            raise Failure(f"train_xor(..., epochs={epochs}) returned {losses.size} losses; one per epoch, "
                          f"so {epochs}", line)
        expected = engine_run(W1, b1, W2, b2, lr, epochs)
        differs = np.flatnonzero(~np.isclose(losses, expected, rtol=1e-7, atol=1e-10))
        if differs.size:
            e = int(differs[0])
            why = FORWARD if e == 0 else BACKWARD
            if e > 0 and np.allclose(losses, losses[0]):
                why = LEARNED_NOTHING
            raise Failure(f"with {hidden} hidden neurons (seed {seed}, lr {lr:g}) your loss at epoch {e + 1} is "
                          f"{losses[e]:.6g}, the engine's from the same weights {expected[e]:.6g}: {why}", line)
        if expected[-1] < 0.05 and not losses[-1] < 0.05:
            raise Failure(f"your network did not reach a loss of 0.05 in {epochs} epochs", line)


EXERCISE = Exercise(
    name="xor", number=9, title="a training loop on XOR", lesson="backprop",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "Record the loss right after the forward pass, before any weight changes.",
        "Compute both deltas before changing any weight: BP2 needs the W2 of this epoch.",
        "tanh′(z1) = 1 − a1², from the activations you already have.",
    ),
    mistakes=(
        Mistake("a missing chain factor in BP2",
                SOLUTION.replace("delta1 = (delta2 @ W2.T) * (1.0 - a1 ** 2)", "delta1 = delta2 @ W2.T"), NO_FPRIME),
        Mistake("summing instead of averaging over the batch",
                SOLUTION.replace("W1 = W1 - lr * (X.T @ delta1 / n)", "W1 = W1 - lr * (X.T @ delta1)"), SUMMED),
        Mistake("a sign error in the step",
                SOLUTION.replace("W2 = W2 - lr * (a1.T @ delta2 / n)", "W2 = W2 + lr * (a1.T @ delta2 / n)")
                .replace("b2 = b2 - lr * delta2.mean(axis=0)", "b2 = b2 + lr * delta2.mean(axis=0)"),
                SIGN),
        Mistake("the output layer's gradient from the wrong activations",
                SOLUTION.replace("W2 = W2 - lr * (a1.T @ delta2 / n)", "W2 = W2 - lr * (z1.T @ delta2 / n)"),
                "check the output layer's ∂L/∂W (BP4 with δ2 = a2 − Y)"),
        Mistake("W2 updated before BP2 uses it",
                SOLUTION.replace("        delta1 = (delta2 @ W2.T) * (1.0 - a1 ** 2)\n", "")
                .replace("        W1 = W1 - lr", "        delta1 = (delta2 @ W2.T) * (1.0 - a1 ** 2)\n        W1 = W1 - lr"),
                "check the hidden layer: δ1 (BP2)"),
        Mistake("the loss summed over the batch",
                SOLUTION.replace("losses.append(bce_loss(z2, Y))", "losses.append(len(X) * bce_loss(z2, Y))"), FORWARD),
        Mistake("the weights never updated",
                SOLUTION.replace("        W2 = W2 - lr", "        W2_new = W2 - lr").replace("        b2 = b2 - lr", "        b2_new = b2 - lr")
                .replace("        W1 = W1 - lr", "        W1_new = W1 - lr").replace("        b1 = b1 - lr", "        b1_new = b1 - lr"),
                NOT_MOVED),
    ),
)
