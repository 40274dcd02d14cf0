"""engine.names: the one "did you mean" rule, and that every suggestion in the project uses it."""
from __future__ import annotations

import re
from pathlib import Path

from engine.names import closest, did_you_mean

ROOT = Path(__file__).resolve().parents[2]


def test_closest_names_best_first_within_the_cutoff():
    assert closest("tanhh", ("sigmoid", "tanh", "relu")) == ["tanh"]
    assert closest("x", ("sigmoid", "tanh")) == []
    assert closest("sigmod", ("sigmoid", "sigma", "tanh"), n=2) == ["sigmoid", "sigma"]
    assert closest("--frob", ("--lr",), cutoff=0.7) == []


def test_no_suggestion_for_what_cannot_be_a_name():
    assert closest("tanh" * 100, ("tanh",)) == []   # no name is that long; difflib would be slow
    assert closest(3, ("tanh",)) == []


def test_did_you_mean_quotes_as_the_message_around_it_does():
    assert did_you_mean("tanhh", ("tanh",)) == " (did you mean 'tanh'?)"
    assert did_you_mean("hint", ("hints",), quote='"') == ' (did you mean "hints"?)'
    assert did_you_mean("imagenet", ("xor", "circle")) == ""


def test_every_did_you_mean_in_the_project_asks_engine_names():
    own = [path for folder in ("engine", "tutor") for path in (ROOT / folder).rglob("*.py")
           if path != ROOT / "engine" / "names.py" and re.search(r"\bdifflib\b", path.read_text())]
    assert own == []
