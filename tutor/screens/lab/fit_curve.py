"""The data panel's picture of a one-input dataset: the samples and the network's curve."""
from __future__ import annotations

import numpy as np

import engine

MAX_POINTS = 2000     # a chart has fewer columns than this
CURVE_POINTS = 200


def fit_curve(net: engine.Network, data: engine.datasets.Dataset):
    """(x, y, curve_x, curve_y): at most MAX_POINTS training samples, and the network's
    output at CURVE_POINTS evenly spaced inputs across their range (inf or NaN from a
    diverged network is drawn as nothing, not warned about)."""
    step = -(-len(data.X) // MAX_POINTS)
    x = data.X[::step, 0]
    curve_x = np.linspace(x.min(), x.max(), CURVE_POINTS)
    with np.errstate(all="ignore"):
        curve_y = net.forward(curve_x[:, None])[:, 0]
    return x, data.Y[::step, 0], curve_x, curve_y
