"""The help screen: every key binding, and what each chart of the Lab shows.

The key tables are generated from the BINDINGS of the app and of each screen, so
they cannot fall behind the code. The chart guide says what each Lab chart plots
and what to look for in it.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

# What each panel of the Lab shows, and what to read in it (titles as the Lab's borders say).
CHART_GUIDE: dict[str, tuple[str, str]] = {
    "network": ("network",
                "Every neuron and weight; each weight drawn as its sign and a shade for its size. Arrow keys select a neuron, [ and ] another training sample; below, the "
                "neuron's z = a·W + b, a = f(z) and δ = ∂C/∂z for that sample, with the equation that "
                "gave each (BP1 for the output layer, BP2 for the others)."),
    "data": ("data and prediction",
             "For a dataset with two inputs, the decision regions: the plane coloured by the network's "
             "output, the training points on top. For one input (sine), the data and the network's curve "
             "through them. It shows what the network has learned, not only how well."),
    "loss": ("loss",
             "The training loss L (the mean per-sample cost) after each epoch, and the test loss when "
             "part of the data is held out. Falling means learning; a long flat stretch is a plateau; "
             "a test loss rising while the training loss falls is overfitting. l switches to a log scale."),
    "accuracy": ("accuracy",
                 "The share of samples classified right after each epoch, on the training set and on the "
                 "test set. Accuracy can sit still while the loss falls: the outputs grow surer before "
                 "they change sides. Keys a, w and d show the next chart in each chart's place."),
    "lr": ("learning rate", "The learning rate in force at each epoch: steps where + − or a typed rate changed it."),
    "weight_norms": ("‖W‖ per layer",
                     "The size (Frobenius norm) of each layer's weight matrix: which layers move, and "
                     "weights that keep growing."),
    "gradient_norms": ("log10 ‖∂L/∂W‖ per layer",
                       "The size of each layer's gradient on a log scale (BP4): the step gradient "
                       "descent takes is the learning rate times this. Vanishing gradients sink, "
                       "exploding ones climb."),
    "tracked": ("tracked weights",
                "A few individual weights (the first and last of each layer) over the epochs: they settle, "
                "oscillate when the learning rate is too high, or drift."),
    "deltas": ("log10 mean |δ| per layer",
               "The mean size of the error signal δ of each layer, on a log scale. A layer whose δ sinks "
               "far below the others learns slowly: the vanishing gradient (σ′ ≤ ¼ shrinks δ at every "
               "sigmoid layer, BP2)."),
    "activation": ("activation f and f′",
                   "The hidden activation and its derivative, with vertical lines at the range of z the "
                   "network uses now. Where f′ is near 0 the neurons are saturated and pass little δ back."),
    "status": ("status line",
               "The epoch, the loss (with the test loss and the train and test accuracy when the run has them), the speed in epochs per "
               "second, the learning rate, and the run's state: ready, running, paused, finished, or "
               "the epoch at which the loss diverged."),
}

# What the Compare screen shows (c in the Lab, the palette, or a lesson's compare card).
COMPARE_GUIDE = """One configuration trained many times at once: across activations, learning rates or
seeds. Each curve is one activation at one learning rate: the line is the median over its
seeds, the hatched band runs from the lowest to the highest seed, and an x marks where a
run diverged (a loss far above its start runs along the chart's top edge). The colours
are the groups (g switches between activations and learning rates). Beside the loss, the
sharpness (the loss's largest curvature, estimated every 1,000 epochs) against the line
2/η of each learning rate: gradient descent is stable only below it, and the sharpness
of a real network tends to climb to it and stay (s shows the mean |δ¹| instead). Below,
each run at epochs 1, 100, 10,000 and its last (Enter opens one in the Lab), or the
summary per group (t): how many seeds reached the target loss, how fast, and where they
ended."""

# Keys that belong to widgets rather than to a screen's BINDINGS.
WIDGET_KEYS = [
    ("tab / shift+tab", "Move between answer fields, buttons and lists"),
    ("enter", "Check a typed answer; press the focused button; open the highlighted lesson"),
    ("space", "Pick the highlighted choice of a quiz"),
    ("a b c …", "Pick that choice of a quiz (choices are labelled with letters)"),
    ("↑ ↓ pgup pgdn home end", "Scroll the lesson; move in lists"),
    ("ctrl+p", "Command palette: every screen and action by name"),
]


# What tutor.maths.mathparse reads (keep in step with it: tests/tutor/test_help_text.py
# parses the examples).
TYPING_MATH = """Answers are judged by evaluating them at many points, so any equal form is right:
`sigmoid(x)*(1-sigmoid(x))` and `exp(-x)/(1+exp(-x))^2` are both accepted.

- **Powers**: `x^2`, `x**2` or `x²`; `x⁻¹`; `e^x`, `e^{x}` or `exp(x)`.
- **Functions**: `sigmoid` (or `σ`, `sigma`), `tanh`, `sinh`, `cosh`, `sech`, `exp`, `ln` (or `log`),
  `sqrt` (or `√x`), `abs`, `sign`, `relu`, `softplus`, `max(a, b)`, `min(a, b)`.
  `tanh²(x)` and `tanh^2(x)` mean tanh(x)². A simple argument needs no brackets:
  `exp x`, `ln x`, `sech^2 x`, `tanh²x`, `cos x² · 2x`.
- **Piecewise (ReLU drills)**: `heaviside(x)` (or `step(x)`, `H(x)`) is 1 for x > 0 and 0 below;
  `where(x > 0, 1, 0.01)` is the first value where the condition holds, else the second;
  a comparison alone, like `(x > 0)`, is 1 or 0.
- **Products**: `2x`, `2(x + 1)`, `(x + 1)(x − 1)`, `x sigmoid(x)` need no `*`; two single-letter
  quiz variables side by side are a product too (`wx`, `x(wx + b − y)`). Two longer names
  always need `*`: `sigmoid(x)*tanh(x)`, not `sigmoid(x)tanh(x)` written as one word.
- **Unicode**: `−` `×` `·` `÷` for − × ÷, `σ`, `π`, `√`, `η` and `λ` (or `eta`, `lam`), superscripts `² ³ ⁻¹`,
  `≤ ≥ ≠` in comparisons, and the fractions `½ ¼ ¾` (and the other vulgar fractions).
- **Numbers**: `0.25`, `2.5e-3`, `3/16`; in a numeric quiz, arithmetic on numbers such as
  `(9.61 - 9)/0.1` is a number too.
- **Choices**: a letter, `b` (several: `a, c`); a typed number is the value a choice states
  (`1` picks "relu′(0) = 1"), never its position.

A derivative quiz wants the derivative written out: `σ′(x)` or `tanh'(x)` restate the question."""


def _binding_rows(app, bindings) -> list[tuple[str, str]]:
    """(keys, what they do) for each action; keys bound to the same action share a row."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in Binding.make_bindings(bindings):
        if binding.system or not binding.description and not binding.tooltip:
            continue
        what = binding.description or binding.tooltip
        if binding.tooltip and binding.description:
            if binding.description.lower() in binding.tooltip.lower():
                what = binding.tooltip
            else:
                what = f"{binding.description}: {binding.tooltip[0].lower()}{binding.tooltip[1:]}"
        keys, first = rows.setdefault(binding.action, ([], what))
        keys.append(app.get_key_display(binding))
    return [(" ".join(keys), what) for keys, what in rows.values()]


def _key_list(rows: list[tuple[str, str]]) -> str:
    """Markdown list of keys: one short line each, readable at 80 columns."""
    return "\n".join(f"- `{keys}` {what}" for keys, what in rows)


def screen_bindings() -> list[tuple[str, list]]:
    """(title, BINDINGS) of every screen (the Lab's with its network diagram's)."""
    from tutor.screens.drill import DrillScreen
    from tutor.screens.home import HomeScreen
    from tutor.screens.lesson import LessonScreen

    found = [("Course map", HomeScreen.BINDINGS), ("Lesson", LessonScreen.BINDINGS)]
    from tutor.screens.lab import LabScreen
    from tutor.widgets.network_diagram import NetworkDiagram

    found.append(("Lab", [*LabScreen.BINDINGS, *NetworkDiagram.BINDINGS]))
    found.append(("Drills", DrillScreen.BINDINGS))
    from tutor.screens.saved_runs import SavedRunsScreen

    found.append(("Saved runs", SavedRunsScreen.BINDINGS))
    from tutor.screens.exercises import ExercisesScreen

    found.append(("Exercises (e on the course map)", ExercisesScreen.BINDINGS))
    from tutor.screens.compare import CompareScreen, CompareSetupScreen

    found.append(("Compare", [*CompareScreen.BINDINGS, *CompareSetupScreen.BINDINGS]))
    from tutor.screens.stepper import StepperScreen

    found.append(("Backprop step by step (b in the Lab)", StepperScreen.BINDINGS))
    return found


def help_markdown(app) -> str:
    """The whole help text, as Markdown."""
    parts = ["# Help", "",
             "nn-tutor teaches neural networks from first principles: read a lesson, answer its "
             "quizzes, run its networks in the Lab. Your answers are saved as you go.", "",
             "## Everywhere", "", _key_list(_binding_rows(app, app.BINDINGS) + WIDGET_KEYS), ""]
    for title, bindings in screen_bindings():
        rows = _binding_rows(app, bindings)
        if rows:
            parts += [f"## {title}", "", _key_list(rows), ""]
    parts += ["## The Lab's panels", ""]
    for name, (title, what) in CHART_GUIDE.items():
        parts += [f"- **{title}**: {what}"]
    parts += ["", "## The Compare screen", "", COMPARE_GUIDE]
    parts += ["", "## Typing math", "", TYPING_MATH]
    return "\n".join(parts)


class HelpScreen(Screen):
    """Keys and charts (see the module docstring). Escape or q goes back."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            yield Markdown(help_markdown(self.app), open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Help"
        self.query_one("#help-body").focus()
