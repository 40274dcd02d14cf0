"""Trainer.run is the one loop over epochs: nothing in tutor/ trains epoch by epoch itself.

`tutor train`, predict quizzes and the Lab all hand their epochs to Trainer.run and
read the MetricsLog and the checkpoints it keeps. A second loop over run_epoch()
would grow its own divergence check and checkpoint schedule again; this test reads
every source file under tutor/ and fails on any use of run_epoch.
"""
from __future__ import annotations

import ast
from pathlib import Path

import tutor

TUTOR = Path(tutor.__file__).resolve().parent


def run_epoch_uses(source: Path) -> list[int]:
    """The lines where the file names run_epoch: a call, a reference, a getattr string."""
    tree = ast.parse(source.read_text(), filename=str(source))
    return sorted(node.lineno for node in ast.walk(tree)
                  if (isinstance(node, ast.Attribute) and node.attr == "run_epoch")
                  or (isinstance(node, ast.Name) and node.id == "run_epoch")
                  or (isinstance(node, ast.Constant) and node.value == "run_epoch"))


def test_nothing_in_tutor_loops_over_run_epoch():
    sources = sorted(TUTOR.rglob("*.py"))
    assert {"session.py", "train.py", "runs.py"} <= {path.name for path in sources}
    found = [f"{path.relative_to(TUTOR.parent)}:{line}" for path in sources for line in run_epoch_uses(path)]
    assert found == [], "train through Trainer.run, not run_epoch: " + ", ".join(found)


def test_the_rule_sees_every_way_of_reaching_run_epoch(tmp_path):
    source = tmp_path / "bad.py"
    source.write_text("def f(trainer):\n"
                      "    for _ in range(3):\n"
                      "        trainer.run_epoch()\n"
                      "    step = trainer.run_epoch\n"
                      "    getattr(trainer, 'run_epoch')()\n"
                      "    # run_epoch in a comment is fine\n"
                      "    return trainer.run(3)\n")
    assert run_epoch_uses(source) == [3, 4, 5]
