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

# What each Lab chart plots, and what to read in it (names as lessons' lab blocks use them).
CHART_GUIDE: dict[str, tuple[str, str]] = {
    "loss": ("Loss",
             "The training loss L (the mean per-sample cost over the training set) after each epoch, "
             "and the test loss when part of the data is held out. A falling curve means learning; "
             "a flat stretch is a plateau; a test loss rising while the training loss falls is overfitting."),
    "accuracy": ("Accuracy",
                 "The share of samples classified correctly (the output rounded at 0.5, or the largest "
                 "softmax output). Classification runs only."),
    "weight_norms": ("Weight norms",
                     "The size ‖W‖ of each layer's weight matrix. Steady growth means the weights keep "
                     "being pushed outwards; a sudden jump often comes before divergence."),
    "delta_means": ("Mean |δ| per layer",
                    "The mean absolute error signal δ = ∂C/∂z of each layer (BP1, BP2). Layers far from the "
                    "output receiving a much smaller δ is the vanishing gradient: σ′ ≤ ¼ shrinks it at every layer."),
    "gradient_norms": ("Gradient norms",
                       "The size of ∂L/∂W for each layer, the step before the learning rate scales it (BP4)."),
    "tracked": ("Tracked weights",
                "A few individual weights over time: watch them settle, oscillate (learning rate too high) "
                "or drift."),
    "lr": ("Learning rate", "The learning rate in force at each epoch."),
    "decision_boundary": ("Decision boundary",
                          "For two-input datasets: the network's output over the plane, with the training "
                          "points on top. Shows what the network has learned, not just how well."),
}

# Keys that belong to widgets rather than to a screen's BINDINGS.
WIDGET_KEYS = [
    ("tab / shift+tab", "Move between answer fields, buttons and lists"),
    ("enter", "Check a typed answer; press the focused button; open the highlighted lesson"),
    ("space", "Pick the highlighted choice of a quiz"),
    ("↑ ↓ pgup pgdn home end", "Scroll the lesson; move in lists"),
    ("ctrl+p", "Command palette: every screen and action by name"),
]


def _binding_rows(app, bindings) -> list[tuple[str, str]]:
    rows = []
    for binding in Binding.make_bindings(bindings):
        if binding.system or not binding.description and not binding.tooltip:
            continue
        what = binding.tooltip or binding.description
        if binding.tooltip and binding.description and binding.description not in binding.tooltip:
            what = f"{binding.description}: {binding.tooltip}"
        rows.append((app.get_key_display(binding), what))
    return rows


def _table(rows: list[tuple[str, str]]) -> str:
    lines = ["| Key | What it does |", "|---|---|"]
    for key, what in rows:
        lines.append(f"| `{key.replace('|', '¦')}` | {what.replace('|', '¦')} |")
    return "\n".join(lines)


def screen_bindings() -> list[tuple[str, list]]:
    """(title, BINDINGS) of every screen, the Lab's if it can be imported."""
    from tutor.screens.drill import DrillScreen
    from tutor.screens.home import HomeScreen
    from tutor.screens.lesson import LessonScreen

    found = [("Course map", HomeScreen.BINDINGS), ("Lesson", LessonScreen.BINDINGS)]
    try:
        from tutor.screens.lab import LabScreen
    except ImportError:
        LabScreen = None
    if LabScreen is not None:
        found.append(("Lab", LabScreen.BINDINGS))
    found.append(("Drills", DrillScreen.BINDINGS))
    return found


def help_markdown(app) -> str:
    """The whole help text, as Markdown."""
    parts = ["# Help", "",
             "nn-tutor teaches neural networks from first principles: read a lesson, answer its "
             "quizzes, run its networks in the Lab. Your answers are saved as you go.", "",
             "## Everywhere", "", _table(_binding_rows(app, app.BINDINGS) + WIDGET_KEYS), ""]
    for title, bindings in screen_bindings():
        rows = _binding_rows(app, bindings)
        if rows:
            parts += [f"## {title}", "", _table(rows), ""]
    parts += ["## The Lab's charts", ""]
    for name, (title, what) in CHART_GUIDE.items():
        parts += [f"- **{title}** (`{name}`): {what}"]
    parts += ["", "## Typing math", "",
              "Write σ as `sigmoid` (σ also works), powers as `x^2` or `x**2`, e^x as `exp(x)` or `e^x`. "
              "Answers are judged by evaluating them at many points, so any equal form is right: "
              "`sigmoid(x)*(1-sigmoid(x))` and `exp(-x)/(1+exp(-x))^2` are both accepted."]
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
