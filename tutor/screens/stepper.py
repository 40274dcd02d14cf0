"""The stepper: one training step of a network on one sample, operation by operation.

The steps come from tutor.stepper.walk (every number the engine's own). The screen
shows one at a time: its equation, the numbers substituted, and the network diagram
with the step's neurons marked. In predict mode a step hides the value it asks for
until the learner types it (judged as numeric quizzes are, within 1%, with the slips
named) or reveals it.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from engine.network import Network
from engine.optimizers import Optimizer
from tutor.course.answers import verdict_line
from tutor.stepper import Walk, check_prediction, num, sup, walk
from tutor.widgets.network_diagram import NetworkDiagram


# The phases the step line sets apart (the forward steps of all layers are one).
PHASES = {"z": "forward", "a": "forward", "loss": "loss", "bp1": "bp1", "bp2": "bp2", "bp3": "bp3",
          "bp4": "bp4", "update": "update"}


def crumb(step) -> str:
    """A step's symbol on the step line: z¹ a¹ … C δ² δ¹ ∂b² ∂W² W²←."""
    l = sup(step.layer)
    return {"z": f"z{l}", "a": f"a{l}", "loss": "C", "bp1": f"δ{l}", "bp2": f"δ{l}", "bp3": f"∂b{l}",
            "bp4": f"∂W{l}", "update": f"W{l}←"}[step.kind]


class StepperScreen(Screen):
    """Walk one forward and backward pass: n/→ next, b/← previous, 1-9 a layer, r reveal."""

    BINDINGS = [
        Binding("n,right", "move(1)", "Next"),
        Binding("b,left", "move(-1)", "Previous"),
        Binding("r,ctrl+r", "reveal", "Reveal"),
        Binding("p", "toggle_predict", "Predict"),
        *(Binding(str(l), f"layer({l})", f"Layer {l}", show=False,
                  tooltip="The next step of that layer (forward, backward, update)") for l in range(1, 10)),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, net: Network, x, y, loss: str, lr: float, *, focus: tuple[int, int] | None = None,
                 optimizer: str | Optimizer = "sgd", predict: bool | frozenset[int] = False, context: str = "") -> None:
        """`optimizer`: a name (its first step), or a copy of a run's optimizer (the step it
        would take next); `predict`: True asks for every step, or the indices of the steps that ask;
        `context`: a line saying where the network and sample come from (epoch, sample)."""
        super().__init__()
        self.net, self.x, self.y, self.loss, self.lr = net, x, y, loss, lr
        self.optimizer = optimizer
        self.context = context
        self.walk: Walk = walk(net, x, y, loss, lr, focus, optimizer)
        self.index = 0
        # Predict mode (p turns it on and off) asks at the predict steps: the lesson's, or every step.
        self.predicting = bool(predict)
        self.predict_steps = frozenset() if isinstance(predict, bool) else frozenset(predict)
        self.revealed: set[int] = set()
        self.verdicts: dict[int, str] = {}

    @classmethod
    def of_block(cls, block) -> "StepperScreen":
        """The stepper of a lesson's stepper block (course.model.StepperBlock)."""
        from tutor.course.network_spec import network

        spec = block.network
        screen = cls(network(spec), spec.input, spec.target, spec.loss, block.lr, optimizer=block.optimizer,
                     context=block.title)
        screen.predict_steps = frozenset(i for i, step in enumerate(screen.walk.steps) if step.kind in block.predict)
        screen.predicting = bool(screen.predict_steps)
        return screen

    def compose(self) -> ComposeResult:
        # Kept as attributes: a pushed screen's on_mount may run before the scroll's
        # children are mounted, and updating a Static before then is fine.
        self.title_bar = Static(id="stepper-title")
        self.crumbs = Static(id="stepper-crumbs")
        self.diagram = NetworkDiagram(id="stepper-diagram")
        self.equation = Static(id="stepper-equation")
        self.numbers = Static(id="stepper-lines")
        self.answer = Input(id="stepper-answer",
                            placeholder="type the value, Enter checks (ctrl+r reveals, esc leaves the field)")
        self.feedback = Static(id="stepper-feedback")
        yield self.title_bar
        yield self.crumbs
        yield self.diagram
        with VerticalScroll(id="stepper-body"):
            yield self.equation
            yield self.numbers
        yield self.answer
        yield self.feedback
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Backprop, one step at a time"
        self.diagram.can_focus = False     # the keys are the stepper's; a click still picks a neuron
        self.diagram.show(self.net.sizes, self.net.weights)
        # As tall as the widest layer (two header lines and a legend), at most 12 rows.
        self.diagram.styles.height = min(max(self.net.sizes), 9) + 3
        self._show()

    # ----- state ----------------------------------------------------------------------

    @property
    def step(self):
        return self.walk.steps[self.index]

    def asks(self, index: int) -> bool:
        """Does this step hide its value until it is typed or revealed?"""
        return (self.predicting and (not self.predict_steps or index in self.predict_steps)
                and index not in self.revealed)

    # ----- keys -----------------------------------------------------------------------

    def action_move(self, by: int) -> None:
        self.index = min(max(self.index + by, 0), len(self.walk.steps) - 1)
        self._show()

    def action_goto(self, index: int) -> None:
        """Step `index` (a click on the step line)."""
        if 0 <= index < len(self.walk.steps):
            self.index = index
            self._show()

    def action_layer(self, layer: int) -> None:
        """The next step (after this one, wrapping) of that layer."""
        steps = self.walk.steps
        count = len(steps)
        for offset in range(1, count + 1):
            i = (self.index + offset) % count
            if steps[i].layer == layer:
                self.index = i
                self._show()
                return
        self.notify(f"no layer {layer}: this network has layers 1 to {self.net.layers}", severity="warning")

    def action_reveal(self) -> None:
        self.revealed.add(self.index)
        self._show()

    def action_toggle_predict(self) -> None:
        self.predicting = not self.predicting
        self.revealed -= {self.index}
        which = "the lesson's steps (underlined)" if self.predict_steps else "each value"
        self.notify(f"predict mode on: type {which} before it shows" if self.predicting
                    else "predict mode off: every value shows")
        self._show()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):   # out of the answer: the keys walk again
            self.set_focus(None)
            return
        self.dismiss()

    @on(Input.Submitted, "#stepper-answer")
    def _check(self, event: Input.Submitted) -> None:
        if not self.asks(self.index):
            return
        verdict = check_prediction(self.step, event.value)
        mark, detail = verdict_line(verdict)
        if not verdict.understood:
            self.feedback.update(detail)
            return
        self.verdicts[self.index] = f"{mark} {detail}".strip()
        self.revealed.add(self.index)     # right or wrong, the engine's number shows now
        event.input.value = ""
        self._show()

    @on(NetworkDiagram.Selected)
    def _refocus(self, event: NetworkDiagram.Selected) -> None:
        """A clicked neuron becomes the one large layers show and predictions ask for."""
        if event.layer == 0 or (event.layer, event.neuron) in self._focus_pairs():
            return
        kind, layer = self.step.kind, self.step.layer
        self.walk = walk(self.net, self.x, self.y, self.loss, self.lr, (event.layer, event.neuron), self.optimizer)
        self.index = next((i for i, s in enumerate(self.walk.steps) if (s.kind, s.layer) == (kind, layer)), 0)
        self.revealed.clear()
        self.verdicts.clear()
        self._show()

    def _focus_pairs(self) -> set[tuple[int, int]]:
        return {(l, unit) for l, unit in enumerate(self.walk.focus)}

    # ----- drawing --------------------------------------------------------------------

    def _show(self) -> None:
        step, index = self.step, self.index
        hidden = self.asks(index)
        title = f"Step {index + 1} of {len(self.walk.steps)} · {step.title}"
        self.title_bar.update(
            Content.from_markup("[b]$title[/b]\n[dim]$context[/dim]", title=title, context=self._where()))
        self.crumbs.update(self._crumbs())
        self.diagram.highlight = frozenset(step.neurons)
        self.diagram.refresh()
        self.equation.update(Content.from_markup("[b]$eq[/b]", eq=step.equation))
        lines = [self._masked(line) if hidden else line for line in step.lines]
        self.numbers.update(Content("\n".join(lines)))
        answer, feedback = self.answer, self.feedback
        answer.display = hidden
        if hidden:
            feedback.update(Content(f"Predict {step.asks}: type it and press Enter (ctrl+r reveals it)."))
            self.call_after_refresh(answer.focus)
        else:
            verdict = self.verdicts.get(index, "")
            shown = f"{step.asks} = {step.shown_value} (the engine's value)" if index in self.revealed else ""
            feedback.update(Content("  ".join(part for part in (verdict, shown) if part)))
            if self.focused is answer:
                self.set_focus(None)

    def _crumbs(self) -> Content:
        """Every step as its symbol, the phases apart, this one marked; a click goes there."""
        parts, kind = [], None
        for i, step in enumerate(self.walk.steps):
            phase = PHASES[step.kind]
            if parts:
                parts.append(" · " if phase != kind else " ")
            kind = phase
            # This step reversed; steps that still ask for a prediction underlined.
            style = "reverse bold" if i == self.index else "underline" if self.asks(i) else "not bold"
            parts.append(Content.from_markup(f"[{style} @click=screen.goto({i})]$symbol[/]", symbol=crumb(step)))
        return Content("").join(parts)

    def _masked(self, line: str) -> str:
        """The line with the asked value's result shown as "?"."""
        text = f"= {self.step.shown_value}"
        return line[:-len(text)] + "= ?" if line.endswith(text) else line

    def _where(self) -> str:
        x = ", ".join(num(v) for v in self.x)
        y = ", ".join(num(v) for v in self.y)
        optimizer = "" if self.walk.optimizer == "sgd" else self.walk.optimizer
        parts = [self.context, f"x = ({x}), y = ({y})", f"loss {self.loss}", f"η = {num(self.lr)}", optimizer]
        return " · ".join(part for part in parts if part)
