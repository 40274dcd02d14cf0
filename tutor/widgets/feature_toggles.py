"""FeatureToggles: the input features of 2-D data (engine/features.py) as toggles.

Playground's column of feature squares, on two lines: x₁ x₂ x₁² x₂², then x₁x₂ sin x₁
sin x₂. Each toggle is focusable (Tab), switched with Enter or Space, or a click; a ✓
marks the ones on. `value` is the choice as a run option writes it (x1,x2,x1^2), so
the Lab's controls read and set it as they do an Input's text.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

import engine.features

ROWS = (("x1", "x2", "x1^2", "x2^2"), ("x1x2", "sin_x1", "sin_x2"))


class FeatureToggle(Widget, can_focus=True):
    """One feature: on or off."""

    DEFAULT_CSS = """
    FeatureToggle {
        width: auto;
        height: 1;
        margin-right: 1;
        color: $text-muted;
    }
    FeatureToggle.-on {
        color: $text;
        text-style: bold;
    }
    FeatureToggle:focus {
        background: $accent;
        color: $text;
    }
    """

    BINDINGS = [Binding("enter,space", "toggle", "Feature on or off", show=False)]

    chosen = reactive(False)

    class Toggled(Message):
        """The learner switched a feature."""

    def __init__(self, name: str) -> None:
        super().__init__(id=f"feature-{_id(name)}")
        self.feature = name
        self.tooltip = f"input feature {name}: Enter, Space or a click switches it"

    def render(self) -> str:
        return ("✓" if self.chosen else "·") + engine.features.FEATURES[self.feature].label.replace(" ", "")

    def watch_chosen(self, chosen: bool) -> None:
        self.set_class(chosen, "-on")

    def action_toggle(self) -> None:
        self.chosen = not self.chosen
        self.post_message(self.Toggled())

    def on_click(self) -> None:
        self.action_toggle()


class FeatureToggles(Vertical):
    """The seven features, `value` the ones on (in the input layer's order)."""

    DEFAULT_CSS = """
    FeatureToggles {
        width: 1fr;
        height: auto;
    }
    FeatureToggles Horizontal {
        height: 1;
    }
    """

    class Changed(Message):
        """A feature was switched on or off (by the learner, not by setting `value`)."""

        def __init__(self, toggles: "FeatureToggles") -> None:
            super().__init__()
            self.toggles = toggles

        @property
        def control(self) -> "FeatureToggles":
            return self.toggles

    def __init__(self, value: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = value

    def compose(self) -> ComposeResult:
        chosen = _names(self._initial)
        for row in ROWS:
            with Horizontal():
                for name in row:
                    toggle = FeatureToggle(name)
                    toggle.chosen = name in chosen
                    yield toggle

    @property
    def value(self) -> str:
        """The features on, as text: x1,x2,x1^2 (empty if none is)."""
        return ",".join(engine.features.ordered(toggle.feature for toggle in self.query(FeatureToggle)
                                                if toggle.chosen))

    @value.setter
    def value(self, text: str) -> None:
        chosen = _names(text)
        for toggle in self.query(FeatureToggle):
            toggle.chosen = toggle.feature in chosen

    def toggle(self, name: str) -> FeatureToggle:
        return self.query_one(f"#feature-{_id(name)}", FeatureToggle)

    def on_feature_toggle_toggled(self, event: FeatureToggle.Toggled) -> None:
        event.stop()
        self.post_message(self.Changed(self))


def _names(text: str) -> set[str]:
    return {engine.features.canonical(part) for part in str(text).split(",") if part.strip()}


def _id(name: str) -> str:
    """A feature's name as a widget id (letters, digits, - and _ only): x1^2 → x1-2."""
    return name.replace("^", "-")
