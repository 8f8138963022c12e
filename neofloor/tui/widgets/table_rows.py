"""New rows in a table without flicker and without moving the reader's cursor.

The board and the station terminal read their cars again whenever another
terminal writes; someone may be reading the list at that moment.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


def refill(
    table: DataTable[Cell], rows: Sequence[tuple[str, Sequence[Cell]]], keep: str | None = None
) -> None:
    """Show ``rows`` (key, cells) without flicker or losing the reader's place.

    The same keys as shown: the cells change in place. Other keys: the rows are
    replaced, the cursor kept on the same key (or moved to ``keep``) with the scroll
    where it was; a list with none of those keys (another station's) starts at the top.
    """
    keys = [key for key, _cells in rows]
    columns = [column.key for column in table.columns.values()]
    if [row.value for row in table.rows] == keys:
        for key, cells in rows:
            for column, value in zip(columns, cells, strict=True):
                table.update_cell(key, column, value, update_width=True)
        if keep in keys:
            table.move_cursor(row=keys.index(keep), animate=False)
        return
    current = None
    if table.row_count:
        current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    wanted = keep if keep in keys else current
    scroll = table.scroll_y
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if wanted in keys:
        # The same list, changed: the same car under the cursor, the list where it was.
        table.move_cursor(row=keys.index(wanted), animate=False, scroll=False)
        table.scroll_to(y=scroll, animate=False)
    else:
        table.scroll_to(y=0, animate=False)
