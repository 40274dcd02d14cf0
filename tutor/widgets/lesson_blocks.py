"""The non-quiz parts of a lesson: prose, a lab card, an engine function's source.

A ```lab block becomes a card describing the run, with a button that opens the
Lab on exactly that configuration. An ```engine block shows the real source of an
engine function (read from the installed engine when the lesson loaded, so it can
never drift from the code that runs), syntax-highlighted.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.content import Content
from textual.highlight import highlight
from textual.markup import escape
from textual.widgets import Button, Markdown, Static
from textual.widgets.markdown import MarkdownFence

from tutor import messages
from tutor.course.model import EngineBlock, LabBlock

# What each chart a lab block may name shows (the names are tutor.course.blocks.LAB_CHARTS).
CHART_NAMES = {
    "loss": "loss",
    "accuracy": "accuracy",
    "weight_norms": "weight norms per layer",
    "delta_means": "mean |δ| per layer",
    "gradient_norms": "gradient norms per layer",
    "tracked": "a few individual weights",
    "lr": "learning rate",
    "decision_boundary": "decision boundary",
}


class FormulaFence(MarkdownFence):
    """A code block: highlighted when it names its language (```python), else shown as
    written. Lessons indent their formulas (σ′(x) = σ(x)(1 − σ(x))), which a guessed
    lexer would colour as if `for` and `if` in them were keywords."""

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False) -> Content:
        if not language:
            return Content(code)
        return super().highlight(code, language, ansi=ansi, dark=dark)


class LessonMarkdown(Markdown):
    """Textual's Markdown, with formulas in code blocks left uncoloured."""

    BLOCKS = {**Markdown.BLOCKS, "fence": FormulaFence, "code_block": FormulaFence}


class LabCard(Vertical):
    """A lesson's training run: what it is, and a button that opens it in the Lab."""

    def __init__(self, block: LabBlock) -> None:
        super().__init__(classes="lab-card")
        self.block = block

    def compose(self) -> ComposeResult:
        from tutor.course.display import describe_run

        yield Static(describe_run(self.block.config), classes="lab-run", markup=False)
        charts = ", ".join(CHART_NAMES.get(chart, chart) for chart in self.block.charts)
        yield Static(Content.from_markup(f"[dim]Charts:[/] {escape(charts)}"), classes="lab-charts")
        with Horizontal(classes="lab-buttons"):
            yield Button("Open in the Lab", classes="lab-open", variant="success", compact=True)
            yield Button("Open and start", classes="lab-start", compact=True)

    def on_mount(self) -> None:
        self.border_title = f"Lab · {self.block.title}" if self.block.title else "Lab"

    @on(Button.Pressed, ".lab-open")
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(messages.OpenLab(self.block.run_config(), charts=self.block.charts))

    @on(Button.Pressed, ".lab-start")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(messages.OpenLab(self.block.run_config(), start=True, charts=self.block.charts))


class EngineSource(Vertical):
    """The source of one engine function, highlighted, scrolling sideways if it is wide."""

    def __init__(self, block: EngineBlock) -> None:
        super().__init__(classes="engine-source")
        self.block = block

    def compose(self) -> ComposeResult:
        with HorizontalScroll(classes="engine-code-scroll"):
            yield Static(highlight(self.block.source.rstrip("\n"), language="python"),
                         classes="engine-code", expand=False)

    def on_mount(self) -> None:
        title = self.block.title or "Engine source"
        self.border_title = escape(title)
        self.border_subtitle = escape(self.block.function)
