"""Exercise 7: the weight and bias gradients, BP3 and BP4, averaged over the batch."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 7: the gradients of W and b (BP3, BP4)     (lesson: backprop)

With δ^l known for every sample of the batch, the gradients of the batch loss
L = mean of C_x are means over the batch:

    a_prev  a^(l−1), shape (n, fan_in)    the layer's inputs
    delta   δ^l,     shape (n, fan_out)

    gradients(a_prev, delta) returns the pair (nabla_W, nabla_b):
        BP4: ∂L/∂W^l = (a^(l−1))ᵀ @ δ^l / n     shape (fan_in, fan_out), W's shape
        BP3: ∂L/∂b^l = the mean of δ^l over the samples, shape (fan_out,)

Check your work:  tutor exercises check gradients'''

STUBS = '''def gradients(a_prev, delta):
    """(∂L/∂W, ∂L/∂b) for the batch: BP4 and BP3, means over the n samples."""
    raise NotImplementedError("write gradients")'''

SOLUTION = '''def gradients(a_prev, delta):
    """(∂L/∂W, ∂L/∂b) for the batch: BP4 and BP3, means over the n samples."""
    n = len(delta)
    nabla_W = a_prev.T @ delta / n
    nabla_b = delta.sum(axis=0) / n
    return nabla_W, nabla_b'''

SUMMED = "did you sum over the batch instead of averaging? L is a mean over the n samples: divide by n"
TRANSPOSED = "∂L/∂W has W's shape (fan_in, fan_out): a_prev.T @ delta, not delta.T @ a_prev"


def check(learner):
    import numpy as np

    from tutor.exercises.checks import Failure, as_array, call, centered_gradient, compare, function

    rng = np.random.default_rng(7)
    fn = function(learner, "gradients")
    line = fn.__code__.co_firstlineno
    for n, fan_in, fan_out in ((6, 3, 2), (1, 2, 4), (5, 4, 1)):
        # One linear layer with L = mean of ½‖z − y‖²: then δ = z − y, and the gradients are
        # checked against centered differences of L in each weight and bias.
        a_prev, W, b = rng.normal(size=(n, fan_in)), rng.normal(size=(fan_in, fan_out)), rng.normal(size=fan_out)
        y = rng.normal(size=(n, fan_out))
        delta = a_prev @ W + b - y
        text = f"gradients(a_prev {a_prev.shape}, delta {delta.shape})"
        pair = call(learner, "gradients", a_prev, delta)
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise Failure(f"your {text} must return a pair (nabla_W, nabla_b)", line)
        if np.shape(pair[0]) == (fan_out, fan_in) and fan_in != fan_out:
            raise Failure(f"your {text} returned nabla_W of shape {np.shape(pair[0])}: {TRANSPOSED}", line)
        nabla_W = as_array("gradients", pair[0], (fan_in, fan_out), f"nabla_W of your {text}")
        nabla_b = as_array("gradients", pair[1], (fan_out,), f"nabla_b of your {text}")

        def loss(W, b):
            return 0.5 * ((a_prev @ W + b - y) ** 2).sum() / n

        numeric_W = centered_gradient(lambda WW: loss(WW, b), W)
        numeric_b = centered_gradient(lambda bb: loss(W, bb), b)
        compare(nabla_W, numeric_W, what="∂L/∂W there is (centered differences)", fn=fn, rtol=1e-5, atol=1e-7,
                call_text=lambda i: f"nabla_W[{i[0]}, {i[1]}] of your {text}",
                candidates={SUMMED: numeric_W * n})
        compare(nabla_b, numeric_b, what="∂L/∂b there is (centered differences)", fn=fn, rtol=1e-5, atol=1e-7,
                call_text=lambda i: f"nabla_b[{i[0]}] of your {text}", candidates={SUMMED: numeric_b * n})


EXERCISE = Exercise(
    name="gradients", number=7, title="weight and bias gradients (BP3, BP4)", lesson="backprop",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "∂L/∂W must have W's shape (fan_in, fan_out): which product of a_prev (n, fan_in) and delta (n, fan_out) gives that?",
        "a_prev.T @ delta sums over the samples; L is a mean, so divide by n = len(delta).",
    ),
    mistakes=(
        Mistake("summing instead of averaging over the batch",
                SOLUTION.replace("nabla_W = a_prev.T @ delta / n", "nabla_W = a_prev.T @ delta"), SUMMED),
        Mistake("the bias summed over the batch",
                SOLUTION.replace("nabla_b = delta.sum(axis=0) / n", "nabla_b = delta.sum(axis=0)"), SUMMED),
        Mistake("a transposed matrix", SOLUTION.replace("a_prev.T @ delta / n", "delta.T @ a_prev / n"), TRANSPOSED),
    ),
)
