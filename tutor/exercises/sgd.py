"""Exercise 8: one step of gradient descent."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 8: one SGD step     (lesson: gradient-descent)

Gradient descent moves each parameter a small step against its gradient:

    W ← W − η·∂L/∂W        b ← b − η·∂L/∂b        η: the learning rate lr

    sgd_step(W, b, nabla_W, nabla_b, lr) returns the new pair (W, b)

Check your work:  tutor exercises check sgd'''

STUBS = '''def sgd_step(W, b, nabla_W, nabla_b, lr):
    """(W − lr·nabla_W, b − lr·nabla_b)."""
    raise NotImplementedError("write sgd_step")'''

SOLUTION = '''def sgd_step(W, b, nabla_W, nabla_b, lr):
    """(W − lr·nabla_W, b − lr·nabla_b)."""
    return W - lr * nabla_W, b - lr * nabla_b'''

SIGN = "a sign error: a step goes against the gradient, W − η·∂L/∂W, or the loss rises"
NO_LR = "did you leave out the learning rate? The step is η·∂L/∂W"


def check(learner):
    import numpy as np

    from tutor.exercises.checks import Failure, as_array, call, compare, function

    rng = np.random.default_rng(8)
    fn = function(learner, "sgd_step")
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    nabla_W, nabla_b = rng.normal(size=(3, 2)), rng.normal(size=2)
    for lr in (0.5, 0.01):
        text = f"sgd_step(W (3, 2), b (2,), nabla_W, nabla_b, lr={lr:g})"
        pair = call(learner, "sgd_step", W, b, nabla_W, nabla_b, lr)
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise Failure(f"your {text} must return the pair (W, b)", fn.__code__.co_firstlineno)
        new_W = as_array("sgd_step", pair[0], W.shape, f"the W of your {text}")
        new_b = as_array("sgd_step", pair[1], b.shape, f"the b of your {text}")
        for got, old, grad, name in ((new_W, W, nabla_W, "W"), (new_b, b, nabla_b, "b")):
            compare(got, old - lr * grad, what=f"{name} − η·∂L/∂{name} there is", fn=fn,
                    call_text=lambda i: f"{name}{list(i)} of your {text}",
                    candidates={SIGN: old + lr * grad, NO_LR: old - grad})


EXERCISE = Exercise(
    name="sgd", number=8, title="one step of gradient descent", lesson="gradient-descent",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=("The gradient points uphill: subtract it, scaled by lr.",),
    mistakes=(
        Mistake("a sign error", SOLUTION.replace("W - lr * nabla_W, b - lr * nabla_b",
                                                 "W + lr * nabla_W, b + lr * nabla_b"), SIGN),
        Mistake("no learning rate", SOLUTION.replace("W - lr * nabla_W, b - lr * nabla_b",
                                                     "W - nabla_W, b - nabla_b"), NO_LR),
    ),
)
