"""The Lab's "Check against PyTorch" screen (x) and its "Export" dialog (e).

CrosscheckScreen runs tutor/framework/crosscheck.py on the Lab's network in a thread and
shows the agreement table; t times the engine and PyTorch (tutor/framework/speed.py),
also in a thread, and adds the comparison below. Without PyTorch it says how to install
the extra and stays up. Escape goes back to the Lab, whose run is left as it was.

ExportScreen writes the Lab's run as a standalone NumPy or PyTorch script
(tutor/framework/export.py) into the current folder and says where.
"""
from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static
from textual.worker import get_current_worker

import engine


class CrosscheckScreen(Screen):
    """The engine against PyTorch for one run (see the module docstring)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t", "time_both", "Time both",
                tooltip="Time the engine and PyTorch on a tiny and a medium net (takes a minute or more)"),
    ]

    def __init__(self, config: engine.RunConfig, steps: int = 100) -> None:
        super().__init__()
        self.config = config
        self.steps = steps
        self.timing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="crosscheck-body"):
            yield Static("Checking the engine against PyTorch…", id="crosscheck-table", markup=False)
            yield Static("t times both on a tiny and a medium net.", id="crosscheck-speed", classes="note",
                         markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Check against PyTorch"
        self.query_one("#crosscheck-body").focus()
        self._check()

    @work(thread=True, exclusive=True, group="crosscheck", exit_on_error=False)
    def _check(self) -> None:
        text = _agreement_text(self.config, self.steps)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, "#crosscheck-table", text)

    def action_time_both(self) -> None:
        if self.timing:
            return
        self.timing = True
        self._show("#crosscheck-speed", "Timing the engine and PyTorch (one thread, then the default threads)…")
        self._time()

    @work(thread=True, exclusive=True, group="speed", exit_on_error=False)
    def _time(self) -> None:
        from tutor.framework.speed import speed_comparison, speed_text
        from tutor.framework.twin import TorchMissing

        worker = get_current_worker()

        def progress(line: str) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show, "#crosscheck-speed", line)

        try:
            text = speed_text(speed_comparison(progress=progress))
        except TorchMissing as error:
            text = str(error)
        except Exception as error:   # a child process that failed: one line, the screen stays
            text = f"the timing failed: {type(error).__name__}: {error}"
        self.timing = False
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, "#crosscheck-speed", text)

    def _show(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(text)


def _agreement_text(config: engine.RunConfig, steps: int) -> str:
    """The agreement table, or one line saying why there is none."""
    from tutor.framework.crosscheck import crosscheck, report_text, verdict
    from tutor.framework.twin import NotCarried, TorchMissing

    try:
        report = crosscheck(config, steps)
        return f"{'✓' if report.agrees else '✗'} {verdict(report)}\n\n{report_text(report)}"
    except TorchMissing as error:
        return f"{error}\nThen open this screen again (x in the Lab)."
    except (NotCarried, engine.ConfigError) as error:
        return f"This run cannot be checked: {error}"


class ExportScreen(ModalScreen[None]):
    """Write the run as a NumPy or a PyTorch script into the current folder."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, config: engine.RunConfig, folder: Path | None = None) -> None:
        super().__init__()
        self.config = config
        self.folder = folder or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Export this run as a standalone script into {self.folder}:")
            with Horizontal(id="export-buttons"):
                yield Button("NumPy", id="export-numpy", variant="primary")
                yield Button("PyTorch", id="export-pytorch")
            yield Static("Esc closes.", id="export-result", classes="note", markup=False)

    def script_path(self, to: str) -> Path:
        layers = "-".join(map(str, self.config.layers))
        name = Path(self.config.dataset).stem if self.config.dataset.endswith(".csv") else self.config.dataset
        return self.folder / f"{name}_{layers}_{self.config.activation}_{to}.py"

    @on(Button.Pressed)
    def _export(self, event: Button.Pressed) -> None:
        from tutor.framework.export import ExportError, export
        from tutor.framework.twin import NotCarried

        to = event.button.id.removeprefix("export-")
        path = self.script_path(to)
        try:
            path.write_text(export(self.config, to), encoding="utf-8")
        except (ExportError, NotCarried, engine.ConfigError) as error:
            message = f"Not exported: {error}"
        except OSError as error:
            message = f"Not exported: cannot write {path}: {error.strerror or error}"
        else:
            message = f"Wrote {path}\nRun it with: python {path.name}"
        self.query_one("#export-result", Static).update(message)
