"""Quizzes and blocks as plain text: what the learner needs to see besides the prompt."""
from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.course.model import Quiz
from tutor.course.network_spec import describe_network

# Settings that do not apply to the four-point logic datasets.
_LOGIC_DATASETS = ("xor", "and", "or")
_SAMPLED_SETTINGS = ("noise", "test_share", "samples")


if TYPE_CHECKING:
    from engine import RunConfig


def describe_run(config: RunConfig) -> str:
    """Every setting of a run as one line."""
    return describe_settings(config.to_dict())


def describe_settings(full: dict) -> str:
    """Settings of a run (RunConfig.to_dict(), or part of it) as one line. A data file is
    named by its file name (a lesson's file path is absolute once loaded), without the
    settings it ignores."""
    from pathlib import Path

    import engine

    full = dict(full)
    if full["dataset"] in _LOGIC_DATASETS:
        for key in _SAMPLED_SETTINGS:
            full.pop(key, None)
    elif full["dataset"] not in engine.datasets.NAMES:   # a CSV file: only test_share applies
        full["dataset"] = Path(full["dataset"]).name
        for key in ("noise", "samples"):
            full.pop(key, None)
    if full.get("regularization") == "none":
        full.pop("regularization"), full.pop("regularization_rate", None)
    if tuple(full.get("features", ())) == ("x1", "x2"):      # the inputs as they are
        full.pop("features")
    return ", ".join(f"{key} {setting_text(key, value)}" for key, value in full.items())


def setting_text(key: str, value: object) -> str:
    """One setting's value as a run's description shows it: layers 2-4-1, batch_size full."""
    if key == "layers":
        return "-".join(str(n) for n in value)  # type: ignore[attr-defined]
    if key == "features":
        return ",".join(value)  # type: ignore[arg-type]
    if key == "batch_size" and value == 0:
        return "full"
    return str(value)


def describe_compare(block) -> list[str]:
    """A compare block as lines of text: its title, its base run and what it varies."""
    from engine.config import typed

    varied = {"activation": block.activations, "lr": block.lrs, "seed": block.seeds}
    base = {key: value for key, value in block.config.to_dict().items() if not (key in varied and varied[key])}
    runs = 1
    lists = []
    for key, name in (("activation", "activations"), ("lr", "learning rates"), ("seed", "seeds")):
        if varied[key]:
            runs *= len(varied[key])
            lists.append(f"{name} {', '.join(typed(v) if key == 'lr' else str(v) for v in varied[key])}")
    return [f"Compare{': ' + block.title if block.title else ''} ({runs} runs)",
            "Base run: " + describe_settings(base),
            "Varied: " + "; ".join(lists)]


def block_text(block) -> str:
    """A block the screen has no widget for, as plain text (the lesson still shows it)."""
    from tutor.course.model import CompareBlock

    if isinstance(block, CompareBlock):
        return "\n".join(describe_compare(block))
    return type(block).__name__


def changed_settings(spec) -> str:
    """What a compare quiz's second run changes, as the author would write it: lr = 20."""
    from engine.config import typed

    return ", ".join(f"{key} = {typed(value) if isinstance(value, float) else setting_text(key, value)}"
                     for key, value in spec.changes().items())


def quiz_context(quiz: Quiz) -> list[str]:
    """Lines shown under the prompt: the choices, the network, or the run."""
    spec = quiz.spec
    if quiz.kind == "choice":
        from tutor.course.choices import labelled

        return [f"  {line}" for line in labelled(spec.choices)]
    if quiz.kind == "numeric" and spec.network is not None:
        return describe_network(spec.network)
    if quiz.kind == "predict":
        from tutor.course.answers import numbered
        from tutor.course.choices import labelled

        shown = labelled(spec.choices) if numbered(spec.values) else [
            f"{n}. {choice}" for n, choice in enumerate(spec.choices, start=1)]
        return predict_runs(spec) + [f"  {line}" for line in shown]
    return []


def predict_runs(spec) -> list[str]:
    """A predict quiz's run (and the run it is compared with), described. A list
    comparison trains the run once per value of its varied setting: the line shows that
    list there, never the lab's own value (which no run uses)."""
    from engine.config import typed

    settings = spec.lab.to_dict()
    if spec.measure is not None:
        settings[spec.vary] = "[" + ", ".join(typed(v) if spec.vary == "lr" else str(v) for v in spec.values) + "]"
    lines = [f"Run: {describe_settings(settings)}"]
    if spec.compare:
        lines.append(f"Compared with: {describe_run(spec.compare)}")
    if spec.measure is not None:
        return lines + list_comparison_lines(spec)
    if spec.target_loss is not None:
        lines.append(f"(Converges means the final loss is at most {spec.target_loss:g}.)")
    return lines


def list_comparison_lines(spec) -> list[str]:
    """What a list comparison varies and how it is measured."""
    from engine.compare import default_target_loss

    names = {"activation": "activation", "lr": "learning rate"}
    lines = [f"Compared: the run with each {names[spec.vary]}: {', '.join(spec.choices)} (the rest as given)."]
    if spec.measure == "fastest":
        target = default_target_loss(spec.lab.loss) if spec.target_loss is None else spec.target_loss
        lines.append(f"(Fastest means the fewest epochs to a training loss of at most {target:g}.)")
    else:
        lines.append("(Measured on the held-out samples after the last epoch.)")
    return lines


def short_prompt(prompt: str, width: int = 34) -> str:
    """The start of a quiz's prompt (for the contents and `tutor quiz`'s list), cut at
    a word and marked with … if cut."""
    text = " ".join(prompt.split())
    if len(text) <= width:
        return text
    head = text[:width - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:") + "…"


def prompt_lines(prompt: str, width: int = 19, lines: int = 2) -> list[str]:
    """The start of a prompt on at most `lines` lines of `width` (for the narrow contents)."""
    import textwrap

    wrapped = textwrap.wrap(" ".join(prompt.split()), width, break_long_words=True)
    if len(wrapped) <= lines:
        return wrapped
    return wrapped[:lines - 1] + [short_prompt(" ".join(wrapped[lines - 1:]), width)]


def answer_format(quiz: Quiz) -> str:
    """What kind of text the quiz expects, in a few words."""
    spec = quiz.spec
    if quiz.kind == "derivative":
        return f"type the derivative as an expression in {spec.variable}"
    if quiz.kind == "expression":
        from tutor.maths.expr import GREEK_VARIABLES

        names = ", ".join(GREEK_VARIABLES.get(name, name) for name in spec.variables) or "numbers"
        return f"type an expression in {names}"
    if quiz.kind == "choice":
        return ("type the letters of all right choices, like a, c" if spec.multiple
                else "type the letter of your choice (or the value it states)")
    if quiz.kind == "numeric":
        return "type a number"
    from tutor.course.answers import numbered

    if numbered(spec.values):   # learning rates: a typed number is a value, not a position
        return "type the letter of your prediction, or its learning rate"
    return "type your prediction or its number"


def reveal(quiz: Quiz) -> str:
    """The right answer, stated, for a learner who gives up."""
    spec = quiz.spec
    if quiz.kind in ("derivative", "expression"):
        from tutor.maths.mathparse import parse

        variables = (spec.variable,) if quiz.kind == "derivative" else spec.variables
        return f"The answer: {parse(spec.expected, variables).pretty()}"
    if quiz.kind == "choice":
        from tutor.course.choices import letter

        return "The answer: " + "; ".join(f"{letter(n)}. {spec.choices[n]}" for n in sorted(spec.answers))
    if quiz.kind == "numeric":
        return f"The answer: {spec.expected:.6g}"
    from tutor.course.runs import predict_truth

    truth, measured = predict_truth(spec)
    return f"The answer: {truth}. {measured}"
