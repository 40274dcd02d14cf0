"""LabControls: every setting of a training run, each with its error shown beside it.

A control holds text (or a choice); engine.RunConfig.from_mapping turns the text
into a RunConfig and names the field that is wrong (ConfigError.field). Each
control is checked on its own as it changes, so a bad value is flagged next to it
at once. `read_config()` gives the whole set back as one RunConfig, parsed once
(each control is checked alone again only when the set is refused, to mark every
wrong field); the screen checks it with the dataset, for layer widths, when it
builds a run from it.

The controls say what happened and leave the decisions to the screen:
`LabControls.Edited(field, valid)` after any change, and `LabControls.Pressed(action)`
for the buttons (start, step, reset, reseed).

The input features of 2-D data are toggles (tutor/widgets/feature_toggles.py). The
first layer follows them: switching a feature on or off sets the first layer to one
input per feature (and a dataset that is not 2-D sets them back to x1, x2), so that
the learner never meets the error RunConfig gives a first layer that does not fit.
"""
from __future__ import annotations

import engine
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from tutor.widgets.feature_toggles import FeatureToggles

# (field, label, kind): kind is "choice" for a Select, "text" for an Input, "toggles"
# for the feature toggles.
FIELDS = (
    ("dataset", "dataset", "choice"),
    ("noise", "noise", "text"),
    ("test_share", "test share", "text"),
    ("samples", "samples", "text"),
    ("features", "features", "toggles"),
    ("layers", "layers", "text"),
    ("activation", "activation", "choice"),
    ("output", "output", "choice"),
    ("loss", "loss", "choice"),
    ("init", "init", "choice"),
    ("optimizer", "optimizer", "choice"),
    ("lr", "learn rate", "text"),
    ("regularization", "regularize", "choice"),
    ("regularization_rate", "reg. rate", "text"),
    ("batch_size", "batch size", "text"),
    ("epochs", "epochs", "text"),
    ("seed", "seed", "text"),
)
FIELD_NAMES = tuple(field for field, _, _ in FIELDS)
DATA_FIELDS = ("samples", "noise", "test_share")   # what a generated dataset is drawn with

HINTS = {
    "noise": "0 = clean",
    "test_share": f"0 to {engine.config.typed(engine.datasets.MAX_TEST_SHARE)}",
    "layers": "e.g. 2,4,1",
    "lr": "applies next epoch",
    "regularization_rate": "λ, e.g. 0.001",
    "batch_size": "0 = full batch",
    "epochs": "at least 1",
}

CHOICES = {
    "dataset": engine.datasets.NAMES,
    "activation": tuple(engine.ACTIVATIONS),
    "output": tuple(engine.OUTPUTS),
    "loss": tuple(engine.LOSSES),
    "init": tuple(engine.INITS),
    "optimizer": tuple(engine.OPTIMIZERS),
    "regularization": tuple(engine.regularization.REGULARIZATIONS),
}

KEYS_HELP = ("space start or pause · n one epoch · r reset · + − learning rate ×2 ÷2 · "
             "l loss in log10 · a w d next chart · t epoch table · s save the run · arrows select a neuron, [ ] a sample · "
             "b backprop step by step · g chain rule as a graph · 1 2 3 views · c compare · x check against PyTorch · "
             "e export as code · m use my code · esc back")

BUTTONS = (("start", "Start"), ("step", "Step"), ("reset", "Reset"), ("reseed", "New seed"))


def text_of(value) -> str:
    """A RunConfig value as the text a control shows."""
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class LabControls(VerticalScroll):
    """The settings of a run and the buttons that drive it."""

    # Two columns of settings where there is room (the Setup view of a small terminal);
    # the Lab's screen makes it one column in its narrow side panel.
    DEFAULT_CSS = """
    LabControls {
        height: 1fr;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
    }
    LabControls #fields {
        layout: grid;
        grid-size: 2;
        grid-columns: 1fr 1fr;
        grid-rows: auto;
        grid-gutter: 0 2;
        height: auto;
    }
    LabControls .setting {
        height: auto;
    }
    LabControls .field {
        height: 1;
        margin: 0;
    }
    LabControls #field-features {
        height: auto;    /* the feature toggles take two lines */
    }
    LabControls .field Label {
        width: 11;
        color: $text-muted;
    }
    LabControls .field Input, LabControls .field Select {
        width: 1fr;
    }
    LabControls .field.-error Label {
        color: $error;
        text-style: bold;
    }
    LabControls .field.-error Input {
        color: $error;
    }
    LabControls .error {
        display: none;
        color: $error;
        height: auto;
        padding-left: 11;
    }
    LabControls .error.-shown {
        display: block;
    }
    LabControls #buttons {
        layout: grid;
        grid-size: 4;
        grid-gutter: 1 1;
        grid-rows: 1;
        height: auto;
        margin: 1 1 0 0;
    }
    LabControls #buttons Button {
        width: 1fr;
    }
    LabControls #keys-help {
        color: $text-muted;
        margin: 1 1 0 0;
    }
    """

    class Edited(Message):
        """A control changed; `valid` says whether its value parses on its own;
        `fitted` says which settings were changed to fit a new dataset."""

        def __init__(self, field: str, valid: bool, fitted: str = "") -> None:
            super().__init__()
            self.field, self.valid, self.fitted = field, valid, fitted

    class Pressed(Message):
        """A button: start (also pause while running), step, reset or reseed."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, config: engine.RunConfig, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.initial = config
        self._errors: dict[str, str] = {}
        self._options: dict[str, list] = {}    # the output and loss choices shown, by field
        self._dataset = config.dataset           # the dataset the other settings were fitted to

    def compose(self) -> ComposeResult:
        with Grid(id="fields"):
            for field, label, kind in FIELDS:
                with Vertical(classes="setting", id=f"setting-{field}"):
                    with Horizontal(classes="field", id=f"field-{field}"):
                        yield Label(label, id=f"label-{field}")
                        value = text_of(getattr(self.initial, field))
                        if kind == "choice":
                            options = list(CHOICES[field])
                            if value not in options:   # a CSV file given on the command line
                                options.append(value)
                            yield Select([(o, o) for o in options], value=value, allow_blank=False,
                                         compact=True, id=f"control-{field}")
                        elif kind == "toggles":
                            yield FeatureToggles(value, id=f"control-{field}")
                        else:
                            yield Input(value, placeholder=HINTS.get(field, ""), compact=True,
                                        id=f"control-{field}", select_on_focus=False)
                    yield Static("", classes="error", id=f"error-{field}")
        with Grid(id="buttons"):
            for action, label in BUTTONS:
                yield Button(label, id=f"button-{action}", compact=True)
        yield Static(KEYS_HELP, id="keys-help")

    def on_mount(self) -> None:
        self.show_applicable()

    # ----- values -------------------------------------------------------------------

    def control(self, field: str) -> Input | Select | FeatureToggles:
        return self.query_one(f"#control-{field}")

    def raw(self, field: str) -> str:
        return str(self.control(field).value)

    def value(self, field: str):
        """One control's value, parsed on its own (engine.ConfigError if it does not parse)."""
        return engine.RunConfig.parse_field(field, self.raw(field))

    def raw_values(self) -> dict[str, str]:
        return {field: self.raw(field) for field in FIELD_NAMES}

    def set_value(self, field: str, value) -> None:
        """Show a value (e.g. a new seed) without treating it as the learner's edit."""
        control = self.control(field)
        with control.prevent(Input.Changed, Select.Changed, FeatureToggles.Changed):
            control.value = text_of(value)
        self.check(field)

    def check(self, field: str) -> bool:
        """Parse one control on its own; show or clear its error. True if it parses."""
        # With the chosen output and loss, so that their pairing is judged as shown.
        # (and the layers, for softmax's one output per class, and the features, one input each).
        mapping = {"output": self.raw("output"), "loss": self.raw("loss"), "layers": self.raw("layers"),
                   "features": self.raw("features"), field: self.raw(field)}
        try:
            engine.RunConfig.from_mapping(mapping)
        except engine.ConfigError as error:
            if error.field == field:
                self.show_error(field, error.message)
                return False
        self.clear_error(field)
        return True

    def read_config(self) -> engine.RunConfig | None:
        """The RunConfig the controls describe, or None after showing what is wrong.

        The settings are parsed together once; only when they are refused is each
        control checked on its own, to mark every field that is wrong at once.
        """
        try:
            config = engine.RunConfig.from_mapping(self.raw_values())
        except engine.ConfigError as error:
            if all([self.check(field) for field in FIELD_NAMES]):
                self.show_error(error.field, error.message)   # wrong only together: pairing, widths, size
            return None
        for field in list(self._errors):
            self.clear_error(field)
        return config

    def show_applicable(self) -> None:
        """Hide the data settings the chosen dataset ignores (xor has its 4 fixed
        points: no samples, noise or test share; a CSV file has only a test share), and
        mark the outputs and losses that cannot learn its targets, saying why."""
        dataset = self.raw("dataset")
        builtin = dataset in engine.datasets.NAMES
        used = engine.datasets.parameters(dataset) if builtin else ("test_share",)
        for field in DATA_FIELDS:
            unused = field not in used
            self.control(field).disabled = unused
            self.query_one(f"#setting-{field}").display = not unused
        # Features are made from 2-D points: none for the sine (a CSV file says when read).
        self.query_one("#setting-features").display = not builtin or engine.datasets.shape(dataset)[0] == 2
        task = engine.datasets.shape(dataset)[2] if builtin else None
        for field in ("output", "loss"):
            select = self.control(field)
            options = [(f"{name} ✗ {why}" if (why := task and engine.config.unfit(name, task, short=True))
                        else name, name) for name in CHOICES[field]]
            if options != self._options.get(field):
                self._options[field] = options
                value = select.value
                with select.prevent(Select.Changed):
                    select.set_options(options)
                    select.value = value

    def fit_to_dataset(self) -> str:
        """After a change of dataset: make the first and last layer widths, the output and
        the loss fit its data if they do not (xor → spiral3: softmax, cross_entropy, 3
        outputs). Returns what changed, as a sentence ("" if nothing did)."""
        dataset = self.raw("dataset")
        if dataset not in engine.datasets.NAMES:
            return ""
        inputs, targets, task = engine.datasets.shape(dataset)
        try:
            layers = list(engine.RunConfig.from_mapping({"layers": self.raw("layers")}).layers)
        except engine.ConfigError:
            layers = None
        changes = {}
        features = self._features()
        reset_features = inputs != 2 and features not in (None, engine.features.RAW)   # they need 2-D points
        if inputs == 2 and features is not None:
            inputs = len(features)                        # one input per feature
        # A network made for other targets (or an output or loss that cannot learn these)
        # gets the output and loss made for this data.
        if (layers is not None and layers[-1] != targets) or \
                any(engine.config.unfit(self.raw(field), task) for field in ("output", "loss")):
            changes = {field: value for field, value in engine.config.fitting(task).items()
                       if self.raw(field) != value}
        if layers is not None and (layers[0], layers[-1]) != (inputs, targets):
            layers[0], layers[-1] = inputs, targets
            changes = {"layers": tuple(layers), **changes}    # first: softmax checks its width
        if reset_features:                                    # before the layers: they are checked together
            changes = {"features": engine.features.RAW, **changes}
        for field, value in changes.items():
            self.set_value(field, value)
        said = [f"{field} {text_of(value)}" for field, value in changes.items()]
        return f"{', '.join(said)} to fit {dataset}" if said else ""

    def fit_to_features(self) -> str:
        """After the features changed: one input per feature (the dataset's own columns
        for x1, x2). Returns what changed, as a sentence ("" if nothing did)."""
        features = self._features()
        dataset = self.raw("dataset")
        try:
            layers = list(engine.RunConfig.from_mapping({"layers": self.raw("layers")}).layers)
        except engine.ConfigError:
            return ""
        if features is None or (features == engine.features.RAW and dataset not in engine.datasets.NAMES):
            return ""   # no features chosen (the error says so), or a CSV file whose width is unknown here
        inputs = len(features)
        if layers[0] == inputs:
            return ""
        layers[0] = inputs
        self.set_value("layers", tuple(layers))
        return f"layers {text_of(tuple(layers))}: one input per feature"

    def _features(self) -> tuple[str, ...] | None:
        """The features chosen, or None if the choice is not valid (none chosen)."""
        try:
            return engine.RunConfig.parse_field("features", self.raw("features"))
        except engine.ConfigError:
            return None

    # ----- errors -------------------------------------------------------------------

    @property
    def errors(self) -> dict[str, str]:
        """The errors shown now, by field."""
        return dict(self._errors)

    def show_error(self, field: str, message: str) -> None:
        if field not in FIELD_NAMES:      # not a control of ours (cannot happen from the Lab)
            field = "dataset"
        self._errors[field] = message
        error = self.query_one(f"#error-{field}", Static)
        error.update(f"↑ {message}")
        error.add_class("-shown")
        self.query_one(f"#field-{field}").add_class("-error")

    def clear_error(self, field: str) -> None:
        if self._errors.pop(field, None) is None:
            return
        self.query_one(f"#error-{field}", Static).remove_class("-shown")
        self.query_one(f"#field-{field}").remove_class("-error")

    def clear_cross_field_errors(self) -> None:
        """Forget errors that came from the fields together (pairing, widths) once each
        field parses on its own again."""
        for field in list(self._errors):
            self.check(field)

    def set_running(self, running: bool) -> None:
        """The start button reads Pause while a run goes on."""
        button = self.query_one("#button-start", Button)
        label = "Pause" if running else "Start"
        if str(button.label) != label:
            button.label = label

    # ----- events -------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    @on(FeatureToggles.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | FeatureToggles.Changed) -> None:
        field = event.control.id.removeprefix("control-")
        event.stop()
        fitted = ""
        if field == "dataset" and self.raw("dataset") != self._dataset:   # (not the Select's first Changed)
            self._dataset = self.raw("dataset")
            fitted = self.fit_to_dataset()
            self.show_applicable()
        elif field == "features":
            fitted = self.fit_to_features()
        self.post_message(self.Edited(field, self.check(field), fitted))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Pressed(event.button.id.removeprefix("button-")))
