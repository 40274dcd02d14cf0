"""Exercise 11: gradient descent with momentum (heavy ball), a harder one before Adam."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 11: momentum     (lesson: gradient-descent)

Momentum keeps a velocity v, a running sum of past steps, so that steps along a
consistent direction grow and zig-zags across a valley cancel (Polyak's heavy ball):

    v ← μ·v − η·∇L(θ)
    θ ← θ + v

    momentum_step(theta, velocity, gradient, lr, mu=0.9) returns the new (theta, velocity)

With μ = 0 it is plain gradient descent. The check runs your step for many steps on
a long narrow valley, L(θ) = ½(θ₀² + 25·θ₁²), against the engine's Momentum optimizer.

Check your work:  tutor exercises check momentum'''

STUBS = '''def momentum_step(theta, velocity, gradient, lr, mu=0.9):
    """v ← μ·v − lr·gradient;  θ ← θ + v.  Returns (theta, velocity)."""
    raise NotImplementedError("write momentum_step")'''

SOLUTION = '''def momentum_step(theta, velocity, gradient, lr, mu=0.9):
    """v ← μ·v − lr·gradient;  θ ← θ + v.  Returns (theta, velocity)."""
    velocity = mu * velocity - lr * gradient
    return theta + velocity, velocity'''

OLD_VELOCITY = "did you move θ by the old velocity? Update v first, then θ ← θ + v (the new v)"
SIGN = "a sign error: v ← μ·v − η·∇L; the gradient is subtracted"
NO_MU = "did you leave out μ? The velocity decays: v ← μ·v − η·∇L"


def check(learner):
    import numpy as np

    from engine.optimizers import Momentum
    from tutor.exercises.checks import Failure, as_array, call, compare, function

    fn = function(learner, "momentum_step")
    line = fn.__code__.co_firstlineno
    curvature = np.array([1.0, 25.0])
    for lr, mu in ((0.02, 0.9), (0.03, 0.5), (0.05, 0.0)):
        reference = Momentum(2, lr, mu=mu)
        expected = np.array([3.0, 1.0])
        theta, velocity = expected.copy(), np.zeros(2)
        for step in range(1, 51):
            gradient = curvature * theta   # ∇L for L = ½(θ₀² + 25θ₁²), at the learner's θ
            result = call(learner, "momentum_step", theta, velocity, gradient, lr, mu)
            if not (isinstance(result, tuple) and len(result) == 2):
                raise Failure("momentum_step must return the pair (theta, velocity)", line)
            text = f"step {step} of your momentum_step (lr {lr:g}, μ {mu:g})"
            new_theta = as_array("momentum_step", result[0], (2,), f"the θ of {text}")
            new_velocity = as_array("momentum_step", result[1], (2,), f"the velocity of {text}")
            v_right = mu * velocity - lr * gradient
            reference.step(expected, curvature * expected)
            compare(new_theta, theta + v_right, what="θ there should be", fn=fn,
                    call_text=lambda i: f"θ[{i[0]}] after {text}",
                    candidates={OLD_VELOCITY: theta + velocity, SIGN: theta + (mu * velocity + lr * gradient),
                                NO_MU: theta + velocity - lr * gradient})
            compare(new_velocity, v_right, what="the velocity there is", fn=fn,
                    call_text=lambda i: f"velocity[{i[0]}] after {text}")
            theta, velocity = new_theta, new_velocity
        compare(theta, expected, what="the engine's Momentum gives", fn=fn,
                call_text=lambda i: f"θ[{i[0]}] after 50 steps of yours (lr {lr:g}, μ {mu:g})")


EXERCISE = Exercise(
    name="momentum", number=11, title="gradient descent with momentum", lesson="gradient-descent",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "Two lines: first the new velocity from the old one and the gradient, then θ plus the new velocity.",
        "Return new arrays: velocity = mu * velocity - lr * gradient, then theta + velocity.",
    ),
    mistakes=(
        Mistake("θ moved by the old velocity",
                SOLUTION.replace("    velocity = mu * velocity - lr * gradient\n    return theta + velocity, velocity",
                                 "    new_theta = theta + velocity\n    return new_theta, mu * velocity - lr * gradient"),
                OLD_VELOCITY),
        Mistake("a sign error", SOLUTION.replace("mu * velocity - lr * gradient", "mu * velocity + lr * gradient"), SIGN),
        Mistake("no μ", SOLUTION.replace("mu * velocity - lr * gradient", "velocity - lr * gradient"), NO_MU),
    ),
)
