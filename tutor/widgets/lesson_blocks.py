"""The non-quiz parts of a lesson: prose, a lab card, an engine function's source.

A ```lab block becomes a card describing the run, with a button that opens the
Lab on exactly that configuration; a ```compare block, a card saying what it varies,
with a button that trains the runs side by side on the Compare screen. An ```engine block shows the real source of an
engine function (read from the installed engine when the lesson loaded, so it can
never drift from the code that runs), syntax-highlighted. An ```exercise block, a card
naming a build-it-yourself exercise, its state and the file to edit, with a button that
opens the Exercises screen at it.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.highlight import highlight
from textual.markup import escape
from textual.widgets import Button, Markdown, Static
from textual.widgets.markdown import MarkdownFence

from tutor import messages
from tutor.course.model import (CompareBlock, EngineBlock, ExerciseBlock, GradcheckBlock, GraphBlock, LabBlock,
                                StepperBlock)

# What each chart a lab block may name shows (the names are tutor.course.blocks.LAB_CHARTS).
CHART_NAMES = {
    "loss": "loss",
    "accuracy": "accuracy",
    "weight_norms": "weight norms per layer",
    "delta_means": "mean |δ| per layer",
    "gradient_norms": "gradient norms per layer",
    "tracked": "a few individual weights",
    "lr": "learning rate",
    "sharpness": "sharpness against 2/η",
    "decision_boundary": "decision boundary",
}


def wrap_code(code: Content, width: int) -> Content:
    """Source lines wider than `width` cut into pieces that fit: each cut marked with a
    dim ↩ at its end, the rest continuing four columns in from the line's indentation."""
    width = max(width, 8)
    lines = []
    for line in code.split("\n", allow_blank=True):
        plain = line.plain
        indent = min(len(plain) - len(plain.lstrip(" ")) + 4, width // 2)
        while line.cell_length > width:
            lines.append(line[:width - 1] + Content.styled("↩", "dim"))
            line = Content(" " * indent) + line[width - 1:]
        lines.append(line)
    return Content("\n").join(lines)


class FormulaFence(MarkdownFence):
    """A code block: highlighted when it names its language (```python), else shown as
    written. Lessons indent their formulas (σ′(x) = σ(x)(1 − σ(x))), which a guessed
    lexer would colour as if `for` and `if` in them were keywords."""

    _wrapped_at = 0    # the width its lines were last wrapped to (wrap_code)

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False) -> Content:
        if not language:
            return Content(code)
        return super().highlight(code, language, ansi=ansi, dark=dark)

    def set_content(self, content: Content) -> None:
        super().set_content(wrap_code(content, self._wrapped_at) if self._wrapped_at else content)

    def on_resize(self) -> None:
        """Wrap long lines to the width (a fence does not scroll sideways, so a cut line
        would simply vanish at the edge)."""
        label = self.query_one("#code-content")
        width = self.content_size.width - label.styles.gutter.width
        if width > 0 and width != self._wrapped_at:
            self._wrapped_at = width
            self.set_content(self._highlighted_code)


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
        self.post_message(messages.OpenLab(self.block.config, charts=self.block.charts))

    @on(Button.Pressed, ".lab-start")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(messages.OpenLab(self.block.config, start=True, charts=self.block.charts))


class CompareCard(Vertical):
    """A lesson's comparison: its base run, what it varies, and a button that trains
    them all side by side on the Compare screen."""

    def __init__(self, block: CompareBlock) -> None:
        super().__init__(classes="lab-card compare-card")
        self.block = block

    def compose(self) -> ComposeResult:
        from tutor.course.display import describe_compare

        for line in describe_compare(self.block)[1:]:
            yield Static(line, classes="lab-run", markup=False)
        with Horizontal(classes="lab-buttons"):
            yield Button("Compare them", classes="compare-open", variant="success", compact=True)

    def on_mount(self) -> None:
        from tutor.course.display import describe_compare

        self.border_title = escape(describe_compare(self.block)[0])

    @on(Button.Pressed, ".compare-open")
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(messages.OpenCompare(self.block))


class EngineSource(Vertical):
    """The source of one engine function, highlighted, its long lines wrapped to the
    width (marked ↩), so that nothing hides beyond the edge."""

    def __init__(self, block: EngineBlock) -> None:
        super().__init__(classes="engine-source")
        self.block = block
        self.code = highlight(self.block.source.rstrip("\n"), language="python")
        self._wrapped_at: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.code, classes="engine-code")

    def on_resize(self) -> None:
        code = self.query_one(".engine-code", Static)
        width = code.content_size.width or self.content_size.width - 2
        if width > 0 and width != self._wrapped_at:
            self._wrapped_at = width
            code.update(wrap_code(self.code, width))

    def on_mount(self) -> None:
        title = self.block.title or "Engine source"
        self.border_title = escape(title)
        self.border_subtitle = escape(self.block.function)


class GradcheckCard(Vertical):
    """A lesson's gradcheck block: the engine's gradient check on a network as built and on
    a copy with a broken derivative, a row per parameter array (tutor/gradcheck_demo.py)."""

    def __init__(self, block: GradcheckBlock) -> None:
        super().__init__(classes="lab-card gradcheck-card")
        self.block = block

    def compose(self) -> ComposeResult:
        from tutor.gradcheck_demo import gradcheck_lines

        # A few hundred forward passes of a small network: milliseconds, done as the lesson opens.
        yield Static("\n".join(gradcheck_lines(self.block.config, self.block.broken)),
                     classes="lab-run gradcheck-table", markup=False)

    def on_mount(self) -> None:
        title = f"Gradient check · {self.block.title}" if self.block.title else "Gradient check"
        self.border_title = escape(title)


class WalkCard(Vertical):
    """A lesson block that opens a walk-through screen: a few lines saying what it walks,
    and one button (class "<kind>-open") that opens it."""

    KIND = ""      # "stepper" or "graph": the CSS classes
    NAME = ""      # the border title
    BUTTON = ""    # the button's label

    def __init__(self, block) -> None:
        super().__init__(classes=f"lab-card {self.KIND}-card")
        self.block = block

    def lines(self) -> list[str]:
        raise NotImplementedError

    def opened_screen(self):
        """The screen the button opens."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Static("\n".join(self.lines()), classes="lab-run", markup=False)
        with Horizontal(classes="lab-buttons"):
            yield Button(self.BUTTON, classes=f"{self.KIND}-open", variant="success", compact=True)

    def on_mount(self) -> None:
        self.border_title = escape(f"{self.NAME} · {self.block.title}" if self.block.title else self.NAME)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.push_screen(self.opened_screen())


class StepperCard(WalkCard):
    """A lesson's stepper block: the network, and a button that walks one training step."""

    KIND, NAME, BUTTON = "stepper", "Stepper", "Walk one training step"

    def lines(self) -> list[str]:
        from tutor.course.network_spec import describe_network

        block: StepperBlock = self.block
        lines = describe_network(block.network) + [f"learning rate η = {block.lr:g}"]
        if block.predict:
            lines.append("You predict: " + ", ".join(block.predict) + " (typed before they show)")
        return lines

    def opened_screen(self):
        from tutor.screens.stepper import StepperScreen

        return StepperScreen.of_block(self.block)


class GraphCard(WalkCard):
    """A lesson's graph block: the expression and its values, and a button that draws its tree."""

    KIND, NAME, BUTTON = "graph", "Graph", "Walk the chain rule"

    def lines(self) -> list[str]:
        from tutor.screens.graph import values_text

        block: GraphBlock = self.block
        lines = [f"f = {block.expression}", f"at {values_text(dict(block.values))}"]
        if block.predict:
            lines.append("You predict the gradients of: " + ", ".join(block.predict) + " (typed before they show)")
        return lines

    def opened_screen(self):
        from tutor.screens.graph import GraphScreen

        return GraphScreen.of_block(self.block)


class ExerciseCard(Vertical):
    """A lesson's exercise block: which exercise, its state (passed, tried, open, locked)
    and the file to edit; its button opens the Exercises screen at that exercise."""

    def __init__(self, block: ExerciseBlock) -> None:
        super().__init__(classes="lab-card exercise-card")
        self.block = block

    def compose(self) -> ComposeResult:
        yield Static(classes="lab-run exercise-card-text", markup=False)
        with Horizontal(classes="lab-buttons"):
            yield Button("Open the exercise", classes="exercise-open", variant="success", compact=True)

    def on_mount(self) -> None:
        from tutor.exercises import by_name

        exercise = by_name(self.block.name)
        title = self.block.title or exercise.title
        self.border_title = escape(f"Exercise {exercise.number} · {title}")
        self.show_state()

    def show_state(self) -> None:
        """Re-read the exercise's state and the workspace (after a visit to the Exercises screen)."""
        from tutor.exercises import by_name
        from tutor.exercises.workspace import find, states

        exercise = by_name(self.block.name)
        results = self.app.remember(lambda p: p.exercise_results(), {})
        state = dict((e.name, s) for e, s in states(results))[exercise.name]
        directory = find(getattr(self.app, "exercises_dir", None))
        path = directory / exercise.filename
        where = str(path) if directory.is_dir() else f"{path} (not created yet: the button offers to)"
        self.query_one(".exercise-card-text", Static).update(
            f"{exercise.title}: {state}\nEdit: {where}")

    @on(Button.Pressed, ".exercise-open")
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.open_exercises(self.block.name)
