"""Exercise 5: MSE and BCE after a sigmoid output, with their output deltas (BP1)."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 5: MSE and BCE, and their output deltas (BP1)     (lesson: loss-functions)

The output layer is a sigmoid: a = σ(z). z and y have shape (n, outputs), one
sample per row. The batch loss L is the MEAN over the batch of the per-sample cost C_x:

    MSE:  C_x = ½ Σ_k (a_k − y_k)²
    BCE:  C_x = −Σ_k [y_k ln a_k + (1 − y_k) ln(1 − a_k)]

    mse_loss(z, y), bce_loss(z, y)    return L, a float
    mse_delta(z, y), bce_delta(z, y)  return δ^L = ∂C_x/∂z^L, shape (n, outputs)

BP1: δ^L = ∂C/∂a ⊙ σ′(z^L). Work out what that gives for each cost (for BCE
something cancels). bce_loss must stay finite at |z| = 1000: ln(σ(1000)) is fine,
but ln(1 − σ(1000)) = ln(0). Hint: with a = σ(z), C_x = Σ_k [ln(1 + e^(z_k)) − y_k z_k].

Check your work:  tutor exercises check losses'''

HELPER = '''def sigmoid(z):
    """σ(z), given (you wrote it in exercise 1)."""
    return np.exp(-np.logaddexp(0.0, -z))'''

STUBS = HELPER + '''


def mse_loss(z, y):
    raise NotImplementedError("write mse_loss")


def mse_delta(z, y):
    raise NotImplementedError("write mse_delta")


def bce_loss(z, y):
    raise NotImplementedError("write bce_loss")


def bce_delta(z, y):
    raise NotImplementedError("write bce_delta")'''

SOLUTION = HELPER + '''


def mse_loss(z, y):
    a = sigmoid(z)
    return float(np.mean(0.5 * np.sum((a - y) ** 2, axis=1)))


def mse_delta(z, y):
    a = sigmoid(z)
    return (a - y) * a * (1.0 - a)


def bce_loss(z, y):
    # ln(1 + e^z) − y·z is −[y ln a + (1 − y) ln(1 − a)] for a = σ(z), without ln(0).
    return float(np.mean(np.sum(np.logaddexp(0.0, z) - y * z, axis=1)))


def bce_delta(z, y):
    return sigmoid(z) - y'''

SUMMED = "did you sum over the batch? L is the mean of C_x over the n samples"
NO_HALF = "did you leave out the ½? Nielsen's quadratic cost is ½ Σ_k (a_k − y_k)²"
NO_FPRIME = "did you leave out σ′(z)? BP1 for MSE is δ = (a − y) ⊙ σ′(z); only BCE cancels it"
SIGN = "a sign error: δ = ∂C/∂z points from y to a, (a − y)…, not (y − a)…"
KEPT_FPRIME = "did you multiply by σ′(z)? With BCE after a sigmoid it cancels: δ = a − y"
BCE_PER_SAMPLE_MEAN = "did you average over the outputs too? C_x sums over the outputs k; L averages over the samples"


def check(learner):
    import numpy as np

    from engine.activations import ACTIVATIONS
    from engine.losses import LOSSES
    from tutor.exercises.checks import Failure, as_array, call, centered_gradient, compare, function

    sig = ACTIVATIONS["sigmoid"]
    rng = np.random.default_rng(5)
    z = rng.normal(0.0, 2.0, size=(6, 3))
    y = (rng.uniform(size=(6, 3)) > 0.5).astype(np.float64)
    a, n = sig(z), len(z)
    for loss in ("mse", "bce"):
        name = f"{loss}_loss"
        got = call(learner, name, z, y)
        if not isinstance(got, (float, np.floating)) and not (isinstance(got, np.ndarray) and got.shape == ()):
            raise Failure(f"your {name}(z, y) returned {type(got).__name__} {np.shape(got)}; L is one number "
                          "(a float): the mean over the batch", function(learner, name).__code__.co_firstlineno)
        expected = LOSSES[loss].cost(z, a, y)
        candidates = {SUMMED: expected.sum(), BCE_PER_SAMPLE_MEAN: expected.mean() / z.shape[1]}
        if loss == "mse":
            candidates[NO_HALF] = 2 * expected.mean()
        compare(np.array([float(got)]), np.array([expected.mean()]), what="L there is", fn=function(learner, name),
                call_text=lambda i: f"your {name}(z, y) for a batch of {n} samples and 3 outputs",
                candidates={text: np.array([value]) for text, value in candidates.items()})

        delta_name = f"{loss}_delta"
        delta = as_array(delta_name, call(learner, delta_name, z, y), z.shape, f"your {delta_name}(z, y)")
        bp1 = LOSSES[loss].delta(z, a, y, sig)
        candidates = {SIGN: -bp1}
        if loss == "mse":
            candidates[NO_FPRIME] = a - y
        else:
            candidates[KEPT_FPRIME] = (a - y) * sig.derivative(z)
        compare(delta, bp1, what="δ there is", fn=function(learner, delta_name),
                call_text=lambda i: f"δ[{i[0]}, {i[1]}] of your {delta_name}(z, y) (z = {z[i]:.3g}, y = {y[i]:g})",
                candidates=candidates)
        # δ is ∂C_x/∂z: n times the centered difference of the learner's own L.
        numeric = n * centered_gradient(lambda zz: call(learner, name, zz, y), z)
        compare(delta, numeric, what="n × ∂L/∂z there is", note=f" (centered differences of your {name})",
                fn=function(learner, delta_name), rtol=1e-5, atol=1e-7,
                call_text=lambda i: f"δ[{i[0]}, {i[1]}] of your {delta_name}(z, y)")

    extreme = np.array([[1000.0], [-1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        value = call(learner, "bce_loss", extreme, np.array([[0.0], [1.0]]))
    if not np.isfinite(value) or not np.isclose(value, 1000.0):
        raise Failure(f"your bce_loss at z = ±1000 (both wrong, y = 0 and 1) returned {value:g}; "
                      "it should be 1000: write C_x with ln(1 + e^z) − y·z (np.logaddexp(0, z))",
                      function(learner, "bce_loss").__code__.co_firstlineno)


EXERCISE = Exercise(
    name="losses", number=5, title="MSE and BCE with their output deltas", lesson="loss-functions",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "C_x sums over the outputs (axis=1); L is then the mean over the samples (np.mean of those sums).",
        "For MSE, ∂C/∂a = a − y, and BP1 multiplies by σ′(z) = a(1 − a).",
        "For BCE, ∂C/∂a = (a − y)/(a(1 − a)): times σ′(z) = a(1 − a), what is left is a − y.",
    ),
    mistakes=(
        Mistake("summing over the batch", SOLUTION.replace("np.mean(0.5 * np.sum", "np.sum(0.5 * np.sum"), SUMMED),
        Mistake("no ½", SOLUTION.replace("np.mean(0.5 * np.sum", "np.mean(1.0 * np.sum"), NO_HALF),
        Mistake("MSE delta without σ′", SOLUTION.replace("return (a - y) * a * (1.0 - a)", "return a - y"), NO_FPRIME),
        Mistake("a sign error", SOLUTION.replace("return (a - y) * a * (1.0 - a)", "return (y - a) * a * (1.0 - a)"),
                SIGN),
        Mistake("BCE delta with σ′", SOLUTION.replace("return sigmoid(z) - y",
                                                     "a = sigmoid(z)\n    return (a - y) * a * (1.0 - a)"),
                KEPT_FPRIME),
        Mistake("BCE with ln(a), which is ln(0) at |z| = 1000",
                SOLUTION.replace("return float(np.mean(np.sum(np.logaddexp(0.0, z) - y * z, axis=1)))",
                                 "a = sigmoid(z)\n    return float(np.mean(np.sum(-(y * np.log(a) + (1 - y) * np.log(1 - a)), axis=1)))"),
                "bce_loss(an array of shape (2, 1), an array of shape (2, 1)): divide by zero encountered in log"),
    ),
)
