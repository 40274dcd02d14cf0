"""A notice that covers the app while the terminal is too small to lay it out."""
from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.app import TutorApp


class TooSmallScreen(ModalScreen[None]):
    """Shown by the app below its minimum size; popped as soon as the terminal is big enough.

    It is modal, so the screen under it (a Lab run, say) keeps its state and goes on.
    Whenever it mounts, comes back on top or sees a resize, the app decides again from
    the size now (TutorApp.fit_notice): the terminal may have grown in the meantime.
    """

    app = getters.app(TutorApp)   # self.app, typed as the tutor's app (its course, remember, ...)

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__()
        self.min_width = min_width
        self.min_height = min_height

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self._describe()
        self.app.fit_notice()

    def on_resize(self) -> None:
        self._describe()
        self.app.fit_notice()

    def on_screen_resume(self) -> None:
        self._describe()
        self.app.fit_notice()

    def _describe(self) -> None:
        size = self.app.size
        self.query_one("#too-small-text", Static).update(
            f"Terminal too small: {size.width}x{size.height}.\n"
            f"nn-tutor needs at least {self.min_width}x{self.min_height}.\n"
            "Enlarge the window; everything carries on."
        )
