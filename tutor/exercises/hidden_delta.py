"""Exercise 6: the hidden layer's delta, BP2."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 6: the hidden layer's delta (BP2)     (lesson: backprop)

Backpropagation carries δ from layer l+1 back to layer l. For a batch (one sample per row):

    delta_next  δ^(l+1), shape (n, fan_out)      fan_out: neurons in layer l+1
    W_next      W^(l+1), shape (fan_in, fan_out) fan_in: neurons in layer l
    fprime_z    f′(z^l), shape (n, fan_in)       the activation's derivative at layer l

    hidden_delta(delta_next, W_next, fprime_z)
        returns δ^l = (δ^(l+1) @ (W^(l+1))ᵀ) ⊙ f′(z^l), shape (n, fan_in)

⊙ is the element-wise product (* in NumPy), @ the matrix product. No loop over samples.

Check your work:  tutor exercises check hidden_delta'''

STUBS = '''def hidden_delta(delta_next, W_next, fprime_z):
    """BP2: δ^l = (δ^(l+1) @ W^(l+1)ᵀ) ⊙ f′(z^l)."""
    raise NotImplementedError("write hidden_delta")'''

SOLUTION = '''def hidden_delta(delta_next, W_next, fprime_z):
    """BP2: δ^l = (δ^(l+1) @ W^(l+1)ᵀ) ⊙ f′(z^l)."""
    return (delta_next @ W_next.T) * fprime_z'''

NO_FPRIME = "did you leave out ⊙ f′(z^l)? The chain rule multiplies by the activation's derivative at layer l"
SHAPES = ("δ^(l+1) has shape (n, fan_out) and W^(l+1) (fan_in, fan_out): δ^(l+1) @ W^(l+1)ᵀ "
          "gives (n, fan_in), the shape of f′(z^l)")
MATRIX_PRODUCT = "did you multiply by f′(z^l) with @? ⊙ is element by element: * in NumPy"


def check(learner):
    import numpy as np

    from tutor.exercises.checks import Failure, as_array, call, centered_gradient, compare, function

    rng = np.random.default_rng(6)
    fn = function(learner, "hidden_delta")
    for n, fan_in, fan_out in ((5, 4, 3), (1, 3, 1), (4, 2, 5)):
        delta_next, W_next = rng.normal(size=(n, fan_out)), rng.normal(size=(fan_in, fan_out))
        z = rng.normal(size=(n, fan_in))
        fprime_z = 1.0 - np.tanh(z) ** 2
        text = f"hidden_delta(delta_next {delta_next.shape}, W_next {W_next.shape}, fprime_z {fprime_z.shape})"
        try:
            got = call(learner, "hidden_delta", delta_next, W_next, fprime_z)
        except Failure as failure:
            if "ValueError" in failure.message:
                raise Failure(f"{failure.message}: {SHAPES}", failure.line) from None
            raise
        got = as_array("hidden_delta", got, (n, fan_in), f"your {text}")
        # δ^l = ∂C_x/∂z^l: centered differences of C_x = Σ δ^(l+1)·z^(l+1) (linear in z^(l+1),
        # so ∂C_x/∂z^(l+1) = δ^(l+1)) through z^(l+1) = tanh(z^l) @ W^(l+1).
        numeric = centered_gradient(lambda zz: (delta_next * (np.tanh(zz) @ W_next)).sum(), z)
        compare(got, numeric, what="∂C/∂z there is (centered differences)", fn=fn, rtol=1e-5, atol=1e-7,
                call_text=lambda i: f"δ[{i[0]}, {i[1]}] of your {text}",
                candidates={NO_FPRIME: delta_next @ W_next.T})


EXERCISE = Exercise(
    name="hidden_delta", number=6, title="the hidden layer's delta (BP2)", lesson="backprop",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "Write down the shapes: (n, fan_out) @ ? must give (n, fan_in). Which way round must W^(l+1) be?",
        "W_next.T has shape (fan_out, fan_in); then multiply element by element by fprime_z.",
    ),
    mistakes=(
        Mistake("a missing chain factor", SOLUTION.replace("(delta_next @ W_next.T) * fprime_z", "delta_next @ W_next.T"),
                NO_FPRIME),
        Mistake("a transposed matrix", SOLUTION.replace("delta_next @ W_next.T", "delta_next @ W_next"), SHAPES),
    ),
)
