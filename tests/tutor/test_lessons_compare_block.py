"""The ```compare lesson block: parsed once into a CompareBlock holding the base RunConfig
and the lists, every problem reported on its line (and by `tutor check-lessons`), a bound
on the work it asks for."""
from __future__ import annotations

import pytest

from engine import RunConfig
from tutor.course.blocks import COMPARE_MAX_WORK
from tutor.course.loader import Depth, load_course
from tutor.course.model import CompareBlock, Prose
from tutor.cli import main

LESSON = '''\
+++
id = "choose"
title = "Choosing an activation"
requires = []
+++
Prose before.

```compare
title = "Which activation?"
dataset = "xor"
layers = [2, 4, 1]
epochs = 2000
activations = ["sigmoid", "tanh", "relu"]
lrs = [0.1, 1]
seeds = [0, 1]
by = "activation"
target_loss = 0.05
```

Prose after.
'''


def load(tmp_path, text: str, depth=Depth.MATH):
    path = tmp_path / "01-choose.md"
    path.write_text(text, encoding="utf-8")
    course = load_course(tmp_path, depth=depth)
    return course, [(p.line, p.message) for p in course.problems]


def test_a_compare_block_becomes_a_model_with_its_base_run_and_lists(tmp_path):
    course, problems = load(tmp_path, LESSON)
    assert problems == []
    lesson = course.lesson("choose")
    assert [type(segment) for segment in lesson.body] == [Prose, CompareBlock, Prose]
    (block,) = lesson.compares
    assert block.config == RunConfig(dataset="xor", layers=(2, 4, 1), epochs=2000)
    assert (block.activations, block.lrs, block.seeds) == (("sigmoid", "tanh", "relu"), (0.1, 1.0), (0, 1))
    assert (block.title, block.by, block.target_loss, block.line) == ("Which activation?", "activation", 0.05, 8)
    comparison = block.comparison()
    assert len(comparison.runs) == 12 and comparison.configs[0].activation == "sigmoid"


def test_lists_are_optional_and_by_and_target_loss_have_defaults(tmp_path):
    text = LESSON.replace('activations = ["sigmoid", "tanh", "relu"]\n', "").replace('by = "activation"\n', "")
    course, problems = load(tmp_path, text.replace("target_loss = 0.05\n", ""))
    assert problems == []
    (block,) = course.lesson("choose").compares
    assert (block.activations, block.by, block.target_loss) == ((), "", None)
    assert [c.activation for c in block.comparison().configs] == ["tanh"] * 4   # the base's


def line_of(text: str, marker: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if line.startswith(marker))


@pytest.mark.parametrize("old, new, marker, message", [
    ('activations = ["sigmoid", "tanh", "relu"]', 'activations = ["sigmoid", "tahn"]', "activations",
     "compare: activations: unknown activation 'tahn' (did you mean 'tanh'?); choose from sigmoid, tanh, relu, "
     "leaky_relu, rrelu, elu, softplus, gelu, silu, linear"),
    ("lrs = [0.1, 1]", "lrs = [0.1, -1]", "lrs", "compare: lrs: must be greater than 0 and at most 1e6, got -1"),
    ("lrs = [0.1, 1]", 'lrs = "0.1"', "lrs", 'compare: "lrs" must be a list, like lrs = [0.1, 1, 10]'),
    ("seeds = [0, 1]", "seeds = [0, 0]", "seeds", "compare: seeds: 0 is listed twice"),
    ("seeds = [0, 1]", "seeds = [0.5]", "seeds", "compare: seeds: expected a whole number, got 0.5"),
    ('by = "activation"', 'by = "activations"', "by =",
     'compare: unknown grouping "activations" (did you mean "activation"?); choose from activation, lr'),
    ("target_loss = 0.05", "target_loss = 0", "target_loss", "compare: target_loss must be positive"),
    ("epochs = 2000", "epochs = 0", "epochs", "compare: epochs: must be at least 1 and at most 1e8, got 0"),
    ("epochs = 2000", 'epoch = 2000', "epoch =", 'compare: unknown field "epoch" for a compare block (did you mean "epochs"?)'),
    ("layers = [2, 4, 1]", "layers = [3, 4, 1]", "layers",
     "compare: layers: the first layer has 3 inputs but dataset xor has 2 input columns"),
    ('dataset = "xor"', 'dataset = "xor"\nactivation = "relu"', "activations",
     'compare: give "activation" or "activations", not both: the list replaces the base run\'s activation'),
])
def test_each_problem_is_reported_on_its_line(tmp_path, old, new, marker, message):
    assert old in LESSON
    text = LESSON.replace(old, new)
    _, problems = load(tmp_path, text)
    assert problems == [(line_of(text, marker), message)]


def test_several_problems_are_all_reported(tmp_path):
    text = LESSON.replace("lrs = [0.1, 1]", "lrs = [0]").replace("seeds = [0, 1]", "seeds = [1, 1]")
    _, problems = load(tmp_path, text.replace('by = "activation"', 'by = "seed"'))
    assert [line for line, _ in problems] == [14, 15, 16]


def test_nothing_to_compare_is_a_problem(tmp_path):
    text = LESSON.replace('activations = ["sigmoid", "tanh", "relu"]\n', "")
    _, problems = load(tmp_path, text.replace("lrs = [0.1, 1]\n", "").replace("seeds = [0, 1]\n", ""))
    assert problems == [(8, "compare: nothing to compare: give two or more values in activations, lrs or seeds")]


def test_the_work_of_all_runs_together_is_bounded(tmp_path):
    # 12 runs of 2-64-64-1 (4,417 parameters) on 200 samples for 10,000 epochs: 1.1·10^11
    text = LESSON.replace('dataset = "xor"', 'dataset = "circle"').replace("layers = [2, 4, 1]", "layers = [2, 64, 64, 1]")
    _, problems = load(tmp_path, text.replace("epochs = 2000", "epochs = 10000"))
    assert problems == [(12, f"compare: a compare block trains its 12 runs when a learner opens it, and these are "
                             f"1.1e+11 parameter-updates (runs × parameters × samples × epochs); the limit is "
                             f"{COMPARE_MAX_WORK:.0e}: use fewer runs, a smaller network, fewer samples or fewer epochs")]
    _, problems = load(tmp_path, text)   # 2,000 epochs: 2.1·10^10, still above; 500 epochs pass
    assert problems and load(tmp_path, text.replace("epochs = 2000", "epochs = 500"))[1] == []


def test_check_lessons_reports_a_compare_block_problem_as_path_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "01-choose.md").write_text(LESSON.replace("lrs = [0.1, 1]", "lrs = [0.1, 1, 1]"), encoding="utf-8")
    assert main(["check-lessons", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == ["01-choose.md:14: compare: lrs: 1 is listed twice"]
