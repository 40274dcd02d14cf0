"""Predict quizzes with question = "compare": both forms train through the comparison
machinery (one engine Sweep), and a [compare] list (activations or lrs) with a `measure`
asks which value wins, its choices being the list's values, its key the engine's."""
from __future__ import annotations

import numpy as np
import pytest

from engine import MetricsLog, RunConfig
from tutor.course.answers import check_answer, read_prediction
from tutor.course.display import answer_format, quiz_context
from tutor.course.loader import Depth, load_course
from tutor.course.runs import run_lab, run_together

QUIZ = '''\
+++
id = "rates"
title = "T"
requires = []
+++
Prose.

```quiz
id = "which"
kind = "predict"
question = "compare"
measure = "fastest"
prompt = "Which activation gets XOR's loss to 0.1 first?"
explanation = "E"
[lab]
dataset = "xor"
layers = [2, 4, 1]
lr = 1
epochs = 2000
[compare]
activations = ["sigmoid", "tanh", "relu"]
```
'''


def load(tmp_path, text: str, depth=Depth.RUNS):
    path = tmp_path / "01-rates.md"
    path.write_text(text, encoding="utf-8")
    course = load_course(tmp_path, depth=depth)
    return course, [(p.line, p.message) for p in course.problems]


def alone(config: RunConfig) -> np.ndarray:
    """The training loss of each epoch, from the single-run engine."""
    net, trainer, _ = config.build()
    log = MetricsLog(net.layers, len(trainer.tracked), capacity=config.epochs)
    trainer.run(config.epochs, log=log)
    return log.column("loss")


def test_a_list_comparison_has_the_lists_values_as_choices_and_the_engines_answer(tmp_path):
    course, problems = load(tmp_path, QUIZ)
    assert problems == []
    quiz = course.lesson("rates").quiz("which")
    spec = quiz.spec
    assert (spec.measure, spec.vary, spec.values) == ("fastest", "activation", ("sigmoid", "tanh", "relu"))
    assert spec.choices == ("sigmoid", "tanh", "relu") and spec.compare is None
    # The key, found independently: each activation trained alone, the first epoch at loss <= 0.1.
    epochs = {activation: int(np.argmax(alone(RunConfig(dataset="xor", layers=(2, 4, 1), lr=1.0, epochs=2000,
                                                        activation=activation)) <= 0.1)) + 1
              for activation in spec.values}
    fastest = min(epochs, key=epochs.get)
    assert sorted(epochs.values())[0] < sorted(epochs.values())[1]   # one winner
    right = check_answer(quiz, fastest)
    assert right.correct, right.feedback
    assert right.feedback == ("The engine ran each: epochs to a training loss of at most 0.1: "
                              + ", ".join(f"{a} {epochs[a]:,}" for a in spec.values) + f", so {fastest} is fastest.")
    wrong = next(a for a in spec.values if a != fastest)
    assert not check_answer(quiz, wrong).correct and check_answer(quiz, wrong).shows_answer
    assert check_answer(quiz, str(spec.values.index(fastest) + 1)).correct   # its number
    context = quiz_context(quiz)
    assert "Compared: the run with each activation: sigmoid, tanh, relu (the rest as given)." in context
    assert "(Fastest means the fewest epochs to a training loss of at most 0.1.)" in context


def test_learning_rates_as_choices_read_without_ambiguity(tmp_path):
    text = QUIZ.replace('activations = ["sigmoid", "tanh", "relu"]', "lrs = [0.1, 1, 10]").replace("lr = 1\n", "")
    course, problems = load(tmp_path, text.replace('id = "which"', 'id = "which"\ntarget_loss = 0.3'))
    assert problems == []
    quiz = course.lesson("rates").quiz("which")
    assert quiz.spec.choices == ("lr 0.1", "lr 1", "lr 10") and quiz.spec.values == (0.1, 1.0, 10.0)
    assert read_prediction("lr 1", quiz.spec.choices) == "lr 1"   # not ambiguous with "lr 10"
    assert read_prediction("LR 10", quiz.spec.choices) == "lr 10"


def lr_quiz(tmp_path):
    """Which of lr 0.05, 0.2, 2 gets XOR to 0.3 first (lr 2: epoch 16)."""
    text = QUIZ.replace('activations = ["sigmoid", "tanh", "relu"]', "lrs = [0.05, 0.2, 2]").replace("lr = 1\n", "")
    text = text.replace("epochs = 2000", "epochs = 300").replace('id = "which"', 'id = "which"\ntarget_loss = 0.3')
    course, problems = load(tmp_path, text, depth=Depth.MATH)
    assert problems == []
    return course.lesson("rates").quiz("which")


def test_a_typed_number_is_the_learning_rate_never_a_position(tmp_path):
    # A learner who believes lr 2 is fastest types 2: once read as the 2nd choice, lr 0.2.
    spec = lr_quiz(tmp_path).spec
    assert spec.choices == ("lr 0.05", "lr 0.2", "lr 2")
    assert read_prediction("2", spec.choices, spec.values) == "lr 2"
    assert read_prediction("0.2", spec.choices, spec.values) == "lr 0.2"   # once refused
    assert read_prediction("1/20", spec.choices, spec.values) == "lr 0.05"
    assert read_prediction("3", spec.choices, spec.values) is None         # no choice is lr 3
    # Letters and a choice's text pick one too.
    assert read_prediction("b", spec.choices, spec.values) == "lr 0.2"
    assert read_prediction("C.", spec.choices, spec.values) == "lr 2"
    assert read_prediction("LR 0.05", spec.choices, spec.values) == "lr 0.05"
    assert read_prediction("d", spec.choices, spec.values) is None


def test_check_answer_judges_the_learning_rate_typed_and_tutor_quiz_letters_them(tmp_path):
    quiz = lr_quiz(tmp_path)
    typed_two, typed_tenth = check_answer(quiz, "2"), check_answer(quiz, "0.2")
    assert typed_two.understood and typed_tenth.understood
    assert typed_two.correct and not typed_tenth.correct        # the engine: lr 2 is fastest
    refused = check_answer(quiz, "7")
    assert not refused.understood and "letter" in refused.feedback
    context = quiz_context(quiz)
    assert "  a. lr 0.05" in context and "  c. lr 2" in context
    assert not any(line.strip().startswith("1.") for line in context)
    assert "letter" in answer_format(quiz)


def test_the_run_line_shows_the_varied_setting_as_its_list_not_the_base_value(tmp_path):
    # The lab's own lr (the default 0.5 here) is never trained: each choice's lr replaces it.
    run_line = quiz_context(lr_quiz(tmp_path))[0]
    assert run_line.startswith("Run: dataset xor, layers 2-4-1, activation tanh, ")
    assert ", lr [0.05, 0.2, 2], " in run_line and "lr 0.5" not in run_line
    course, _ = load(tmp_path, QUIZ, depth=Depth.MATH)
    run_line = quiz_context(course.lesson("rates").quiz("which"))[0]
    assert ", activation [sigmoid, tanh, relu], " in run_line and "activation tanh" not in run_line
    assert ", lr 1.0, " in run_line   # what is not varied stays as given


def test_test_loss_and_accuracy_measures_read_the_held_out_set(tmp_path):
    text = QUIZ.replace('dataset = "xor"', 'dataset = "circle"\ntest_share = 0.3\nsamples = 60')
    text = text.replace("epochs = 2000", "epochs = 300").replace('activations = ["sigmoid", "tanh", "relu"]',
                                                                 'activations = ["sigmoid", "relu"]')
    course, problems = load(tmp_path, text.replace('measure = "fastest"', 'measure = "lowest_test_loss"'))
    assert problems == []
    quiz = course.lesson("rates").quiz("which")
    verdict = check_answer(quiz, "sigmoid")
    assert verdict.feedback.startswith("The engine ran each: final test loss: sigmoid ")
    assert verdict.feedback.endswith("is lowest.")


@pytest.mark.parametrize("old, new, marker, message", [
    ('measure = "fastest"\n', "", "```quiz",
     'quiz: [compare] with a list needs "measure": choose from fastest, lowest_test_loss, highest_test_accuracy'),
    ('measure = "fastest"', 'measure = "fastst"', "measure",
     'quiz: unknown measure "fastst" (did you mean "fastest"?); choose from fastest, lowest_test_loss, '
     'highest_test_accuracy'),
    ('measure = "fastest"', 'measure = "lowest_test_loss"', "measure",
     'quiz: measure "lowest_test_loss" needs a held-out set: set test_share in [lab]'),
    ('explanation = "E"', 'explanation = "E"\nchoices = ["sigmoid", "tanh"]', "choices",
     "quiz: a list comparison's choices are its list's values: leave \"choices\" out"),
    ('activations = ["sigmoid", "tanh", "relu"]', 'activations = ["sigmoid", "tanh"]\nlrs = [1, 2]', "lrs",
     "quiz: [compare] with a list varies that one setting: give one list (activations or lrs) and nothing "
     "else, not lrs"),
    ('activations = ["sigmoid", "tanh", "relu"]', 'activations = ["sigmoid", "tanh"]\nseed = 3', "seed",
     "quiz: [compare] with a list varies that one setting: give one list (activations or lrs) and nothing "
     "else, not seed"),
    ('activations = ["sigmoid", "tanh", "relu"]', 'activations = ["tanh"]', "activations",
     'quiz: [compare] "activations" must be a list of at least two values'),
    ('activations = ["sigmoid", "tanh", "relu"]', 'activations = ["tanh", "reul"]', "activations",
     "quiz: [compare] activations: unknown activation 'reul' (did you mean 'relu'?); choose from sigmoid, "
     "tanh, relu, leaky_relu, rrelu, elu, softplus, gelu, silu, linear"),
    ('explanation = "E"', 'explanation = "E"\nanswer = "gelu"', "answer",
     'quiz: answer "gelu" is not among the choices (sigmoid, tanh, relu)'),
])
def test_each_problem_of_a_list_comparison_on_its_line(tmp_path, old, new, marker, message):
    assert old in QUIZ
    text = QUIZ.replace(old, new)
    _, problems = load(tmp_path, text, depth=Depth.MATH)
    line = next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(marker))
    assert problems == [(line, message)]


def test_test_accuracy_needs_a_classification_dataset_and_measure_needs_a_list(tmp_path):
    text = QUIZ.replace('measure = "fastest"', 'measure = "highest_test_accuracy"')
    text = text.replace('dataset = "xor"\nlayers = [2, 4, 1]', 'dataset = "sine"\nlayers = [1, 4, 1]\noutput = "linear"\n'
                                                              'loss = "mse"\ntest_share = 0.2')
    _, problems = load(tmp_path, text, depth=Depth.MATH)
    assert [message for _, message in problems] == [
        'quiz: measure "highest_test_accuracy" needs a classification dataset, not sine']
    _, problems = load(tmp_path, QUIZ.replace('activations = ["sigmoid", "tanh", "relu"]', "lr = 3"), depth=Depth.MATH)
    assert [message for _, message in problems] == [
        'quiz: "measure" needs a [compare] table with a list: activations = [...] or lrs = [...]']


def test_check_lessons_verifies_the_answer_and_refuses_a_tie(tmp_path):
    course, problems = load(tmp_path, QUIZ)
    truth = check_answer(course.lesson("rates").quiz("which"), "1").feedback.split("so ")[-1].split(" is")[0]
    wrong = next(a for a in ("sigmoid", "tanh", "relu") if a != truth)
    _, problems = load(tmp_path, QUIZ.replace('explanation = "E"', f'explanation = "E"\nanswer = "{wrong}"'))
    assert len(problems) == 1 and problems[0][1].startswith(f'quiz: the answer "{wrong}" disagrees with the engine. '
                                                            "The engine ran each: epochs to")
    # relu and leaky_relu on XOR at a tiny lr for 5 epochs: neither reaches 0.1, no single answer
    text = QUIZ.replace("epochs = 2000", "epochs = 5").replace('"sigmoid", "tanh", "relu"', '"relu", "leaky_relu"')
    _, problems = load(tmp_path, text)
    assert [message for _, message in problems] == [
        "quiz: the engine finds no single answer. The engine ran each: epochs to a training loss of at most 0.1: "
        "relu never, leaky_relu never; no run reached it."]


def test_a_two_run_comparison_trains_as_one_sweep_with_the_single_runs_numbers():
    lab = RunConfig(dataset="xor", layers=(2, 2, 1), activation="sigmoid", loss="mse", lr=50, epochs=300)
    other = RunConfig(dataset="xor", layers=(2, 2, 1), activation="sigmoid", loss="mse", lr=20, epochs=300)
    together = run_together((lab, other))
    for config, summary in zip((lab, other), together):
        np.testing.assert_allclose(summary.losses, run_lab(config).losses, rtol=1e-12)
        assert summary.diverged_epoch == run_lab(config).diverged_epoch
