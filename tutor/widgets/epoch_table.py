"""The Lab's epoch table: the run at epochs 1, 10, 100, ... and now (engine/epoch_table.py),
in the columns `tutor train` prints (tutor/epoch_table_text.py), with what the loss did
between the rows in words under it.

The numbers sit in a DataTable that scrolls sideways (←→) behind its epoch and loss
columns, so that every layer's columns fit at 80 columns too. A refresh rewrites only
the cells that changed (the "now" row, mostly): rebuilding the table would reset the
learner's scrolling a few times a second.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from engine.epoch_table import EpochRow
from tutor import epoch_table_text as text


class EpochTablePanel(Vertical):
    """The table (#epoch-rows) and the patterns in words (#epoch-notes)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._columns: list[str] = []
        self._cells: list[list[str]] = []
        self.border_title = "epoch table · t: charts · ←→ scroll"
        self.border_subtitle = text.RANGE_NOTE

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="none", zebra_stripes=True, fixed_columns=2, id="epoch-rows")
        yield Static("", id="epoch-notes")

    @property
    def table(self) -> DataTable:
        return self.query_one("#epoch-rows", DataTable)

    def show(self, rows: list[EpochRow], layers: int, penalty: bool = False) -> None:
        """Show these rows (penalty: with the regularisation penalty's column); cells that
        did not change are left alone."""
        optional = text.optional_columns(rows)
        columns = text.header(layers, optional, penalty)
        cells = [text.cells(row, optional, penalty) for row in rows]
        table = self.table
        if columns != self._columns or len(cells) < len(self._cells):
            table.clear(columns=True)
            table.add_columns(*((_right(label), label) for label in columns))
            self._columns, self._cells = columns, []
        for r, line in enumerate(cells):
            if r >= len(self._cells):
                table.add_row(*map(_right, line), key=str(r))
                continue
            for label, old, new in zip(columns, self._cells[r], line):
                if old != new:
                    table.update_cell(str(r), label, _right(new))
        self._cells = cells
        words = text.notes(rows) or ["Patterns in the loss (a cycle, a plateau, rises) are named here."]
        self.query_one("#epoch-notes", Static).update("\n".join(words))

    @property
    def shown_cells(self) -> list[list[str]]:
        """The cells on show, row by row (for tests and the status)."""
        return [list(line) for line in self._cells]


def _right(cell: str) -> Text:
    """Numbers line up on the right."""
    return Text(cell, justify="right")
