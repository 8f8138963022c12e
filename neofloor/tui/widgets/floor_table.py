"""The app's DataTable: a header drawn before its columns were measured is drawn again.

Textual measures auto-width columns when the table is next idle and widens them
without touching the update count its line and cell caches are keyed by. A frame
drawn between filling the table and that measure (a busy machine, a timer firing)
caches the header with the columns as wide as their labels; the rows, redrawn as
the cursor moves, come out wide, and the header stays narrow above them until the
table next changes. Bumping the count after each measure makes every line that
was drawn with the old widths miss the cache.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey


class FloorTable(DataTable[CellType]):
    """A DataTable whose header, rows and widths never disagree."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        # Widths may have moved (here or in _update_column_widths just before): what was
        # cached under the old count was drawn with the old widths.
        self._update_count += 1
        self.refresh()
