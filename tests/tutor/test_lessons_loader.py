"""The lesson loader: good lessons become the model; each kind of problem is
reported on the right line of the right file, and never stops the other lessons."""
from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from tutor.course.loader import Depth, load_course, load_lesson_file
from tutor.course.model import ChoiceSpec, DerivativeSpec, EngineBlock, LabBlock, NumericSpec, Prose, Quiz

GOOD = '''\
+++
id = "good"
title = "A good lesson"
requires = []
summary = "Everything valid."
+++
# Heading

Prose before the blocks.

```quiz
kind = "derivative"
prompt = "Differentiate x³."
function = "x^3"
hints = ["Power rule.", "n·xⁿ⁻¹."]
explanation = "3x²."
```

```python
# an ordinary code fence stays in the prose
```quiz
```

```quiz
id = "pick"
kind = "choice"
prompt = "Pick both."
choices = ["a", "b", "c"]
answer = [1, 3]
explanation = "a and c."
```

```lab
title = "XOR"
dataset = "xor"
layers = [2, 2, 1]
lr = 2
charts = ["loss", "accuracy"]
```

```engine
function = "engine.losses.MSE.delta"
```

Closing prose.
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(path: Path, marker: str) -> int:
    """1-based line of the first line of `path` containing `marker`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


def problems_of(course, path: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in course.problems if p.path == path]


def lesson_text(body: str, lesson_id: str = "bad", requires: str = "[]") -> str:
    return f'+++\nid = "{lesson_id}"\ntitle = "T"\nrequires = {requires}\n+++\nProse.\n\n{body}'


def test_good_lesson_becomes_the_model(tmp_path):
    write(tmp_path, "01-good.md", GOOD)
    course = load_course(tmp_path)
    assert course.problems == ()
    lesson = course.lesson("good")
    assert (lesson.title, lesson.requires, lesson.summary) == ("A good lesson", (), "Everything valid.")
    kinds = [type(segment) for segment in lesson.body]
    assert kinds == [Prose, Quiz, Prose, Quiz, LabBlock, EngineBlock, Prose]
    derivative, choice = lesson.quizzes
    assert derivative.id == "good-q1" and choice.id == "pick"
    assert isinstance(derivative.spec, DerivativeSpec) and derivative.spec.expected  # computed by the judge
    assert derivative.hints == ("Power rule.", "n·xⁿ⁻¹.")
    assert choice.spec == ChoiceSpec(("a", "b", "c"), frozenset({0, 2}))
    assert "```quiz" in lesson.body[2].text  # the example inside a python fence is prose
    lab = lesson.labs[0]
    assert lab.title == "XOR" and lab.charts == ("loss", "accuracy")
    assert lab.config.layers == (2, 2, 1) and lab.config.lr == 2
    assert "def delta" in lesson.engine_blocks[0].source


def test_lessons_are_in_file_number_order_and_readme_is_ignored(tmp_path):
    write(tmp_path, "10-ten.md", lesson_text("", "ten"))
    write(tmp_path, "2-two.md", lesson_text("", "two"))
    write(tmp_path, "README.md", "Not a lesson.")
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["two", "ten"]
    assert course.problems == ()


def test_badly_named_file_is_reported_and_skipped(tmp_path):
    path = write(tmp_path, "learning-rate.md", lesson_text("", "lr"))
    course = load_course(tmp_path)
    assert course.lessons == ()
    assert problems_of(course, path) == [(1, "file name should look like 07-learning-rate.md "
                                             "(a number, a dash, a slug); not loaded")]


def test_problem_prints_as_path_line_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "07-learning-rate.md", lesson_text('```quiz\nkind = "derivitive"\n```\n'))
    course = load_course(tmp_path)
    assert str(course.problems[0]).startswith('07-learning-rate.md:9: quiz: unknown kind "derivitive" '
                                              '(did you mean "derivative"?)')


# ----------------------------------------------------------------- front matter

def test_front_matter_syntax_error_has_its_line(tmp_path):
    path = write(tmp_path, "01-a.md", '+++\nid = "a"\ntitle = "T\nrequires = []\n+++\nText.\n')
    course = load_course(tmp_path)
    (line, message), = problems_of(course, path)
    assert line == 3 and message.startswith("front matter: TOML syntax error")
    assert course.lessons == ()


def test_missing_front_matter(tmp_path):
    path = write(tmp_path, "01-a.md", "# Just Markdown\n")
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == 1 and "must start with a +++ line" in message


def test_missing_id_drops_the_lesson_and_missing_title_is_reported(tmp_path):
    no_id = write(tmp_path, "01-a.md", '+++\ntitle = "T"\n+++\n')
    no_title = write(tmp_path, "02-b.md", '+++\nid = "b"\nrequires = []\n+++\n')
    course = load_course(tmp_path)
    assert problems_of(course, no_id) == [(1, 'front matter: missing field "id" (a short name like '
                                              '"chain-rule"); lesson not loaded')]
    assert problems_of(course, no_title) == [(1, 'front matter: missing field "title"')]
    assert [lesson.id for lesson in course.lessons] == ["b"]


def test_unknown_front_matter_field_is_suggested(tmp_path):
    path = write(tmp_path, "01-a.md", '+++\nid = "a"\ntitle = "T"\nrequire = ["x"]\n+++\n')
    assert problems_of(load_course(tmp_path), path) == [
        (4, 'front matter: unknown field "require" (did you mean "requires"?)')]


def test_duplicate_ids(tmp_path):
    write(tmp_path, "01-a.md", lesson_text("", "same"))
    second = write(tmp_path, "02-b.md", lesson_text("", "same"))
    course = load_course(tmp_path)
    assert problems_of(course, second) == [
        (2, 'front matter: id "same" is already used by 01-a.md; lesson not loaded')]
    assert len(course.lessons) == 1


def test_requires_must_name_a_lesson(tmp_path):
    write(tmp_path, "01-a.md", lesson_text("", "chain-rule"))
    path = write(tmp_path, "02-b.md", lesson_text("", "b", '["chain-rul"]'))
    assert problems_of(load_course(tmp_path), path) == [
        (4, 'front matter: requires "chain-rul", which no lesson has (did you mean "chain-rule"?)')]


def test_requires_cycle_is_reported_once(tmp_path):
    first = write(tmp_path, "01-a.md", lesson_text("", "a", '["c"]'))
    write(tmp_path, "02-b.md", lesson_text("", "b", '["a"]'))
    write(tmp_path, "03-c.md", lesson_text("", "c", '["b"]'))
    write(tmp_path, "04-d.md", lesson_text("", "d", '["a"]'))
    course = load_course(tmp_path)
    assert [(p.path, p.line, p.message) for p in course.problems] == [
        (first, 4, "front matter: requires forms a cycle: a -> c -> b -> a")]
    assert len(course.lessons) == 4  # still loaded, so the author sees them


def test_self_requirement_is_a_cycle(tmp_path):
    path = write(tmp_path, "01-a.md", lesson_text("", "a", '["a"]'))
    assert problems_of(load_course(tmp_path), path) == [(4, "front matter: requires forms a cycle: a -> a")]


def test_course_graph_helpers(tmp_path):
    write(tmp_path, "01-a.md", lesson_text("", "a"))
    write(tmp_path, "02-b.md", lesson_text("", "b", '["a"]'))
    write(tmp_path, "03-c.md", lesson_text("", "c", '["b"]'))
    course = load_course(tmp_path)
    assert course.prerequisites("c") == ("b", "a")
    assert course.dependents("a") == ("b",)
    assert course.suggest("bb") == ["b"]


# ----------------------------------------------------------------- blocks

BAD_BLOCKS = [
    # (block body, marker of the line the problem is on, message start)
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["a" "b"]\nexplanation = "E"\n```\n',
     'choices = ["a" "b"]', "quiz: TOML syntax error"),
    ('```quiz\nkind = "derivitive"\nprompt = "P"\n```\n', 'kind = "derivitive"',
     'quiz: unknown kind "derivitive" (did you mean "derivative"?)'),
    ('```quiz\nprompt = "P"\n```\n', "```quiz", 'quiz: missing field "kind"'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["a", "b"]\nanswer = 1\nexplanation = "E"\nhint = ["h"]\n```\n',
     'hint = ["h"]', 'quiz: unknown field "hint" for kind "choice" (did you mean "hints"?)'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["a", "b"]\nanswer = 3\nexplanation = "E"\n```\n',
     "answer = 3", "quiz: answer 3 is out of range: there are 2 choices, a to b (or 1 to 2)"),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "y"]\nanswer = "c"\nexplanation = "E"\n```\n',
     'answer = "c"', 'quiz: answer "c" is out of range: there are 2 choices, a to b (or 1 to 2)'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "y"]\nanswer = "yes"\nexplanation = "E"\n```\n',
     'answer = "yes"', 'quiz: answer "yes" is not a choice\'s letter (write "b" for the second choice)'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "y"]\nanswer = ["a", 1]\nexplanation = "E"\n```\n',
     'answer = ["a", 1]', 'quiz: answer lists the same choice twice'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "a"]\nanswer = 1\nexplanation = "E"\n```\n',
     'choices = ["x", "a"]', 'quiz: choice "a" is a single letter, which reads like the label of another choice'),
    ('```quiz\nkind = "derivative"\nprompt = "P"\nfunction = "sin(x^2)"\nexplanation = "E"\n'
     'mistakes = [{answer = "2x cos(x^2)", feedback = "F"}]\n```\n',
     'mistakes = [', 'quiz: mistake "2x cos(x^2)" equals the right answer; a mistake must be wrong'),
    ('```quiz\nkind = "expression"\nprompt = "P"\nexpected = "a - y"\nvariables = ["a", "y"]\nexplanation = "E"\n'
     'mistakes = [{answer = "a -* y", feedback = "F"}]\n```\n',
     'mistakes = [', 'quiz: mistakes "a -* y" does not parse'),
    ('```quiz\nkind = "numeric"\nprompt = "P"\nexpected = 0.25\nexplanation = "E"\n'
     'mistakes = [{answer = 0.2501, feedback = "F"}]\n```\n',
     'mistakes = [', 'quiz: mistake "0.2501" equals the right answer; a mistake must be wrong'),
    ('```quiz\nkind = "numeric"\nprompt = "P"\nexpected = 0.25\nexplanation = "E"\n'
     'mistakes = [{answer = "half", feedback = "F"}]\n```\n',
     'mistakes = [', "quiz: mistakes: the answer of a numeric quiz's mistake must be a number, got 'half'"),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "y"]\nanswer = "b"\nexplanation = "E"\n'
     'mistakes = [{answer = 2, feedback = "F"}]\n```\n',
     'mistakes = [', 'quiz: mistake "b" equals the right answer; a mistake must be wrong'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "y"]\nanswer = "b"\nexplanation = "E"\n'
     'mistakes = [{answer = "a"}]\n```\n',
     'mistakes = [', 'quiz: mistakes: each needs "answer" and a non-empty "feedback"'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["x", "y"]\nanswer = "b"\nexplanation = "E"\n'
     'mistakes = "a"\n```\n',
     'mistakes = "a"', 'quiz: "mistakes" must be a list of tables, like mistakes = [{answer = "cos(x^2)"'),
    ('```quiz\nkind = "predict"\nprompt = "P"\nexplanation = "E"\nmistakes = []\n[lab]\ndataset = "xor"\n```\n',
     'mistakes = []', 'quiz: unknown field "mistakes" for kind "predict"'),
    ('```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["a", "b"]\nanswer = 1\n```\n',
     "```quiz", 'quiz: missing field "explanation"'),
    ('```quiz\nkind = "expression"\nprompt = "P"\nexpected = "x +* 2"\nexplanation = "E"\n```\n',
     'expected = "x +* 2"', 'quiz: expected "x +* 2" does not parse'),
    ('```quiz\nkind = "derivative"\nprompt = "P"\nfunction = "x^3"\nexpected = "3*x"\nexplanation = "E"\n```\n',
     'expected = "3*x"', 'quiz: expected "3*x" is not the derivative of "x^3" with respect to x (it is'),
    ('```quiz\nkind = "expression"\nprompt = "P"\nexpected = "a"\nvariables = ["a"]\nranges = { b = [0, 1] }\nexplanation = "E"\n```\n',
     'ranges = { b = [0, 1] }', 'quiz: ranges: "b" is not a variable of this quiz (a)'),
    ('```quiz\nkind = "expression"\nprompt = "P"\nexpected = "a"\nvariables = ["a"]\nranges = { a = [1, 0] }\nexplanation = "E"\n```\n',
     'ranges = { a = [1, 0] }', 'quiz: ranges: a must be [low, high] with low < high'),
    ('```quiz\nkind = "derivative"\nprompt = "P"\nfunction = "x^3"\nranges = [0, 1]\nexplanation = "E"\n```\n',
     'ranges = [0, 1]', 'quiz: "ranges" must be a table of [low, high] pairs'),
    ('```quiz\nkind = "numeric"\nprompt = "P"\nexplanation = "E"\nexpected = "one"\n```\n',
     'expected = "one"', 'quiz: "expected" must be a finite number'),
    ('```lab\ndataset = "xor"\nlayers = [2, 2, 1]\nactivation = "sigmod"\n```\n',
     'activation = "sigmod"', "lab: activation: unknown activation 'sigmod' (did you mean 'sigmoid'?)"),
    ('```lab\ndataset = "xor"\nlayers = [3, 2, 1]\n```\n',
     "layers = [3, 2, 1]", "lab: layers: the first layer has 3 inputs but dataset xor has 2"),
    ('```lab\ndataset = "xor"\nlearning_rate = 2\n```\n',
     "learning_rate = 2", 'lab: unknown field "learning_rate" for a lab block'),
    ('```lab\ndataset = "xor"\ncharts = ["los"]\n```\n',
     'charts = ["los"]', 'lab: unknown chart "los" (did you mean "loss"?)'),
    ('```engine\nfunction = "engine.activations.Sigmod"\n```\n',
     'function = "engine.activations.Sigmod"', "engine: unknown engine function"),
    ('```engine\nfunction = "os.system"\n```\n', 'function = "os.system"',
     'engine: unknown engine function: "os.system" is not an engine name'),
    ('```engine\nfunction = "engine.network.Network"\ncaption = "c"\n```\n', 'caption = "c"',
     'engine: unknown field "caption" for an engine block'),
    ('```quiz\nkind = "choice"\nprompt = "P"\n', "```quiz", "quiz: block is never closed"),
    ('```quizz\nkind = "choice"\n```\n', "```quizz", 'block: unknown kind "quizz" is shown as code '
                                                   '(did you mean "quiz"?)'),
]


@pytest.mark.parametrize("body, marker, message", BAD_BLOCKS, ids=[m for _, _, m in BAD_BLOCKS])
def test_each_block_problem_on_its_line(tmp_path, body, marker, message):
    path = write(tmp_path, "01-bad.md", lesson_text(body))
    course = load_course(tmp_path)
    found = problems_of(course, path)
    assert len(found) == 1, found
    line, text = found[0]
    assert line == line_of(path, marker)
    assert text.startswith(message), text


def test_toml_error_at_end_of_block(tmp_path):
    path = write(tmp_path, "01-bad.md", lesson_text('```quiz\nkind = "choice"\nprompt = """never closed\n```\n'))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert message.startswith("quiz: TOML syntax error")
    assert line_of(path, "```quiz") < line <= line_of(path, "never closed") + 1


def test_bad_block_is_left_out_but_the_rest_of_the_lesson_and_course_load(tmp_path):
    write(tmp_path, "01-good.md", GOOD)
    body = ('```quiz\nkind = "derivitive"\n```\n\nMore prose.\n\n'
            '```quiz\nkind = "choice"\nprompt = "P"\nchoices = ["a", "b"]\nanswer = 2\nexplanation = "E"\n```\n')
    write(tmp_path, "02-bad.md", lesson_text(body))
    course = load_course(tmp_path)
    assert len(course.problems) == 1
    assert [lesson.id for lesson in course.lessons] == ["good", "bad"]
    quiz, = course.lesson("bad").quizzes
    assert quiz.id == "bad-q2"  # numbering counts the bad quiz, so ids stay stable when it is fixed


def test_duplicate_quiz_ids_in_a_lesson(tmp_path):
    quiz = '```quiz\nid = "same"\nkind = "choice"\nprompt = "P"\nchoices = ["a", "b"]\nanswer = 1\nexplanation = "E"\n```\n'
    path = write(tmp_path, "01-a.md", lesson_text(quiz + "\n" + quiz))
    course = load_course(tmp_path)
    second = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line == "```quiz"][1]
    assert problems_of(course, path) == [(second, 'quiz: id "same" is already used by the quiz on line 8')]
    assert len(course.lesson("bad").quizzes) == 1



def test_every_problem_of_a_lab_block_is_reported(tmp_path):
    body = ('```lab\ndataset = "xor"\nactivation = "sigmod"\nlr = -1\nepochs = 0\n'
            'chart = "loss"\n```\n')
    path = write(tmp_path, "01-a.md", lesson_text(body))
    found = problems_of(load_course(tmp_path), path)
    assert [(line, message.split(":")[1].strip()) for line, message in found] == [
        (line_of(path, "activation ="), "activation"),
        (line_of(path, "lr ="), "lr"),
        (line_of(path, "epochs ="), "epochs"),
        (line_of(path, "chart ="), 'unknown field "chart" for a lab block (did you mean "charts"?)'),
    ], found


def test_settings_are_checked_with_what_they_depend_on_not_the_defaults(tmp_path):
    # cross_entropy refuses the default sigmoid output, but this block pairs it with softmax;
    # its only problem is the unknown initialisation.
    body = ('```lab\ndataset = "xor"\nlayers = [2, 4, 1]\noutput = "softmax"\nloss = "cross_entropy"\n'
            'init = "zeros"\n```\n')
    path = write(tmp_path, "01-a.md", lesson_text(body))
    found = problems_of(load_course(tmp_path), path)
    assert [(line, message.split(":")[1].strip()) for line, message in found] == [
        (line_of(path, "init ="), "init")], found


def test_a_clash_between_good_settings_is_reported_once_they_are_each_good(tmp_path):
    body = '```lab\ndataset = "xor"\nlayers = [2, 4, 1]\noutput = "softmax"\nloss = "cross_entropy"\n```\n'
    path = write(tmp_path, "01-a.md", lesson_text(body))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "output =") and "softmax over a single output" in message


def test_every_problem_of_a_predict_run_is_reported(tmp_path):
    text = PREDICT.format(answer="converges", lr=-1).replace('activation = "sigmoid"', 'activation = "sigmod"')
    path = write(tmp_path, "01-a.md", lesson_text(text))
    found = problems_of(load_course(tmp_path), path)
    assert [line for line, _ in found] == [line_of(path, "activation ="), line_of(path, "lr =")], found
    assert all(message.startswith("quiz: [lab] ") for _, message in found)


def test_one_file_is_checked_against_the_other_lessons_of_its_folder(tmp_path):
    write(tmp_path, "01-base.md", lesson_text("", "base") + '```quiz\nkind = "derivitive"\n```\n')
    path = write(tmp_path, "02-next.md", lesson_text("", "next", requires='["base", "nope"]'))
    course = load_lesson_file(path)
    assert [lesson.id for lesson in course.lessons] == ["next"]
    # the other file's problem is not this file's; its id satisfies `requires`
    assert problems_of(course, path) == [(4, 'front matter: requires "nope", which no lesson has')]
    assert all(problem.path == path for problem in course.problems)


def test_one_file_whose_id_another_lesson_has_is_reported(tmp_path):
    write(tmp_path, "01-base.md", lesson_text("", "same"))
    path = write(tmp_path, "02-copy.md", lesson_text("", "same"))
    course = load_lesson_file(path)
    assert course.lessons == ()
    assert problems_of(course, path) == [(2, 'front matter: id "same" is already used by 01-base.md; '
                                             'lesson not loaded')]


def test_one_file_with_a_name_the_course_would_skip_is_still_checked(tmp_path):
    path = write(tmp_path, "draft.md", lesson_text('```quiz\nkind = "derivitive"\n```\n', "draft"))
    messages = [message for _, message in problems_of(load_lesson_file(path), path)]
    assert messages[0].startswith("file name should look like 07-learning-rate.md")
    assert messages[1].startswith('quiz: unknown kind "derivitive"')

# ----------------------------------------------------------------- numeric quizzes with an engine network

NETWORK = '''\
[engine]
sizes = [2, 2, 1]
activation = "sigmoid"
output = "sigmoid"
loss = "mse"
weights = [[[0.15, 0.25], [0.20, 0.30]], [[0.40], [0.45]]]
biases = [[0.35, 0.35], [0.60]]
input = [0.05, 0.10]
target = [0.01]
'''


def numeric_quiz(quantity: str, network: str = NETWORK) -> str:
    return (f'```quiz\nkind = "numeric"\nprompt = "P"\nexplanation = "E"\nquantity = "{quantity}"\n'
            f'{network}```\n')


def test_numeric_engine_quiz_takes_its_key_from_the_engine(tmp_path):
    write(tmp_path, "01-a.md", lesson_text(numeric_quiz("delta[1][1]")))
    course = load_course(tmp_path)
    assert course.problems == ()
    spec = course.lesson("bad").quizzes[0].spec
    assert isinstance(spec, NumericSpec)
    # BP2 by hand: δ² = (a² − y)·a²(1 − a²), δ¹₂ = δ²·W²₂₁·a¹₂(1 − a¹₂)
    assert spec.expected == pytest.approx(0.138499 * 0.45 * 0.596884 * 0.403116, rel=1e-5)
    assert spec.tolerance == pytest.approx(0.01 * spec.expected, rel=1e-3)


@pytest.mark.parametrize("change, marker, message", [
    (("[[0.40], [0.45]]", "[[0.40, 0.1], [0.45, 0.1]]"), "weights =",
     "quiz: [engine] weights[1] (W²) has shape 2x2, expected 2x1"),
    (("input = [0.05, 0.10]", "input = [0.05]"), "input =", "quiz: [engine] input has shape 1, expected 2"),
    (('activation = "sigmoid"', 'activation = "sigmod"'), "activation =", 'quiz: [engine] unknown activation "sigmod"'),
    (('loss = "mse"', 'loss = "mse"\nseed = 3'), "seed = 3", 'quiz: [engine] unknown field "seed"'),
    (('target = [0.01]\n', ''), "[engine]", 'quiz: [engine] missing field "target"'),
    # the network's loss, not the first backward pass, refuses a pair BP1 does not fit
    (('loss = "mse"', 'loss = "cross_entropy"'), "loss =", "quiz: [engine] loss cross_entropy needs a softmax output"),
])
def test_numeric_engine_spec_errors(tmp_path, change, marker, message):
    path = write(tmp_path, "01-a.md", lesson_text(numeric_quiz("loss", NETWORK.replace(*change))))
    (line, text), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, marker)
    assert text.startswith(message), text


@pytest.mark.parametrize("quantity, message", [
    ("delta[3][0]", 'quiz: "delta[3][0]": layer 3 is out of range (1..2)'),
    ("grad_w[2][0][1]", 'quiz: "grad_w[2][0][1]": index 1 is out of range (0..0)'),
    ("nabla[0][0]", 'quiz: unknown quantity "nabla[0][0]"'),
    ("delta[1]", 'quiz: "delta[1]": delta takes 2 indices'),
    ("delta[0][1]", 'quiz: "delta[0][1]" counts layers from 0; layers count from 1 as in the book '
                    '(W¹, b¹, δ¹ for the first layer after the input, a[0] for the input x): write "delta[1][1]"'),
    ("a[-1][0]", 'quiz: "a[-1][0]" counts layers from 0; layers count from 1 as in the book '
                 '(W¹, b¹, δ¹ for the first layer after the input, a[0] for the input x): write "a[0][0]"'),
])
def test_numeric_quantity_errors(tmp_path, quantity, message):
    path = write(tmp_path, "01-a.md", lesson_text(numeric_quiz(quantity)))
    (line, text), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "quantity =")
    assert text.startswith(message), text


def test_a_numeric_quiz_without_quantity_is_shown_the_books_numbering(tmp_path):
    path = write(tmp_path, "01-a.md", lesson_text(numeric_quiz("x").replace('quantity = "x"\n', "")))
    (line, text), = problems_of(load_course(tmp_path), path)
    assert text == 'quiz: missing field "quantity" (e.g. "output", "delta[1][0]", "grad_w[2][0][0]")'



# ----------------------------------------------------------------- predict quizzes

PREDICT = '''\
```quiz
kind = "predict"
prompt = "P"
explanation = "E"
target_loss = 0.01
answer = "{answer}"
[lab]
dataset = "xor"
layers = [2, 2, 1]
activation = "sigmoid"
output = "sigmoid"
loss = "mse"
lr = {lr}
epochs = 300
seed = 0
```
'''


def test_predict_answer_is_verified_against_the_engine(tmp_path):
    # Measured: at lr 20 this run reaches a loss below 0.01 in 300 epochs.
    write(tmp_path, "01-a.md", lesson_text(PREDICT.format(answer="converges", lr=20)))
    assert load_course(tmp_path, depth=Depth.RUNS).problems == ()
    path = write(tmp_path, "01-a.md", lesson_text(PREDICT.format(answer="stalls", lr=20)))
    (line, message), = problems_of(load_course(tmp_path, depth=Depth.RUNS), path)
    assert line == line_of(path, 'answer = "stalls"')
    assert message.startswith('quiz: the answer "stalls" disagrees with the engine. The engine ran it: '
                              "the loss went from 0.1423 after epoch 1 to ")
    assert message.endswith("so it converges.")


def test_predict_is_run_only_when_verifying(tmp_path):
    write(tmp_path, "01-a.md", lesson_text(PREDICT.format(answer="stalls", lr=20)))
    assert load_course(tmp_path).problems == ()


def test_predict_lab_config_error_names_the_field_line(tmp_path):
    path = write(tmp_path, "01-a.md", lesson_text(PREDICT.format(answer="stalls", lr=-1)))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "lr = -1")
    assert message.startswith("quiz: [lab] lr: must be greater than 0")


def test_predict_stalls_needs_target_loss(tmp_path):
    text = PREDICT.format(answer="stalls", lr=2).replace("target_loss = 0.01\n", 'choices = ["converges", "stalls"]\n')
    path = write(tmp_path, "01-a.md", lesson_text(text))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "choices =")
    assert message == 'quiz: "stalls" needs target_loss: the loss a converged run reaches'


def test_predict_compare_must_keep_the_loss(tmp_path):
    text = PREDICT.format(answer="higher", lr=2).replace("target_loss = 0.01\n", 'question = "compare"\n')
    text = text.replace("seed = 0\n", 'seed = 0\n[compare]\nloss = "bce"\n')
    path = write(tmp_path, "01-a.md", lesson_text(text))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, 'loss = "bce"')
    assert "losses of different kinds are not comparable" in message


def test_predict_run_length_is_capped(tmp_path):
    text = PREDICT.format(answer="stalls", lr=2).replace("epochs = 300", "epochs = 1000000")
    path = write(tmp_path, "01-a.md", lesson_text(text))
    (line, message), = problems_of(load_course(tmp_path), path)
    assert line == line_of(path, "epochs = 1000000")
    assert message == ("quiz: [lab] epochs: a predict quiz trains its run when a learner answers; "
                       "keep epochs at most 10000, not 1000000")


def test_runs_are_parsed_once_when_the_lesson_loads(tmp_path, monkeypatch):
    """A lab block and a predict quiz hold the engine's RunConfig: showing the card,
    opening the Lab and answering the quiz never parse the lesson's settings again."""
    import engine
    from tutor.course.display import describe_run, quiz_context
    from tutor.course.runs import predict_truth
    from tutor.course.variants import variant

    text = PREDICT.format(answer="lower", lr=2).replace("target_loss = 0.01\n", 'question = "compare"\n')
    text = text.replace("seed = 0\n", "seed = 0\n[compare]\nlr = 20\n")
    write(tmp_path, "01-a.md", GOOD.replace("# Heading", text))
    lesson = load_course(tmp_path).lesson("good")
    lab, quiz = lesson.labs[0], lesson.quizzes[0]
    assert isinstance(lab.config, engine.RunConfig) and lab.config.lr == 2
    assert quiz.spec.lab == engine.RunConfig(layers=(2, 2, 1), activation="sigmoid", loss="mse", lr=2, epochs=300)
    assert quiz.spec.compare == dataclasses.replace(quiz.spec.lab, lr=20)

    def parsed_again(*_):
        raise AssertionError("a run's settings were parsed again")
    monkeypatch.setattr(engine.RunConfig, "from_mapping", classmethod(parsed_again))
    assert "lr 2" in describe_run(lab.config)
    assert "Compared with: " in quiz_context(quiz)[1]
    truth, measured = predict_truth(variant(quiz, 1).spec)
    assert truth in ("higher", "lower") and "with lr = 20," in measured


def test_a_checker_crash_is_reported_on_its_block(tmp_path, monkeypatch):
    import tutor.course.loader as loader

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "build_block", broken)
    write(tmp_path, "01-good.md", GOOD)
    path = write(tmp_path, "02-b.md", lesson_text('```lab\ndataset = "xor"\n```\n'))
    course = load_course(tmp_path)
    assert problems_of(course, path) == [(line_of(path, "```lab"), "lab: could not check this block (RuntimeError: boom)")]
    assert [lesson.id for lesson in course.lessons] == ["good", "bad"]


# ----------------------------------------------------------------- any text at all

from hypothesis import HealthCheck, given, settings, strategies as st

FRAGMENTS = [
    "+++", 'id = "a"', 'id = "b"', 'title = "T"', 'requires = ["a"]', 'requires = "a"', "id = 5",
    "```quiz", "```lab", "```engine", "```", "~~~", "```python", 'kind = "choice"', 'kind = "numeric"',
    'kind = "derivative"', 'kind = "predict"', 'prompt = "P"', 'explanation = "E"', 'choices = ["x", "y"]',
    "answer = 2", "answer = [1, 2]", 'answer = "stalls"', 'function = "x^2"', 'function = "sin("',
    'expected = "2x"', "expected = 0.5", 'quantity = "loss"', "[engine]", "[lab]", "[compare]",
    "sizes = [1, 1]", "weights = [[[1.0]]]", "biases = [[0.0]]", "input = [1.0]", "target = [0.0]",
    'activation = "tanh"', 'output = "sigmoid"', 'loss = "mse"', 'dataset = "xor"', "layers = [2, 1]",
    "epochs = 3", "lr = 0.1", 'function = "engine.network.Network"', "hints = [1]", "= =", "[[x]]",
    "Some prose σ′.", "", "  ```quiz", 'question = "compare"', "target_loss = 0.01",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=30), min_size=1, max_size=3))
def test_any_lesson_text_loads_without_raising(tmp_path, files):
    for old in tmp_path.glob("*.md"):
        old.unlink()
    for number, lines in enumerate(files, start=1):
        (tmp_path / f"{number:02d}-x.md").write_text("\n".join(lines), encoding="utf-8")
    course = load_course(tmp_path, depth=Depth.RUNS)
    for problem in course.problems:
        assert problem.line >= 0 and problem.message
        assert "could not check this block" not in problem.message, problem


BLOCK = st.tuples(st.sampled_from(["quiz", "lab", "engine"]), st.lists(st.sampled_from(FRAGMENTS[13:]), max_size=15))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(BLOCK, min_size=1, max_size=4))
def test_any_blocks_in_a_valid_lesson_load_without_raising(tmp_path, blocks):
    body = "".join(f"```{kind}\n" + "\n".join(lines) + "\n```\n\nProse.\n\n" for kind, lines in blocks)
    (tmp_path / "01-x.md").write_text(lesson_text(body, "x"), encoding="utf-8")
    course = load_course(tmp_path, depth=Depth.RUNS)
    lesson = course.lesson("x")
    shown = len(lesson.quizzes) + len(lesson.labs) + len(lesson.engine_blocks)
    reported_blocks = {p.line for p in course.problems}
    assert shown + len(reported_blocks) >= len(blocks)  # every block is shown or has a problem
    for problem in course.problems:
        assert "could not check this block" not in problem.message, problem


def test_a_lab_block_may_chart_the_sharpness(tmp_path):
    path = write(tmp_path, "01-edge.md", lesson_text('```lab\ndataset = "xor"\nlr = 8\ncharts = ["sharpness", "loss"]\n```\n'))
    course = load_course(tmp_path)
    assert problems_of(course, path) == []
    lab, = course.lesson("bad").labs
    assert lab.charts == ("sharpness", "loss")


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "01-kinks.md"


def test_letter_answers_and_mistakes_load_into_the_model(tmp_path):
    course = load_course(SAMPLE.parent)
    assert course.problems == ()
    lesson = course.lesson("kinks")
    kink, chain, slope = (lesson.quiz(name) for name in ("kink", "chain", "slope"))
    assert kink.spec.answers == {0}
    assert [(m.answer, m.picks) for m in kink.mistakes] == [("b", {1})]
    assert [m.answer for m in chain.mistakes] == ["cos(x^2)"]
    # A numeric mistake is matched as the quiz's answer is: within 1% of its value.
    assert [(m.value, m.tolerance) for m in slope.mistakes] == [
        (pytest.approx(2 / 11), pytest.approx(0.01 * 2 / 11, rel=1e-6)),
        (0.196, pytest.approx(0.00196, rel=1e-6))]


def test_a_run_on_a_lesson_data_file_is_described_by_the_file_name(tmp_path):
    # Lesson 05's predict quiz showed "dataset /work/.../lessons/data/one-example.csv, ...,
    # noise 0.1, ..., samples 200": an absolute path, and settings a CSV file ignores.
    from tutor.course.display import describe_run

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "points.csv").write_text("x,y\n" + "1,0\n0,1\n" * 2)
    text = PREDICT.format(answer="stalls", lr=2).replace('dataset = "xor"', 'dataset = "data/points.csv"')
    text = text.replace("layers = [2, 2, 1]", "layers = [1, 2, 1]")
    write(tmp_path, "01-a.md", GOOD.replace("# Heading", text))
    course = load_course(tmp_path)
    assert not course.problems, course.problems
    described = describe_run(course.lesson("good").quizzes[0].spec.lab)
    assert described.startswith("dataset points.csv, layers 1-2-1,")
    assert "noise" not in described and "samples" not in described and "test_share 0.0" in described


def test_parts_group_the_lessons_from_the_one_that_names_a_part(tmp_path):
    for n, part in ((1, "Foundations"), (2, None), (3, "Training well"), (4, None)):
        line = f'part = "{part}"\n' if part else ""
        write(tmp_path, f"0{n}-l{n}.md", f'+++\nid = "l{n}"\ntitle = "L{n}"\n{line}+++\nText.\n')
    course = load_course(tmp_path)
    assert not course.problems
    assert [(title, [lesson.id for lesson in lessons]) for title, lessons in course.parts] == [
        ("Foundations", ["l1", "l2"]), ("Training well", ["l3", "l4"])]
    assert course.lesson("l2").part == ""


def test_lessons_before_the_first_part_or_without_parts_are_in_an_untitled_part(tmp_path):
    write(tmp_path, "01-a.md", '+++\nid = "a"\ntitle = "A"\n+++\nText.\n')
    write(tmp_path, "02-b.md", '+++\nid = "b"\ntitle = "B"\npart = "Later"\n+++\nText.\n')
    assert [(title, len(lessons)) for title, lessons in load_course(tmp_path).parts] == [("", 1), ("Later", 1)]
    (tmp_path / "02-b.md").unlink()
    assert [(title, len(lessons)) for title, lessons in load_course(tmp_path).parts] == [("", 1)]


def test_a_part_that_is_not_a_string_is_reported_on_its_line(tmp_path):
    path = write(tmp_path, "01-a.md", '+++\nid = "a"\ntitle = "A"\npart = 3\n+++\nText.\n')
    course = load_course(tmp_path)
    assert problems_of(course, path) == [
        (4, 'front matter: "part" must be a string, the title of the part of the course this lesson starts')]
    assert course.lesson("a").part == ""
