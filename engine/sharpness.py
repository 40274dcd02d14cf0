"""Sharpness: the largest eigenvalue λ_max of the loss's Hessian, and why it limits η.

The Hessian H = ∇²L(θ) holds the loss's second derivatives, H_ij = ∂²L/∂θ_i∂θ_j. Near
a point θ the loss is about a quadratic, L(θ + d) ≈ L(θ) + ∇L·d + ½ dᵀHd, and on a
quadratic one step of gradient descent multiplies the error along each eigenvector u_i
of H by (1 − η·λ_i). The step shrinks it only while |1 − η·λ_i| < 1, that is while

    λ_i < 2/η                                        (the stability limit)

so full-batch gradient descent settles only if the sharpness λ_max stays below 2/η.
On real networks the sharpness rises during training until it reaches about 2/η and
hovers there, the loss falling in the long run but no longer every epoch (Cohen et al.,
ICLR 2021, "Gradient Descent on Neural Networks Typically Occurs at the Edge of
Stability").

How it is estimated here, with nothing but the engine's own backward pass:
- a Hessian-vector product by central differences of the gradient,
      Hv ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε,           error O(ε²)
  two backward passes, never the whole matrix;
- power iteration: v ← Hv/‖Hv‖ turns v towards the eigenvector of the eigenvalue of
  largest size, and the Rayleigh quotient vᵀHv (‖v‖ = 1) tends to that eigenvalue.

The gradients are taken in evaluation mode (RReLU with its fixed slope), on a copy of
the network: the network's θ and its random generator are never touched.

ReLU-like activations have no second derivative at z = 0, where f' jumps: a sample
whose hidden z crosses 0 between θ − εv and θ + εv would add its gradient's jump
divided by 2ε, a spike up to 100 times the sharpness (measured on circle 2-8-8-1 with
ReLU, in 4-8% of estimates). Such samples are left out of that one product.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.network import Network

EPSILON = 1e-5       # ε of the central difference (for weights of size 1 or less): truncation O(ε²), rounding O(1e-16/ε)
# Stop when the residual ‖Hv − λv‖ is at most this share of |λ|. Then some eigenvalue
# lies within 1% of λ, and the Rayleigh quotient is usually far closer to λ_max (its
# error is about ‖Hv − λv‖²/(λ_1 − λ_2)): 3e-4 on sine 1-16-16-1 at the edge of
# stability, where 1e-3 took three times as many products for 4e-6.
TOLERANCE = 1e-2
MAX_ITERATIONS = 50  # Hessian-vector products one power iteration may use

# Epochs between two estimates when the Lab charts the sharpness (Trainer's
# sharpness_every). Measured by bench/sharpness.py (numbers in the README): the estimates
# take 3-7% of training time on XOR 2-4-1 and circle 2-8-8-1 at the Lab's lr 0.5, and
# 10-13% at lr 10 or at the edge of stability, where each needs more products.
LAB_SHARPNESS_EVERY = 100


def stability_limit(lr: float) -> float:
    """2/η: the largest sharpness at which gradient descent with learning rate η still
    shrinks the error along every direction of a quadratic (the line to chart)."""
    return 2.0 / lr


@dataclass(frozen=True)
class Sharpness:
    """An estimate of λ_max, with how it was reached."""

    value: float            # λ_max: the Rayleigh quotient vᵀHv; NaN if the gradients were not finite
    iterations: int         # Hessian-vector products used
    converged: bool         # whether ‖Hv − λv‖ ≤ tolerance·|λ| was reached
    direction: np.ndarray   # v, the unit vector found: a warm start for the next estimate


class HessianVectorProduct:
    """v ↦ Hv for the loss of `net` on (X, Y), by central differences of the gradient.

    Works on a twin of the network (Network.copy): the network itself keeps its θ and
    its random generator exactly as they were, even while this runs.
    """

    def __init__(self, net: Network, X, Y, loss: str, epsilon: float = EPSILON):
        # A new twin each estimate: about 20 µs (half of it the twin's random generator),
        # 0.2-0.5% of the Lab's 100 epochs between two estimates (measured on xor 2-4-1,
        # circle 2-8-8-1, sine 1-16-16-1), too little to keep one twin per run instead.
        self.twin = net.copy()
        self.theta = net.theta.copy()        # the point θ at which H is taken
        self.X, self.Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        self.loss = loss
        # ε in proportion to θ's typical entry (its root mean square) once that exceeds 1:
        # a fixed ε would vanish in rounding next to weights of 10^8, as a diverging
        # run's become, and Hv would read 0.
        typical = math.sqrt(np.vdot(self.theta, self.theta) / self.theta.size)
        self.epsilon = epsilon * max(1.0, typical) if math.isfinite(typical) else epsilon
        self._gradients = None               # the twin's gradient arrays, reused
        self.kinked = net.activation.derivative_jumps_at_0

    def gradient(self, theta: np.ndarray, X, Y) -> tuple[np.ndarray, list[np.ndarray]]:
        """(∇L at θ, a copy; z^l of the hidden layers), by the engine's backward pass in
        evaluation mode, the loss L being the mean over the samples (X, Y)."""
        self.twin.theta[...] = theta
        g = self._gradients = self.twin.backward(X, Y, self.loss, train=False, out=self._gradients)
        return g.nabla_theta.copy(), g.zs[:-1]

    def __call__(self, v: np.ndarray) -> np.ndarray:
        """Hv ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε, leaving out samples that cross a kink."""
        step = self.epsilon * v
        plus, zs_plus = self.gradient(self.theta + step, self.X, self.Y)
        minus, zs_minus = self.gradient(self.theta - step, self.X, self.Y)
        if self.kinked:
            crossed = np.zeros(len(self.X), dtype=bool)
            for z_plus, z_minus in zip(zs_plus, zs_minus):
                crossed |= ((z_plus > 0) != (z_minus > 0)).any(axis=1)
            if crossed.any():
                # H = (1/n) Σ_x H_x: the others' mean, weighted by their share of the n samples.
                kept = ~crossed
                if not kept.any():
                    return np.zeros_like(v)
                plus = self.gradient(self.theta + step, self.X[kept], self.Y[kept])[0]
                minus = self.gradient(self.theta - step, self.X[kept], self.Y[kept])[0]
                return kept.mean() * (plus - minus) / (2.0 * self.epsilon)
        return (plus - minus) / (2.0 * self.epsilon)


def power_iteration(multiply, start: np.ndarray, tolerance: float = TOLERANCE,
                    max_iterations: int = MAX_ITERATIONS) -> Sharpness:
    """The eigenvalue of largest size |λ| of a symmetric operator v ↦ Av (`multiply`).

    Each iteration: λ = vᵀAv (the Rayleigh quotient), stop if the residual ‖Av − λv‖
    is at most tolerance·|λ| (then some eigenvalue lies within that of λ), else
    v ← Av/‖Av‖. The component of v along the top eigenvector grows by a factor
    |λ_1/λ_2| per iteration relative to the next one.
    """
    v = start / math.sqrt(np.vdot(start, start))
    value = math.nan
    for iteration in range(1, max_iterations + 1):
        Av = multiply(v)
        value = float(np.vdot(v, Av))
        residual = Av - value * v
        size = math.sqrt(np.vdot(Av, Av))
        if not math.isfinite(size):
            return Sharpness(math.nan, iteration, False, v)
        if math.sqrt(np.vdot(residual, residual)) <= tolerance * abs(value) or size == 0.0:
            return Sharpness(value, iteration, True, v)
        v = Av / size
    return Sharpness(value, max_iterations, False, v)


def largest_eigenvalue(multiply, start: np.ndarray, tolerance: float = TOLERANCE,
                       max_iterations: int = MAX_ITERATIONS) -> Sharpness:
    """The largest eigenvalue λ_max (not the largest in size) of a symmetric operator.

    Power iteration finds the eigenvalue of largest |λ|. If that one is negative, a
    second power iteration on A − μI, with μ that negative eigenvalue, finds λ_max − μ:
    the shift makes every eigenvalue λ − μ ≥ 0, so the largest is now the largest in size.
    """
    found = power_iteration(multiply, start, tolerance, max_iterations)
    if not found.value < 0:   # positive, zero or NaN: nothing more to do
        return found
    shift = found.value
    shifted = power_iteration(lambda v: multiply(v) - shift * v, start, tolerance, max_iterations)
    return Sharpness(shifted.value + shift, found.iterations + shifted.iterations,
                     shifted.converged, shifted.direction)


def estimate_sharpness(net: Network, X, Y, loss: str, start: np.ndarray | None = None,
                       tolerance: float = TOLERANCE, max_iterations: int = MAX_ITERATIONS,
                       epsilon: float = EPSILON, seed: int = 0) -> Sharpness:
    """λ_max of the Hessian of L(θ) = mean C_x over (X, Y), at the network's θ.

    `start` is the first v (e.g. the direction of the previous estimate, which is
    close when θ moved little); without it, a random vector from `seed` (a generator
    of its own: the network's is left alone).
    """
    if start is None:
        start = np.random.default_rng(seed).standard_normal(net.theta.size)
    product = HessianVectorProduct(net, X, Y, loss, epsilon)
    return largest_eigenvalue(product, start, tolerance, max_iterations)


def hessian(net: Network, X, Y, loss: str, epsilon: float = EPSILON) -> np.ndarray:
    """The whole Hessian, column by column: H e_j by central differences, then (H + Hᵀ)/2.

    A check for tiny networks (one pair of backward passes per parameter): the
    differences are only nearly symmetric, the true Hessian exactly.
    """
    product = HessianVectorProduct(net, X, Y, loss, epsilon)
    H = np.column_stack([product(e) for e in np.eye(net.theta.size)])
    return (H + H.T) / 2.0


def top_eigenvalue(H: np.ndarray) -> float:
    """λ_max of a symmetric matrix (eigvalsh returns the eigenvalues in ascending order)."""
    return float(np.linalg.eigvalsh(H)[-1])
