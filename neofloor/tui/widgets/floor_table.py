"""The app's DataTable: a header drawn before its columns were measured is drawn again.

Textual measures auto-width columns when the table is next idle and widens them
without touching the update count its line and cell caches are keyed by. A frame
drawn between filling the table and that measure (a busy machine, a timer firing)
caches the header with the columns as wide as their labels; the rows, redrawn as
the cursor moves, come out wide, and the header stays narrow above them until the
table's Resize event comes (or the table next changes). The measure ends by setting
the table's virtual size: when that moves, what the table cached was drawn with the
old widths, and it is dropped (``notify_style_update``, the public way a DataTable
is told to forget what it drew) before anything is drawn again.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellType


class FloorTable(DataTable[CellType]):
    """A DataTable whose header, rows and widths never disagree."""

    def watch_virtual_size(self, _old: Size, _new: Size) -> None:
        self.notify_style_update()
