"""Exercise 2: tanh and its derivative."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 2: tanh and its derivative     (lesson: activations)

Write two functions of z, a NumPy array of float64 (any shape), each returning an
array of the same shape:

    tanh(z)       = (e^z − e^(−z)) / (e^z + e^(−z))
    tanh_prime(z) = tanh′(z) = 1 − tanh²(z)

tanh must stay finite at |z| = 1000 (e^1000 overflows: ∞/∞ is NaN).
np.tanh is allowed; so is tanh z = 2σ(2z) − 1 with your sigmoid's trick.

Check your work:  tutor exercises check tanh'''

STUBS = '''def tanh(z):
    """tanh(z), element-wise, finite at |z| = 1000."""
    raise NotImplementedError("write tanh")


def tanh_prime(z):
    """tanh′(z) = 1 − tanh²(z), element-wise."""
    raise NotImplementedError("write tanh_prime")'''

SOLUTION = '''def tanh(z):
    """tanh(z), element-wise, finite at |z| = 1000."""
    return np.tanh(z)


def tanh_prime(z):
    """tanh′(z) = 1 − tanh²(z), element-wise."""
    t = tanh(z)
    return 1.0 - t * t'''

FUNCTION_NOT_DERIVATIVE = "did you return tanh(x) instead of 1 − tanh²(x)?"
NOT_SQUARED = "did you return 1 − tanh(x)? The derivative is 1 − tanh²(x): square tanh first"
SIGN_ERROR = "did you return 1 + tanh²(x)? The derivative is 1 − tanh²(x)"
SIGMOID_FORMULA = "did you use the sigmoid's derivative tanh(x)(1 − tanh(x))? tanh′ is 1 − tanh²(x)"


def check(learner):
    import numpy as np

    from tutor.exercises.checks import check_derivative, check_elementwise, safe_at_extremes

    check_elementwise(learner, "tanh", np.tanh, what="tanh there is",
                      candidates={"did you return tanh(−x)? Check the signs of the exponents": lambda z: -np.tanh(z)})
    safe_at_extremes(learner, "tanh")
    check_derivative(learner, "tanh", "tanh_prime", candidates={
        FUNCTION_NOT_DERIVATIVE: np.tanh,
        NOT_SQUARED: lambda z: 1.0 - np.tanh(z),
        SIGN_ERROR: lambda z: 1.0 + np.tanh(z) ** 2,
        SIGMOID_FORMULA: lambda z: np.tanh(z) * (1.0 - np.tanh(z)),
    })
    safe_at_extremes(learner, "tanh_prime")


EXERCISE = Exercise(
    name="tanh", number=2, title="tanh and its derivative", lesson="activations",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "Like σ′, tanh′ can be written with tanh itself: call your tanh inside tanh_prime.",
        "tanh′(z) = 1 − tanh²(z): square first (t * t), then subtract from 1.",
    ),
    mistakes=(
        Mistake("the function instead of its derivative",
                SOLUTION.replace("return 1.0 - t * t", "return t"), FUNCTION_NOT_DERIVATIVE),
        Mistake("tanh not squared", SOLUTION.replace("return 1.0 - t * t", "return 1.0 - t"), NOT_SQUARED),
        Mistake("a sign error", SOLUTION.replace("return 1.0 - t * t", "return 1.0 + t * t"), SIGN_ERROR),
        Mistake("the sigmoid's derivative rule", SOLUTION.replace("return 1.0 - t * t", "return t * (1.0 - t)"),
                SIGMOID_FORMULA),
        Mistake("the exponential formula, which overflows",
                SOLUTION.replace("return np.tanh(z)", "return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))"),
                "tanh([-1000, 1000]): overflow encountered in exp"),
    ),
)
