"""The question before a comparison: "compare this configuration across activations,
across learning rates, or across seeds?", with the lists to vary, as a small dialog.

Each choice fills the lists with sensible defaults (six activations, one per colour the
charts have; the learning rates 0.01, 0.1, 1 and 10 with the base's own; seeds 0-4);
the learner may edit them.
Enter (or Compare) answers with the runs to train (a CompareRequest; the lists are
checked as engine.compare checks them); Escape cancels. A bad list is one line under
the fields, naming the list and what was wrong.
"""
from __future__ import annotations

import dataclasses
import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

import engine
from engine.compare import Comparison, ComparisonError, check_size, parse_list
from tutor.comparison_text import GROUP_COLORS, lr_text
from tutor.course.display import setting_text

VARY = ("activation", "lr", "seed")
LEARNING_RATES = (0.01, 0.1, 1.0, 10.0)
SEEDS = (0, 1, 2)             # seeds beside another list: a median and a band
ALONE_SEEDS = (0, 1, 2, 3, 4)  # seeds alone
GROUP_COLOURS = len(GROUP_COLORS)   # beyond it, two groups would share a colour


@dataclasses.dataclass(frozen=True)
class CompareRequest:
    """What to compare: the base run `config` (with the epochs asked for) and the lists to
    vary (as a lesson's CompareBlock has them)."""

    config: engine.RunConfig
    activations: tuple[str, ...]
    lrs: tuple[float, ...]
    seeds: tuple[int, ...]

    def comparison(self, sharpness_every: int | None = None) -> Comparison:
        return Comparison(self.config, self.activations, self.lrs, self.seeds, sharpness_every=sharpness_every)

    @property
    def heading(self) -> str:
        return heading(self.config, self.activations, self.lrs, self.seeds)


def default_lists(base: engine.RunConfig, vary: str) -> dict[str, list]:
    """The lists a choice starts from: activations, lrs and seeds."""
    if vary == "activation":
        return {"activation": default_activations(base), "lr": [base.lr], "seed": list(SEEDS)}
    if vary == "lr":
        return {"activation": [base.activation], "lr": sorted({*LEARNING_RATES, base.lr}),
                "seed": list(SEEDS)}
    return {"activation": [base.activation], "lr": [base.lr], "seed": list(ALONE_SEEDS)}


def default_activations(base: engine.RunConfig) -> list[str]:
    """As many activations as the charts have colours (six), the base's among them:
    sigmoid, tanh, relu, leaky_relu, rrelu and elu (or the base's in elu's place)."""
    names = list(engine.ACTIVATIONS)[:GROUP_COLOURS]
    if base.activation not in names:
        names[-1] = base.activation
    return names


def split_list(text: str) -> list[str]:
    """'a, b c' -> ['a', 'b', 'c']."""
    return [item for item in re.split(r"[\s,]+", text.strip()) if item]


def parse_lists(base: engine.RunConfig, texts: dict[str, str], epochs_text: str) -> CompareRequest:
    """The runs the fields ask for (an empty list: the base's value). engine.ConfigError
    (epochs) or engine.compare.ComparisonError (the list at fault) if one is wrong."""
    base = dataclasses.replace(base, epochs=engine.RunConfig.parse_field("epochs", epochs_text))
    lists = [parse_list(base, field, split_list(texts[field])) for field in VARY]
    check_size(base, *map(len, lists))
    return CompareRequest(base, *lists)


def heading(base: engine.RunConfig, activations, lrs, seeds) -> str:
    """'xor 2-4-1: 10 activations × lr 0.5 × 3 seeds = 30 runs of 10,000 epochs'."""
    def part(items, field: str, plural: str) -> str:
        if len(items) > 1:
            return f"{len(items)} {plural}"
        return f"lr {lr_text(items[0])}" if field == "lr" else f"{field} {items[0]}"

    runs = len(activations) * len(lrs) * len(seeds)
    return (f"{base.dataset} {setting_text('layers', base.layers)}: {part(activations, 'activation', 'activations')}"
            f" × {part(lrs, 'lr', 'learning rates')} × {part(seeds, 'seed', 'seeds')} = "
            f"{runs} run{'s' * (runs != 1)} of {base.epochs:,} epochs")


def list_text(items) -> str:
    return ", ".join(lr_text(item) if isinstance(item, float) else str(item) for item in items)


# The fields' names in errors (engine.compare names its lists activations, lrs, seeds).
FIELD_NAMES = {"activations": "activations", "lrs": "learning rates", "seeds": "seeds",
               "runs": "runs", "epochs": "epochs"}


class CompareSetupScreen(ModalScreen[CompareRequest | None]):
    """Compare the Lab's configuration across activations, learning rates or seeds."""

    BINDINGS = [
        Binding("a", "vary('activation')", "Across activations",
                tooltip="In the question before a comparison (c in the Lab): every activation"),
        Binding("l", "vary('lr')", "Across learning rates", tooltip="In that question: lrs 0.01 to 10"),
        Binding("s", "vary('seed')", "Across seeds", tooltip="In that question: seeds 0 to 4"),
        Binding("escape", "cancel", "Cancel", tooltip="Close the question without comparing"),
    ]

    def __init__(self, base: engine.RunConfig, vary: str = "activation") -> None:
        super().__init__()
        self.base, self.vary = base, vary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Compare this configuration ({self.base.dataset} "
                         f"{setting_text('layers', self.base.layers)}, {self.base.activation}, "
                         f"lr {self.base.lr:g}) across:", markup=False)
            with Horizontal(classes="compare-vary"):
                yield Button("a activations", id="vary-activation", compact=True)
                yield Button("l learning rates", id="vary-lr", compact=True)
                yield Button("s seeds", id="vary-seed", compact=True)
            values = {field: list_text(items) for field, items in default_lists(self.base, self.vary).items()}
            values["epochs"] = str(self.base.epochs)
            with Grid(classes="compare-fields"):
                for field, label in (("activation", "activations"), ("lr", "learning rates"),
                                     ("seed", "seeds"), ("epochs", "epochs")):
                    yield Label(label)
                    yield Input(values[field], id=f"compare-{field}", select_on_focus=False)
            yield Static("", id="compare-runs")
            with Horizontal(classes="compare-go"):
                yield Button("Compare", id="compare-start", variant="success", compact=True)
                yield Static("Enter compares · Esc cancels", classes="note")

    def on_mount(self) -> None:
        if not self.query("#compare-start"):
            return   # the app closed before the dialog's widgets came
        self._show_vary()
        self._check()
        self.query_one("#compare-start", Button).focus()

    def action_vary(self, vary: str) -> None:
        """Fill the lists for comparing across `vary`."""
        self.vary = vary
        for field, items in default_lists(self.base, vary).items():
            self.query_one(f"#compare-{field}", Input).value = list_text(items)
        self._show_vary()
        self._check()

    def _show_vary(self) -> None:
        for field in VARY:
            self.query_one(f"#vary-{field}", Button).variant = "primary" if field == self.vary else "default"

    def _request(self) -> CompareRequest | str:
        """The request the fields make, or the one line that says what is wrong."""
        texts = {field: self.query_one(f"#compare-{field}", Input).value for field in VARY}
        try:
            return parse_lists(self.base, texts, self.query_one("#compare-epochs", Input).value)
        except (engine.ConfigError, ComparisonError) as error:
            return f"{FIELD_NAMES.get(error.field, error.field)}: {error.message}"

    def _check(self) -> CompareRequest | None:
        request = self._request()
        line = self.query_one("#compare-runs", Static)
        line.set_class(isinstance(request, str), "error")
        line.update(request if isinstance(request, str) else request.heading)
        return None if isinstance(request, str) else request

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "compare-start":
            self._submit()
        else:
            self.action_vary(event.button.id.removeprefix("vary-"))

    @on(Input.Submitted)
    def _submit(self) -> None:
        request = self._check()
        if request is not None:
            self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)
