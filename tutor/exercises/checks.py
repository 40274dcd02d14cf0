"""The checks' tools, used inside the learner's subprocess: call a learner's function
with the call described in any failure, compare values with the first mismatch in
words, guess which typical mistake explains a mismatch, centered differences of the
learner's own function, and floating-point trouble at extreme inputs.
"""
from __future__ import annotations

import traceback

import numpy as np

from tutor.exercises.model import Failure

RTOL, ATOL = 1e-6, 1e-9


def function(learner, name: str):
    """The learner's function `name`, or a Failure saying it is missing."""
    fn = getattr(learner, name, None)
    if not callable(fn):
        raise Failure(f"your file defines no function {name}: keep its name and arguments as the starter file has them")
    return fn


def learner_line(error: BaseException, path: str) -> int | None:
    """The last line of the learner's file (`path`) in the error's traceback."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == path]
    return frames[-1].lineno if frames else None


def memory_limit_text() -> str:
    """' (the check allows 2 GB)', from the limit this process runs under."""
    import resource

    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    return "" if limit == resource.RLIM_INFINITY else f" (the check allows {limit / 2**30:.3g} GB)"


def describe(value) -> str:
    """An argument as a failure message shows it: a number, or an array's shape."""
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size <= 4:
            return "[" + ", ".join(f"{v:.4g}" for v in value) + "]"
        return f"an array of shape {value.shape}"
    if isinstance(value, float):
        return f"{value:g}"
    if callable(value):
        return "f"
    return repr(value)


def call(learner, name: str, *args, **kwargs):
    """learner.name(*args) on copies of the array arguments (a function that changes its
    arguments in place cannot spoil the check's own values); see call_sharing."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    return call_sharing(learner, name, *copies, **kwargs)


def call_sharing(learner, name: str, *args, **kwargs):
    """learner.name(*args), the arrays passed as they are (to see what it does to them):
    a crash becomes a Failure naming the call and the learner's line."""
    fn = function(learner, name)
    shown = ", ".join([describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()])
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as error:
        raise Failure(f"{name} is not written yet (it raises NotImplementedError)",
                      learner_line(error, learner.__file__)) from None
    except FloatingPointError as error:
        raise Failure(f"{name}({shown}): {error}: it must be safe at |z| = 1000, "
                      "with no overflow, ln(0) or NaN", learner_line(error, learner.__file__)) from None
    except MemoryError as error:  # the memory limit checker.py sets, or a huge array
        line = learner_line(error, learner.__file__)
        raise Failure(f"{name}({shown}) ran out of memory at line {line}{memory_limit_text()}", line) from None
    except Exception as error:  # the learner's bug, reported as their line
        line = learner_line(error, learner.__file__)
        where = f" at line {line}" if line else ""
        raise Failure(f"{name}({shown}) raised {type(error).__name__}{where}: {error}", line) from None


def as_array(name: str, got, shape: tuple, call_text: str) -> np.ndarray:
    """The learner's result as a float64 array of the expected shape, or a Failure."""
    if not isinstance(got, (np.ndarray, float, int, np.floating)) or isinstance(got, bool):
        raise Failure(f"{call_text} returned {type(got).__name__}, not a NumPy array")
    got = np.asarray(got)
    if got.shape != shape:
        raise Failure(f"{call_text} returned shape {got.shape}; it should be {shape}")
    if got.dtype != np.float64:
        raise Failure(f"{call_text} returned dtype {got.dtype}; it should be float64 (the course computes in float64)")
    return got


def first_mismatch(got: np.ndarray, expected: np.ndarray, rtol=RTOL, atol=ATOL):
    """The index of the first element that differs (NaN counts), or None if all agree."""
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    bad |= np.isnan(got) & ~np.isnan(expected)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0])


def diagnose(got: np.ndarray, candidates: dict[str, np.ndarray]) -> str:
    """The explanation of the first typical mistake whose values `got` matches."""
    for explanation, values in candidates.items():
        if values.shape == got.shape and np.allclose(got, values, rtol=1e-6, atol=1e-9):
            return explanation
    return ""


def number(value: float, other: float) -> str:
    """`value` to 3 significant digits, more if that would read as `other`."""
    short = f"{value:.3g}"
    return short if short != f"{other:.3g}" else f"{value:.8g}"


def compare(got, expected, *, what: str, call_text, fn=None, candidates=None, rtol=RTOL, atol=ATOL,
            note: str = "") -> None:
    """Fail at the first element where `got` differs from `expected`.

    `call_text(index)` names the call at that element ("your sigmoid(2.0) returned");
    `what` names the right value ("the derivative there is"); `candidates` maps a
    typical mistake's explanation to the values it would give.
    """
    index = first_mismatch(got, expected, rtol, atol)
    if index is None:
        return
    message = (f"{call_text(index)} returned {number(got[index], expected[index])}; "
               f"{what} {number(expected[index], got[index])}{note}")
    guess = diagnose(got, candidates or {})
    if guess:
        message += f": {guess}"
    line = fn.__code__.co_firstlineno if fn is not None and hasattr(fn, "__code__") else None
    raise Failure(message, line)


def centered_difference(f, z: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """(f(z + h) − f(z − h)) / 2h, element-wise: the derivative the learner's own f implies."""
    return (np.asarray(f(z + h), dtype=np.float64) - np.asarray(f(z - h), dtype=np.float64)) / (2 * h)


def centered_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂f/∂x for a scalar f of an array x, one entry at a time: (f(x + h·e_i) − f(x − h·e_i)) / 2h."""
    gradient = np.empty_like(x)
    for index in np.ndindex(x.shape):  # a check, not a hot path
        step = np.zeros_like(x)
        step[index] = h
        gradient[index] = (float(f(x + step)) - float(f(x - step))) / (2 * h)
    return gradient


def safe_at_extremes(learner, name: str, values=(-1000.0, 1000.0)) -> None:
    """Fail if learner.name overflows or gives NaN at |z| = 1000 (the course's rule for
    sigmoid and friends: no warnings there)."""
    z = np.array(values)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        got = call(learner, name, z)
    got = np.asarray(got, dtype=np.float64)
    if not np.isfinite(got).all():
        raise Failure(f"{name}({describe(z)}) returned {describe(got)}: it must stay finite at |z| = 1000",
                      function(learner, name).__code__.co_firstlineno)


def sample_points(rng: np.random.Generator, n: int = 40, scale: float = 6.0, avoid_zero: bool = False) -> np.ndarray:
    """n points in [−scale, scale], with a few round ones a learner can check by hand;
    away from 0 when a kink is there."""
    z = np.concatenate([[2.0, -2.0, 0.5, -0.5, 3.0], rng.uniform(-scale, scale, n)])
    if avoid_zero:
        z = z[np.abs(z) > 1e-3]
    return z


def check_elementwise(learner, name: str, expected_fn, *, what: str, candidates=None, avoid_zero=False) -> None:
    """learner.name at many points (and on a 2-D batch: shape and dtype kept) against expected_fn."""
    rng = np.random.default_rng(0)
    z = sample_points(rng, avoid_zero=avoid_zero)
    got = as_array(name, call(learner, name, z), z.shape, f"your {name}(z) for z of shape {z.shape}")
    cands = {text: fn(z) for text, fn in (candidates or {}).items()}
    compare(got, expected_fn(z), what=what, call_text=lambda i: f"your {name}({z[i]:g})",
            fn=function(learner, name), candidates=cands)
    batch = rng.normal(0.0, 2.0, size=(3, 4))
    as_array(name, call(learner, name, batch), batch.shape, f"your {name}(z) for a batch z of shape (3, 4)")


def check_derivative(learner, f_name: str, fprime_name: str, *, candidates=None, avoid_zero=False) -> None:
    """learner.fprime_name against centered differences of the learner's own f_name."""
    rng = np.random.default_rng(1)
    z = sample_points(rng, avoid_zero=avoid_zero)
    f = function(learner, f_name)
    got = as_array(fprime_name, call(learner, fprime_name, z), z.shape, f"your {fprime_name}(z) for z of shape {z.shape}")
    numeric = centered_difference(lambda x: call(learner, f_name, x), z)
    cands = {text: fn(z) for text, fn in (candidates or {}).items()}
    compare(got, numeric, what="the derivative there is", note=f" (centered differences of your {f.__name__})",
            call_text=lambda i: f"your {fprime_name}({z[i]:g})", fn=function(learner, fprime_name),
            candidates=cands, rtol=1e-5, atol=1e-7)
