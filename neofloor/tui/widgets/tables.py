"""Filling a table with columns as wide as their widest cell, measured before anything is drawn.

A DataTable measures its auto-width columns when it is next idle, so a frame drawn
before then shows them as wide as their labels (FloorTable makes sure that frame is
not kept). Giving every column its width as the table is filled means the first
frame is already right: no column jumps a frame later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


def as_text(cell: Cell) -> Text:
    """A cell as plain text: a note or a description is never read as markup."""
    return cell if isinstance(cell, Text) else Text(cell)


def fill_table(
    table: DataTable[Any],
    labels: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    keys: Sequence[str] | None = None,
    *,
    select: int | None = None,
) -> None:
    """Replace the table's columns and rows; the cursor goes to row ``select``, else stays where it was."""
    widths = [cell_len(label) for label in labels]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], cell_len(as_text(cell).plain))
    cursor = table.cursor_row if select is None else select
    table.clear(columns=True)
    for label, width in zip(labels, widths, strict=True):
        table.add_column(label, width=width)
    for number, row in enumerate(rows):
        table.add_row(*(as_text(cell) for cell in row), key=keys[number] if keys else None)
    if rows:
        table.move_cursor(row=max(0, min(cursor, len(rows) - 1)), animate=False)
