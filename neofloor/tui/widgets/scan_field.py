"""Typed fields that keep up with a barcode scanner and a paste.

A terminal without bracketed paste delivers a paste as keys, and a scanner types
faster than the event loop turns. Two things follow, each fixed here:

- Textual's ``Input`` rings the bell for every character past its ``max_length``: a
  300-character paste rang 260 times. :class:`FloorInput` refuses an overflow once
  (one bell, one :class:`FloorInput.Overflowed` message) until the field changes again.
- ``Input`` submits on Enter through a binding, handled once the key has bubbled up
  to the screen: by then the keys after it are already in the field, and two VINs
  that reached it in one pass of the event loop were submitted as one.
  :class:`ScanField` submits the value as it was when Enter was pressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input

from neofloor.i18n import _


class FloorInput(Input):
    """An input that refuses what does not fit once: one bell and one message, however long the paste."""

    @dataclass
    class Overflowed(Message):
        """Characters past the field's limit were dropped (posted once per overflow)."""

        field: FloorInput
        limit: int

        @property
        def control(self) -> FloorInput:
            return self.field

        @property
        def sentence(self) -> str:
            said = _("Too long: this field takes {limit} characters; what came after was dropped.")
            return said.format(limit=self.limit)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._overflowing = False

    def restricted(self) -> None:
        """The first character refused rings and says so; the rest of the same overflow are silent."""
        if self._overflowing:
            return
        self._overflowing = True
        self.app.bell()
        self.post_message(self.Overflowed(self, self.max_length or 0))

    def on_input_changed(self, _event: Input.Changed) -> None:
        # The field changed (a key taken, the field emptied): a later overflow is a new one.
        self._overflowing = False


class ScanField(FloorInput):
    """The scan field: Enter submits what was in the field when it was pressed."""

    async def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.value, None))
