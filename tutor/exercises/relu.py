"""Exercise 3: ReLU, leaky ReLU and RReLU (training and evaluation) with their derivatives."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 3: the ReLU family     (lesson: activations)

z is a NumPy array of float64 (any shape); return arrays of the same shape.

    relu(z)             = max(0, z)
    relu_prime(z)       = 1 if z > 0, else 0        (0 at the kink z = 0, as frameworks do)
    leaky_relu(z)       = z if z > 0, else 0.01·z
    leaky_relu_prime(z) = 1 if z > 0, else 0.01

RReLU returns the pair (f(z), f′(z)), because the derivative must use the same
slopes as the forward pass:

    rrelu(z, training=False, rng=None)
        evaluation (training=False): slope a = (1/8 + 1/3)/2 = 11/48 for z ≤ 0
        training: a drawn per element from U(1/8, 1/3) with rng.uniform(1/8, 1/3, size=z.shape)
        f(z) = z if z > 0, else a·z;   f′(z) = 1 if z > 0, else a

Check your work:  tutor exercises check relu'''

STUBS = '''def relu(z):
    raise NotImplementedError("write relu")


def relu_prime(z):
    raise NotImplementedError("write relu_prime")


def leaky_relu(z):
    raise NotImplementedError("write leaky_relu")


def leaky_relu_prime(z):
    raise NotImplementedError("write leaky_relu_prime")


def rrelu(z, training=False, rng=None):
    """(f(z), f′(z)): slope 11/48 below 0 in evaluation; in training one slope per
    element from rng.uniform(1/8, 1/3, size=z.shape)."""
    raise NotImplementedError("write rrelu")'''

SOLUTION = '''def relu(z):
    return np.maximum(z, 0.0)


def relu_prime(z):
    return (z > 0).astype(np.float64)


def leaky_relu(z):
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu_prime(z):
    return np.where(z > 0, 1.0, 0.01)


def rrelu(z, training=False, rng=None):
    """(f(z), f′(z)): slope 11/48 below 0 in evaluation; in training one slope per
    element from rng.uniform(1/8, 1/3, size=z.shape)."""
    if training:
        slope = rng.uniform(1 / 8, 1 / 3, size=z.shape)
    else:
        slope = (1 / 8 + 1 / 3) / 2
    fprime = np.where(z > 0, 1.0, slope)
    return z * fprime, fprime'''

RELU_FUNCTION = "did you return relu(x) instead of its derivative (1 for x > 0, else 0)?"
LEAKY_SLOPE = "the slope below 0 is 0.01 (Maas et al. 2013), not 0.1"
LEAKY_IS_RELU = "below 0 leaky ReLU keeps a small slope: 0.01·x, not 0"
PAPER_SLOPE = ("2/11 is the RReLU paper's test-time slope; the course, as PyTorch, "
               "uses the mean of U(1/8, 1/3): (1/8 + 1/3)/2 = 11/48")
ONE_SLOPE = "all the slopes are equal: draw one per element, rng.uniform(1/8, 1/3, size=z.shape)"


def check(learner):
    import numpy as np

    from engine.activations import ACTIVATIONS
    from tutor.exercises.checks import (Failure, as_array, call, check_derivative, check_elementwise,
                                        compare, function)

    relu, leaky, rr = ACTIVATIONS["relu"], ACTIVATIONS["leaky_relu"], ACTIVATIONS["rrelu"]
    check_elementwise(learner, "relu", relu, what="relu there is")
    check_derivative(learner, "relu", "relu_prime", avoid_zero=True, candidates={RELU_FUNCTION: relu})
    at_kink = np.asarray(call(learner, "relu_prime", np.array([0.0])), dtype=np.float64)
    if at_kink[0] != 0.0:
        raise Failure(f"your relu_prime(0) returned {at_kink[0]:g}; use 0 at the kink, as the course "
                      "and the frameworks do (z > 0, not z >= 0)", function(learner, "relu_prime").__code__.co_firstlineno)
    check_elementwise(learner, "leaky_relu", leaky, what="leaky ReLU there is", candidates={
        LEAKY_SLOPE: lambda z: np.where(z > 0, z, 0.1 * z), LEAKY_IS_RELU: relu})
    check_derivative(learner, "leaky_relu", "leaky_relu_prime", avoid_zero=True, candidates={
        "did you return leaky_relu(x) instead of its derivative?": leaky})

    # Evaluation mode: a fixed slope, 11/48.
    z = np.concatenate([[2.0, -2.0, -0.5], np.random.default_rng(2).uniform(-6, 6, 40)])
    pair = call(learner, "rrelu", z)
    if not (isinstance(pair, tuple) and len(pair) == 2):
        raise Failure("rrelu(z) must return a pair (f(z), f′(z))", function(learner, "rrelu").__code__.co_firstlineno)
    a = as_array("rrelu", pair[0], z.shape, "the f(z) of your rrelu(z)")
    fprime = as_array("rrelu", pair[1], z.shape, "the f′(z) of your rrelu(z)")
    slopes = {PAPER_SLOPE: 2 / 11, "0.01 is leaky ReLU's slope; RReLU's evaluation slope is 11/48": 0.01}
    compare(a, rr(z), what="in evaluation RReLU there is", fn=function(learner, "rrelu"),
            call_text=lambda i: f"the f({z[i]:g}) of your rrelu (evaluation)",
            candidates={text: np.where(z > 0, z, s * z) for text, s in slopes.items()})
    compare(fprime, rr.derivative(z), what="its derivative there is", fn=function(learner, "rrelu"),
            call_text=lambda i: f"the f′({z[i]:g}) of your rrelu (evaluation)",
            candidates={text: np.where(z > 0, 1.0, s) for text, s in slopes.items()})

    # Training: a slope per element from U(1/8, 1/3), from the rng given.
    z = np.concatenate([np.full(2000, -1.0), np.full(10, 3.0)])
    a, fprime = (np.asarray(v, dtype=np.float64) for v in call(learner, "rrelu", z, training=True,
                                                                 rng=np.random.default_rng(7)))
    line = function(learner, "rrelu").__code__.co_firstlineno
    if a.shape != z.shape or fprime.shape != z.shape:
        raise Failure(f"rrelu(z, training=True) returned shapes {a.shape} and {fprime.shape}; both should be {z.shape}", line)
    if not np.array_equal(fprime[z > 0], np.ones(10)) or not np.array_equal(a[z > 0], z[z > 0]):
        raise Failure("in training, rrelu must leave z > 0 unchanged (f = z, f′ = 1)", line)
    negative = fprime[z < 0]
    if negative.min() < 1 / 8 or negative.max() > 1 / 3:
        raise Failure(f"in training your slopes below 0 range over [{negative.min():.4g}, {negative.max():.4g}]; "
                      "draw them from U(1/8, 1/3)", line)
    if np.ptp(negative) < 0.05:
        raise Failure(f"in training your rrelu used slope {negative[0]:.4g} for every element: {ONE_SLOPE}", line)
    if not np.allclose(a, z * fprime):
        raise Failure("in training your rrelu's f(z) is not z·f′(z): the forward pass and the derivative "
                      "must use the same slopes (draw them once)", line)
    again = call(learner, "rrelu", z, training=True, rng=np.random.default_rng(7))[1]
    if not np.array_equal(np.asarray(again), fprime):
        raise Failure("rrelu with the same seeded rng gave other slopes: draw them from the rng argument "
                      "(rng.uniform), not from np.random", line)


EXERCISE = Exercise(
    name="relu", number=3, title="ReLU, leaky ReLU and RReLU", lesson="activations",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "np.maximum(z, 0.0) is ReLU; np.where(condition, if_true, if_false) builds the others element by element.",
        "A derivative that is 1 or 0: (z > 0).astype(np.float64) turns the booleans into floats.",
        "For rrelu, compute the slope array first, then f′ = np.where(z > 0, 1.0, slope) and f = z·f′.",
    ),
    mistakes=(
        Mistake("relu_prime returns relu",
                SOLUTION.replace("return (z > 0).astype(np.float64)", "return np.maximum(z, 0.0)"), RELU_FUNCTION),
        Mistake("leaky slope 0.1", SOLUTION.replace("0.01 * z", "0.1 * z"), LEAKY_SLOPE),
        Mistake("the paper's slope in evaluation", SOLUTION.replace("slope = (1 / 8 + 1 / 3) / 2", "slope = 2 / 11"),
                PAPER_SLOPE),
        Mistake("one slope for every element",
                SOLUTION.replace("rng.uniform(1 / 8, 1 / 3, size=z.shape)", "rng.uniform(1 / 8, 1 / 3)"), ONE_SLOPE),
    ),
)
