"""Exercise 1: the sigmoid and its derivative, safe at |z| = 1000."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 1: the sigmoid σ and its derivative σ′     (lesson: activations)

Write two functions of z, a NumPy array of float64 (any shape), each returning an
array of the same shape:

    sigmoid(z)       = σ(z) = 1 / (1 + e^(−z))
    sigmoid_prime(z) = σ′(z) = σ(z)·(1 − σ(z))

The course's rule: sigmoid must be safe at |z| = 1000, with no overflow warning
and no NaN. np.exp(1000) overflows; e^(−z) is only small when z > 0.

Check your work:  tutor exercises check sigmoid
A hint:           tutor exercises hint sigmoid'''

STUBS = '''def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), element-wise, without overflow at |z| = 1000."""
    raise NotImplementedError("write sigmoid")


def sigmoid_prime(z):
    """σ′(z) = σ(z)·(1 − σ(z)), element-wise."""
    raise NotImplementedError("write sigmoid_prime")'''

SOLUTION = '''def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), element-wise, without overflow at |z| = 1000."""
    # 1/(1 + e^-z) = e^(-ln(1 + e^-z)); np.logaddexp(0, -z) = ln(1 + e^-z) never overflows.
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime(z):
    """σ′(z) = σ(z)·(1 − σ(z)), element-wise."""
    s = sigmoid(z)
    return s * (1.0 - s)'''

FUNCTION_NOT_DERIVATIVE = "did you return σ(x) instead of σ(x)(1 − σ(x))?"
MISSING_FACTOR = "did you return 1 − σ(x), without the factor σ(x)?"
SIGN_ERROR = "did you return σ(x)(1 + σ(x))? The derivative is σ(x)(1 − σ(x))"


def check(learner):
    from engine.activations import ACTIVATIONS
    from tutor.exercises.checks import check_derivative, check_elementwise, safe_at_extremes

    sig = ACTIVATIONS["sigmoid"]
    check_elementwise(learner, "sigmoid", sig, what="σ there is",
                      candidates={"did you write e^(+z) where σ has e^(−z)?": lambda z: sig(-z)})
    safe_at_extremes(learner, "sigmoid")
    check_derivative(learner, "sigmoid", "sigmoid_prime", candidates={
        FUNCTION_NOT_DERIVATIVE: sig,
        MISSING_FACTOR: lambda z: 1.0 - sig(z),
        SIGN_ERROR: lambda z: sig(z) * (1.0 + sig(z)),
    })
    safe_at_extremes(learner, "sigmoid_prime")


EXERCISE = Exercise(
    name="sigmoid", number=1, title="the sigmoid and its derivative", lesson="activations",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "σ′ can be written with σ itself: call your sigmoid inside sigmoid_prime.",
        "1 / (1 + np.exp(-z)) overflows for z = −1000 (np.exp(1000) is inf): a warning the check refuses.",
        "np.logaddexp(0, −z) is ln(1 + e^(−z)) computed without overflow, so σ(z) = np.exp(−np.logaddexp(0, −z)).",
    ),
    mistakes=(
        Mistake("the function instead of its derivative",
                SOLUTION.replace("return s * (1.0 - s)", "return s"), FUNCTION_NOT_DERIVATIVE),
        Mistake("a missing factor σ", SOLUTION.replace("return s * (1.0 - s)", "return 1.0 - s"), MISSING_FACTOR),
        Mistake("a sign error", SOLUTION.replace("return s * (1.0 - s)", "return s * (1.0 + s)"), SIGN_ERROR),
        Mistake("the textbook formula, which overflows",
                SOLUTION.replace("return np.exp(-np.logaddexp(0.0, -z))", "return 1.0 / (1.0 + np.exp(-z))"),
                "sigmoid([-1000, 1000]): overflow encountered in exp"),
    ),
)
