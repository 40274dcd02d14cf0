"""Exercise 10: a gradient check, centered differences and the relative error."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 10: check a gradient yourself     (lesson: backprop)

Backprop is easy to get subtly wrong; centered differences catch it. For a function
f of an array θ (f returns one number):

    numerical_gradient(f, theta, h=1e-5)
        returns the array of (f(θ + h·e_i) − f(θ − h·e_i)) / 2h for each entry i of θ
        (nudge one entry at a time, then put it back: leave theta as it was)

    relative_error(analytic, numeric)
        returns max|analytic − numeric| / max(max|analytic|, max|numeric|), a float
        (0.0 when both are all zeros)

Rules of thumb (CS231n): above 1e-2 the gradient is wrong; 1e-7 or less is right.
The check also runs your numerical_gradient on a small network's loss and compares
it with the engine's backprop.

Check your work:  tutor exercises check gradcheck'''

STUBS = '''def numerical_gradient(f, theta, h=1e-5):
    """Centered differences of f at theta, entry by entry; theta is left unchanged."""
    raise NotImplementedError("write numerical_gradient")


def relative_error(analytic, numeric):
    """max|a − n| / max(max|a|, max|n|)."""
    raise NotImplementedError("write relative_error")'''

SOLUTION = '''def numerical_gradient(f, theta, h=1e-5):
    """Centered differences of f at theta, entry by entry; theta is left unchanged."""
    gradient = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        saved = theta[index]
        theta[index] = saved + h
        plus = f(theta)
        theta[index] = saved - h
        minus = f(theta)
        theta[index] = saved
        gradient[index] = (plus - minus) / (2 * h)
    return gradient


def relative_error(analytic, numeric):
    """max|a − n| / max(max|a|, max|n|)."""
    scale = max(np.max(np.abs(analytic)), np.max(np.abs(numeric)))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)'''

FORWARD = ("did you use the forward difference (f(θ + h) − f(θ))/h? Its error is O(h); the centered "
           "difference (f(θ + h) − f(θ − h))/2h has error O(h²)")
ONE_H = "did you divide by h instead of 2h? The two points θ ± h are 2h apart"
NOT_RESTORED = "theta changed after your numerical_gradient: put each entry back after nudging it"
ABSOLUTE = "that is the absolute error max|a − n|; divide by max(max|a|, max|n|) to make it relative"


def check(learner):
    import numpy as np

    from engine.network import Network
    from tutor.exercises.checks import Failure, as_array, call, call_sharing, compare, function

    fn = function(learner, "numerical_gradient")
    line = fn.__code__.co_firstlineno
    theta = np.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]])
    f = lambda t: float(np.sum(t ** 3) + np.sin(t).sum())
    exact = 3 * theta ** 2 + np.cos(theta)
    before = theta.copy()
    got = as_array("numerical_gradient", call(learner, "numerical_gradient", f, theta.copy()), theta.shape,
                   "your numerical_gradient(f, theta of shape (2, 3))")
    h = 1e-5
    forward = np.empty_like(theta)
    for index in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[index] = h
        forward[index] = (f(theta + step) - f(theta)) / h
    compare(got, exact, what="∂f/∂θ there is", fn=fn, rtol=1e-7, atol=1e-9,
            call_text=lambda i: f"for f(θ) = Σθ³ + Σsin θ, entry {list(i)} of your numerical_gradient (θ = {theta[i]:g})",
            candidates={FORWARD: forward, ONE_H: 2 * exact})
    shared = theta.copy()
    call_sharing(learner, "numerical_gradient", f, shared)
    if not np.array_equal(shared, before):
        raise Failure(NOT_RESTORED, line)

    # On a network's loss, against backprop: θ is the network's own parameter vector.
    net = Network([2, 3, 1], activation="tanh", output="sigmoid", seed=3)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    analytic = net.backward(X, Y, "bce").nabla_theta.copy()

    def loss(theta):
        net.theta[...] = theta
        return net.evaluate(X, Y, "bce")[1]

    numeric = as_array("numerical_gradient", call(learner, "numerical_gradient", loss, net.theta.copy()),
                       analytic.shape, "your numerical_gradient on the network's θ")
    error = float(np.max(np.abs(numeric - analytic)) / np.max(np.abs(analytic)))
    if error > 1e-7:
        raise Failure(f"on a 2-3-1 network's loss your numerical gradient differs from backprop by a relative "
                      f"error of {error:.2g}; centered differences give 1e-9 or less there", line)

    relative = function(learner, "relative_error")
    a, n = np.array([1.0, -2.0, 4.0]), np.array([1.0, -2.0, 4.002])
    got = call(learner, "relative_error", a, n)
    try:
        got = float(got)
    except (TypeError, ValueError):
        raise Failure(f"relative_error returned {type(got).__name__}; it should be one number", relative.__code__.co_firstlineno) from None
    compare(np.array([got]), np.array([0.002 / 4.002]), what="the relative error is", fn=relative,
            call_text=lambda i: "your relative_error([1, −2, 4], [1, −2, 4.002])",
            candidates={ABSOLUTE: np.array([0.002])})
    zero = call(learner, "relative_error", np.zeros(3), np.zeros(3))
    if not (isinstance(zero, (float, int, np.floating)) and float(zero) == 0.0):
        raise Failure(f"your relative_error of two zero arrays returned {zero!r}; it should be 0.0 (no division by 0)",
                      relative.__code__.co_firstlineno)


EXERCISE = Exercise(
    name="gradcheck", number=10, title="a gradient check", lesson="backprop",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "np.ndindex(theta.shape) gives every index of an array of any shape.",
        "Save the entry, set it to saved + h and call f, then saved − h and call f, then put saved back.",
        "relative_error: the largest |a − n| over the largest |a| or |n|; return 0.0 when that largest is 0.",
    ),
    mistakes=(
        Mistake("the forward difference", SOLUTION.replace("        theta[index] = saved - h\n        minus = f(theta)\n",
                                                          "        theta[index] = saved\n        minus = f(theta)\n")
                .replace("(plus - minus) / (2 * h)", "(plus - minus) / h"), FORWARD),
        Mistake("dividing by h", SOLUTION.replace("(plus - minus) / (2 * h)", "(plus - minus) / h"), ONE_H),
        Mistake("theta not restored", SOLUTION.replace("        theta[index] = saved\n        gradient", "        gradient"),
                NOT_RESTORED),
        Mistake("the absolute error", SOLUTION.replace("np.max(np.abs(analytic - numeric)) / scale",
                                                       "np.max(np.abs(analytic - numeric))"), ABSOLUTE),
    ),
)
