"""Exercise 4: a dense layer's forward pass for a batch."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 4: a dense layer's forward pass     (lesson: backprop)

A batch is one sample per row. For a layer with fan_in inputs and fan_out neurons:

    a_prev   shape (n, fan_in)      the previous layer's activations (or the inputs X)
    W        shape (fan_in, fan_out)
    b        shape (fan_out,)

    dense_forward(a_prev, W, b)  returns z = a_prev @ W + b, shape (n, fan_out)

b is added to every row (NumPy broadcasting does that). No loop over the samples.

Check your work:  tutor exercises check dense'''

STUBS = '''def dense_forward(a_prev, W, b):
    """z = a_prev @ W + b for a batch: (n, fan_in) @ (fan_in, fan_out) + (fan_out,)."""
    raise NotImplementedError("write dense_forward")'''

SOLUTION = '''def dense_forward(a_prev, W, b):
    """z = a_prev @ W + b for a batch: (n, fan_in) @ (fan_in, fan_out) + (fan_out,)."""
    return a_prev @ W + b'''

NO_BIAS = "did you leave out the bias b? z = a_prev @ W + b"
ELEMENTWISE = "a_prev @ W is a matrix product (np.matmul), not a_prev * W element by element"
SHAPES = "a_prev has shape (n, fan_in) and W (fan_in, fan_out), so z = a_prev @ W + b (no transpose)"


def check(learner):
    import numpy as np

    from tutor.exercises.checks import Failure, as_array, call, compare, function

    rng = np.random.default_rng(4)
    fn = function(learner, "dense_forward")
    for n, fan_in, fan_out in ((5, 3, 2), (1, 4, 6), (7, 2, 1)):
        a_prev, W, b = rng.normal(size=(n, fan_in)), rng.normal(size=(fan_in, fan_out)), rng.normal(size=fan_out)
        text = f"dense_forward(a_prev {a_prev.shape}, W {W.shape}, b {b.shape})"
        try:
            z = call(learner, "dense_forward", a_prev, W, b)
        except Failure as failure:
            if "ValueError" in failure.message and ("matmul" in failure.message or "broadcast" in failure.message
                                                     or "shapes" in failure.message):
                raise Failure(f"{failure.message}: {SHAPES}", failure.line) from None
            raise
        z = as_array("dense_forward", z, (n, fan_out), f"your {text}")
        compare(z, a_prev @ W + b, what="z there is", fn=fn,
                call_text=lambda i: f"z[{i[0]}, {i[1]}] of your {text}",
                candidates={NO_BIAS: a_prev @ W})


EXERCISE = Exercise(
    name="dense", number=4, title="a dense layer's forward pass", lesson="backprop",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "The @ operator is the matrix product: (n, fan_in) @ (fan_in, fan_out) gives (n, fan_out).",
        "Adding b of shape (fan_out,) to an (n, fan_out) array adds it to every row.",
    ),
    mistakes=(
        Mistake("no bias", SOLUTION.replace("return a_prev @ W + b", "return a_prev @ W"), NO_BIAS),
        Mistake("a transposed matrix", SOLUTION.replace("return a_prev @ W + b", "return a_prev @ W.T + b"), SHAPES),
        Mistake("W before a_prev", SOLUTION.replace("return a_prev @ W + b", "return W @ a_prev + b"), SHAPES),
    ),
)
