"""Tests for engine.network: shapes, the forward pass, backward's bookkeeping, RReLU's
training mode inside a network, and saving and loading."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import ACTIVATIONS, OUTPUTS, Network, NetworkFileError

LOSS_FOR = {"sigmoid": "bce", "softmax": "cross_entropy", "tanh": "mse", "linear": "mse"}


def targets_for(output, rng, shape):
    if output == "softmax":
        return np.eye(shape[1])[rng.integers(0, shape[1], size=shape[0])]
    if output == "sigmoid":
        return rng.uniform(0.0, 1.0, size=shape)
    return rng.uniform(-1.0, 1.0, size=shape)


# --- shapes ----------------------------------------------------------------------------------


def test_parameter_and_gradient_shapes():
    sizes = [3, 5, 4, 2]
    net = Network(sizes, "tanh", "softmax", seed=1)
    assert net.layers == 3
    assert [W.shape for W in net.weights] == [(3, 5), (5, 4), (4, 2)]
    assert [b.shape for b in net.biases] == [(5,), (4,), (2,)]
    assert all(W.dtype == np.float64 for W in net.weights + net.biases)

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(7, 3)), targets_for("softmax", rng, (7, 2))
    g = net.backward(X, Y, "cross_entropy")
    assert [W.shape for W in g.nabla_w] == [(3, 5), (5, 4), (4, 2)]
    assert [b.shape for b in g.nabla_b] == [(5,), (4,), (2,)]
    assert [d.shape for d in g.deltas] == [(7, 5), (7, 4), (7, 2)]
    assert [z.shape for z in g.zs] == [(7, 5), (7, 4), (7, 2)]
    assert [a.shape for a in g.activations] == [(7, 3), (7, 5), (7, 4), (7, 2)]
    np.testing.assert_array_equal(g.activations[0], X)


def test_backward_follows_bp1_to_bp4():
    rng = np.random.default_rng(2)
    net = Network([2, 3, 1], "sigmoid", "sigmoid", init="normal", seed=2)
    X, Y = rng.normal(size=(6, 2)), rng.uniform(size=(6, 1))
    g = net.backward(X, Y, "bce")
    a1, a2 = g.activations[1], g.activations[2]
    delta2 = a2 - Y                                              # BP1 (bce after sigmoid)
    delta1 = (delta2 @ net.weights[1].T) * a1 * (1 - a1)         # BP2
    np.testing.assert_allclose(g.deltas[1], delta2, rtol=1e-14)
    np.testing.assert_allclose(g.deltas[0], delta1, rtol=1e-13)
    np.testing.assert_allclose(g.nabla_b[0], delta1.mean(axis=0), rtol=1e-13)  # BP3
    np.testing.assert_allclose(g.nabla_w[0], X.T @ delta1 / 6, rtol=1e-13)    # BP4
    np.testing.assert_allclose(g.nabla_w[1], a1.T @ delta2 / 6, rtol=1e-13)


def test_backward_loss_is_the_mean_cost_that_evaluate_reports():
    rng = np.random.default_rng(3)
    net = Network([4, 6, 3], "gelu", "softmax", seed=3)
    X, Y = rng.normal(size=(9, 4)), targets_for("softmax", rng, (9, 3))
    outputs, loss = net.evaluate(X, Y, "cross_entropy")
    assert net.backward(X, Y, "cross_entropy").loss == pytest.approx(loss, rel=1e-14)
    assert loss == pytest.approx(-np.log(outputs[Y == 1]).mean(), rel=1e-12)
    np.testing.assert_array_equal(outputs, net.forward(X))


# --- property tests on random shapes ---------------------------------------------------------

sizes_strategy = st.lists(st.integers(1, 8), min_size=2, max_size=7)  # 1..6 weight layers


@settings(max_examples=60, deadline=None)
@given(sizes=sizes_strategy, batch=st.integers(1, 16), activation=st.sampled_from(sorted(ACTIVATIONS)),
       output=st.sampled_from(sorted(OUTPUTS)), init=st.sampled_from(["xavier", "he", "normal"]),
       seed=st.integers(0, 2**16))
def test_forward_pass_on_random_shapes(sizes, batch, activation, output, init, seed):
    net = Network(sizes, activation, output, init=init, seed=seed)
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(batch, sizes[0]))
    a = net.forward(X)
    assert a.shape == (batch, sizes[-1])
    assert np.all(np.isfinite(a))
    zs, activations, fprimes = net.feedforward(X)
    np.testing.assert_array_equal(a, activations[-1])
    assert len(zs) == len(activations) - 1 == len(fprimes) + 1 == net.layers
    zs_only, activations_only, none = net.feedforward(X, derivatives=False)   # forward's pass
    assert none == [] and all(np.array_equal(x, y) for x, y in zip(zs + activations, zs_only + activations_only))
    if output == "sigmoid":
        assert np.all((a >= 0.0) & (a <= 1.0))
        # Strictly inside wherever float64 can tell σ(z) from 0 and 1.
        inside = np.abs(zs[-1]) < 36.0
        assert np.all((a[inside] > 0.0) & (a[inside] < 1.0))
    if output == "softmax":
        assert np.all(a >= 0.0)
        np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(sizes=sizes_strategy, batch=st.integers(1, 16), activation=st.sampled_from(sorted(ACTIVATIONS)),
       output=st.sampled_from(sorted(OUTPUTS)), seed=st.integers(0, 2**16))
def test_backward_shapes_on_random_shapes(sizes, batch, activation, output, seed):
    rng = np.random.default_rng(seed)
    net = Network(sizes, activation, output, seed=seed)
    X = rng.uniform(-1.0, 1.0, size=(batch, sizes[0]))
    g = net.backward(X, targets_for(output, rng, (batch, sizes[-1])), LOSS_FOR[output])
    assert [d.shape for d in g.deltas] == [(batch, n) for n in sizes[1:]]
    assert [W.shape for W in g.nabla_w] == [W.shape for W in net.weights]
    assert [b.shape for b in g.nabla_b] == [b.shape for b in net.biases]
    assert np.isfinite(g.loss) and g.loss >= 0.0


# --- RReLU inside a network ------------------------------------------------------------------


def test_rrelu_network_is_random_in_training_and_fixed_in_evaluation():
    net = Network([3, 16, 2], "rrelu", "linear", seed=4)
    X = np.random.default_rng(4).normal(size=(10, 3))
    state = net.rng.bit_generator.state
    first, second = net.forward(X), net.forward(X)
    np.testing.assert_array_equal(first, second)
    assert net.rng.bit_generator.state == state  # evaluation draws no random numbers
    assert not np.array_equal(net.forward(X, train=True), net.forward(X, train=True))


def test_rrelu_training_backward_uses_the_forward_slopes():
    net = Network([3, 16, 1], "rrelu", "linear", seed=5)
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    g = net.backward(X, Y, "mse", train=True)
    z, a = g.zs[0], g.activations[1]
    negative = z < 0
    slopes = a[negative] / z[negative]
    assert np.all((slopes >= 1 / 8) & (slopes <= 1 / 3))
    assert len(np.unique(slopes)) == negative.sum()  # one slope per element
    # BP2 with those slopes: delta^1 = (delta^2 W^2ᵀ) ⊙ f'(z^1), f' = slope where z < 0.
    fprime = np.where(negative, a / np.where(negative, z, 1.0), 1.0)
    np.testing.assert_allclose(g.deltas[0], (g.deltas[1] @ net.weights[1].T) * fprime, rtol=1e-12)


# --- construction errors ---------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,word", [
    (dict(sizes=[2, 3, 1], activation="relu6"), "activation"),
    (dict(sizes=[2, 3, 1], output="softplus"), "output"),
    (dict(sizes=[2, 3, 1], init="orthogonal"), "init"),
    (dict(sizes=[2]), "sizes"),
    (dict(sizes=[2, 0, 1]), "sizes"),
])
def test_bad_construction_is_refused_with_a_message(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Network(**kwargs)


def test_a_loss_that_does_not_fit_the_output_is_refused_where_the_run_is_set_up():
    """Once, by RunConfig (naming the field) or the Trainer; backward itself stays BP1-BP4."""
    from engine import ConfigError, RunConfig, Trainer

    net = Network([2, 3, 2], "tanh", "softmax")
    with pytest.raises(ValueError, match="bce.*softmax"):
        Trainer(net, np.zeros((1, 2)), np.array([[1.0, 0.0]]), loss="bce")
    with pytest.raises(ConfigError, match="bce.*softmax") as error:
        RunConfig(layers=(2, 3, 2), output="softmax", loss="bce").validate()
    assert error.value.field == "loss"


def test_copy_is_independent():
    net = Network([2, 3, 1], "tanh", "sigmoid", seed=6)
    twin = net.copy()
    twin.weights[0] += 1.0
    twin.biases[1] += 1.0
    assert not np.array_equal(net.weights[0], twin.weights[0])
    assert not np.array_equal(net.biases[1], twin.biases[1])
    assert net.copy().config() == net.config()


# --- saving and loading ----------------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path):
    net = Network([3, 5, 4, 2], "elu", "softmax", init="he", seed=7)
    for b in net.biases:
        b += 0.25  # not the freshly initialised zeros
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = Network.load(path)
    assert loaded.config() == net.config()
    for saved, read in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        np.testing.assert_array_equal(saved, read)
    X = np.random.default_rng(7).normal(size=(5, 3))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))


def test_loading_a_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("this is not a network\n")
    with pytest.raises(NetworkFileError, match="not a saved network") as caught:
        Network.load(path)
    assert "pickle" not in str(caught.value)  # no advice to unpickle an unknown file


def test_loading_a_bare_npy_array_is_refused(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros((2, 3)))
    with pytest.raises(NetworkFileError, match="not an .npz archive"):
        Network.load(path)


def test_loading_a_truncated_file_is_refused(tmp_path):
    path = tmp_path / "net.npz"
    Network([2, 3, 1]).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(NetworkFileError) as caught:
        Network.load(path)
    assert str(path) in str(caught.value) and "damaged" in str(caught.value)


def test_loading_a_file_with_missing_arrays_is_refused(tmp_path):
    path = tmp_path / "net.npz"
    Network([2, 3, 1]).save(path)
    partial = tmp_path / "partial.npz"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(partial, "w") as target:
        for item in source.infolist():
            if item.filename != "W1.npy":
                target.writestr(item, source.read(item.filename))
    with pytest.raises(NetworkFileError, match="W1"):
        Network.load(partial)


def test_loading_arrays_of_the_wrong_shape_is_refused(tmp_path):
    path = tmp_path / "net.npz"
    net = Network([2, 3, 1])
    net.save(path)
    with np.load(path) as data:
        arrays = dict(data)
    arrays["W1"] = np.zeros((5, 5))
    np.savez(path, **arrays)
    with pytest.raises(NetworkFileError, match=r"W1 has shape \(5, 5\), expected \(2, 3\)"):
        Network.load(path)
    arrays["W1"], arrays["b2"] = net.weights[0], np.zeros(4)
    np.savez(path, **arrays)
    with pytest.raises(NetworkFileError, match=r"b2 has shape \(4,\), expected \(1,\)"):
        Network.load(path)


def test_saved_arrays_are_numbered_from_1_as_in_the_book(tmp_path):
    path = tmp_path / "net.npz"
    Network([2, 3, 4, 1]).save(path)
    with np.load(path) as data:
        assert sorted(data.files) == ["W1", "W2", "W3", "b1", "b2", "b3", "config"]


def test_a_file_saved_with_layers_numbered_from_0_still_loads(tmp_path):
    net = Network([3, 5, 2], "relu", "softmax", seed=4)
    for b in net.biases:
        b += 0.5
    old = tmp_path / "old.npz"   # the layout Network.save wrote before it numbered layers from 1
    np.savez(old, config=np.array(json.dumps(net.config())),
             **{f"W{l}": W for l, W in enumerate(net.weights)},
             **{f"b{l}": b for l, b in enumerate(net.biases)})
    loaded = Network.load(old)
    for saved, read in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        np.testing.assert_array_equal(saved, read)



def test_gradients_sit_in_one_vector_laid_out_as_theta():
    net = Network([3, 5, 2], "tanh", "sigmoid", seed=1)
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(4, 3)), rng.uniform(size=(4, 2))
    g = net.backward(X, Y, "bce")
    assert g.nabla_theta.shape == net.theta.shape
    np.testing.assert_array_equal(g.nabla_theta, np.concatenate([a.ravel() for a in g.nabla_w + g.nabla_b]))
    assert all(np.shares_memory(a, g.nabla_theta) for a in g.nabla_w + g.nabla_b)
    for l, W in enumerate(g.nabla_w):           # ∂L/∂W^l[i, j] sits where W^l[i, j] sits in θ
        assert W[-1, -1] == g.nabla_theta[net.theta_index(l, W.shape[0] - 1, W.shape[1] - 1)]


def test_backward_into_an_earlier_result_reuses_its_arrays():
    net = Network([3, 5, 2], "tanh", "sigmoid", seed=1)
    rng = np.random.default_rng(1)
    X1, Y1 = rng.normal(size=(4, 3)), rng.uniform(size=(4, 2))
    X2, Y2 = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    first = net.backward(X1, Y1, "bce")
    nabla_theta, nabla_w = first.nabla_theta, first.nabla_w
    again = net.backward(X2, Y2, "bce", out=first)
    fresh = net.backward(X2, Y2, "bce")
    assert again is first and again.nabla_theta is nabla_theta and again.nabla_w[0] is nabla_w[0]
    np.testing.assert_array_equal(again.nabla_theta, fresh.nabla_theta)   # the second batch's gradients,
    assert again.loss == fresh.loss                                       # its loss and its deltas
    assert [d.shape for d in again.deltas] == [(6, 5), (6, 2)]
    np.testing.assert_array_equal(again.deltas[0], fresh.deltas[0])
    other = Network([3, 4, 2], seed=1).backward(X1, Y1, "bce")
    with pytest.raises(ValueError, match="out holds 26 gradients, the network 32 parameters"):
        net.backward(X1, Y1, "bce", out=other)

def test_loading_a_missing_file_is_refused(tmp_path):
    path = tmp_path / "nowhere.npz"
    with pytest.raises(NetworkFileError, match="no such file") as caught:
        Network.load(path)
    assert str(path) in str(caught.value)


def test_weights_stay_views_of_theta_however_they_are_assigned():
    net = Network([2, 3, 1], "tanh", "sigmoid", seed=1)
    net.weights[0] = np.ones((2, 3))          # one layer: copied into θ
    net.weights[1] += 2.0                     # in place
    net.biases = [np.zeros(3), np.full(1, 5.0)]  # the whole list: a new θ
    assert net.theta[:6].tolist() == [1.0] * 6
    assert np.shares_memory(net.weights[1], net.theta) and np.shares_memory(net.biases[1], net.theta)
    assert net.theta[-1] == 5.0
    net.theta[0] = 7.0                        # and θ is what the forward pass uses
    assert net.weights[0][0, 0] == 7.0
    with pytest.raises(ValueError, match=r"layer 1 \(index 0\) needs shape \(2, 3\)"):
        net.weights[0] = np.ones((3, 2))
    with pytest.raises(ValueError, match="shapes"):
        net.weights = [np.ones((2, 3))]


def test_theta_index_finds_every_weight_in_theta():
    net = Network([3, 5, 4, 2], "tanh", "sigmoid", seed=0)
    for l, W in enumerate(net.weights):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                assert W[i, j] == net.theta[net.theta_index(l, i, j)]   # random, so only there
    indices = [net.theta_index(l, i, j) for l, W in enumerate(net.weights)
               for i in range(W.shape[0]) for j in range(W.shape[1])]
    assert sorted(indices) == list(range(sum(W.size for W in net.weights)))   # W first, each once
    with pytest.raises(ValueError, match=r"no weight W4\[0,0\]"):
        net.theta_index(3, 0, 0)
