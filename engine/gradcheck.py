"""Gradient checking: backpropagation against centered finite differences.

For each parameter θ_i, the numerical derivative is (L(θ_i + h) − L(θ_i − h)) / 2h,
with error O(h²). The relative error |a − n| / max(|a|, |n|) between the analytic
gradient a and the numerical one n is about 1e-7 or less when backprop is right
(CS231n notes); kinks such as ReLU's at 0 can give spurious larger errors.

Rounding limits the numerical gradient to about 1e-11 absolute accuracy at h = 1e-5,
so an entry of 1e-5 cannot be checked to 1e-7 relative on its own. Each array is
therefore judged on the scale of its largest entry: max |a − n| / max(|a|, |n|).

Given a regularisation penalty P (engine/regularization.py), the check is of L + P:
backprop's gradient plus the penalty's (what the optimizer steps on) against the
differences of L + P.
"""
from __future__ import annotations

import numpy as np

from engine.network import Network


def numerical_gradient(net: Network, X, Y, loss: str, theta: np.ndarray, h: float = 1e-5,
                       penalty=None) -> np.ndarray:
    """∂L/∂θ (∂(L + P)/∂θ with a penalty P) by centered differences, nudging each entry
    of `theta` (one of the network's own arrays) in place and restoring it."""
    def objective() -> float:
        L = net.evaluate(X, Y, loss)[1]
        return L if penalty is None else L + float(penalty.value(net.theta))

    gradient = np.zeros_like(theta)
    flat, out = theta.reshape(-1), gradient.reshape(-1)
    for i in range(flat.size):  # one entry at a time: this is a check, not the hot path
        saved = flat[i]
        flat[i] = saved + h
        plus = objective()
        flat[i] = saved - h
        minus = objective()
        flat[i] = saved
        out[i] = (plus - minus) / (2.0 * h)
    return gradient


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """max |a − n| over the entries, divided by the largest |a| or |n|; 0 if all are 0.

    (Dividing each entry by its own size instead would report the rounding noise
    of near-zero entries as errors of 1e-6 or worse, though backprop is right.)
    """
    scale = max(np.abs(analytic).max(initial=0.0), np.abs(numerical).max(initial=0.0))
    if scale == 0.0:
        return 0.0
    return float(np.abs(analytic - numerical).max() / scale)


def gradcheck(net: Network, X, Y, loss: str = "bce", h: float = 1e-5, penalty=None) -> dict[str, float]:
    """Relative error of backward() (plus the penalty's gradient, given a penalty)
    against finite differences, per parameter array.

    Keys are "W1", "b1", "W2", ... (layers counted from 1, as in the math). Uses
    evaluation mode, so RReLU is checked with its fixed slope.
    """
    gradient = net.backward(X, Y, loss, train=False).nabla_theta
    if penalty is not None:
        gradient = penalty.add_gradient(net.theta, gradient, out=np.empty_like(gradient))
    nabla_w, nabla_b = net.split(gradient)
    errors = {}
    for l in range(net.layers):
        errors[f"W{l + 1}"] = relative_error(nabla_w[l],
                                             numerical_gradient(net, X, Y, loss, net.weights[l], h, penalty))
        errors[f"b{l + 1}"] = relative_error(nabla_b[l],
                                             numerical_gradient(net, X, Y, loss, net.biases[l], h, penalty))
    return errors
