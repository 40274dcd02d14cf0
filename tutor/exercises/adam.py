"""Exercise 12: one Adam step, with its running moments and bias correction; the last and hardest."""
from tutor.exercises.model import Exercise, Mistake

DOC = '''Exercise 12: Adam     (lesson: gradient-descent)

Adam (Kingma & Ba, 2015) gives every weight its own step size. It keeps two running
means for each weight: m of the gradient g, and v of its square g². Both start at 0,
so for the first steps they are too small; dividing by 1 − βᵗ corrects that. With t
the number of steps taken, this one included (t = 1 on the first step):

    t ← t + 1
    m ← β₁·m + (1 − β₁)·g
    v ← β₂·v + (1 − β₂)·g²                 (g² element by element)
    m̂ = m / (1 − β₁ᵗ)        v̂ = v / (1 − β₂ᵗ)
    W ← W − η·m̂ / (√v̂ + ε)                 η: the learning rate lr

    adam_step(W, m, v, t, gradient, lr, beta1=0.9, beta2=0.999, eps=1e-8)
        W, m, v, gradient: arrays of one shape; t: the steps taken before this one
        returns the new (W, m, v, t)

The check runs your step for 60 steps on a bowl with a different curvature for each
weight, L(W) = ½·Σ cᵢⱼ·Wᵢⱼ², against the engine's Adam optimizer.

Check your work:  tutor exercises check adam'''

STUBS = '''def adam_step(W, m, v, t, gradient, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, as the docstring above says: returns the new (W, m, v, t)."""
    raise NotImplementedError("write adam_step")'''

SOLUTION = '''def adam_step(W, m, v, t, gradient, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, as the docstring above says: returns the new (W, m, v, t)."""
    t = t + 1
    m = beta1 * m + (1 - beta1) * gradient
    v = beta2 * v + (1 - beta2) * gradient**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    W = W - lr * m_hat / (np.sqrt(v_hat) + eps)
    return W, m, v, t'''

NO_BIAS_CORRECTION = ("no bias correction? m and v start at 0, so early on they are too small by the factors "
                      "1 − β₁ᵗ and 1 − β₂ᵗ: step with m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ)")
T_FROM_ZERO = ("did you correct with t before adding 1? Adam counts its steps from t = 1: with t = 0, "
               "1 − β₁⁰ = 0 and m̂ = m/0. Do t ← t + 1 first")
EPS_INSIDE = "ε goes outside the square root: √v̂ + ε, not √(v̂ + ε)"
PAPER_FORM = ("that is the paper's faster form, η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε), where ε sits next to √v, "
              "not √v̂; the course, the engine and PyTorch divide by √v̂ + ε: W ← W − η·m̂/(√v̂ + ε)")
SIGN = "a sign error: Adam steps against the gradient, W − η·m̂/(√v̂ + ε), or the loss rises"
BETAS_SWAPPED = ("are β₁ and β₂ swapped? m, the mean of g, decays with β₁ (0.9 by default); "
                 "v, the mean of g², with β₂ (0.999 by default)")
SQUARE_IN_M = "m is the running mean of the gradient g itself: g² goes into v, not m"

# The settings checked: lr, β₁, β₂, ε. The first's large ε tells √v̂ + ε from √(v̂ + ε).
SETTINGS = ((0.1, 0.8, 0.99, 1e-3), (0.05, 0.9, 0.999, 1e-8), (0.02, 0.5, 0.9, 0.1))
STEPS = 60


def check(learner):
    import numpy as np

    from engine.optimizers import Adam
    from tutor.exercises.checks import Failure, as_array, call, compare, describe, function

    fn = function(learner, "adam_step")
    line = fn.__code__.co_firstlineno
    curvature = np.array([[1.0, 4.0], [0.25, 25.0]])   # a different scale for each weight
    for lr, beta1, beta2, eps in SETTINGS:
        reference = Adam(curvature.size, lr, beta1=beta1, beta2=beta2, eps=eps)
        expected = np.array([3.0, -1.0, 2.0, 0.5])      # the engine's W, flat
        W, m, v, t = expected.reshape(2, 2).copy(), np.zeros((2, 2)), np.zeros((2, 2)), 0
        setting = f"lr {lr:g}, β₁ {beta1:g}, β₂ {beta2:g}, ε {eps:g}"
        for step in range(1, STEPS + 1):
            g = curvature * W   # ∇L for L = ½·Σ cᵢⱼ·Wᵢⱼ², at the learner's W
            with np.errstate(divide="ignore", invalid="ignore"):   # m/0 shows as inf below, with its cause
                result = call(learner, "adam_step", W, m, v, t, g, lr, beta1=beta1, beta2=beta2, eps=eps)
            if not (isinstance(result, tuple) and len(result) == 4):
                raise Failure("adam_step must return the four values (W, m, v, t)", line)
            text = f"step {step} of your adam_step ({setting})"
            new_t = result[3]
            if isinstance(new_t, bool) or not isinstance(new_t, (int, float, np.integer, np.floating)) \
                    or new_t != t + 1:
                raise Failure(f"the t of {text} is {new_t!r}; it counts the steps taken, so it should be "
                              f"{t + 1}: t ← t + 1, once per step", line)
            new_m = as_array("adam_step", result[1], (2, 2), f"the m of {text}")
            new_v = as_array("adam_step", result[2], (2, 2), f"the v of {text}")
            new_W = as_array("adam_step", result[0], (2, 2), f"the W of {text}")
            m_right = beta1 * m + (1 - beta1) * g
            v_right = beta2 * v + (1 - beta2) * g**2
            compare(new_m, m_right, what="β₁·m + (1 − β₁)·g there is", fn=fn,
                    call_text=lambda i: f"m{list(i)} after {text}",
                    candidates={BETAS_SWAPPED: beta2 * m + (1 - beta2) * g,
                                SQUARE_IN_M: beta1 * m + (1 - beta1) * g**2})
            compare(new_v, v_right, what="β₂·v + (1 − β₂)·g² there is", fn=fn,
                    call_text=lambda i: f"v{list(i)} after {text}",
                    candidates={BETAS_SWAPPED: beta1 * v + (1 - beta1) * g**2})
            if t == 0 and not np.isfinite(new_W).all():
                raise Failure(f"the W of {text} is {describe(new_W.ravel())}: {T_FROM_ZERO}", line)
            m_hat, v_hat = m_right / (1 - beta1**(t + 1)), v_right / (1 - beta2**(t + 1))
            compare(new_W, W - lr * m_hat / (np.sqrt(v_hat) + eps), what="W − η·m̂/(√v̂ + ε) there is", fn=fn,
                    call_text=lambda i: f"W{list(i)} after {text}",
                    candidates={NO_BIAS_CORRECTION: W - lr * m_right / (np.sqrt(v_right) + eps),
                                EPS_INSIDE: W - lr * m_hat / np.sqrt(v_hat + eps),
                                PAPER_FORM: W - lr * np.sqrt(1 - beta2**(t + 1)) / (1 - beta1**(t + 1))
                                            * m_right / (np.sqrt(v_right) + eps),
                                SIGN: W + lr * m_hat / (np.sqrt(v_hat) + eps)})
            reference.step(expected, curvature.ravel() * expected)
            W, m, v, t = new_W, new_m, new_v, t + 1
        compare(W, expected.reshape(2, 2), what="the engine's Adam gives", fn=fn,
                call_text=lambda i: f"W{list(i)} after {STEPS} steps of yours ({setting})")


EXERCISE = Exercise(
    name="adam", number=12, title="one Adam step", lesson="gradient-descent",
    doc=DOC, stubs=STUBS, solution_code=SOLUTION, check=check,
    hints=(
        "Follow the docstring line by line: count the step, update m and v, correct both, then step W.",
        "The bias correction uses the new t: on the first step t = 1, so m̂ = m/(1 − β₁) = g exactly.",
        "Keep ε outside the square root, and return new arrays: (W, m, v, t), t one more than it came in.",
    ),
    mistakes=(
        Mistake("no bias correction", SOLUTION.replace("m / (1 - beta1**t)", "m").replace("v / (1 - beta2**t)", "v"),
                NO_BIAS_CORRECTION),
        Mistake("bias correction with t from 0",
                SOLUTION.replace("    t = t + 1\n", "").replace("return W, m, v, t", "return W, m, v, t + 1"),
                T_FROM_ZERO),
        Mistake("ε inside the square root", SOLUTION.replace("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)"),
                EPS_INSIDE),
        Mistake("the paper's faster form, ε next to √v",
                SOLUTION.replace("m_hat / (np.sqrt(v_hat) + eps)",
                                 "np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps)"), PAPER_FORM),
        Mistake("a sign error", SOLUTION.replace("W = W - lr", "W = W + lr"), SIGN),
        Mistake("β₁ and β₂ swapped",
                SOLUTION.replace("beta1 * m + (1 - beta1)", "beta2 * m + (1 - beta2)")
                        .replace("beta2 * v + (1 - beta2)", "beta1 * v + (1 - beta1)"),
                BETAS_SWAPPED),
        Mistake("the gradient's square in m",
                SOLUTION.replace("(1 - beta1) * gradient", "(1 - beta1) * gradient**2"), SQUARE_IN_M),
    ),
)
