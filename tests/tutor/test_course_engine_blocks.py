"""Engine blocks show the installed engine's real source; network quantities come from the engine."""
from __future__ import annotations

import inspect
import sys
import textwrap

import numpy as np
import pytest

import engine
from tutor.course.engine_source import EngineLookupError, engine_source, resolve
from tutor.course.model import NetworkSpec
from tutor.course.network_spec import SpecError, describe_network, evaluate, parse_quantity


def test_method_source_is_the_engine_source():
    source = engine_source("engine.network.Network.backward")
    assert source == textwrap.dedent(inspect.getsource(engine.Network.backward))
    assert source.startswith("def backward(")  # dedented
    assert "BP1" in source and "BP4" in source
    assert "nabla_w" in source and "nabla_b" in source  # the names of Nielsen's network.py


def test_class_source():
    source = engine_source("engine.activations.Sigmoid")
    assert source.startswith("class Sigmoid(Activation):")
    assert "def derivative" in source


def test_instance_shows_its_class():
    assert engine_source("engine.activations.SIGMOID") == engine_source("engine.activations.Sigmoid")


def test_module_function_even_when_the_package_shadows_its_module():
    # engine/__init__ imports the function gradcheck, hiding the module of the same name.
    module = sys.modules["engine.gradcheck"]
    assert resolve("engine.gradcheck.numerical_gradient") is module.numerical_gradient


@pytest.mark.parametrize("name, message", [
    ("engine.activations.sigmod", 'engine.activations has no attribute "sigmod"'),
    ("numpy.exp", "is not an engine name"),
    ("engine..x", "is not an engine name"),
    ("engine.activations.np", "is not defined in the engine"),
])
def test_unknown_names(name, message):
    with pytest.raises(EngineLookupError, match=message):
        engine_source(name)


NET = NetworkSpec(sizes=(2, 2, 1), activation="sigmoid", output="sigmoid", loss="mse",
                  weights=(((0.15, 0.25), (0.20, 0.30)), ((0.40,), (0.45,))),
                  biases=((0.35, 0.35), (0.60,)), input=(0.05, 0.10), target=(0.01,))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_quantities_match_a_hand_computation():
    x = np.array(NET.input)
    W1, b1 = np.array(NET.weights[0]), np.array(NET.biases[0])
    W2, b2 = np.array(NET.weights[1]), np.array(NET.biases[1])
    z1 = x @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = sigmoid(z2)
    d2 = (a2 - 0.01) * a2 * (1 - a2)            # BP1
    d1 = (d2 @ W2.T) * a1 * (1 - a1)            # BP2
    expected = {   # layers count from 1 as in the book (a[0] is the input x); units from 0
        "loss": 0.5 * float((a2[0] - 0.01) ** 2),
        "output": a2[0], "output[0]": a2[0], "output_delta": d2[0],
        "z[1][1]": z1[1], "a[1][0]": a1[0], "a[0][1]": 0.10, "z[2][0]": z2[0], "a[2][0]": a2[0],
        "delta[1][1]": d1[1], "delta[2][0]": d2[0],
        "grad_w[1][1][0]": x[1] * d1[0],            # BP4
        "grad_w[2][1][0]": a1[1] * d2[0],
        "grad_b[1][0]": d1[0],                      # BP3
        "grad_b[2][0]": d2[0],
    }
    for quantity, value in expected.items():
        assert evaluate(NET, quantity) == pytest.approx(float(value), rel=1e-12), quantity


@pytest.mark.parametrize("quantity, message", [
    ("output[1]", "index 1 is out of range"),
    ("a[3][0]", r"layer 3 is out of range \(0..2\)"),
    ("delta[3][0]", r"layer 3 is out of range \(1..2\)"),
    ("a[-2][0]", "layer -2 is out of range"),
    ("grad_w[1][2][0]", r"index 2 is out of range \(0..1\)"),
    ("grad_w[2][0][1]", r"index 1 is out of range \(0..0\)"),
    ("grad_b", "takes 2 indices"),
    ("weights[0][0][0]", "unknown quantity"),
])
def test_bad_quantities(quantity, message):
    with pytest.raises(SpecError, match=message):
        parse_quantity(quantity, NET)


@pytest.mark.parametrize("old, new", [
    ("delta[0][1]", "delta[1][1]"), ("z[0][0]", "z[1][0]"), ("grad_w[0][1][0]", "grad_w[1][1][0]"),
    ("grad_b[0][1]", "grad_b[1][1]"), ("a[-1][1]", "a[0][1]"),
])
def test_a_layer_counted_from_0_is_refused_with_its_book_numbering(old, new):
    # layer 0 of z, delta or a gradient, and a[-1] for the input, can only be the old numbering
    with pytest.raises(SpecError) as caught:
        parse_quantity(old, NET)
    message = str(caught.value)
    assert "layers count from 1 as in the book" in message and f'write "{new}"' in message, message
    parse_quantity(new, NET)


def test_output_without_index_needs_a_single_output():
    wide = NetworkSpec(sizes=(1, 2), activation="tanh", output="sigmoid", loss="mse",
                       weights=(((1.0, 2.0),),), biases=((0.0, 0.0),), input=(1.0,), target=(0.0, 1.0))
    with pytest.raises(SpecError, match="say which, e.g. output\\[0\\]"):
        parse_quantity("output", wide)
    assert evaluate(wide, "output[1]") == pytest.approx(float(sigmoid(2.0)))


def test_a_single_neuron_is_described_without_a_hidden_activation():
    # The gradient-descent lesson's neuron: "hidden activation sigmoid" named a layer it does not have.
    neuron = NetworkSpec(sizes=(1, 1), activation="sigmoid", output="sigmoid", loss="mse",
                         weights=(((-0.5,),),), biases=((0.5,),), input=(2.0,), target=(1.0,))
    lines = describe_network(neuron)
    assert lines[0] == "Network 1-1 (one layer, no hidden units): output sigmoid, loss mse"
    assert "W¹ = [[-0.5]]   b¹ = [0.5]" in lines[1]


def test_describe_network_prints_every_number():
    text = "\n".join(describe_network(NET))
    assert text.startswith("Network 2-2-1: hidden activation sigmoid, output sigmoid, loss mse")
    for number in ("0.15", "0.25", "0.2", "0.3", "0.4", "0.45", "0.35", "0.6", "0.05", "0.1", "0.01"):
        assert number in text
    assert "W² = [[0.4], [0.45]]   b² = [0.6]" in text
    assert "W¹ = [[0.15, 0.25], [0.2, 0.3]]   b¹ = [0.35, 0.35]" in text
