"""A note for the shift handover, typed by the shift lead; the services decide who may write one."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from neofloor.i18n import _
from neofloor.tui.dialogs.writing import ResultT, WritingDialog
from neofloor.tui.safe_text import plain
from neofloor.tui.widgets.scan_field import FloorInput

# The services keep at most this many characters (shifts.NOTE_LIMIT).
NOTE_LENGTH = 2000


class ShiftNoteDialog(WritingDialog[ResultT]):
    """Answers the note written (what ``save`` returns), or ``None`` on Escape."""

    def __init__(self, shift: str, author: str, save: Callable[[str], ResultT]) -> None:
        super().__init__()
        self.shift = shift
        self.author = author
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Note for the handover of shift {shift}").format(shift=self.shift), classes="dialog-title"
            )
            yield Label(
                _("Written as {author}. It goes into the shift's handover report.").format(
                    author=plain(self.author)
                ),
                classes="dialog-hint",
                markup=False,
            )
            yield FloorInput(
                placeholder=_("What the next shift should know"), id="note", max_length=NOTE_LENGTH
            )
            yield Label(_("Enter to add the note, Escape to cancel."), classes="dialog-hint")
            yield Label("", id="refusal", classes="dialog-error", markup=False)

    @on(Input.Submitted, "#note")
    def _entered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.say(_("Type the note first."))
            return
        save = self.save
        self.submit(lambda: save(text))
